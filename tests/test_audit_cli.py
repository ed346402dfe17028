"""``python -m tools.audit`` (tools.audit._cli), run in-process: options, outputs, exit codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tools.audit._cli import main
from tools.audit._report import MARKDOWN_MARKER

DATA = Path(__file__).parent / "data" / "audit"
SPHINX = str(DATA / "sphinx-md")
RST = str(DATA / "rst-tree")
QUIET = ["--no-schemas", "--no-cli"]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_exit_0_when_nothing_named_by_fail_on_is_found(capsys):
    code, out, err = run(capsys, RST, *QUIET, "--fail-on", "misfiled,mixed,unclear")
    assert (code, err) == (0, ""), out
    assert out.splitlines()[-1].startswith("6 page(s): 5 ok, 1 undeclared;")


def test_exit_1_when_a_verdict_named_by_fail_on_is_found(capsys):
    code, out, _ = run(capsys, SPHINX, *QUIET, "--fail-on", "mixed")
    assert code == 1
    assert "FAILED: 1 page(s) mixed" in out


def test_without_fail_on_the_audit_only_reports(capsys):
    code, out, _ = run(capsys, SPHINX, *QUIET)
    assert code == 0
    assert ": misfiled: " in out


def test_fail_on_undeclared_is_possible(capsys):
    assert run(capsys, RST, *QUIET, "--fail-on", "undeclared")[0] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([SPHINX, "--fail-on", "mixed,sloppy"], "unknown verdict(s) sloppy"),
        ([SPHINX, "--format", "html"], "invalid choice: 'html'"),
        (["no/such/folder"], "no such file or folder"),
        ([SPHINX, "--schema-dir", "no/such/schemas"], "--schema-dir no/such/schemas: no such"),
        ([SPHINX, "--cli", "deployer.cli"], "give MODULE:ATTRIBUTE"),
        ([str(DATA / "tidepool_cli.py")], "not a page"),
    ],
)
def test_usage_errors_exit_2_with_a_message_and_no_traceback(capsys, argv, message):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert "Traceback" not in out + err


def test_option_errors_name_the_program(capsys):
    code, _, err = run(capsys, SPHINX, "--fail-on", "nope")
    assert code == 2
    assert err.startswith("usage: python -m tools.audit")


def test_help_exits_0(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "--changed-from GIT_REF" in out
    assert "exit status: 0 nothing named by --fail-on was found" in out


def test_default_path_is_docs(capsys, monkeypatch, tmp_path):
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, *QUIET)
    assert code == 2
    assert "docs: no such file or folder" in err
    shutil.copytree(DATA / "rst-tree", tmp_path / "docs")
    code, out, _ = run(capsys, *QUIET)
    assert code == 0
    assert "docs/notes.txt:1: undeclared: " in out


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "github"])
def test_every_format_can_be_written_to_a_file(capsys, tmp_path, fmt):
    target = tmp_path / "out" / f"report.{fmt}"
    code, out, _ = run(capsys, SPHINX, *QUIET, "--format", fmt, "--output", str(target))
    assert (code, out) == (0, "")
    report = target.read_text(encoding="utf-8")
    if fmt == "json":
        assert json.loads(report)["summary"]["pages"] == 14
    elif fmt == "markdown":
        assert report.startswith(MARKDOWN_MARKER)
    elif fmt == "github":
        assert report.startswith("::")
    else:
        assert "14 page(s)" in report


def test_json_to_stdout_with_fail_on(capsys):
    code, out, _ = run(capsys, SPHINX, *QUIET, "--format", "json", "--fail-on", "misfiled")
    data = json.loads(out)
    assert code == 1
    assert data["summary"]["failed"] is True
    assert data["summary"]["verdicts"]["misfiled"] == 1


def test_schema_dir_and_cli_options(capsys, monkeypatch):
    monkeypatch.syspath_prepend(str(DATA))
    code, out, _ = run(
        capsys, RST, "--schema-dir", str(DATA / "schemas"), "--cli", "tidepool_cli:cli"
    )
    assert code == 0
    assert "gap: schema-property: schema property telemetry (tidepool.schema.yaml)" in out
    assert "gap: cli-command: command `tidepool_cli sync`" in out
    _, quiet, _ = run(capsys, RST, *QUIET)
    assert "schema-property" not in quiet
    assert "cli-command" not in quiet


def test_the_project_schemas_and_cli_are_found_in_this_checkout(capsys):
    """Inside this repository the deployer's schemas and commands are checked by default."""
    _, out, _ = run(capsys, RST)
    assert "(cluster.schema.yaml)" in out
    assert "command `deployer validate`" in out


def test_overlapping_paths_audit_each_page_once(capsys):
    code, out, _ = run(capsys, RST, f"{RST}/howto", f"{RST}/howto/prune.rst", *QUIET)
    assert code == 0
    assert out.splitlines()[-1].startswith("6 page(s)")


def test_a_category_folder_given_alone_keeps_its_category(capsys, tmp_path, monkeypatch):
    """Outside Sphinx, docs/how-to given on its own is still how-to, with advice beside it."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(DATA / "sphinx-md" / "how-to", tmp_path / "docs" / "how-to")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "docs/how-to", *QUIET, "--fail-on", "misfiled")
    assert code == 1
    assert ("docs/how-to/background.md:1: misfiled: reads as explanation (confidence ") in out
    assert "(folder docs/how-to/): move it to docs/explanation/ or rewrite it" in out
    assert "empty-category" not in out


def test_no_gaps(capsys):
    _, out, _ = run(capsys, SPHINX, "--no-gaps")
    assert "gap:" not in out
    assert "; 0 gap(s);" in out


def test_changed_from_audits_only_changed_pages_but_all_gaps(capsys, tmp_path, monkeypatch):
    if shutil.which("git") is None:  # pragma: no cover - git is on every build machine
        pytest.skip("git is not installed")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    shutil.copytree(DATA / "sphinx-md", tmp_path / "docs")
    git("init", "-q", "-b", "main")
    git("config", "user.email", "docs@example.org")
    git("config", "user.name", "Docs")
    git("add", ".")
    git("commit", "-q", "-m", "docs")
    page = tmp_path / "docs" / "how-to" / "rotate-keys.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "docs", *QUIET, "--changed-from", "HEAD", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [p["path"] for p in data["pages"]] == ["docs/how-to/rotate-keys.md"]
    assert any(g["kind"] == "not-in-toctree" for g in data["gaps"])
    code, _, err = run(capsys, "docs", *QUIET, "--changed-from", "v99")
    assert code == 2
    assert "--changed-from v99" in err


def test_module_entry_point_runs():
    done = subprocess.run(
        [sys.executable, "-m", "tools.audit", RST, *QUIET, "--fail-on", "unclear"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert "6 page(s)" in done.stdout
