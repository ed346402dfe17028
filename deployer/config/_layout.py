"""Where things are in a config root, and how messages spell their paths."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

__all__ = [
    "CLUSTER_FILE",
    "display_path",
    "escaping_cluster_folder",
    "is_missing",
    "no_cluster_file",
]

#: The file that describes a cluster, in every folder under ``clusters/``.
CLUSTER_FILE: Final = "cluster.yaml"


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Spell *path* as messages show it: relative to *cwd* (the working folder) when inside it."""
    if path.is_absolute():
        with contextlib.suppress(ValueError):  # outside the working folder: shown as is
            path = path.relative_to(Path.cwd() if cwd is None else cwd)
    return os.path.normpath(path)


def no_cluster_file(folder: str) -> str:
    """Say that the cluster *folder* (spelled as shown) has no ``cluster.yaml``, and what to do."""
    return (
        f"{folder} has no {CLUSTER_FILE}: add one (see the cluster schema reference) "
        "or remove the folder"
    )


def escaping_cluster_folder(folder: str) -> str:
    """Say that the cluster *folder* (spelled as shown) is a symlink leading out, and what to do."""
    return (
        f"cluster folder {folder} is a symlink to a folder outside clusters/: keep the "
        "cluster's files in the folder itself"
    )


def is_missing(path: Path) -> bool:
    """Whether nothing at all is at *path* (a dangling symlink is something: it is unreadable)."""
    return not path.exists() and not path.is_symlink()
