"""Changed files: how they are read and how their paths are normalised.

A change is a path with a status (``A`` added, ``M`` modified, ``D``
deleted, ``R`` renamed, with the old path); the planner treats both paths of
a rename as changed.  Paths are made repository-relative and POSIX-style
before any rule sees them.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deployer.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from deployer.runner import Runner

__all__ = [
    "MAX_CHANGED_LIST_BYTES",
    "ChangedFile",
    "changes_from_git",
    "normalise_path",
    "parse_changed_files",
    "parse_name_status",
]

_STATUSES = frozenset("ACDMRTUX")

#: The most bytes read from a changed-file list (a file or standard input):
#: room for about 100,000 paths.
MAX_CHANGED_LIST_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ChangedFile:
    """One changed path; *old_path* is set for renames and copies."""

    path: str
    status: str = "M"
    old_path: str | None = None

    @property
    def deleted(self) -> bool:
        """Tell whether the file no longer exists after the change."""
        return self.status == "D"


def normalise_path(path: str, repo_root: Path) -> str | None:
    """Return *path* relative to *repo_root* in POSIX form, or None if outside.

    ``./x``, ``x/``, ``a//b``, ``a/./b`` and absolute paths inside the
    repository all become the same repository-relative path.  Pure string
    work: the file system is not consulted (symbolic links are not followed).
    """
    if _is_plain(path):
        return path
    text = path.strip().replace("\\", "/")
    if text.startswith("/"):
        root = repo_root.as_posix().rstrip("/")
        if not text.startswith(root + "/"):
            return None
        text = text[len(root) + 1 :]
    text = posixpath.normpath(text) if text else "."
    if text in {".", ""} or text.startswith("../") or text == "..":
        return None
    return text


def _is_plain(path: str) -> bool:
    """Tell whether *path* is already repository-relative and normal (the common case)."""
    return (
        bool(path)
        and path[0] not in "/."
        and path[-1] != "/"
        and not path[0].isspace()
        and not path[-1].isspace()
        and "//" not in path
        and "/." not in path
        and "\\" not in path
    )


def _name_status(line: str, number: int) -> ChangedFile:
    """Parse one ``STATUS<TAB>PATH`` (or ``R100<TAB>OLD<TAB>NEW``) line."""
    fields = line.split("\t")
    status = fields[0][:1]
    paths = fields[1:3] if status in {"R", "C"} else fields[1:2]
    if status not in _STATUSES or not paths or not all(p.strip() for p in paths):
        msg = (
            f"line {number} of the changed-file list is not 'STATUS<TAB>PATH' with a path: {line!r}"
        )
        raise UsageError(msg)
    if len(paths) == 2:  # noqa: PLR2004 (old and new path)
        return ChangedFile(paths[1], status, paths[0])
    return ChangedFile(paths[0], status)


def parse_name_status(text: str) -> list[ChangedFile]:
    """Parse ``git diff --name-status`` output (renames as ``R100<TAB>old<TAB>new``)."""
    return [
        _name_status(line, number)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def parse_changed_files(lines: Iterable[str]) -> list[ChangedFile]:
    """Parse a changed-file list: one path a line, or ``git diff --name-status`` lines.

    Blank lines and lines starting with ``#`` are skipped.
    """
    changes: list[ChangedFile] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.rstrip("\r\n")
        if not stripped.strip() or stripped.lstrip().startswith("#"):
            continue
        if "\t" in stripped and stripped.split("\t", 1)[0][:1] in _STATUSES:
            changes.append(_name_status(stripped, number))
        else:
            changes.append(ChangedFile(stripped.strip()))
    return changes


def changes_from_git(git_range: str, runner: Runner, repo_root: Path) -> list[ChangedFile]:
    """Run ``git diff --name-status -M BASE HEAD`` for ``BASE..HEAD``.

    Refs that start with ``-`` are refused, and git is told where its options
    end, so a range can never pass git an option.
    """
    base, sep, head = git_range.partition("..")
    if not sep or not base or not head or head.startswith("."):
        msg = f"--git-range must look like BASE..HEAD, got {git_range!r}"
        raise UsageError(msg)
    if base.startswith("-") or head.startswith("-"):
        msg = f"--git-range {git_range!r}: a git ref cannot start with '-'; give BASE..HEAD"
        raise UsageError(msg)
    # --end-of-options: whatever the refs hold, git reads them as refs, never as options.
    result = runner.run(
        [
            "git",
            "-C",
            str(repo_root),
            "diff",
            "--name-status",
            "-M",
            "--end-of-options",
            base,
            head,
        ],
        separate_stderr=True,
    )
    return parse_name_status(result.output)
