"""The typed, frozen model of the configuration.

These objects are built only from configuration that has passed validation
(see :mod:`deployer.validate`), so their fields can be trusted: a ``Hub``
always has a DNS-label name, an explicit stage and at least one values file.
Paths are absolute; ``relpath`` helpers give the form written in config.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = [
    "AwsAccess",
    "AzureAccess",
    "Chart",
    "Cluster",
    "Config",
    "GcpAccess",
    "Hub",
    "KubeconfigAccess",
    "Provider",
    "ProviderAccess",
    "Stage",
    "Support",
]


class Provider(enum.StrEnum):
    """Where a cluster runs, which decides how the deployer gets credentials."""

    GCP = "gcp"
    AWS = "aws"
    AZURE = "azure"
    KUBECONFIG = "kubeconfig"


class Stage(enum.StrEnum):
    """A hub's stage: staging hubs are deployed first, as canaries."""

    STAGING = "staging"
    PROD = "prod"


@dataclass(frozen=True, slots=True)
class GcpAccess:
    """How to reach a GKE cluster."""

    project: str
    cluster: str
    zone: str


@dataclass(frozen=True, slots=True)
class AwsAccess:
    """How to reach an EKS cluster."""

    account_id: str
    cluster: str
    region: str


@dataclass(frozen=True, slots=True)
class AzureAccess:
    """How to reach an AKS cluster."""

    subscription_id: str
    resource_group: str
    cluster: str


@dataclass(frozen=True, slots=True)
class KubeconfigAccess:
    """A cluster reached with a (sops-encrypted) kubeconfig file."""

    file: Path
    context: str | None = None


ProviderAccess = GcpAccess | AwsAccess | AzureAccess | KubeconfigAccess


@dataclass(frozen=True, slots=True)
class Chart:
    """A pinned upstream Helm chart, from ``config/charts/<id>.yaml``."""

    id: str
    repository: str
    name: str
    version: str
    path: Path


@dataclass(frozen=True, slots=True)
class Hub:
    """One JupyterHub: a Helm release of the same name in a namespace of that name."""

    name: str
    cluster: str
    display_name: str
    domain: str
    stage: Stage
    chart: str
    values_files: tuple[Path, ...]

    @property
    def secret_files(self) -> tuple[Path, ...]:
        """The values files that are sops-encrypted (named ``*secret*``)."""
        return tuple(p for p in self.values_files if "secret" in p.name)


@dataclass(frozen=True, slots=True)
class Support:
    """The cluster-wide support release (ingress, certificates, monitoring)."""

    chart: str
    values_files: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class Cluster:
    """One Kubernetes cluster and the hubs it runs."""

    name: str
    provider: Provider
    access: ProviderAccess
    path: Path
    hubs: tuple[Hub, ...]
    support: Support | None = None

    @property
    def staging_hubs(self) -> tuple[Hub, ...]:
        """The hubs deployed first, as canaries."""
        return tuple(h for h in self.hubs if h.stage is Stage.STAGING)

    @property
    def prod_hubs(self) -> tuple[Hub, ...]:
        """The hubs deployed only after every canary of the cluster passed."""
        return tuple(h for h in self.hubs if h.stage is Stage.PROD)

    def hub(self, name: str) -> Hub:
        """Return the hub called *name*; ``KeyError`` if there is none."""
        for hub in self.hubs:
            if hub.name == name:
                return hub
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Config:
    """Every cluster under a config root, and the chart pins they use."""

    root: Path
    clusters: tuple[Cluster, ...]
    charts: dict[str, Chart] = field(default_factory=dict)

    def cluster(self, name: str) -> Cluster:
        """Return the cluster called *name*; ``KeyError`` if there is none."""
        for cluster in self.clusters:
            if cluster.name == name:
                return cluster
        raise KeyError(name)

    def hubs(self) -> Iterator[Hub]:
        """Every hub of every cluster, in config order."""
        for cluster in self.clusters:
            yield from cluster.hubs
