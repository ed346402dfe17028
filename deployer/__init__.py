"""Validate, plan and deploy many JupyterHubs on many Kubernetes clusters.

The library is used by the ``deployer`` command (:mod:`deployer.cli`) and by
the documentation tools; its functions return values and raise
:class:`~deployer.errors.DeployerError` subclasses, and never print.
"""

from deployer.errors import (
    ConfigError,
    DeployerError,
    ExternalProgramError,
    ProgramNotFoundError,
    UsageError,
)

__all__ = [
    "ConfigError",
    "DeployerError",
    "ExternalProgramError",
    "ProgramNotFoundError",
    "UsageError",
]
