"""``deployer list``: the clusters and hubs of the configuration, as a table or JSON."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import click

from deployer.cli import config_dir_option
from deployer.config import read_config_fast

if TYPE_CHECKING:
    from pathlib import Path

    from deployer.config import Config

__all__ = ["inventory", "list_command", "render_table"]

_COLUMNS = ("CLUSTER", "PROVIDER", "HUB", "STAGE", "DOMAIN", "CHART")


def inventory(config: Config) -> list[dict[str, Any]]:
    """One record per cluster: its provider and its hubs with stage, domain and chart pin."""
    records: list[dict[str, Any]] = []
    for cluster in config.clusters:
        hubs = []
        for hub in cluster.hubs:
            chart = config.charts.get(hub.chart)
            hubs.append(
                {
                    "name": hub.name,
                    "stage": str(hub.stage),
                    "domain": hub.domain,
                    "chart": hub.chart,
                    "chart_version": chart.version if chart is not None else None,
                }
            )
        records.append({"name": cluster.name, "provider": str(cluster.provider), "hubs": hubs})
    return records


def render_table(records: list[dict[str, Any]]) -> str:
    """Render :func:`inventory` records as an aligned text table, one row per hub."""
    rows: list[tuple[str, ...]] = [_COLUMNS]
    for cluster in records:
        for hub in cluster["hubs"] or [None]:
            if hub is None:
                rows.append((cluster["name"], cluster["provider"], "-", "-", "-", "-"))
                continue
            version = hub["chart_version"] or "?"
            chart = f"{hub['chart']} {version}"
            rows.append(
                (
                    cluster["name"],
                    cluster["provider"],
                    hub["name"],
                    hub["stage"],
                    hub["domain"],
                    chart,
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"


@click.command("list")
@config_dir_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: an aligned table, one row per hub; json: a list of clusters with their hubs.",
)
def list_command(config_dir: Path, output_format: str) -> None:
    """List every cluster with its provider, and its hubs with stage, domain and chart."""
    records = inventory(read_config_fast(config_dir))
    if output_format == "json":
        click.echo(json.dumps(records, indent=2))
    else:
        click.echo(render_table(records), nl=False)
