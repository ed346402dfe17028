"""The merged values a hub gets, with every secret value redacted.

Helm merges values files in order: maps merge deeply, anything else
(lists included) is replaced, and later files win.  :func:`render_values`
does the same.  Secret files are encrypted and may not be decryptable here,
so by default their keys are read from the encrypted file (sops keeps keys
in clear) and each value is shown as ``<redacted: from FILE>``; with a
runner (``--decrypt``) they are decrypted through sops first, and their
values are still redacted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from deployer.errors import ConfigError
from deployer.secrets import decrypted_files, redact_tree

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from deployer.config.model import Hub
    from deployer.runner import Runner

__all__ = ["merge_values", "render_values", "values_to_yaml"]

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def merge_values(base: Any, override: Any) -> Any:  # noqa: ANN401 - any YAML document
    """Merge *override* into *base* as helm does: maps deeply, everything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge_values(merged[key], value) if key in merged else value
        return merged
    return override


def _load(path: Path, shown: str) -> Any:  # noqa: ANN401 - any YAML document
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        msg = f"{shown}: cannot read values file: {exc.strerror}"
        raise ConfigError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{shown}: not UTF-8 text (byte {exc.start}); a values file must be YAML"
        raise ConfigError(msg) from None
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{shown}:{mark.line + 1}:{mark.column + 1}" if mark else shown
        msg = f"{where}: not valid YAML; fix the file ({getattr(exc, 'problem', exc)})"
        raise ConfigError(msg) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        msg = f"{shown}: a values file must be a mapping at the top level"
        raise ConfigError(msg)
    return data


def render_values(hub: Hub, runner: Runner | None = None) -> dict[str, Any]:
    """Return the hub's merged values; secret values redacted.

    Without *runner* secret files are read encrypted (keys only); with one,
    they are decrypted through sops into private temporary files first.
    """
    secret = [path for path in hub.values_files if "secret" in path.name]
    merged: dict[str, Any] = {}
    if runner is None:
        sources: dict[Path, Path] = {}
        for path in hub.values_files:
            merged = merge_values(merged, _layer(path, sources))
        return merged
    with decrypted_files(secret, runner) as sources:
        for path in hub.values_files:
            merged = merge_values(merged, _layer(path, sources))
    return merged


def _layer(path: Path, decrypted: dict[Path, Path]) -> Any:  # noqa: ANN401 - any YAML document
    if "secret" not in path.name:
        return _load(path, str(path))
    data = _load(decrypted.get(path, path), str(path))
    return redact_tree(data, path.name)


def values_to_yaml(values: dict[str, Any], files: Sequence[Path] = ()) -> str:
    """Return *values* as YAML, headed by a comment naming the merged files in order."""
    header = "".join(f"# {number}. {path.name}\n" for number, path in enumerate(files, 1))
    body = yaml.safe_dump(values, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return (f"# Merged values, later files win:\n{header}" if files else "") + body
