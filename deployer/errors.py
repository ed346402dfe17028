"""The deployer's exceptions, in one place.

Library functions raise these; only :mod:`deployer.cli` turns them into a
message on standard error and an exit code.  Every class carries the exit
code the CLI uses for it, so that decision is made once, here.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DeployerError",
    "ExternalProgramError",
    "ProgramNotFoundError",
    "UsageError",
]


class DeployerError(Exception):
    """Base class of every error the deployer reports to a user.

    The message must say what went wrong, where, and what to do about it.
    It must never contain a secret value.
    """

    #: Exit code the CLI uses when this error reaches it.
    exit_code: int = 1


class UsageError(DeployerError):
    """The command was called wrongly (unknown cluster, bad option value)."""

    exit_code = 2


class ConfigError(DeployerError):
    """The configuration cannot be read or is invalid."""

    exit_code = 1


class ExternalProgramError(DeployerError):
    """An external program (helm, kubectl, sops, a cloud CLI) failed."""

    exit_code = 1

    def __init__(self, message: str, *, returncode: int, output: str = "") -> None:
        """Keep the program's exit status and (redacted) output."""
        super().__init__(message)
        self.returncode = returncode
        self.output = output


class ProgramNotFoundError(DeployerError):
    """An external program is not installed or not on ``PATH``."""

    exit_code = 127
