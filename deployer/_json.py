"""JSON given on the command line or written by another command, read within bounds.

Plans, result records and ``--labels`` are JSON.  They are read with the same
limits as the configuration: at most :data:`MAX_JSON_BYTES` from a file or a
pipe, and no nesting deeper than :data:`~deployer.config._yaml.MAX_DEPTH`.  A
document that breaks either is a :class:`~deployer.errors.UsageError` naming
its source, never a ``RecursionError`` or an unbounded read.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from deployer._fs import FileRefusedError, read_stream
from deployer.config._yaml import MAX_DEPTH
from deployer.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["MAX_JSON_BYTES", "parse_json", "read_json_text"]

#: The most bytes read from one JSON file: a plan or the results of a large run
#: are a few hundred kilobytes.
MAX_JSON_BYTES = 16 * 1024 * 1024


def _depth(data: object) -> int:
    """Return how deeply lists and objects nest in *data* (a scalar is 0)."""
    deepest, level, todo = 0, 0, [(data, 1)]
    while todo:
        value, level = todo.pop()
        if isinstance(value, dict):
            todo.extend((v, level + 1) for v in value.values())
        elif isinstance(value, list):
            todo.extend((v, level + 1) for v in value)
        else:
            continue
        deepest = max(deepest, level)
    return deepest


def parse_json(text: str, source: str, *, expected: str, line: int | None = 1) -> Any:  # noqa: ANN401 - any JSON value
    """Parse *text* from *source*; *expected* says what it should be, for the error.

    *line* is the line of the file where *text* starts, so that an error points
    at ``FILE:LINE:COLUMN``; ``None`` when *text* is an option's value.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if line is None:
            where = f"{source} is not JSON ({exc.msg} at column {exc.colno})"
        else:
            where = f"{source}:{line + exc.lineno - 1}:{exc.colno}: not JSON ({exc.msg})"
        msg = f"{where}: give {expected}"
        raise UsageError(msg) from None
    except RecursionError:
        data = None
        deep = True
    else:
        deep = _depth(data) > MAX_DEPTH
    if deep:
        msg = f"{source}: JSON nested deeper than {MAX_DEPTH} levels: give {expected}"
        raise UsageError(msg)
    return data


def read_json_text(path: Path, *, expected: str) -> str:
    """Return the UTF-8 text of the JSON file (or pipe) *path*, read within bounds.

    *expected* says what the file should hold, for the errors.
    """
    try:
        with path.open("rb") as stream:
            data = read_stream(stream, limit=MAX_JSON_BYTES, name=str(path))
    except OSError as exc:
        msg = f"cannot read {path}: {exc.strerror}; give {expected}"
        raise UsageError(msg) from None
    except FileRefusedError as exc:
        msg = f"{path}: {exc.message}; give {expected}"
        raise UsageError(msg) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        msg = f"{path}: not UTF-8 text; give {expected}"
        raise UsageError(msg) from None
