"""``deployer deploy`` and ``deployer deploy-support``: helm upgrades of one cluster."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deployer.cli import config_dir_option
from deployer.config import read_config_fast
from deployer.deploy import deploy_hubs, deploy_support
from deployer.errors import ConfigError, DeployerError, UsageError
from deployer.runner import Runner

if TYPE_CHECKING:
    from collections.abc import Callable

    from deployer.config.model import Config
    from deployer.deploy import DeployReport, ReleaseResult

__all__ = ["configure_logging", "deploy_command", "deploy_support_command"]


class _StderrHandler(logging.Handler):
    """Writes log records to the current standard error (as click.echo does)."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def configure_logging(*, debug: bool) -> None:
    """Send the deployer's log (commands run, program output) to standard error."""
    logger = logging.getLogger("deployer")
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        logger.addHandler(_StderrHandler())
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    logger.propagate = False


def validated_config(config_dir: Path, cluster: str) -> Config:
    """Validate one cluster (raising ConfigError listing every problem), then load the model."""
    from deployer.validate import format_text, validate_config  # noqa: PLC0415 (only deploys need it)

    report = validate_config(config_dir, cluster)
    if not report.ok:
        msg = f"cluster {cluster!r} is not valid; fix these first:\n{format_text(report).rstrip()}"
        raise ConfigError(msg)
    return read_config_fast(config_dir)


def _recorder(
    results_file: Path | None, attempt: int | None
) -> Callable[[ReleaseResult], None] | None:
    if results_file is None:
        return None

    def append(text: str) -> None:
        try:
            results_file.parent.mkdir(parents=True, exist_ok=True)
            with results_file.open("a", encoding="utf-8") as handle:
                handle.write(text)
        except OSError as exc:
            msg = f"cannot write --results-file {results_file}: {exc.strerror}"
            raise UsageError(msg) from None

    append("")  # fail before deploying anything, not after the first release

    def record(result: ReleaseResult) -> None:
        append(json.dumps(result.to_record(attempt)) + "\n")

    return record


def _finish(report: DeployReport, runner: Runner, what: str) -> None:
    if runner.dry_run:
        for line in runner.commands:
            click.echo(line)
    failures, skipped = report.failures, report.skipped
    if failures or skipped:
        names = ", ".join(f.hub or "support" for f in failures)
        msg = f"{len(failures)} of {len(report.results)} {what} failed: {names}"
        if skipped:
            held = ", ".join(str(s.hub) for s in skipped)
            msg += f"; not tried after the failed canary: {held}"
        raise DeployerError(msg)
    if not runner.dry_run:
        click.echo(f"{len(report.results)} {what} deployed.", err=True)


_dry_run = click.option(
    "--dry-run",
    is_flag=True,
    help="Print the exact commands instead of running them (needs no helm, kubectl, sops "
    "or credentials).",
)
_debug = click.option(
    "--debug", is_flag=True, help="Pass --debug to helm and show every program's output."
)
_results_file = click.option(
    "--results-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Append one JSON result record per release to this file (read by `deployer filter-jobs`); "
    "with --dry-run the result is `dry-run`, never `success`.",
)
_attempt = click.option(
    "--attempt",
    type=click.IntRange(min=1),
    envvar="GITHUB_RUN_ATTEMPT",
    show_envvar=True,
    help="Run attempt written into each result record, so that `deployer filter-jobs` lets the "
    "latest attempt of a re-run release decide (GitHub Actions sets GITHUB_RUN_ATTEMPT).",
)


@click.command("deploy")
@click.argument("cluster")
@click.argument("hubs", nargs=-1)
@_dry_run
@_debug
@config_dir_option
@_results_file
@_attempt
def deploy_command(  # noqa: PLR0917 (click passes every option)
    cluster: str,
    hubs: tuple[str, ...],
    dry_run: bool,  # noqa: FBT001 (a click flag)
    debug: bool,  # noqa: FBT001 (a click flag)
    config_dir: Path,
    results_file: Path | None,
    attempt: int | None,
) -> None:
    """Deploy HUBS of CLUSTER (default: every hub, staging hubs first).

    Validates the cluster, gets credentials for its provider into a temporary
    KUBECONFIG, decrypts secret values files with sops into private temporary
    files (removed afterwards), runs `helm upgrade --install` with the values
    files in their declared order, and waits for the hub to roll out.  A
    failing hub does not stop the others, except that prod hubs are not tried
    once a staging hub of the cluster has failed; every failure is listed at
    the end and the exit code is 1.
    """
    configure_logging(debug=debug)
    config = validated_config(config_dir, cluster)
    runner = Runner(dry_run=dry_run)
    report = deploy_hubs(
        config, cluster, hubs, runner, debug=debug, on_result=_recorder(results_file, attempt)
    )
    _finish(report, runner, "hub(s)")


@click.command("deploy-support")
@click.argument("cluster")
@_dry_run
@_debug
@config_dir_option
@_results_file
@_attempt
def deploy_support_command(  # noqa: PLR0917 (click passes every option)
    cluster: str,
    dry_run: bool,  # noqa: FBT001 (a click flag)
    debug: bool,  # noqa: FBT001 (a click flag)
    config_dir: Path,
    results_file: Path | None,
    attempt: int | None,
) -> None:
    """Deploy the support release of CLUSTER (release and namespace `support`)."""
    configure_logging(debug=debug)
    config = validated_config(config_dir, cluster)
    runner = Runner(dry_run=dry_run)
    report = deploy_support(
        config, cluster, runner, debug=debug, on_result=_recorder(results_file, attempt)
    )
    _finish(report, runner, "support release(s)")
