"""The planner's reference page: its rule table, the pull-request labels, the matrix limit.

Everything is read from the planner itself: :data:`deployer.plan.rules.RULES`
(in first-match order), :data:`deployer.plan.labels.LABELS` and the
precedence stated in that module, and :data:`deployer.plan.DEFAULT_MAX_JOBS`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from tools.reference._errors import GenerationError
from tools.reference._markdown import cell, code, header, table
from tools.reference._source import attribute_docs

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["label_precedence", "render_planner_page"]

PAGE = "planner-rules.md"
LABEL = "planner-rules"

_PRECEDENCE = re.compile(r"Precedence:\s*(?P<text>.+?\.)(?:\s|$)", re.DOTALL)
_BEATS = re.compile(
    r"``(?P<winner>[\w-]+)``\s+beats\s+(?:(?P<all>everything)|``(?P<loser>[\w-]+)``)"
)


def label_precedence(labels_module: ModuleType) -> list[tuple[str, tuple[str, ...]]]:
    """Return ``[(label, labels it overrides), ...]`` as the labels module states it.

    The module's docstring says it in one sentence, ``Precedence: ``a`` beats
    everything, and ``b`` beats ``c``.``; names are label names without the
    prefix.  A name that is not a label is an error, so the page cannot drift.
    """
    known: dict[str, str] = labels_module.LABELS
    prefix: str = labels_module.PREFIX
    match = _PRECEDENCE.search(labels_module.__doc__ or "")
    if match is None:
        msg = f"{labels_module.__name__}: its docstring states no 'Precedence: ...' sentence"
        raise GenerationError(msg)
    result: list[tuple[str, tuple[str, ...]]] = []
    for beat in _BEATS.finditer(match.group("text")):
        winner = prefix + beat.group("winner")
        losers = (
            tuple(name for name in known if name != winner)
            if beat.group("all")
            else (prefix + beat.group("loser"),)
        )
        for name in (winner, *losers):
            if name not in known:
                msg = f"{labels_module.__name__}: the precedence names {name!r}, not a label"
                raise GenerationError(msg)
        result.append((winner, losers))
    if not result:
        msg = f"{labels_module.__name__}: the precedence sentence names no 'a beats b' pair"
        raise GenerationError(msg)
    return result


def _max_jobs_option() -> click.Option:
    """Return the ``--max-jobs`` option of ``deployer plan-upgrade`` (its help is the meaning)."""
    from deployer.cli import cli  # noqa: PLC0415 (only needed when building)

    command = cli.get_command(click.Context(cli), "plan-upgrade")
    for param in command.params if command else ():
        if isinstance(param, click.Option) and param.name == "max_jobs":
            return param
    msg = "deployer plan-upgrade: no --max-jobs option to document"
    raise GenerationError(msg)


def render_planner_page(*, source_label: str = "deployer/plan/") -> str:
    """Return the MyST page of the planner's rules, labels and matrix limit."""
    from deployer.plan import DEFAULT_MAX_JOBS, labels, planner, rules  # noqa: PLC0415

    out = header(
        source_label,
        LABEL,
        "Planner rules",
        "The rules `deployer plan-upgrade` matches each changed file against, the"
        " pull-request labels it reads and the size limit of its matrices, as declared in"
        " `deployer/plan/rules.py` (`RULES`), `deployer/plan/labels.py` (`LABELS`) and"
        " `deployer/plan/planner.py` (`DEFAULT_MAX_JOBS`).",
    )
    out += [
        "## Rules",
        "",
        (
            f"The {len(rules.RULES)} rules in the order they are tried; the first rule whose"
            " pattern matches a changed path decides what that path upgrades."
        ),
        "",
    ]
    out += table(
        ["Order", "Rule", "Pattern", "Upgrades", "Description"],
        [
            [
                str(number),
                code(rule.id),
                code(rule.pattern),
                cell(rule.upgrades.value),
                cell(rule.description),
            ]
            for number, rule in enumerate(rules.RULES, start=1)
        ],
        align="r",
    )
    out += ["## Labels", ""]
    out += [
        (
            f"The labels given with `--labels`; names that do not start with `{labels.PREFIX}`"
            " are ignored."
        ),
        "",
    ]
    out += table(
        ["Label", "Effect"],
        [[code(name), cell(effect)] for name, effect in labels.LABELS.items()],
    )
    out += ["### Precedence", "", "When a pull request carries several labels:", ""]
    out += table(
        ["Label", "Overrides"],
        [
            [code(winner), ", ".join(code(loser) for loser in losers)]
            for winner, losers in label_precedence(labels)
        ],
    )
    option = _max_jobs_option()
    reason = attribute_docs(planner).get("DEFAULT_MAX_JOBS", "")
    out += [
        "## Matrix size",
        "",
        *table(
            ["Option", "Default", "Meaning"],
            [
                [
                    code(option.opts[0]),
                    code(str(DEFAULT_MAX_JOBS)),
                    cell(f"{option.help or ''} {reason}".strip()),
                ]
            ],
            align="lr",
        ),
    ]
    return "\n".join(out).rstrip() + "\n"
