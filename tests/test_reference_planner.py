"""The planner's reference page (tools/reference/planner.py)."""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from deployer.config import read_config_fast
from deployer.plan import DEFAULT_MAX_JOBS, ChangedFile, plan_upgrade
from deployer.plan import labels as planner_labels
from deployer.plan.rules import RULES
from tools.reference import GenerationError
from tools.reference.planner import label_precedence, render_planner_page

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def page() -> str:
    return render_planner_page()


def test_every_rule_is_a_row_in_first_match_order(page: str) -> None:
    """Adding a rule to RULES adds a row; the rows keep the order the planner tries them in."""
    rows = [line for line in page.splitlines() if line.startswith("| ") and "`" in line]
    positions = []
    for number, rule in enumerate(RULES, start=1):
        row = next(r for r in rows if r.startswith(f"| {number} | `{rule.id}` |"))
        assert f"`{rule.pattern}`" in row
        assert rule.upgrades.value.replace("_", "\\_") in row
        positions.append(page.index(row))
    assert positions == sorted(positions)


def test_every_label_and_the_matrix_limit_are_listed(page: str) -> None:
    for name in planner_labels.LABELS:
        assert f"| `{name}` |" in page
    assert f"| `--max-jobs` | `{DEFAULT_MAX_JOBS}` |" in page


def test_the_precedence_table_names_labels_only(page: str) -> None:
    precedence = label_precedence(planner_labels)
    assert precedence, "the labels module states a precedence"
    for winner, losers in precedence:
        assert winner in planner_labels.LABELS
        assert set(losers) <= set(planner_labels.LABELS) - {winner}
        assert f"| `{winner}` | " + ", ".join(f"`{x}`" for x in losers) + " |" in page


def _deployed(labels: tuple[str, ...], changed: str) -> tuple[object, ...]:
    config = read_config_fast(ROOT / "config")
    plan = plan_upgrade(config, [ChangedFile(changed)], labels)
    return tuple(
        (job.stage, unit.cluster, unit.hubs)
        for job in (*plan.support, *plan.staging, *plan.prod)
        for unit in job.units
    )


@pytest.mark.parametrize("changed", ["deployer/cli/plan.py", "docs/index.md"])
def test_the_stated_precedence_is_what_the_planner_does(changed: str) -> None:
    """A label that overrides another plans alike with or without the other one."""
    for winner, losers in label_precedence(planner_labels):
        for loser in losers:
            assert _deployed((winner, loser), changed) == _deployed((winner,), changed)


def _labels_module(doc: str) -> types.ModuleType:
    module = types.ModuleType("fake_labels", doc)
    module.PREFIX = "x:"  # type: ignore[attr-defined]
    module.LABELS = {"x:a": "A.", "x:b": "B."}  # type: ignore[attr-defined]
    return module


def test_precedence_is_read_from_the_labels_module_docstring() -> None:
    module = _labels_module("Labels.  Precedence: ``a`` beats everything.\n")
    assert label_precedence(module) == [("x:a", ("x:b",))]


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ("Labels without an order.", "states no 'Precedence: ...' sentence"),
        ("Precedence: ``a`` beats ``c``.", "names 'x:c', not a label"),
        ("Precedence: none.", "names no 'a beats b' pair"),
    ],
)
def test_a_precedence_that_cannot_be_read_is_an_error(doc: str, message: str) -> None:
    with pytest.raises(GenerationError, match=message):
        label_precedence(_labels_module(doc))
