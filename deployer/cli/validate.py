"""``deployer validate``: check every cluster and hub file and report every problem."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from deployer.cli import config_dir_option

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["validate"]


@click.command("validate")
@click.argument("cluster", required=False)
@click.argument("hub", required=False)
@config_dir_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per problem and a summary; json: a list of problem objects.",
)
@click.option("--verbose", "-v", is_flag=True, help="Also show the details of each problem.")
@click.pass_context
def validate(  # noqa: PLR0917 - click passes the options positionally
    ctx: click.Context,
    cluster: str | None,
    hub: str | None,
    config_dir: Path,
    output_format: str,
    verbose: bool,  # noqa: FBT001 - a click flag
) -> None:
    """Check the configuration: schemas, files, names, domains and secrets.

    Every problem in every file is reported as
    ``file:line:col: severity: message (at $.json.path) [rule]``.  Give a
    CLUSTER (and a HUB of it) to check only that part.  Exits 0 when there
    is no error (warnings allowed), 1 when there are errors.
    """
    # Imported here: jsonschema is not needed by the other commands (plan-upgrade runs often).
    from deployer.validate import format_json, format_text, validate_config  # noqa: PLC0415

    report = validate_config(config_dir, cluster, hub)
    if output_format == "json":
        click.echo(format_json(report), nl=False)
    else:
        click.echo(format_text(report, verbose=verbose), nl=False)
    if not report.ok:
        ctx.exit(1)
