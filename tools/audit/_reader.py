"""A fast, line-based structural reader for MyST/CommonMark and reStructuredText pages.

The audit needs the *shape* of a page (headings, paragraphs, lists, code,
admonitions, tables, directives) and its anchors and links, for thousands of
pages per second.  A full parse (markdown-it-py, docutils) is far too slow for
that, so this module scans lines with a handful of regular expressions and a
small stack of open fences or directives.  It is forgiving by design:

* :func:`read_text` never raises on any ``str``.  Problems it notices (a fence
  or directive never closed, broken front matter) become ``Page.warnings`` or
  ``Page.front_matter_error``; the rest of the page is still read.
* :func:`read_file` raises :class:`~tools.audit._errors.ReadError` with a clear
  message for a file that is not text: binary (NUL bytes), not UTF-8, larger
  than *max_bytes* (default 5 MB, the file is not read at all), or an OS error.
  An empty file is read as an empty page with a warning.

Block text is prose with the markup of links and roles replaced by the text a
reader sees (``[the guide](../how-to/x.md)`` becomes ``the guide``;
``{ref}`howto-x``` and ``:doc:`tutorial/x``` become nothing), so a classifier
reading ``Block.text`` never sees anchors, labels or link targets.  Those are
kept apart, in ``Page.links``, ``Page.labels`` and ``Page.toctree_entries``.
Inline code keeps its backticks (```x```).  Code blocks keep their raw content.

Lists give one :class:`Block` per item (``kind`` ``"list"`` or
``"ordered_list"``, ``level`` = nesting depth); reST field lists, definition
lists and MyST glossaries are items of kind ``"list"`` with ``info``
``"field"`` or ``"definition"``.  A heading is the first block of its section.
An admonition or other container directive gives one block (``text`` = its
argument, e.g. an admonition's title; ``info`` = its name) followed by the
blocks of its content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from tools._safe import UnsafeInputError, load_yaml, read_regular
from tools.audit._errors import ReadError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

__all__ = [
    "BLOCK_KINDS",
    "Block",
    "Link",
    "Page",
    "Section",
    "read_file",
    "read_text",
]

#: Every value :attr:`Block.kind` can take.
BLOCK_KINDS = (
    "heading",
    "paragraph",
    "list",
    "ordered_list",
    "code",
    "console",
    "admonition",
    "table",
    "directive",
    "toctree",
    "image",
    "html",
    "blank",
)


class Block(NamedTuple):
    """One structural element of a page (a named tuple: pages make many, and cheaply)."""

    #: One of :data:`BLOCK_KINDS`.
    kind: str
    #: Prose for prose blocks (links replaced by their text), raw content for code.
    text: str
    #: 1-based line in the file where the element starts.
    line: int
    #: Heading level; nesting depth of a list item; 0 otherwise.
    level: int = 0
    #: Fence language, directive or admonition name (``"note"``, ``"python"``, ``"tab-set"``),
    #: ``"field"``/``"definition"`` for field and definition list items.
    info: str = ""


class Link(NamedTuple):
    """A link or cross-reference found on a page."""

    #: Where it points: a URL, a path, a label or a document name, as written.
    target: str
    #: The text a reader sees ("" when the text comes from the target, as in ``{ref}`x```).
    text: str
    #: 1-based line.
    line: int
    #: ``"doc"`` (``{doc}``/``:doc:``), ``"ref"`` (``{ref}``, ``:ref:``, `` `x`_ ``),
    #: ``"url"`` (has a scheme), ``"md"`` (a Markdown link to a path) or ``"role"`` (other roles).
    kind: str


class Section(NamedTuple):
    """A heading and the blocks up to the next heading (of any level)."""

    #: The heading's text; "" for the part before the first heading.
    title: str
    #: The heading's level (1 = page title); 0 for the preamble.
    level: int
    #: Line of the heading (1 for the preamble).
    line: int
    #: The blocks, the heading block first.
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Page:
    """What the reader found on one page."""

    path: Path | None
    #: ``"md"``, ``"rst"`` or ``"txt"`` (read as reST).
    format: str
    #: Parsed front matter (MyST ``---`` YAML block, or a reST field list before the title).
    front_matter: Mapping[str, Any]
    #: Why the front matter could not be read, if it could not (the page is still read).
    front_matter_error: str | None
    #: The first heading's text (or a front matter ``title``); "" if neither.
    title: str
    sections: tuple[Section, ...]
    links: tuple[Link, ...]
    #: Raw entries of ``toctree`` directives, as written.
    toctree_entries: tuple[str, ...]
    #: Anchors defined on the page (``(label)=``, ``.. _label:``).
    labels: tuple[str, ...]
    #: Problems the reader noticed, each starting with ``line N:``.
    warnings: tuple[str, ...]

    @property
    def blocks(self) -> tuple[Block, ...]:
        """All blocks of the page, in order."""
        return tuple(b for s in self.sections for b in s.blocks)


# --------------------------------------------------------------------------- directive names

#: Directives whose content is not prose (kept raw), with the block kind they give.
_RAW_DIRECTIVES = {
    "code": "code",
    "code-block": "code",
    "sourcecode": "code",
    "code-cell": "code",
    "literalinclude": "code",
    "highlight": "code",
    "doctest": "code",
    "testcode": "code",
    "testoutput": "code",
    "math": "code",
    "raw": "html",
    "mermaid": "code",
    "graphviz": "code",
    "digraph": "code",
    "graph": "code",
    "jsonschema": "code",
    "program-output": "code",
    "command-output": "code",
    "include": "directive",
    "csv-table": "table",
    "list-table": "table",
    "table": "table",
    "image": "image",
    "figure": "image",
    "toctree": "toctree",
    "glossary": "list",
}

#: Admonitions: their content is prose, read like the rest of the page.
_ADMONITIONS = frozenset(
    {
        "admonition",
        "attention",
        "caution",
        "danger",
        "error",
        "hint",
        "important",
        "note",
        "seealso",
        "tip",
        "todo",
        "warning",
        "versionadded",
        "versionchanged",
        "deprecated",
        "versionremoved",
    }
)

_CONSOLE_LANGS = frozenset(
    {"console", "shell-session", "sh-session", "doscon", "pycon", "ps1con", "bash-session"}
)

#: Roles whose content is a target: the reader sees the text only when given as ``text <target>``.
_TARGET_ROLES = frozenset({"ref", "doc", "numref", "any", "download", "eq", "external", "need"})
#: Roles rendered as plain text.
_TEXT_ROLES = frozenset(
    {
        "guilabel",
        "menuselection",
        "abbr",
        "dfn",
        "term",
        "emphasis",
        "strong",
        "sub",
        "sup",
        "subscript",
        "superscript",
        "title-reference",
        "rfc",
        "pep",
    }
)
_MAX_DEPTH = 40

# --------------------------------------------------------------------------- inline markup

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# Each pattern starts with a plain character (its lookbehind, if any, comes after it), so the
# regular expression engine can skip to the places where that character is.
# No part may run over the next opening bracket ("[", "<"): an opening never closed then
# costs one scan to that bracket, not one to the end of the text, and reading stays linear.
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\(([^()\[\n]*)\)")
_MD_LINK = re.compile(
    r"""\[ ((?:`[^`]*` | [^\[\]`])*) \]                 # [text]: code spans may hold brackets
        \( \s* <? ((?:[^()\[\s<>] | \([^()\s]*\))*) >?  # (target), with one level of (…)
        (?:\s+["'][^()\[]*)? \)                        # and an optional "title"
    """,
    re.VERBOSE,
)
_MD_REF_LINK = re.compile(r"\[([^\[\]\n]+)\]\[([^\[\]\n]*)\]")
_MYST_ROLE = re.compile(r"\{([A-Za-z][\w:.+-]*)\}`([^`]*)`")
_RST_ROLE = re.compile(r":(?<![\w`]:)([A-Za-z][\w:.+-]*):`([^`]*)`")
_RST_LINK = re.compile(r"`(?<!``)([^`<]*?)\s*<([^`>]*)>`_{1,2}")
_RST_NAMED = re.compile(r"`(?<![`\w]`)([^`]+)`_{1,2}(?!\w)")
_RST_LITERAL = re.compile(r"``([^`]+)``")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]*)>")
_BARE_URL = re.compile(r"(?:https?|ftp)(?<![(<\w]https)(?<![(<\w]http)(?<![(<\w]ftp)://[^\s)>\]]+")
_TEXT_TARGET = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.DOTALL)


@dataclass(slots=True)
class _State:
    """What the scan has collected so far."""

    fmt: str
    blocks: list[Block] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    toctree: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    styles: list[tuple[str, bool]] = field(default_factory=list)
    front: dict[str, Any] = field(default_factory=dict)


class _Lines:
    """The line of each position of one text, counted on from the last position asked.

    Matches come in order, so every newline is counted once, whatever the
    number of links on the way.
    """

    def __init__(self, text: str, first_line: int) -> None:
        self.text, self.first_line = text, first_line
        self.pos, self.line = 0, first_line

    def at(self, pos: int) -> int:
        """Return the line of *pos*."""
        if pos < self.pos:  # not in order after all: count from the start again
            self.pos, self.line = 0, self.first_line
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _role(state: _State, name: str, content: str, *, line: int) -> str:
    """Record a role as a link when it is a cross-reference; return the text a reader sees."""
    short = name.rsplit(":", 1)[-1]
    m = _TEXT_TARGET.match(content)
    shown, target = (m.group(1), m.group(2)) if m else ("", content)
    if short in _TARGET_ROLES:
        kind = "doc" if short == "doc" else "ref"
        state.links.append(Link(target.strip(), shown, line, kind))
        return shown
    if short in _TEXT_ROLES:
        return shown or content
    if name.startswith(("py:", "js:", "c:", "cpp:", "rst:", "std:")) or short in {
        "func",
        "class",
        "meth",
        "attr",
        "mod",
        "obj",
        "data",
        "exc",
        "const",
        "confval",
        "option",
        "envvar",
        "keyword",
        "token",
        "program",
        "setting",
    }:
        state.links.append(Link(target.strip(), shown, line, "role"))
        if not shown:
            shown = content.lstrip("~!.")
            if content[:1] == "~":
                shown = shown.rsplit(".", 1)[-1]
        return f"`{shown}`"
    if m:  # an unknown role written as `text <target>`: keep the target for the audit
        state.links.append(Link(target.strip(), shown, line, "role"))
    # code, kbd, command, file, samp, literal and unknown roles: their content is shown as code.
    return f"`{shown or content}`"


def _inline(state: _State, text: str, line: int) -> str:  # noqa: C901 - one small closure per markup
    """Replace inline markup by the text a reader sees; record links."""
    if "`" not in text and "[" not in text and "<" not in text and "://" not in text:
        return text
    links = state.links
    lines = _Lines(text, line)  # made again after each substitution, which changes the text

    def role(m: re.Match[str]) -> str:
        return _role(state, m.group(1), m.group(2), line=lines.at(m.start()))

    def md_link(m: re.Match[str]) -> str:
        target = m.group(2)
        kind = "url" if _SCHEME.match(target) else "md"
        links.append(Link(target, m.group(1), lines.at(m.start()), kind))
        return m.group(1)

    def md_ref(m: re.Match[str]) -> str:
        links.append(Link(m.group(2) or m.group(1), m.group(1), lines.at(m.start()), "md"))
        return m.group(1)

    def rst_link(m: re.Match[str]) -> str:
        target = m.group(2).strip()
        kind = "url" if _SCHEME.match(target) else "ref"
        links.append(Link(target, m.group(1), lines.at(m.start()), kind))
        return m.group(1)

    def rst_named(m: re.Match[str]) -> str:
        links.append(Link(m.group(1), m.group(1), lines.at(m.start()), "ref"))
        return m.group(1)

    def autolink(m: re.Match[str]) -> str:
        links.append(Link(m.group(1), "", lines.at(m.start()), "url"))
        return ""

    def substitute(
        pattern: re.Pattern[str], replacement: Callable[[re.Match[str]], str] | str
    ) -> None:
        nonlocal text, lines
        lines = _Lines(text, line)
        text = pattern.sub(replacement, text)

    if state.fmt == "md":
        if "![" in text:
            substitute(_MD_IMAGE, "")
        if "](" in text:
            substitute(_MD_LINK, md_link)
        if "][" in text:
            substitute(_MD_REF_LINK, md_ref)
        if "}`" in text:
            substitute(_MYST_ROLE, role)
    elif "`" in text:
        substitute(_RST_ROLE, role)
        if ">`_" in text:
            substitute(_RST_LINK, rst_link)
        if "`_" in text:
            substitute(_RST_NAMED, rst_named)
        if "``" in text:
            substitute(_RST_LITERAL, r"`\1`")
    if "<" in text:
        substitute(_AUTOLINK, autolink)
    if "://" in text:
        substitute(_BARE_URL, "")
    return text


def _add(state: _State, kind: str, text: str, line: int, level: int = 0, info: str = "") -> None:  # noqa: PLR0917 - mirrors Block's fields
    if kind in {"paragraph", "list", "ordered_list", "heading", "admonition", "table", "directive"}:
        text = _inline(state, text, line)
    state.blocks.append(Block(kind, text, line, level, info))


_PROMPT = re.compile(r"^\s*(?:\$|#|>>>|%|PS>|C:\\>|[\w.@-]+[$#%>])\s")


def _code_kind(lang: str, content: str) -> str:
    if lang in _CONSOLE_LANGS:
        return "console"
    first = content.lstrip().split("\n", 1)[0]
    return "console" if first[:2] in {"$ ", "> "} or first.startswith(">>> ") else "code"


def _split_options(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """Split a directive body into its options (``:key: value`` lines or a ``---`` block).

    Returns the options and the content lines.
    """
    opts: dict[str, str] = {}
    i = 0
    n = len(lines)
    if n and lines[0].strip() == "---":
        j = 1
        while j < n and lines[j].strip() != "---":
            key, _, value = lines[j].strip().partition(":")
            opts[key.strip()] = value.strip()
            j += 1
        return opts, lines[j + 1 :]
    while i < n:
        s = lines[i].strip()
        if len(s) > 1 and s[0] == ":" and ":" in s[1:]:
            key, _, value = s[1:].partition(":")
            opts[key] = value.strip()
            i += 1
        else:
            break
    return opts, lines[i:]


def _toctree(state: _State, content: list[str], line: int, opts: dict[str, str]) -> None:
    state.toctree.extend(s for s in (x.strip() for x in content) if s and not s.startswith(":"))
    state.blocks.append(Block("toctree", opts.get("caption", ""), line, 0, "toctree"))


def _raw_directive(
    state: _State, name: str, arg: str, body: list[str], *, line: int, content_line: int
) -> None:
    """Add the block of a directive whose content is not read as prose."""
    kind = _RAW_DIRECTIVES[name]
    opts, content = _split_options(body)
    if kind == "toctree":
        _toctree(state, content, line, opts)
        return
    text = "\n".join(content).strip("\n")
    if kind == "code":
        lang = arg.split(maxsplit=1)[0] if arg else opts.get("language", "")
        if name == "literalinclude":
            lang = opts.get("language", "")
        info = lang or name
        state.blocks.append(Block(_code_kind(info, text), text, line, 0, info))
    elif kind == "image":
        state.blocks.append(Block("image", _inline(state, text, content_line), line, 0, name))
    elif kind == "list":  # glossary: terms and their definitions
        _add(state, "list", text, content_line, 0, "definition")
    elif kind == "table":
        _add(state, "table", text, content_line, 0, name)
    else:
        state.blocks.append(Block(kind, text if kind == "html" else arg, line, 0, name))


# --------------------------------------------------------------------------- MyST / CommonMark

_FENCES = frozenset({"```", "~~~", ":::"})
_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*([^`]*)$")
_ATX = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_MD_ITEM = re.compile(r"^([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_MD_LABEL = re.compile(r"^\(([^()\s]+)\)=\s*$")
_LINK_DEF = re.compile(r"^\[([^\]]+)\]:\s*<?(\S*?)>?(?:\s.*)?$")
_TABLE_DELIM = re.compile(r"^\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?$")
_HTML_START = re.compile(r"^</?[A-Za-z!?]")
_HEADING_ID = re.compile(r"\s*\{#[\w.:-]+\}$")


@dataclass(slots=True)
class _Open:
    """An open container fence (a directive whose content is Markdown)."""

    char: str
    count: int
    name: str
    line: int
    indent: int


class _MdScanner:
    """One pass over the lines of a MyST/CommonMark page."""

    def __init__(self, state: _State, lines: list[str], first_line: int) -> None:
        self.state = state
        self.lines = lines
        self.first = first_line
        self.para: list[str] = []
        self.para_line = 0
        self.item: list[str] = []
        self.item_line = 0
        self.item_kind = ""
        self.item_level = 0
        self.item_indent = 0
        self.item_indents: list[int] = []
        self.list_open = False
        self.blank_in_list = False
        self.table: list[str] = []
        self.table_line = 0
        self.stack: list[_Open] = []
        self.indent = 0

    def flush_para(self) -> None:
        if self.para:
            _add(self.state, "paragraph", "\n".join(self.para), self.para_line)
            self.para = []
        if self.table:
            _add(self.state, "table", "\n".join(self.table), self.table_line)
            self.table = []

    def flush_item(self) -> None:
        if self.item:
            _add(self.state, self.item_kind, "\n".join(self.item), self.item_line, self.item_level)
            self.item = []

    def flush(self) -> None:
        self.flush_para()
        self.flush_item()
        self.list_open = False
        self.blank_in_list = False

    def run(self) -> None:  # noqa: C901, PLR0912, PLR0915 - one dispatch over line shapes reads best flat
        lines = self.lines
        n = len(lines)
        i = 0
        state = self.state
        while i < n:
            raw = lines[i]
            lineno = self.first + i
            s = raw.strip()
            i += 1
            if not s:
                if self.para or self.table:
                    self.flush_para()
                if self.list_open:
                    self.blank_in_list = True
                continue
            c = s[0]
            # a line that starts with its text has no indent (no need to measure it)
            indent = 0 if raw[0] == c else len(raw) - len(raw.lstrip())
            self.indent = indent
            if indent < 4 and c.isalpha() and not self.list_open and not self.table:  # noqa: PLR2004
                # the common case, a line of running text: it can only go on a paragraph
                if not self.para:
                    self.para_line = lineno
                self.para.append(s)
                continue
            if c in "`~:" and (m := _FENCE.match(s)) is not None:
                fence, info = m.group(1), m.group(2).strip()
                top = self.stack[-1] if self.stack else None
                if top and not info and fence[0] == top.char and len(fence) >= top.count:
                    self.flush()
                    self.stack.pop()
                    continue
                if c == ":" and not info.startswith("{"):
                    # a ":::" line that closes nothing and opens no directive is text
                    pass
                else:
                    self.flush()
                    i = self.open_fence(fence, info, i, lineno)
                    continue
            elif indent < 4 or not (self.list_open or self.para):  # noqa: PLR2004 - CommonMark indent
                if c == "#" and (m := _ATX.match(s)) is not None and indent < 4:  # noqa: PLR2004
                    self.flush()
                    title = _HEADING_ID.sub("", m.group(2) or "")
                    _add(state, "heading", title, lineno, len(m.group(1)))
                    continue
                if c in "=-" and self.para and not self.table and not s.strip(c):
                    title = "\n".join(self.para).strip()
                    tline = self.para_line
                    self.para = []
                    self.flush()
                    _add(state, "heading", title, tline, 1 if c == "=" else 2)
                    continue
                if c in "-*_" and len(s) >= 3 and not s.replace(" ", "").strip(c):  # noqa: PLR2004
                    self.flush()  # thematic break
                    continue
                if c == "(" and (m := _MD_LABEL.match(s)) is not None:
                    self.flush()
                    state.labels.append(m.group(1))
                    continue
                if c == "%":
                    continue
                if c == "[" and not self.para and (m := _LINK_DEF.match(s)) is not None:
                    state.links.append(
                        Link(
                            m.group(2),
                            m.group(1),
                            lineno,
                            "url" if _SCHEME.match(m.group(2)) else "md",
                        )
                    )
                    continue
                if c == "|" or (self.table and "|" in s):
                    self.flush_item()
                    self.list_open = False
                    if self.para and not self.table:
                        self.flush_para()
                    if not self.table:
                        self.table_line = lineno
                    self.table.append(s)
                    continue
                if self.para and len(self.para) == 1 and "|" in s and _TABLE_DELIM.match(s):
                    self.table, self.table_line = [*self.para, s], self.para_line
                    self.para = []
                    continue
                if c == "<" and not self.para and _HTML_START.match(s):
                    self.flush()
                    start = lineno
                    body = [raw]
                    while i < n and lines[i].strip():
                        body.append(lines[i])
                        i += 1
                    state.blocks.append(Block("html", "\n".join(body), start, 0, "html"))
                    continue
                if c in "-*+0123456789" and (m := _MD_ITEM.match(s)) is not None:
                    kind = "list" if c in "-*+" else "ordered_list"
                    if not self.list_open:
                        self.flush()
                        self.list_open = True
                        self.item_indent = indent
                        self.item_indents = []
                    self.flush_para()
                    self.flush_item()
                    self.blank_in_list = False
                    self.item = [m.group(2) or ""]
                    self.item_line = lineno
                    self.item_kind = kind
                    stack = self.item_indents
                    while stack and indent < stack[-1]:
                        stack.pop()
                    if not stack or indent > stack[-1]:
                        stack.append(indent)
                    self.item_level = len(stack) - 1
                    continue
                if c == ">":
                    s = s.lstrip("> ")
            if self.list_open and (indent > self.item_indent or not self.blank_in_list):
                if self.item and not self.blank_in_list:
                    self.item.append(s)
                    continue
                if indent > self.item_indent:
                    # a paragraph inside an item: keep it with the item
                    if self.para:
                        self.para.append(s)
                    elif self.item:
                        self.item.append(s)
                    else:
                        self.para, self.para_line = [s], lineno
                    continue
            if self.list_open and self.blank_in_list:
                self.flush()
            base = self.stack[-1].indent if self.stack else 0
            if indent - base >= 4 and not self.para:  # noqa: PLR2004 - indented code block
                self.flush()
                start = lineno
                body = [raw]
                while i < n and (
                    not lines[i].strip()
                    or (lines[i].startswith(("    ", "\t")) and lines[i].strip()[:3] not in _FENCES)
                ):
                    body.append(lines[i])
                    i += 1
                text = "\n".join(x[4:] if x.startswith("    ") else x.lstrip("\t") for x in body)
                text = text.rstrip()
                state.blocks.append(Block(_code_kind("", text), text, start, 0, ""))
                continue
            if self.table:
                self.flush_para()
            if c == "!" and not self.para and s.startswith("![") and s.endswith(")"):
                m = _MD_IMAGE.match(s)
                state.blocks.append(Block("image", m.group(1) if m else "", lineno, 0, "image"))
                continue
            if not self.para:
                self.para_line = lineno
            self.para.append(s)
        self.flush()
        for op in self.stack:
            state.warnings.append(
                f"line {op.line}: the {op.char * op.count}{{{op.name}}} fence is never closed"
            )

    def open_fence(self, fence: str, info: str, i: int, lineno: int) -> int:  # noqa: C901, PLR0912, PLR0915 - fence kinds
        """Handle an opening fence at line index ``i - 1``; return the next index to read."""
        state = self.state
        char, count = fence[0], len(fence)
        name, arg = "", info
        if info.startswith("{") and "}" in info:
            name, _, arg = info[1:].partition("}")
            name = name.strip()
            arg = arg.strip()
        container = bool(name) and name not in _RAW_DIRECTIVES and name != "eval-rst"
        if container and char != "~":
            self.stack.append(_Open(char, count, name, lineno, self.indent))
            kind = "admonition" if name in _ADMONITIONS else "directive"
            _add(state, kind, arg, lineno, 0, name)
            # skip the options block
            lines = self.lines
            if i < len(lines) and lines[i].strip() == "---":
                j = i + 1
                while j < len(lines) and lines[j].strip() != "---":
                    j += 1
                return j + 1 if j < len(lines) else i
            while i < len(lines):
                s = lines[i].strip()
                if len(s) > 1 and s[0] == ":" and s[1] != ":" and ":" in s[1:]:
                    i += 1
                else:
                    break
            return i
        # raw content up to the closing fence
        lines = self.lines
        n = len(lines)
        body: list[str] = []
        j = i
        closed = False
        while j < n:
            s = lines[j].strip()
            if s and s[0] == char and len(s) >= count and s.strip(char) == "" and len(s) >= count:
                closed = True
                break
            body.append(lines[j])
            j += 1
        if not closed:
            state.warnings.append(f"line {lineno}: the {fence} fence is never closed")
        if name == "eval-rst":
            _RstScanner(state, _dedent(body), lineno + 1, 1).run()
        elif name in _RAW_DIRECTIVES:
            _raw_directive(state, name, arg, body, line=lineno, content_line=lineno + 1)
        elif name:  # a directive fenced with ~~~: its content reads like the page's
            _add(state, "admonition" if name in _ADMONITIONS else "directive", arg, lineno, 0, name)
            _MdScanner(state, body, lineno + 1).run()
        elif char == ":":
            _add(state, "paragraph", "\n".join(body), lineno + 1)
        else:
            text = "\n".join(_dedent(body))
            lang = info.split(maxsplit=1)[0] if info else ""
            state.blocks.append(Block(_code_kind(lang, text), text, lineno, 0, lang))
        return j + 1


def _dedent(lines: list[str]) -> list[str]:
    """Return *lines* without the indent they all share (*lines* itself when there is none)."""
    for x in lines:
        if x and not x[0].isspace():
            return lines
    width = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    return [x[width:] for x in lines]


# --------------------------------------------------------------------------- reStructuredText

_ADORN = re.compile(r"^([!-/:-@\[-`{-~])\1+$")
_RST_DIRECTIVE = re.compile(r"^\.\.[ \t]+(?:\|[^|]+\|[ \t]+)?([\w:.+-]+)::(?:[ \t]+(.*))?$")
_RST_LABEL = re.compile(r"^\.\.[ \t]+_(`[^`]+`|[^:]+):[ \t]*(.*)$")
_RST_FIELD = re.compile(r"^:([^:\s][^:]*):(?:[ \t]+(.*))?$")
_RST_ITEM = re.compile(r"^(?:[-*+\u2022]|\(?(?:\d+|#|[a-zA-Z])[.)])[ \t]+(.*)$")
_SIMPLE_TABLE = re.compile(r"^=+(?:[ \t]+=+)+$")


class _RstScanner:
    """One pass over the lines of a reST page (or of a directive's content)."""

    def __init__(self, state: _State, lines: list[str], first_line: int, depth: int) -> None:
        self.state = state
        self.lines = lines
        self.first = first_line
        self.depth = depth
        self.para: list[str] = []
        self.para_line = 0
        self.para_indent = 0
        self.prev_blank = True

    def flush(self) -> None:
        if self.para:
            text = "\n".join(self.para)
            if text.endswith("::"):
                text = text[:-2].rstrip() + ":" if text[-3:-2] != " " else text[:-3]
            _add(self.state, "paragraph", text, self.para_line)
            self.para = []

    def block_end(self, i: int, indent: int) -> int:
        """Return the index just after the block indented deeper than *indent* from line *i* on."""
        lines = self.lines
        n = len(lines)
        j = i
        last = i
        while j < n:
            x = lines[j]
            if x.strip():
                if len(x) - len(x.lstrip()) <= indent:
                    break
                last = j + 1
            j += 1
        return last

    def run(self) -> None:  # noqa: C901, PLR0912, PLR0915 - one dispatch over line shapes reads best flat
        state = self.state
        lines = self.lines
        n = len(lines)
        i = 0
        top = self.depth == 0
        while i < n:
            raw = lines[i]
            lineno = self.first + i
            s = raw.strip()
            i += 1
            if not s:
                self.flush()
                self.prev_blank = True
                continue
            indent = len(raw) - len(raw.lstrip())
            c = s[0]
            # section title with overline
            if (
                self.prev_blank
                and not self.para
                and i + 1 < n
                and _ADORN.match(s)
                and lines[i].strip()
                and lines[i + 1].strip()[:1] == c
                and _ADORN.match(lines[i + 1].strip())
            ):
                self.heading(lines[i].strip(), lineno + 1, (c, True))
                i += 2
                continue
            # section title with underline
            if self.para and len(s) >= 2 and _ADORN.match(s) and indent == self.para_indent:  # noqa: PLR2004
                title = self.para.pop()
                tline = self.para_line + len(self.para)
                self.flush()
                self.heading(title, tline, (c, False))
                continue
            self.prev_blank = False
            if c == "." and s.startswith(".."):
                self.flush()
                i = self.explicit(s, i, indent, lineno)
                self.prev_blank = True
                continue
            if self.para:
                if indent > self.para_indent and len(self.para) == 1:
                    # a definition list item: term, then its indented definition
                    term = self.para.pop()
                    end = self.block_end(i - 1, self.para_indent)
                    defn = " ".join(x.strip() for x in lines[i - 1 : end] if x.strip())
                    _add(state, "list", f"{term}\n{defn}", self.para_line, 0, "definition")
                    i = end
                    continue
                if not (c in ":-*+" and (_RST_FIELD.match(s) or _RST_ITEM.match(s))):
                    self.para.append(s)
                    if s.endswith("::"):
                        i = self.literal_after(i, indent)
                    continue
                self.flush()
            if c == ":" and (m := _RST_FIELD.match(s)) is not None:
                end = self.block_end(i, indent)
                value = " ".join(
                    [m.group(2) or ""] + [x.strip() for x in lines[i:end] if x.strip()]
                )
                if top and not state.blocks:
                    # docinfo / page metadata before the title
                    state.front[m.group(1)] = value.strip()
                else:
                    _add(state, "list", f"{m.group(1)}\n{value.strip()}", lineno, 0, "field")
                i = end
                continue
            if c in "+=" and (s.startswith(("+-", "+=")) or _SIMPLE_TABLE.match(s)):
                end = i
                borders = 1
                while end < n:
                    x = lines[end].strip()
                    if not x and (c == "+" or borders >= 2):  # noqa: PLR2004
                        break
                    if x and _SIMPLE_TABLE.match(x):
                        borders += 1
                    end += 1
                _add(
                    state, "table", "\n".join(x.strip() for x in lines[i - 1 : end]), lineno, 0, ""
                )
                i = end
                continue
            if (m := _RST_ITEM.match(s)) is not None and (c in "-*+\u2022(#" or c.isalnum()):
                end = self.block_end(i, indent)
                # continuation lines belong to the item; nested lists and code are read inside
                body = [m.group(1)]
                j = i
                while j < end and lines[j].strip() and not _RST_ITEM.match(lines[j].strip()):
                    body.append(lines[j].strip())
                    j += 1
                kind = "list" if c in "-*+\u2022" else "ordered_list"
                _add(state, kind, "\n".join(body), lineno, indent // 2)
                if body[-1].endswith("::"):
                    j = self.literal_after(j, indent)
                if j < end and self.depth < _MAX_DEPTH:
                    _RstScanner(state, _dedent(lines[j:end]), self.first + j, self.depth + 1).run()
                i = max(j, end)
                self.prev_blank = True
                continue
            if c == ">" and s.startswith(">>>"):
                end = i
                while end < n and lines[end].strip():
                    end += 1
                text = "\n".join(x.strip() for x in lines[i - 1 : end])
                state.blocks.append(Block("console", text, lineno, 0, "pycon"))
                i = end
                continue
            if s == "::":
                i = self.literal_after(i, indent)
                continue
            if c == "|" and s.startswith("| "):
                s = s[2:]
            self.para = [s]
            self.para_line = lineno
            self.para_indent = indent
            if s.endswith("::"):
                i = self.literal_after(i, indent)
        self.flush()

    def heading(self, title: str, line: int, style: tuple[str, bool]) -> None:
        styles = self.state.styles
        if style not in styles:
            styles.append(style)
        _add(self.state, "heading", title, line, styles.index(style) + 1)
        self.prev_blank = True

    def literal_after(self, i: int, indent: int) -> int:
        """Read the literal block announced by ``::`` at line ``i - 1``."""
        lines = self.lines
        n = len(lines)
        j = i
        while j < n and not lines[j].strip():
            j += 1
        if j >= n or len(lines[j]) - len(lines[j].lstrip()) <= indent:
            return i
        self.flush()
        end = self.block_end(j, indent)
        body = _dedent(lines[j:end])
        text = "\n".join(body).rstrip()
        self.state.blocks.append(Block(_code_kind("", text), text, self.first + j, 0, ""))
        self.prev_blank = True
        return end

    def explicit(self, s: str, i: int, indent: int, lineno: int) -> int:
        """Handle an explicit markup block (``..``) at line ``i - 1``; return the next index."""
        state = self.state
        lines = self.lines
        end = self.block_end(i, indent)
        m = _RST_DIRECTIVE.match(s)
        if m is None:
            lm = _RST_LABEL.match(s)
            if lm is not None:
                name = lm.group(1).strip("`")
                if lm.group(2):
                    state.links.append(Link(lm.group(2).strip(), name, lineno, "url"))
                else:
                    state.labels.append(name)
            return end  # a label, a comment, a footnote or a citation
        name, arg = m.group(1), (m.group(2) or "").strip()
        body = _dedent(lines[i:end])
        # arguments may continue on the next lines, before options and a blank line
        while body and body[0].strip() and not body[0].lstrip().startswith(":"):
            arg = f"{arg} {body.pop(0).strip()}".strip()
        short = name.rsplit(":", 1)[-1] if name.startswith(("rst:", "std:")) else name
        if short in _RAW_DIRECTIVES:
            _raw_directive(state, short, arg, body, line=lineno, content_line=self.first + i)
            return end
        kind = "admonition" if short in _ADMONITIONS else "directive"
        _add(state, kind, arg, lineno, 0, name)
        _opts, content = _split_options(body)
        if content and self.depth < _MAX_DEPTH:
            start = self.first + end - len(content)
            _RstScanner(state, content, start, self.depth + 1).run()
        return end


# --------------------------------------------------------------------------- pages


def _front_matter(lines: list[str]) -> tuple[dict[str, Any], str | None, int]:  # noqa: PLR0911
    """Read a ``---`` YAML front matter block.

    Returns the data, the error message (if any) and the index of the first body line.
    """
    if not lines or lines[0].rstrip() != "---":
        return {}, None, 0
    for j in range(1, len(lines)):
        if lines[j].rstrip() in {"---", "..."}:
            source = "\n".join(lines[1:j])
            try:
                data = load_yaml(source)
            except UnsafeInputError as exc:
                return {}, f"line 1: front matter refused: {exc}", j + 1
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f"line {mark.line + 2}" if mark is not None else "line 1"
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                return {}, f"{where}: front matter is not valid YAML ({problem})", j + 1
            except (ValueError, TypeError, RecursionError) as exc:
                return {}, f"line 1: front matter cannot be read ({exc})", j + 1
            if data is None:
                return {}, None, j + 1
            if not isinstance(data, dict):
                kind = type(data).__name__
                return (
                    {},
                    f"line 1: front matter must be a mapping of keys to values, not a {kind}",
                    j + 1,
                )
            return {str(k): v for k, v in data.items()}, None, j + 1
    return {}, "line 1: front matter opened with '---' is never closed with '---'", 0


def _sections(blocks: list[Block]) -> tuple[Section, ...]:
    sections: list[Section] = []
    current: list[Block] = []
    title, level, line = "", 0, 1
    for b in blocks:
        if b.kind == "heading":
            if current or sections or title:
                sections.append(Section(title, level, line, tuple(current)))
            elif not sections and not current:
                pass
            current = [b]
            title, level, line = b.text, b.level, b.line
        else:
            current.append(b)
    if current:
        sections.append(Section(title, level, line, tuple(current)))
    return tuple(sections)


def read_text(text: str, *, fmt: str, path: Path | None = None) -> Page:
    """Read the structure of a page from its *text*; *fmt* is ``"md"``, ``"rst"`` or ``"txt"``.

    Never raises on any ``str``: problems become ``warnings`` or ``front_matter_error``.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt in {"markdown", "myst"}:
        fmt = "md"
    if fmt not in {"md", "rst", "txt"}:
        fmt = "rst" if fmt == "rest" else "md"
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")
    lines = text.split("\n")
    state = _State("md" if fmt == "md" else "rst")
    front: dict[str, Any] = {}
    error: str | None = None
    try:
        if fmt == "md":
            front, error, start = _front_matter(lines)
            _MdScanner(state, lines[start:], start + 1).run()
        else:
            _RstScanner(state, lines, 1, 0).run()
            front = state.front
    except RecursionError:  # pragma: no cover - guarded by _MAX_DEPTH
        state.warnings.append("line 1: the page is nested too deeply to read in full")
    if not text.strip():
        state.warnings.append("line 1: the page is empty")
    title = next((b.text for b in state.blocks if b.kind == "heading"), "")
    if not title and isinstance(front.get("title"), str):
        title = front["title"]
    return Page(
        path=path,
        format=fmt,
        front_matter=front,
        front_matter_error=error,
        title=title.strip(),
        sections=_sections(state.blocks),
        links=tuple(state.links),
        toctree_entries=tuple(state.toctree),
        labels=tuple(state.labels),
        warnings=tuple(state.warnings),
    )


_FORMATS = {".md": "md", ".markdown": "md", ".rst": "rst", ".rest": "rst", ".txt": "txt"}


def read_file(path: Path, *, max_bytes: int = 5_000_000, inside: Path | None = None) -> Page:
    """Read the page at *path* (format from its suffix; unknown suffixes are read as MyST).

    Raises :class:`~tools.audit._errors.ReadError` when the file cannot be read
    as a page: outside *inside* (through a symlink), not a regular file (a pipe
    or a device), larger than *max_bytes* (at most that much is read), binary
    (contains NUL bytes) or not valid UTF-8 (a BOM is allowed), or an OS error.
    """
    try:
        data = read_regular(path, limit=max_bytes, inside=inside)
    except UnsafeInputError as exc:
        raise ReadError(path, str(exc)) from None
    if b"\0" in data:
        raise ReadError(path, "is a binary file (it contains NUL bytes), not a text page")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        msg = f"is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8"
        raise ReadError(path, msg, line=line) from exc
    return read_text(text, fmt=_FORMATS.get(path.suffix.lower(), "md"), path=path)
