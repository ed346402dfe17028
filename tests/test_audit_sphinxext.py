"""The audit's Sphinx extension (tools.audit.sphinxext) on a tiny project built in tmp_path.

Each build runs ``sphinx-build`` in a subprocess, as the docs session does, and
the warnings are read from its standard error.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "audit"
ROOT = Path(__file__).parent.parent
HEALTH = Path("reference") / "generated" / "docs-health.md"

CONF = """\
project = "tidepool"
extensions = ["myst_parser", "tools.audit.sphinxext"]
exclude_patterns = ["_build"]
diataxis_schema_dirs = []
diataxis_cli = ""
"""

WARNING = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+): WARNING: (?P<message>.*) \[(?P<type>diataxis\.\w+)\]$",
    re.MULTILINE,
)


def _project(tmp_path: Path, extra: str = "") -> Path:
    src = tmp_path / "src"
    shutil.copytree(DATA / "sphinx-md", src)
    (src / "conf.py").write_text(CONF + extra, encoding="utf-8")
    return src


def _build(src: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "sphinx", "-b", "html", "-q", *args,
            str(src), str(src / "_build" / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )  # fmt: skip


def _warnings(stderr: str, src: Path) -> list[tuple[str, int, str, str]]:
    return sorted(
        (
            Path(m["file"]).relative_to(src).as_posix(),
            int(m["line"]),
            m["type"],
            m["message"],
        )
        for m in WARNING.finditer(stderr)
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    src = _project(tmp_path_factory.mktemp("default"))
    done = _build(src)
    assert done.returncode == 0, done.stderr
    return src, done.stderr


def test_findings_are_warnings_with_type_subtype_and_location(built):
    src, stderr = built
    found = [(path, line, kind) for path, line, kind, _ in _warnings(stderr, src)]
    assert found == [
        ("how-to/background.md", 1, "diataxis.misfiled"),
        ("how-to/sync-on-a-schedule.md", 54, "diataxis.mixed"),
        ("how-to/unclear.md", 1, "diataxis.unclear"),
    ]
    message = next(m for _, _, kind, m in _warnings(stderr, src) if kind == "diataxis.mixed")
    assert message.startswith(
        "section 'Why Tidepool uses cron expressions' (line 54) reads as explanation"
    )


def test_a_front_matter_reason_silences_the_page(built):
    _, stderr = built
    assert "sync-with-reasons" not in stderr
    assert "undeclared" not in stderr


def test_suppress_warnings_silences_a_subtype(tmp_path):
    src = _project(tmp_path, 'suppress_warnings = ["diataxis.mixed"]\n')
    done = _build(src)
    kinds = [kind for _, _, kind, _ in _warnings(done.stderr, src)]
    assert kinds == ["diataxis.misfiled", "diataxis.unclear"]


def test_suppress_warnings_silences_the_whole_type(tmp_path):
    src = _project(tmp_path, 'suppress_warnings = ["diataxis"]\n')
    done = _build(src)
    assert done.returncode == 0, done.stderr
    assert "diataxis" not in done.stderr


def test_health_page_lists_every_page_with_the_compass(built):
    src, _ = built
    page = (src / HEALTH).read_text(encoding="utf-8")
    assert page.startswith("---\ndiataxis: reference\n---\n")
    assert "# Documentation health" in page
    assert "| {doc}`/how-to/sync-on-a-schedule` | how-to | how-to |" in page
    assert "| mixed |" in page
    assert "ok (accepted mixed: the short history of cron expressions" in page
    assert "### Empty categories (1)\n\n- `explanation`: no explanation page yet" in page
    assert "- {doc}`/stray`: page is in no toctree" in page
    assert "```{raw} html\n<svg " in page
    assert page.count("<circle") >= 14
    svg = (src / HEALTH).with_suffix(".svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg ")
    html = (src / "_build" / "html" / "reference" / "generated" / "docs-health.html").read_text(
        encoding="utf-8"
    )
    assert "<svg " in html
    assert "<title>how-to/background: declared how-to, reads as explanation" in html


def test_health_page_is_not_rewritten_when_nothing_changed(built):
    """So sphinx-autobuild, which watches the sources, does not rebuild forever."""
    src, _ = built
    page = src / HEALTH
    before = (page.stat().st_mtime_ns, page.with_suffix(".svg").stat().st_mtime_ns)
    done = _build(src)
    assert done.returncode == 0, done.stderr
    assert (page.stat().st_mtime_ns, page.with_suffix(".svg").stat().st_mtime_ns) == before


def test_health_page_can_be_turned_off(tmp_path):
    src = _project(tmp_path, 'diataxis_health_page = ""\n')
    done = _build(src)
    assert done.returncode == 0, done.stderr
    assert not (src / HEALTH).exists()
    assert len(_warnings(done.stderr, src)) == 3


def test_parallel_build_gives_the_same_warnings(tmp_path, built):
    """The extension declares parallel_read_safe: findings survive ``-j 2``."""
    default_src, default_stderr = built
    src = _project(tmp_path)
    done = _build(src, "-j", "2")
    assert done.returncode == 0, done.stderr
    assert "is not safe for parallel" not in done.stderr
    assert _warnings(done.stderr, src) == _warnings(default_stderr, default_src)
