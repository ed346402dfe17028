"""Turn a JSON Schema (YAML) into a MyST reference page, one section per property.

Every property, at every nesting level, gets a section whose heading is its
dotted path (``hubs[].values_files``, ``singleuser.memory.limit``), a stable
label ``<schema>.<path>`` (so the HTML anchor is ``<schema>-<path-with-dashes>``)
and a ``schema:property`` directive that registers it with the ``schema``
Sphinx domain, so ``{schema:prop}`cluster:hubs[].stage``` links to it.

The functions here are pure: they take the loaded schema and return text.
Loading keeps the line of every mapping, so a property without a description
is reported with its file and line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import yaml

from tools.reference._errors import GenerationError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

__all__ = [
    "LoadedSchema",
    "Property",
    "Rule",
    "anchor_for",
    "collect",
    "load_schema_file",
    "object_name",
    "render_schema_page",
]

#: Marks an array's items in a dotted path: ``hubs[].name``.
ITEMS = "[]"
#: Stands for any key of a map (``additionalProperties``): ``env.*``.
ANY_KEY = "*"

#: Keywords shown as constraints, with the words used for them on the page.
_CONSTRAINTS: tuple[tuple[str, str], ...] = (
    ("pattern", "Pattern"),
    ("format", "Format"),
    ("minLength", "Minimum length"),
    ("maxLength", "Maximum length"),
    ("minimum", "Minimum"),
    ("exclusiveMinimum", "Greater than"),
    ("maximum", "Maximum"),
    ("exclusiveMaximum", "Less than"),
    ("multipleOf", "Multiple of"),
    ("minItems", "Minimum items"),
    ("maxItems", "Maximum items"),
    ("uniqueItems", "Unique items"),
    ("minProperties", "Minimum keys"),
    ("maxProperties", "Maximum keys"),
)

_HEADING_MAX = 6
_ANCHOR_JUNK = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True)
class LoadedSchema:
    """A schema read from *path*, with the line where each mapping starts."""

    name: str
    path: Path
    data: dict[str, Any]
    lines: Mapping[int, int]

    def line_of(self, node: object) -> int | None:
        """Return the 1-based line where the mapping *node* starts, if known."""
        return self.lines.get(id(node))


@dataclass(frozen=True, slots=True)
class Rule:
    """A conditional rule of an object (``if``/``then``/``else`` or ``oneOf``)."""

    when: str
    then: tuple[str, ...]


@dataclass(slots=True)
class Property:
    """One property at any nesting level, with its schema resolved."""

    path: str
    parts: tuple[str, ...]
    schema: dict[str, Any]
    source: object
    required: bool
    depth: int
    conditions: list[str] = field(default_factory=list)


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_keeping_loader(lines: dict[int, int]) -> type[yaml.SafeLoader]:
    class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
        def construct_mapping(
            self,
            node: yaml.MappingNode,
            deep: bool = False,  # noqa: FBT001, FBT002, ARG002 (PyYAML's signature; always deep)
        ) -> dict[Any, Any]:
            mapping: dict[Any, Any] = super().construct_mapping(node, deep=True)
            lines[id(mapping)] = node.start_mark.line + 1
            for key_node, value_node in node.value:
                # A property is reported at its key's line, not at its first keyword's.
                if isinstance(value_node, yaml.MappingNode):
                    value = mapping.get(self.construct_object(key_node))
                    lines[id(value)] = key_node.start_mark.line + 1
            return mapping

    _Loader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
        _Loader.construct_mapping,
    )
    return _Loader


def load_schema_file(name: str, path: Path) -> LoadedSchema:
    """Read the schema *name* from the YAML (or JSON) file *path*."""
    lines: dict[int, int] = {}
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.load(stream, Loader=_line_keeping_loader(lines))  # noqa: S506 (a SafeLoader subclass)
    except OSError as exc:
        msg = f"{path}: cannot read the schema: {exc.strerror}"
        raise GenerationError(msg) from exc
    except yaml.YAMLError as exc:
        msg = f"{path}: not valid YAML: {exc}"
        raise GenerationError(msg) from exc
    if not isinstance(data, dict):
        msg = f"{path}:1: a schema must be a mapping at the top level"
        raise GenerationError(msg)
    return LoadedSchema(name=name, path=path, data=data, lines=lines)


def object_name(schema: str, path: str) -> str:
    """Return the domain object name of a property: ``cluster.hubs[].stage``."""
    return f"{schema}.{path}"


def anchor_for(schema: str, path: str) -> str:
    """Return the HTML anchor of a property: ``cluster-hubs-stage``.

    It is what docutils makes of the label ``<schema>.<path>``; ``*`` (any
    key) becomes ``any``.
    """
    text = object_name(schema, path).replace(ANY_KEY, "any").lower()
    return _ANCHOR_JUNK.sub("-", text).strip("-")


# -- resolving -------------------------------------------------------------------------------


class _Resolver:
    """Follows local ``$ref`` pointers (``#/$defs/...``) of one schema."""

    def __init__(self, loaded: LoadedSchema) -> None:
        self.loaded = loaded

    def pointer(self, ref: str, where: object) -> dict[str, Any]:
        if not ref.startswith("#"):
            self._fail(where, f"only local references are supported, not {ref!r}")
        node: Any = self.loaded.data
        for raw in ref[1:].split("/")[1:]:
            part = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                self._fail(where, f"the reference {ref!r} points nowhere")
            node = node[part]
        if not isinstance(node, dict):
            self._fail(where, f"the reference {ref!r} does not point at a schema")
        return node

    def resolve(self, node: Mapping[str, Any]) -> dict[str, Any]:
        """Return *node* with its ``$ref`` chain merged in (local keywords win)."""
        seen: set[str] = set()
        merged: dict[str, Any] = dict(node)
        while "$ref" in merged:
            ref = merged.pop("$ref")
            if ref in seen:
                self._fail(node, f"the reference {ref!r} is circular")
            seen.add(ref)
            target = self.pointer(ref, node)
            merged = {**target, **merged}
        return merged

    def _fail(self, where: object, message: str) -> NoReturn:
        line = self.loaded.line_of(where)
        location = f"{self.loaded.path}:{line}" if line else str(self.loaded.path)
        msg = f"{location}: {message}"
        raise GenerationError(msg)


# -- collecting ------------------------------------------------------------------------------


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _join(prefix: str, key: str) -> str:
    """Append *key* to a dotted path; a key with other characters is quoted: ``a["x.io/y"]``."""
    if key != ANY_KEY and not _PLAIN_KEY.fullmatch(key):
        return f'{prefix}["{key}"]'
    return f"{prefix}.{key}" if prefix else key


def _subschemas(node: Mapping[str, Any], resolver: _Resolver) -> Iterator[dict[str, Any]]:
    """Yield *node* and the branches of its ``allOf`` and ``if``/``then``/``else``."""
    yield dict(node)
    for branch in node.get("allOf", []):
        if isinstance(branch, dict):
            yield from _subschemas(resolver.resolve(branch), resolver)
    for key in ("then", "else"):
        branch = node.get(key)
        if isinstance(branch, dict):
            yield from _subschemas(resolver.resolve(branch), resolver)


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(t) for t in declared]
    if "properties" in schema:
        return ["object"]
    if "items" in schema:
        return ["array"]
    return []


def collect(loaded: LoadedSchema) -> tuple[list[Property], dict[str, list[Rule]]]:
    """Walk the schema and return every property and the rules of each object.

    Rules are keyed by the dotted path of the object they belong to (``""``
    for the top level).  Raises :class:`GenerationError` when a property has
    no description.
    """
    resolver = _Resolver(loaded)
    found: list[Property] = []
    rules: dict[str, list[Rule]] = {}
    _walk_object(resolver, resolver.resolve(loaded.data), "", (), 0, found, rules)
    missing = [p for p in found if not str(p.schema.get("description", "")).strip()]
    if missing:
        where = []
        for prop in missing:
            line = loaded.line_of(prop.source)
            where.append(f"{loaded.path}:{line or 1}: property `{prop.path}` has no description")
        msg = "\n".join(where) + "\nEvery property needs a `description:`; add one."
        raise GenerationError(msg)
    return found, rules


def _resolve_deep(resolver: _Resolver, node: Mapping[str, Any]) -> dict[str, Any]:
    """Resolve *node* and the schemas of its items and map values (for their types)."""
    schema = resolver.resolve(node)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            schema[key] = resolver.resolve(schema[key])
    return schema


def _walk_object(  # noqa: PLR0917 (the walk carries its position)
    resolver: _Resolver,
    node: dict[str, Any],
    prefix: str,
    parts: tuple[str, ...],
    depth: int,
    found: list[Property],
    rules: dict[str, list[Rule]],
) -> None:
    branches = list(_subschemas(node, resolver))
    required: set[str] = set(node.get("required", []))
    order: list[str] = []
    props: dict[str, tuple[dict[str, Any], object]] = {}
    for branch in branches:
        for key, value in branch.get("properties", {}).items():
            if not isinstance(value, dict):
                continue
            # The first declaration (the object's own `properties`) is the one documented;
            # conditional branches only narrow it, and their rules are shown as rules.
            if key not in props:
                order.append(key)
                props[key] = (_resolve_deep(resolver, value), value)
    object_rules = _rules(node, resolver)
    if object_rules:
        rules[prefix] = object_rules
    conditional = _conditional_requirements(node, resolver)
    for key in order:
        schema, source = props[key]
        path = _join(prefix, key)
        prop = Property(
            path=path,
            parts=(*parts, key),
            schema=schema,
            source=source,
            required=key in required,
            depth=depth,
            conditions=conditional.get(key, []),
        )
        found.append(prop)
        _walk_children(resolver, prop, found, rules)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and prefix:
        schema = resolver.resolve(extra)
        if "properties" in schema or "description" in schema:
            path = _join(prefix, ANY_KEY)
            prop = Property(path, (*parts, ANY_KEY), schema, extra, required=False, depth=depth)
            found.append(prop)
            _walk_children(resolver, prop, found, rules)


def _walk_children(
    resolver: _Resolver,
    prop: Property,
    found: list[Property],
    rules: dict[str, list[Rule]],
) -> None:
    schema = prop.schema
    types = _types(schema)
    if "object" in types and ("properties" in schema or "additionalProperties" in schema):
        _walk_object(resolver, schema, prop.path, prop.parts, prop.depth + 1, found, rules)
    if "array" in types and isinstance(schema.get("items"), dict):
        items = resolver.resolve(schema["items"])
        if "object" in _types(items):
            _walk_object(
                resolver,
                items,
                prop.path + ITEMS,
                (*prop.parts, ITEMS),
                prop.depth + 1,
                found,
                rules,
            )


# -- rules -------------------------------------------------------------------------------


def _code(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    tick = "``" if "`" in text else "`"
    pad = " " if tick == "``" else ""
    return f"{tick}{pad}{text}{pad}{tick}"


def _condition(schema: Mapping[str, Any]) -> str:
    """Describe an ``if`` schema in words: ``provider`` is ``gcp``."""
    words: list[str] = []
    for key, sub in schema.get("properties", {}).items():
        if isinstance(sub, dict) and "const" in sub:
            words.append(f"{_code(key)} is {_code(sub['const'])}")
        elif isinstance(sub, dict) and "enum" in sub:
            options = ", ".join(_code(v) for v in sub["enum"])
            words.append(f"{_code(key)} is one of {options}")
        else:
            words.append(f"{_code(key)} matches {_code(sub)}")
    words.extend(
        f"{_code(key)} is set"
        for key in schema.get("required", [])
        if key not in schema.get("properties", {})
    )
    return " and ".join(words) if words else f"the object matches {_code(schema)}"


def _forbidden(schema: Mapping[str, Any]) -> list[str]:
    """Keys a ``not`` schema forbids: ``not: {required: [a]}`` or ``not: {anyOf: [...]}``."""
    keys: list[str] = list(schema.get("required", []))
    for branch in schema.get("anyOf", []):
        if isinstance(branch, dict):
            keys += list(branch.get("required", []))
    return keys


def _consequences(schema: Mapping[str, Any]) -> list[str]:
    words = [f"{_code(key)} is required" for key in schema.get("required", [])]
    negated = schema.get("not")
    if isinstance(negated, dict):
        keys = _forbidden(negated)
        if keys:
            words += [f"{_code(key)} must not be set" for key in keys]
        else:
            words.append(f"the object must not match {_code(negated)}")
    for key, sub in schema.get("properties", {}).items():
        if sub is False or (isinstance(sub, dict) and sub.get("not") == {}):
            words.append(f"{_code(key)} must not be set")
        elif isinstance(sub, dict) and "const" in sub:
            words.append(f"{_code(key)} must be {_code(sub['const'])}")
        elif isinstance(sub, dict) and "enum" in sub:
            options = ", ".join(_code(v) for v in sub["enum"])
            words.append(f"{_code(key)} must be one of {options}")
    return words


def _if_rules(node: Mapping[str, Any], resolver: _Resolver) -> Iterator[tuple[Rule, str, str]]:
    """Yield each ``if``/``then`` rule of *node* (and its ``allOf``), in order."""
    candidates = [node, *(b for b in node.get("allOf", []) if isinstance(b, dict))]
    for candidate in candidates:
        branch = resolver.resolve(candidate)
        condition = branch.get("if")
        if not isinstance(condition, dict):
            continue
        when = _condition(resolver.resolve(condition))
        for key, prefix in (("then", ""), ("else", "not: ")):
            outcome = branch.get(key)
            if isinstance(outcome, dict):
                words = tuple(_consequences(resolver.resolve(outcome)))
                yield Rule(when=f"{prefix}{when}" if prefix else when, then=words), key, when


def _rules(node: Mapping[str, Any], resolver: _Resolver) -> list[Rule]:
    found = [rule for rule, _, _ in _if_rules(node, resolver)]
    for keyword, word in (("oneOf", "exactly one"), ("anyOf", "at least one")):
        branches = node.get(keyword)
        if not isinstance(branches, list):
            continue
        keys = [
            key
            for b in branches
            if isinstance(b, dict)
            for key in resolver.resolve(b).get("required", [])
        ]
        if keys and len(keys) == len(branches):
            options = ", ".join(_code(k) for k in keys)
            found.append(Rule(when="always", then=(f"{word} of {options} is set",)))
    return found


def _conditional_requirements(
    node: Mapping[str, Any],
    resolver: _Resolver,
) -> dict[str, list[str]]:
    """Map each property that a ``then`` requires to the conditions requiring it."""
    result: dict[str, list[str]] = {}
    for rule, key, when in _if_rules(node, resolver):
        if key != "then":
            continue
        for word in rule.then:
            match = re.fullmatch(r"`([^`]+)` is required", word)
            if match:
                result.setdefault(match.group(1), []).append(when)
    return result


# -- rendering -------------------------------------------------------------------------------


class _IndentedDumper(yaml.SafeDumper):
    """Indent list items under their key, as the config files do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:  # noqa: FBT001, FBT002, ARG002 (PyYAML's signature)
        super().increase_indent(flow=flow, indentless=False)


def _yaml(data: object) -> str:
    return yaml.dump(
        data,
        Dumper=_IndentedDumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=88,
    )


def _flow(value: object) -> str:
    """Return *value* as one line of YAML (flow style): ``[a, b]``, ``{k: v}``, ``4G``."""
    text = yaml.dump(value, Dumper=yaml.SafeDumper, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").strip()


def _in_context(parts: Sequence[str], value: object) -> object:
    """Nest *value* under the keys of *parts*: ``(a, [], b)`` → ``{a: [{b: value}]}``."""
    nested = value
    for part in reversed(parts):
        if part == ITEMS:
            nested = [nested]
        elif part == ANY_KEY:
            nested = {"<name>": nested}
        else:
            nested = {part: nested}
    return nested


def _type_text(schema: Mapping[str, Any]) -> str:
    types = _types(schema)
    alternatives = schema.get("oneOf") or schema.get("anyOf")
    if not types and isinstance(alternatives, list):
        inner = {t for b in alternatives if isinstance(b, dict) for t in _types(b)}
        types = sorted(inner)
    if not types and "const" in schema:
        types = [type(schema["const"]).__name__.replace("str", "string")]
    if not types and "enum" in schema:
        types = ["string"] if all(isinstance(v, str) for v in schema["enum"]) else ["any"]
    words = []
    for name in types or ["any"]:
        if name == "array" and isinstance(schema.get("items"), dict):
            item_types = _types(schema["items"]) or ["any"]
            words.append(f"array of {' or '.join(item_types)}")
        elif name == "object" and isinstance(schema.get("additionalProperties"), dict):
            value_types = _types(schema["additionalProperties"]) or ["any"]
            words.append(f"map of {' or '.join(value_types)}")
        else:
            words.append(name)
    return " or ".join(words)


def _constraint_fields(schema: Mapping[str, Any]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for key, label in _CONSTRAINTS:
        if key in schema:
            value = schema[key]
            fields.append((label, "yes" if value is True else _code(value)))
    return fields


def _value_fields(schema: Mapping[str, Any]) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    if "const" in schema:
        fields.append(("Value", _code(schema["const"])))
    if "enum" in schema:
        fields.append(("Allowed values", ", ".join(_code(v) for v in schema["enum"])))
    return fields


def _required_text(prop: Property) -> str:
    if prop.required:
        return "yes"
    if prop.conditions:
        return "when " + "; or when ".join(prop.conditions)
    return "no (optional)"


def _fields(prop: Property) -> list[tuple[str, str]]:
    """Return the facts of a property, as (label, MyST) pairs of a field list."""
    schema = prop.schema
    fields = [("Type", _type_text(schema)), ("Required", _required_text(prop))]
    if "default" in schema:
        fields.append(("Default", _code(schema["default"])))
    fields += _value_fields(schema)
    fields += _constraint_fields(schema)
    items = schema.get("items")
    if isinstance(items, dict) and "object" not in _types(items):
        facts = [*_value_fields(items), *_constraint_fields(items)]
        if facts:
            fields.append(("Each item", "; ".join(f"{k.lower()} {v}" for k, v in facts)))
    if schema.get("additionalProperties") is False:
        fields.append(("Other keys", "not allowed"))
    if schema.get("deprecated") is True:
        fields.append(("Deprecated", "yes"))
    examples = schema.get("examples", [])
    if len(examples) > 1:
        fields.append(("Examples", ", ".join(_code(_flow(e)) for e in examples)))
    return fields


def _property_section(schema_name: str, prop: Property, heading_base: int) -> list[str]:
    level = min(heading_base + prop.depth, _HEADING_MAX)
    out = [
        f"({anchor_for(schema_name, prop.path)})=",
        f"{'#' * level} {{schema:property}}`{object_name(schema_name, prop.path)}`",
        "",
        str(prop.schema["description"]).strip(),
        "",
    ]
    out += [f":{label}: {value}" for label, value in _fields(prop)]
    out.append("")
    for condition in prop.conditions:
        out += [":::{note}", f"Required when {condition}.", ":::", ""]
    examples = prop.schema.get("examples", [])
    if examples:
        # The first example in context: where it goes in the file.
        out += ["```yaml", _yaml(_in_context(prop.parts, examples[0])).rstrip(), "```", ""]
    return out


def _rules_table(schema_name: str, where: str, rules: Sequence[Rule]) -> list[str]:
    subject = f"`{where}`" if where else "the top level"
    out = [
        f"Rules that apply to {subject}:",
        "",
        "| When | Then |",
        "| --- | --- |",
    ]
    for rule in rules:
        then = "; ".join(_link_keys(schema_name, where, w) for w in rule.then) or "nothing more"
        out.append(f"| {_cell(rule.when)} | {_cell(then)} |")
    out.append("")
    return out


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _link_keys(schema_name: str, where: str, words: str) -> str:
    """Turn the leading ``key`` of a consequence into a link to that property."""
    match = re.match(r"`([^`]+)`(.*)", words)
    if not match:
        return words
    key, rest = match.groups()
    target = f"{schema_name}:{_join(where, key)}"
    return f"{{schema:prop}}`{target}`{rest}"


def render_schema_page(loaded: LoadedSchema, *, source_label: str | None = None) -> str:
    """Return the MyST reference page of *loaded*: one section per property."""
    properties, rules = collect(loaded)
    anchors: dict[str, str] = {}
    for prop in properties:
        anchor = anchor_for(loaded.name, prop.path)
        if anchor in anchors:
            msg = (
                f"{loaded.path}: properties `{anchors[anchor]}` and `{prop.path}` would share"
                f" the anchor #{anchor}; rename one of them"
            )
            raise GenerationError(msg)
        anchors[anchor] = prop.path
    data = loaded.data
    name = loaded.name
    title = str(data.get("title") or f"{name} schema")
    known = {p.path for p in properties}
    out = [
        (
            f"<!-- Generated by tools.reference from {source_label or loaded.path.name}."
            " Do not edit: edit the schema. -->"
        ),
        "",
        f"(schema-{name})=",
        f"# {title}",
        "",
    ]
    description = str(data.get("description", "")).strip()
    if description:
        out += [description, ""]
    out += [
        "Each property below has its own section and anchor; link to one from any page",
        f"with `` {{schema:prop}}`{name}:<dotted.path>` ``.",
        "",
    ]
    if rules:
        out += ["## Conditional rules", ""]
        for where, object_rules in rules.items():
            visible = [r for r in object_rules if r.then]
            if visible and (where in known or not where):
                out += _rules_table(name, where, visible)
    out += ["## Properties", ""]
    out += ["| Property | Type | Required |", "| --- | --- | --- |"]
    for prop in properties:
        required = "yes" if prop.required else ("conditional" if prop.conditions else "no")
        link = f"{{schema:prop}}`{name}:{prop.path}`"
        out.append(f"| {link} | {_type_text(prop.schema)} | {required} |")
    out.append("")
    for prop in properties:
        out += _property_section(name, prop, heading_base=3)
    return "\n".join(out).rstrip() + "\n"
