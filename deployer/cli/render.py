"""``deployer render``: the merged values of one hub, secret values redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from deployer.cli import config_dir_option
from deployer.cli.deploy import configure_logging
from deployer.config import read_config_fast
from deployer.errors import UsageError
from deployer.render import render_values, values_to_yaml
from deployer.runner import Runner

if TYPE_CHECKING:
    from pathlib import Path

    from deployer.config.model import Config, Hub

__all__ = ["find_hub", "render_command"]


def find_hub(config: Config, cluster: str, hub: str) -> Hub:
    """Return the hub, or raise UsageError naming the known clusters or hubs."""
    try:
        found = config.cluster(cluster)
    except KeyError:
        known = ", ".join(c.name for c in config.clusters)
        msg = f"no cluster {cluster!r} under {config.root} (clusters: {known})"
        raise UsageError(msg) from None
    try:
        return found.hub(hub)
    except KeyError:
        known = ", ".join(h.name for h in found.hubs)
        msg = f"cluster {cluster!r} has no hub {hub!r} (its hubs: {known})"
        raise UsageError(msg) from None


@click.command("render")
@click.argument("cluster")
@click.argument("hub")
@config_dir_option
@click.option(
    "--decrypt",
    is_flag=True,
    help="Decrypt secret files with sops to read their structure (values stay redacted).",
)
def render_command(cluster: str, hub: str, config_dir: Path, decrypt: bool) -> None:  # noqa: FBT001 (a click flag)
    """Print the values HUB of CLUSTER gets, as YAML: its values files merged.

    Maps merge deeply, lists are replaced, later files win (as helm does).
    Every value from a secret file is shown as `<redacted: from FILE>`: keys
    visible, values never.
    """
    configure_logging(debug=False)
    config = read_config_fast(config_dir)
    target = find_hub(config, cluster, hub)
    values = render_values(target, Runner() if decrypt else None, inside=config.root)
    click.echo(values_to_yaml(values, target.values_files), nl=False)
