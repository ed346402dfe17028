"""Decrypt sops-encrypted files into private temporary files.

Decrypted content only ever lives in files readable by the current user
alone (mode 0600, in a folder of mode 0700) that are removed when the
``with`` block ends, whether it ends normally, by an error or by Ctrl-C.
Every value read from a decrypted file is added to the runner's redactor
first, so no later log line, error or printed command can show it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from deployer.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from deployer.runner import Runner

__all__ = [
    "SOPS_KEY",
    "decrypt_file",
    "decrypted_files",
    "private_workdir",
    "redact_tree",
    "unencrypted_values",
]

#: The top-level key where sops keeps its metadata (keys, MAC) in an encrypted file.
SOPS_KEY = "sops"

#: How sops writes an encrypted value.
_ENC_PREFIX, _ENC_SUFFIX = "ENC[", "]"

#: libyaml's loader when PyYAML has it (it always has on the supported platforms).
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@contextlib.contextmanager
def private_workdir(prefix: str = "deployer-") -> Iterator[Path]:
    """Yield a new folder only the user can enter (0700); remove it afterwards."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        path.chmod(0o700)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _read_decrypted(path: Path) -> Any:  # noqa: ANN401 - any YAML document
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def decrypt_file(
    source: Path, dest: Path, runner: Runner, *, secret_keys: Sequence[str] = ()
) -> Path:
    """Decrypt *source* into *dest* (mode 0600) with ``sops --decrypt --output``.

    Every value of the decrypted document is registered with the runner's
    redactor (with *secret_keys*, only the values under those top-level keys,
    as for a kubeconfig whose ``users`` hold the secrets).  In dry-run mode
    only the command is recorded.
    """
    if not runner.dry_run:
        if not source.is_file():
            msg = f"{source}: secret file not found"
            raise ConfigError(msg)
        dest.unlink(missing_ok=True)
        os.close(os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    runner.run(["sops", "--decrypt", "--output", str(dest), str(source)])
    if runner.dry_run:
        return dest
    dest.chmod(0o600)
    data = _read_decrypted(dest)
    if data is None:
        for line in dest.read_text(encoding="utf-8", errors="replace").splitlines():
            runner.redactor.add(line)
    elif secret_keys and isinstance(data, dict):
        for key in secret_keys:
            runner.redactor.add_leaves(data.get(key))
    else:
        runner.redactor.add_leaves(data)
    return dest


@contextlib.contextmanager
def decrypted_files(files: Sequence[Path], runner: Runner) -> Iterator[dict[Path, Path]]:
    """Decrypt *files* into a private folder; yield {encrypted path: decrypted path}.

    The folder and every decrypted file are removed when the block ends.
    """
    with private_workdir("deployer-secrets-") as folder:
        mapping: dict[Path, Path] = {}
        for number, source in enumerate(files, start=1):
            mapping[source] = decrypt_file(source, folder / f"{number:02d}-{source.name}", runner)
        yield mapping


def unencrypted_values(data: Any) -> list[tuple[str | int, ...]] | None:  # noqa: ANN401
    """Return where a file that must be sops-encrypted holds a value in clear.

    ``None`` means the file is not sops-encrypted at all (no ``sops`` block
    with a MAC); otherwise the JSON paths of the values that are not
    ``ENC[...]`` (edited after encryption), empty when all are encrypted.
    """
    sops = data.get(SOPS_KEY) if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(sops, dict) or "mac" not in sops:
        return None
    return [
        path
        for key, value in data.items()
        if key != SOPS_KEY
        for path, leaf in _leaves(value, (key,))
        if not (
            isinstance(leaf, str) and leaf.startswith(_ENC_PREFIX) and leaf.endswith(_ENC_SUFFIX)
        )
    ]


def _leaves(data: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], Any]]:  # noqa: ANN401
    """Yield every scalar of *data* with its JSON path, in document order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))
    else:
        yield path, data


def redact_tree(data: Any, label: str) -> Any:  # noqa: ANN401 - any YAML document
    """Return *data* with every scalar leaf replaced by ``<redacted: from LABEL>``.

    Keys stay visible; the top-level ``sops`` metadata block is dropped.
    """
    marker = f"<redacted: from {label}>"
    if isinstance(data, dict):
        return {key: _redact(value, marker) for key, value in data.items() if key != SOPS_KEY}
    return _redact(data, marker)


def _redact(data: Any, marker: str) -> Any:  # noqa: ANN401 - any YAML document
    if isinstance(data, dict):
        return {key: _redact(value, marker) for key, value in data.items()}
    if isinstance(data, list):
        return [_redact(item, marker) for item in data]
    return marker
