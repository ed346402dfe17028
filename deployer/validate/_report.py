"""The result of validation: problems with their location, and how to show them."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any, Final

from deployer.validate._rules import Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from deployer.config._yaml import JsonPath

__all__ = [
    "MAX_PROBLEMS_PER_FILE",
    "Problem",
    "Report",
    "format_json",
    "format_text",
    "json_path",
]

#: Most problems listed for one file; the rest are counted in one line of their own.
MAX_PROBLEMS_PER_FILE: Final = 100

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: Characters a report line must not carry as they are: they could start a line of their own.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def json_path(path: JsonPath) -> str:
    """Spell a JSON path tuple the way reports show it: ``$.hubs[3].domain``."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif _IDENTIFIER.fullmatch(part):
            parts.append(f".{part}")
        else:
            parts.append(f"[{json.dumps(part)}]")
    return "".join(parts)


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in one file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    json_path: str
    message: str
    severity: Severity
    rule: str
    #: Further explanation shown with ``--verbose`` (the other branches of a ``oneOf``...).
    details: tuple[str, ...] = ()

    def sort_key(self) -> tuple[str, int, int, str, str, str]:
        """Order of problems in reports: by file, position, rule, then text."""
        return (self.file, self.line, self.column, self.rule, self.json_path, self.message)

    def as_dict(self) -> dict[str, Any]:
        """Return the problem as a JSON object (what ``--format json`` prints)."""
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "json_path": self.json_path,
            "message": self.message,
            "severity": str(self.severity),
            "rule": self.rule,
        }


@dataclasses.dataclass(frozen=True, slots=True)
class Report:
    """Every problem found, sorted, and what was checked."""

    problems: tuple[Problem, ...]
    files: int = 0
    clusters: int = 0
    hubs: int = 0
    #: Errors and warnings not listed (beyond :data:`MAX_PROBLEMS_PER_FILE` in a file).
    left_out: tuple[int, int] = (0, 0)

    @classmethod
    def build(cls, problems: Iterable[Problem], *, files: int, clusters: int, hubs: int) -> Report:
        """Make a report with *problems* deduplicated and sorted, at most so many a file.

        The problems of a file beyond :data:`MAX_PROBLEMS_PER_FILE` are replaced by
        one ``too-many-problems`` problem that counts them (an error when any of
        them is one), so a file with thousands of problems cannot flood the report.
        """
        listed: list[Problem] = []
        by_file: dict[str, list[Problem]] = {}
        for problem in sorted(set(problems), key=Problem.sort_key):
            by_file.setdefault(problem.file, []).append(problem)
        errors = warnings = 0
        for file, found in by_file.items():
            listed += found[:MAX_PROBLEMS_PER_FILE]
            rest = found[MAX_PROBLEMS_PER_FILE:]
            if rest:
                hidden_errors = sum(p.severity is Severity.ERROR for p in rest)
                errors, warnings = errors + hidden_errors, warnings + len(rest) - hidden_errors
                listed.append(_left_out(file, rest, hidden_errors))
        return cls(
            tuple(listed), files=files, clusters=clusters, hubs=hubs, left_out=(errors, warnings)
        )

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems listed that make validation fail."""
        return tuple(
            p for p in self.problems if p.severity is Severity.ERROR and p.rule != _LEFT_OUT
        )

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems listed that are only reported."""
        return tuple(
            p for p in self.problems if p.severity is Severity.WARNING and p.rule != _LEFT_OUT
        )

    @property
    def ok(self) -> bool:
        """Whether the configuration is valid (warnings allowed)."""
        return not self.errors and not self.left_out[0]

    def summary(self) -> str:
        """One line: how many errors and warnings in how many files, clusters and hubs."""
        scope = (
            f"{_plural(self.files, 'file')} ({_plural(self.clusters, 'cluster')}, "
            f"{_plural(self.hubs, 'hub')})"
        )
        errors = len(self.errors) + self.left_out[0]
        warnings = len(self.warnings) + self.left_out[1]
        if errors:
            return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {scope}"
        if warnings:
            return f"ok: {scope} valid, {_plural(warnings, 'warning')}"
        return f"ok: {scope} valid"


_LEFT_OUT: Final = "too-many-problems"


def _left_out(file: str, rest: list[Problem], errors: int) -> Problem:
    """Return the one problem that stands for the problems of *file* beyond the listed ones."""
    message = (
        f"{_plural(len(rest), 'more problem')} in this file not listed (the first "
        f"{MAX_PROBLEMS_PER_FILE} are): fix those, then validate again"
    )
    severity = Severity.ERROR if errors else Severity.WARNING
    return Problem(file, rest[0].line, rest[0].column, "$", message, severity, _LEFT_OUT)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def _printable(text: str) -> str:
    """Return *text* with control characters escaped, so it stays on its line."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def format_text(report: Report, *, verbose: bool = False) -> str:
    """Render the text report: one line per problem, then the summary line.

    Each line reads ``file:line:col: severity: message (at $.json.path) [rule]``.
    With *verbose*, the details of a problem follow it, indented.
    """
    lines: list[str] = []
    hidden = 0
    for problem in report.problems:
        lines.append(
            f"{_printable(problem.file)}:{problem.line}:{problem.column}: {problem.severity}: "
            f"{_printable(problem.message)} (at {_printable(problem.json_path)}) [{problem.rule}]"
        )
        if verbose:
            lines.extend(f"    {_printable(detail)}" for detail in problem.details)
        else:
            hidden += len(problem.details)
    summary = report.summary()
    if hidden:
        summary += f"; {_plural(hidden, 'more detail')} with --verbose"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def format_json(report: Report) -> str:
    """Render the JSON report: a list of problem objects (see :meth:`Problem.as_dict`)."""
    return json.dumps([p.as_dict() for p in report.problems], indent=2) + "\n"
