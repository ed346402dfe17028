"""Write a new docs page from the template of its Diátaxis kind and add it to its toctree.

``python -m tools.new_page KIND "Title" [--docs DIR]`` is the command line;
:func:`create_page` is the library step behind it.  The page goes into the
folder of its kind (``tutorials/``, ``how-to/``, ``reference/``,
``explanation/``) under a file name made from the title, and its name is
added to the ``{toctree}`` of that folder's ``index.md``.  An existing page
is never overwritten.
"""

from __future__ import annotations

import contextlib
import fcntl
import fnmatch
import os
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

from deployer._fs import write_if_changed
from deployer.errors import DeployerError, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = [
    "FOLDERS",
    "KINDS",
    "NewPage",
    "PageExistsError",
    "add_to_toctree",
    "create_page",
    "render_page",
    "slugify",
]

#: The folder of each kind of page, in Diátaxis order.
FOLDERS: dict[str, str] = {
    "tutorial": "tutorials",
    "how-to": "how-to",
    "reference": "reference",
    "explanation": "explanation",
}
#: The kinds of page, as the command line takes them.
KINDS = tuple(FOLDERS)

_ALIASES = {
    "tutorials": "tutorial",
    "howto": "how-to",
    "how-to-guide": "how-to",
    "guide": "how-to",
    "explanations": "explanation",
    "references": "reference",
}
_MAX_SLUG = 60
_TOCTREE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|:{3,})\{toctree\}")
_HOW_TO_PREFIX = re.compile(r"^how\s+to\b\s*", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_APOSTROPHES = re.compile("['\u2019\u02bc]")


class PageExistsError(DeployerError):
    """The page to create is already there; it is left alone."""


@dataclass(frozen=True)
class NewPage:
    """What :func:`create_page` did: the page written, its index, whether the toctree changed."""

    path: Path
    index: Path
    entry: str
    toctree_changed: bool


def kind_of(name: str) -> str:
    """Return the canonical kind for ``name`` (``how-to`` for ``howto``); reject unknown kinds."""
    key = name.strip().lower()
    kind = _ALIASES.get(key, key)
    if kind not in FOLDERS:
        msg = f"unknown kind of page {name!r}: use one of {', '.join(KINDS)}"
        raise UsageError(msg)
    return kind


def slugify(title: str, kind: str = "") -> str:
    """Make a file name stem from a title: ASCII, lowercase, words joined by hyphens.

    For how-to guides a leading "How to" is dropped (``How to add a hub`` →
    ``add-a-hub``): the folder already says it.  Apostrophes vanish rather
    than split a word (``Change a hub's image`` → ``change-a-hubs-image``).
    """
    text = _HOW_TO_PREFIX.sub("", title.strip()) if kind == "how-to" else title
    text = _APOSTROPHES.sub("", text)  # "hub's" → "hubs", not "hub-s"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _MAX_SLUG:
        cut = slug[: _MAX_SLUG + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut else slug[:_MAX_SLUG]
    if not slug:
        msg = f"the title {title!r} has no letters or digits to name the page's file after"
        raise UsageError(msg)
    return slug


def _goal(title: str) -> str:
    """Return the task a how-to title names, to complete "This guide shows how to …"."""
    goal = _HOW_TO_PREFIX.sub("", title.strip()).rstrip(".")
    return goal if goal[1:2].isupper() else goal[:1].lower() + goal[1:]


def render_page(kind: str, title: str) -> str:
    """Render the text of a new page of ``kind`` titled ``title`` from the kind's template."""
    kind = kind_of(kind)
    if not title.strip() or "\n" in title:
        msg = "the title must be one non-empty line"
        raise UsageError(msg)
    if not title.isprintable() or any("\ud800" <= c <= "\udfff" for c in title):
        raw = title.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in raw)
        msg = (
            f"the title '{shown}' holds bytes that are not UTF-8 text, or control "
            "characters: type it again as plain text"
        )
        raise UsageError(msg)
    slug = slugify(title, kind)
    values = {
        "title": title.strip(),
        "label": f"{FOLDERS[kind]}-{slug}",
        "goal": _goal(title),
    }
    template = resources.files(__package__).joinpath("templates", f"{kind}.md").read_text("utf-8")
    return _PLACEHOLDER.sub(lambda match: values[match[1]], template)


def _toctrees(lines: list[str]) -> list[tuple[int, int, str, str]]:
    """Find every ``{toctree}`` fence: (opening line, closing line, indent, fence)."""
    trees: list[tuple[int, int, str, str]] = []
    index = 0
    while index < len(lines):
        match = _TOCTREE_OPEN.match(lines[index])
        if match is None:
            index += 1
            continue
        fence = match["fence"]
        close = index + 1
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        while close < len(lines) and not closing.match(lines[close]):
            close += 1
        trees.append((index, close, match["indent"], fence))
        index = close + 1
    return trees


def _listed(body: list[str], entry: str) -> bool:
    """Tell whether a toctree body lists ``entry`` by name, title form or ``:glob:`` pattern."""
    glob = ":glob:" in body
    for item in body:
        if not item or item.startswith(":"):
            continue
        target = item.rsplit("<", 1)[-1].rstrip(">").strip() if item.endswith(">") else item
        if target == entry or (glob and fnmatch.fnmatchcase(entry, target)):
            return True
    return False


def add_to_toctree(index_text: str, entry: str) -> str | None:
    """Return ``index_text`` with ``entry`` added to its last ``{toctree}`` (``None``: listed).

    An entry counts as listed when it is there by name or matched by a
    pattern of a ``:glob:`` toctree.  Without any toctree, one is appended.
    """
    lines = index_text.splitlines()
    trees = _toctrees(lines)
    if any(_listed([line.strip() for line in lines[a + 1 : b]], entry) for a, b, _, _ in trees):
        return None
    if not trees:
        text = index_text.rstrip("\n")
        return f"{text}\n\n```{{toctree}}\n:maxdepth: 1\n\n{entry}\n```\n"
    start, close, indent, fence = trees[-1]
    if close >= len(lines):
        lines.append(f"{indent}{fence}")
    body = lines[start + 1 : close]
    only_options = not any(line.strip() and not line.strip().startswith(":") for line in body)
    if only_options and body and body[-1].strip():
        lines.insert(close, indent)  # a blank line separates the options from the entries
        close += 1
    lines.insert(close, f"{indent}{entry}")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def create_page(docs: Path, kind: str, title: str) -> NewPage:
    """Write a new page of ``kind`` into ``docs`` and list it in its folder's toctree.

    Raises :class:`PageExistsError` when the page exists,
    :class:`~deployer.errors.UsageError` for an unknown kind or an unusable
    title, and :class:`~deployer.errors.DeployerError` when the section has
    no readable ``index.md``.  Nothing is written when any of these is raised.
    Runs at the same time on one folder take turns (a lock on the folder),
    so every page they write reaches the toctree.
    """
    kind = kind_of(kind)
    text = render_page(kind, title)
    folder = docs / FOLDERS[kind]
    entry = slugify(title, kind)
    page = folder / f"{entry}.md"
    index = folder / "index.md"
    if not index.is_file():
        msg = (
            f"{index} does not exist: {docs} is not a Diátaxis docs folder with a "
            f"{FOLDERS[kind]}/ section (python -m tools.quickstart lays out one)"
        )
        raise DeployerError(msg)
    with _locked(folder):
        if page.exists():
            msg = f"{page} already exists; it was left as it is (choose another title or edit it)"
            raise PageExistsError(msg)
        try:
            index_text = index.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            msg = f"{index}: cannot be read as UTF-8 text ({exc})"
            raise UsageError(msg) from exc
        new_index = add_to_toctree(index_text, entry)
        write_if_changed(page, text)
        if new_index is not None:
            write_if_changed(index, new_index)
    return NewPage(page, index, entry, toctree_changed=new_index is not None)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on *folder* (released when the process ends, whatever happens)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
