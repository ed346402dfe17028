"""Accuracy and reproducibility of the page classifier on the labelled Diátaxis corpus.

The corpus lives outside the repository (``../shared/diataxis-corpus`` next to
it, or wherever ``DIATAXIS_CORPUS`` points); these tests read the named subset
``CORPUS_PROJECTS`` of it (see ``conftest.py``) and are skipped with a reason
where it is absent.  They also cover ``tools/audit/train.py`` and
``tools/audit/evaluate.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.audit._classify import CATEGORIES
from tools.audit.evaluate import Fold, leave_one_project_out, macro_f1
from tools.audit.evaluate import main as evaluate_main
from tools.audit.train import FOLDER_CATEGORIES, Example, dumps, fit, load_tree
from tools.audit.train import main as train_main

REPO = Path(__file__).resolve().parents[1]
WEIGHTS = REPO / "tools" / "audit" / "weights.json"
#: The floor the leave-one-project-out pooled macro-F1 must not fall below.
MIN_POOLED_MACRO_F1 = 0.75


@pytest.fixture(scope="module")
def examples(corpus_projects: list[Path]) -> list[Example]:
    return load_tree(corpus_projects)


@pytest.mark.corpus
def test_leave_one_project_out_macro_f1_does_not_fall(examples: list[Example]) -> None:
    report = leave_one_project_out(examples)
    pooled = report.pooled
    print(report.markdown())  # noqa: T201 - shown by pytest -s and on failure
    assert len(report.folds) == 4
    assert pooled.macro_f1 >= MIN_POOLED_MACRO_F1, report.markdown()


@pytest.mark.corpus
def test_weights_file_is_what_training_on_the_corpus_gives(examples: list[Example]) -> None:
    """weights.json is reproducible: retraining gives the same bytes."""
    assert dumps(fit(examples)) == WEIGHTS.read_text(encoding="utf-8"), (
        "tools/audit/weights.json is stale: run"
        " python -m tools.audit.train ../shared/diataxis-corpus/{2i2c-infrastructure,jupyterhub,"
        "multipass,sphinx} --out tools/audit/weights.json"
    )


@pytest.mark.corpus
def test_training_reads_labels_from_folders_only(examples: list[Example]) -> None:
    counts = {c: sum(1 for e in examples if e.label == c) for c in CATEGORIES}
    assert counts == {"tutorial": 25, "how-to": 101, "reference": 90, "explanation": 49}
    assert {e.project for e in examples} == {
        "2i2c-infrastructure",
        "jupyterhub",
        "multipass",
        "sphinx",
    }


def test_training_recognises_common_folder_names(tmp_path: Path) -> None:
    """Any docs tree whose folders name the categories can be trained on."""
    body = "Some prose that is long enough to be a page. " * 10
    pages = {
        "docs/tutorials/first.md": "# Your first hub\n\nIn this tutorial we will build a hub.\n",
        "docs/how-to-guides/rotate.md": "# How to rotate a token\n\n1. Run `x`.\n",
        "docs/reference/config.rst": "Config\n======\n\n:name: the name\n",
        "docs/topics/why.md": "# Why\n\nBecause it matters.\n",
        "docs/index.md": "# Index\n",
        "docs/other/page.md": "# Other\n",
    }
    for rel, text in pages.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + body, encoding="utf-8")
    found = {
        e.path.relative_to(tmp_path).as_posix(): (e.label, e.project) for e in load_tree([tmp_path])
    }
    assert found == {
        "docs/tutorials/first.md": ("tutorial", "docs"),
        "docs/how-to-guides/rotate.md": ("how-to", "docs"),
        "docs/reference/config.rst": ("reference", "docs"),
        "docs/topics/why.md": ("explanation", "docs"),
    }
    assert FOLDER_CATEGORIES["howto"] == "how-to"
    out = tmp_path / "weights.json"
    assert train_main([str(tmp_path), "--out", str(out)]) == 0
    assert train_main([str(tmp_path), "--out", str(out), "--check"]) == 0
    out.write_text("{}", encoding="utf-8")
    assert train_main([str(tmp_path), "--out", str(out), "--check"]) == 1


def test_macro_f1_and_fold_figures() -> None:
    fold = Fold(
        "p",
        ("tutorial", "how-to", "how-to", "reference"),
        ("tutorial", "how-to", "reference", "reference"),
    )
    assert fold.accuracy == 0.75
    # tutorial 1.0, how-to 2/3, reference 2/3
    assert fold.macro_f1 == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)
    assert macro_f1([], []) == 0.0


def test_evaluate_needs_two_projects(tmp_path: Path) -> None:
    (tmp_path / "how-to").mkdir()
    (tmp_path / "how-to" / "a.md").write_text("# How to\n\n" + "Run it. " * 60, encoding="utf-8")
    with pytest.raises(SystemExit):
        evaluate_main([str(tmp_path)])
