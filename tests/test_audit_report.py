"""Report formats (tools.audit._report) and the compass picture (tools.audit._compass)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tools.audit import (
    GAP_KINDS,
    GAP_MEANINGS,
    VERDICT_MEANINGS,
    AuditOptions,
    AuditResult,
    Verdict,
    audit_paths,
)
from tools.audit._compass import COLOURS, CompassPoint, compass_svg
from tools.audit._report import (
    MARKDOWN_MARKER,
    escape_data,
    escape_property,
    headline,
    render,
    render_github,
    render_json,
    render_markdown,
    render_text,
)
from tools.audit.sphinxext import render_health_page

DATA = Path(__file__).parent / "data" / "audit"
FAILING = frozenset({Verdict.MISFILED, Verdict.MIXED})
SVG = "{http://www.w3.org/2000/svg}"


def heading_line(path: Path, heading: str) -> int:
    """Return the line of *heading* in the fixture page *path* (so edits to pages are easy)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == heading)


WHY = "## Why Tidepool uses cron expressions"
MIXED_LINE = heading_line(DATA / "sphinx-md" / "how-to" / "sync-on-a-schedule.md", WHY)
ACCEPTED_LINE = heading_line(DATA / "sphinx-md" / "how-to" / "sync-with-reasons.md", WHY)


@pytest.fixture(scope="module")
def result() -> AuditResult:
    return audit_paths(
        [DATA / "sphinx-md", DATA / "rst-tree"],
        options=AuditOptions(schema_dirs=[DATA / "schemas"], cli=False),
    )


# --------------------------------------------------------------------------- text


def test_text_has_one_finding_per_line_then_the_summary(result):
    lines = render_text(result, FAILING).splitlines()
    finding = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<label>[^:]+(?:\([^)]*\))?): .+")
    body = [line for line in lines[:-1] if not line.startswith("gap: ")]
    assert all(finding.match(line) for line in body), body
    assert (
        f"tests/data/audit/sphinx-md/how-to/sync-on-a-schedule.md:{MIXED_LINE}: mixed: section "
        f"'Why Tidepool uses cron expressions' (line {MIXED_LINE}) reads as explanation"
    ) in "\n".join(lines)
    assert any(
        line.startswith(
            f"tests/data/audit/sphinx-md/how-to/sync-with-reasons.md:{ACCEPTED_LINE}: ok "
            "(accepted: the short history"
        )
        for line in lines
    )
    assert lines[-1].startswith("20 page(s): ")
    assert "FAILED: 2 page(s) misfiled/mixed" in lines[-1]


def test_text_verbose_lists_every_page(result):
    text = render(result, "text", verbose=True)
    assert "tests/data/audit/sphinx-md/tutorials/first-sync.md: ok (declared tutorial, " in text


# --------------------------------------------------------------------------- JSON


def test_json_has_pages_gaps_and_summary(result):
    data = json.loads(render_json(result, FAILING))
    assert set(data) == {"version", "pages", "gaps", "summary"}
    assert len(data["pages"]) == 20
    for page in data["pages"]:
        assert {
            "path",
            "declared",
            "predicted",
            "confidence",
            "scores",
            "axes",
            "verdict",
            "reasons",
            "sections",
        } <= set(page)
        assert page["verdict"] in {v.value for v in Verdict}
        for section in page["sections"]:
            assert set(section) >= {"title", "line", "predicted", "confidence"}
            assert isinstance(section["line"], int)
    for gap in data["gaps"]:
        assert {"kind", "message", "subject"} <= set(gap)
        assert set(gap) <= {"kind", "message", "subject", "path", "line"}
    summary = data["summary"]
    assert summary["pages"] == 20
    assert sum(summary["verdicts"].values()) == 20
    assert summary["verdicts"]["mixed"] == 1
    assert summary["declared"]["tutorial"] == 4
    assert set(summary["predicted"]) == {"tutorial", "how-to", "reference", "explanation", "none"}
    assert summary["fail_on"] == ["misfiled", "mixed"]
    assert summary["failed"] is True
    assert isinstance(summary["duration"], float)


def test_json_page_details(result):
    data = json.loads(render_json(result))
    page = next(p for p in data["pages"] if p["path"].endswith("sync-with-reasons.md"))
    assert page["verdict"] == "ok"
    assert page["accepted"]["verdict"] == "mixed"
    assert page["declared_source"] == "front matter"
    assert set(page["axes"]) == {"action_cognition", "acquisition_application"}
    assert sum(page["scores"].values()) == pytest.approx(1.0, abs=0.01)
    assert data["summary"]["failed"] is False


# --------------------------------------------------------------------------- Markdown


def test_markdown_is_a_pull_request_comment(result):
    comment = render_markdown(result, FAILING)
    assert comment.startswith(MARKDOWN_MARKER + "\n")
    assert (
        "**5 of 20 page(s) have findings:** 1 misfiled, 1 mixed, 1 unclear, 2 undeclared."
    ) in comment
    assert "**Failed** on misfiled/mixed: 2 page(s)." in comment
    assert "| verdict | pages |" in comment
    assert "| mixed | 1 |" in comment
    assert "### Findings" in comment
    assert "<details><summary>Gaps (" in comment
    assert comment.rstrip().endswith("</sub>")
    assert comment.count("<details>") == comment.count("</details>") == 1


def test_markdown_escapes_table_cells(result):
    comment = render_markdown(result)
    for line in comment.splitlines():
        if line.startswith("| `"):
            cells = re.split(r"(?<!\\)\|", line)
            assert len(cells) == 6, line  # page, line, verdict, message between 5 pipes
    # Without --fail-on the findings are still counted; only the exit status changes.
    assert "**5 of 20 page(s) have findings:**" in comment
    assert "Failed" not in comment
    assert "Passed" not in comment


def test_without_failing_pages_the_comment_says_the_run_passed(result):
    comment = render_markdown(result, frozenset({Verdict.UNREADABLE}))
    assert "Passed: no page is unreadable, the verdicts this run fails on." in comment
    assert "**5 of 20 page(s) have findings:**" in comment


@pytest.mark.parametrize("fail_on", [frozenset(), FAILING, frozenset(Verdict)])
def test_every_format_gives_the_same_figures(result, fail_on):
    """Text, GitHub, Markdown and the health page share one headline; JSON holds its counts."""
    line = headline(result)
    shown = {
        "text": render_text(result, fail_on).splitlines()[-1],
        "github": render_github(result, fail_on).splitlines()[-1],
        "markdown": render_markdown(result, fail_on).splitlines()[-1],
        "health": render_health_page(result, "<svg/>", svg_name="compass.svg"),
    }
    for name, text in shown.items():
        assert line in text, name
    summary = json.loads(render_json(result, fail_on))["summary"]
    counts = ", ".join(f"{n} {v}" for v, n in summary["verdicts"].items() if n)
    assert f"{summary['pages']} page(s): {counts} ({summary['accepted']} accepted)" in line
    assert f"; {len(result.gaps)} gap(s)" in line
    assert summary["failed"] == any(p.verdict in fail_on for p in result.pages)


# --------------------------------------------------------------------------- GitHub


def test_github_escaping_rules():
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%\n") == "a%2Cb%3Ac%25%0A"


def test_github_annotations(result):
    lines = render_github(result, FAILING).splitlines()
    command = re.compile(r"^::(error|warning|notice) (?:file=[^,]+,line=\d+,)?title=[^,:]+::.*$")
    annotations = [line for line in lines if line.startswith("::")]
    assert all(command.match(line) for line in annotations), annotations
    mixed = next(line for line in annotations if "sync-on-a-schedule.md" in line)
    assert mixed.startswith(
        "::error file=tests/data/audit/sphinx-md/how-to/sync-on-a-schedule.md,"
        f"line={MIXED_LINE},"
        "title=Diátaxis%3A mixed::section 'Why Tidepool uses cron expressions'"
    )
    unclear = next(line for line in annotations if "how-to/unclear.md" in line)
    assert unclear.startswith("::warning ")
    gaps = [line for line in annotations if "title=Diátaxis gap%3A" in line]
    assert gaps
    assert all(line.startswith("::notice ") for line in gaps)
    assert not lines[-1].startswith("::")


def test_multi_line_messages_stay_on_one_line(tmp_path):
    """Text keeps one finding per line; a broken front matter is a note, a notice on GitHub."""
    (tmp_path / ".git").mkdir()
    page = tmp_path / "how-to" / "broken.md"
    page.parent.mkdir()
    page.write_text("---\ndiataxis: [how-to\ntitle: x\n---\n# Broken\n\nText.\n", "utf-8")
    result = audit_paths([tmp_path], options=AuditOptions(gaps=False, relative_to=tmp_path))
    (note,) = [n for p in result.pages for n in p.notes]
    assert note[1].startswith("front matter ignored: ")
    text = render_text(result).splitlines()
    assert sum("front matter ignored" in line for line in text) == 1
    assert all(line.startswith(("how-to/broken.md:", "1 page(s)")) for line in text), text
    github = [line for line in render_github(result).splitlines() if "%3A note::" in line]
    assert len(github) == 1
    assert github[0].startswith("::notice file=how-to/broken.md,line=1,title=Diátaxis%3A note::")


def test_every_verdict_and_gap_kind_has_a_meaning():
    """Reports and generated reference pages explain every verdict and gap kind."""
    assert set(VERDICT_MEANINGS) == set(Verdict)
    assert list(GAP_MEANINGS) == list(GAP_KINDS)
    assert all(text and not text.endswith(".") for text in [*VERDICT_MEANINGS.values()])


# --------------------------------------------------------------------------- compass


def test_compass_svg_is_well_formed_with_a_dot_and_tooltip_per_page():
    points = [
        CompassPoint("how-to/a.md", "how-to", "how-to", -0.8, 0.7, "ok", 0.9),
        CompassPoint("reference/<b>&.md", "reference", "explanation", 0.6, -0.5, "misfiled", 0.7),
        CompassPoint("notes.md", None, "reference", 5.0, -5.0, "undeclared", 0.2),
    ]
    svg = compass_svg(points)
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted data
    assert root.tag == f"{SVG}svg"
    circles = root.findall(f"{SVG}circle")
    dots = [c for c in circles if c.find(f"{SVG}title") is not None]
    assert len(dots) == 3
    tips = sorted(c.find(f"{SVG}title").text for c in dots)  # type: ignore[union-attr]
    assert tips[2] == "reference/<b>&.md: declared reference, reads as explanation (0.70), misfiled"
    colours = {c.get("fill") for c in dots}
    assert colours == {COLOURS["how-to"], COLOURS["reference"], COLOURS[""]}
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for label in ["Tutorials", "How-to guides", "Reference", "Explanation", "Declared category"]:
        assert label in texts
    for dot in dots:  # clamped inside the plot
        assert 30 <= float(dot.get("cx", 0)) <= 470
        assert 30 <= float(dot.get("cy", 0)) <= 470


def test_compass_places_quadrants_by_the_axes():
    """Action/acquisition (tutorial) top left; cognition/application (reference) bottom right."""
    svg = compass_svg(
        [
            CompassPoint("t.md", "tutorial", "tutorial", -0.9, -0.9),
            CompassPoint("r.md", "reference", "reference", 0.9, 0.9),
        ]
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted data
    dots = {
        c.find(f"{SVG}title").text.split(":")[0]: c  # type: ignore[union-attr]
        for c in root.findall(f"{SVG}circle")
        if c.find(f"{SVG}title") is not None
    }
    assert float(dots["t.md"].get("cx", 0)) < 250 > float(dots["t.md"].get("cy", 0))
    assert float(dots["r.md"].get("cx", 0)) > 250 < float(dots["r.md"].get("cy", 0))


def test_compass_is_deterministic():
    points = [CompassPoint(f"p{i}.md", "how-to", "how-to", 0.1 * i, -0.1 * i) for i in range(9)]
    assert compass_svg(points) == compass_svg(list(reversed(points)))


def test_the_health_page_lists_landing_pages_apart(result):
    page = render_health_page(result, "<svg/>", svg_name="compass.svg")
    judged, _, rest = page.partition("## Landing pages")
    landing = rest.partition("\n## ")[0]
    names = [p.docname for p in result.pages if p.landing]
    assert names
    for name in names:
        assert f"{{doc}}`/{name}`" in landing
        assert f"{{doc}}`/{name}`" not in judged.partition("## Pages")[2]
