"""One set of rules for every file the docs tools open and every YAML text they load.

* :func:`read_regular` reads regular files only: a folder, a pipe (which
  would block ``open`` forever) or a device (``/dev/zero`` never ends) is
  refused at once, without waiting.  With *inside*, the file must lie inside
  that folder once every symlink on the way is resolved.  At most *limit*
  bytes are read: the count comes from reading, never from the size the
  file reports.
* :func:`load_yaml` refuses aliases that would build more than
  :data:`MAX_ALIAS_NODES` nodes or :data:`MAX_ALIAS_CHARS` characters (a
  "billion laughs" front matter), aliases that refer to themselves, and
  nesting deeper than :data:`MAX_DEPTH`, before anything is built.

The figures are the ones the deployer uses for its configuration files.
Both raise :class:`UnsafeInputError`, whose message names the problem and
what to do, never the content.
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import Any, Final

import yaml

__all__ = [
    "MAX_ALIAS_CHARS",
    "MAX_ALIAS_NODES",
    "MAX_DEPTH",
    "UnsafeInputError",
    "load_yaml",
    "read_regular",
]

#: Most nodes a YAML text may build through aliases, scalars included.
MAX_ALIAS_NODES: Final = 10_000
#: Most characters of scalars that aliases may repeat.
MAX_ALIAS_CHARS: Final = 1024 * 1024
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH: Final = 100

#: Never block on a pipe with no writer, never become its controlling terminal.
_READ_FLAGS: Final = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC

#: libyaml's loader when PyYAML has it.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class UnsafeInputError(Exception):
    """A file or text the tools will not read: what is wrong, and what to do."""


def read_regular(path: Path, *, limit: int, inside: Path | None = None) -> bytes:
    """Return the bytes of the regular file *path*, at most *limit* of them.

    Raises :class:`UnsafeInputError` for a file outside *inside*, anything but a
    regular file, a longer file, or an OS error.
    """
    if inside is not None:
        real, root = os.path.realpath(path), os.path.realpath(inside)
        if not Path(real).is_relative_to(root):
            msg = f"leads outside {inside} (through a symlink?): keep the page itself inside it"
            raise UnsafeInputError(msg)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        msg = f"cannot be read ({exc.strerror or exc})"
        raise UnsafeInputError(msg) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        msg = "is not a regular file (a pipe, a device or a folder): give a file"
        raise UnsafeInputError(msg)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            msg = f"cannot be read ({exc.strerror or exc})"
            raise UnsafeInputError(msg) from None
    if len(data) > limit:
        msg = f"is larger than {limit:,} bytes, the most read from such a file: split it"
        raise UnsafeInputError(msg)
    return data


def _check_aliases(root: yaml.Node) -> None:
    """Refuse a node graph that aliases would make too large, cyclic or too deep."""
    sizes: dict[int, tuple[int, int] | None] = {}  # id(node) → (nodes, chars); None: in progress

    def size(node: yaml.Node, depth: int) -> tuple[int, int]:
        if depth > MAX_DEPTH:
            msg = f"nesting is deeper than {MAX_DEPTH} levels"
            raise UnsafeInputError(msg)
        key = id(node)
        if key in sizes:
            known = sizes[key]
            if known is None:
                msg = "an alias refers to the node that holds it"
                raise UnsafeInputError(msg)
            return known
        sizes[key] = None
        nodes, chars = 1, 0
        if isinstance(node, yaml.ScalarNode):
            chars = len(node.value)
        else:
            for child in node.value:  # a list of nodes, or of (key, value) pairs
                for part in child if isinstance(child, tuple) else (child,):
                    sub_nodes, sub_chars = size(part, depth + 1)
                    nodes, chars = nodes + sub_nodes, chars + sub_chars
        if nodes > MAX_ALIAS_NODES or chars > MAX_ALIAS_CHARS:
            msg = (
                f"aliases would build more than {MAX_ALIAS_NODES:,} nodes or "
                f"{MAX_ALIAS_CHARS:,} characters: write the values out"
            )
            raise UnsafeInputError(msg)
        sizes[key] = (nodes, chars)
        return nodes, chars

    size(root, 0)


def load_yaml(text: str) -> Any:  # noqa: ANN401 - any YAML document
    """Load one YAML document within the bounds; ``None`` for an empty text.

    Raises :class:`yaml.YAMLError` for a syntax error (it carries the line) and
    :class:`UnsafeInputError` for a document past the bounds.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_aliases(node)
        try:
            return loader.construct_document(node)
        except ValueError:  # an integer with more digits than Python converts
            msg = f"a number has more than {sys.get_int_max_str_digits():,} digits: quote it"
            raise UnsafeInputError(msg) from None
    except RecursionError:
        msg = f"nesting is deeper than {MAX_DEPTH} levels"
        raise UnsafeInputError(msg) from None
    finally:
        loader.dispose()
