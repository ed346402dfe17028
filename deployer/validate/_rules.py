"""Every rule ``deployer validate`` checks, with a one-line description each.

This table is the one place rule ids are declared: problems carry these ids
(``[rule]`` in the text report, ``"rule"`` in JSON) and the reference pages
list them from here.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = ["RULES", "Severity"]


class Severity(enum.StrEnum):
    """How bad a problem is: errors fail validation, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


#: Rule id -> what it checks, one line each.  Every rule is an error unless noted.
RULES: Final[dict[str, str]] = {
    "schema": "A file does not follow its JSON Schema (cluster, hub values or chart pin).",
    "yaml-syntax": "A file is not well-formed YAML (or nests deeper than the loader accepts).",
    "multi-document": "A file holds several YAML documents; each file must hold exactly one.",
    "duplicate-key": "A mapping repeats a key; YAML would silently keep only the last value.",
    "unknown-tag": "A value uses a YAML tag other than plain maps, lists and scalars.",
    "non-string-key": "A mapping key that YAML reads as a number, boolean or null: quote it.",
    "alias-limit": "YAML aliases expand too much (an alias bomb) or refer to themselves.",
    "file-too-large": "A file is larger than 1 MiB; config files are small.",
    "not-utf8": "A file is not UTF-8 text.",
    "nul-byte": "A file contains a NUL byte (a binary file where YAML is expected).",
    "unreadable": "A file exists but cannot be read (permissions, or it is not a regular file).",
    "folder-name": "A cluster's name differs from the name of its folder.",
    "missing-file": "A file named in cluster.yaml (or cluster.yaml itself) does not exist.",
    "path-escape": (
        "A path in cluster.yaml leaves its folder (absolute, '..' or a symlink), or a file or "
        "cluster folder leads outside the config root through a symlink."
    ),
    "unknown-chart": "A chart id has no file config/charts/<id>.yaml.",
    "duplicate-hub": "Two hubs of one cluster have the same name.",
    "duplicate-domain": "Two hubs (of any clusters) have the same domain.",
    "unencrypted-secret": "A file named *secret* is not fully sops-encrypted.",
    "misnamed-encrypted": "A sops-encrypted file is not named *secret*, so it is not decrypted.",
    "chart-layout": "A hub values file does not use the layout of the hub's chart (daskhub nests).",
    "unreferenced-file": "Warning: a file in a cluster folder is not used by its cluster.yaml.",
    "too-many-problems": (
        "Not a check: counts the problems of a file beyond the first 100, which are not listed."
    ),
}
