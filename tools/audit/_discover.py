"""Find the pages of a documentation tree, in any folder layout.

A *tree* is the folder the audit judges as a whole: the Sphinx project a
path lies in (the nearest folder above it holding ``conf.py``), otherwise the
folder given on the command line.  Pages are ``.md`` (MyST or CommonMark),
``.rst`` and ``.txt`` (reST) files; build output, hidden folders, virtual
environments and Sphinx's ``_static``/``_templates`` are skipped, and so are
the ``exclude_patterns`` of a Sphinx ``conf.py``; in a Sphinx project only
the suffixes it reads (``source_suffix``) are pages.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from tools.audit._errors import AuditUsageError

__all__ = [
    "PAGE_FORMATS",
    "Source",
    "Tree",
    "changed_files",
    "discover",
    "find_tree",
]

#: File suffix → the reader's format name.
PAGE_FORMATS: dict[str, str] = {".md": "md", ".rst": "rst", ".txt": "txt"}

#: Folders never searched for pages.
SKIP_DIRS = frozenset(
    {"_build", "_static", "_templates", "node_modules", "__pycache__", "venv", "site-packages"},
)

#: Files with a page suffix that are not pages.
_SKIP_FILES = re.compile(
    r"(requirements.*|constraints.*|robots|cmakelists|license|licence|copying|notice)\.txt",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Source:
    """One page file of a tree."""

    path: Path  #: absolute path of the file
    rel: PurePosixPath  #: path relative to the tree's root
    fmt: str  #: ``md``, ``rst`` or ``txt``
    #: Sphinx's name for the page: the relative path without its suffix.
    docname: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        """Fill in :attr:`docname` from :attr:`rel` when it was not given."""
        if not self.docname:
            rel = str(self.rel)
            object.__setattr__(self, "docname", rel[: -len(self.rel.suffix)] or rel)


@dataclass(frozen=True, slots=True)
class Tree:
    """A documentation tree: its root folder and, for a Sphinx project, a few ``conf.py`` values."""

    root: Path  #: absolute folder every page path is relative to
    sphinx: bool = False  #: ``conf.py`` found in :attr:`root`
    root_doc: str = "index"  #: Sphinx's ``root_doc`` (exempt from the toctree check)
    exclude_patterns: tuple[str, ...] = ()  #: Sphinx's ``exclude_patterns``
    #: Suffixes of the tree's pages (a Sphinx project's ``source_suffix``).
    suffixes: frozenset[str] = frozenset(PAGE_FORMATS)
    only: tuple[Path, ...] = field(default=())  #: when set, the tree is just these files
    #: The folder the category folders are looked for below: the Sphinx project,
    #: or else the repository (so ``docs/how-to`` given alone is still how-to).
    base: Path | None = None

    @property
    def category_base(self) -> Path:
        """The folder page paths are taken relative to when finding category folders."""
        return self.base or self.root


def _conf_values(conf: Path) -> dict[str, object]:
    """Return the literal top-level assignments of a ``conf.py`` (never runs it)."""
    try:
        module = ast.parse(conf.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return {}
    values: dict[str, object] = {}
    for node in module.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                try:
                    values[target.id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    continue
    return values


def _source_suffixes(values: dict[str, object]) -> frozenset[str]:
    """Return the page suffixes of a Sphinx project: its ``source_suffix``, or what Sphinx assumes.

    Without ``source_suffix``, Sphinx reads ``.rst``, and MyST adds ``.md``.
    """
    given = values.get("source_suffix")
    if isinstance(given, str):
        suffixes = {given}
    elif isinstance(given, dict | list | tuple):
        suffixes = {str(s) for s in given}
    else:
        extensions = values.get("extensions")
        names = {str(e) for e in extensions} if isinstance(extensions, list | tuple) else set()
        suffixes = {".rst", ".md"} if names & {"myst_parser", "myst_nb"} else {".rst"}
    return frozenset(suffixes & set(PAGE_FORMATS)) or frozenset(PAGE_FORMATS)


def _sphinx_tree(root: Path) -> Tree:
    values = _conf_values(root / "conf.py")
    root_doc = values.get("root_doc", values.get("master_doc", "index"))
    patterns = values.get("exclude_patterns", [])
    return Tree(
        root=root,
        sphinx=True,
        suffixes=_source_suffixes(values),
        root_doc=root_doc if isinstance(root_doc, str) else "index",
        exclude_patterns=tuple(p for p in patterns if isinstance(p, str))
        if isinstance(patterns, list | tuple)
        else (),
    )


def find_tree(path: Path) -> Tree:
    """Return the tree *path* (a page or a folder) belongs to.

    The nearest folder at or above *path* that holds a ``conf.py`` (not above
    the repository root) is a Sphinx tree.  Otherwise a folder is its own tree
    and a single file is a tree of one page; their category folders are looked
    for up to the repository root.  Raises
    :class:`~tools.audit._errors.AuditUsageError` if *path* does not exist.
    """
    path = path.absolute()
    if not path.exists():
        msg = f"{path}: no such file or folder; give a docs folder or a page"
        raise AuditUsageError(msg)
    start = path if path.is_dir() else path.parent
    top = Path(path.anchor)
    for folder in (start, *start.parents):
        if (folder / "conf.py").is_file():
            return _sphinx_tree(folder)
        if (folder / ".git").exists():
            top = folder
            break
    if path.is_dir():
        return Tree(root=path, base=top)
    return Tree(root=path.parent, only=(path,), base=top)


def _excluded(rel: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) or rel.startswith(p.rstrip("/") + "/") for p in patterns)


def discover(tree: Tree) -> list[Source]:
    """Return every page of *tree*, sorted by relative path."""
    if tree.only:
        return [
            Source(p, PurePosixPath(p.relative_to(tree.root).as_posix()), PAGE_FORMATS[p.suffix])
            for p in tree.only
            if p.suffix in PAGE_FORMATS
        ]
    found: list[Source] = []
    root = tree.root
    suffixes = tree.suffixes
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
        base = Path(folder)
        rel_base = base.relative_to(root).as_posix()
        for name in files:
            suffix = os.path.splitext(name)[1]  # noqa: PTH122 - hot loop, str only
            fmt = PAGE_FORMATS.get(suffix)
            if fmt is None or suffix not in suffixes or name.startswith("."):
                continue
            if _SKIP_FILES.fullmatch(name):
                continue
            rel = name if rel_base == "." else f"{rel_base}/{name}"
            if tree.exclude_patterns and _excluded(rel, tree.exclude_patterns):
                continue
            found.append(Source(base / name, PurePosixPath(rel), fmt))
    found.sort(key=lambda s: s.rel.parts)
    return found


def changed_files(ref: str, cwd: Path) -> set[Path]:
    """Return the absolute paths of files changed since git *ref* (and untracked new files).

    Raises :class:`~tools.audit._errors.AuditUsageError` with git's message when
    *cwd* is not in a git work tree or *ref* is unknown, and for a *ref* that
    starts with ``-``, which git could take for an option (git is also told
    where its options end).
    """
    if ref.startswith("-"):
        msg = f"--changed-from {ref!r}: a git ref cannot start with '-'; give a branch or commit"
        raise AuditUsageError(msg)

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
            )
        except OSError as exc:
            msg = f"--changed-from needs git: {exc}"
            raise AuditUsageError(msg) from exc
        if done.returncode != 0:
            detail = done.stderr.strip().splitlines()
            msg = f"--changed-from {ref}: git {args[0]} failed: {detail[-1] if detail else ''}"
            raise AuditUsageError(msg)
        return done.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    names = git("diff", "--name-only", "--no-renames", "--end-of-options", ref, "--").splitlines()
    names += git("ls-files", "--others", "--exclude-standard", "--full-name").splitlines()
    return {(top / name).absolute() for name in names if name}
