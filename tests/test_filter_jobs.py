"""``deployer filter-jobs``: prod jobs survive only where support and every canary passed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from deployer.cli import main
from deployer.errors import UsageError
from deployer.plan.filter import filter_jobs, read_results

CONFIG = Path(__file__).parent.parent / "config"


def ok(cluster, hub=None, result="success", attempt=None):
    where = {"support": True} if hub is None else {"hub": hub}
    record = {"cluster": cluster, **where, "result": result}
    return record if attempt is None else {**record, "attempt": attempt}


@pytest.fixture
def plan(tmp_path, capsys):
    """The real plan of a chart change touching nasa and nasa-veda (names share a prefix)."""
    changed = tmp_path / "changed.txt"
    changed.write_text(
        "config/charts/support.yaml\nconfig/charts/jupyterhub.yaml\nconfig/charts/daskhub.yaml\n"
    )
    assert (
        main(
            [
                "plan-upgrade",
                "--changed-files-from",
                str(changed),
                "--config-dir",
                str(CONFIG),
                "--format",
                "json",
            ]
        )
        == 0
    )
    return json.loads(capsys.readouterr().out)


def all_passed(plan):
    return [ok(job["cluster"]) for job in plan["support"]] + [
        ok(job["cluster"], job["hub"]) for job in plan["staging"]
    ]


def prod_clusters(result):
    return sorted({job["cluster"] for job in result.prod})


def test_everything_passed_keeps_every_prod_job(plan):
    result = filter_jobs(plan, all_passed(plan))
    assert result.prod == tuple(plan["prod"])
    assert result.dropped == ()


def test_a_failed_canary_drops_exactly_its_cluster(plan):
    """nasa's canary fails: nasa's prod hubs go, nasa-veda's stay (exact names, no prefixes)."""
    assert {"nasa", "nasa-veda"} <= {job["cluster"] for job in plan["prod"]}
    records = [
        r if r["cluster"] != "nasa" or "hub" not in r else {**r, "result": "failure"}
        for r in all_passed(plan)
    ]
    result = filter_jobs(plan, records)
    expected = sorted({j["cluster"] for j in plan["prod"]} - {"nasa"})
    assert prod_clusters(result) == expected
    assert {d.cluster for d in result.dropped} == {"nasa"}
    assert all("canary staging: failure" in d.reason for d in result.dropped)
    assert sorted(h for d in result.dropped for h in d.hubs) == sorted(
        j["hub"] for j in plan["prod"] if j["cluster"] == "nasa"
    )


def test_a_failed_support_release_drops_its_cluster(plan):
    records = [
        r if r != ok("nasa-veda") else ok("nasa-veda", result="cancelled") for r in all_passed(plan)
    ]
    result = filter_jobs(plan, records)
    assert "nasa-veda" not in prod_clusters(result)
    assert "nasa" in prod_clusters(result)
    assert result.dropped[0].reason == "support release: cancelled"


def test_a_missing_canary_result_counts_as_not_passed(plan):
    records = [
        r for r in all_passed(plan) if not (r["cluster"] == "leap" and r.get("hub") == "staging")
    ]
    result = filter_jobs(plan, records)
    assert "leap" not in prod_clusters(result)
    assert "no result (counted as not passed)" in result.dropped[0].reason


def test_a_later_success_does_not_hide_a_failure(plan):
    records = [*all_passed(plan), ok("leap", "staging", "failure")]
    assert "leap" not in prod_clusters(filter_jobs(plan, records))


def test_skipped_is_not_passed(plan):
    records = [
        r if r != ok("leap", "staging") else ok("leap", "staging", "skipped")
        for r in all_passed(plan)
    ]
    assert "leap" not in prod_clusters(filter_jobs(plan, records))


def test_batched_jobs_lose_only_the_failing_cluster():
    plan = {
        "support": [],
        "staging": [
            {"stage": "staging", "provider": "gcp",
             "clusters": [{"cluster": "uk", "hubs": ["s"]}, {"cluster": "uk-2", "hubs": ["s"]}]},
        ],
        "prod": [
            {"name": "batch", "stage": "prod", "provider": "gcp",
             "clusters": [{"cluster": "uk", "hubs": ["a", "b"]},
                          {"cluster": "uk-2", "hubs": ["c"]}],
             "targets": ["uk a b", "uk-2 c"]},
        ],
    }  # fmt: skip
    result = filter_jobs(plan, [ok("uk", "s", "failure"), ok("uk-2", "s")])
    assert result.prod[0]["clusters"] == [{"cluster": "uk-2", "hubs": ["c"]}]
    assert result.prod[0]["targets"] == ["uk-2 c"]
    assert [(d.cluster, d.hubs) for d in result.dropped] == [("uk", ("a", "b"))]


def test_a_cluster_without_canaries_or_support_keeps_its_prod_jobs():
    job = {"cluster": "x", "provider": "aws", "hub": "p"}
    plan = {"support": [], "staging": [], "prod": [job]}
    assert filter_jobs(plan, []).prod == (job,)


def test_results_from_a_folder_of_json_lines_and_lists(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "results.jsonl").write_text(
        json.dumps(ok("uk")) + "\n" + json.dumps(ok("uk", "s")) + "\n"
    )
    (tmp_path / "b.json").write_text(json.dumps([ok("de", "s", "failure")]))
    (tmp_path / "empty.json").write_text("")
    assert read_results([tmp_path]) == [ok("uk"), ok("uk", "s"), ok("de", "s", "failure")]


@pytest.mark.parametrize(
    "text",
    [
        '{"cluster": "uk", "result": "success"}',
        '[{"cluster": "uk", "hub": "s", "result": "fine"}]',
        '{"cluster": "uk", "hub": "s", "result": "success", "attempt": 0}',
        '{"cluster": "uk", "hub": "s", "result": "success", "attempt": "2"}',
        '{"cluster": "uk", "hub": "s", "result": "success", "attempt": true}',
        "not json",
    ],
)
def test_bad_results_name_the_file(tmp_path, text):
    path = tmp_path / "r.json"
    path.write_text(text)
    with pytest.raises(UsageError, match=str(path)):
        read_results([path])


def test_cli_prints_kept_and_dropped(plan, tmp_path, capsys):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    results = tmp_path / "results"
    results.mkdir()
    records = [r if r != ok("nasa") else ok("nasa", result="failure") for r in all_passed(plan)]
    (results / "all.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    assert main(["filter-jobs", "--plan", str(plan_file), "--results", str(results)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "nasa" not in {j["cluster"] for j in out["prod"]}
    assert "nasa-veda" in {j["cluster"] for j in out["prod"]}
    assert {d["cluster"] for d in out["dropped"]} == {"nasa"}
    assert (
        main(
            ["filter-jobs", "--plan", str(plan_file), "--results", str(results), "--format", "text"]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "Dropped (" in text
    assert "nasa: " in text


def test_cli_rejects_a_plan_that_is_not_a_plan(tmp_path, capsys):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text("[1, 2]")
    assert main(["filter-jobs", "--plan", str(plan_file), "--results", str(plan_file)]) == 2
    assert "plan-upgrade --format json" in capsys.readouterr().err


def rehearsed(plan):
    """What `deploy --dry-run --results-file` records for every planned release."""
    return [{**record, "result": "dry-run"} for record in all_passed(plan)]


def test_a_rehearsal_is_not_a_passed_canary(plan):
    """Dry-run results drop every prod job, and the reason says the canaries were only rehearsed."""
    result = filter_jobs(plan, rehearsed(plan))
    assert result.prod == ()
    assert {d.cluster for d in result.dropped} == {j["cluster"] for j in plan["prod"]}
    nasa = next(d for d in result.dropped if d.cluster == "nasa")
    assert "support release only rehearsed (dry run)" in nasa.reason
    assert "canary only rehearsed (dry run): staging" in nasa.reason
    assert "filter-jobs --dry-run" in nasa.reason


def test_filtering_a_rehearsal_accepts_rehearsed_canaries(plan):
    result = filter_jobs(plan, rehearsed(plan), dry_run=True)
    assert result.prod == tuple(plan["prod"])
    assert filter_jobs(plan, all_passed(plan), dry_run=True).prod == tuple(plan["prod"])


def test_a_failed_rehearsal_still_drops_its_cluster(plan):
    records = [
        {**r, "result": "failure"} if r == ok("leap", "staging") else {**r, "result": "dry-run"}
        for r in all_passed(plan)
    ]
    result = filter_jobs(plan, records, dry_run=True)
    assert "leap" not in prod_clusters(result)
    assert [d.reason for d in result.dropped] == ["canary staging: failure"]


def test_the_latest_attempt_decides(plan):
    """A canary that failed, then passed on a re-run, passes; the reverse does not."""
    base = [r for r in all_passed(plan) if r != ok("leap", "staging")]
    rerun_passed = [*base, ok("leap", "staging", "failure", 1), ok("leap", "staging", "success", 2)]
    assert "leap" in prod_clusters(filter_jobs(plan, rerun_passed))
    order_reversed = [
        *base,
        ok("leap", "staging", "success", 2),
        ok("leap", "staging", "failure", 1),
    ]
    assert "leap" in prod_clusters(filter_jobs(plan, order_reversed))
    rerun_failed = [*base, ok("leap", "staging", "success", 1), ok("leap", "staging", "failure", 2)]
    result = filter_jobs(plan, rerun_failed)
    assert "leap" not in prod_clusters(result)
    assert result.dropped[0].reason == "canary staging: failure (attempt 2)"


def test_within_one_attempt_a_failure_wins(plan):
    base = [r for r in all_passed(plan) if r != ok("leap", "staging")]
    records = [*base, ok("leap", "staging", "failure", 2), ok("leap", "staging", "success", 2)]
    assert "leap" not in prod_clusters(filter_jobs(plan, records))


def test_records_without_an_attempt_keep_failure_winning(plan):
    """Backwards compatible: when any record of a release has no attempt, every record decides."""
    base = [r for r in all_passed(plan) if r != ok("leap", "staging")]
    records = [*base, ok("leap", "staging", "failure"), ok("leap", "staging", "success", 2)]
    result = filter_jobs(plan, records)
    assert "leap" not in prod_clusters(result)
    assert result.dropped[0].reason == "canary staging: failure"


def test_cli_dry_run_flag(plan, tmp_path, capsys):
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    results = tmp_path / "results.jsonl"
    results.write_text("".join(json.dumps(r) + "\n" for r in rehearsed(plan)))
    argv = ["filter-jobs", "--plan", str(plan_file), "--results", str(results)]
    assert main(argv) == 0
    assert json.loads(capsys.readouterr().out)["prod"] == []
    assert main([*argv, "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["prod"] == plan["prod"]


@pytest.mark.parametrize(
    "job",
    [
        {},
        {"hub": "prod"},
        "uk prod",
        {"clusters": [{"hubs": ["a"]}]},
        {"cluster": "uk", "hubs": "ab"},
    ],
)
def test_a_job_without_a_cluster_is_a_usage_error(job):
    with pytest.raises(UsageError, match="job 1 of 'prod'"):
        filter_jobs({"support": [], "staging": [], "prod": [job]}, [])


def test_binary_plan_or_results_are_usage_errors(tmp_path, capsys):
    binary = tmp_path / "x.json"
    binary.write_bytes(b"\xff\xfe\x00{}")
    with pytest.raises(UsageError, match=f"{binary}: not UTF-8 text"):
        read_results([binary])
    assert main(["filter-jobs", "--plan", str(binary), "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{binary}: not UTF-8 text" in err
    assert "Traceback" not in err


def test_deep_or_endless_json_is_a_usage_error(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    assert main(["filter-jobs", "--plan", str(deep), "--results", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"{deep}: JSON nested deeper than 100 levels" in err
    with pytest.raises(UsageError, match="nested deeper than 100 levels"):
        read_results([deep])
    with pytest.raises(UsageError, match="is larger than 16,777,216 bytes"):
        read_results([Path("/dev/zero")])
    assert "Traceback" not in err


def test_a_bad_record_line_is_named_by_its_line(tmp_path):
    results = tmp_path / "results.jsonl"
    results.write_text('\n{"cluster": "uk", "hub": "staging", "result": "success"}\n{"cluster":\n')
    with pytest.raises(UsageError, match=rf"{results}:3:12: not JSON"):
        read_results([results])
