"""Turn a click command tree into a MyST reference page.

The page is made from the command objects themselves (``deployer.cli.cli``),
so a command registered in ``deployer.cli._register`` appears here without
anyone editing the docs.  Each command gets a section with a stable label
``cli-<command path with dashes>`` (``cli-deployer-validate``): its help,
its usage line, its arguments and its options with types and defaults.
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
from pathlib import PurePath
from typing import TYPE_CHECKING

import click

from tools.reference._errors import GenerationError

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["command_label", "import_command", "render_cli_page"]

_HEADING_MAX = 6
_LABEL_JUNK = re.compile(r"[^a-z0-9]+")


def import_command(spec: str) -> click.Command:
    """Import ``"package.module:attribute"`` and return that click command."""
    module_name, _, attribute = spec.partition(":")
    if not module_name or not attribute:
        msg = f"{spec!r}: name the command as 'package.module:attribute'"
        raise GenerationError(msg)
    try:
        command = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as exc:
        msg = f"{spec!r}: cannot import the command: {exc}"
        raise GenerationError(msg) from exc
    if not isinstance(command, click.Command):
        msg = f"{spec!r} is a {type(command).__name__}, not a click command"
        raise GenerationError(msg)
    return command


def command_label(path: str) -> str:
    """Return the label of the command *path*: ``deployer validate`` → ``cli-deployer-validate``."""
    return "cli-" + _LABEL_JUNK.sub("-", path.lower()).strip("-")


def _walk(
    command: click.Command,
    ctx: click.Context,
    depth: int,
) -> Iterator[tuple[click.Command, click.Context, int]]:
    yield command, ctx, depth
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from _walk(sub, click.Context(sub, info_name=name, parent=ctx), depth + 1)


_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_MARKUP = re.compile(r"([\\*<>\[\]|])")


def _escape(text: str) -> str:
    """Escape Markdown markup in plain help text, keeping `code spans` as they are."""
    out, last = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(_MARKUP.sub(r"\\\1", text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_MARKUP.sub(r"\\\1", text[last:]))
    return "".join(out)


def _help_text(text: str | None) -> str:
    r"""Return click help as MyST paragraphs (``\b`` blocks kept line by line)."""
    if not text:
        return ""
    text = inspect.cleandoc(text.split("\f", 1)[0])
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = block.splitlines()
        if lines and lines[0].strip() == "\b":
            paragraphs.append("\\\n".join(_escape(line.rstrip()) for line in lines[1:]))
        else:
            paragraphs.append(_escape(" ".join(line.strip() for line in lines)))
    return "\n\n".join(p for p in paragraphs if p)


def _code(text: str) -> str:
    tick = "``" if "`" in text else "`"
    pad = " " if tick == "``" else ""
    return f"{tick}{pad}{text}{pad}{tick}"


def _default_text(value: object) -> str | None:
    """Return a default as shown on the page, or ``None`` for "no default" (or an opaque one)."""
    if isinstance(value, (list, tuple)):
        shown = [_default_text(v) for v in value]
        return ", ".join(t for t in shown if t) if value and all(shown) else None
    if isinstance(value, enum.Enum):
        return _default_text(value.value)  # click's "unset" sentinel is an enum of object()
    if not isinstance(value, (str, int, float, PurePath)) or value == "":
        return None  # None, callables and other objects have nothing to show
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, PurePath):
        value = value.as_posix()
    return _code(str(value))


def _type_text(param: click.Parameter) -> str:
    kind = param.type
    if isinstance(kind, click.Choice):
        return "one of " + ", ".join(_code(str(c)) for c in kind.choices)
    if isinstance(param, click.Option) and param.is_flag:
        return "flag"
    name = kind.name.lower()
    if isinstance(kind, click.Path):
        name = "directory" if not kind.file_okay else "file" if not kind.dir_okay else "path"
    return name


def _option_entry(option: click.Option, ctx: click.Context) -> list[str]:
    names = ", ".join(option.opts)
    if option.secondary_opts:
        names += " / " + ", ".join(option.secondary_opts)
    metavar = "" if option.is_flag or option.count else f" {option.make_metavar(ctx)}"
    facts = [f"Type: {_type_text(option)}."]
    if option.required:
        facts.append("Required.")
    default = option.get_default(ctx, call=False)
    shown = None if option.show_default is False else _default_text(default)
    if shown and not (option.is_flag and default is False and not option.secondary_opts):
        facts.append(f"Default: {shown}.")
    if option.multiple:
        facts.append("May be given more than once.")
    if option.envvar:
        envvars = [option.envvar] if isinstance(option.envvar, str) else list(option.envvar)
        facts.append("Environment: " + ", ".join(_code(e) for e in envvars) + ".")
    help_text = _help_text(option.help) or "(no help text)"
    return [_code(names + metavar), f": {help_text}", "", f"  {' '.join(facts)}", ""]


def _argument_entry(argument: click.Argument, ctx: click.Context) -> list[str]:
    facts = [f"Type: {_type_text(argument)}."]
    facts.append("Required." if argument.required else "Optional.")
    if argument.nargs == -1:
        facts.append("Any number of values.")
    shown = _default_text(argument.get_default(ctx, call=False))
    if shown:
        facts.append(f"Default: {shown}.")
    help_text = _help_text(getattr(argument, "help", None))
    text = f"{help_text} {' '.join(facts)}" if help_text else " ".join(facts)
    return [_code(argument.make_metavar(ctx)), f": {text}", ""]


def _command_section(command: click.Command, ctx: click.Context, depth: int) -> list[str]:
    path = ctx.command_path
    level = min(2 + depth, _HEADING_MAX)
    out = [f"({command_label(path)})=", f"{'#' * level} {_code(path)}", ""]
    help_text = _help_text(command.help)
    if help_text:
        out += [help_text, ""]
    if command.deprecated:
        out += [":::{warning}", "This command is deprecated.", ":::", ""]
    usage = " ".join([path, *command.collect_usage_pieces(ctx)])
    out += ["```text", f"Usage: {usage}", "```", ""]
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [p for p in params if isinstance(p, click.Argument)]
    options = [p for p in params if isinstance(p, click.Option)]
    if arguments:
        out += ["Arguments:", ""]
        for argument in arguments:
            out += _argument_entry(argument, ctx)
    if options:
        out += ["Options:", ""]
        for option in options:
            out += _option_entry(option, ctx)
    if isinstance(command, click.Group):
        subs = [
            (name, sub)
            for name in command.list_commands(ctx)
            if (sub := command.get_command(ctx, name)) is not None and not sub.hidden
        ]
        if subs:
            out += ["Commands:", ""]
            for name, sub in subs:
                summary = sub.get_short_help_str(limit=200)
                label = command_label(f"{path} {name}")
                out.append(f"- {{ref}}`{path} {name} <{label}>`: {summary}")
            out.append("")
    return out


def render_cli_page(command: click.Command, *, prog_name: str, spec: str) -> str:
    """Return the MyST reference page of *command* and every command under it."""
    root = click.Context(command, info_name=prog_name)
    out = [
        (
            f"<!-- Generated by tools.reference from the click commands of {spec}."
            " Do not edit: edit the command's help. -->"
        ),
        "",
        "(cli-reference)=",
        f"# Command line: `{prog_name}`",
        "",
        f"Every command of `{prog_name}`, with its arguments and options, taken from",
        "the command definitions themselves. Run any command with `--help` for the same text.",
        "",
    ]
    for command_, ctx, depth in _walk(command, root, 0):
        out += _command_section(command_, ctx, depth)
    return "\n".join(out).rstrip() + "\n"
