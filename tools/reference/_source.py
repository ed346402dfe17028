"""Read what a module documents about its own names, without importing anything new.

Attribute documentation is written as ``#:`` comments (above a name, or after
it on the same line), the convention Sphinx autodoc reads.  These helpers let
the generated pages show it without the documented module keeping a copy.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

from tools.reference._errors import GenerationError

__all__ = ["attribute_docs"]

_MARK = "#:"


def _comment_after(line: str) -> str:
    code, sep, comment = line.partition(f"  {_MARK}")
    del code
    return comment.strip() if sep else ""


def attribute_docs(owner: Any) -> dict[str, str]:  # noqa: ANN401 - a module or a class
    """Return ``{name: documentation}`` for the names *owner* (a module or class) assigns.

    The documentation is the ``#:`` comment lines right above the assignment,
    or a ``#:`` comment at the end of its line.  Names without one are left out.
    """
    try:
        source = textwrap.dedent(inspect.getsource(owner))
    except (OSError, TypeError) as exc:
        msg = f"{owner!r}: its source cannot be read ({exc})"
        raise GenerationError(msg) from exc
    lines = source.splitlines()
    tree = ast.parse(source)
    body = tree.body
    if inspect.isclass(owner) and body and isinstance(body[0], ast.ClassDef):
        body = body[0].body
    docs: dict[str, str] = {}
    for node in body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name = node.targets[0].id
        else:
            continue
        above: list[str] = []
        index = node.lineno - 2
        while index >= 0 and lines[index].strip().startswith(_MARK):
            above.insert(0, lines[index].strip().removeprefix(_MARK).strip())
            index -= 1
        text = " ".join(above) or _comment_after(lines[node.lineno - 1])
        if text:
            docs[name] = text
    return docs
