"""The ``deployer`` command line: a thin layer over the library.

Each command parses its options, calls named library steps and prints what
they return.  Commands are registered explicitly at the bottom of this
module, in one place; nothing appears because a module was imported or an
environment variable was set.  Exit codes are decided in :func:`main`:
0 success, 1 a failure the user must fix (invalid config, failed program),
2 a usage error, 127 a missing external program, and 128 + the signal's
number when SIGTERM or SIGHUP stopped it.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from deployer.errors import DeployerError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType

__all__ = ["cli", "main"]

#: The config root used when ``--config-dir`` is not given: ``config/`` in
#: the current working directory (the repository root in CI).
DEFAULT_CONFIG_DIR = Path("config")

config_dir_option = click.option(
    "--config-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_CONFIG_DIR,
    show_default=True,
    help="Folder holding clusters/<cluster>/cluster.yaml and charts/.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="hub-deployer", prog_name="deployer")
def cli() -> None:
    """Validate, plan and deploy the JupyterHubs of every cluster in this repository."""


#: The signals that stop a command the way Ctrl-C does: CI cancelling a job
#: sends SIGTERM, a closed terminal SIGHUP.
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(BaseException):
    """Raised in the main thread when a stop signal arrives.

    It is a BaseException, like KeyboardInterrupt, so that no ``except
    Exception`` swallows it while every ``finally`` on the way out runs: the
    private folders holding decrypted secrets and kubeconfigs are removed, and
    ``subprocess.run`` kills the program it was waiting for.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, _frame: FrameType | None) -> None:
    for other in STOP_SIGNALS:  # a second signal must not cut the clean-up short
        signal.signal(other, signal.SIG_IGN)
    raise Stopped(signum)


@contextlib.contextmanager
def _stop_signals_unwind() -> Iterator[None]:
    """While the command runs, turn SIGTERM and SIGHUP into :class:`Stopped`."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the caller owns signals then
        return
    previous = {signum: signal.signal(signum, _stop) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv: list[str] | None = None) -> int:  # noqa: PLR0911 - one return per way a command ends
    """Run the CLI and return its exit code (the console script's entry point).

    A :class:`~deployer.errors.DeployerError` becomes ``error: <message>`` on
    standard error and its exit code; no traceback is shown for bad input.
    SIGTERM and SIGHUP clean up as Ctrl-C does and exit with 128 + the signal.
    """
    try:
        with _stop_signals_unwind():
            # Without standalone mode, click returns the code of an explicit ctx.exit(code).
            result = cli.main(args=argv, prog_name="deployer", standalone_mode=False)
    except Stopped as exc:
        name = signal.Signals(exc.signum).name
        click.echo(f"Stopped by {name}; temporary files were removed.", err=True)
        return 128 + exc.signum
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except DeployerError as exc:
        click.echo(f"error: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 1
    return result if isinstance(result, int) else 0


def _register() -> None:
    """Attach every command to :data:`cli`: the whole command tree, in one place."""
    # Commands are added here as `cli.add_command(<module>.<command>)`, one line each.
    # Command modules import `cli` from here, so they are imported late.
    from deployer.cli import deploy, export, filter_jobs, plan, render, validate  # noqa: PLC0415
    from deployer.cli import list as list_module  # noqa: PLC0415

    cli.add_command(validate.validate)
    cli.add_command(list_module.list_command)
    cli.add_command(plan.plan_upgrade_command)
    cli.add_command(filter_jobs.filter_jobs_command)
    cli.add_command(deploy.deploy_command)
    cli.add_command(deploy.deploy_support_command)
    cli.add_command(render.render_command)
    cli.add_command(export.export_hub_command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
