"""The audit's reference page (tools/reference/audit.py)."""

from __future__ import annotations

import dataclasses

import pytest

from tools.audit import FAILABLE, GAP_KINDS, THRESHOLDS, VERDICT_MEANINGS, Verdict
from tools.audit._features import SIGNALS
from tools.reference.audit import render_audit_page, verdict_thresholds


@pytest.fixture(scope="module")
def page() -> str:
    return render_audit_page()


def _section(page: str, title: str) -> str:
    return page.partition(f"## {title}\n")[2].partition("\n## ")[0]


def test_every_signal_is_a_row_with_the_categories_it_favours(page: str) -> None:
    """Adding a signal to SIGNALS adds a row: no signal can go undocumented."""
    rows = [line for line in _section(page, "Signals").splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [signal.name for signal in SIGNALS]
    for row, signal in zip(rows, SIGNALS, strict=True):
        favours = ", ".join(f"`{c}`" for c in signal.favours) or "neutral"
        assert row.endswith(f" | {favours} |")


def test_every_verdict_is_a_row_with_its_meaning_and_whether_it_can_fail(page: str) -> None:
    rows = [line for line in _section(page, "Verdicts").splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == [v.value for v in Verdict]
    for row, verdict in zip(rows, Verdict, strict=True):
        assert VERDICT_MEANINGS[verdict].split()[-1] in row
        assert row.endswith(" | yes |" if verdict in FAILABLE else " | no |")


def test_every_threshold_is_listed_with_its_value(page: str) -> None:
    thresholds = _section(page, "Thresholds")
    for field in dataclasses.fields(THRESHOLDS):
        assert f"| `{field.name}` | `{getattr(THRESHOLDS, field.name)}` |" in thresholds


def test_thresholds_are_tied_to_the_verdicts_they_decide() -> None:
    tied = verdict_thresholds()
    assert tied["misfiled"] == ["misfiled"]
    assert tied["mixed"] == ["mixed", "section_min_words"]
    assert tied["unclear"] == ["unclear"]
    assert tied["ok"] == []
    every = {name for names in tied.values() for name in names}
    assert every == {field.name for field in dataclasses.fields(THRESHOLDS)}


def test_every_gap_kind_is_listed_in_report_order(page: str) -> None:
    rows = [line for line in _section(page, "Gap kinds").splitlines() if line.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == list(GAP_KINDS)


def test_the_page_declares_itself_reference_with_its_reason(page: str) -> None:
    """Its tables quote explanation's vocabulary, so the page says why it is reference."""
    front = page.split("---\n")[1]
    assert 'category: "reference"' in front
    assert "reason:" in front
