"""The category a page declares: by its folder, or by its front matter.

Folder names (the nearest one, walking up from the page) map to a category:
``tutorials/``, ``how-to/``, ``guides/``, ``reference/``, ``explanation/``,
``topics/``, ``concepts/`` and the like (see :data:`FOLDER_CATEGORIES`).
Front matter overrides the folder::

    ---
    diataxis: how-to
    ---

or, to accept a page that reads as mixed or unclear for a reason::

    ---
    diataxis:
      category: how-to
      reason: the troubleshooting table is kept beside the steps it belongs to
    ---

In reST the same is written as a field list at the top of the page
(``:diataxis: how-to`` and ``:diataxis-reason: ...``).  A ``reason`` without
a ``category`` keeps the folder's category.

*Landing pages* (``index`` or ``README``, in any folder or at the root of the
tree) are navigation: they keep the category of their folder, if any, and are
never judged (see :mod:`tools.audit._verdict`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import PurePosixPath

__all__ = [
    "CATEGORIES",
    "CATEGORY_FOLDERS",
    "FOLDER_CATEGORIES",
    "Declared",
    "category_of_folder",
    "declared_category",
    "normalise_category",
]

#: The four Diátaxis categories, in the order reports list them.
CATEGORIES: tuple[str, ...] = ("tutorial", "how-to", "reference", "explanation")

#: The folder a category's pages go in when a tree has none yet.
CATEGORY_FOLDERS: Mapping[str, str] = {
    "tutorial": "tutorials",
    "how-to": "how-to",
    "reference": "reference",
    "explanation": "explanation",
}

_NAMES: dict[str, tuple[str, ...]] = {
    "tutorial": ("tutorial", "tutorials", "tutorial-s", "lessons"),
    "how-to": (
        "how-to", "howto", "how-tos", "howtos", "how-to-guides", "how-to-guide", "howto-guides",
        "guide", "guides", "recipes", "cookbook",
    ),
    "reference": ("reference", "references", "ref", "api", "api-reference"),
    "explanation": (
        "explanation", "explanations", "topics", "topic", "concepts", "concept", "background",
        "discussion", "discussions", "understanding", "explain",
    ),
}  # fmt: skip

#: Folder (and front-matter) name → category, after lower-casing and ``_``/space → ``-``.
FOLDER_CATEGORIES: Mapping[str, str] = {
    name: category for category, names in _NAMES.items() for name in names
}

_LANDING_STEMS = frozenset({"index", "readme", "_index"})


def normalise_category(value: str) -> str | None:
    """Return the category *value* names (``"How-To Guides"`` → ``"how-to"``), or ``None``."""
    key = value.strip().lower().replace("_", "-").replace(" ", "-")
    return FOLDER_CATEGORIES.get(key)


def category_of_folder(name: str) -> str | None:
    """Return the category a folder called *name* holds, or ``None``."""
    return normalise_category(name)


@dataclass(frozen=True, slots=True)
class Declared:
    """What a page says it is."""

    category: str | None  #: one of :data:`CATEGORIES`, or ``None`` (undeclared)
    source: str  #: ``"front matter"``, ``"folder"`` or ``""``
    folder: str = ""  #: the category folder (relative to the tree root), when from a folder
    reason: str | None = None  #: front matter's reason for accepting a mixed/unclear page
    landing: bool = False  #: an ``index``/``README`` page (judged leniently)
    problem: str | None = None  #: front matter that could not be understood


def _folder_category(rel: PurePosixPath) -> tuple[str | None, str]:
    parts = rel.parts[:-1]
    for depth in range(len(parts), 0, -1):
        category = category_of_folder(parts[depth - 1])
        if category is not None:
            return category, "/".join(parts[:depth])
    return None, ""


def _kind(value: object) -> str:
    """Name a YAML value's kind as a writer knows it."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true or false"
    return "a number" if isinstance(value, int | float) else f"a {type(value).__name__}"


def _reason(value: object) -> tuple[str | None, str | None]:
    """Return the reason front matter gives, or the problem with it: it must be text."""
    if value is None or isinstance(value, str):
        return _text(value), None
    problem = (
        f"front matter's reason must be a sentence saying why the page is right as it is, "
        f"not {_kind(value)}; the reason is ignored"
    )
    return None, problem


def _text(value: Any) -> str | None:  # noqa: ANN401 - YAML values are of any type
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def declared_category(rel: PurePosixPath, front_matter: Mapping[str, Any]) -> Declared:
    """Return the category the page at *rel* (relative to its tree) declares."""
    category, folder = _folder_category(rel)
    landing = rel.stem.lower() in _LANDING_STEMS
    raw = front_matter.get("diataxis") if isinstance(front_matter, Mapping) else None
    given = front_matter.get("diataxis-reason", front_matter.get("diataxis_reason"))
    source = "folder" if category else ""
    named: Any = raw
    if isinstance(raw, Mapping):
        named = raw.get("category")
        given = raw.get("reason", given)
    reason, problem = _reason(given)
    if raw is not None and not isinstance(raw, str | Mapping):
        problem = (
            f"front matter `diataxis` must be a category name or a mapping with "
            f"`category` and `reason`, not {type(raw).__name__}"
        )
        named = None
    if isinstance(named, str) and named.strip():
        chosen = normalise_category(named)
        if chosen is None:
            known = ", ".join(CATEGORIES)
            problem = f"front matter `diataxis: {named}` is not a category; use one of {known}"
        else:
            category, source, folder = chosen, "front matter", ""
    return Declared(category, source, folder, reason, landing=landing, problem=problem)
