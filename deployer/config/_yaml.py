"""Read one YAML file safely, optionally keeping the position of every key and list item.

The stream is composed by libyaml (``yaml.CSafeLoader``) into a node graph and
the Python values are built here from the nodes, which gives three things the
stock constructors do not:

* positions: the 1-based line and column of every mapping key and list item,
  keyed by its JSON path (``("hubs", 3, "domain")``), so a problem found later
  can be shown as ``file:line:col``;
* strictness: duplicate keys, tags outside the plain JSON-like set, alias
  bombs, recursive aliases, several documents in one file, files that are too
  large, not UTF-8 or contain NUL bytes are refused;
* one data model: values are only ``dict``, ``list``, ``str``, ``int``,
  ``float``, ``bool`` and ``None`` (timestamps stay the strings written), so
  what the schema checks is what Helm gets.

Every refusal is a :class:`YamlError` naming the file, line and column.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import TYPE_CHECKING, Any, ClassVar, Final

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from deployer._fs import FileRefusedError, read_bounded
from deployer.errors import ConfigError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "MAX_ALIAS_CHARS",
    "MAX_ALIAS_NODES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "JsonPath",
    "Positions",
    "YamlError",
    "YamlFile",
    "load_yaml",
    "load_yaml_data",
    "parse_yaml",
    "read_text",
]

#: Largest file read, in bytes: config files are small; anything bigger is a mistake.
MAX_BYTES: Final = 1024 * 1024
#: Most nodes that aliases may make built again (guards against "billion laughs").
MAX_ALIAS_NODES: Final = 10_000
#: Most characters of scalars that aliases may repeat (a long string aliased many times).
MAX_ALIAS_CHARS: Final = MAX_BYTES
#: Deepest nesting of mappings and lists accepted.
MAX_DEPTH: Final = 100

#: A JSON path as a tuple of mapping keys and list indexes.
JsonPath = tuple[str | int, ...]
#: Line and column (1-based) of every mapping key and list item, by JSON path.
Positions = dict[JsonPath, tuple[int, int]]

_TAG = "tag:yaml.org,2002:"
_STR = _TAG + "str"
_NULL = _TAG + "null"
_BOOL = _TAG + "bool"
_INT = _TAG + "int"
_FLOAT = _TAG + "float"
_TIMESTAMP = _TAG + "timestamp"
_MERGE = _TAG + "merge"
_SEQ = _TAG + "seq"
_MAP = _TAG + "map"
_SCALAR_TAGS: Final = frozenset({_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP})
_CONSTRUCTOR: Final = SafeConstructor()
#: Most plain scalars whose tags are remembered (see ``_Loader``).
_MAX_MEMO: Final = 50_000


class YamlError(ConfigError):
    """A file that cannot be read as configuration YAML, with where and why."""

    def __init__(  # noqa: PLR0917 - a location is these five values
        self,
        path: Path,
        line: int,
        column: int,
        rule: str,
        message: str,
        json_path: JsonPath = (),
    ) -> None:
        """Keep the location (1-based line and column, JSON path), the rule id and the message."""
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path = path
        self.json_path = json_path
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message

    @property
    def secret_safe_message(self) -> str:
        """Return the message as told about a secret file: never quoting a piece of it."""
        return SECRET_SAFE_MESSAGES.get(self.rule, self.message)


#: The wording of refusals that would quote a piece of the file (a tag, a
#: byte, the text around a syntax error), as given for secret files, where
#: that piece may be a secret value.  Line and column are still given.
SECRET_SAFE_MESSAGES: Final = {
    "unknown-tag": (
        "a YAML tag (!...) is not allowed: if a value starts with '!', quote it "
        "(the tag is not shown: this is a secret file)"
    ),
    "not-utf8": "file is not UTF-8: save it as UTF-8",
    "yaml-syntax": (
        "not valid YAML here: edit the file with `sops <file>` and fix it "
        "(the details are not shown: this is a secret file)"
    ),
}


@dataclasses.dataclass(frozen=True, slots=True)
class YamlFile:
    """The data of one YAML file and the positions of its keys and items."""

    path: Path
    data: Any
    positions: Positions

    def position(self, path: JsonPath) -> tuple[int, int]:
        """Line and column of *path*, or of its nearest ancestor that has one."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return (1, 1)


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of byte *offset* of *raw*."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def read_text(path: Path, *, inside: Path | None = None) -> str:
    """Read *path* as configuration text: at most :data:`MAX_BYTES`, UTF-8, no NUL byte.

    The file is read by :func:`deployer._fs.read_bounded`, with its rules: a
    regular file, inside *inside* (when given) once symlinks are resolved.  A
    leading byte-order mark is dropped.  Raises :class:`YamlError` (rules
    ``path-escape``, ``file-too-large``, ``nul-byte``, ``not-utf8``,
    ``unreadable``).
    """
    try:
        raw = read_bounded(path, limit=MAX_BYTES, inside=inside)
    except FileRefusedError as exc:
        message = exc.message
        if exc.rule == "file-too-large":
            message = f"file is larger than {MAX_BYTES // 1024} KiB: config files must be small"
        raise YamlError(path, 1, 1, exc.rule, message) from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, column = _line_col(raw, nul)
        message = "file contains a NUL byte: is it a binary file?"
        raise YamlError(path, line, column, "nul-byte", message)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        message = f"file is not UTF-8 (byte 0x{raw[exc.start]:02x}): save it as UTF-8"
        raise YamlError(path, line, column, "not-utf8", message) from None
    return text.removeprefix("\ufeff")


class _Loader(yaml.CSafeLoader):
    """libyaml's safe loader with a memo of the tags of plain scalars.

    Resolving a plain scalar's tag runs regular expressions in Python; the
    same keys and values recur across config files, so their tags are kept.
    """

    _tags: ClassVar[dict[str, str]] = {}

    def resolve(self, kind: type[Node], value: Any, implicit: Any) -> str:  # noqa: ANN401
        if kind is ScalarNode and implicit[0]:
            tags = _Loader._tags
            tag = tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(tags) >= _MAX_MEMO:
                    tags.clear()
                tags[value] = tag
            return tag
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call,no-any-return]


def _compose(path: Path, text: str) -> Node | None:
    """Compose the single document of *text* with libyaml, or raise :class:`YamlError`."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        if isinstance(exc, yaml.composer.ComposerError) and "another document" in str(exc.problem):
            message = "file holds several YAML documents (---): keep one document per file"
            raise YamlError(path, line, column, "multi-document", message) from None
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        raise YamlError(path, line, column, "yaml-syntax", f"{problem}{context}") from None
    except yaml.reader.ReaderError as exc:
        raw = text.encode("utf-8")
        line, column = _line_col(raw, min(exc.position, len(raw)))
        message = f"character not allowed in YAML: {exc.reason}"
        raise YamlError(path, line, column, "yaml-syntax", message) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports with marks
        raise YamlError(path, 1, 1, "yaml-syntax", str(exc)) from None


class _Builder:
    """Build plain Python values from a node graph, recording positions on request."""

    __slots__ = ("aliased", "aliased_chars", "file", "in_progress", "positions", "seen")

    def __init__(self, file: Path, *, positions: bool) -> None:
        self.file = file
        self.positions: Positions | None = {} if positions else None
        #: Every node built so far: one met again is reached through an alias.
        self.seen: set[int] = set()
        self.in_progress: set[int] = set()
        self.aliased = 0
        self.aliased_chars = 0

    def error(self, node: Node, rule: str, message: str, path: JsonPath) -> YamlError:
        mark = node.start_mark
        # Paths are only tracked when positions are recorded.
        where = path if self.positions is not None else ()
        return YamlError(self.file, mark.line + 1, mark.column + 1, rule, message, where)

    def count(self, node: Node, path: JsonPath) -> None:
        """Count *node* if an alias makes it built again; refuse past the alias limits.

        Every node built again counts once, a scalar also with its length, so
        neither many aliases of a collection nor of a long string can make the
        data (or what is printed from it) grow far beyond the file.
        """
        key = id(node)
        if key not in self.seen:
            self.seen.add(key)
            return
        self.aliased += 1
        if isinstance(node, ScalarNode):
            self.aliased_chars += len(node.value)
        if self.aliased > MAX_ALIAS_NODES or self.aliased_chars > MAX_ALIAS_CHARS:
            message = (
                f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes or "
                f"{MAX_ALIAS_CHARS:,} characters: write the values out instead of "
                "repeating large anchors"
            )
            raise self.error(node, "alias-limit", message, path)

    def enter(self, node: Node, path: JsonPath, depth: int) -> None:
        """Track a collection, to count alias expansion and catch recursion and depth."""
        key = id(node)
        if key in self.in_progress:
            raise self.error(
                node, "alias-limit", "recursive alias: an anchor refers to itself", path
            )
        if depth > MAX_DEPTH:
            message = f"nesting is deeper than {MAX_DEPTH} levels"
            raise self.error(node, "yaml-syntax", message, path)
        self.count(node, path)
        self.in_progress.add(key)

    def scalar(self, node: ScalarNode, path: JsonPath) -> Any:  # noqa: ANN401 - JSON-like
        self.count(node, path)
        tag = node.tag
        if tag in (_STR, _TIMESTAMP):
            return node.value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return _CONSTRUCTOR.construct_yaml_bool(node)
        if tag == _INT:
            try:
                return _CONSTRUCTOR.construct_yaml_int(node)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                message = (
                    f"the number has more than {sys.get_int_max_str_digits():,} digits: "
                    "quote it if it is text"
                )
                raise self.error(node, "yaml-syntax", message, path) from None
        if tag == _FLOAT:
            return _CONSTRUCTOR.construct_yaml_float(node)
        raise self.error(node, "unknown-tag", _tag_message(tag), path)

    def build(self, node: Node, path: JsonPath, depth: int) -> Any:  # noqa: ANN401 - JSON-like
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        self.enter(node, path, depth)
        try:
            if isinstance(node, MappingNode):
                if node.tag != _MAP:
                    raise self.error(node, "unknown-tag", _tag_message(node.tag), path)
                return self.mapping(node, path, depth)
            if node.tag != _SEQ:
                raise self.error(node, "unknown-tag", _tag_message(node.tag), path)
            positions = self.positions
            result: list[Any] = []
            for index, item in enumerate(node.value):
                if positions is not None:
                    item_path = (*path, index)
                    positions[item_path] = (item.start_mark.line + 1, item.start_mark.column + 1)
                    result.append(self.build(item, item_path, depth + 1))
                else:
                    result.append(self.build(item, path, depth + 1))
            return result
        finally:
            self.in_progress.discard(id(node))

    def mapping(self, node: MappingNode, path: JsonPath, depth: int) -> dict[str, Any]:
        positions = self.positions
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        pairs = node.value
        if any(key_node.tag == _MERGE for key_node, _ in pairs):
            pairs = self.merge(node, path, depth, result)
        for key_node, value_node in pairs:
            if not isinstance(key_node, ScalarNode):
                message = "mapping keys must be plain strings, not lists or mappings"
                raise self.error(key_node, "yaml-syntax", message, path)
            if key_node.tag not in _SCALAR_TAGS:
                raise self.error(key_node, "unknown-tag", _tag_message(key_node.tag), path)
            key: str = key_node.value
            if key_node.tag != _STR:
                kind = _KEY_KINDS.get(key_node.tag, "a date")
                message = (
                    f"key {key!r} is read by YAML as {kind}, not as text: quote it "
                    f"({_quoted(key)}:) so that every tool reads the same key"
                )
                raise self.error(key_node, "non-string-key", message, (*path, key))
            line = key_node.start_mark.line + 1
            if key in first_line:
                message = (
                    f"duplicate key {key!r} (first at line {first_line[key]}): "
                    "keep only one, the later one would silently win"
                )
                raise self.error(key_node, "duplicate-key", message, (*path, key))
            first_line[key] = line
            if positions is not None:
                key_path = (*path, key)
                positions[key_path] = (line, key_node.start_mark.column + 1)
                result[key] = self.build(value_node, key_path, depth + 1)
            else:
                result[key] = self.build(value_node, path, depth + 1)
        return result

    def merge(
        self, node: MappingNode, path: JsonPath, depth: int, result: dict[str, Any]
    ) -> list[tuple[Node, Node]]:
        """Put the entries of merge keys (``<<: *anchor``) in *result*; return the other pairs."""
        rest: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag != _MERGE:
                rest.append((key_node, value_node))
                continue
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    message = "a merge key (<<) takes a mapping or a list of mappings"
                    raise self.error(key_node, "yaml-syntax", message, path)
                merged = self.build(source, path, depth)
                for key, value in merged.items():
                    result.setdefault(key, value)
        return rest


#: What YAML makes of a key that is not text, by its resolved tag.
_KEY_KINDS: Final = {_INT: "a number", _FLOAT: "a number", _BOOL: "a boolean", _NULL: "null"}


def _quoted(key: str) -> str:
    """Spell *key* as a double-quoted YAML scalar."""
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _tag_message(tag: str) -> str:
    shown = tag.replace(_TAG, "!!")
    return (
        f"tag {shown} is not allowed: config files hold only plain mappings, lists, "
        "strings, numbers, booleans and null"
    )


def parse_yaml(path: Path, text: str, *, positions: bool = True) -> YamlFile:
    """Parse *text* (the content of *path*) into a :class:`YamlFile`.

    With ``positions=False`` no positions are recorded (faster); everything
    else is checked the same way.  An empty document gives ``None``.
    """
    node = _compose(path, text)
    builder = _Builder(path, positions=positions)
    if node is None:
        return YamlFile(path, None, {(): (1, 1)} if positions else {})
    data = builder.build(node, (), 0)
    found = builder.positions if builder.positions is not None else {}
    if positions:
        found[()] = (node.start_mark.line + 1, node.start_mark.column + 1)
    return YamlFile(path, data, found)


def load_yaml(path: Path, *, inside: Path | None = None) -> tuple[Any, Positions]:
    """Read *path* and return its data and the position of every key and list item.

    With *inside*, the file must lie in that folder (see :func:`read_text`).
    Raises :class:`YamlError` (a :class:`~deployer.errors.ConfigError`) with
    the file, line and column when the file cannot be read as configuration.
    """
    loaded = parse_yaml(path, read_text(path, inside=inside))
    return loaded.data, loaded.positions


def load_yaml_data(path: Path, *, inside: Path | None = None) -> Any:  # noqa: ANN401 - JSON-like
    """Read *path* like :func:`load_yaml`, without recording positions (faster)."""
    return parse_yaml(path, read_text(path, inside=inside), positions=False).data
