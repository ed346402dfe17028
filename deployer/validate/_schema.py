"""Check data against the deployer's JSON Schemas and word the errors for operators.

One :class:`~jsonschema.Draft202012Validator` is compiled per schema and
reused.  Each error becomes a :class:`Finding` at the JSON path of the
offending key or item: the parent object for a missing property, the key
itself for one that is not allowed.  For ``oneOf``/``anyOf`` the best match
is reported and the other branches become details (shown with ``--verbose``).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from typing import TYPE_CHECKING, Any, Final

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match

from deployer.schemas import load_schema
from deployer.validate._report import json_path
from deployer.validate._rules import Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from deployer.config._yaml import JsonPath

__all__ = ["Finding", "inline_refs", "schema_findings", "validator_findings"]

_TYPE_NAMES: Final = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


@dataclasses.dataclass(frozen=True, slots=True)
class Finding:
    """A problem in one file, located by JSON path (or by an explicit position)."""

    path: JsonPath
    rule: str
    message: str
    severity: Severity = Severity.ERROR
    details: tuple[str, ...] = ()
    position: tuple[int, int] | None = None


#: Keywords that only annotate: a ``$ref`` with only these beside it can be inlined.
_ANNOTATIONS: Final = frozenset({"description", "default", "examples", "title", "$comment"})
#: Keywords whose values are data, not subschemas.
_DATA_KEYWORDS: Final = frozenset({"enum", "const", "examples", "default"})
_LOCAL_DEF = "#/$defs/"


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of *schema* with local ``$ref: '#/$defs/x'`` replaced by the definition.

    Validation gives the same result, faster: resolving references is a
    large part of jsonschema's time.  Recursive definitions, references with
    validation keywords beside them and other references are kept as they
    are (``$defs`` stays, so they still resolve).
    """
    defs = schema.get("$defs", {})

    def walk(node: Any, stack: frozenset[str]) -> Any:  # noqa: ANN401 - any schema node
        if isinstance(node, list):
            return [walk(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_LOCAL_DEF):
            name = ref.removeprefix(_LOCAL_DEF)
            siblings = {k: v for k, v in node.items() if k != "$ref"}
            if name in defs and name not in stack and set(siblings) <= _ANNOTATIONS:
                target = walk(defs[name], stack | {name})
                if isinstance(target, dict):
                    return {**target, **siblings}
        return {k: v if k in _DATA_KEYWORDS else walk(v, stack) for k, v in node.items()}

    result: dict[str, Any] = walk(schema, frozenset())
    return result


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    validator: Draft202012Validator = _Validator(
        inline_refs(schema), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return validator


def schema_findings(name: str, data: Any) -> list[Finding]:  # noqa: ANN401 - any document
    """Check *data* against the schema called *name*; every error as a :class:`Finding`."""
    return validator_findings(_validator(name), name, data)


def validator_findings(
    validator: Draft202012Validator,
    kind: str,
    data: Any,  # noqa: ANN401 - any document
) -> list[Finding]:
    """Check *data* with *validator*; *kind* (cluster, hub, chart) words the messages."""
    if data is None:
        return [Finding((), "schema", "the file is empty: it must hold a mapping", position=(1, 1))]
    findings: list[Finding] = []
    for error in validator.iter_errors(data):
        findings.extend(_findings(kind, error, data))
    return findings


def _type_of(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    return "a number"


def _get(data: Any, path: JsonPath) -> Any:  # noqa: ANN401 - any JSON-like value
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _where(kind: str, data: Any, path: JsonPath) -> str:  # noqa: ANN401 - the whole document
    """Name the object at *path* the way an operator would."""
    if kind == "cluster":
        if len(path) >= 2 and path[0] == "hubs" and isinstance(path[1], int):  # noqa: PLR2004 - ("hubs", i)
            name = _get(data, (*path[:2], "name"))
            hub = f"hub {name!r}" if isinstance(name, str) else f"hub #{path[1] + 1}"
            rest = path[2:]
            return hub if not rest else f"{hub}: {_field(rest)}"
        if not path:
            name = _get(data, ("name",))
            return f"cluster {name!r}" if isinstance(name, str) else "the cluster"
        return _field(path)
    if not path:
        return "the chart pin" if kind == "chart" else "the values file"
    return _field(path)


def _field(path: JsonPath) -> str:
    if not path:
        return "the document"
    last = path[-1]
    if isinstance(last, int):
        return f"item {last + 1} of {_field(path[:-1])}"
    return repr(last)


def _example(schema: object) -> str:
    if isinstance(schema, dict):
        examples = schema.get("examples")
        if isinstance(examples, list) and examples and not isinstance(examples[0], dict | list):
            return f" (for example {examples[0]})"
    return ""


def _details(error: ValidationError) -> tuple[str, ...]:
    """List the messages of every branch of a failed ``oneOf``/``anyOf``, for ``--verbose``."""
    messages = {f"{json_path(tuple(e.absolute_path))}: {e.message}" for e in error.context or ()}
    return tuple(sorted(messages))


def _findings(kind: str, error: ValidationError, data: Any) -> Iterator[Finding]:  # noqa: ANN401
    details: tuple[str, ...] = ()
    if error.context:
        details = _details(error)
        error = best_match([error])
    path: JsonPath = tuple(error.absolute_path)
    where = _where(kind, data, path)
    if "propertyNames" in error.schema_path and isinstance(error.instance, str):
        # The error is about a key: point at the key and say so.
        key = error.instance
        message = (
            f"key {key!r} of {where} must match {error.validator_value}"
            if error.validator == "pattern"
            else f"key {key!r} of {where}: {error.message}"
        )
        yield Finding((*path, key), "schema", message, details=details)
        return
    if error.validator == "required" and isinstance(error.validator_value, list):
        for message in _required_messages(kind, error, data, where):
            yield Finding(path, "schema", message, details=details)
    elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
        for key, message in _additional_messages(error, where):
            yield Finding((*path, key), "schema", message, details=details)
    elif error.validator == "uniqueItems" and isinstance(error.instance, list):
        # At each repeat, not the whole list (which can be hundreds of user names).
        for index, first, item in _repeats(error.instance):
            shown = repr(item) if isinstance(item, str | int | float | bool) else "a value"
            message = f"{where} lists {shown} again (first as item {first + 1}): keep one"
            yield Finding((*path, index), "schema", message, details=details)
    else:
        yield Finding(path, "schema", _simple_message(error, where), details=details)


def _repeats(items: list[Any]) -> list[tuple[int, int, Any]]:
    """Every item equal to an earlier one: its index, the earlier one's index, the item.

    One pass with a table of the items seen, so a long list costs no more than
    reading it.
    """
    first_at: dict[object, int] = {}
    found: list[tuple[int, int, Any]] = []
    for index, item in enumerate(items):
        first = first_at.setdefault(_json_key(item), index)
        if first != index:
            found.append((index, first, item))
    return found


def _json_key(value: object) -> object:
    """Return a hashable key, equal for the values JSON Schema holds equal.

    ``1`` and ``1.0`` are equal, ``1`` and ``true`` are not.  Depth is bounded
    by the loader's nesting limit.
    """
    if isinstance(value, bool) or value is None:
        return ("const", value)
    if isinstance(value, int | float):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(_json_key(item) for item in value))
    if isinstance(value, dict):
        return ("object", frozenset((key, _json_key(item)) for key, item in value.items()))
    return ("string", value)


def _unique_items(
    validator: Draft202012Validator,
    unique: object,
    instance: object,
    schema: object,  # noqa: ARG001 - the keyword function's signature
) -> Iterator[ValidationError]:
    """``uniqueItems`` in one pass (jsonschema's own compares every pair of mixed items)."""
    if unique and validator.is_type(instance, "array") and _repeats(instance):  # type: ignore[arg-type]
        yield ValidationError("has non-unique elements")


#: Draft 2020-12 with a linear ``uniqueItems``; everything else as jsonschema does it.
_Validator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"uniqueItems": _unique_items}
)


def _required_messages(kind: str, error: ValidationError, data: Any, where: str) -> list[str]:  # noqa: ANN401
    """Say which property is missing and what to add."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance if isinstance(error.instance, dict) else {}
    provider = _get(data, ("provider",)) if kind == "cluster" else None
    messages: list[str] = []
    required = error.validator_value if isinstance(error.validator_value, list) else []
    for prop in required:
        if prop in instance or repr(prop) not in error.message:
            continue
        if "then" in error.schema_path and prop == provider:
            messages.append(
                f"provider is {provider!r} but there is no {prop!r} block: "
                f"add the {prop}: block saying how to reach the cluster"
            )
            continue
        sub = schema.get("properties", {}).get(prop, {})
        hint = "add it"
        if isinstance(sub, dict) and isinstance(sub.get("enum"), list):
            hint = f"add {prop}: " + " or ".join(str(v) for v in sub["enum"])
        elif _example(sub):
            hint = f"add it{_example(sub)}"
        messages.append(f"{where} has no {prop!r}: {hint}")
    return messages


def _additional_messages(error: ValidationError, where: str) -> list[tuple[str, str]]:
    """Name each key that is not allowed, with the closest allowed key."""
    schema = error.schema if isinstance(error.schema, dict) else {}
    allowed = sorted(schema.get("properties", {}))
    patterns = list(schema.get("patternProperties", {}))
    found: list[tuple[str, str]] = []
    for key in error.instance if isinstance(error.instance, dict) else {}:
        if key in allowed or any(re.search(p, key) for p in patterns):
            continue
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
        found.append((key, f"unknown key {key!r} in {where}: {hint}"))
    return found


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else [value]


def _type_message(error: ValidationError, where: str) -> str:
    value, instance = error.validator_value, error.instance
    types = value if isinstance(value, list) else [value]
    wanted = " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in types)
    message = f"{where} must be {wanted}, not {_type_of(instance)}"
    if "string" in types and isinstance(instance, int | float) and not isinstance(instance, bool):
        message += f": quote it ('{instance}')"
    return message


def _simple_message(error: ValidationError, where: str) -> str:
    """Word one error about one value."""
    validator, value, instance = error.validator, error.validator_value, error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    description = schema.get("description")
    messages: dict[str, Callable[[], str]] = {
        "type": lambda: _type_message(error, where),
        "enum": lambda: (
            f"{where} must be one of: {', '.join(str(v) for v in _as_list(value))} "
            f"(got {instance!r})"
        ),
        "const": lambda: f"{where} must be {value!r} (got {instance!r})",
        "pattern": lambda: (
            f"{where} must look like {schema['examples'][0]} (got {instance!r})"
            if _example(schema)
            else f"{where} must match {value} (got {instance!r})"
        ),
        "minItems": lambda: f"{where} must have at least {value} item{'s' if value != 1 else ''}",
        "minProperties": lambda: (
            f"{where} must have at least {value} entr{'ies' if value != 1 else 'y'}"
        ),
        "minimum": lambda: f"{where} must be at least {value} (got {instance!r})",
        "exclusiveMinimum": lambda: f"{where} must be more than {value} (got {instance!r})",
        "not": lambda: (
            f"{where}: {description.strip()}"
            if isinstance(description, str)
            else f"{where}: {error.message}"
        ),
    }
    if validator in messages:
        return messages[validator]()
    if validator == "minLength" and value == 1:
        return f"{where} must not be empty"
    return f"{where}: {error.message}"
