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

from deployer.config._yaml import YamlError, parse_yaml, read_text
from deployer.errors import ConfigError
from deployer.secrets import decrypted_files, redact_tree

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from deployer.config.model import Hub
    from deployer.runner import Runner

__all__ = ["merge_values", "render_values", "values_to_yaml"]


def merge_values(base: Any, override: Any) -> Any:  # noqa: ANN401 - any YAML document
    """Merge *override* into *base* as helm does: maps deeply, everything else replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge_values(merged[key], value) if key in merged else value
        return merged
    return override


def _load(path: Path, shown: Path, *, inside: Path | None, secret: bool) -> Any:  # noqa: ANN401
    """Read one values file (*path*, named *shown* in messages) with the config's YAML rules.

    The file is read as :func:`deployer.config.load_yaml` reads it: a regular
    file inside *inside*, bounded in size and aliases.  For a secret file the
    message never quotes a piece of the file.
    """
    try:
        data = parse_yaml(shown, read_text(path, inside=inside), positions=False).data
    except YamlError as exc:
        message = exc.secret_safe_message if secret else exc.message
        msg = f"{shown}:{exc.line}:{exc.column}: {message}"
        raise ConfigError(msg) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        msg = f"{shown}: a values file must be a mapping at the top level"
        raise ConfigError(msg)
    return data


def render_values(
    hub: Hub, runner: Runner | None = None, *, inside: Path | None = None
) -> dict[str, Any]:
    """Return the hub's merged values; secret values redacted.

    Without *runner* secret files are read encrypted (keys only); with one,
    they are decrypted through sops into private temporary files first.
    With *inside* (the config's root), a values file that leads outside it,
    through a symlink say, is refused.
    """
    secret = [path for path in hub.values_files if "secret" in path.name]
    merged: dict[str, Any] = {}
    if runner is None:
        sources: dict[Path, Path] = {}
        for path in hub.values_files:
            merged = merge_values(merged, _layer(path, sources, inside))
        return merged
    for path in secret:  # checked before sops reads it
        _load(path, path, inside=inside, secret=True)
    with decrypted_files(secret, runner) as sources:
        for path in hub.values_files:
            merged = merge_values(merged, _layer(path, sources, inside))
    return merged


def _layer(path: Path, decrypted: dict[Path, Path], inside: Path | None) -> Any:  # noqa: ANN401
    if "secret" not in path.name:
        return _load(path, path, inside=inside, secret=False)
    if path in decrypted:
        data = _load(decrypted[path], path, inside=None, secret=True)
    else:
        data = _load(path, path, inside=inside, secret=True)
    return redact_tree(data, path.name)


def values_to_yaml(values: dict[str, Any], files: Sequence[Path] = ()) -> str:
    """Return *values* as YAML, headed by a comment naming the merged files in order."""
    header = "".join(f"# {number}. {path.name}\n" for number, path in enumerate(files, 1))
    body = yaml.safe_dump(values, sort_keys=False, default_flow_style=False, allow_unicode=True)
    return (f"# Merged values, later files win:\n{header}" if files else "") + body
