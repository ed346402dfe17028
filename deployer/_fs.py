"""File writes: atomic, and only when the content changed.

Every file the project generates goes through :func:`write_if_changed`, so a
reader never sees a half-written file and watchers (sphinx-autobuild) are not
woken by a rewrite of identical content.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["write_if_changed"]


def write_if_changed(path: Path, content: str | bytes, *, mode: int | None = None) -> bool:
    """Write *content* to *path* atomically unless the file already holds it.

    The content is written to a temporary file in the same folder, flushed to
    disk and renamed over *path*, so the file is either the old or the new
    version, never a mix.  Parent folders are created.  *mode*, when given,
    is applied to a newly written file (for example ``0o600`` for decrypted
    secrets); otherwise the file is readable by everyone, like a file made
    with the default umask.

    Returns ``True`` when the file was written, ``False`` when it already had
    this content.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        if path.read_bytes() == data:
            return False
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        tmp.chmod(mode)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
