"""The inventory page generator (tools/reference/inventory.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from deployer.config import (
    AwsAccess,
    Chart,
    Cluster,
    Config,
    GcpAccess,
    Hub,
    KubeconfigAccess,
    Provider,
    Stage,
    Support,
)
from tools.reference.inventory import load_inventory, render_inventory_page

ROOT = Path("/repo/config")
EXAMPLE = Path(__file__).parent.parent / "config"


def _hub(cluster: str, name: str, stage: Stage, chart: str = "jupyterhub") -> Hub:
    return Hub(
        name=name,
        cluster=cluster,
        display_name=f"{cluster.upper()} {name}",
        domain=f"{name}.{cluster}.hubs.example.org",
        stage=stage,
        chart=chart,
        values_files=(ROOT / "clusters" / cluster / f"{name}.values.yaml",),
    )


def _config() -> Config:
    charts = {
        "jupyterhub": Chart(
            "jupyterhub",
            "https://hub.jupyter.org/helm-chart/",
            "jupyterhub",
            "4.1.0",
            ROOT / "charts/jupyterhub.yaml",
        ),
        "support": Chart(
            "support",
            "https://charts.example.org/",
            "support",
            "1.2.3",
            ROOT / "charts/support.yaml",
        ),
    }
    uk = Cluster(
        name="uk",
        provider=Provider.GCP,
        access=GcpAccess(project="uk-hubs-prod", cluster="uk-cluster", zone="europe-west2-b"),
        path=ROOT / "clusters/uk",
        hubs=(_hub("uk", "staging", Stage.STAGING), _hub("uk", "prod", Stage.PROD)),
        support=Support("support", ()),
    )
    veda = Cluster(
        name="veda",
        provider=Provider.AWS,
        access=AwsAccess(account_id="012345678901", cluster="veda", region="us-west-2"),
        path=ROOT / "clusters/veda",
        hubs=(_hub("veda", "staging", Stage.STAGING, chart="daskhub"),),
    )
    campus = Cluster(
        name="campus",
        provider=Provider.KUBECONFIG,
        access=KubeconfigAccess(file=ROOT / "clusters/campus/enc-kubeconfig.secret.yaml"),
        path=ROOT / "clusters/campus",
        hubs=(),
    )
    return Config(root=ROOT, clusters=(uk, veda, campus), charts=charts)


def test_every_cluster_and_hub_is_a_row() -> None:
    page = render_inventory_page(_config())
    assert "The 3 clusters and 3 hubs this repository deploys" in page
    assert (
        "| `uk` | gcp | project `uk-hubs-prod`, cluster `uk-cluster`, europe-west2-b"
        " | `support` 1.2.3 | 1 staging, 1 prod |"
    ) in page
    assert "| `veda` | aws | account `012345678901`, cluster `veda`, us-west-2 | none |" in page
    assert "| `campus` | kubeconfig | kubeconfig `enc-kubeconfig.secret.yaml` | none |" in page
    assert (
        "| `uk` | `prod` | UK prod | prod | `prod.uk.hubs.example.org` | `jupyterhub` | `4.1.0` |"
    ) in page


def test_a_chart_id_without_a_pin_is_shown_as_unknown() -> None:
    page = render_inventory_page(_config())
    assert "| `daskhub` | `(unknown)` |" in page


def test_display_names_are_plain_text_in_their_cell() -> None:
    config = _config()
    hub = config.clusters[0].hubs[0]
    odd = Hub(hub.name, hub.cluster, "Lab | *one* <b>", hub.domain, hub.stage, hub.chart, ())
    page = render_inventory_page(
        Config(
            config.root,
            (Cluster("x", Provider.GCP, config.clusters[0].access, config.root, (odd,)),),
            config.charts,
        )
    )
    assert r"| Lab \| \*one\* \<b\> |" in page


def test_chart_pins_are_listed_in_id_order() -> None:
    page = render_inventory_page(_config())
    assert page.index("| `jupyterhub` | `jupyterhub` | `4.1.0`") < page.index("| `support` |")


@pytest.mark.skipif(
    not any(EXAMPLE.glob("clusters/*/cluster.yaml")), reason="no example config tree"
)
def test_the_example_tree_loads_with_the_deployers_loader() -> None:
    config = load_inventory(EXAMPLE)
    page = render_inventory_page(config)
    for hub in config.hubs():
        assert f"`{hub.domain}`" in page
