"""Cluster credentials: a temporary KUBECONFIG for the cluster's provider.

Each provider's own CLI writes the credentials into a kubeconfig file inside
a private temporary folder, and every later program gets ``KUBECONFIG``
pointing at it: ``gcloud container clusters get-credentials`` (gcp), ``aws
eks update-kubeconfig`` (aws), ``az aks get-credentials`` (azure), or
``sops --decrypt`` of the cluster's encrypted kubeconfig (kubeconfig).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deployer.config.model import AwsAccess, AzureAccess, GcpAccess, KubeconfigAccess
from deployer.secrets import decrypt_file

if TYPE_CHECKING:
    from pathlib import Path

    from deployer.config.model import Cluster
    from deployer.runner import Runner

__all__ = ["KubeAccess", "credentials_command", "prepare_credentials"]

#: A GKE zone (``europe-west2-b``), as opposed to a region (``europe-west2``).
_GCP_ZONE = re.compile(r"^[a-z]+-[a-z]+\d+-[a-z]$")


@dataclass(frozen=True, slots=True)
class KubeAccess:
    """How later programs reach the cluster."""

    kubeconfig: Path
    context: str | None = None

    @property
    def env(self) -> dict[str, str]:
        """Return the environment variables to give helm and kubectl."""
        return {"KUBECONFIG": str(self.kubeconfig)}


def credentials_command(cluster: Cluster, kubeconfig: Path) -> list[str] | None:
    """Return the command that writes the cluster's credentials (None for kubeconfig)."""
    access = cluster.access
    if isinstance(access, GcpAccess):
        where = "--zone" if _GCP_ZONE.match(access.zone) else "--region"
        return [
            "gcloud", "container", "clusters", "get-credentials", access.cluster,
            where, access.zone, "--project", access.project,
        ]  # fmt: skip
    if isinstance(access, AwsAccess):
        return [
            "aws",
            "eks",
            "update-kubeconfig",
            "--name",
            access.cluster,
            "--region",
            access.region,
        ]
    if isinstance(access, AzureAccess):
        return [
            "az", "aks", "get-credentials", "--subscription", access.subscription_id,
            "--resource-group", access.resource_group, "--name", access.cluster,
            "--file", str(kubeconfig),
        ]  # fmt: skip
    return None


def prepare_credentials(cluster: Cluster, runner: Runner, workdir: Path) -> KubeAccess:
    """Write the cluster's kubeconfig into *workdir* and point the runner at it."""
    kubeconfig = workdir / "kubeconfig"
    access = KubeAccess(kubeconfig)
    runner.env.update(access.env)
    command = credentials_command(cluster, kubeconfig)
    if command is not None:
        runner.run(command)
        return access
    assert isinstance(cluster.access, KubeconfigAccess)  # noqa: S101 (the only provider left)
    decrypt_file(cluster.access.file, kubeconfig, runner, secret_keys=("users",))
    return KubeAccess(kubeconfig, cluster.access.context)
