"""Bad input never crashes the audit: every page is classified or reported with a message."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.audit import AuditOptions, AuditResult, PageResult, Verdict, audit_paths
from tools.audit._cli import main
from tools.audit._report import FORMATS

OPTIONS = AuditOptions(schema_dirs=False, cli=False)


def audit_one(root: Path, name: str, content: str | bytes) -> tuple[AuditResult, PageResult]:
    (root / ".git").mkdir(exist_ok=True)  # keeps the tree search inside this folder
    page = root / "how-to" / name
    page.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        page.write_bytes(content)
    else:
        page.write_text(content, encoding="utf-8")
    result = audit_paths(
        [root], options=AuditOptions(schema_dirs=False, cli=False, relative_to=root)
    )
    (only,) = [p for p in result.pages if p.path == f"how-to/{name}"]
    return result, only


def notes(page: PageResult) -> str:
    return "\n".join(message for _, message in page.notes)


def test_empty_page_is_classified_with_a_note(tmp_path):
    _, page = audit_one(tmp_path, "empty.md", "")
    assert page.verdict in {Verdict.UNCLEAR, Verdict.OK, Verdict.MISFILED}
    assert page.predicted is not None
    assert "empty" in notes(page)


def test_binary_file_is_unreadable(tmp_path):
    _, page = audit_one(tmp_path, "logo.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert page.verdict is Verdict.UNREADABLE
    assert page.findings[0].message == "is a binary file (it contains NUL bytes), not a text page"


def test_non_utf8_file_is_unreadable_at_its_line(tmp_path):
    _, page = audit_one(tmp_path, "latin1.rst", "Title\n=====\n\nCaf\xe9\n".encode("latin-1"))
    assert page.verdict is Verdict.UNREADABLE
    (finding,) = page.findings
    assert finding.line == 4
    assert "is not valid UTF-8 (byte 0xe9); save it as UTF-8" in finding.message


def test_ten_megabyte_page_is_reported_not_read(tmp_path):
    text = "# Huge\n\n" + ("Run the command and check the output. " * 20 + "\n\n") * 13_500
    assert len(text.encode()) > 10_000_000
    _, page = audit_one(tmp_path, "huge.md", text)
    assert page.verdict is Verdict.UNREADABLE
    assert "is larger than 5,000,000 bytes" in page.findings[0].message


def test_broken_front_matter_is_a_note_and_the_page_is_still_read(tmp_path):
    _, page = audit_one(
        tmp_path, "broken.md", "---\ndiataxis: {category: how-to\n---\n# T\n\nRun it.\n"
    )
    assert page.predicted is not None
    assert "front matter ignored" in notes(page)
    assert page.declared == "how-to"


def test_unknown_front_matter_category_is_a_note(tmp_path):
    _, page = audit_one(tmp_path, "odd.md", "---\ndiataxis: recipe-book\n---\n# T\n\nRun it.\n")
    assert "front matter `diataxis: recipe-book` is not a category" in notes(page)


def test_unclosed_fence_is_a_note_with_its_line(tmp_path):
    _, page = audit_one(tmp_path, "fence.md", "# T\n\nRun this:\n\n```console\n$ tidepool sync\n")
    assert page.predicted is not None
    assert any(line == 5 and "fence" in message for line, message in page.notes), page.notes


def test_unclosed_myst_directive_is_a_note(tmp_path):
    _, page = audit_one(tmp_path, "directive.md", "# T\n\n```{note}\nNever closed.\n")
    assert page.predicted is not None
    assert page.notes


def test_broken_rst_is_read(tmp_path):
    text = ".. note::\n\n   unfinished\n\n.. code-block::\n\n=====\nTitle\n\n:field without end\n"
    _, page = audit_one(tmp_path, "broken.rst", text)
    assert page.verdict is not Verdict.UNREADABLE


def test_dangling_symlink_is_unreadable(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "how-to").mkdir()
    (tmp_path / "how-to" / "gone.md").symlink_to(tmp_path / "nowhere.md")
    result = audit_paths([tmp_path], options=OPTIONS)
    (page,) = result.pages
    assert page.verdict is Verdict.UNREADABLE
    assert "cannot be read" in page.findings[0].message


def test_cli_reports_bad_pages_without_a_traceback(tmp_path, capsys, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "guides").mkdir()
    (tmp_path / "guides" / "bin.md").write_bytes(b"\x00\x01\x02")
    (tmp_path / "guides" / "ok.md").write_text("# Fine\n\n1. Run `x`.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["guides", "--no-schemas", "--no-cli", "--fail-on", "unreadable"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "guides/bin.md:1: unreadable: is a binary file" in out
    assert "Traceback" not in out + err


def _check(result: AuditResult) -> None:
    assert len(result.pages) == 1
    page = result.pages[0]
    assert page.verdict in set(Verdict)
    if page.verdict is not Verdict.UNREADABLE:
        assert page.predicted in {"tutorial", "how-to", "reference", "explanation"}
        assert 0.0 <= page.confidence <= 1.0
    for fmt, renderer in FORMATS.items():
        report = renderer(result, frozenset(Verdict))
        assert report
        if fmt == "json":
            json.loads(report)


_SUFFIXES = st.sampled_from(["md", "rst", "txt"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(), suffix=_SUFFIXES)
def test_any_text_is_audited_end_to_end(text, suffix):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        (root / "reference").mkdir()
        (root / "reference" / f"page.{suffix}").write_text(text, encoding="utf-8", newline="")
        _check(audit_paths([root], options=OPTIONS))


_MARKUP = st.sampled_from(
    [
        "---\n", "```", "```{note}\n", ":::", "# ", "## ", "=====\n", ".. toctree::\n",
        "   :glob:\n", "1. ", "- ", "$ ", "| a | b |\n", "[x](../y.md)", "{ref}`z`",
        ":doc:`w`", "\n", "\t", "    ", "diataxis: how-to\n", "(label)=\n", ".. _l:\n",
    ]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(st.one_of(_MARKUP, st.text(max_size=20)), max_size=40), suffix=_SUFFIXES)
def test_markup_soup_is_audited_end_to_end(parts, suffix):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        (root / "how-to").mkdir()
        (root / "how-to" / f"page.{suffix}").write_text("".join(parts), encoding="utf-8")
        _check(audit_paths([root], options=OPTIONS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_any_bytes_are_audited_end_to_end(data):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / ".git").mkdir()
        (root / "tutorials").mkdir()
        (root / "tutorials" / "page.md").write_bytes(data)
        _check(audit_paths([root], options=OPTIONS))
