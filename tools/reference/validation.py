"""The validation rules' reference page: every rule id of ``deployer validate``.

Read from :data:`deployer.validate.RULES`, the one table rule ids are declared
in.  A rule is an error unless its description starts with ``Warning:``, the
table's own convention; the page shows the severity in a column of its own.
"""

from __future__ import annotations

from tools.reference._markdown import cell, code, header, table

__all__ = ["render_validation_page", "validation_rules"]

PAGE = "validation-rules.md"
LABEL = "validation-rules"

_WARNING = "Warning:"


def validation_rules() -> list[tuple[str, str, str]]:
    """Return ``[(rule id, severity, description), ...]`` in the order of the table."""
    from deployer.validate import RULES, Severity  # noqa: PLC0415 (only needed when building)

    rows = []
    for rule, text in RULES.items():
        severity = Severity.ERROR
        description = text
        if text.startswith(_WARNING):
            severity = Severity.WARNING
            rest = text.removeprefix(_WARNING).strip()
            description = rest[:1].upper() + rest[1:]
        rows.append((rule, severity.value, description))
    return rows


def render_validation_page(*, source_label: str = "deployer/validate/_rules.py") -> str:
    """Return the MyST page listing every validation rule with its severity."""
    from deployer.validate import Severity  # noqa: PLC0415

    rules = validation_rules()
    counts = {s.value: sum(1 for _, severity, _ in rules if severity == s.value) for s in Severity}
    out = header(
        source_label,
        LABEL,
        "Validation rules",
        "Every rule `deployer validate` checks, with its id, severity and description, as"
        " declared in `deployer/validate/_rules.py` (`RULES`). A problem names its rule id:"
        ' `[rule]` in the text report, `"rule"` in the JSON report.',
    )
    meaning = " ".join((Severity.__doc__ or "").split())
    out += ["## Severities", "", meaning, ""]
    out += table(
        ["Severity", "Rules"],
        [[code(s.value), str(counts[s.value])] for s in Severity],
        align="lr",
    )
    out += ["## Rules", ""]
    out += table(
        ["Rule", "Severity", "Description"],
        [[code(rule), code(severity), cell(text)] for rule, severity, text in rules],
    )
    return "\n".join(out).rstrip() + "\n"
