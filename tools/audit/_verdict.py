"""From a page's declared and predicted category to its verdict.

Every threshold lives in :data:`THRESHOLDS`, so the policy is read and tuned
in one place.  The verdicts:

``ok``
    the page reads as the category it declares.
``misfiled``
    it reads confidently (``confidence >= misfiled``) as another category.
``unclear``
    no category stands out (``confidence < unclear``), or the page leans
    towards another category without being confidently it.
``mixed``
    the page as a whole is fine, but a top-level section (with its
    subsections, at least ``section_min_words`` words) reads confidently
    (``>= mixed``) as another category; the finding names the section, its
    line and where it belongs.  A section is not judged between tutorial and
    how-to: steps read alike in both, only the page's purpose differs.
``undeclared``
    neither a folder nor front matter gives a category (information only).
``unreadable``
    the file is binary, not UTF-8, too large or cannot be opened.

A page whose front matter gives a ``reason`` is reported ``ok`` with the
verdict it would have had and the reason ("accepted").  Landing pages
(``index``/``README``, the tree's root index included) are signposts: they
cannot move out of their folder and need not read as one category, so they
are always ``ok``, with no finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tools.audit._declared import Declared

__all__ = [
    "FAILABLE",
    "THRESHOLDS",
    "VERDICT_MEANINGS",
    "ClassificationLike",
    "Finding",
    "Judgement",
    "SectionResult",
    "Thresholds",
    "Verdict",
    "judge",
]


class Verdict(StrEnum):
    """A page's verdict."""

    OK = "ok"
    MISFILED = "misfiled"
    MIXED = "mixed"
    UNCLEAR = "unclear"
    UNDECLARED = "undeclared"
    UNREADABLE = "unreadable"


#: What each verdict means, in a writer's words (for reports and generated reference pages).
VERDICT_MEANINGS: dict[Verdict, str] = {
    Verdict.OK: "the page reads as the category it is filed as",
    Verdict.MISFILED: "the page reads confidently as another category than the one it is filed as",
    Verdict.MIXED: "a section of at least a few paragraphs reads confidently as another category",
    Verdict.UNCLEAR: "no category stands out, or the page leans towards another one",
    Verdict.UNDECLARED: "no category folder and no `diataxis:` front matter (information only)",
    Verdict.UNREADABLE: "the file is binary, not UTF-8, too large or cannot be opened",
}

#: The verdicts ``--fail-on`` accepts (the others never fail a run).
FAILABLE: tuple[Verdict, ...] = (Verdict.MISFILED, Verdict.MIXED, Verdict.UNCLEAR)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The numbers behind the verdicts (confidences are the classifier's, 0..1)."""

    #: predicted ≠ declared with at least this confidence → misfiled.
    misfiled: float = 0.5
    #: below this confidence no category stands out → unclear.
    unclear: float = 0.15
    #: a section predicted ≠ declared with at least this confidence → mixed.
    mixed: float = 0.8
    #: sections with fewer words are too short to judge on their own.
    section_min_words: int = 80


#: The thresholds the audit uses.
THRESHOLDS = Thresholds()


class ClassificationLike(Protocol):
    """What the verdict needs from a classification (``tools.audit._classify.Classification``)."""

    @property
    def predicted(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def scores(self) -> Mapping[str, float]: ...
    @property
    def axes(self) -> tuple[float, float]: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


@dataclass(frozen=True, slots=True)
class SectionResult:
    """A section of a page and how it reads."""

    title: str
    line: int
    words: int
    predicted: str | None = None  #: ``None`` when too short to judge
    confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing to report about a page, at a line."""

    verdict: Verdict
    line: int
    message: str
    section: str | None = None  #: the section's title, for ``mixed``
    suggested: str | None = None  #: the category it reads as


@dataclass(frozen=True, slots=True)
class Judgement:
    """A page's verdict, the findings behind it, and an accepted reason if any."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    accepted: Verdict | None = None  #: what the verdict would be without the reason
    reason: str | None = None  #: the front matter's reason


def _a(category: str) -> str:
    return f"an {category}" if category[:1] in "aeiou" else f"a {category}"


def _pct(value: float) -> str:
    return f"{value:.2f}"


def _signals(classification: ClassificationLike) -> str:
    reasons = "; ".join(classification.reasons[:3])
    return f" (signals: {reasons})" if reasons else ""


def _scores(scores: Mapping[str, float]) -> str:
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    return ", ".join(f"{name} {_pct(value)}" for name, value in ranked)


#: A section of steps reads the same in a tutorial and in a how-to guide: what
#: tells them apart is the purpose of the whole page, so sections are not
#: judged between these two.
_PRACTICAL = frozenset({"tutorial", "how-to"})


def _mixed(
    declared_as: str,
    sections: Sequence[SectionResult],
    folders: Mapping[str, str],
    thresholds: Thresholds,
) -> list[Finding]:
    return [
        Finding(
            Verdict.MIXED,
            section.line,
            f"section '{section.title}' (line {section.line}) reads as {section.predicted} "
            f"(confidence {_pct(section.confidence)}) in a page filed as {declared_as}: move it to "
            f"{folders[section.predicted]} and link to it",
            section=section.title,
            suggested=section.predicted,
        )
        for section in sections
        if section.predicted is not None
        and section.predicted != declared_as
        and section.confidence >= thresholds.mixed
        and section.words >= thresholds.section_min_words
        and {section.predicted, declared_as} != _PRACTICAL
    ]


def judge(
    declared: Declared,
    classification: ClassificationLike,
    sections: Sequence[SectionResult],
    folders: Mapping[str, str],
    thresholds: Thresholds = THRESHOLDS,
) -> Judgement:
    """Return the verdict for a page.

    *folders* maps a category to the folder its pages belong in, as the
    reader should see it (``"docs/explanation/"``); it is used in advice.
    """
    predicted = classification.predicted
    confidence = classification.confidence
    declared_as = declared.category
    if declared.landing:
        return Judgement(Verdict.OK, ())
    if declared_as is None:
        message = (
            f"no category declared (no category folder, no `diataxis:` front matter); "
            f"reads as {predicted} ({_pct(confidence)}): move it to {folders[predicted]} "
            f"or declare it"
        )
        return Judgement(Verdict.UNDECLARED, (Finding(Verdict.UNDECLARED, 1, message),))
    where = f"folder {declared.folder}/" if declared.source == "folder" else "front matter"
    verdict: Verdict = Verdict.OK
    findings: list[Finding] = []
    if predicted != declared_as and confidence >= thresholds.misfiled:
        verdict = Verdict.MISFILED
    elif predicted != declared_as:
        verdict = Verdict.UNCLEAR
        findings.append(
            Finding(
                verdict,
                1,
                f"declared {declared_as} ({where}) but leans towards {predicted} "
                f"({_scores(classification.scores)}): make it clearly {_a(declared_as)}, "
                f"or move it to {folders[predicted]}{_signals(classification)}",
                suggested=predicted,
            ),
        )
    elif confidence < thresholds.unclear:
        verdict = Verdict.UNCLEAR
        findings.append(
            Finding(
                verdict,
                1,
                f"no category stands out ({_scores(classification.scores)}): keep to what "
                f"{_a(declared_as)} does and move the rest out{_signals(classification)}",
            ),
        )
    if verdict is Verdict.MISFILED:
        findings.append(
            Finding(
                verdict,
                1,
                f"reads as {predicted} (confidence {_pct(confidence)}) but is declared "
                f"{declared_as} ({where}): move it to {folders[predicted]} or rewrite it as "
                f"{_a(declared_as)}{_signals(classification)}",
                suggested=predicted,
            ),
        )
    if verdict is Verdict.OK:
        findings = _mixed(declared_as, sections, folders, thresholds)
        if findings:
            verdict = Verdict.MIXED
    if verdict is not Verdict.OK and declared.reason:
        return Judgement(Verdict.OK, tuple(findings), accepted=verdict, reason=declared.reason)
    return Judgement(verdict, tuple(findings))
