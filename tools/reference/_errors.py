"""The one error the reference generators raise."""

from __future__ import annotations

from deployer.errors import DeployerError

__all__ = ["GenerationError"]


class GenerationError(DeployerError):
    """A reference page cannot be generated (a schema or the CLI is not documentable).

    The message names the file and line (or the command) and says what to do.
    """
