"""Which Diátaxis category a page (or a section) reads as, and why.

The model is a multinomial logistic regression over the signals of
:mod:`tools.audit._features` (prose and structure only), with weights from
``weights.json`` (made by ``python -m tools.audit.train``).  It runs in pure
Python: a page costs one pass over its blocks and a sparse dot product.

The classifier never looks at a page's path, anchors, labels, link targets,
toctree entries or front matter: it sees ``Block`` objects whose text has link
and role markup replaced by the visible text.
"""

from __future__ import annotations

import functools
import json
import math
import operator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from tools.audit._features import FEATURES, SIGNALS, Signal, extract_runs, split_runs

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from tools.audit._reader import Block, Page

__all__ = [
    "CATEGORIES",
    "SIGNALS",
    "Classification",
    "Model",
    "Signal",
    "classify_blocks",
    "classify_page",
    "classify_runs",
    "load_model",
]

#: The four Diátaxis categories, in the order of the compass (action/acquisition first).
CATEGORIES = ("tutorial", "how-to", "reference", "explanation")

_WEIGHTS = Path(__file__).with_name("weights.json")
#: Below this many words a page says little: its probabilities are drawn towards uniform.
_FULL_WORDS = 150
#: The same for a section, which reads as part of a page and is easily over-read.
_FULL_WORDS_SECTION = 600


class Classification(NamedTuple):
    """The category a text reads as, how sure, where it sits on the compass, and why."""

    #: One of :data:`CATEGORIES`.
    predicted: str
    #: Margin between the two most likely categories (0 = a tie, 1 = certain).
    confidence: float
    #: Probability per category; they sum to 1.
    scores: Mapping[str, float]
    #: (action -1 … cognition +1, acquisition -1 … application +1), from the probabilities.
    axes: tuple[float, float]
    #: 2 to 5 signals that weighed most for the predicted category, in words a writer uses.
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Model:
    """Weights of the classifier: per category, a weight per feature and a bias."""

    features: tuple[str, ...]
    weights: Mapping[str, Mapping[str, float]]
    bias: Mapping[str, float]
    vocabulary: frozenset[str]
    #: Per feature, its weights in the order of :data:`CATEGORIES` (features with a weight only).
    table: Mapping[str, tuple[float, ...]]
    #: The features of ``table``, in order, and per category their weights in that order.
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[float, ...], ...] = ()
    #: Per category, per feature of ``columns``: its weight there minus its mean weight elsewhere.
    pushes: tuple[tuple[float, ...], ...] = ()
    #: Per feature of ``columns``, where it is in ``Features.vector`` (-1: not a signal feature).
    pick: tuple[int, ...] = ()
    #: The biases in the order of :data:`CATEGORIES`.
    biases: tuple[float, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Model:
        """Build a model from the content of a weights file."""
        features = tuple(str(f) for f in data["features"])
        weights = {
            c: {f: float(v) for f, v in zip(features, data["weights"][c], strict=True) if v}
            for c in CATEGORIES
        }
        bias = {c: float(data["bias"][c]) for c in CATEGORIES}
        vocabulary = frozenset(f[2:] for f in features if f.startswith("w:"))
        table = {
            f: row
            for f in features
            if any(row := tuple(weights[c].get(f, 0.0) for c in CATEGORIES))
        }
        columns = tuple(table)
        rows = tuple(tuple(table[f][i] for f in columns) for i in range(len(CATEGORIES)))
        k = len(CATEGORIES) - 1
        pushes = tuple(
            tuple(table[f][i] - (sum(table[f]) - table[f][i]) / k for f in columns)
            for i in range(len(CATEGORIES))
        )
        where = {f: i for i, f in enumerate(FEATURES)}
        pick = tuple(where.get(f, -1) for f in columns)
        biases = tuple(bias[c] for c in CATEGORIES)
        return cls(features, weights, bias, vocabulary, table, columns, rows, pushes, pick, biases)


@functools.cache
def load_model(path: Path | None = None) -> Model:
    """Load the weights shipped with the audit (or the file at *path*), once."""
    data = json.loads((path or _WEIGHTS).read_text(encoding="utf-8"))
    return Model.from_data(data)


_SIGNAL_BY_NAME = {s.name: s for s in SIGNALS}
_NAMES = {
    "tutorial": "tutorials",
    "how-to": "how-to guides",
    "reference": "reference",
    "explanation": "explanation",
}


def _reason(name: str, counts: Mapping[str, float]) -> str | None:
    signal = _SIGNAL_BY_NAME.get(name)
    if signal is None:
        return None
    n = counts.get(name, 0)
    pct = counts.get(f"{name}_pct", 0)
    if not n and not pct:
        return None
    return signal.reason.format(n=int(n), pct=int(pct))


def _classify(
    runs: Sequence[tuple[Block, ...]],
    title: str,
    model: Model,
    full_words: int = _FULL_WORDS,
    *,
    reasons: bool = True,
) -> Classification:
    feats = extract_runs(runs, title, vocabulary=model.vocabulary, with_counts=reasons)
    vector = feats.vector
    if -1 in model.pick:  # lexical features (or signals this version no longer has)
        lexical = feats.lexical
        x = [
            vector[i] if i >= 0 else lexical.get(f, 0.0)
            for i, f in zip(model.pick, model.columns, strict=True)
        ]
    else:
        x = list(map(vector.__getitem__, model.pick))
    # short texts carry little evidence: temper the logits towards uniform
    temper = min(1.0, math.sqrt((feats.words + 10) / full_words))
    z = [
        (bias + sum(map(operator.mul, row, x))) * temper
        for bias, row in zip(model.biases, model.rows, strict=True)
    ]
    # the probabilities (softmax), in the order of CATEGORIES
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    tutorial, howto, reference, explanation = probs = [v / total for v in e]
    best, second = sorted(range(len(CATEGORIES)), key=probs.__getitem__, reverse=True)[:2]
    cognition = reference + explanation - tutorial - howto
    application = howto + reference - tutorial - explanation
    why: tuple[str, ...] = ()
    if reasons:
        pushes = [
            (f, v * p) for f, v, p in zip(model.columns, x, model.pushes[best], strict=True) if v
        ]
        why = _reasons(pushes, feats.counts, best)
    return Classification(
        CATEGORIES[best],
        round(probs[best] - probs[second], 4),
        dict(zip(CATEGORIES, [round(p, 4) for p in probs], strict=True)),
        (round(cognition, 4), round(application, 4)),
        why,
    )


def _reasons(
    pushes: Sequence[tuple[str, float]],
    counts: Mapping[str, float],
    best: int,
) -> tuple[str, ...]:
    """Name the features that pushed most towards category *best* rather than the others.

    *pushes* holds (feature, value times (its weight for *best* less its mean elsewhere)).
    """
    contrib: list[tuple[float, str]] = []
    words: list[tuple[float, str]] = []
    for f, push in pushes:
        if push <= 0:
            continue
        if f.startswith("w:"):
            words.append((-push, f[2:]))
        else:
            contrib.append((-push, f))
    contrib.sort()
    words.sort()
    out: list[str] = []
    for _, f in contrib:
        text = _reason(f, counts)
        if text and text not in out:
            out.append(text)
            if len(out) == 4:  # noqa: PLR2004 - leave room for the words
                break
    if words:
        listed = ", ".join(f"“{w}”" for _, w in words[:4])
        out.append(f"words typical of {_NAMES[CATEGORIES[best]]}: {listed}")
    fallbacks = (
        f"little else on the page points elsewhere ({counts.get('words', 0):.0f} words)",
        "few signals: the text is short",
    )
    out.extend(fallbacks[: max(0, 2 - len(out))])
    return tuple(out[:5])


def classify_blocks(
    blocks: Sequence[Block],
    title: str = "",
    *,
    model: Model | None = None,
    reasons: bool = True,
) -> Classification:
    """Classify a run of blocks (a section, usually) with an optional *title*.

    Probabilities of short texts are drawn towards uniform, so a three-line
    section is not called anything with confidence.  With ``reasons=False``
    the reasons are left empty (cheaper, for callers that never show them).
    """
    runs = split_runs(blocks)
    return _classify(runs, title, model or load_model(), _FULL_WORDS_SECTION, reasons=reasons)


def classify_runs(
    runs: Sequence[tuple[Block, ...]],
    title: str = "",
    *,
    model: Model | None = None,
    reasons: bool = True,
) -> Classification:
    """Classify, like :func:`classify_blocks`, the blocks of *runs* (``Section.blocks`` of a page).

    Cheaper than joining them: the counts of each run are kept from the page's classification.
    """
    return _classify(runs, title, model or load_model(), _FULL_WORDS_SECTION, reasons=reasons)


def classify_page(page: Page, *, model: Model | None = None) -> Classification:
    """Classify a page read by :func:`tools.audit._reader.read_text` or ``read_file``.

    Only the prose and structure count: the path, anchors, labels, link
    targets, toctree entries and front matter are never used.
    """
    return _classify([s.blocks for s in page.sections], "", model or load_model())
