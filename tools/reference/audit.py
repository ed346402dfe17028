"""The audit's reference page: its signals, verdicts, thresholds and gap kinds.

Read from the audit itself: :data:`tools.audit._features.SIGNALS` (what each
signal measures and which categories it favours), :class:`tools.audit.Verdict`
with :data:`~tools.audit.VERDICT_MEANINGS`, :data:`~tools.audit.FAILABLE` and
:data:`~tools.audit.THRESHOLDS` (each threshold's meaning is its ``#:``
comment), and :data:`~tools.audit.GAP_KINDS` with
:data:`~tools.audit.GAP_MEANINGS`.  Nothing here is a copy.
"""

from __future__ import annotations

import dataclasses
import re

from tools.reference._errors import GenerationError
from tools.reference._markdown import cell, code, header, table
from tools.reference._source import attribute_docs

__all__ = ["render_audit_page", "verdict_thresholds"]

PAGE = "audit-signals.md"
LABEL = "audit-signals"

#: The page quotes the words each signal counts, explanation's among them; were the
#: classifier to read it as explanation, this is why it is reference all the same.
FRONT_MATTER = {
    "category": "reference",
    "reason": "generated; its tables quote the words and phrases each signal counts,"
    " many of them typical of explanation",
}

_DOUBLE_CODE = re.compile(r"``(\w+)``")


def _verdict_paragraphs(doc: str, verdicts: list[str]) -> dict[str, str]:
    """Split the verdict module's docstring into its ``verdict`` → paragraph definitions."""
    found: dict[str, str] = {}
    current: str | None = None
    for line in doc.splitlines():
        term = line.strip()
        if not line.startswith(" ") and term.startswith("``") and term.strip("`") in verdicts:
            current = term.strip("`")
            found[current] = ""
        elif current is not None and line.startswith("    "):
            found[current] += " " + term
        else:
            current = None
    return found


def verdict_thresholds() -> dict[str, list[str]]:
    """Return, for each verdict, the thresholds that decide it.

    A threshold decides a verdict when its name contains the verdict's name
    (``misfiled``) or the verdict's definition in the audit's verdict
    module names it (``section_min_words`` in ``mixed``).
    """
    from tools.audit import THRESHOLDS, Verdict, _verdict  # noqa: PLC0415

    names = [f.name for f in dataclasses.fields(THRESHOLDS)]
    verdicts = [v.value for v in Verdict]
    paragraphs = _verdict_paragraphs(_verdict.__doc__ or "", verdicts)
    result: dict[str, list[str]] = {}
    for verdict in verdicts:
        named = set(_DOUBLE_CODE.findall(paragraphs.get(verdict, "")))
        result[verdict] = [name for name in names if verdict in name.split("_") or name in named]
    return result


def _value(value: object) -> str:
    return code(str(value))


def render_audit_page(*, source_label: str = "tools/audit/") -> str:
    """Return the MyST page of the audit's signals, verdicts, thresholds and gap kinds."""
    from tools.audit import (  # noqa: PLC0415 (only needed when building)
        CATEGORIES,
        FAILABLE,
        GAP_KINDS,
        GAP_MEANINGS,
        THRESHOLDS,
        VERDICT_MEANINGS,
        Verdict,
    )
    from tools.audit._features import SIGNALS  # noqa: PLC0415

    out = header(
        source_label,
        LABEL,
        "Audit signals and verdicts",
        "The signals, verdicts, thresholds and gap kinds of the Diátaxis audit"
        " (`python -m tools.audit`), read from the audit's own tables:",
        front_matter=FRONT_MATTER,
    )
    out += [
        ":Signals: `tools/audit/_features.py` (`SIGNALS`), in declaration order",
        ":Verdicts: `tools/audit/_verdict.py` (`Verdict`, `VERDICT_MEANINGS`, `FAILABLE`)",
        ":Thresholds: `tools/audit/_verdict.py` (`THRESHOLDS`)",
        ":Gap kinds: `tools/audit/_gaps.py` (`GAP_KINDS`, `GAP_MEANINGS`), in report order",
        f":Categories: {', '.join(code(c) for c in CATEGORIES)}",
        "",
        "## Signals",
        "",
    ]
    out += table(
        ["Signal", "Measures", "Favours (a high value points to)"],
        [
            [
                code(signal.name),
                cell(signal.measures),
                ", ".join(code(c) for c in signal.favours) if signal.favours else "neutral",
            ]
            for signal in SIGNALS
        ],
    )
    thresholds = verdict_thresholds()
    missing = [v for v in Verdict if v not in VERDICT_MEANINGS]
    if missing:
        msg = f"tools.audit: verdicts without a meaning in VERDICT_MEANINGS: {missing}"
        raise GenerationError(msg)
    out += ["## Verdicts", ""]
    out += table(
        ["Verdict", "Meaning", "Thresholds", "Can fail a run (`--fail-on`)"],
        [
            [
                code(verdict.value),
                cell(VERDICT_MEANINGS[verdict]),
                ", ".join(code(name) for name in thresholds[verdict.value]) or "none",
                "yes" if verdict in FAILABLE else "no",
            ]
            for verdict in Verdict
        ],
    )
    docs = attribute_docs(type(THRESHOLDS))
    out += ["## Thresholds", ""]
    out += table(
        ["Threshold", "Value (confidence from 0 to 1, or words)", "Meaning"],
        [
            [
                code(field.name),
                _value(getattr(THRESHOLDS, field.name)),
                cell(docs.get(field.name, "")),
            ]
            for field in dataclasses.fields(THRESHOLDS)
        ],
        align="lr",
    )
    missing_gaps = [kind for kind in GAP_KINDS if kind not in GAP_MEANINGS]
    if missing_gaps:
        msg = f"tools.audit: gap kinds without a meaning in GAP_MEANINGS: {missing_gaps}"
        raise GenerationError(msg)
    out += ["## Gap kinds", ""]
    out += table(
        ["Gap kind", "Meaning"],
        [[code(kind), cell(GAP_MEANINGS[kind])] for kind in GAP_KINDS],
    )
    return "\n".join(out).rstrip() + "\n"
