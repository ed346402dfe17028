"""Which changed file upgrades what: the rule table, declared once.

:data:`RULES` is the single list the planner matches changed files against,
and the one the documentation's reference page is generated from.  Rules are
tried in order and the first whose pattern matches a path decides what that
path upgrades.  Patterns are repository-relative globs: ``*`` matches within
one folder, ``**`` any number of folders (``docs/**`` matches ``docs`` too).  Patterns starting with
``config/`` are relative to the config root (``--config-dir``), which sits
at the top of the repository.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["RULES", "Rule", "RuleMatcher", "Upgrades", "compile_pattern"]


class Upgrades(enum.StrEnum):
    """What a matching file upgrades."""

    CHART_USERS = "every hub and support release using the chart"
    CLUSTER = "every hub and the support release of the cluster"
    LISTED_BY = "the hubs and support release whose values_files list the file (if any)"
    EVERYTHING = "every hub and every support release of every cluster"
    NOTHING = "nothing"


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of the rule table."""

    id: str
    pattern: str
    upgrades: Upgrades
    description: str


#: The rule table: first match wins.
RULES: tuple[Rule, ...] = (
    Rule(
        "chart-pin",
        "config/charts/*.yaml",
        Upgrades.CHART_USERS,
        "A pinned upstream chart (config/charts/<id>.yaml): every hub and support release "
        "whose `chart` is <id>.",
    ),
    Rule(
        "cluster-file",
        "config/clusters/*/cluster.yaml",
        Upgrades.CLUSTER,
        "A cluster's cluster.yaml: every hub of that cluster and its support release.",
    ),
    Rule(
        "values-file",
        "config/clusters/*/**",
        Upgrades.LISTED_BY,
        "Any other file of a cluster folder, whatever its name or sub-folder (secret files "
        "included): every hub and the support release that list it in `values_files`; a file "
        "shared by several hubs upgrades them all.  A file nothing lists (the cluster's "
        "kubeconfig, a file no longer used) upgrades nothing.",
    ),
    Rule(
        "schemas",
        "deployer/schemas/**",
        Upgrades.EVERYTHING,
        "The cluster and hub schemas: what the deployer accepts may have changed.",
    ),
    Rule(
        "deployer-code",
        "deployer/**",
        Upgrades.EVERYTHING,
        "The deployer's code: how every release is deployed may have changed.",
    ),
    Rule(
        "dependencies",
        "pyproject.toml",
        Upgrades.EVERYTHING,
        "The deployer's dependencies (pyproject.toml).",
    ),
    Rule(
        "sops-rules",
        ".sops.yaml",
        Upgrades.NOTHING,
        "sops encryption rules only: which keys new secret files are encrypted for",
    ),
    Rule("docs", "docs/**", Upgrades.NOTHING, "docs only"),
    Rule("markdown", "**/*.md", Upgrades.NOTHING, "docs only"),
    Rule("tests", "tests/**", Upgrades.NOTHING, "tests only"),
    Rule("benchmarks", "benchmarks/**", Upgrades.NOTHING, "benchmarks only"),
    Rule("tools", "tools/**", Upgrades.NOTHING, "documentation tools only"),
    Rule(
        "workflows",
        ".github/**",
        Upgrades.NOTHING,
        "CI configuration only: the next run uses it, nothing is upgraded now",
    ),
)


def compile_pattern(pattern: str, config_prefix: str = "config") -> re.Pattern[str]:
    """Compile a rule pattern into a regular expression for whole paths.

    *config_prefix* replaces a leading ``config/``: the config root's path
    relative to the repository.
    """
    if pattern.startswith("config/") and config_prefix != "config":
        pattern = f"{config_prefix.rstrip('/')}/{pattern.removeprefix('config/')}"
    parts = pattern.split("/")
    out: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if part == "**":
            if not last:
                out.append("(?:[^/]+/)*")
            elif out and out[-1] == "/":  # `dir/**` also matches `dir` itself
                out[-1] = "(?:/.*)?"
            else:
                out.append(".*")
            continue
        for char in part:
            if char == "*":
                out.append("[^/]*")
            elif char == "?":
                out.append("[^/]")
            else:
                out.append(re.escape(char))
        if not last:
            out.append("/")
    return re.compile("".join(out))


class RuleMatcher:
    """The first rule matching a path, found with one regular expression for all rules.

    The rules' patterns become the alternatives of one expression, tried in
    order; a whole-path match of alternative *i* means rule *i* is the first
    rule matching.  One ``fullmatch`` a path instead of one per rule.
    """

    def __init__(self, rules: Sequence[Rule] = RULES, config_prefix: str = "config") -> None:
        """Compile *rules*; *config_prefix* as for :func:`compile_pattern`."""
        self._rules = {f"r{number}": rule for number, rule in enumerate(rules)}
        alternatives = (
            f"(?P<{name}>{compile_pattern(rule.pattern, config_prefix).pattern})"
            for name, rule in self._rules.items()
        )
        self._regex = re.compile("|".join(alternatives))

    def __call__(self, path: str) -> Rule | None:
        """Return the first rule whose pattern matches the whole *path*, or None."""
        match = self._regex.fullmatch(path)
        return None if match is None or match.lastgroup is None else self._rules[match.lastgroup]
