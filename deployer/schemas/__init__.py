"""The JSON Schemas (draft 2020-12, written in YAML) that configuration files must follow.

- ``cluster``: ``config/clusters/<cluster>/cluster.yaml``
- ``hub``: every hub values file (secret files after decryption)
- ``chart``: ``config/charts/<id>.yaml``

The schemas are package data, so they ship with the deployer and feed
validation, the reference pages and the typed model from one place.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

__all__ = ["SCHEMA_NAMES", "load_schema", "schema_text"]

#: The names :func:`load_schema` accepts, in the order the docs list them.
SCHEMA_NAMES: tuple[str, ...] = ("cluster", "hub", "chart")

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def schema_text(name: str) -> str:
    """Return the YAML source of the schema called *name* (``cluster``, ``hub`` or ``chart``).

    Raises ``ValueError`` for any other name.
    """
    if name not in SCHEMA_NAMES:
        known = ", ".join(SCHEMA_NAMES)
        msg = f"no schema called {name!r}; the schemas are: {known}"
        raise ValueError(msg)
    return resources.files(__name__).joinpath(f"{name}.schema.yaml").read_text(encoding="utf-8")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """Return the schema called *name* (``cluster``, ``hub`` or ``chart``) as a dict.

    The result is parsed once and cached: every caller shares the same
    object, so treat it as read-only (copy it before changing it).
    Raises ``ValueError`` for an unknown name.
    """
    data = yaml.load(schema_text(name), Loader=_Loader)  # noqa: S506 - a safe loader (C or Python)
    if not isinstance(data, dict):  # pragma: no cover - the packaged files are mappings
        msg = f"schema {name!r} is not a mapping"
        raise TypeError(msg)
    return data
