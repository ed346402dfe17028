"""Files in and out: bounded reads that stay inside their root, and atomic writes.

Every file a command reads goes through :func:`read_bounded`, one rule set for
all of them: it must stay inside its root once symlinks are resolved (folders
included), it must be a regular file (a pipe, a device or a folder is refused,
without waiting on it), and no more than a bound is read, counted from what
the open file gives rather than from the size the file system reports.

Every file the project generates goes through :func:`write_if_changed`, so a
reader never sees a half-written file and watchers (sphinx-autobuild) are not
woken by a rewrite of identical content.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import IO

__all__ = [
    "FileRefusedError",
    "exchange",
    "is_inside",
    "read_bounded",
    "read_stream",
    "write_if_changed",
]

#: How a file is opened for reading: never blocking (a pipe with no writer would wait
#: forever), never becoming the controlling terminal, never inherited by a program.
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


class FileRefusedError(Exception):
    """A file a command will not read: which rule it breaks, and what to do."""

    def __init__(self, path: Path, rule: str, message: str) -> None:
        """Keep the file, the rule id (``path-escape``, ``unreadable``, ``file-too-large``)."""
        super().__init__(f"{path}: {message}")
        self.path = path
        self.rule = rule
        self.message = message


def is_inside(path: Path, root: Path) -> bool:
    """Tell whether *path*, with every symlink resolved (folders too), lies inside *root*."""
    try:
        real = Path(os.path.realpath(path))
        return real.is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def read_bounded(path: Path, *, limit: int, inside: Path | None = None) -> bytes:
    """Return the bytes of the regular file *path*, refusing what the rules do not allow.

    * With *inside*, the file must lie inside that folder once every symlink
      on the way is resolved (rule ``path-escape``).
    * It must be a regular file: a folder, pipe, socket or device is refused
      at once, without reading or waiting (rule ``unreadable``, as for an
      :class:`OSError`).
    * At most *limit* bytes are read; a longer file is refused (rule
      ``file-too-large``).  The count comes from reading, so a file whose
      reported size is wrong cannot make the read grow.

    Raises :class:`FileRefusedError`.
    """
    if inside is not None and not is_inside(path, inside):
        message = f"leads outside {inside} (through a symlink?): keep the file itself inside it"
        raise FileRefusedError(path, "path-escape", message)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise FileRefusedError(path, "unreadable", f"cannot be read: {exc.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        message = "is not a regular file (a folder, a pipe or a device?): name a file"
        raise FileRefusedError(path, "unreadable", message)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise FileRefusedError(path, "unreadable", f"cannot be read: {exc.strerror}") from None
    if len(data) > limit:
        message = f"is larger than {limit:,} bytes, the most read from such a file"
        raise FileRefusedError(path, "file-too-large", message)
    return data


def read_stream(stream: IO[bytes], *, limit: int, name: str = "standard input") -> bytes:
    """Return at most *limit* bytes of *stream*; a longer stream is refused like a file."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        message = f"is larger than {limit:,} bytes, the most read from it"
        raise FileRefusedError(Path(name), "file-too-large", message)
    return data


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


#: ``renameat2`` flag that swaps two paths in one step (Linux 3.15, glibc 2.28).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(first: Path, second: Path) -> bool:
    """Swap the two existing paths *first* and *second* in one atomic step.

    Returns ``False``, having changed nothing, where the system or the file
    system cannot swap (not Linux, an old C library, a file system without
    ``RENAME_EXCHANGE``); the caller then falls back to two renames.
    """
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    done = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if done == 0:
        return True
    error = ctypes.get_errno()
    if error in {errno.EINVAL, errno.ENOSYS, errno.ENOTSUP}:
        return False
    raise OSError(error, os.strerror(error), str(first))
