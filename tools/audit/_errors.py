"""The audit's exceptions, in one place.

They derive from :class:`deployer.errors.DeployerError`, so each carries the
exit code the command line uses for it.  Messages name the file (and line,
when there is one) and say what to do; they never hold page content.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from deployer.errors import DeployerError, UsageError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["AuditError", "AuditUsageError", "ReadError"]


class AuditError(DeployerError):
    """Base class of the audit's errors (exit code 1)."""

    exit_code = 1


class AuditUsageError(UsageError):
    """The audit was called wrongly: a missing path, a bad option value (exit code 2)."""

    exit_code = 2


class ReadError(AuditError):
    """A page cannot be read as text: binary, not UTF-8, too large, or an OS error.

    The audit does not stop: the page gets the verdict ``unreadable`` with
    this message.
    """

    def __init__(self, path: Path | None, message: str, *, line: int | None = None) -> None:
        """Keep the page's *path*, the *message* and the *line* it refers to (if any)."""
        where = str(path) if path is not None else "<text>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.message = message
        self.line = line
