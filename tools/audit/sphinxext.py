"""The Diátaxis audit as a Sphinx extension.

In ``conf.py``::

    extensions = [..., "tools.audit.sphinxext"]
    diataxis_health_page = "reference/generated/docs-health"  # "" for none
    diataxis_schema_dirs = None   # None: deployer/schemas when in this project; [] : none
    diataxis_cli = None           # None: deployer.cli:cli when in this project; "": none
    diataxis_exclude = []         # glob patterns of pages the audit leaves out

At ``builder-inited`` (after the reference generators, which run at the
default priority) the extension audits every page of the source folder once
and writes the documentation-health page: every page with its verdict, the
gaps, and the Diátaxis compass as an inline SVG (also saved beside the page).
Files are written with :func:`deployer._fs.write_if_changed`, so a rebuild
that changes nothing writes nothing and ``sphinx-autobuild`` does not loop.

When a page is read (``doctree-read``), each of its findings becomes a
warning with ``type="diataxis"`` and the verdict as subtype, at the page and
line::

    suppress_warnings = ["diataxis.mixed"]    # silence one kind
    suppress_warnings = ["diataxis"]          # or all of them

A page silences its own findings with a reason in its front matter
(``diataxis: {category: how-to, reason: "..."}``).  The classifier is only
imported when a build starts.
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx.util import logging

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

    from tools.audit import AuditResult

__all__ = ["render_health_page", "setup"]

logger = logging.getLogger(__name__)

_VERSION = "1.0"
#: Verdicts that become Sphinx warnings (their subtype).
WARNED = ("misfiled", "mixed", "unclear")
_GAP_TITLES = {
    "empty-category": "Empty categories",
    "schema-property": "Schema properties no tutorial or how-to guide shows",
    "cli-command": "Commands no tutorial or how-to guide uses",
    "how-to-without-reference": "How-to guides that link to no reference",
    "reference-without-explanation": "Reference pages no explanation links to",
    "not-in-toctree": "Pages in no toctree",
    "tutorial-without-runnable-step": "Tutorials without a runnable step",
}
_FINDINGS: weakref.WeakKeyDictionary[Sphinx, dict[str, list[tuple[str, int, str]]]] = (
    weakref.WeakKeyDictionary()
)


def _path(app: Sphinx, value: str | Path) -> Path:
    path = Path(value)
    return path if path.is_absolute() else (Path(app.confdir) / path).resolve()


def _options(app: Sphinx, exclude: list[str]) -> Any:  # noqa: ANN401 - AuditOptions, imported lazily
    from tools.audit import AuditOptions  # noqa: PLC0415 - lazy: the audit loads at build time

    config = app.config
    dirs = config.diataxis_schema_dirs
    cli = config.diataxis_cli
    return AuditOptions(
        schema_dirs=True if dirs is None else [_path(app, d) for d in dirs],
        cli=True if cli is None else (cli or False),
        exclude=tuple(exclude),
        relative_to=Path(app.srcdir),
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("`", "'")


def render_health_page(result: AuditResult, svg: str, *, svg_name: str) -> str:
    """Return the MyST source of the documentation-health page for *result*."""
    from tools.audit._declared import CATEGORIES  # noqa: PLC0415 - lazy, see module docstring
    from tools.audit._gaps import GAP_KINDS  # noqa: PLC0415

    summary = result.summary()
    lines = [
        "---",
        "diataxis: reference",
        "---",
        "",
        "(docs-health)=",
        "# Documentation health",
        "",
        (
            "This page is generated at every build by the Diátaxis audit "
            "(`python -m tools.audit`): which kind of page each page reads as, whether "
            "that is the kind it is filed as, and what the documentation is missing."
        ),
        "",
        "## Summary",
        "",
        "| verdict | pages |",
        "| --- | ---: |",
        *(f"| {verdict} | {count} |" for verdict, count in summary["verdicts"].items()),
        "",
        "| | " + " | ".join(CATEGORIES) + " | none |",
        "| --- |" + " ---: |" * (len(CATEGORIES) + 1),
        *(
            f"| {row} | " + " | ".join(str(n) for n in summary[row].values()) + " |"
            for row in ("declared", "predicted")
        ),
        "",
        "## The compass",
        "",
        (
            "Each dot is a page, placed by how it reads: towards action or cognition "
            "(left, right) and towards acquisition or application (top, bottom). Its "
            "colour is the category the page is filed as; a dark ring marks a page the "
            "audit flags. Point at a dot to see which page it is."
        ),
        "",
        "```{raw} html",
        svg.rstrip("\n"),
        "```",
        "",
        f"{{download}}`The picture as an SVG file <{svg_name}>`.",
        "",
        "## Pages",
        "",
        "| page | filed as | reads as | confidence | verdict |",
        "| --- | --- | --- | ---: | --- |",
    ]
    for page in sorted(result.pages, key=lambda p: p.docname):
        verdict = page.verdict.value
        if page.accepted is not None:
            verdict = f"ok (accepted {page.accepted.value}: {page.reason})"
        confidence = f"{page.confidence:.2f}" if page.predicted else ""
        lines.append(
            f"| {{doc}}`/{page.docname}` | {page.declared or ''} | {page.predicted or ''} "
            f"| {confidence} | {_escape(verdict)} |",
        )
    findings = [(page.docname, finding) for page in result.pages for finding in page.findings]
    if findings:
        lines += ["", "## Findings", ""]
        lines += [
            f"- {{doc}}`/{docname}`, line {f.line}: **{f.verdict.value}**: {_escape(f.message)}"
            for docname, f in sorted(findings, key=lambda item: (item[0], item[1].line))
        ]
    lines += ["", "## Gaps", ""]
    if not result.gaps:
        lines.append("None.")
    for kind in GAP_KINDS:
        gaps = [gap for gap in result.gaps if gap.kind == kind]
        if not gaps:
            continue
        lines += ["", f"### {_GAP_TITLES.get(kind, kind)} ({len(gaps)})", ""]
        for gap in gaps:
            subject = f"{{doc}}`/{gap.subject}`" if gap.path else f"`{_escape(gap.subject)}`"
            lines.append(f"- {subject}: {_escape(gap.message)}")
    return "\n".join(lines) + "\n"


def _builder_inited(app: Sphinx) -> None:
    from deployer._fs import write_if_changed  # noqa: PLC0415 - lazy, see module docstring
    from tools.audit import AuditError, audit_paths  # noqa: PLC0415
    from tools.audit._compass import CompassPoint, compass_svg  # noqa: PLC0415

    config = app.config
    health = str(config.diataxis_health_page or "").strip("/")
    exclude = [*config.exclude_patterns, *config.diataxis_exclude]
    if health:
        exclude += [f"{health}.md", f"{health}.rst"]
    try:
        result = audit_paths([Path(app.srcdir)], options=_options(app, exclude))
    except AuditError as exc:
        logger.warning(
            "the Diátaxis audit could not run: %s", exc, type="diataxis", subtype="error"
        )
        return
    findings: dict[str, list[tuple[str, int, str]]] = {}
    for page in result.pages:
        if page.accepted is None and page.verdict.value in WARNED:
            findings[page.docname] = [(f.verdict.value, f.line, f.message) for f in page.findings]
    _FINDINGS[app] = findings
    if health:
        points = [
            CompassPoint(
                p.docname, p.declared, p.predicted, p.axes[0], p.axes[1], p.verdict.value,
                p.confidence,
            )
            for p in result.pages
            if p.predicted is not None
        ]  # fmt: skip
        target = Path(app.srcdir) / f"{health}.md"
        svg_file = target.with_suffix(".svg")
        svg = compass_svg(points)
        write_if_changed(svg_file, svg)
        if write_if_changed(target, render_health_page(result, svg, svg_name=svg_file.name)):
            logger.info("diataxis: wrote %s", target)


def _doctree_read(app: Sphinx, doctree: nodes.document) -> None:  # noqa: ARG001 - Sphinx's signature
    docname = app.env.docname
    for verdict, line, message in _FINDINGS.get(app, {}).get(docname, ()):
        logger.warning(message, type="diataxis", subtype=verdict, location=(docname, line))


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the settings and the two event handlers."""
    optional_str: frozenset[type] = frozenset({str, type(None)})
    app.add_config_value(
        "diataxis_health_page", "reference/generated/docs-health", "env", types=frozenset({str})
    )
    app.add_config_value("diataxis_schema_dirs", None, "env", types=frozenset({list, type(None)}))
    app.add_config_value("diataxis_cli", None, "env", types=optional_str)
    app.add_config_value("diataxis_exclude", [], "env", types=frozenset({list}))
    app.connect("builder-inited", _builder_inited, priority=900)
    app.connect("doctree-read", _doctree_read)
    return {
        "version": _VERSION,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
