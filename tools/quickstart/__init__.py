"""Lay out a new Diátaxis documentation site: ``python -m tools.quickstart DIR``.

The site uses the stack of this project (Sphinx, MyST with colon fences,
pydata-sphinx-theme with a navbar, sphinx-design and sphinx-copybutton) and
builds with ``sphinx-build -W -n`` as soon as it is written::

    DIR/
      README.md, .gitignore
      noxfile.py            sessions docs (-- live), linkcheck, audit
      docs/conf.py, docs/requirements.txt
      docs/index.md         a grid of four cards, one per section
      docs/{tutorials,how-to,reference,explanation}/index.md   section overviews
      docs/<section>/<starter>.md                              one real page each

:func:`create_site` is the library step; :func:`render_site` returns the
files without writing them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from deployer._fs import write_if_changed
from deployer.errors import DeployerError, UsageError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

__all__ = ["Site", "SiteExistsError", "create_site", "default_audit_source", "render_site"]

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_RENAMES = {"gitignore.txt": ".gitignore"}


class SiteExistsError(DeployerError):
    """The destination folder is not empty; nothing was written."""


@dataclass(frozen=True)
class Site:
    """What :func:`create_site` wrote: the folder and every file in it, in order."""

    root: Path
    files: tuple[Path, ...]


def default_audit_source() -> str:
    """Return the checkout this package runs from, if it is one (the audit's install source)."""
    root = Path(__file__).resolve().parents[2]
    pyproject = root / "pyproject.toml"
    try:
        is_project = 'name = "hub-deployer"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return ""
    return str(root) if is_project and (root / "tools" / "audit").is_dir() else ""


def _templates(folder: Traversable, prefix: PurePosixPath) -> list[tuple[PurePosixPath, str]]:
    found: list[tuple[PurePosixPath, str]] = []
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        if item.is_dir():
            if item.name != "__pycache__":
                found += _templates(item, prefix / item.name)
            continue
        name = _RENAMES.get(item.name, item.name)
        if name.endswith(".py.txt"):
            name = name.removesuffix(".txt")
        found.append((prefix / name, item.read_text(encoding="utf-8")))
    return found


def _python_string(value: str) -> str:
    """Return a double-quoted Python literal for ``value`` (as a formatter would write it)."""
    return json.dumps(value, ensure_ascii=False)


def _docstring_text(value: str) -> str:
    """Return ``value`` as it may stand inside a triple-quoted Python docstring."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def render_site(
    project: str, author: str, *, audit_source: str = "", year: int | None = None
) -> dict[PurePosixPath, str]:
    """Return the files of a new site (relative path → content), nothing written."""
    if not project.strip() or "\n" in project or "\n" in author:
        msg = "the project name and the author must each be one non-empty line"
        raise UsageError(msg)
    year = year or dt.datetime.now(tz=dt.UTC).year
    copyright_text = f"{year}, {author}"
    values = {
        "project": project,
        "author": author,
        "project_py": _python_string(project),
        "project_doc": _docstring_text(project),
        "author_py": _python_string(author),
        "copyright_py": _python_string(copyright_text),
        "audit_source": _python_string(audit_source),
    }
    root = resources.files(__package__).joinpath("templates")
    return {
        path: _PLACEHOLDER.sub(lambda match: values[match[1]], text)
        for path, text in _templates(root, PurePosixPath())
    }


def create_site(
    destination: Path,
    *,
    project: str | None = None,
    author: str | None = None,
    audit_source: str | None = None,
) -> Site:
    """Write a new site into ``destination``, which must be missing or empty.

    ``project`` defaults to the folder's name and ``author`` to "The
    <project> authors"; ``audit_source`` (where the ``audit`` nox session
    installs the Diátaxis audit from) defaults to this checkout when the
    package runs from one.  Raises :class:`SiteExistsError` for a non-empty
    folder and :class:`~deployer.errors.UsageError` for a path that is a file.
    """
    if destination.exists() and not destination.is_dir():
        msg = f"{destination} is a file, not a folder: choose a new folder for the site"
        raise UsageError(msg)
    if destination.is_dir() and any(destination.iterdir()):
        msg = f"{destination} is not empty: the site goes into a new or empty folder"
        raise SiteExistsError(msg)
    name = project or destination.resolve().name or "Documentation"
    files = render_site(
        name,
        author or f"The {name} authors",
        audit_source=default_audit_source() if audit_source is None else audit_source,
    )
    written: list[Path] = []
    for relative, text in files.items():
        path = destination.joinpath(*relative.parts)
        write_if_changed(path, text)
        written.append(path)
    return Site(destination, tuple(written))
