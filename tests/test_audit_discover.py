"""Finding pages and trees (tools.audit._discover) and their declared category (_declared)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from tools.audit._declared import declared_category, normalise_category
from tools.audit._discover import changed_files, discover, find_tree
from tools.audit._errors import AuditUsageError

DATA = Path(__file__).parent / "data" / "audit"


def write(path: Path, text: str = "# Page\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- trees


def test_a_folder_with_conf_py_is_a_sphinx_tree():
    tree = find_tree(DATA / "sphinx-md")
    assert tree.sphinx
    assert tree.root == (DATA / "sphinx-md").absolute()
    assert tree.root_doc == "index"
    assert tree.exclude_patterns == ("_build",)


def test_a_page_or_subfolder_belongs_to_the_sphinx_project_above_it():
    """Auditing docs/how-to or one page still judges the whole Sphinx project's gaps."""
    assert find_tree(DATA / "sphinx-md" / "how-to").root == (DATA / "sphinx-md").absolute()
    page = DATA / "sphinx-md" / "how-to" / "rotate-keys.md"
    assert find_tree(page).root == (DATA / "sphinx-md").absolute()


def test_a_plain_folder_is_its_own_tree_and_a_lone_file_a_tree_of_one(tmp_path):
    (tmp_path / ".git").mkdir()  # stop the search for conf.py here
    write(tmp_path / "docs" / "guide.md")
    tree = find_tree(tmp_path / "docs")
    assert not tree.sphinx
    assert tree.root == tmp_path / "docs"
    single = find_tree(tmp_path / "docs" / "guide.md")
    assert single.only == (tmp_path / "docs" / "guide.md",)
    assert [s.docname for s in discover(single)] == ["guide"]


def test_conf_py_values_are_read_without_running_it(tmp_path):
    (tmp_path / ".git").mkdir()
    write(
        tmp_path / "conf.py",
        'import sys\nsys.exit("never run")\nroot_doc = "start"\n'
        'exclude_patterns = ["drafts/*", "old"]\nextensions = ["myst_parser"]\n',
    )
    write(tmp_path / "start.md")
    write(tmp_path / "drafts" / "a.md")
    write(tmp_path / "old" / "b.md")
    write(tmp_path / "kept.md")
    tree = find_tree(tmp_path)
    assert tree.root_doc == "start"
    assert [s.docname for s in discover(tree)] == ["kept", "start"]


@pytest.mark.parametrize(
    ("conf", "pages"),
    [
        ("", ["a"]),
        ('extensions = ["myst_parser"]\n', ["a", "b"]),
        ('source_suffix = {".md": "markdown", ".txt": "restructuredtext"}\n', ["b", "c"]),
        ('source_suffix = ".txt"\n', ["c"]),
    ],
    ids=["sphinx-default", "myst", "dict", "string"],
)
def test_a_sphinx_tree_reads_only_its_source_suffixes(tmp_path, conf, pages):
    (tmp_path / ".git").mkdir()
    write(tmp_path / "conf.py", conf)
    for name in ["a.rst", "b.md", "c.txt"]:
        write(tmp_path / name)
    assert [s.docname for s in discover(find_tree(tmp_path))] == pages


def test_a_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(AuditUsageError, match="no such file or folder"):
        find_tree(tmp_path / "nope")


# --------------------------------------------------------------------------- discovery


def test_discovery_finds_md_rst_and_txt_and_skips_build_output(tmp_path):
    (tmp_path / ".git").mkdir()
    for name in [
        "a.md",
        "b.rst",
        "c.txt",
        "deep/er/d.md",
        "_build/html/x.md",
        ".hidden/y.md",
        "node_modules/z.md",
        "_static/s.md",
        "requirements.txt",
        "picture.png",
        "build.py",
    ]:
        write(tmp_path / name)
    found = discover(find_tree(tmp_path))
    assert [str(s.rel) for s in found] == ["a.md", "b.rst", "c.txt", "deep/er/d.md"]
    assert [s.fmt for s in found] == ["md", "rst", "txt", "md"]


def test_discovery_of_the_fixture_tree():
    found = discover(find_tree(DATA / "rst-tree"))
    assert [s.docname for s in found] == [
        "howto/prune",
        "notes",
        "reference/history",
        "reference/snapshot-settings",
        "topics/why-snapshots",
        "tutorial/lesson",
    ]


# --------------------------------------------------------------------------- declared category


@pytest.mark.parametrize(
    ("rel", "category"),
    [
        ("tutorials/a.md", "tutorial"),
        ("tutorial/a.md", "tutorial"),
        ("how-to/a.md", "how-to"),
        ("howto/a.md", "how-to"),
        ("how-to-guides/a.md", "how-to"),
        ("How_To_Guides/a.md", "how-to"),
        ("guides/a.md", "how-to"),
        ("guide/a.md", "how-to"),
        ("reference/a.md", "reference"),
        ("references/a.md", "reference"),
        ("explanation/a.md", "explanation"),
        ("explanations/a.md", "explanation"),
        ("topics/a.md", "explanation"),
        ("concepts/a.md", "explanation"),
        ("reference/generated/schema.md", "reference"),
        ("guides/reference/a.md", "reference"),
        ("reference/guides/a.md", "how-to"),
        ("misc/a.md", None),
        ("a.md", None),
    ],
)
def test_the_nearest_category_folder_declares_the_category(rel, category):
    assert declared_category(PurePosixPath(rel), {}).category == category


def test_front_matter_overrides_the_folder():
    declared = declared_category(PurePosixPath("how-to/a.md"), {"diataxis": "explanation"})
    assert (declared.category, declared.source, declared.reason) == (
        "explanation",
        "front matter",
        None,
    )


def test_front_matter_mapping_with_a_reason():
    front = {"diataxis": {"category": "How-to guides", "reason": "kept together"}}
    declared = declared_category(PurePosixPath("misc/a.md"), front)
    assert (declared.category, declared.reason) == ("how-to", "kept together")


def test_a_reason_alone_keeps_the_folder_category():
    declared = declared_category(PurePosixPath("reference/a.md"), {"diataxis-reason": "why"})
    assert (declared.category, declared.source, declared.reason) == ("reference", "folder", "why")
    mapping = declared_category(PurePosixPath("reference/a.md"), {"diataxis": {"reason": "why"}})
    assert (mapping.category, mapping.reason) == ("reference", "why")


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("cookbooks", "is not a category"),
        (3, "must be a category name or a mapping"),
        (["how-to"], "must be a category name or a mapping"),
    ],
)
def test_unknown_front_matter_is_a_problem_and_the_folder_still_counts(value, problem):
    declared = declared_category(PurePosixPath("how-to/a.md"), {"diataxis": value})
    assert declared.category == "how-to"
    assert declared.problem is not None
    assert problem in declared.problem


@pytest.mark.parametrize(
    ("rel", "landing"),
    [
        ("how-to/index.md", True),
        ("reference/README.md", True),
        ("index.md", True),
        ("how-to/indexing.md", False),
        ("notes.md", False),
    ],
)
def test_landing_pages(rel, landing):
    assert declared_category(PurePosixPath(rel), {}).landing is landing


def test_normalise_category():
    assert normalise_category(" How To ") == "how-to"
    assert normalise_category("nonsense") is None


# --------------------------------------------------------------------------- --changed-from


@pytest.fixture
def git_repo(tmp_path):
    if shutil.which("git") is None:  # pragma: no cover - git is on every build machine
        pytest.skip("git is not installed")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.email", "docs@example.org")
    git("config", "user.name", "Docs")
    write(tmp_path / "docs" / "how-to" / "old.md")
    write(tmp_path / "docs" / "how-to" / "same.md")
    git("add", ".")
    git("commit", "-q", "-m", "first")
    return tmp_path, git


def test_changed_files_lists_modified_and_new_files(git_repo):
    root, _ = git_repo
    write(root / "docs" / "how-to" / "old.md", "# Changed\n")
    write(root / "docs" / "how-to" / "new.md")
    changed = changed_files("HEAD", root / "docs")
    assert changed == {
        (root / "docs" / "how-to" / "old.md").absolute(),
        (root / "docs" / "how-to" / "new.md").absolute(),
    }


def test_changed_files_with_an_unknown_ref_is_a_usage_error(git_repo):
    root, _ = git_repo
    with pytest.raises(AuditUsageError, match="--changed-from no-such-ref"):
        changed_files("no-such-ref", root)
