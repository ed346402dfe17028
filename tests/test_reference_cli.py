"""The click command tree → MyST generator (tools/reference/cli.py)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from deployer.cli import cli as deployer_cli
from tools.reference import GenerationError
from tools.reference.cli import command_label, import_command, render_cli_page


@click.group()
def tool() -> None:
    """A tool with <angle> brackets and a `code span`."""


@tool.command()
@click.argument("cluster")
@click.argument("hubs", nargs=-1)
@click.option(
    "--config-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("config")
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Output."
)
@click.option("--dry-run/--no-dry-run", default=False, help="Only show.")
@click.option("--verbose", "-v", is_flag=True, help="More.")
@click.option("--token", envvar="TOOL_TOKEN", show_default=False, default="s3cret", help="Token.")
@click.option("--label", multiple=True, help="A label.")
def deploy(**_: object) -> None:
    """Deploy HUBS of CLUSTER.

    \b
    line one
    line two
    """


@tool.command(hidden=True)
def secret() -> None:
    """Not documented."""


def test_every_command_argument_and_option_is_documented() -> None:
    page = render_cli_page(tool, prog_name="tool", spec="tests:tool")
    assert "(cli-tool)=\n## `tool`\n" in page
    assert "(cli-tool-deploy)=\n### `tool deploy`\n" in page
    assert "Usage: tool deploy [OPTIONS] CLUSTER [HUBS]..." in page
    assert "`CLUSTER`\n: Type: text. Required.\n" in page
    assert "`[HUBS]...`\n: Type: text. Optional. Any number of values.\n" in page
    assert "`--config-dir DIRECTORY`\n" in page
    assert "Type: directory. Default: `config`." in page
    assert "Type: one of `text`, `json`. Default: `text`." in page
    assert "`--dry-run / --no-dry-run`\n: Only show.\n\n  Type: flag. Default: off." in page
    assert "`--verbose, -v`\n: More.\n\n  Type: flag.\n" in page
    assert "May be given more than once." in page
    assert "- {ref}`tool deploy <cli-tool-deploy>`: Deploy HUBS of CLUSTER." in page


def test_hidden_commands_and_unshown_defaults_stay_out() -> None:
    page = render_cli_page(tool, prog_name="tool", spec="tests:tool")
    assert "secret" not in page
    assert "s3cret" not in page
    assert "Environment: `TOOL_TOKEN`." in page


def test_help_text_is_escaped_except_code_spans_and_keeps_b_blocks() -> None:
    page = render_cli_page(tool, prog_name="tool", spec="tests:tool")
    assert r"A tool with \<angle\> brackets and a `code span`." in page
    assert "line one\\\nline two" in page


def test_every_deployer_command_is_in_the_page_including_later_ones() -> None:
    """The page follows the real command tree: whatever _register() adds shows up."""
    page = render_cli_page(deployer_cli, prog_name="deployer", spec="deployer.cli:cli")
    ctx = click.Context(deployer_cli, info_name="deployer")
    names = deployer_cli.list_commands(ctx)
    for name in names:
        assert f"({command_label(f'deployer {name}')})=" in page
    assert "object at 0x" not in page


def test_import_command_accepts_module_colon_attribute() -> None:
    assert import_command("deployer.cli:cli") is deployer_cli


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("deployer.cli", "module:attribute"),
        ("deployer.nowhere:cli", "cannot import"),
        ("deployer.cli:main", "not a click command"),
    ],
)
def test_import_command_errors_are_clear(spec: str, message: str) -> None:
    with pytest.raises(GenerationError, match=message):
        import_command(spec)
