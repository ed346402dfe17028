"""The verdict policy (tools.audit._verdict) and every verdict end to end on fixture trees."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.audit import AuditOptions, PageResult, Verdict, _words, audit_paths
from tools.audit._declared import Declared, declared_category
from tools.audit._reader import Block
from tools.audit._verdict import THRESHOLDS, SectionResult, Thresholds, judge

DATA = Path(__file__).parent / "data" / "audit"


def heading_line(path: Path, heading: str) -> int:
    """Return the line of *heading* in the fixture page *path* (so edits to pages are easy)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line == heading)


WHY = "## Why Tidepool uses cron expressions"
MIXED_LINE = heading_line(DATA / "sphinx-md" / "how-to" / "sync-on-a-schedule.md", WHY)
FOLDERS = {
    "tutorial": "docs/tutorials/",
    "how-to": "docs/how-to/",
    "reference": "docs/reference/",
    "explanation": "docs/explanation/",
}


@dataclass(frozen=True)
class Reading:
    """A classification as the classifier returns it (predicted, confidence, scores...)."""

    predicted: str
    confidence: float
    scores: dict[str, float] = field(
        default_factory=lambda: {
            "tutorial": 0.1,
            "how-to": 0.2,
            "reference": 0.3,
            "explanation": 0.4,
        }
    )
    axes: tuple[float, float] = (0.0, 0.0)
    reasons: tuple[str, ...] = ("many definitions", "no steps")


def declared(rel: str, front: dict[str, object] | None = None) -> Declared:
    return declared_category(PurePosixPath(rel), front or {})


def long_section(title: str, predicted: str, confidence: float, line: int = 40) -> SectionResult:
    return SectionResult(title, line, THRESHOLDS.section_min_words, predicted, confidence)


# --------------------------------------------------------------------------- the policy


def test_matching_category_is_ok():
    """A page that reads as what it is filed as is ok, with no finding."""
    judgement = judge(declared("how-to/x.md"), Reading("how-to", 0.9), [], FOLDERS)
    assert judgement.verdict is Verdict.OK
    assert judgement.findings == ()


def test_confidently_other_category_is_misfiled_with_advice():
    """Misfiled names what it reads as, the folder it came from, where to move it and why."""
    judgement = judge(
        declared("how-to/x.md"), Reading("explanation", THRESHOLDS.misfiled), [], FOLDERS
    )
    assert judgement.verdict is Verdict.MISFILED
    (finding,) = judgement.findings
    assert finding.suggested == "explanation"
    assert "reads as explanation" in finding.message
    assert "folder how-to/" in finding.message
    assert "docs/explanation/" in finding.message
    assert "many definitions" in finding.message


def test_leaning_to_another_category_below_the_threshold_is_unclear():
    """Another category, but not confidently: unclear, not misfiled."""
    judgement = judge(
        declared("how-to/x.md"), Reading("reference", THRESHOLDS.misfiled - 0.01), [], FOLDERS
    )
    assert judgement.verdict is Verdict.UNCLEAR
    assert "leans towards reference" in judgement.findings[0].message


def test_no_category_standing_out_is_unclear():
    """The declared category wins, but by too little."""
    judgement = judge(
        declared("reference/x.md"), Reading("reference", THRESHOLDS.unclear - 0.01), [], FOLDERS
    )
    assert judgement.verdict is Verdict.UNCLEAR
    assert "no category stands out" in judgement.findings[0].message
    ok = judge(declared("reference/x.md"), Reading("reference", THRESHOLDS.unclear), [], FOLDERS)
    assert ok.verdict is Verdict.OK


def test_a_confident_section_of_another_kind_makes_the_page_mixed():
    """Mixed names the section, its line, what it reads as and where it belongs."""
    section = long_section("Why we use sops", "explanation", THRESHOLDS.mixed, line=40)
    judgement = judge(declared("how-to/x.md"), Reading("how-to", 0.9), [section], FOLDERS)
    assert judgement.verdict is Verdict.MIXED
    (finding,) = judgement.findings
    assert finding.line == 40
    assert finding.section == "Why we use sops"
    assert finding.message.startswith("section 'Why we use sops' (line 40) reads as explanation")
    assert "move it to docs/explanation/ and link to it" in finding.message


@pytest.mark.parametrize(
    "section",
    [
        SectionResult("Short", 9, THRESHOLDS.section_min_words - 1, "explanation", 0.99),
        SectionResult("Unsure", 9, 500, "explanation", THRESHOLDS.mixed - 0.01),
        SectionResult("Same kind", 9, 500, "how-to", 0.99),
        SectionResult("Steps", 9, 500, "tutorial", 0.99),
        SectionResult("Not judged", 9, 500, None, 0.0),
    ],
    ids=["too-short", "not-confident", "same-category", "tutorial-vs-how-to", "unjudged"],
)
def test_sections_that_do_not_make_a_page_mixed(section):
    judgement = judge(declared("how-to/x.md"), Reading("how-to", 0.9), [section], FOLDERS)
    assert judgement.verdict is Verdict.OK


def test_no_declared_category_is_undeclared_information():
    judgement = judge(declared("notes.md"), Reading("reference", 0.9), [], FOLDERS)
    assert judgement.verdict is Verdict.UNDECLARED
    assert "docs/reference/" in judgement.findings[0].message


def test_front_matter_reason_accepts_the_verdict():
    """A reason in front matter turns mixed/unclear/misfiled into ok, keeping what it would be."""
    front = {"diataxis": {"category": "how-to", "reason": "kept together on purpose"}}
    section = long_section("Background", "explanation", 0.95)
    judgement = judge(declared("x.md", front), Reading("how-to", 0.9), [section], FOLDERS)
    assert judgement.verdict is Verdict.OK
    assert judgement.accepted is Verdict.MIXED
    assert judgement.reason == "kept together on purpose"
    assert judgement.findings


@pytest.mark.parametrize(
    "path", ["how-to/index.md", "index.md", "README.md", "guides/x/readme.rst"]
)
def test_landing_pages_are_never_judged(path):
    """A landing page cannot move out of its folder: no move advice, no undeclared finding."""
    landing = declared(path)
    assert landing.landing
    section = long_section("Background", "explanation", 0.99)
    for reading in (Reading("how-to", 0.01), Reading("reference", 0.99)):
        judgement = judge(landing, reading, [section], FOLDERS)
        assert judgement.verdict is Verdict.OK
        assert judgement.findings == ()


def test_thresholds_are_one_object_that_can_be_changed():
    strict = Thresholds(misfiled=0.95)
    reading = Reading("explanation", 0.9)
    assert judge(declared("how-to/x.md"), reading, [], FOLDERS).verdict is Verdict.MISFILED
    assert judge(declared("how-to/x.md"), reading, [], FOLDERS, strict).verdict is Verdict.UNCLEAR


def test_messages_use_the_right_article():
    judgement = judge(declared("explanation/x.md"), Reading("explanation", 0.0), [], FOLDERS)
    assert "what an explanation does" in judgement.findings[0].message


# --------------------------------------------------------------------------- end to end


@pytest.fixture(scope="module")
def fixture_pages() -> dict[str, PageResult]:
    options = AuditOptions(schema_dirs=False, cli=False)
    result = audit_paths([DATA / "sphinx-md", DATA / "rst-tree"], options=options)
    return {p.docname if "/" in p.docname else p.path: p for p in result.pages}


@pytest.mark.parametrize(
    ("docname", "verdict"),
    [
        ("tutorials/first-sync", Verdict.OK),
        ("how-to/rotate-keys", Verdict.OK),
        ("reference/settings", Verdict.OK),
        ("how-to/background", Verdict.MISFILED),
        ("how-to/sync-on-a-schedule", Verdict.MIXED),
        ("how-to/unclear", Verdict.UNCLEAR),
        ("how-to/sync-with-reasons", Verdict.OK),
        ("tutorial/lesson", Verdict.OK),
        ("howto/prune", Verdict.OK),
        ("topics/why-snapshots", Verdict.OK),
        ("reference/history", Verdict.OK),
    ],
)
def test_fixture_pages_get_their_verdict(fixture_pages, docname, verdict):
    assert fixture_pages[docname].verdict is verdict, fixture_pages[docname].findings


def test_fixture_mixed_page_names_its_section(fixture_pages):
    page = fixture_pages["how-to/sync-on-a-schedule"]
    (finding,) = page.findings
    assert finding.section == "Why Tidepool uses cron expressions"
    assert finding.suggested == "explanation"
    assert finding.line == MIXED_LINE
    assert "tests/data/audit/sphinx-md/explanation/" in finding.message


def test_fixture_accepted_page_keeps_its_reason(fixture_pages):
    page = fixture_pages["how-to/sync-with-reasons"]
    assert page.accepted is Verdict.MIXED
    assert page.reason is not None
    assert page.reason.startswith("the short history of cron expressions")


def test_rst_front_matter_overrides_the_folder(fixture_pages):
    page = fixture_pages["reference/history"]
    assert page.declared == "explanation"
    assert page.declared_source == "front matter"


def test_pages_outside_category_folders_are_undeclared(fixture_pages):
    undeclared = sorted(
        Path(p.path).name for p in fixture_pages.values() if p.verdict is Verdict.UNDECLARED
    )
    assert undeclared == ["notes.txt", "stray.md"]  # the root index.md is a landing page


def test_page_results_carry_the_classification(fixture_pages):
    page = fixture_pages["tutorials/first-sync"]
    assert page.predicted == "tutorial"
    assert set(page.scores) == {"tutorial", "how-to", "reference", "explanation"}
    assert sum(page.scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert -1.0 <= page.axes[0] <= 1.0
    assert -1.0 <= page.axes[1] <= 1.0
    assert page.reasons
    assert [s.title for s in page.sections] == [
        "Install Tidepool",
        "Make a test bucket",
        "Run your first sync",
    ]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000ab-é·", max_size=20),
        max_size=6,
    )
)
def test_section_words_are_what_splitting_at_white_space_gives(texts: list[str]) -> None:
    runs = [
        tuple(Block("paragraph", t, 1) for t in texts[:3]),
        tuple(Block("code", t, 2) for t in texts[3:]),
    ]
    expected = sum(len(t.split()) for t in texts)
    assert _words(runs) == expected
