"""``deployer plan-upgrade``: which releases a change must upgrade."""

from __future__ import annotations

import contextlib
import gc
import inspect
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deployer._fs import FileRefusedError, read_stream
from deployer.cli import config_dir_option
from deployer.config import read_config_fast
from deployer.errors import UsageError
from deployer.plan import (
    DEFAULT_MAX_JOBS,
    ChangedFile,
    changes_from_git,
    parse_changed_files,
    plan_to_json,
    plan_to_markdown,
    plan_to_text,
    plan_upgrade,
)
from deployer.plan.changes import MAX_CHANGED_LIST_BYTES
from deployer.plan.labels import (
    DEPLOY_HUBS,
    LABELS,
    PREFIX,
    SKIP_DEPLOY,
    SKIP_HUB_DEPLOYS,
    parse_labels,
)
from deployer.runner import Runner

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["plan_upgrade_command"]

_FORMATTERS = {"json": plan_to_json, "markdown": plan_to_markdown, "text": plan_to_text}


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one load-and-plan, then restore it.

    Loading a large tree and planning build hundreds of thousands of objects
    without reference cycles (reference counting frees them); the
    collector's full passes over them cost about a fifth of the command's
    time and find nothing.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _labels_help() -> str:
    r"""Return the help paragraph listing every label, one per line (click's ``\b`` block)."""
    lines = ["\b", "Labels understood by --labels:"]
    for name, what in LABELS.items():
        lines += [f"  {name}", f"      {what}"]
    precedence = (
        f"{SKIP_DEPLOY} wins over every other label, and {SKIP_HUB_DEPLOYS} over {DEPLOY_HUBS}."
    )
    return "\n".join(lines) + "\n\n" + precedence


def _read_changed_list(source: Path) -> str:
    """Read --changed-files-from: a file, a pipe or standard input ('-'), bounded, UTF-8.

    A pipe is allowed (``--changed-files-from <(git diff --name-status …)``), so the
    bound is on the bytes read, never on the size the file reports.
    """
    try:
        if str(source) == "-":
            data = read_stream(sys.stdin.buffer, limit=MAX_CHANGED_LIST_BYTES)
        else:
            with source.open("rb") as stream:
                data = read_stream(stream, limit=MAX_CHANGED_LIST_BYTES, name=str(source))
    except OSError as exc:
        msg = f"cannot read --changed-files-from {source}: {exc.strerror}"
        raise UsageError(msg) from None
    except FileRefusedError as exc:
        msg = f"--changed-files-from {source} {exc.message}: give a list of changed paths"
        raise UsageError(msg) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = (
            f"--changed-files-from {source} is not UTF-8 text (byte "
            f"{exc.start}): give a list of paths, e.g. from `git diff --name-status`"
        )
        raise UsageError(msg) from None


@click.command("plan-upgrade")
@click.argument("files", nargs=-1)
@click.option(
    "--changed-files-from",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Read changed files from this file ('-' for standard input): one path a line, "
    "or `git diff --name-status` lines.",
)
@click.option(
    "--git-range",
    metavar="BASE..HEAD",
    help="Take the changed files from `git diff --name-status -M BASE HEAD`.",
)
@click.option(
    "--labels",
    default="",
    metavar="JSON",
    help=f"Pull-request labels as a JSON list of names, e.g. '[\"{SKIP_DEPLOY}\"]'. "
    f"Names not starting with {PREFIX} are ignored; the labels understood are listed above.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(_FORMATTERS)),
    default="text",
    show_default=True,
    help="json: the matrices for CI; markdown: the PR comment; text: for people.",
)
@config_dir_option
@click.option(
    "--max-jobs",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_JOBS,
    show_default=True,
    help="Most jobs in one matrix; larger lists are grouped by cluster, then batched.",
)
def plan_upgrade_command(  # noqa: PLR0917 (click passes every option)
    files: tuple[str, ...],
    changed_files_from: Path | None,
    git_range: str | None,
    labels: str,
    output_format: str,
    config_dir: Path,
    max_jobs: int,
) -> None:
    """Plan which support releases, staging hubs and prod hubs a change upgrades.

    The changed FILES come from the arguments, --changed-files-from or
    --git-range (any combination); they are relative to the repository root,
    the folder holding --config-dir (./-prefixed and absolute paths inside
    it are accepted).  Added, modified, deleted and renamed files (both
    paths) count.
    Every job says why it was chosen; files that upgrade nothing are listed as
    ignored with the reason.  Every cluster with a prod job gets all of its
    staging hubs first, as canaries.

    JSON output: {"support": [...], "staging": [...], "prod": [...],
    "ignored": [{"file", "reason"}], "notes": [...], "grouped": {stage: how},
    "labels": [...]}; each job has "name", "stage", "cluster", "provider",
    "hub" (or "hubs" when grouped by cluster, or "clusters" for a batch),
    "reason" (a list) and "targets" (the arguments of `deployer deploy` /
    `deployer deploy-support`, one invocation each).
    """
    changes = [ChangedFile(path) for path in files]
    if changed_files_from is not None:
        changes += parse_changed_files(_read_changed_list(changed_files_from).splitlines())
    with _collector_paused():
        config = read_config_fast(config_dir)
        if git_range is not None:
            changes += changes_from_git(git_range, Runner(), config.root.parent)
        plan = plan_upgrade(config, changes, parse_labels(labels), max_jobs=max_jobs)
        text = _FORMATTERS[output_format](plan)
    click.echo(text, nl=False)


plan_upgrade_command.help = "\n\n".join(
    (inspect.cleandoc(plan_upgrade_command.help or ""), _labels_help())
)
