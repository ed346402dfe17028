"""Measure the page classifier by leaving one project out.

Usage::

    python -m tools.audit.evaluate CORPUS [CORPUS ...]

For every project in the labelled trees (see :mod:`tools.audit.train`), the
model is trained on the other projects and tested on this one.  The table
(Markdown) gives accuracy and macro-F1 per fold, overall figures pooled over
every fold's predictions, the mean of the folds' macro-F1, and the pooled
confusion matrix.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tools.audit._classify import CATEGORIES, Model, classify_page
from tools.audit._reader import read_file
from tools.audit.train import Example, Hyper, fit, load_tree, macro_f1

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["Fold", "Report", "leave_one_project_out", "macro_f1", "main"]


@dataclass(frozen=True, slots=True)
class Fold:
    """The predictions on one held-out project."""

    project: str
    gold: tuple[str, ...]
    predicted: tuple[str, ...]

    @property
    def accuracy(self) -> float:
        """Share of pages predicted right."""
        hits = sum(g == p for g, p in zip(self.gold, self.predicted, strict=True))
        return hits / len(self.gold) if self.gold else 0.0

    @property
    def macro_f1(self) -> float:
        """Macro-F1 over the categories present in gold or predictions."""
        return macro_f1(self.gold, self.predicted)


@dataclass(frozen=True, slots=True)
class Report:
    """Every fold, and the figures pooled over all of them."""

    folds: tuple[Fold, ...]

    @property
    def pooled(self) -> Fold:
        """All folds' predictions together."""
        gold = tuple(g for f in self.folds for g in f.gold)
        pred = tuple(p for f in self.folds for p in f.predicted)
        return Fold("overall", gold, pred)

    @property
    def mean_fold_f1(self) -> float:
        """Mean of the folds' macro-F1."""
        return sum(f.macro_f1 for f in self.folds) / len(self.folds) if self.folds else 0.0

    def markdown(self) -> str:
        """Render the report as Markdown tables."""
        lines = [
            "| held-out project | pages | accuracy | macro-F1 |",
            "|---|---:|---:|---:|",
        ]
        lines.extend(
            f"| {f.project} | {len(f.gold)} | {f.accuracy:.3f} | {f.macro_f1:.3f} |"
            for f in self.folds
        )
        p = self.pooled
        lines.append(
            f"| **overall (pooled)** | {len(p.gold)} | {p.accuracy:.3f} | {p.macro_f1:.3f} |"
        )
        lines.append(f"| mean of folds | | | {self.mean_fold_f1:.3f} |")
        lines += ["", "| gold \\ predicted | " + " | ".join(CATEGORIES) + " |"]
        lines.append("|---|" + "---:|" * len(CATEGORIES))
        for g in CATEGORIES:
            row = [
                sum(1 for a, b in zip(p.gold, p.predicted, strict=True) if a == g and b == c)
                for c in CATEGORIES
            ]
            lines.append(f"| {g} | " + " | ".join(str(x) for x in row) + " |")
        return "\n".join(lines) + "\n"


def _predict(model: Model, examples: Sequence[Example]) -> tuple[str, ...]:
    out = []
    for e in examples:
        page = read_file(e.path)
        out.append(classify_page(page, model=model).predicted)
    return tuple(out)


def leave_one_project_out(examples: Sequence[Example], hyper: Hyper | None = None) -> Report:
    """Train without each project in turn and predict its pages."""
    folds = []
    for project in sorted({e.project for e in examples}):
        train = [e for e in examples if e.project != project]
        test = [e for e in examples if e.project == project]
        model = Model.from_data(fit(train, hyper))
        folds.append(Fold(project, tuple(e.label for e in test), _predict(model, test)))
    return Report(tuple(folds))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line: print the leave-one-project-out table."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.audit.evaluate", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "corpus", nargs="+", type=Path, help="labelled trees (folders give categories)"
    )
    args = parser.parse_args(argv)
    missing = [str(t) for t in args.corpus if not t.is_dir()]
    if missing:
        parser.error(f"not a folder: {', '.join(missing)}")
    examples = load_tree(args.corpus)
    if len({e.project for e in examples}) < 2:  # noqa: PLR2004
        parser.error("leaving one project out needs pages from at least two projects")
    sys.stdout.write(leave_one_project_out(examples).markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
