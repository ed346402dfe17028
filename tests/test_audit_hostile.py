"""Hostile pages: the audit refuses them quickly and clearly, and its work stays linear."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from timing import LINEAR, growth

from tools.audit import AuditOptions, PageResult, Verdict, audit_paths
from tools.audit._reader import read_text

ROOT = Path(__file__).parent.parent


def audit_tree(root: Path) -> dict[str, PageResult]:
    (root / ".git").mkdir(exist_ok=True)  # the tree's repository: nothing above it is read
    result = audit_paths(
        [root / "docs"], options=AuditOptions(schema_dirs=False, cli=False, relative_to=root)
    )
    return {page.path: page for page in result.pages}


def how_to(root: Path, name: str) -> Path:
    folder = root / "docs" / "how-to"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name


STEPS = "# Restart the hub\n\n1. Run the command.\n2. Check the output.\n"


def notes(page: PageResult) -> str:
    return "\n".join(message for _, message in page.notes)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    os.mkfifo(how_to(tmp_path, "x.md"))
    (tmp_path / ".git").mkdir()
    command = [sys.executable, "-m", "tools.audit", "docs", "--no-gaps", "-v"]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert "docs/how-to/x.md:1: unreadable: is not a regular file" in done.stdout


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/hostname"])
def test_a_symlink_out_of_the_repository_is_refused(tmp_path, target):
    how_to(tmp_path, "x.md").symlink_to(target)
    page = audit_tree(tmp_path)["docs/how-to/x.md"]
    assert page.verdict is Verdict.UNREADABLE
    assert "leads outside" in page.findings[0].message


def test_a_symlink_to_a_file_of_the_repository_is_read(tmp_path):
    (tmp_path / "STEPS.md").write_text(STEPS, encoding="utf-8")
    how_to(tmp_path, "restart.md").symlink_to(tmp_path / "STEPS.md")
    assert audit_tree(tmp_path)["docs/how-to/restart.md"].verdict is not Verdict.UNREADABLE


def _bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "---\n" + "\n".join(lines) + f"\nreason: *a{levels - 1}\n---\n" + STEPS


def test_a_yaml_bomb_in_front_matter_is_refused_at_once(tmp_path):
    how_to(tmp_path, "bomb.md").write_text(_bomb(9), encoding="utf-8")
    started = time.perf_counter()
    page = audit_tree(tmp_path)["docs/how-to/bomb.md"]
    assert time.perf_counter() - started < 10
    assert "front matter ignored: line 1: front matter refused: aliases would build more" in notes(
        page
    )


@pytest.mark.parametrize(("reason", "kind"), [("{a: 1}", "a mapping"), ("7", "a number")])
def test_a_reason_must_be_a_sentence(tmp_path, reason, kind):
    page_text = f"---\ndiataxis:\n  category: how-to\n  reason: {reason}\n---\n{STEPS}"
    how_to(tmp_path, "x.md").write_text(page_text, encoding="utf-8")
    page = audit_tree(tmp_path)["docs/how-to/x.md"]
    assert page.reason is None
    assert f"reason must be a sentence saying why the page is right as it is, not {kind}" in notes(
        page
    )


#: Markup that opens and never closes, repeated: each once made the reader quadratic.
HOSTILE = {
    "md link openers": ("md", "[]("),
    "md images": ("md", "!["),
    "md autolinks": ("md", "<http://"),
    "md brackets": ("md", "[a"),
    "md reference links": ("md", "[a]["),
    "md code in brackets": ("md", "[`a"),
    "rst autolinks": ("rst", "<http://"),
    "rst links": ("rst", "`a <"),
    "rst roles": ("rst", ":ref:`a"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_unclosed_markup_is_read_in_linear_time(name):
    fmt, piece = HOSTILE[name]

    def make(n: int):
        text = "Title\n=====\n\n" + piece * n + "\n"
        return lambda: read_text(text, fmt=fmt)

    assert growth(make, 4_000) < LINEAR


def test_many_links_in_one_paragraph_are_read_in_linear_time():
    def make(n: int):
        text = "# Links\n\n" + "[a](b)\n" * n
        return lambda: read_text(text, fmt="md")

    assert growth(make, 20_000) < LINEAR


_PIECES = st.sampled_from(
    ["[", "]", "(", ")", "](", "![", "<http://", ">", "`", "``", ":ref:", "{doc}", "*", "_",
     ":::", "```", "~~~", "..", "::", "---", "===", "\n", "\n\n", "    ", "- ", "1. ", "#", "|",
     "<", "a", " ", ".. note::", ".. toctree::", "`_", ">`_", "\t", "\\"]
)  # fmt: skip


@settings(max_examples=150, deadline=500, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.tuples(_PIECES, st.integers(1, 300)), max_size=30),
    fmt=st.sampled_from(["md", "rst"]),
)
def test_the_reader_survives_hostile_markup_quickly(pieces, fmt):
    """Any mix of markup, repeated hundreds of times, is read without error within 500 ms."""
    text = "".join(piece * times for piece, times in pieces)
    page = read_text(text, fmt=fmt)
    assert page.format == fmt


def test_a_changed_from_ref_never_becomes_a_git_option(tmp_path):
    target = tmp_path / "written-by-git"
    command = [sys.executable, "-m", "tools.audit", "docs", f"--changed-from=--output={target}"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 2
    assert "a git ref cannot start with '-'" in done.stderr
    assert not target.exists()
