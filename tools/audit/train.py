"""Train the audit's page classifier from a documentation tree organised by Diátaxis folders.

Usage::

    python -m tools.audit.train TREE [TREE ...] --out tools/audit/weights.json

Every ``.md``, ``.rst`` and ``.txt`` page under a folder named like a category
(``tutorials``, ``how-to``, ``guides``, ``reference``, ``explanation``,
``topics``, ``concepts``… see :data:`FOLDER_CATEGORIES`) is a training example
of that category; the outermost such folder decides.  Index pages and pages
under 300 characters are skipped.  The first folder below each TREE that is not
a category folder names the page's *project* (used by ``evaluate`` to leave one
project out).

The model is a multinomial logistic regression over the hand-designed signals
of :mod:`tools.audit._features` (optionally plus a vocabulary of words chosen
here: ``Hyper.vocabulary``, 0 by default because words did not improve the
leave-one-project-out score).  Each signal's weights may only push towards the
categories the signal is designed to point to (``Signal.favours``), which keeps
the model from learning one project's habits.  Pages are weighted so that every
category, and every project within a category, counts alike.  The strength of
the L2 penalty is chosen from a small fixed grid by leaving one training project
out in turn (nested inside ``evaluate``'s folds, so a held-out project never
tunes it).  It is trained in
pure Python by full-batch Adam from zero weights, on sorted inputs, with no
randomness, so the same tree always gives the same ``weights.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import operator
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tools.audit._classify import CATEGORIES
from tools.audit._errors import ReadError
from tools.audit._features import SIGNALS, extract
from tools.audit._reader import read_file

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "FOLDER_CATEGORIES",
    "Example",
    "Hyper",
    "choose_l2",
    "fit",
    "load_tree",
    "macro_f1",
    "main",
]

#: Folder names that give a page its category.
FOLDER_CATEGORIES: dict[str, str] = {
    **dict.fromkeys(["tutorial", "tutorials", "lessons", "learn"], "tutorial"),
    **dict.fromkeys(
        ["how-to", "how-tos", "howto", "howtos", "how_to", "how-to-guides", "howto-guides",
         "how-to-guide", "guides", "guide", "recipes"],
        "how-to",
    ),
    **dict.fromkeys(["reference", "references", "ref", "api", "api-reference"], "reference"),
    **dict.fromkeys(
        ["explanation", "explanations", "topics", "topic", "concepts", "concept", "background",
         "discussion", "discussions", "understanding", "explain"],
        "explanation",
    ),
}  # fmt: skip
_SUFFIXES = {".md", ".rst", ".txt"}
_MIN_CHARS = 300


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled page: its features (every word kept), category and project."""

    path: Path
    project: str
    label: str
    values: dict[str, float]


@dataclass(frozen=True, slots=True)
class Hyper:
    """Training settings (the defaults are what ``weights.json`` is made with)."""

    vocabulary: int = 0
    min_df: int = 4
    min_projects: int = 2
    #: L2 strength of the signals' weights, used when ``l2_grid`` is empty or there are fewer
    #: than three projects to choose from.
    l2: float = 0.03
    #: Candidate L2 strengths: the one with the best leave-one-project-out macro-F1 *within the
    #: training pages* is used (ties go to the stronger), so no held-out page tunes it.
    l2_grid: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1)
    word_l2: float = 0.2
    steps: int = 300
    rate: float = 0.3
    project_balance: float = 0.5
    balance: float = 1.0
    signs: bool = True


def _category(rel: Path) -> tuple[str, str] | None:
    """Return (project, category) for a page at *rel* (relative to its tree), from folder names."""
    folders = rel.parts[:-1]
    for i, name in enumerate(folders):
        category = FOLDER_CATEGORIES.get(name.lower())
        if category is not None:
            project = folders[0] if i > 0 else ""
            return project, category
    return None


def load_tree(roots: Iterable[Path]) -> list[Example]:
    """Read every labelled page under *roots*, in sorted order."""
    examples: list[Example] = []
    for root in sorted(roots):
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in _SUFFIXES or not path.is_file():
                continue
            rel = path.relative_to(root)
            if any(part.startswith((".", "_")) for part in rel.parts[:-1]):
                continue
            found = _category(rel)
            if found is None or path.stem.lower() == "index":
                continue
            if path.stat().st_size < _MIN_CHARS:
                continue
            try:
                page = read_file(path)
            except ReadError:
                continue
            feats = extract(page.blocks)
            examples.append(Example(path, found[0] or root.name, found[1], feats.values))
    return examples


def _select_vocabulary(examples: Sequence[Example], hyper: Hyper) -> list[str]:
    """Choose the words that best tell the categories apart, seen in several projects."""
    per_class = {c: sum(1 for e in examples if e.label == c) for c in CATEGORIES}
    df: dict[str, dict[str, int]] = {}
    projects: dict[str, set[str]] = {}
    for e in examples:
        for key in e.values:
            if key.startswith("w:"):
                df.setdefault(key, dict.fromkeys(CATEGORIES, 0))[e.label] += 1
                projects.setdefault(key, set()).add(e.project)
    n_projects = len({e.project for e in examples})
    need = min(hyper.min_projects, n_projects)
    present = [c for c in CATEGORIES if per_class[c]]
    scored: list[tuple[float, str]] = []
    for key, by_class in df.items():
        if sum(by_class.values()) < hyper.min_df or len(projects[key]) < need:
            continue
        word = key[2:]
        if len(word) < 2 or not word.isascii():  # noqa: PLR2004 - one letter says nothing
            continue
        rates = [(by_class[c] + 0.5) / (per_class[c] + 1.0) for c in present]
        mean = sum(rates) / len(rates)
        # spread of the class-balanced document frequencies, on a log-odds scale
        score = max(abs(math.log(r / (1 - min(r, 0.99))) - math.log(mean / (1 - min(mean, 0.99))))
                    for r in rates) * math.sqrt(mean)  # fmt: skip
        scored.append((-score, key))
    scored.sort()
    return sorted(key for _, key in scored[: hyper.vocabulary])


def _sample_weights(examples: Sequence[Example], labels: list[int], hyper: Hyper) -> list[float]:
    """Class-balanced weights of the pages, each project weighted equally within a class."""
    groups: dict[tuple[int, str], int] = {}
    for e, y in zip(examples, labels, strict=True):
        groups[y, e.project] = groups.get((y, e.project), 0) + 1
    per_class = [labels.count(c) for c in range(len(CATEGORIES))]
    sample = []
    for e, y in zip(examples, labels, strict=True):
        n_groups_in_class = sum(1 for (c, _p) in groups if c == y)
        by_project = 1.0 / (n_groups_in_class * groups[y, e.project])
        by_class = 1.0 / per_class[y]
        mixed = hyper.project_balance * by_project + (1 - hyper.project_balance) * by_class
        # balance classes partly: power 1 weights every class equally, 0 every page equally
        sample.append(mixed * per_class[y] ** (1 - hyper.balance))
    total = sum(sample)
    return [s / total for s in sample]


def _descend(  # noqa: PLR0917 - the training problem, all private
    x: list[list[float]],
    labels: list[int],
    sample: list[float],
    reg: list[float],
    sign: list[list[int]],
    hyper: Hyper,
) -> tuple[list[list[float]], list[float]]:
    """Minimise the weighted softmax loss plus L2 by full-batch Adam; return weights and biases.

    ``sign[c][j]`` is +1 (weight kept >= 0), -1 (kept <= 0) or 0 (free).
    """
    n, d, k = len(x), len(reg), len(CATEGORIES)
    xt = [list(col) for col in zip(*x, strict=True)] if x else [[] for _ in range(d)]
    w = [[0.0] * d for _ in range(k)]
    b = [0.0] * k
    mw = [[0.0] * d for _ in range(k)]
    vw = [[0.0] * d for _ in range(k)]
    mb, vb = [0.0] * k, [0.0] * k
    beta1, beta2, eps, lr = 0.9, 0.999, 1e-8, hyper.rate
    for step in range(1, hyper.steps + 1):
        resid = [[0.0] * n for _ in range(k)]
        for i, row in enumerate(x):
            z = [sum(map(operator.mul, w[c], row)) + b[c] for c in range(k)]
            top = max(z)
            ez = [math.exp(v - top) for v in z]
            s = sum(ez)
            for c in range(k):
                resid[c][i] = sample[i] * (ez[c] / s - (1.0 if labels[i] == c else 0.0))
        c1 = 1 - beta1**step
        c2 = 1 - beta2**step
        for c in range(k):
            rc = resid[c]
            wc, mc, vc, sc = w[c], mw[c], vw[c], sign[c]
            for j in range(d):
                g = sum(map(operator.mul, rc, xt[j])) + reg[j] * wc[j]
                mc[j] = beta1 * mc[j] + (1 - beta1) * g
                vc[j] = beta2 * vc[j] + (1 - beta2) * g * g
                wc[j] -= lr * (mc[j] / c1) / (math.sqrt(vc[j] / c2) + eps)
                if sc[j] * wc[j] < 0:
                    wc[j] = 0.0
            gb = sum(rc)
            mb[c] = beta1 * mb[c] + (1 - beta1) * gb
            vb[c] = beta2 * vb[c] + (1 - beta2) * gb * gb
            b[c] -= lr * (mb[c] / c1) / (math.sqrt(vb[c] / c2) + eps)
    return w, b


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Unweighted mean of per-category F1 over categories present in *gold* or *predicted*."""
    cats = [c for c in CATEGORIES if c in gold or c in predicted]
    if not cats:
        return 0.0
    total = 0.0
    for c in cats:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == c and p != c)
        total += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return total / len(cats)


def _predict(model: dict[str, Any], values: dict[str, float]) -> str:
    """Return the category a trained *model* gives a page with feature *values* (top logit)."""
    names = model["features"]
    best, top = CATEGORIES[0], -math.inf
    for c in CATEGORIES:
        z = model["bias"][c] + sum(
            w * values.get(f, 0.0) for f, w in zip(names, model["weights"][c], strict=True) if w
        )
        if z > top:
            best, top = c, z
    return best


def choose_l2(examples: Sequence[Example], hyper: Hyper) -> float:
    """Pick the L2 strength of ``hyper.l2_grid`` by leaving one training project out in turn.

    Returns ``hyper.l2`` when the grid is empty or the pages come from fewer than three
    projects (leaving one out would leave a single project to learn from).
    """
    projects = sorted({e.project for e in examples})
    if not hyper.l2_grid or len(projects) < 3:  # noqa: PLR2004 - two left to learn from
        return hyper.l2
    scores: list[tuple[float, float]] = []
    for l2 in hyper.l2_grid:
        fixed = replace(hyper, l2=l2, l2_grid=())
        gold: list[str] = []
        pred: list[str] = []
        for project in projects:
            model = fit([e for e in examples if e.project != project], fixed)
            for e in examples:
                if e.project == project:
                    gold.append(e.label)
                    pred.append(_predict(model, e.values))
        scores.append((round(macro_f1(gold, pred), 9), l2))
    return max(scores)[1]


def fit(examples: Sequence[Example], hyper: Hyper | None = None) -> dict[str, Any]:
    """Train the model on *examples*; return the data written to ``weights.json``."""
    hyper_in = hyper
    hyper = hyper or Hyper()
    hyper = replace(hyper, l2=choose_l2(examples, hyper), l2_grid=())
    names = [s.name for s in SIGNALS] + _select_vocabulary(examples, hyper)
    n, d = max(1, len(examples)), len(names)
    raw = [[e.values.get(f, 0.0) for f in names] for e in examples]
    cols = list(zip(*raw, strict=True)) if raw else [() for _ in names]
    mean = [sum(col) / n for col in cols]
    std = [
        math.sqrt(sum((v - m) ** 2 for v in col) / n) or 1.0
        for col, m in zip(cols, mean, strict=True)
    ]
    x = [[(v - m) / s for v, m, s in zip(row, mean, std, strict=True)] for row in raw]
    labels = [CATEGORIES.index(e.label) for e in examples]
    reg = [hyper.word_l2 if f.startswith("w:") else hyper.l2 for f in names]
    # a signal may only push towards the categories it is designed to point to
    favours = {s.name: s.favours for s in SIGNALS} if hyper.signs else {}
    sign = [
        [(1 if cat in favours[f] else -1) if favours.get(f) else 0 for f in names]
        for cat in CATEGORIES
    ]
    w, b = _descend(x, labels, _sample_weights(examples, labels, hyper), reg, sign, hyper)
    # fold the standardisation into the weights, so prediction needs only non-zero features
    weights: dict[str, list[float]] = {}
    bias: dict[str, float] = {}
    for c, cat in enumerate(CATEGORIES):
        wc = [w[c][j] / std[j] for j in range(d)]
        weights[cat] = [float(f"{v:.6g}") for v in wc]
        bias[cat] = float(f"{b[c] - sum(wc[j] * mean[j] for j in range(d)):.6g}")
    return {
        "format": 1,
        "categories": list(CATEGORIES),
        "features": names,
        "weights": weights,
        "bias": bias,
        "mean": [float(f"{m:.6g}") for m in mean],
        "training": {
            "pages": len(examples),
            "per_category": {c: labels.count(i) for i, c in enumerate(CATEGORIES)},
            "projects": sorted({e.project for e in examples}),
            "hyper": {
                "vocabulary": hyper.vocabulary,
                "min_df": hyper.min_df,
                "min_projects": hyper.min_projects,
                "l2": hyper.l2,
                "l2_grid": list((hyper_in or Hyper()).l2_grid),
                "word_l2": hyper.word_l2,
                "steps": hyper.steps,
                "rate": hyper.rate,
            },
        },
    }


def dumps(model: dict[str, Any]) -> str:
    """Serialise *model* the way ``weights.json`` is written (stable key order, compact)."""
    return json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line: train on the given trees and write the weights file."""
    from deployer._fs import write_if_changed  # noqa: PLC0415 - only the CLI writes

    parser = argparse.ArgumentParser(
        prog="python -m tools.audit.train", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "trees", nargs="+", type=Path, help="documentation trees with Diátaxis folders"
    )
    parser.add_argument("--out", type=Path, required=True, help="where to write the weights (JSON)")
    parser.add_argument(
        "--check", action="store_true", help="fail if --out is not what training gives"
    )
    args = parser.parse_args(argv)
    missing = [str(t) for t in args.trees if not t.is_dir()]
    if missing:
        parser.error(f"not a folder: {', '.join(missing)}")
    examples = load_tree(args.trees)
    if len({e.label for e in examples}) < 2:  # noqa: PLR2004
        parser.error(
            "found pages of fewer than two categories; name folders"
            " tutorials/, how-to/, reference/, explanation/"
        )
    text = dumps(fit(examples))
    out: Path = args.out
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else ""
        if current != text:
            sys.stderr.write(
                f"{out} is not what training on these trees gives; run without --check\n"
            )
            return 1
        return 0
    changed = write_if_changed(out, text)
    counts = {c: sum(1 for e in examples if e.label == c) for c in CATEGORIES}
    state = "written" if changed else "unchanged"
    sys.stdout.write(f"{out}: {state} ({len(examples)} pages: {counts})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
