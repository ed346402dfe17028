"""The validation rules' reference page (tools/reference/validation.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

from deployer.validate import RULES, Severity, validate_config
from tools.reference._markdown import cell
from tools.reference.validation import render_validation_page, validation_rules

ROOT = Path(__file__).parent.parent


def _rows(page: str) -> dict[str, str]:
    """Return rule id → its row of the Rules table."""
    rules_table = page.partition("## Rules")[2]
    return {line.split("`")[1]: line for line in rules_table.splitlines() if line.startswith("| `")}


def test_every_rule_id_is_a_row_with_its_severity() -> None:
    """Adding a rule to RULES adds a row: no rule can go undocumented."""
    rows = _rows(render_validation_page())
    assert list(rows) == list(RULES)
    for rule, severity, description in validation_rules():
        assert f"| `{rule}` | `{severity}` |" in rows[rule]
        assert rows[rule].endswith(f" | {cell(description)} |")


def test_the_severity_counts_add_up_to_every_rule() -> None:
    page = render_validation_page()
    severities = [severity for _, severity, _ in validation_rules()]
    for severity in Severity:
        assert f"| `{severity.value}` | {severities.count(severity.value)} |" in page
    assert len(severities) == len(RULES)


def test_a_warning_rule_is_listed_as_a_warning_and_validate_agrees(tmp_path: Path) -> None:
    """The page's severity is the one the validator gives its problems."""
    config = tmp_path / "config"
    shutil.copytree(ROOT / "config", config)
    (config / "clusters" / "leap" / "stray.values.yaml").write_text("x: 1\n", encoding="utf-8")
    report = validate_config(config)
    listed = {rule: severity for rule, severity, _ in validation_rules()}
    found = [p for p in report.problems if p.rule == "unreferenced-file"]
    assert found
    assert {p.severity.value for p in found} == {listed["unreferenced-file"]} == {"warning"}
    assert not listed["unreferenced-file"].startswith("Warning")


def test_descriptions_drop_the_warning_prefix_that_marks_a_warning() -> None:
    for rule, severity, description in validation_rules():
        assert not description.startswith("Warning:"), rule
        assert (severity == "warning") == RULES[rule].startswith("Warning:")
