"""A tiny click command line the audit's CLI-coverage gap is tested against."""

import click


@click.group()
def cli() -> None:
    """Tidepool."""


@cli.command()
def sync() -> None:
    """Copy a folder into a bucket."""


@cli.command()
def check() -> None:
    """Check a bucket."""


@cli.group()
def schedule() -> None:
    """Scheduled syncs."""


@schedule.command()
def start() -> None:
    """Start the scheduler."""


@schedule.command(name="export")
def export_() -> None:
    """Export the schedule."""


@cli.command(hidden=True)
def debug() -> None:
    """Hidden."""
