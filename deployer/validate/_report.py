"""The result of validation: problems with their location, and how to show them."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import TYPE_CHECKING, Any

from deployer.validate._rules import Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from deployer.config._yaml import JsonPath

__all__ = ["Problem", "Report", "format_json", "format_text", "json_path"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


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

    @classmethod
    def build(cls, problems: Iterable[Problem], *, files: int, clusters: int, hubs: int) -> Report:
        """Make a report with *problems* deduplicated and sorted."""
        ordered = tuple(sorted(set(problems), key=Problem.sort_key))
        return cls(ordered, files=files, clusters=clusters, hubs=hubs)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that make validation fail."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that are only reported."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    @property
    def ok(self) -> bool:
        """Whether the configuration is valid (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        """One line: how many errors and warnings in how many files, clusters and hubs."""
        scope = (
            f"{_plural(self.files, 'file')} ({_plural(self.clusters, 'cluster')}, "
            f"{_plural(self.hubs, 'hub')})"
        )
        errors, warnings = len(self.errors), len(self.warnings)
        if errors:
            return f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')} in {scope}"
        if warnings:
            return f"ok: {scope} valid, {_plural(warnings, 'warning')}"
        return f"ok: {scope} valid"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def format_text(report: Report, *, verbose: bool = False) -> str:
    """Render the text report: one line per problem, then the summary line.

    Each line reads ``file:line:col: severity: message (at $.json.path) [rule]``.
    With *verbose*, the details of a problem follow it, indented.
    """
    lines: list[str] = []
    hidden = 0
    for problem in report.problems:
        lines.append(
            f"{problem.file}:{problem.line}:{problem.column}: {problem.severity}: "
            f"{problem.message} (at {problem.json_path}) [{problem.rule}]"
        )
        if verbose:
            lines.extend(f"    {detail}" for detail in problem.details)
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
