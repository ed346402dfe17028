"""The one entry point for contributors and CI.

    nox -s tests          run the test suite
    nox -s docs           build the site (strict) into docs/_build/html
    nox -s docs -- live   rebuild and reload in the browser while you edit
    nox -s linkcheck      build, then check every link of the built HTML
    nox -s audit          the Diátaxis audit of docs/ (what reviewers run)
    nox -s browser        open the built site in headless Chromium and check it as a reader would
    nox -s lint           ruff and mypy
    nox -s bench          speed and memory benchmarks (not part of the tests)

Dependencies come from the dependency groups in pyproject.toml, so versions
are written in one place.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2025.2.9"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["tests", "lint", "docs", "audit"]

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
DOCS = ROOT / "docs"
BUILD = DOCS / "_build"
HTML = BUILD / "html"
PYTHON = "3.11"


def install(session: nox.Session, *groups: str) -> None:
    """Install the project (editable) and the named dependency groups."""
    requirements: list[str] = []
    for group in groups:
        requirements += nox.project.dependency_groups(PYPROJECT, group)
    session.install("-e", ".", *requirements)


def sphinx_build(session: nox.Session, *extra: str) -> None:
    """Build the HTML site from clean with every warning an error."""
    shutil.rmtree(BUILD, ignore_errors=True)
    session.run(
        "sphinx-build",
        "-b",
        "html",
        "-W",
        "-n",
        "--keep-going",
        "-j",
        "auto",
        "-d",
        str(BUILD / "doctrees"),
        *extra,
        str(DOCS),
        str(HTML),
    )
    readable_by_anyone(BUILD)


def readable_by_anyone(folder: Path) -> None:
    """Make *folder* readable, and its parents traversable, by any user.

    linkchecker, run as root, drops to user "nobody" before it reads a file.
    """
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    for parent in folder.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite (tutorials included)."""
    install(session, "test", "docs")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def validate(session: nox.Session) -> None:
    """Validate every cluster and hub file under config/ (arguments go to ``deployer validate``)."""
    install(session)
    session.run("deployer", "validate", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Check style and types: ruff (every rule, reasons for each ignore) and mypy --strict."""
    install(session, "lint", "docs")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """Build the site strictly; ``nox -s docs -- live`` serves it and rebuilds on every change."""
    if session.posargs and session.posargs[0] == "live":
        install(session, "live")
        session.run(
            "sphinx-autobuild",
            "-n",
            "--keep-going",
            "--watch",
            "deployer/schemas",
            "--watch",
            "deployer/cli",
            "--watch",
            "config",
            "--watch",
            "tools",
            "--re-ignore",
            r"_build|\.nox|/generated/",
            *session.posargs[1:],
            str(DOCS),
            str(HTML),
        )
        return
    install(session, "docs")
    sphinx_build(session, *session.posargs)


@nox.session(python=PYTHON)
def linkcheck(session: nox.Session) -> None:
    """Build the site, then check every link and anchor (``-- --external`` checks the web too)."""
    install(session, "docs", "linkcheck")
    external = "--external" in session.posargs
    sphinx_build(session)
    # Anchors are checked by the plugin in docs/_linkcheck (see docs/linkcheckerrc); warnings
    # (a missing anchor) fail the session like errors do.
    plugins = DOCS / "_linkcheck"
    readable_by_anyone(plugins)
    args = ["--check-extern"] if external else []
    session.run(
        "linkchecker",
        "-f",
        str(DOCS / "linkcheckerrc"),
        "--no-status",
        *args,
        str(HTML / "index.html"),
        env={"XDG_DATA_HOME": str(plugins)},
    )


@nox.session(python=PYTHON)
def audit(session: nox.Session) -> None:
    """Audit every page of docs/ for its Diátaxis category, mixed modes, unclear pages and gaps."""
    install(session)
    args = session.posargs or ["docs", "--fail-on", "misfiled,mixed,unclear"]
    if not session.posargs and os.environ.get("GITHUB_ACTIONS") == "true":
        args += ["--format", "github"]  # findings as annotations on the pull request
    session.run("python", "-m", "tools.audit", *args)


@nox.session(python=PYTHON)
def browser(session: nox.Session) -> None:
    """Serve the built site and check it in headless Chromium as a reader would."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        if os.geteuid() != 0:
            session.error("Install Debian's chromium and chromium-driver (apt-get install).")
        session.run("apt-get", "update", "-qq", external=True)
        session.run(
            "apt-get",
            "install",
            "-y",
            "-qq",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
            external=True,
        )
    install(session, "docs", "browser")
    if not (HTML / "index.html").exists() or "--rebuild" in session.posargs:
        sphinx_build(session)
    session.run("pytest", "tests/browser", "-p", "no:cacheprovider", env={"DOCS_HTML": str(HTML)})


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Run the benchmarks in benchmarks/ and print medians as ratios to their baselines."""
    install(session, "bench", "docs")
    names = session.posargs or sorted(p.stem for p in (ROOT / "benchmarks").glob("bench_*.py"))
    for name in names:
        session.run("python", f"benchmarks/{name}.py")
