"""deployer.plan.planner: the pure planner on small models built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deployer.config.model import Chart, Cluster, Config, GcpAccess, Hub, Provider, Stage, Support
from deployer.errors import UsageError
from deployer.plan import ChangedFile, JobStage, plan_to_markdown, plan_to_text, plan_upgrade
from deployer.plan import labels as lbl

ROOT = Path("/repo")
CONFIG = ROOT / "config"


def make_cluster(name: str, staging: int = 1, prod: int = 2, provider: str = "gcp") -> Cluster:
    folder = CONFIG / "clusters" / name
    hubs = []
    for stage, count in ((Stage.STAGING, staging), (Stage.PROD, prod)):
        for number in range(count):
            hub = f"{stage}{number}" if count > 1 or stage is Stage.PROD else "staging"
            hubs.append(
                Hub(
                    name=hub,
                    cluster=name,
                    display_name=hub,
                    domain=f"{hub}.{name}.example.org",
                    stage=stage,
                    chart="jupyterhub",
                    values_files=(
                        folder / "common.values.yaml",
                        folder / f"{hub}.values.yaml",
                        folder / f"enc-{hub}.secret.values.yaml",
                    ),
                )
            )
    return Cluster(
        name=name,
        provider=Provider(provider),
        access=GcpAccess(project="p", cluster=name, zone="europe-west2-b"),
        path=folder,
        hubs=tuple(hubs),
        support=Support("support", (folder / "support.values.yaml",)),
    )


def make_config(*clusters: Cluster) -> Config:
    charts = {
        cid: Chart(cid, "https://charts.example.org", cid, "1.0", CONFIG / "charts" / f"{cid}.yaml")
        for cid in ("jupyterhub", "support")
    }
    return Config(root=CONFIG, clusters=clusters, charts=charts)


def names(plan, stage):
    return [(j.units[0].cluster, j.units[0].hubs) for j in plan.jobs(stage)]


def test_a_prod_values_file_brings_all_canaries_of_its_cluster_only():
    config = make_config(make_cluster("uk", staging=2), make_cluster("uk-2", staging=2))
    plan = plan_upgrade(config, [ChangedFile("config/clusters/uk/prod0.values.yaml")])
    assert names(plan, JobStage.PROD) == [("uk", ("prod0",))]
    assert names(plan, JobStage.STAGING) == [("uk", ("staging0",)), ("uk", ("staging1",))]
    assert all("canary for the prod hubs of uk" in j.reason for j in plan.staging)
    assert plan.support == ()


def test_staging_only_change_deploys_just_that_staging_hub():
    config = make_config(make_cluster("uk", staging=2))
    plan = plan_upgrade(config, [ChangedFile("config/clusters/uk/staging1.values.yaml")])
    assert names(plan, JobStage.STAGING) == [("uk", ("staging1",))]
    assert plan.prod == ()


def test_shared_file_upgrades_every_hub_listing_it_not_support():
    config = make_config(make_cluster("uk"))
    plan = plan_upgrade(config, [ChangedFile("config/clusters/uk/common.values.yaml")])
    assert len(plan.staging) == 1
    assert len(plan.prod) == 2
    assert plan.support == ()


def test_reasons_name_the_file_and_rule():
    config = make_config(make_cluster("uk"))
    plan = plan_upgrade(config, [ChangedFile("config/clusters/uk/cluster.yaml")])
    assert plan.support[0].reason == ("config/clusters/uk/cluster.yaml (cluster-file)",)


def test_a_path_given_twice_counts_once():
    config = make_config(make_cluster("uk"))
    changes = [
        ChangedFile("config/clusters/uk/prod0.values.yaml"),
        ChangedFile("./config/clusters/uk/prod0.values.yaml"),
    ]
    plan = plan_upgrade(config, changes)
    assert len(plan.prod) == 1
    assert plan.prod[0].reason == ("config/clusters/uk/prod0.values.yaml (values-file)",)


def test_path_outside_the_repository_is_ignored_with_reason():
    plan = plan_upgrade(make_config(make_cluster("uk")), [ChangedFile("/etc/passwd")])
    assert [(i.file, i.reason) for i in plan.ignored] == [("/etc/passwd", "outside the repository")]


@pytest.mark.parametrize(
    ("labels", "support", "hubs"),
    [
        ([lbl.SKIP_DEPLOY, lbl.DEPLOY_HUBS, lbl.DEPLOY_SUPPORT], 0, 0),
        ([lbl.SKIP_HUB_DEPLOYS, lbl.DEPLOY_HUBS], 1, 0),
        ([lbl.DEPLOY_SUPPORT], 2, 3),
        ([lbl.DEPLOY_HUBS], 1, 6),
        (["unrelated", "ci:ready"], 1, 3),
    ],
)
def test_label_precedence(labels, support, hubs):
    """skip-deploy beats everything; skip-hub-deploys beats deploy-hubs; others add."""
    config = make_config(make_cluster("uk"), make_cluster("de"))
    plan = plan_upgrade(config, [ChangedFile("config/clusters/uk/cluster.yaml")], labels)
    assert len(plan.support) == support
    assert len(plan.staging) + len(plan.prod) == hubs


def test_no_grouping_up_to_the_limit():
    config = make_config(*(make_cluster(f"c{i}", prod=2) for i in range(4)))
    plan = plan_upgrade(config, [ChangedFile("deployer/x.py")], max_jobs=8)
    assert len(plan.prod) == 8
    assert plan.grouped == {}


def test_grouping_by_cluster_beyond_the_limit():
    config = make_config(*(make_cluster(f"c{i}", prod=3) for i in range(4)))
    plan = plan_upgrade(config, [ChangedFile("deployer/x.py")], max_jobs=5)
    assert [j.units[0].hubs for j in plan.prod] == [("prod0", "prod1", "prod2")] * 4
    assert "prod" in plan.grouped
    assert "staging" not in plan.grouped
    data = plan.prod[0].to_dict()
    assert data["hubs"] == ["prod0", "prod1", "prod2"]
    assert data["targets"] == ["c0 prod0 prod1 prod2"]
    assert "grouped" in plan_to_text(plan)
    assert "Grouped:" in plan_to_markdown(plan)


def test_batches_beyond_one_job_per_cluster():
    clusters = [make_cluster(f"g{i}", provider="gcp") for i in range(7)]
    clusters += [make_cluster(f"a{i}", provider="aws") for i in range(5)]
    plan = plan_upgrade(make_config(*clusters), [ChangedFile("deployer/x.py")], max_jobs=4)
    for stage in JobStage:
        jobs = plan.jobs(stage)
        assert len(jobs) <= 4
        assert [u.cluster for j in jobs for u in j.units] == [c.name for c in clusters]
        assert all(len({u.provider for u in j.units}) == 1 for j in jobs)
    data = plan.prod[0].to_dict()
    assert data["clusters"][0] == {"cluster": "g0", "hubs": ["prod0", "prod1"]}
    assert data["targets"][:2] == ["g0 prod0 prod1", "g1 prod0 prod1"]
    assert "batches" in plan.grouped["prod"]


def test_batches_mix_providers_when_there_are_fewer_jobs_than_providers():
    clusters = [make_cluster(f"c{i}", provider=p) for i, p in enumerate(["gcp", "aws", "azure"])]
    plan = plan_upgrade(make_config(*clusters), [ChangedFile("deployer/x.py")], max_jobs=1)
    assert len(plan.support) == 1
    assert plan.support[0].to_dict()["provider"] == "aws,azure,gcp"


def test_max_jobs_must_be_positive():
    with pytest.raises(UsageError):
        plan_upgrade(make_config(), [], max_jobs=0)


def test_the_planner_reads_no_files():
    """The model points at files that do not exist: the plan is computed from the model alone."""
    config = make_config(make_cluster("uk"))
    assert not (ROOT / "config").exists()
    plan = plan_upgrade(config, [ChangedFile("config/charts/jupyterhub.yaml")])
    assert len(plan.prod) == 2


def test_markdown_of_a_huge_plan_fits_in_a_github_comment():
    """Rows and reasons are capped so the comment stays under GitHub's 65,536 characters."""
    config = make_config(*(make_cluster(f"cluster-{i:03d}", staging=2, prod=8) for i in range(300)))
    changes = [
        ChangedFile(f"config/clusters/cluster-{i:03d}/prod{h}.values.yaml")
        for i in range(300)
        for h in range(8)
    ]
    changes += [ChangedFile(f"docs/page-{i}.md") for i in range(500)]
    markdown = plan_to_markdown(plan_upgrade(config, changes))
    assert len(markdown) < 65_536
    assert "more jobs (see the JSON plan)" in markdown
    assert "and 400 more files" in markdown


def test_a_file_of_another_clusters_folder_upgrades_the_hub_listing_it():
    """values_files may point outside the hub's own cluster folder; the hub is still found."""
    uk = make_cluster("uk")
    shared = CONFIG / "clusters" / "de" / "common.values.yaml"
    hub = uk.hubs[0]
    moved = Hub(
        **{**{f: getattr(hub, f) for f in hub.__dataclass_fields__}, "values_files": (shared,)}
    )
    uk = Cluster(
        **{**{f: getattr(uk, f) for f in uk.__dataclass_fields__}, "hubs": (moved, *uk.hubs[1:])}
    )
    plan = plan_upgrade(
        make_config(uk, make_cluster("de")), [ChangedFile("config/clusters/de/common.values.yaml")]
    )
    assert ("uk", ("staging",)) in names(plan, JobStage.STAGING)
    assert [c for c, _ in names(plan, JobStage.PROD)] == ["de", "de"]


def test_a_file_listed_twice_by_a_hub_gives_one_reason():
    uk = make_cluster("uk", prod=1)
    hub = uk.hubs[1]
    twice = Hub(
        **{
            **{f: getattr(hub, f) for f in hub.__dataclass_fields__},
            "values_files": hub.values_files * 2,
        }
    )
    uk = Cluster(
        **{**{f: getattr(uk, f) for f in uk.__dataclass_fields__}, "hubs": (uk.hubs[0], twice)}
    )
    plan = plan_upgrade(make_config(uk), [ChangedFile("config/clusters/uk/prod0.values.yaml")])
    assert plan.prod[0].reason == ("config/clusters/uk/prod0.values.yaml (values-file)",)


def test_reasons_keep_the_order_of_the_changed_files():
    config = make_config(make_cluster("uk", prod=1))
    files = [
        "config/clusters/uk/prod0.values.yaml",
        "deployer/x.py",
        "config/clusters/uk/common.values.yaml",
    ]
    plan = plan_upgrade(config, [ChangedFile(f) for f in files])
    rules = ["values-file", "deployer-code", "values-file"]
    assert plan.prod[0].reason == tuple(f"{f} ({r})" for f, r in zip(files, rules, strict=True))


# -- every values file the schema accepts is planned -----------------------------------------


def _values_file_pattern() -> str:
    from deployer.schemas import load_schema  # noqa: PLC0415

    return load_schema("cluster")["$defs"]["relativeYamlPath"]["pattern"]


def _plan_for_listed(name: str, stage: Stage) -> object:
    """Plan a change to *name* in a cluster whose one hub of *stage* lists it."""
    folder = CONFIG / "clusters" / "uk"
    hub = Hub("lister", "uk", "Lister", "lister.example.org", stage, "jupyterhub", (folder / name,))
    cluster = Cluster("uk", Provider.GCP, GcpAccess("p", "uk", "europe-west2-b"), folder, (hub,))
    return plan_upgrade(make_config(cluster), [ChangedFile(f"config/clusters/uk/{name}")])


@pytest.mark.parametrize(
    "name",
    ["prod.yaml", "prod.yml", "sub/prod.values.yaml", "a/b/prod.yaml", "enc-prod.secret.yaml",
     "enc-staging.secret.values.yaml", "prod.values.yaml", "x", ".hidden.yaml"],
)  # fmt: skip
@pytest.mark.parametrize("stage", list(Stage))
def test_a_listed_file_of_any_name_plans_the_hub_that_lists_it(name: str, stage: Stage) -> None:
    plan = _plan_for_listed(name, stage)
    assert [(j.units[0].hubs, j.stage.value) for j in (*plan.staging, *plan.prod)] == [
        (("lister",), stage.value)
    ], plan.ignored


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_values_file_name_the_schema_accepts_plans_its_hub(data: st.DataObject) -> None:
    """The planner matches files through the values_files naming them, as the schema allows."""
    name = data.draw(st.from_regex(_values_file_pattern(), fullmatch=True))
    stage = data.draw(st.sampled_from(list(Stage)))
    plan = _plan_for_listed(name, stage)
    assert [j.units[0].hubs for j in (*plan.staging, *plan.prod)] == [("lister",)], (
        name,
        plan.ignored,
    )


def test_a_file_nothing_lists_upgrades_nothing_and_says_why() -> None:
    config = make_config(make_cluster("uk"))
    plan = plan_upgrade(config, [ChangedFile("config/clusters/uk/old.values.yaml")])
    assert (plan.staging, plan.prod, plan.support) == ((), (), ())
    assert [(i.file, i.reason) for i in plan.ignored] == [
        ("config/clusters/uk/old.values.yaml", "no hub or support release lists it in values_files")
    ]
