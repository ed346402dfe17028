"""Export one hub as a self-contained folder that deploys without this project.

The folder holds the hub's values files, numbered in the order helm must
read them (secret files copied still encrypted), ``chart.yaml`` with the
pinned chart (repository, name, version), and a README.md with the plain
``sops`` and ``helm upgrade --install`` commands.  It is built in a
temporary folder next to the destination and renamed into place, so the
destination is either untouched or complete.
"""

from __future__ import annotations

import shlex
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from deployer._fs import write_if_changed
from deployer.deploy import helm_upgrade_command
from deployer.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from deployer.config.model import Chart, Hub

__all__ = ["export_hub", "exported_names", "helm_readme"]


def exported_names(hub: Hub) -> list[str]:
    """Return the names of the copied values files: ``01-common.values.yaml``, ..."""
    return [f"{number:02d}-{path.name}" for number, path in enumerate(hub.values_files, start=1)]


def helm_readme(hub: Hub, chart: Chart) -> str:
    """Return the README.md of an exported hub."""
    names = exported_names(hub)
    secret = [name for name in names if "secret" in name]
    values = [f"decrypted-{name}" if name in secret else name for name in names]
    helm = helm_upgrade_command(hub.name, chart, values, namespace=hub.name)
    lines = [
        f"# {hub.display_name} ({hub.name})",
        "",
        (
            f"Everything needed to deploy the JupyterHub `{hub.name}` (served at "
            f"`{hub.domain}`) on any Kubernetes cluster with plain Helm 3; nothing else "
            "from the repository it came from is needed."
        ),
        "",
        "## Contents",
        "",
        (
            f"- `chart.yaml`: the chart, `{chart.name}` version `{chart.version}` from "
            f"`{chart.repository}`."
        ),
    ]
    lines += [f"- `{name}`: values file {number}" for number, name in enumerate(names, 1)]
    lines += ["", "Helm reads the values files in this order; later files win.", ""]
    lines += ["## Deploy", ""]
    if secret:
        lines += [
            "The secret values files are encrypted with [sops](https://github.com/getsops/sops).",
            "Decrypt them with a key that can read them (files readable by you only):",
            "",
            "```console",
            "$ umask 077",
        ]
        lines += [f"$ sops --decrypt --output decrypted-{name} {name}" for name in secret]
        lines += ["```", ""]
    lines += [
        "Point `kubectl` at the target cluster, then run from this folder:",
        "",
        "```console",
        f"$ {shlex.join(helm)}",
        "```",
        "",
    ]
    if secret:
        lines += [
            "Then remove the decrypted files:",
            "",
            "```console",
            f"$ rm {' '.join(f'decrypted-{name}' for name in secret)}",
            "```",
            "",
        ]
    return "\n".join(lines)


def _chart_yaml(chart: Chart) -> str:
    data = {"repository": chart.repository, "name": chart.name, "version": chart.version}
    return yaml.safe_dump(data, sort_keys=False)


def export_hub(hub: Hub, chart: Chart, dest: Path, *, force: bool = False) -> list[Path]:
    """Write the hub's export folder at *dest* and return the files written.

    Raises UsageError when *dest* is a non-empty folder (or a file) and
    *force* is false.
    """
    if dest.exists() and not dest.is_dir():
        msg = f"{dest} exists and is not a folder"
        raise UsageError(msg)
    if dest.is_dir() and any(dest.iterdir()) and not force:
        msg = f"{dest} is not empty: choose another folder or pass --force to replace it"
        raise UsageError(msg)
    for path in hub.values_files:
        if not path.is_file():
            msg = f"{path}: values file of hub {hub.name!r} not found"
            raise ConfigError(msg)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    except OSError as exc:
        msg = f"cannot create the export folder {dest}: {exc.strerror}; choose another folder"
        raise UsageError(msg) from None
    try:
        for name, path in zip(exported_names(hub), hub.values_files, strict=True):
            write_if_changed(build / name, path.read_bytes())
        write_if_changed(build / "chart.yaml", _chart_yaml(chart))
        write_if_changed(build / "README.md", helm_readme(hub, chart))
        build.chmod(0o755)
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old.", dir=dest.parent))
            dest.replace(old / dest.name)
            build.replace(dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            build.replace(dest)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return sorted(dest.iterdir())
