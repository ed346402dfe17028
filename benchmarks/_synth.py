"""Write a large, valid, synthetic config tree for the benchmarks.

``make_tree(root, clusters=500, hubs=20)`` writes ``root/charts/*.yaml`` and,
per cluster, ``cluster.yaml``, a shared ``common.values.yaml``, a values file
and a sops-shaped secret file per hub, and the support release's files.
Providers rotate through gcp, aws, azure and kubeconfig; every fourth hub
uses the daskhub chart (and its nested layout); half of the hubs are staging.
The tree passes ``deployer validate``; the content is deterministic.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["SynthTree", "make_tree"]

_ENC = "ENC[AES256_GCM,data:c2VjcmV0c2VjcmV0,iv:aXZpdml2aXZpdml2aXZp,tag:dGFndGFndGFndGFn,type:str]"
_SOPS = f"""sops:
    gcp_kms:
        - resource_id: projects/hubs-prod/locations/global/keyRings/sops/cryptoKeys/hubs
          created_at: "2024-10-14T09:00:00Z"
          enc: CiQAexampleexampleexample
    lastmodified: "2024-10-14T09:00:00Z"
    mac: {_ENC}
    version: 3.9.1
"""

_CHARTS = {
    "jupyterhub": (
        "repository: https://hub.jupyter.org/helm-chart/\nname: jupyterhub\nversion: 4.2.0\n"
        "description: The JupyterHub Helm chart.\n"
    ),
    "daskhub": (
        "repository: https://helm.dask.org/\nname: daskhub\nversion: 2024.1.1\n"
        "description: JupyterHub with Dask Gateway.\n"
    ),
    "support": (
        "repository: https://charts.example.org/\nname: support\nversion: 1.0.0\n"
        "description: Ingress controller, certificates and monitoring.\n"
    ),
}

_COMMON = """singleuser:
  image:
    name: quay.io/jupyter/scipy-notebook
    tag: "2024-10-14"
  memory:
    limit: 4G
    guarantee: 1G
  cpu:
    limit: 2
    guarantee: 0.5
  defaultUrl: /lab
  extraEnv:
    SCRATCH_BUCKET: gs://scratch-bucket
    PANGEO_SCRATCH: gs://scratch-bucket
  nodeSelector:
    hub.jupyter.org/node-purpose: user
"""


def _jupyterhub_values(domain: str, hub: str) -> str:
    return f"""hub:
  config:
    JupyterHub:
      authenticator_class: github
    GitHubOAuthenticator:
      oauth_callback_url: https://{domain}/hub/oauth_callback
      allowed_organizations:
        - example-org:{hub}-users
      scope:
        - read:org
  extraEnv:
    HUB_NAME: {hub}
  resources:
    requests:
      cpu: 100m
      memory: 512Mi
    limits:
      memory: 1Gi
singleuser:
  memory:
    limit: 8G
    guarantee: 2G
  extraEnv:
    HUB_NAME: {hub}
ingress:
  enabled: true
  ingressClassName: nginx
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt-prod
  hosts:
    - {domain}
  tls:
    - hosts:
        - {domain}
      secretName: https-auto-tls
cull:
  enabled: true
  timeout: 3600
  every: 300
"""


def _daskhub_values(domain: str, hub: str) -> str:
    nested = "".join(
        f"  {line}\n" if line else "\n" for line in _jupyterhub_values(domain, hub).splitlines()
    )
    return f"jupyterhub:\n{nested}dask-gateway:\n  enabled: true\n"


def _secret(daskhub: bool) -> str:  # noqa: FBT001 - private helper
    body = (
        f"hub:\n    config:\n        GitHubOAuthenticator:\n            client_id: {_ENC}\n"
        f"            client_secret: {_ENC}\n"
    )
    if daskhub:
        body = "jupyterhub:\n" + "".join(f"    {line}\n" for line in body.splitlines())
    return body + _SOPS


_PROVIDERS = (
    (
        "provider: gcp\ngcp:\n  project: hubs-{name}\n  cluster: {name}-cluster\n"
        "  zone: us-central1-b\n"
    ),
    'provider: aws\naws:\n  account_id: "012345678901"\n  cluster: {name}\n  region: us-west-2\n',
    (
        "provider: azure\nazure:\n  subscription_id: 3f2b6c1e-8d4a-4c7e-9a51-2b7d0e6f4a93\n"
        "  resource_group: {name}-hubs\n  cluster: {name}-aks\n"
    ),
    "provider: kubeconfig\nkubeconfig:\n  file: enc-kubeconfig.secret.yaml\n",
)
#: Every this many hubs, one uses the daskhub chart.
_DASKHUB_EVERY = 4


@dataclasses.dataclass(frozen=True)
class SynthTree:
    """What :func:`make_tree` wrote."""

    root: Path
    clusters: tuple[str, ...]
    cluster_files: tuple[Path, ...]
    hub_values_files: tuple[Path, ...]
    secret_files: tuple[Path, ...]
    support_values_files: tuple[Path, ...]
    chart_files: tuple[Path, ...]

    @property
    def file_count(self) -> int:
        """Every file written."""
        return (
            len(self.cluster_files)
            + len(self.hub_values_files)
            + len(self.secret_files)
            + len(self.support_values_files)
            + len(self.chart_files)
        )


def make_tree(root: Path, clusters: int = 500, hubs: int = 20) -> SynthTree:
    """Write a valid config tree of *clusters* clusters with *hubs* hubs each under *root*."""
    charts_dir = root / "charts"
    charts_dir.mkdir(parents=True, exist_ok=True)
    chart_files = []
    for chart_id, text in _CHARTS.items():
        path = charts_dir / f"{chart_id}.yaml"
        path.write_text(text)
        chart_files.append(path)
    names: list[str] = []
    cluster_files: list[Path] = []
    hub_files: list[Path] = []
    secrets: list[Path] = []
    support_files: list[Path] = []
    for c in range(clusters):
        name = f"c{c:04d}"
        names.append(name)
        folder = root / "clusters" / name
        folder.mkdir(parents=True, exist_ok=True)
        provider = _PROVIDERS[c % len(_PROVIDERS)].format(name=name)
        lines = [f"name: {name}\n", provider]
        if provider.startswith("provider: kubeconfig"):
            path = folder / "enc-kubeconfig.secret.yaml"
            path.write_text(f"apiVersion: {_ENC}\nkind: {_ENC}\n" + _SOPS)
            secrets.append(path)
        lines.append(
            "support:\n  chart: support\n"
            "  values_files: [support.values.yaml, enc-support.secret.values.yaml]\n"
        )
        (folder / "support.values.yaml").write_text(
            "ingress-nginx:\n  controller:\n    replicaCount: 2\n"
        )
        (folder / "enc-support.secret.values.yaml").write_text(
            f"grafana:\n    adminPassword: {_ENC}\n" + _SOPS
        )
        support_files.append(folder / "support.values.yaml")
        secrets.append(folder / "enc-support.secret.values.yaml")
        (folder / "common.values.yaml").write_text(_COMMON)
        hub_files.append(folder / "common.values.yaml")
        lines.append("hubs:\n")
        for h in range(hubs):
            hub = f"hub{h:02d}"
            daskhub = h % _DASKHUB_EVERY == _DASKHUB_EVERY - 1
            domain = f"{hub}.{name}.hubs.example.org"
            stage = "staging" if h % 2 == 0 else "prod"
            files = [f"{hub}.values.yaml", f"enc-{hub}.secret.values.yaml"]
            if not daskhub:
                files.insert(0, "common.values.yaml")
            values = _daskhub_values(domain, hub) if daskhub else _jupyterhub_values(domain, hub)
            (folder / files[-2]).write_text(values)
            (folder / files[-1]).write_text(_secret(daskhub))
            hub_files.append(folder / files[-2])
            secrets.append(folder / files[-1])
            lines.append(
                f"  - name: {hub}\n    display_name: Hub {h} of {name}\n    domain: {domain}\n"
                f"    stage: {stage}\n    chart: {'daskhub' if daskhub else 'jupyterhub'}\n"
                f"    values_files: [{', '.join(files)}]\n"
            )
        (folder / "cluster.yaml").write_text("".join(lines))
        cluster_files.append(folder / "cluster.yaml")
    return SynthTree(
        root,
        tuple(names),
        tuple(cluster_files),
        tuple(hub_files),
        tuple(secrets),
        tuple(support_files),
        tuple(chart_files),
    )
