"""``python -m tools.quickstart``: the site it lays out builds with ``sphinx-build -W -n``."""

from __future__ import annotations

import ast
import re
import runpy
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest

from tools.quickstart import create_site, default_audit_source, render_site
from tools.quickstart.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("tutorials", "how-to", "reference", "explanation")
RUFF = Path(sys.executable).parent / "ruff"


def sphinx_build(source: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Build ``source`` strictly, in a subprocess, the way the site's nox session does."""
    strict = ["-W", "-n", "--keep-going", "-q"]
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", *strict, str(source), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    """A site from the command line, built once for the tests that read its HTML."""
    root = tmp_path_factory.mktemp("quickstart") / "field-guide"
    assert main([str(root), "--project", "Field Guide", "--author", "Ada Lovelace"]) == 0
    result = sphinx_build(root / "docs", root / "docs" / "_build" / "html")
    return root, result


@pytest.mark.docs_build
def test_the_new_site_builds_with_no_warning(built_site):
    _, result = built_site
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.docs_build
def test_the_landing_page_is_a_grid_of_four_cards_leading_to_the_sections(built_site):
    root, _ = built_site
    html = (root / "docs/_build/html/index.html").read_text()
    cards = re.findall(r'<a class="sd-stretched-link[^"]*" href="([^"]+)"', html)
    assert cards == [f"{section}/index.html" for section in SECTIONS]
    assert html.count('class="sd-card sd-sphinx-override') == 4
    navbar = re.findall(r'class="nav-link nav-internal" href="([^"]+)"', html)
    assert navbar[:4] == [f"{section}/index.html" for section in SECTIONS]


@pytest.mark.docs_build
def test_every_section_has_an_overview_and_a_starter_page(built_site):
    root, _ = built_site
    html = root / "docs/_build/html"
    for section in SECTIONS:
        pages = sorted(path.name for path in (html / section).glob("*.html"))
        assert len(pages) == 2, pages
        assert "index.html" in pages
        overview = (root / "docs" / section / "index.md").read_text()
        prose = [block for block in overview.split("\n\n") if block[:1].isalpha()]
        assert len(prose) >= 2, f"{section}/index.md should read as an overview"
        starter = next(page for page in pages if page != "index.html")
        assert f'href="{starter}"' in (html / section / "index.html").read_text()


def test_conf_uses_the_stack_and_the_given_names(tmp_path):
    site = create_site(tmp_path / "site", project="Field Guide", author="Ada Lovelace")
    conf = runpy.run_path(str(site.root / "docs" / "conf.py"))
    assert conf["project"] == "Field Guide"
    assert conf["author"] == "Ada Lovelace"
    assert conf["copyright"].endswith(", Ada Lovelace")
    assert conf["extensions"] == ["myst_parser", "sphinx_design", "sphinx_copybutton"]
    assert "colon_fence" in conf["myst_enable_extensions"]
    assert conf["html_theme"] == "pydata_sphinx_theme"
    assert conf["html_theme_options"]["navbar_center"] == ["navbar-nav"]
    assert conf["nitpicky"] is True


def test_names_default_to_the_folder(tmp_path):
    site = create_site(tmp_path / "garden-notes")
    conf = runpy.run_path(str(site.root / "docs" / "conf.py"))
    assert conf["project"] == "garden-notes"
    assert conf["author"] == "The garden-notes authors"
    assert (site.root / "docs/index.md").read_text().startswith("# garden-notes\n")


def _sessions(noxfile: Path) -> dict[str, str]:
    tree = ast.parse(noxfile.read_text())
    return {
        node.name: ast.get_source_segment(noxfile.read_text(), node) or ""
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(ast.unparse(decorator) == "nox.session" for decorator in node.decorator_list)
    }


def test_the_noxfile_has_docs_live_linkcheck_and_audit(tmp_path):
    site = create_site(tmp_path / "site", audit_source="")
    noxfile = site.root / "noxfile.py"
    sessions = _sessions(noxfile)
    assert sorted(sessions) == ["audit", "docs", "linkcheck"]
    text = noxfile.read_text()
    assert '"-W", "-n", "--keep-going"' in text
    assert '"sphinx-autobuild"' in sessions["docs"]
    assert '"linkchecker"' in sessions["linkcheck"]
    assert '"tools.audit"' in sessions["audit"]
    assert 'AUDIT_SOURCE = os.environ.get("DIATAXIS_AUDIT", "")' in text
    assert "session.skip(" in sessions["audit"]
    requirements = (site.root / "docs/requirements.txt").read_text().split()
    assert [line.split(">=")[0] for line in requirements] == [
        "sphinx",
        "myst-parser",
        "pydata-sphinx-theme",
        "sphinx-design",
        "sphinx-copybutton",
    ]


def test_the_audit_installs_from_this_checkout_by_default(tmp_path):
    site = create_site(tmp_path / "site")
    expected = str(ROOT) if (ROOT / "tools" / "audit").is_dir() else ""
    assert default_audit_source() == expected
    assert (
        f'os.environ.get("DIATAXIS_AUDIT", "{expected}")' in (site.root / "noxfile.py").read_text()
    )


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed next to this interpreter")
def test_the_python_files_are_clean_python(tmp_path):
    """Generated conf.py and noxfile.py pass ruff's default rules and its formatter."""
    site = create_site(tmp_path / "site", project="Field Guide")
    files = [str(site.root / "noxfile.py"), str(site.root / "docs" / "conf.py")]
    check = subprocess.run(
        [str(RUFF), "check", "--isolated", "--select", "E,F,W,B,UP,I", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout
    fmt = subprocess.run(
        [str(RUFF), "format", "--isolated", "--check", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stdout


def test_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main([str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        f"error: {tmp_path} is not empty: the site goes into a new or empty folder\n"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


def test_refuses_a_file(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("")
    assert main([str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_an_empty_folder_is_fine_and_every_file_is_reported(tmp_path, capsys):
    assert main([str(tmp_path), "--project", "Demo"]) == 0
    out = capsys.readouterr().out
    written = sorted(
        path.relative_to(tmp_path).as_posix() for path in tmp_path.rglob("*") if path.is_file()
    )
    assert len(written) == 14
    for name in written:
        assert f"\n  {name}\n" in out
    assert ".gitignore" in written
    assert "noxfile.py" in written


def test_templates_leave_no_placeholder():
    files = render_site("Demo", "Someone", audit_source="/src", year=2030)
    for path, text in files.items():
        assert "{{" not in text, path
    assert 'copyright = "2030, Someone"' in files[next(p for p in files if p.name == "conf.py")]


def test_a_name_over_several_lines_is_refused(tmp_path, capsys):
    assert main([str(tmp_path / "x"), "--project", "two\nlines"]) == 2
    assert "one non-empty line" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "project",
    ['X"""+1+"""', "X'''+1+'''", "back\\slash\\", 'quote " and \\"', "Ünïcødé ✓"],
)
def test_any_project_name_gives_python_files_that_compile(project):
    files = render_site(project, f"{project} authors", year=2026)
    sources = {path: text for path, text in files.items() if path.suffix == ".py"}
    assert sources
    for path, text in sources.items():
        compile(text, str(path), "exec")  # raises SyntaxError on a name that broke out
    conf: dict[str, object] = {}
    exec(compile(files[PurePosixPath("docs/conf.py")], "conf.py", "exec"), conf)  # noqa: S102
    assert conf["project"] == project
