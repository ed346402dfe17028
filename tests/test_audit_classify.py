"""Tests of the page classifier (tools/audit/_classify.py and _features.py)."""

from __future__ import annotations

import json
import math
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.audit import _features
from tools.audit._classify import (
    CATEGORIES,
    SIGNALS,
    Classification,
    classify_blocks,
    classify_page,
    classify_runs,
    load_model,
)
from tools.audit._features import FEATURES, extract
from tools.audit._reader import read_file, read_text

WEIGHTS = Path(__file__).resolve().parents[1] / "tools" / "audit" / "weights.json"


HOWTO = """
# How to rotate the hub's API token

Use this guide when a token has leaked or expires soon.

1. Generate a new token:

   ```console
   $ openssl rand -hex 32
   ```

2. Edit `config/clusters/uk/enc-staging.secret.values.yaml` and replace the old value.
3. Deploy the hub:

   ```console
   $ deployer deploy uk staging
   ```

4. Check that users can still log in.

If the deploy fails, run `deployer validate` and fix the errors it lists.
"""

REFERENCE = """
# `cluster.yaml`

| Key | Type | Default | Description |
|-----|------|---------|-------------|
| `name` | string | required | Name of the cluster; equals the folder name. |
| `provider` | string | required | One of `gcp`, `aws`, `azure`, `kubeconfig`. |
| `hubs` | list | `[]` | The hubs deployed on this cluster. |

## `hubs[].stage`

Type: string. Possible values: `staging`, `prod`. Default: none (required).

## `hubs[].domain`

Type: string. Must be unique across all clusters.
"""

EXPLANATION = """
# Why staging hubs are upgraded before production hubs

A change to a chart can break a hub in ways that no validation catches, because
the failure often depends on the data and the users of that hub. Historically,
operators upgraded every hub at once, and a single bad release could therefore
interrupt teaching for thousands of people at the same time.

Upgrading a staging hub first is a trade-off. It makes every deploy slower, but
it turns most failures into a problem for a handful of operators rather than for
every user. The idea is similar to a canary in a coal mine: the staging hub
usually fails first, and its failure is cheap.

However, a staging hub is only useful if it resembles production. This is why
the configuration of staging and production hubs shares most of its files.
"""

TUTORIAL = """
# Your first hub

In this tutorial we will deploy a first hub together, step by step. By the end,
you will have a running hub and you will know how the deployer works.

## Install the deployer

First, let's install the deployer:

```console
$ pip install hub-deployer
Successfully installed hub-deployer-0.1.0
```

You should see the version that was installed. Now let's check it works:

```console
$ deployer --version
deployer 0.1.0
```

## Describe your cluster

Next, we create a folder for our cluster. Let's call it `tutorial-cluster`. As
before, run the command and look at its output:

```console
$ deployer new-cluster tutorial-cluster
Created config/clusters/tutorial-cluster/cluster.yaml
```

Congratulations! You have now described your first cluster. In the next section
we will add a hub to it.
"""


def md(text: str) -> Classification:
    return classify_page(read_text(textwrap.dedent(text), fmt="md"))


def _check(result: Classification) -> None:
    assert result.predicted in CATEGORIES
    assert set(result.scores) == set(CATEGORIES)
    assert math.isclose(sum(result.scores.values()), 1.0, abs_tol=1e-3)
    assert all(0.0 <= p <= 1.0 for p in result.scores.values())
    ranked = sorted(result.scores.values(), reverse=True)
    assert result.scores[result.predicted] == ranked[0]
    assert math.isclose(result.confidence, ranked[0] - ranked[1], abs_tol=1e-3)
    p = result.scores
    cognition = p["reference"] + p["explanation"] - p["tutorial"] - p["how-to"]
    application = p["how-to"] + p["reference"] - p["tutorial"] - p["explanation"]
    assert math.isclose(result.axes[0], cognition, abs_tol=2e-3)
    assert math.isclose(result.axes[1], application, abs_tol=2e-3)
    assert 2 <= len(result.reasons) <= 5
    assert all(isinstance(r, str) and r for r in result.reasons)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HOWTO, "how-to"),
        (REFERENCE, "reference"),
        (EXPLANATION, "explanation"),
        (TUTORIAL, "tutorial"),
    ],
    ids=["how-to", "reference", "explanation", "tutorial"],
)
def test_clear_pages_are_classified_as_what_they_are(text: str, expected: str) -> None:
    result = md(text)
    _check(result)
    assert result.predicted == expected, result


def test_axes_place_each_category_in_its_quadrant() -> None:
    """Tutorial: action + study; how-to: action + work; reference: cognition + work.

    Explanation: cognition + study.
    """
    signs = {"tutorial": (-1, -1), "how-to": (-1, 1), "reference": (1, 1), "explanation": (1, -1)}
    for text, cat in [
        (HOWTO, "how-to"),
        (REFERENCE, "reference"),
        (EXPLANATION, "explanation"),
        (TUTORIAL, "tutorial"),
    ]:
        axes = md(text).axes
        assert (math.copysign(1, axes[0]), math.copysign(1, axes[1])) == signs[cat], (cat, axes)


def test_reasons_name_signals_a_writer_recognises() -> None:
    reasons = " ".join(md(HOWTO).reasons)
    assert re.search(r"numbered steps|command|instruction|How to", reasons), reasons


def test_short_sections_get_less_confident_than_whole_pages() -> None:
    page = read_text(textwrap.dedent(EXPLANATION), fmt="md")
    whole = classify_blocks(page.blocks)
    short = classify_blocks(page.blocks[:2])
    _check(whole)
    _check(short)
    assert short.confidence < whole.confidence


def test_empty_input_gives_a_valid_uncertain_result() -> None:
    result = classify_blocks(())
    _check(result)
    assert result.confidence < 0.5


# --------------------------------------------------------------------------- leakage

_MYST_LABEL = re.compile(r"^\(([^()\s]+)\)=", re.MULTILINE)
_RST_LABEL = re.compile(r"^([ \t]*)\.\. _([^:`]+):[ \t]*$", re.MULTILINE)
_MD_TARGET = re.compile(r"\]\(([^)\s]+)\)")
_ROLE = re.compile(r"(?<![\w`])(\{(?:ref|doc|numref)\}|:(?:ref|doc|numref):)`([^`<]+)`")
_ROLE_TARGET = re.compile(
    r"(\{(?:ref|doc)\}`[^`<]*|:(?:ref|doc):`[^`<]*|(?<![`:}])`[^`<]*)<([^<>`]+)>`_?"
)
_FRONT = re.compile(r"\A---\n")


def _mislead(text: str, fmt: str, category: str) -> str:
    """Rename every anchor, label, link target and declared category to point at *category*."""
    folder = {
        "tutorial": "tutorials",
        "how-to": "how-to",
        "reference": "reference",
        "explanation": "explanation",
    }[category]
    text = _MYST_LABEL.sub(lambda m: f"({category}-{m.group(1)})=", text)
    text = _RST_LABEL.sub(lambda m: f"{m.group(1)}.. _{category}-{m.group(2)}:", text)
    text = _MD_TARGET.sub(lambda m: f"](../{folder}/{m.group(1).rsplit('/', 1)[-1]})", text)
    text = _ROLE.sub(lambda m: f"{m.group(1)}`{category}-{m.group(2)}`", text)
    text = _ROLE_TARGET.sub(
        lambda m: (
            m.group(0)
            if m.group(0)[-1] != "_" and m.group(1)[0] == "`"
            else f"{m.group(1)}<{folder}/{m.group(2)}>`{'_' if m.group(0)[-1] == '_' else ''}"
        ),
        text,
    )
    if fmt == "md":
        if _FRONT.match(text):
            text = _FRONT.sub(f"---\ndiataxis: {category}\ncategory: {category}\n", text, count=1)
        else:
            text = f"---\ndiataxis: {category}\n---\n{text}"
    return text


LEAKY = """
(howto-rotate)=
# Rotate a token

See {ref}`howto-other`, {doc}`the guide <../how-to/guide>` and
[the reference](../reference/config.md).

```{toctree}
how-to/one
```

1. Run `make`.
"""


@pytest.mark.parametrize("category", CATEGORIES)
def test_prediction_ignores_anchors_links_toctree_and_front_matter(category: str) -> None:
    base = classify_page(read_text(LEAKY, fmt="md"))
    misled_text = _mislead(LEAKY, "md", category).replace("how-to/one", f"{category}/one")
    misled = classify_page(read_text(misled_text, fmt="md"))
    assert misled_text != LEAKY
    assert misled == base


@pytest.mark.corpus
def test_corpus_predictions_ignore_anchors_links_and_front_matter(
    corpus_projects: list[Path],
) -> None:
    """On every corpus page, pointing anchors and link targets elsewhere changes nothing."""
    pages = sorted(p for f in corpus_projects for p in f.rglob("*") if p.suffix in {".md", ".rst"})
    assert pages
    changed = 0
    for path in pages:
        text = path.read_text(encoding="utf-8")
        fmt = path.suffix[1:]
        base = classify_page(read_text(text, fmt=fmt))
        for category in CATEGORIES:
            misled_text = _mislead(text, fmt, category)
            changed += misled_text != text
            assert classify_page(read_text(misled_text, fmt=fmt)) == base, (path, category)
    assert changed > len(pages)


# --------------------------------------------------------------------------- robustness


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400
    )
    | st.lists(
        st.sampled_from(
            ["# How to", "1. Run", "```console\n$ x\n```", "| a | b |", "because", "you",
             ".. note::",
             ":param x: y", "we", "let's", "\n", "   ", "Why?", "## Why", "::", "`code`", "default"]
        ),
        max_size=50,
    ).map(" ".join),
    fmt=st.sampled_from(["md", "rst", "txt"]),
)  # fmt: skip
def test_any_text_gives_valid_probabilities(text: str, fmt: str) -> None:
    page = read_text(text, fmt=fmt)
    _check(classify_page(page))
    for section in page.sections:
        _check(classify_blocks(section.blocks, section.title))


# --------------------------------------------------------------------------- weights and signals


def test_weights_file_is_small_and_matches_the_signals() -> None:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert WEIGHTS.stat().st_size < 300_000
    assert data["categories"] == list(CATEGORIES)
    names = {s.name for s in SIGNALS}
    hand = [f for f in data["features"] if not f.startswith(("w:", "h:"))]
    assert set(hand) == names
    for c in CATEGORIES:
        assert len(data["weights"][c]) == len(data["features"])


def test_signals_are_documented() -> None:
    assert len({s.name for s in SIGNALS}) == len(SIGNALS)
    for s in SIGNALS:
        assert set(s.favours) <= set(CATEGORIES)
        assert s.measures
        assert "{" not in s.reason.replace("{n}", "").replace("{pct}", "")


def test_learned_weights_point_where_each_signal_is_designed_to() -> None:
    """A signal never counts against the categories it favours, nor for the others."""
    model = load_model()
    for s in SIGNALS:
        if not s.favours:
            continue
        for c in CATEGORIES:
            w = model.weights[c].get(s.name, 0.0)
            assert (w >= 0) if c in s.favours else (w <= 0), (s.name, c, w)


def test_model_is_loaded_once() -> None:
    assert load_model() is load_model()


@pytest.mark.corpus
def test_every_corpus_page_gets_a_valid_classification(corpus_projects: list[Path]) -> None:
    for path in sorted(
        p for f in corpus_projects for p in f.rglob("*") if p.suffix in {".md", ".rst"}
    ):
        _check(classify_page(read_file(path)))


# --------------------------------------------------------------------- how features are counted


def test_feature_vector_holds_every_signal_once_in_a_fixed_order() -> None:

    assert len(FEATURES) == len(set(FEATURES))
    assert set(FEATURES) == {s.name for s in SIGNALS}
    page = read_text(HOWTO, fmt="md")
    features = extract(page.blocks)
    assert len(features.vector) == len(FEATURES)
    assert list(features.values)[: len(FEATURES)] == list(FEATURES)


def test_sections_read_from_their_runs_as_from_their_blocks() -> None:

    for text in (HOWTO, REFERENCE, EXPLANATION, TUTORIAL):
        page = read_text(text, fmt="md")
        runs = [s.blocks for s in page.sections]
        joined = [b for run in runs for b in run]
        assert classify_runs(runs, "Title") == classify_blocks(joined, "Title")


def _phrase_counts_by_hand(words: list[str], families: dict[str, tuple[str, ...]]) -> list[int]:
    """Count phrases the plain way: a word or pair at every place, longer phrases in the text."""
    text = f" {' '.join(words)} "
    out = []
    for phrases in families.values():
        n = 0
        for phrase in phrases:
            parts = phrase.split()
            if len(parts) == 1:
                n += words.count(phrase)
            elif len(parts) == 2:
                n += sum(words[i : i + 2] == parts for i in range(len(words)))
            else:
                n += text.count(f" {phrase} ")
        out.append(n)
    return out


_PHRASES = sorted({p for phrases in _features._PHRASES.values() for p in phrases})  # noqa: SLF001
#: Text made of phrases (some said several times in a row) and single words from them.
_PHRASE_TEXT = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(_PHRASES), st.integers(1, 3)).map(
            lambda pair: (pair[0] + " ") * pair[1]
        ),
        st.sampled_from([w for p in _PHRASES for w in p.split()] + ["x", "the"]),
    ),
    max_size=12,
).map(lambda parts: " ".join(parts).split())


@settings(max_examples=400, deadline=None)
@given(_PHRASE_TEXT)
def test_phrases_are_counted_as_the_plain_way_counts_them(words: list[str]) -> None:
    counts = {w: words.count(w) for w in words}
    found = _features._phrase_counts(words, counts)  # noqa: SLF001 - the counting itself
    assert found == _phrase_counts_by_hand(words, _features._PHRASES)  # noqa: SLF001
