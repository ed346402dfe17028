"""``python -m tools.new_page``: pages of each kind, in the right folder and toctree, that build."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from docs_console import ConsoleBlock, FileBlock, PageRun

from deployer.errors import UsageError
from tools.new_page import add_to_toctree, create_page, render_page, slugify
from tools.new_page.__main__ import main
from tools.quickstart import create_site

ROOT = Path(__file__).resolve().parents[1]
HAS_AUDIT = (ROOT / "tools" / "audit" / "__main__.py").is_file()

TITLES = {
    "tutorial": "Your first field notes",
    "how-to": "How to rotate a secret",
    "reference": "Values file fields",
    "explanation": "Why staging hubs go first",
}
FILES = {
    "tutorial": "tutorials/your-first-field-notes.md",
    "how-to": "how-to/rotate-a-secret.md",
    "reference": "reference/values-file-fields.md",
    "explanation": "explanation/why-staging-hubs-go-first.md",
}


@pytest.fixture
def site(tmp_path):
    """A fresh quickstart site; its docs folder is where the pages go."""
    return create_site(tmp_path / "site", project="Field Guide", audit_source="").root


@pytest.mark.docs_build
def test_pages_of_every_kind_keep_the_site_building_with_no_warning(site, capsys):
    docs = site / "docs"
    for kind, title in TITLES.items():
        assert main([kind, title, "--docs", str(docs)]) == 0
    out = capsys.readouterr().out
    for kind, name in FILES.items():
        assert f"Wrote {docs / name}\n" in out, kind
    html = site / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "-q", str(docs), str(html)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    for name in FILES.values():
        section, page = name.split("/")
        built = page.replace(".md", ".html")
        assert (html / section / built).is_file()
        assert f'href="{built}"' in (html / section / "index.html").read_text()


def test_the_page_goes_into_its_folder_and_toctree(site, capsys):
    docs = site / "docs"
    assert main(["how-to", "How to rotate a secret", "--docs", str(docs)]) == 0
    assert capsys.readouterr().out == (
        f"Wrote {docs / 'how-to/rotate-a-secret.md'}\n"
        f"Added rotate-a-secret to the toctree of {docs / 'how-to/index.md'}\n"
    )
    index = (docs / "how-to/index.md").read_text()
    assert index.endswith(
        "```{toctree}\n:maxdepth: 1\n\npreview-while-writing\nrotate-a-secret\n```\n"
    )
    page = (docs / "how-to/rotate-a-secret.md").read_text()
    assert page.startswith("(how-to-rotate-a-secret)=\n# How to rotate a secret\n")
    assert "This guide shows how to rotate a secret." in page


def test_an_existing_page_is_never_overwritten(site, capsys):
    docs = site / "docs"
    page = docs / "how-to/rotate-a-secret.md"
    page.write_text("# Mine\n")
    index_before = (docs / "how-to/index.md").read_text()
    assert main(["how-to", "Rotate a secret", "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert (
        err
        == f"error: {page} already exists; it was left as it is (choose another title or edit it)\n"
    )
    assert page.read_text() == "# Mine\n"
    assert (docs / "how-to/index.md").read_text() == index_before


def test_a_folder_without_the_section_index_is_refused(tmp_path, capsys):
    assert main(["reference", "Fields", "--docs", str(tmp_path)]) == 1
    assert "reference/index.md does not exist" in capsys.readouterr().err
    assert not any(tmp_path.rglob("*.md"))


def test_an_unknown_kind_is_a_usage_error(site, capsys):
    assert main(["novel", "A story", "--docs", str(site / "docs")]) == 2
    assert capsys.readouterr().err == (
        "error: unknown kind of page 'novel': use one of tutorial, how-to, reference, explanation\n"
    )


def test_kind_aliases(site):
    page = create_page(site / "docs", "howto", "Check the links")
    assert page.path == site / "docs/how-to/check-the-links.md"


@pytest.mark.parametrize(
    ("title", "kind", "slug"),
    [
        ("How to add a hub", "how-to", "add-a-hub"),
        ("How to add a hub", "explanation", "how-to-add-a-hub"),
        ("Diátaxis and the audit", "explanation", "diataxis-and-the-audit"),
        ("  Re-use: values/files (v2)!  ", "reference", "re-use-values-files-v2"),
        ("word " * 30, "reference", "-".join(["word"] * 12)),
        ("Change a hub's image", "how-to", "change-a-hubs-image"),
        ("Change a hub\u2019s image", "how-to", "change-a-hubs-image"),
        ("The planner's 'rules'", "reference", "the-planners-rules"),
    ],
)
def test_slugify(title, kind, slug):
    assert slugify(title, kind) == slug


@pytest.mark.parametrize("title", ["", "   ", "!!!", "How to"])
def test_a_title_without_letters_is_refused(title):
    with pytest.raises(UsageError):
        render_page("how-to", title)


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        (
            "# S\n\n```{toctree}\n:maxdepth: 1\n\na\n```\n",
            "# S\n\n```{toctree}\n:maxdepth: 1\n\na\nnew\n```\n",
        ),
        ("# S\n\n```{toctree}\n:hidden:\n```\n", "# S\n\n```{toctree}\n:hidden:\n\nnew\n```\n"),
        ("# S\n\nText.\n", "# S\n\nText.\n\n```{toctree}\n:maxdepth: 1\n\nnew\n```\n"),
        ("::::{toctree}\na\n::::\nAfter.\n", "::::{toctree}\na\nnew\n::::\nAfter.\n"),
        ("- x\n\n  ```{toctree}\n  a\n  ```\n", "- x\n\n  ```{toctree}\n  a\n  new\n  ```\n"),
        ("```{toctree}\n:glob:\n\n*\n```\n", None),
        ("```{toctree}\n:glob:\n\nn*\n```\n", None),
        ("```{toctree}\nnew\n```\n", None),
        ("```{toctree}\nA new page <new>\n```\n", None),
        ("```{toctree}\nn*\n```\n", "```{toctree}\nn*\nnew\n```\n"),
    ],
)
def test_add_to_toctree(index, expected):
    assert add_to_toctree(index, "new") == expected


def test_the_real_docs_list_a_new_page_of_every_kind(tmp_path):
    """On a copy of this project's docs, each new page ends up in its section's toctree."""
    if not all(
        (ROOT / "docs" / folder / "index.md").is_file()
        for folder in ("tutorials", "how-to", "reference", "explanation")
    ):
        pytest.skip("the docs sections of this project are not all there yet")
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("_build", "generated"))
    for kind, title in TITLES.items():
        page = create_page(docs, kind, title)
        assert page.path == docs / FILES[kind]
        assert add_to_toctree(page.index.read_text(), page.entry) is None


def test_each_template_models_its_kind():
    tutorial = render_page("tutorial", "Your first field notes")
    assert "In this tutorial we will" in tutorial
    steps = re.findall(r"^## (\d+)\. ", tutorial, flags=re.MULTILINE)
    assert steps == ["1", "2", "3", "4"]
    assert tutorial.count("```console\n$ ") == 4
    for marker in ("% file: notes.txt\n```text\n", "% expect-exit: 1\n```console\n"):
        assert marker in tutorial
    assert "\n## What we did\n" in tutorial

    how_to = render_page("how-to", "How to rotate a secret")
    for heading in ("## Check the prerequisites", "## Follow the steps", "## Related"):
        assert f"\n{heading}\n" in how_to
    assert re.findall(r"^\d\. To ", how_to, flags=re.MULTILINE) == [
        "1. To ",
        "2. To ",
        "3. To ",
        "4. To ",
    ]
    assert "{doc}`/reference/index`" in how_to

    reference = render_page("reference", "Values file fields")
    assert "| Name | Type | Default | Description |" in reference
    assert "we " not in reference.lower().replace("\n", " ")

    explanation = render_page("explanation", "Why staging hubs go first")
    for heading in (
        "## Background",
        "## Why it works this way",
        "## What else was possible",
        "## What follows from the choice",
    ):
        assert f"\n{heading}\n" in explanation
    assert "```console" not in explanation


def test_the_tutorial_and_how_to_templates_run_as_written(tmp_path):
    """The console steps a template ships pass the console evaluator unchanged."""
    project = tmp_path / "project"
    (project / "docs" / "tutorials").mkdir(parents=True)
    for kind in ("tutorial", "how-to"):
        page = project / "docs" / "tutorials" / f"{kind}.md"
        page.write_text(render_page(kind, TITLES[kind]))
        run = PageRun(page, project, tmp_path / kind)
        outcomes = run.run_all()
        assert outcomes, kind
        assert {outcome.status for outcome in outcomes} == {"passed"}, outcomes
        kinds = {type(example.parsed) for example in run.examples}
        assert kinds == ({ConsoleBlock, FileBlock} if kind == "tutorial" else {ConsoleBlock})


@pytest.mark.skipif(not HAS_AUDIT, reason="the Diátaxis audit (tools/audit) is not there yet")
def test_pages_of_every_kind_read_as_their_kind(site):
    """The audit reads every template page as its own kind, with nothing to fix.

    Several titles per kind (with and without "How to", with an apostrophe),
    so that a template does not pass by the luck of one title.
    """
    docs = site / "docs"
    titles = [
        *TITLES.items(),
        ("tutorial", "Deploy your first hub"),
        ("how-to", "Add a staging hub"),
        ("how-to", "Change a hub's image"),
        ("how-to", "How to check the links"),
        ("reference", "Planner rules"),
        ("explanation", "Canary deployments"),
    ]
    created = {create_page(docs, kind, title).path: kind for kind, title in titles}
    options = ["--no-schemas", "--no-cli", "--no-gaps", "--format", "json"]
    result = subprocess.run(
        [sys.executable, "-m", "tools.audit", *map(str, created), *options],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    pages = json.loads(result.stdout)["pages"]
    read = {page["path"]: (page["predicted"], page["verdict"]) for page in pages}
    expected = {str(path): (kind, "ok") for path, kind in created.items()}
    assert read == expected


def test_pages_started_at_the_same_time_all_reach_the_toctree(site):
    titles = [f"Rotate secret number {i}" for i in range(8)]
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "tools.new_page", "how-to", title, "--docs", str(site / "docs")],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for title in titles
    ]
    errors = [run.communicate(timeout=60)[1] for run in runs]
    assert [run.returncode for run in runs] == [0] * 8, errors
    index = (site / "docs" / "how-to" / "index.md").read_text(encoding="utf-8")
    for i in range(8):
        assert f"\nrotate-secret-number-{i}\n" in index


@pytest.mark.parametrize("title", ["Fix \udcff thing", "Fix\tthing", "Fix\x1bthing"])
def test_a_title_that_is_not_plain_text_is_refused(site, capsys, title):
    assert main(["how-to", title, "--docs", str(site / "docs")]) == 2
    err = capsys.readouterr().err
    assert "not UTF-8 text, or control characters" in err
    assert not list((site / "docs" / "how-to").glob("fix*"))
