"""Turn a config root into the typed, frozen :class:`~deployer.config.model.Config`.

Two ways in:

* :func:`load_config` validates everything first (schemas and cross-file
  rules, see :mod:`deployer.validate`) and raises a
  :class:`~deployer.errors.ConfigError` listing every problem;
* :func:`read_config_fast` reads only ``cluster.yaml`` files and chart pins,
  without positions or validation, for commands that run often on a tree CI
  has already validated (the planner).  Malformed data still gives a
  :class:`~deployer.errors.ConfigError` naming the file, never a ``KeyError``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from deployer._fs import is_inside
from deployer.config._layout import (
    CLUSTER_FILE,
    display_path,
    escaping_cluster_folder,
    is_missing,
    no_cluster_file,
)
from deployer.config._yaml import YamlError, load_yaml_data
from deployer.config.model import (
    AwsAccess,
    AzureAccess,
    Chart,
    Cluster,
    Config,
    GcpAccess,
    Hub,
    KubeconfigAccess,
    Provider,
    ProviderAccess,
    Stage,
    Support,
)
from deployer.errors import ConfigError

__all__ = ["load_config", "read_config", "read_config_fast"]

#: How many problems a ConfigError message lists before it says "and N more".
_MAX_LISTED = 20


class _Malformed(Exception):  # noqa: N818 - internal signal, turned into ConfigError
    """Raised while building the model from data of the wrong shape."""


def _get(data: dict[str, Any], key: str, kind: type, where: str) -> Any:  # noqa: ANN401
    value = data.get(key)
    if not isinstance(value, kind):
        shown = {"str": "a string", "list": "a list", "dict": "a mapping"}[kind.__name__]
        message = f"{where}: {key!r} must be {shown}"
        raise _Malformed(message)
    return value


def _opt(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        message = f"{where}: {key!r} must be a string"
        raise _Malformed(message)
    return value


def _files(folder: Path, values: list[Any], where: str) -> tuple[Path, ...]:
    paths = []
    for value in values:
        if not isinstance(value, str) or not value:
            message = f"{where}: values_files must be a list of file names"
            raise _Malformed(message)
        # A plain file name (the usual case) is already normal: skip a second parse.
        plain = "/" not in value and value not in {".", ".."}
        paths.append(folder / value if plain else Path(os.path.normpath(folder / value)))
    return tuple(paths)


def _enum(kind: type[Provider | Stage], value: str, where: str) -> Any:  # noqa: ANN401
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        message = f"{where}: {value!r} is not one of {allowed}"
        raise _Malformed(message) from None


def _access(provider: Provider, data: dict[str, Any], folder: Path) -> ProviderAccess:
    block = _get(data, provider.value, dict, "cluster.yaml")
    where = f"{provider.value} block"
    if provider is Provider.GCP:
        return GcpAccess(
            _get(block, "project", str, where),
            _get(block, "cluster", str, where),
            _get(block, "zone", str, where),
        )
    if provider is Provider.AWS:
        return AwsAccess(
            _get(block, "account_id", str, where),
            _get(block, "cluster", str, where),
            _get(block, "region", str, where),
        )
    if provider is Provider.AZURE:
        return AzureAccess(
            _get(block, "subscription_id", str, where),
            _get(block, "resource_group", str, where),
            _get(block, "cluster", str, where),
        )
    file = _get(block, "file", str, where)
    return KubeconfigAccess(Path(os.path.normpath(folder / file)), _opt(block, "context", where))


def _cluster(folder: Path, data: Any) -> Cluster:  # noqa: ANN401 - checked here
    if not isinstance(data, dict):
        message = "the file must hold a mapping"
        raise _Malformed(message)
    name = _get(data, "name", str, "cluster.yaml")
    provider = _enum(Provider, _get(data, "provider", str, "cluster.yaml"), "provider")
    hubs: list[Hub] = []
    for index, hub in enumerate(_get(data, "hubs", list, "cluster.yaml")):
        where = f"hubs[{index}]"
        if not isinstance(hub, dict):
            message = f"{where} must be a mapping"
            raise _Malformed(message)
        hubs.append(
            Hub(
                name=_get(hub, "name", str, where),
                cluster=name,
                display_name=_get(hub, "display_name", str, where),
                domain=_get(hub, "domain", str, where),
                stage=_enum(Stage, _get(hub, "stage", str, where), f"{where}.stage"),
                chart=_get(hub, "chart", str, where),
                values_files=_files(folder, _get(hub, "values_files", list, where), where),
            )
        )
    support = None
    if data.get("support") is not None:
        block = _get(data, "support", dict, "cluster.yaml")
        values = block.get("values_files", [])
        if not isinstance(values, list):
            message = "support: values_files must be a list"
            raise _Malformed(message)
        support = Support(_get(block, "chart", str, "support"), _files(folder, values, "support"))
    return Cluster(
        name=name,
        provider=provider,
        access=_access(provider, data, folder),
        path=folder,
        hubs=tuple(hubs),
        support=support,
    )


def _chart(path: Path, data: Any) -> Chart:  # noqa: ANN401 - checked here
    if not isinstance(data, dict):
        message = "the file must hold a mapping"
        raise _Malformed(message)
    return Chart(
        id=path.stem,
        repository=_get(data, "repository", str, "chart"),
        name=_get(data, "name", str, "chart"),
        version=_get(data, "version", str, "chart"),
        path=path,
    )


def _chart_files(charts_dir: Path) -> list[Path]:
    """Return the chart pins in *charts_dir* (none when there is no such folder), sorted."""
    if not charts_dir.is_dir():
        return []
    return sorted(p for p in charts_dir.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def _cluster_file(folder: Path, clusters_dir: Path, cwd: Path) -> Path:
    """Return the ``cluster.yaml`` of *folder*; ConfigError if it leads outside or is missing."""
    if not is_inside(folder, clusters_dir):
        raise ConfigError(escaping_cluster_folder(f"{display_path(folder, cwd)}/"))
    path = folder / CLUSTER_FILE
    if is_missing(path):
        raise ConfigError(no_cluster_file(f"{display_path(folder, cwd)}/"))
    return path


def read_config_fast(root: Path | str) -> Config:
    """Build the model from every ``cluster.yaml`` and chart pin under *root*, unvalidated.

    Reads only those files (not the values files), records no positions and
    checks no schema: for trees that ``deployer validate`` has passed.
    Raises :class:`~deployer.errors.ConfigError` naming the file (relative to
    the working folder when inside it, as ``deployer validate`` does) when a
    file cannot be read, its data does not have the expected shape, or a
    cluster folder has no ``cluster.yaml``.
    """
    root = Path(os.path.normpath(Path(root).absolute()))
    cwd = Path.cwd()
    clusters_dir = root / "clusters"
    if not clusters_dir.is_dir():
        message = (
            f"{display_path(clusters_dir, cwd)} is not a folder: point --config-dir at the "
            "folder holding clusters/ and charts/"
        )
        raise ConfigError(message)
    charts: dict[str, Chart] = {}
    clusters: list[Cluster] = []
    path = root
    try:
        for path in _chart_files(root / "charts"):
            charts[path.stem] = _chart(path, load_yaml_data(path, inside=root))
        path = clusters_dir
        for folder in sorted(clusters_dir.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            path = _cluster_file(folder, clusters_dir, cwd)
            clusters.append(_cluster(folder, load_yaml_data(path, inside=root)))
    except _Malformed as exc:
        message = f"{display_path(path, cwd)}: {exc} (run `deployer validate` for details)"
        raise ConfigError(message) from None
    except YamlError as exc:
        shown = display_path(exc.path, cwd)
        message = f"{shown}:{exc.line}:{exc.column}: {exc.message}"
        raise ConfigError(message) from None
    except OSError as exc:
        message = f"{display_path(path, cwd)}: cannot be read: {exc.strerror}"
        raise ConfigError(message) from None
    return Config(root=root, clusters=tuple(clusters), charts=charts)


def load_config(root: Path | str) -> Config:
    """Validate the config under *root*, then build the typed model.

    Raises :class:`~deployer.errors.ConfigError` whose message lists every
    error (``file:line:col: message``) when validation fails; warnings do not
    stop loading.
    """
    # Imported here: deployer.validate itself reads files with deployer.config.
    from deployer.validate import validate_config  # noqa: PLC0415

    report = validate_config(root)
    if not report.ok:
        lines = [
            f"{p.file}:{p.line}:{p.column}: {p.message} [{p.rule}]"
            for p in report.errors[:_MAX_LISTED]
        ]
        more = len(report.errors) - _MAX_LISTED
        if more > 0:
            lines.append(f"... and {more} more (run `deployer validate`)")
        message = f"the configuration has {len(report.errors)} error(s):\n" + "\n".join(lines)
        raise ConfigError(message)
    return read_config_fast(root)


def read_config(root: Path | str, *, validate: bool = True) -> Config:
    """Load the config under *root*: validated (:func:`load_config`) or fast, unvalidated."""
    return load_config(root) if validate else read_config_fast(root)
