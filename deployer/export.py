"""Export one hub as a self-contained folder that deploys without this project.

The folder holds the hub's values files, numbered in the order helm must
read them (secret files copied still encrypted), ``chart.yaml`` with the
pinned chart (repository, name, version), and a README.md with the plain
``sops`` and ``helm upgrade --install`` commands.

It is built in a folder next to the destination and swapped into place in
one atomic step, so the destination is at every moment either the old
folder or the new one, complete.  What an interrupted export left behind
(``.DEST.build-PID-*`` and ``.DEST.old-PID-*`` of a process that is gone) is
cleaned up, or put back, by the next export to the same destination.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from deployer._fs import FileRefusedError, exchange, read_bounded, write_if_changed
from deployer.config._yaml import MAX_BYTES, YamlError, parse_yaml
from deployer.deploy import helm_upgrade_command
from deployer.errors import ConfigError, UsageError
from deployer.secrets import unencrypted_values

if TYPE_CHECKING:
    from collections.abc import Sequence

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


def _leftover(dest: Path) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(dest.name)}\.(build|old)-(\d+)-\w+")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_up_after_interrupted_exports(dest: Path) -> None:
    """Remove the build folders of exports that died; put back an old folder that was lost."""
    pattern = _leftover(dest)
    for path in sorted(dest.parent.iterdir()):
        found = pattern.fullmatch(path.name)
        if found is None or _alive(int(found.group(2))):
            continue
        if found.group(1) == "old" and not os.path.lexists(dest):
            path.rename(dest)  # it died between its two renames: the old export comes back
        else:
            shutil.rmtree(path, ignore_errors=True)


def _check_destination(dest: Path, *, force: bool, keep: Sequence[Path]) -> None:
    """Refuse a destination export-hub must not write, or replace without --force.

    What an interrupted export left next to *dest* is tidied first, so that a
    lost old export is back in place before it is judged.
    """
    if dest.is_symlink():
        msg = f"{dest} is a symlink: name the folder itself"
        raise UsageError(msg)
    for path in keep:
        real = Path(os.path.realpath(path))
        if dest == real or dest.is_relative_to(real) or real.is_relative_to(dest):
            msg = (
                f"{dest} would replace or hold {path}, which export-hub never writes: "
                "choose a folder outside it"
            )
            raise UsageError(msg)
    if dest.parent.is_dir():
        _clean_up_after_interrupted_exports(dest)
    if dest.exists() and not dest.is_dir():
        msg = f"{dest} exists and is not a folder"
        raise UsageError(msg)
    if dest.is_dir() and any(dest.iterdir()) and not force:
        msg = f"{dest} is not empty: choose another folder or pass --force to replace it"
        raise UsageError(msg)


def _read_values_file(path: Path, inside: Path | None) -> bytes:
    """Return a values file's bytes, refusing what may not leave the repository as it is."""
    try:
        content = read_bounded(path, limit=MAX_BYTES, inside=inside)
    except FileRefusedError as exc:
        raise ConfigError(str(exc)) from None
    if "secret" in path.name:
        try:
            data = parse_yaml(path, content.decode("utf-8"), positions=False).data
        except (UnicodeDecodeError, YamlError):
            data = None
        in_clear = unencrypted_values(data)
        if in_clear is None:
            msg = f"{path}: secret file is not sops-encrypted: encrypt it before exporting"
            raise ConfigError(msg)
        if in_clear:
            msg = (
                f"{path}: {len(in_clear)} value(s) of the secret file are not encrypted: "
                "edit it with `sops <file>` before exporting"
            )
            raise ConfigError(msg)
    return content


def export_hub(
    hub: Hub,
    chart: Chart,
    dest: Path,
    *,
    force: bool = False,
    inside: Path | None = None,
) -> list[Path]:
    """Write the hub's export folder at *dest* and return the files written.

    Raises UsageError when *dest* is a non-empty folder (or a file) and
    *force* is false, and always when it is a symlink, the current folder or
    one holding it, or lies in, is, or holds *inside* (the config's root).
    With *inside*, every values file must lie in it; secret files must be
    fully sops-encrypted (ConfigError otherwise).  Nothing is written then.
    """
    dest = Path(os.path.abspath(dest))  # noqa: PTH100 (resolve() would follow a symlinked DEST)
    keep = [Path.cwd()] if inside is None else [Path.cwd(), inside]
    _check_destination(dest, force=force, keep=keep)
    contents = [_read_values_file(path, inside) for path in hub.values_files]
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        build = Path(tempfile.mkdtemp(prefix=f".{dest.name}.build-{os.getpid()}-", dir=dest.parent))
    except OSError as exc:
        msg = f"cannot create the export folder {dest}: {exc.strerror}; choose another folder"
        raise UsageError(msg) from None
    try:
        for name, content in zip(exported_names(hub), contents, strict=True):
            write_if_changed(build / name, content)
        write_if_changed(build / "chart.yaml", _chart_yaml(chart))
        write_if_changed(build / "README.md", helm_readme(hub, chart))
        build.chmod(0o755)
        _swap_into_place(build, dest)
    finally:
        shutil.rmtree(build, ignore_errors=True)
    return sorted(dest.iterdir())


def _swap_into_place(build: Path, dest: Path) -> None:
    """Put *build* at *dest*; afterwards *build* holds the old folder, if any, or nothing."""
    if not dest.exists():
        build.rename(dest)
        return
    if exchange(build, dest):
        return
    # No atomic swap here: two renames, with the old folder named so that the next
    # export puts it back if this process dies between them.
    old = build.with_name(build.name.replace(".build-", ".old-", 1))
    dest.rename(old)
    build.rename(dest)
    old.rename(build)
