"""Reports of an audit: text, JSON, a Markdown pull-request comment, GitHub annotations.

Each renderer is a pure function of the result (and of the verdicts that fail
the run, which decide "error" versus "warning"); only the command line
prints.  :data:`FORMATS` maps a format name to its renderer.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tools.audit._declared import CATEGORIES
from tools.audit._verdict import Verdict

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator

    from tools.audit import AuditResult, PageResult
    from tools.audit._gaps import Gap

__all__ = [
    "FORMATS",
    "MARKDOWN_MARKER",
    "escape_data",
    "escape_property",
    "fail_status",
    "headline",
    "render",
    "render_github",
    "render_json",
    "render_markdown",
    "render_text",
]

#: The hidden marker a bot looks for to update its earlier comment instead of adding one.
MARKDOWN_MARKER = "<!-- diataxis-audit -->"

#: JSON report version; bumped when a field changes meaning or goes away.
JSON_VERSION = 1


def _findings(page: PageResult) -> Iterator[tuple[int, str, str]]:
    """Yield (line, label, message) for everything to say about *page*, in line order."""
    rows: list[tuple[int, str, str]] = []
    if page.accepted is not None:
        label = f"ok (accepted: {page.reason})"
        rows.extend(
            (f.line, label, f"would be {page.accepted}: {f.message}") for f in page.findings
        )
    else:
        rows.extend((f.line, f.verdict.value, f.message) for f in page.findings)
    rows.extend((line, "note", message) for line, message in page.notes)
    yield from sorted(rows, key=lambda row: row[0])


def headline(result: AuditResult) -> str:
    """Return the figures every format shows alike: pages by verdict, accepted pages, gaps.

    ``20 page(s): 16 ok, 1 misfiled, 1 mixed, 2 undeclared (2 accepted); 4 gap(s)``.
    It does not depend on ``--fail-on``: that decides only the exit status.
    """
    summary = result.summary()
    counts = ", ".join(f"{n} {v}" for v, n in summary["verdicts"].items() if n)
    accepted = f" ({summary['accepted']} accepted)" if summary["accepted"] else ""
    return f"{summary['pages']} page(s): {counts or 'none'}{accepted}; {len(result.gaps)} gap(s)"


def _failing(result: AuditResult, fail_on: Collection[Verdict]) -> tuple[str, int]:
    """Return the verdicts failed on (``misfiled/mixed``) and how many pages have one."""
    names = "/".join(v.value for v in Verdict if v in fail_on)
    return names, sum(1 for p in result.pages if p.verdict in fail_on)


def fail_status(result: AuditResult, fail_on: Collection[Verdict]) -> str:
    """Say which verdicts the run fails on and whether it failed ("" without ``--fail-on``)."""
    if not fail_on:
        return ""
    names, failing = _failing(result, fail_on)
    return f"FAILED: {failing} page(s) {names}" if failing else f"passed: no page {names}"


def _summary_line(result: AuditResult, fail_on: Collection[Verdict]) -> str:
    status = fail_status(result, fail_on)
    duration = f"{result.summary()['duration']:.2f} s"
    return "; ".join(part for part in (headline(result), duration, status) if part)


# --------------------------------------------------------------------------- text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def render_text(
    result: AuditResult, fail_on: Collection[Verdict] = (), *, verbose: bool = False
) -> str:
    """Return one line per finding (``path:line: verdict: message``), the gaps, then a summary."""
    lines: list[str] = []
    for page in result.pages:
        if verbose:
            confidence = f"{page.confidence:.2f}" if page.predicted else "-"
            lines.append(
                f"{page.path}: {page.verdict.value} (declared {page.declared or '-'}, "
                f"reads as {page.predicted or '-'} {confidence})",
            )
        lines.extend(
            f"{page.path}:{line}: {label}: {_one_line(message)}"
            for line, label, message in _findings(page)
        )
    for gap in result.gaps:
        where = f"{gap.path}:{gap.line or 1}: " if gap.path else ""
        lines.append(f"{where}gap: {gap.kind}: {_one_line(gap.message)}")
    lines.append(_summary_line(result, fail_on))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- JSON


def _round(value: float) -> float:
    return round(float(value), 3)


def _page_json(page: PageResult) -> dict[str, Any]:
    return {
        "path": page.path,
        "docname": page.docname,
        "format": page.fmt,
        "title": page.title,
        "declared": page.declared,
        "declared_source": page.declared_source or None,
        "landing": page.landing,
        "predicted": page.predicted,
        "confidence": _round(page.confidence),
        "scores": {c: _round(page.scores.get(c, 0.0)) for c in CATEGORIES} if page.scores else {},
        "axes": {
            "action_cognition": _round(page.axes[0]),
            "acquisition_application": _round(page.axes[1]),
        },
        "verdict": page.verdict.value,
        "accepted": (
            {"verdict": page.accepted.value, "reason": page.reason} if page.accepted else None
        ),
        "reasons": list(page.reasons),
        "sections": [
            {
                "title": s.title,
                "line": s.line,
                "predicted": s.predicted,
                "confidence": _round(s.confidence) if s.predicted else None,
                "words": s.words,
            }
            for s in page.sections
        ],
        "findings": [
            {
                "verdict": f.verdict.value,
                "line": f.line,
                "message": f.message,
                "section": f.section,
                "suggested": f.suggested,
            }
            for f in page.findings
        ],
        "notes": [{"line": line, "message": message} for line, message in page.notes],
    }


def _gap_json(gap: Gap) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": gap.kind, "subject": gap.subject, "message": gap.message}
    if gap.path is not None:
        data["path"] = gap.path
    if gap.line is not None:
        data["line"] = gap.line
    return data


def render_json(result: AuditResult, fail_on: Collection[Verdict] = ()) -> str:
    """Return the result as a JSON object: ``version``, ``pages``, ``gaps``, ``summary``."""
    summary = result.summary()
    summary["fail_on"] = sorted(fail_on)
    summary["failed"] = any(p.verdict in fail_on for p in result.pages)
    # One line per page and per gap: ``json.dumps`` without ``indent`` uses the C
    # encoder (the indented encoder is pure Python and costs more than classifying).
    return (
        "{\n"
        f'  "version": {_dumps(JSON_VERSION)},\n'
        f'  "pages": {_json_list([_page_json(p) for p in result.pages])},\n'
        f'  "gaps": {_json_list([_gap_json(g) for g in result.gaps])},\n'
        f'  "summary": {_dumps(summary)}\n'
        "}\n"
    )


def _dumps(value: object) -> str:
    return _ENCODER.encode(value)


#: ``json.dumps(value, ensure_ascii=False)`` without making an encoder for every value.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _json_list(items: list[dict[str, Any]]) -> str:
    if not items:
        return "[]"
    return "[\n    " + ",\n    ".join(map(_dumps, items)) + "\n  ]"


# --------------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\r", " ")
        .replace("\n", " ")
    )


def render_markdown(result: AuditResult, fail_on: Collection[Verdict] = ()) -> str:
    """Return a pull-request comment: marker, summary table, findings, gaps folded away."""
    summary = result.summary()
    flagged = {v: n for v, n in summary["verdicts"].items() if n and v != Verdict.OK}
    out = [MARKDOWN_MARKER, "## Diátaxis audit", ""]
    if flagged:
        counts = ", ".join(f"{n} {v}" for v, n in flagged.items())
        out.append(
            f"**{sum(flagged.values())} of {summary['pages']} page(s) have findings:** {counts}."
        )
    else:
        out.append(f"No findings on {summary['pages']} page(s).")
    if fail_on:
        names, failing = _failing(result, fail_on)
        out += [
            "",
            f"**Failed** on {names}: {failing} page(s)."
            if failing
            else f"Passed: no page is {names}, the verdicts this run fails on.",
        ]
    out += ["", "| verdict | pages |", "|---|---:|"]
    out += [f"| {v} | {n} |" for v, n in summary["verdicts"].items()]
    out += ["", "| | " + " | ".join(CATEGORIES) + " | none |", "|---|" + "---:|" * 5]
    for row in ("declared", "predicted"):
        out.append(f"| {row} | " + " | ".join(str(n) for n in summary[row].values()) + " |")
    rows = [
        f"| `{_cell(page.path)}` | {line} | {_cell(label)} | {_cell(message)} |"
        for page in result.pages
        for line, label, message in _findings(page)
    ]
    if rows:
        out += ["", "### Findings", "", "| page | line | verdict | message |", "|---|---:|---|---|"]
        out += rows
    if result.gaps:
        out += ["", f"<details><summary>Gaps ({len(result.gaps)})</summary>", ""]
        for gap in result.gaps:
            where = f" `{_cell(gap.path)}`" if gap.path else ""
            out.append(f"- **{gap.kind}**{where}: {_cell(gap.message)}")
        out += ["", "</details>"]
    out += ["", f"<sub>{_cell(_summary_line(result, fail_on))}</sub>", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------- GitHub


def escape_data(text: str) -> str:
    """Escape a workflow command's message (``%``, CR, LF), as the GitHub runner expects."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value: as :func:`escape_data`, and ``:`` ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, message: str, *, file: str | None, line: int | None, title: str) -> str:
    props = []
    if file:
        props.append(f"file={escape_property(file)}")
        props.append(f"line={line or 1}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def render_github(result: AuditResult, fail_on: Collection[Verdict] = ()) -> str:
    """Return workflow annotations: findings as warning (error if failing), gaps as notice."""
    lines: list[str] = []
    for page in result.pages:
        for line, label, message in _findings(page):
            verdict = label if label in set(Verdict) else None
            if verdict in fail_on:
                level = "error"
            elif verdict in {"misfiled", "mixed", "unclear", "unreadable"}:
                level = "warning"
            else:
                level = "notice"
            lines.append(
                _command(level, message, file=page.path, line=line, title=f"Diátaxis: {label}"),
            )
    lines.extend(
        _command(
            "notice",
            gap.message,
            file=gap.path,
            line=gap.line,
            title=f"Diátaxis gap: {gap.kind} ({gap.subject})",
        )
        for gap in result.gaps
    )
    lines.append(_summary_line(result, fail_on))
    return "\n".join(lines) + "\n"


#: Format name → renderer.
FORMATS: dict[str, Callable[[AuditResult, Collection[Verdict]], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "github": render_github,
}


def render(
    result: AuditResult, fmt: str, fail_on: Collection[Verdict] = (), *, verbose: bool = False
) -> str:
    """Render *result* in format *fmt* (a key of :data:`FORMATS`)."""
    if fmt == "text":
        return render_text(result, fail_on, verbose=verbose)
    return FORMATS[fmt](result, fail_on)
