"""Gaps: what the documentation as a whole is missing.

Gaps are information, never a failure of the audit.  They are computed over
a whole tree (even when only some pages are audited) from what the reader
found on each page; no page is read twice.  The kinds:

``empty-category``
    a Diátaxis category with no page (only when some page declares a category,
    and not when a single page, or a folder inside a category folder, is
    audited outside a Sphinx project).
``schema-property``
    a property of a configuration schema (``hubs[].stage``) that no tutorial or
    how-to guide mentions: by its dotted path in the text, as a key in a YAML
    code block (nested under its parents, which a fragment may leave out), or in
    a role such as ``{schema:prop}`cluster:hubs[].stage``` (also when the role
    gives its own text, ``{schema:prop}`the stage <cluster:hubs[].stage>```).
    A key holding characters other than letters, digits, ``_`` and ``-`` is
    quoted in dotted paths (``limits["nvidia.com/gpu"]``) and written as is in
    YAML (``nvidia.com/gpu: 1``).  Only the outermost unmentioned property of a
    branch is listed.
``cli-command``
    a command of the project's click command line (``deployer validate``) that
    no tutorial or how-to guide shows.
``how-to-without-reference``
    a how-to guide that links to no reference page.
``reference-without-explanation``
    a reference page that no explanation links to.
``not-in-toctree``
    (Sphinx trees) a page no toctree includes; the root document and pages
    marked ``orphan`` are exempt.
``tutorial-without-runnable-step``
    a tutorial with no console block (a ``console`` code block with ``$ ``
    prompts) for the learner to run.

Landing pages (``index``) are not counted as a category's pages and are not
checked for links.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

import yaml

from tools.audit._declared import CATEGORIES, declared_category

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from tools.audit._declared import Declared
    from tools.audit._discover import Tree
    from tools.audit._reader import Block, Link, Page

__all__ = [
    "GAP_KINDS",
    "GAP_MEANINGS",
    "CliCommand",
    "Gap",
    "SchemaProperty",
    "TreePage",
    "cli_commands",
    "find_gaps",
    "schema_properties",
]

#: Every gap kind, in the order reports list them.
GAP_KINDS: tuple[str, ...] = (
    "empty-category",
    "schema-property",
    "cli-command",
    "how-to-without-reference",
    "reference-without-explanation",
    "not-in-toctree",
    "tutorial-without-runnable-step",
)

#: What each gap kind means, in a writer's words (for reports and generated reference pages).
GAP_MEANINGS: dict[str, str] = {
    "empty-category": "a Diátaxis category with no page yet",
    "schema-property": "a configuration schema property that no tutorial or how-to guide shows",
    "cli-command": "a command of the command line that no tutorial or how-to guide uses",
    "how-to-without-reference": "a how-to guide that links to no reference page",
    "reference-without-explanation": "a reference page that no explanation links to",
    "not-in-toctree": "a page that no toctree includes (Sphinx projects)",
    "tutorial-without-runnable-step": "a tutorial without a console block of `$ ` commands",
}

_PAGE_SUFFIXES = (".md", ".rst", ".txt")
_CONSOLE_INFOS = frozenset({"console", "shell-session", "sh-session", "bash-session", "terminal"})


@dataclass(frozen=True, slots=True)
class Gap:
    """Something the documentation is missing."""

    kind: str  #: one of :data:`GAP_KINDS`
    subject: str  #: what is missing or where: a category, a property, a command, a page
    message: str  #: what it means and what to do
    path: str | None = None  #: the page concerned (as the report shows paths)
    line: int | None = None


@dataclass(frozen=True, slots=True)
class TreePage:
    """A page of a tree, as the gaps see it."""

    docname: str  #: path relative to the tree root, without suffix
    display: str  #: the path as reports show it
    declared: Declared
    page: Page | None  #: ``None`` when the page could not be read


@dataclass(frozen=True, slots=True)
class SchemaProperty:
    """A property of a configuration schema."""

    schema: str  #: file name of the schema (``cluster.schema.yaml``)
    path: str  #: dotted path (``hubs[].stage``; ``*`` for any key)


@dataclass(frozen=True, slots=True)
class CliCommand:
    """A command of the project's command line."""

    words: tuple[str, ...]  #: ``("deployer", "validate")``

    @property
    def name(self) -> str:
        """The command as typed (``deployer validate``)."""
        return " ".join(self.words)


# --------------------------------------------------------------------------- sources


_MAX_REFS = 20  # a cycle guard
_MAX_DEPTH = 12  # deep enough for any real configuration file


def _resolve_ref(schema: Mapping[str, Any], node: object, depth: int) -> object:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and depth < _MAX_REFS:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            return node
        target: Any = schema
        for part in ref[2:].split("/"):
            target = (
                target.get(part.replace("~1", "/").replace("~0", "~"), {})
                if isinstance(target, dict)
                else {}
            )
        node, depth = target, depth + 1
    return node


_PLAIN = re.compile(r"[\w*-]+")


def _quote(key: str) -> str:
    """Return *key* as a dotted path writes it (quoted in brackets unless plain)."""
    return key if _PLAIN.fullmatch(key) else f'["{key}"]'


def _walk(
    schema: Mapping[str, Any],
    node: object,
    prefix: str,
    depth: int,
    out: dict[str, None],
) -> None:
    if depth > _MAX_DEPTH:
        return
    node = _resolve_ref(schema, node, 0)
    if not isinstance(node, dict):
        return
    properties = node.get("properties")
    if isinstance(properties, dict):
        for key, child in properties.items():
            name = _quote(str(key))
            path = f"{prefix}{name}" if name[:1] == "[" else f"{prefix}.{name}" if prefix else name
            out.setdefault(path, None)
            _walk(schema, child, path, depth + 1, out)
    items = node.get("items")
    if isinstance(items, dict) and prefix:
        _walk(schema, items, f"{prefix}[]", depth + 1, out)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) and prefix:
        _walk(schema, extra, f"{prefix}.*", depth + 1, out)
    for word in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(word, ()) if isinstance(node.get(word), list) else ():
            _walk(schema, sub, prefix, depth + 1, out)
    for word in ("then", "else"):
        _walk(schema, node.get(word), prefix, depth + 1, out)


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=64)
def _file_properties(file: Path, _mtime_ns: int, _size: int) -> tuple[SchemaProperty, ...]:
    """Return the properties of one schema file (cached while the file is unchanged)."""
    try:
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 - safe
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ()
    if not isinstance(data, dict):
        return ()
    paths: dict[str, None] = {}
    _walk(data, data, "", 0, paths)
    return tuple(SchemaProperty(file.name, p) for p in paths)


def schema_properties(schema_dirs: Iterable[Path]) -> list[SchemaProperty]:
    """Return every property of the ``*.schema.yaml``/``*.schema.json`` files in *schema_dirs*.

    Local ``$ref`` are followed; array items add ``[]`` and free-form
    mappings ``.*`` to the path.  Files that cannot be parsed are skipped.
    """
    found: list[SchemaProperty] = []
    for folder in schema_dirs:
        files = sorted([*folder.glob("*.schema.yaml"), *folder.glob("*.schema.json")])
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                continue
            found.extend(_file_properties(file, stat.st_mtime_ns, stat.st_size))
    return found


def cli_commands(spec: str) -> list[CliCommand]:
    """Return the commands of the click command ``module:attribute`` named by *spec*.

    The first word is the module's top package (``deployer.cli:cli`` →
    ``deployer``).  Returns ``[]`` when the module cannot be imported or the
    attribute is not a click command, so the audit works on any tree.
    """
    module_name, _, attribute = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
        import click  # noqa: PLC0415 - only needed when a command line is audited
    except ImportError:
        return []
    root = getattr(module, attribute or "cli", None)
    if not isinstance(root, click.Command):
        return []
    found: list[CliCommand] = []

    def walk(command: click.Command, words: tuple[str, ...]) -> None:
        if isinstance(command, click.Group):
            for name in sorted(command.commands):
                sub = command.commands[name]
                if not sub.hidden:
                    found.append(CliCommand((*words, name)))
                    walk(sub, (*words, name))

    walk(root, (module_name.split(".", 1)[0],))
    return found


# --------------------------------------------------------------------------- mentions

# A key of a dotted path: plain (``stage``, ``*``), or quoted in brackets when it holds other
# characters (``["nvidia.com/gpu"]``), as the schema reference writes it.
_PLAIN_KEY = r"[A-Za-z_*][\w-]*"
_QUOTED_KEY = r"""\[(?:"[^"\s]+"|'[^'\s]+')\]"""
_DOTTED = re.compile(
    rf"(?<![\w.])[A-Za-z_][\w-]*(?:\[\])?(?:(?:\.{_PLAIN_KEY}|{_QUOTED_KEY})(?:\[\])?)+",
)
_PATH = re.compile(rf"{_PLAIN_KEY}(?:\[\])?(?:(?:\.{_PLAIN_KEY}|{_QUOTED_KEY})(?:\[\])?)*")
_KEYS = re.compile(r"""\["([^"]+)"\]|\['([^']+)'\]|([^.\["']+)""")
_INLINE_CODE = re.compile(r"`(?:[\w-]+:)?([A-Za-z_][\w.\[\]*-]*)`")
_SCHEMA_PREFIX = re.compile(r"^[\w-]+:(?!//)")
_YAML_KEY = re.compile(
    r"""^(\s*)(-\s+)?("[^"\n]+"|'[^'\n]+'|[A-Za-z_][\w./-]*)\s*:(?:\s|$)""",
)

#: A property path or a mention: its keys, normalised (lower case, no ``[]``).
_Keys = tuple[str, ...]


def _split(path: str) -> _Keys:
    """Return the keys of a dotted path (``a.b[].c["x.y/z"]`` → ``("a", "b", "c", "x.y/z")``)."""
    keys: list[str] = []
    for quoted, single, plain in _KEYS.findall(path.replace("[]", "")):
        keys.append((quoted or single or plain).lower())
    return tuple(keys)


def _yaml_keys(code: str) -> Iterator[_Keys]:
    """Yield the key path of every key in YAML-looking *code* (fragments welcome)."""
    stack: list[tuple[int, str]] = []
    for line in code.splitlines():
        match = _YAML_KEY.match(line)
        if match is None:
            continue
        indent = len(match.group(1)) + len(match.group(2) or "")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        key = match.group(3)
        if key[:1] in {'"', "'"}:
            key = key[1:-1]
        stack.append((indent, key.lower()))
        yield tuple(k for _, k in stack)


def _target_keys(target: str) -> _Keys | None:
    """Return the keys a role's target names (``hub:custom`` → ``("custom",)``), if a path."""
    path = _SCHEMA_PREFIX.sub("", target.strip(), count=1)
    return _split(path) if _PATH.fullmatch(path) else None


def _mentions(pages: Iterable[Page]) -> tuple[set[_Keys], str]:
    """Return the key paths mentioned on *pages* (with all their tails) and their text."""
    texts: list[str] = []
    found: set[_Keys] = set()
    for page in pages:
        for block in page.blocks:
            texts.append(block.text)
            if block.kind in {"code", "console"} and ":" in block.text:
                found.update(_yaml_keys(block.text))
        for link in page.links:
            if link.kind in {"role", "ref"}:
                texts.append(link.target)
            if link.kind == "role":
                keys = _target_keys(link.target)
                if keys:
                    found.add(keys)
    text = "\n".join(texts)
    # Only words holding a dot or a bracket can be dotted paths: find those first (much faster).
    words = [word for word in text.split() if "." in word or "[" in word]
    found.update(_split(t) for word in words for t in _DOTTED.findall(word))
    paths: set[_Keys] = set()
    for keys in found:
        paths.update(keys[start:] for start in range(len(keys)))
    paths.update((_split(t)) for t in _INLINE_CODE.findall(text))
    paths.discard(())
    return paths, text


def _unmentioned(
    properties: Sequence[SchemaProperty], mentioned: set[_Keys]
) -> list[SchemaProperty]:
    """Return the outermost properties of each branch that *mentioned* does not cover.

    A property is covered when its path, or a tail of it at least two keys
    long (``singleuser.memory.limit`` for ``jupyterhub.singleuser.memory.limit``),
    was mentioned, or when a property below it is covered.  A ``*`` key of a
    property matches any key.
    """
    by_length: dict[int, list[_Keys]] = {}
    for keys in mentioned:
        by_length.setdefault(len(keys), []).append(keys)

    def matches(pattern: _Keys, keys: _Keys) -> bool:
        return all(p in {"*", k} for p, k in zip(pattern, keys, strict=True))

    def hit(keys: _Keys) -> bool:
        tails = [keys, *(keys[i:] for i in range(1, len(keys) - 1))]
        if "*" not in keys:
            return any(t in mentioned for t in tails)
        return any(matches(t, m) for t in tails for m in by_length.get(len(t), ()))

    paths = [(prop, _split(prop.path)) for prop in properties]
    covered: set[tuple[str, _Keys]] = set()
    for prop, keys in paths:
        if hit(keys):
            covered.update((prop.schema, keys[:end]) for end in range(1, len(keys) + 1))
    missing: list[SchemaProperty] = []
    reported: set[tuple[str, _Keys]] = set()
    for prop, keys in paths:
        if (prop.schema, keys) in covered:
            continue
        if any((prop.schema, keys[:end]) in reported for end in range(1, len(keys))):
            continue
        reported.add((prop.schema, keys))
        missing.append(prop)
    return missing


# --------------------------------------------------------------------------- links and toctrees


def _strip_suffix(name: str) -> str:
    for suffix in _PAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _join(docname: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    base = posixpath.dirname(docname)
    return posixpath.normpath(posixpath.join(base, target)) if base else posixpath.normpath(target)


def _link_target(docname: str, link: Link, labels: Mapping[str, str]) -> str | None:
    """Return the document name *link* on page *docname* points to, if it is a page."""
    target = link.target.strip()
    if link.kind == "ref":
        label = target.split("#", 1)[0] if "#" not in target[:1] else target
        return labels.get(label.lower())
    if link.kind == "doc":
        return _strip_suffix(_join(docname, target)) if target else None
    if link.kind == "md":
        path = target.split("#", 1)[0]
        if not path or ":" in path:
            return None
        if path.endswith("/"):
            path += "index"
        return _strip_suffix(_join(docname, path))
    return None


def _category_of(target: str, pages: Mapping[str, TreePage]) -> str | None:
    page = pages.get(target)
    if page is not None:
        return page.declared.category
    # A page not (yet) on disk, such as generated reference: its folder says what it is.
    return declared_category(PurePosixPath(target + ".md"), {}).category


_TITLED = re.compile(r"^(.*?)\s*<([^<>]+)>$")


def _toctree_targets(docname: str, entries: Iterable[str], docnames: Iterable[str]) -> set[str]:
    names = list(docnames)
    found: set[str] = set()
    for raw in entries:
        entry = raw.strip()
        titled = _TITLED.match(entry)
        if titled:
            entry = titled.group(2).strip()
        if not entry or entry == "self" or "://" in entry or entry.startswith("mailto:"):
            continue
        resolved = _strip_suffix(_join(docname, entry))
        if any(c in entry for c in "*?["):
            found.update(fnmatch.filter(names, resolved))
        else:
            found.add(resolved)
    return found


def _runnable(blocks: Iterable[Block]) -> bool:
    for block in blocks:
        if block.kind in {"code", "console"} and (
            block.kind == "console" or block.info.lower() in _CONSOLE_INFOS
        ):
            lines = block.text.splitlines()
            if any(line.lstrip().startswith("$ ") for line in lines):
                return True
    return False


# --------------------------------------------------------------------------- the gaps


def _is_orphan(page: Page | None) -> bool:
    if page is None:
        return False
    value = page.front_matter.get("orphan", False)
    return value is True or value == "" or str(value).lower() in {"true", "yes", "1"}


def _empty_categories(pages: Sequence[TreePage], folders: Mapping[str, str]) -> list[Gap]:
    if not any(p.declared.category for p in pages):
        return []
    present = {p.declared.category for p in pages if not p.declared.landing}
    return [
        Gap("empty-category", category, f"no {category} page yet (expected in {folders[category]})")
        for category in CATEGORIES
        if category not in present
    ]


def _coverage(
    practical: Sequence[Page],
    properties: Sequence[SchemaProperty],
    commands: Sequence[CliCommand],
) -> list[Gap]:
    if not properties and not commands:
        return []
    mentioned, text = _mentions(practical)
    gaps = [
        Gap(
            "schema-property",
            f"{prop.schema}: {prop.path}",
            f"schema property {prop.path} ({prop.schema}) is shown in no tutorial or how-to guide",
        )
        for prop in _unmentioned(properties, mentioned)
    ]
    used = _commands_used(text, {c.words[0] for c in commands})
    gaps.extend(
        Gap(
            "cli-command",
            command.name,
            f"command `{command.name}` is used in no tutorial or how-to guide",
        )
        for command in commands
        if command.words not in used
    )
    return gaps


def _commands_used(text: str, programs: set[str]) -> set[tuple[str, ...]]:
    """Return every word sequence (``("deployer", "validate")``) following a program name."""
    used: set[tuple[str, ...]] = set()
    for program in programs:
        pattern = re.compile(rf"(?<![\w-]){re.escape(program)}((?:[ \t]+[\w-]+){{1,4}})")
        for match in pattern.finditer(text):
            words = match.group(1).split()
            used.update((program, *words[:end]) for end in range(1, len(words) + 1))
    return used


def _links(pages: Sequence[TreePage]) -> list[Gap]:
    by_name = {p.docname: p for p in pages}
    labels: dict[str, str] = {}
    for p in pages:
        if p.page is not None:
            for label in p.page.labels:
                labels.setdefault(label.lower(), p.docname)
    gaps: list[Gap] = []
    from_explanation: set[str] = set()
    for p in pages:
        if p.page is None:
            continue
        targets = {_link_target(p.docname, link, labels) for link in p.page.links} - {None}
        if p.declared.category == "explanation":
            from_explanation.update(t for t in targets if t)
        if (
            p.declared.category == "how-to"
            and not p.declared.landing
            and not any(_category_of(t, by_name) == "reference" for t in targets if t)
        ):
            gaps.append(
                Gap(
                    "how-to-without-reference",
                    p.docname,
                    "how-to guide links to no reference page: link the reference of the "
                    "commands and settings it uses",
                    p.display,
                    1,
                ),
            )
    gaps.extend(
        Gap(
            "reference-without-explanation",
            p.docname,
            "no explanation links to this reference page: link it from the explanation "
            "that gives its background",
            p.display,
            1,
        )
        for p in pages
        if p.declared.category == "reference"
        and not p.declared.landing
        and p.docname not in from_explanation
    )
    return gaps


def _toctrees(tree: Tree, pages: Sequence[TreePage]) -> list[Gap]:
    if not tree.sphinx:
        return []
    names = [p.docname for p in pages]
    included: set[str] = set()
    for p in pages:
        if p.page is not None and p.page.toctree_entries:
            included |= _toctree_targets(p.docname, p.page.toctree_entries, names)
    return [
        Gap(
            "not-in-toctree",
            p.docname,
            "page is in no toctree: add it to the toctree of its section's index",
            p.display,
            1,
        )
        for p in pages
        if p.docname != tree.root_doc and p.docname not in included and not _is_orphan(p.page)
    ]


def find_gaps(
    tree: Tree,
    pages: Sequence[TreePage],
    *,
    properties: Sequence[SchemaProperty] = (),
    commands: Sequence[CliCommand] = (),
    folders: Mapping[str, str],
) -> list[Gap]:
    """Return the gaps of the tree whose pages are *pages*.

    *properties* and *commands* are the schema properties and CLI commands the
    tutorials and how-to guides should mention; *folders* maps a category to
    its folder as reports show it.
    """
    # A folder inside a category folder (docs/how-to given alone) is not the whole docs.
    base = tree.base or tree.root
    in_category = tree.root != base and (
        declared_category(
            PurePosixPath(tree.root.relative_to(base).as_posix(), "x.md"), {}
        ).category
        is not None
    )
    practical = [
        p.page
        for p in pages
        if p.page is not None
        and not p.declared.landing
        and p.declared.category in {"tutorial", "how-to"}
    ]
    gaps = [
        *(() if tree.only or in_category else _empty_categories(pages, folders)),
        *_coverage(practical, properties, commands),
        *_links(pages),
        *_toctrees(tree, pages),
        *(
            Gap(
                "tutorial-without-runnable-step",
                p.docname,
                "tutorial has no runnable step (a ```console block with `$ ` prompts): give "
                "the learner commands to run and the output they will see",
                p.display,
                1,
            )
            for p in pages
            if p.page is not None
            and p.declared.category == "tutorial"
            and not p.declared.landing
            and not _runnable(p.page.blocks)
        ),
    ]
    order = {kind: i for i, kind in enumerate(GAP_KINDS)}
    gaps.sort(key=lambda g: order[g.kind])
    return gaps
