"""``deployer export-hub``: one hub as a folder that deploys with plain helm."""

from __future__ import annotations

from pathlib import Path

import click

from deployer.cli import config_dir_option
from deployer.cli.deploy import validated_config
from deployer.cli.render import find_hub
from deployer.errors import UsageError
from deployer.export import export_hub

__all__ = ["export_hub_command"]


@click.command("export-hub")
@click.argument("cluster")
@click.argument("hub")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace DEST even when it is not empty.")
@config_dir_option
def export_hub_command(cluster: str, hub: str, dest: Path, force: bool, config_dir: Path) -> None:  # noqa: FBT001 (a click flag)
    """Write HUB of CLUSTER into DEST, deployable anywhere without this project.

    DEST gets the values files numbered in the order helm reads them (secret
    files still encrypted), chart.yaml (repository, name, version) and a
    README.md with the plain sops and `helm upgrade --install` commands.
    The cluster is validated first: an export is only made of a valid
    configuration, its secret files fully encrypted.  A non-empty DEST is
    refused unless --force is given; a DEST in, or holding, the config
    folder or the current folder is always refused.
    """
    config = validated_config(config_dir, cluster)
    target = find_hub(config, cluster, hub)
    chart = config.charts.get(target.chart)
    if chart is None:
        msg = f"chart {target.chart!r} of hub {hub!r} is not pinned under {config.root / 'charts'}"
        raise UsageError(msg)
    files = export_hub(target, chart, dest, force=force, inside=config.root)
    click.echo(f"Exported {cluster}/{hub} to {dest} ({len(files)} files).")
