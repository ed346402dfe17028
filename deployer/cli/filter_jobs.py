"""``deployer filter-jobs``: the prod matrix, without clusters whose canaries failed."""

from __future__ import annotations

import json
from pathlib import Path

import click

from deployer._json import parse_json, read_json_text
from deployer.plan.filter import check_plan, filter_jobs, read_results

__all__ = ["filter_jobs_command"]


@click.command("filter-jobs")
@click.option(
    "--plan",
    "plan_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The JSON written by `deployer plan-upgrade --format json`.",
)
@click.option(
    "--results",
    "results_paths",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path),
    help="A results file, or a folder of them (every *.json* file inside); repeatable.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="json: {'prod': [...], 'dropped': [...]}; text: for people.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="The prod jobs will be rehearsed too: accept rehearsed (dry-run) canaries as passed.",
)
def filter_jobs_command(
    plan_file: Path,
    results_paths: tuple[Path, ...],
    output_format: str,
    dry_run: bool,  # noqa: FBT001 (a click flag)
) -> None:
    """Keep the prod jobs of clusters whose support release and canaries all passed.

    Results are records, one per deployed release, as a JSON list or one JSON
    object a line (what `deployer deploy --results-file` appends):

    \b
      {"cluster": "uk", "hub": "staging", "result": "success", "attempt": 2}
      {"cluster": "uk", "support": true, "result": "failure"}

    where result is success, failure, cancelled, skipped or dry-run (written
    by `deploy --dry-run`: only rehearsed).  A rehearsal counts as passed
    only with --dry-run, for a rehearsed prod; otherwise the prod hubs are
    dropped ("canary only rehearsed (dry run)").  The optional attempt (from
    `deploy --attempt`, GitHub's run attempt) orders re-runs: when every
    record of a release has one, the latest attempt decides, so a re-run
    canary that passed counts as passed even though the failed attempt's
    record is still there.  Records without an attempt all decide, and a
    failure wins.  A planned support release or canary with no record counts
    as not passed.  Clusters are matched by exact name: a failure on `uk`
    never drops the prod hubs of `uk-2`.  The output lists the prod jobs to
    run ("prod", same shape as in the plan) and what was dropped and why
    ("dropped").
    """  # noqa: D301 (click's \b marker keeps the examples unwrapped)
    expected = "the JSON of `deployer plan-upgrade --format json`"
    plan = parse_json(
        read_json_text(plan_file, expected=expected), str(plan_file), expected=expected
    )
    check_plan(plan)
    result = filter_jobs(plan, read_results(results_paths), dry_run=dry_run)
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return
    click.echo(f"Prod jobs kept ({len(result.prod)}):")
    for job in result.prod:
        click.echo(f"  {job.get('name', ' '.join(job.get('targets', [])))}")
    click.echo(f"Dropped ({len(result.dropped)}):")
    for item in result.dropped:
        click.echo(f"  {item.cluster}: {', '.join(item.hubs)}: {item.reason}")
