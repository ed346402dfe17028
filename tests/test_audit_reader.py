"""Tests of the audit's fast structural reader (tools/audit/_reader.py)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tools.audit._errors import ReadError
from tools.audit._reader import BLOCK_KINDS, Block, Page, read_file, read_text

if TYPE_CHECKING:
    from pathlib import Path


def md(text: str) -> Page:
    return read_text(textwrap.dedent(text).lstrip("\n"), fmt="md")


def rst(text: str) -> Page:
    return read_text(textwrap.dedent(text).lstrip("\n"), fmt="rst")


def kinds(page: Page) -> list[str]:
    return [b.kind for b in page.blocks]


# --------------------------------------------------------------------------- MyST / CommonMark


def test_atx_and_setext_headings_make_sections() -> None:
    """ATX and setext headings start sections with the right level, title and line."""
    page = md("""
        Preamble text.

        # Title

        Intro.

        Second level
        ------------

        Body.

        ### Third ###
        """)
    assert page.title == "Title"
    assert [(s.title, s.level, s.line) for s in page.sections] == [
        ("", 0, 1),
        ("Title", 1, 3),
        ("Second level", 2, 7),
        ("Third", 3, 12),
    ]
    assert page.sections[1].blocks[0] == Block("heading", "Title", 3, 1)


def test_setext_equals_after_paragraph_is_a_level_one_heading() -> None:
    page = md("""
        Big title
        =========
        """)
    assert page.blocks == (Block("heading", "Big title", 1, 1),)


def test_thematic_break_without_paragraph_is_not_a_heading() -> None:
    page = md("""
        Text.

        ---

        More.
        """)
    assert kinds(page) == ["paragraph", "paragraph"]


def test_code_fences_backticks_and_tildes_keep_raw_content_and_language() -> None:
    page = md("""
        ```python
        # not a heading
        x = 1
        ```

        ~~~yaml
        a: [1, 2]
        ~~~
        """)
    assert page.blocks == (
        Block("code", "# not a heading\nx = 1", 1, 0, "python"),
        Block("code", "a: [1, 2]", 6, 0, "yaml"),
    )


def test_console_blocks_are_recognised_by_language_or_prompt() -> None:
    page = md("""
        ```console
        $ pip install x
        ```

        ```
        $ make html
        ```

        ```bash
        make html
        ```
        """)
    assert kinds(page) == ["console", "console", "code"]


def test_directive_fences_nest_and_their_content_is_read_as_markdown() -> None:
    """A ```` ```` ```` tab-set holding ``` ``` ``` tab-items holding code closes correctly."""
    page = md("""
        `````{tab-set}
        ````{tab-item} Linux
        :sync: linux

        Run this:

        ```bash
        make
        ```
        ````
        ````{tab-item} Windows
        Use the installer.
        ````
        `````

        After the tabs.
        """)
    assert [(b.kind, b.info, b.text) for b in page.blocks] == [
        ("directive", "tab-set", ""),
        ("directive", "tab-item", "Linux"),
        ("paragraph", "", "Run this:"),
        ("code", "bash", "make"),
        ("directive", "tab-item", "Windows"),
        ("paragraph", "", "Use the installer."),
        ("paragraph", "", "After the tabs."),
    ]
    assert page.warnings == ()


def test_colon_fences_admonitions_and_their_options() -> None:
    page = md("""
        :::{note} A title
        :class: dropdown

        Inside the note.
        :::

        ::::{admonition} Outer
        :::{warning}
        Nested.
        :::
        ::::
        """)
    assert [(b.kind, b.info, b.text) for b in page.blocks] == [
        ("admonition", "note", "A title"),
        ("paragraph", "", "Inside the note."),
        ("admonition", "admonition", "Outer"),
        ("admonition", "warning", ""),
        ("paragraph", "", "Nested."),
    ]


def test_unclosed_fence_is_a_warning_with_its_line_not_an_error() -> None:
    page = md("""
        # Title

        ```python
        x = 1
        """)
    assert page.warnings == ("line 3: the ``` fence is never closed",)
    assert page.blocks[-1] == Block("code", "x = 1\n", 3, 0, "python")


def test_unclosed_directive_fence_is_a_warning() -> None:
    page = md("""
        :::{note}
        Never closed.
        """)
    assert page.warnings == ("line 1: the :::{note} fence is never closed",)
    assert kinds(page) == ["admonition", "paragraph"]


def test_lists_give_one_block_per_item_with_nesting() -> None:
    page = md("""
        1. Install it.
        2. Configure it,
           over two lines.
           - a detail
        3. Run it.

        - bullet
        """)
    assert [(b.kind, b.text, b.line, b.level) for b in page.blocks] == [
        ("ordered_list", "Install it.", 1, 0),
        ("ordered_list", "Configure it,\nover two lines.", 2, 0),
        ("list", "a detail", 4, 1),
        ("ordered_list", "Run it.", 5, 0),
        ("list", "bullet", 7, 0),
    ]


def test_code_inside_a_list_item_is_dedented() -> None:
    page = md("""
        1. Run:

           ```console
           $ make
           ```
        """)
    assert page.blocks[1] == Block("console", "$ make", 3, 0, "console")


def test_tables_and_images() -> None:
    page = md("""
        | key | value |
        |-----|-------|
        | a   | 1     |

        ![A screenshot](../img/x.png)
        """)
    assert kinds(page) == ["table", "image"]
    assert page.blocks[1].text == "A screenshot"


def test_front_matter_is_parsed() -> None:
    page = md("""
        ---
        diataxis: how-to
        title: From front matter
        ---
        Body.
        """)
    assert page.front_matter == {"diataxis": "how-to", "title": "From front matter"}
    assert page.front_matter_error is None
    assert page.title == "From front matter"
    assert page.blocks == (Block("paragraph", "Body.", 5),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\na: [1\n---\nBody.\n", "line 3: front matter is not valid YAML"),
        (
            "---\n- a\n- b\n---\nBody.\n",
            "front matter must be a mapping of keys to values, not a list",
        ),
        ("---\na: 1\nBody.\n", "line 1: front matter opened with '---' is never closed"),
    ],
)
def test_broken_front_matter_is_reported_and_the_page_still_read(text: str, message: str) -> None:
    page = read_text(text, fmt="md")
    assert page.front_matter == {}
    assert page.front_matter_error is not None
    assert message in page.front_matter_error
    assert "Body." in " ".join(b.text for b in page.blocks)


def test_labels_links_and_roles_are_kept_apart_from_the_prose() -> None:
    """Anchors and link targets go to labels/links; block text keeps only what a reader sees."""
    page = md("""
        (howto-install)=
        # Install

        See [the reference](../reference/config.md), {ref}`tutorial-start`,
        {doc}`the guide <../how-to/other>` and <https://example.org/tutorial>.
        Run {command}`make` or visit https://example.org/reference/x today.

        [label-def]: https://example.org/defs
        """)
    assert page.labels == ("howto-install",)
    assert [(x.target, x.text, x.line, x.kind) for x in page.links] == [
        ("../reference/config.md", "the reference", 4, "md"),
        ("tutorial-start", "", 4, "ref"),
        ("../how-to/other", "the guide", 5, "doc"),
        ("https://example.org/tutorial", "", 5, "url"),
        ("https://example.org/defs", "label-def", 8, "url"),
    ]
    prose = " ".join(b.text for b in page.blocks)
    for leaked in ("reference/", "tutorial-", "how-to/", "example.org", "howto-"):
        assert leaked not in prose
    assert "`make`" in prose


def test_link_text_with_brackets_in_code_and_unknown_roles_with_targets() -> None:
    page = md("""
        See [`hubs[].stage`](../reference/x.md) and {schema:prop}`the stage <cluster:hubs[].stage>`.
        """)
    assert [(x.target, x.text, x.kind) for x in page.links] == [
        ("../reference/x.md", "`hubs[].stage`", "md"),
        ("cluster:hubs[].stage", "the stage", "role"),
    ]
    assert page.blocks[0].text == "See `hubs[].stage` and `the stage`."


def test_toctree_entries_are_collected_and_not_prose() -> None:
    page = md("""
        ```{toctree}
        :maxdepth: 2
        :caption: Contents

        tutorials/first
        Guides <how-to/index>
        ```
        """)
    assert page.toctree_entries == ("tutorials/first", "Guides <how-to/index>")
    assert page.blocks == (Block("toctree", "Contents", 1, 0, "toctree"),)


def test_html_blocks_and_comments() -> None:
    page = md("""
        <!-- a comment
        over lines -->

        % a MyST comment
        Text.
        """)
    assert kinds(page) == ["html", "paragraph"]


# --------------------------------------------------------------------------- reStructuredText


def test_rst_sections_with_overlines_and_underlines_get_levels_in_order_of_appearance() -> None:
    page = rst("""
        =======
        Title
        =======

        Intro.

        Section
        -------

        Sub
        ~~~

        Other section
        -------------
        """)
    assert [(s.title, s.level, s.line) for s in page.sections] == [
        ("Title", 1, 2),
        ("Section", 2, 7),
        ("Sub", 3, 10),
        ("Other section", 2, 13),
    ]


def test_rst_directives_code_and_literal_blocks() -> None:
    page = rst("""
        Title
        =====

        Example::

            $ make html

        .. code-block:: python
           :caption: conf.py

           extensions = []

        .. note::

           A note with a list:

           - one
           - two

        After.
        """)
    assert [(b.kind, b.info, b.text) for b in page.blocks] == [
        ("heading", "", "Title"),
        ("paragraph", "", "Example:"),
        ("console", "", "$ make html"),
        ("code", "python", "extensions = []"),
        ("admonition", "note", ""),
        ("paragraph", "", "A note with a list:"),
        ("list", "", "one"),
        ("list", "", "two"),
        ("paragraph", "", "After."),
    ]


def test_rst_api_directives_field_lists_and_definition_lists() -> None:
    page = rst("""
        .. py:function:: build(source, *, strict=False)

           Build the thing.

           :param source: where to read
           :returns: the result

        term
           Its definition.
        """)
    assert [(b.kind, b.info, b.text) for b in page.blocks] == [
        ("directive", "py:function", "build(source, *, strict=False)"),
        ("paragraph", "", "Build the thing."),
        ("list", "field", "param source\nwhere to read"),
        ("list", "field", "returns\nthe result"),
        ("list", "definition", "term\nIts definition."),
    ]


def test_rst_labels_links_roles_and_toctree() -> None:
    page = rst("""
        :orphan:

        .. _tutorial-start:

        Title
        =====

        See :ref:`howto-install`, :doc:`the guide <reference/config>` and
        `Sphinx <https://www.sphinx-doc.org/>`_ or ``literal``.

        .. _python: https://python.org

        .. toctree::
           :maxdepth: 1

           how-to/one
           reference/two
        """)
    assert page.front_matter == {"orphan": ""}
    assert page.labels == ("tutorial-start",)
    assert [(x.target, x.kind, x.line) for x in page.links] == [
        ("howto-install", "ref", 8),
        ("reference/config", "doc", 8),
        ("https://www.sphinx-doc.org/", "url", 9),
        ("https://python.org", "url", 11),
    ]
    assert page.toctree_entries == ("how-to/one", "reference/two")
    assert page.blocks[1].text == "See , the guide and\nSphinx or `literal`."


def test_rst_tables_and_lists() -> None:
    page = rst("""
        =====  =====
        A      B
        =====  =====
        1      2
        =====  =====

        +---+---+
        | a | b |
        +---+---+

        #. first
        #. second

        * bullet
        """)
    assert kinds(page) == ["table", "table", "ordered_list", "ordered_list", "list"]


def test_rst_unclosed_things_do_not_break_reading() -> None:
    page = rst("""
        .. code-block::

        Title
        =====

        Text::
        """)
    assert "Title" in [b.text for b in page.blocks]


def test_txt_is_read_as_rst() -> None:
    page = read_text("Title\n=====\n\nText.\n", fmt="txt")
    assert page.format == "txt"
    assert page.title == "Title"


# --------------------------------------------------------------------------- files


def test_read_file_picks_the_format_from_the_suffix(tmp_path: Path) -> None:
    (tmp_path / "a.rst").write_text("Title\n=====\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("\ufeff# Title\n", encoding="utf-8")
    assert read_file(tmp_path / "a.rst").format == "rst"
    page = read_file(tmp_path / "b.md")
    assert (page.format, page.title, page.path) == ("md", "Title", tmp_path / "b.md")


def test_read_file_rejects_binary_files(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes(b"# Title\n\x00\x01\x02")
    with pytest.raises(ReadError, match="binary file"):
        read_file(path)


def test_read_file_rejects_non_utf8_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_bytes("# Title\n\nCaf\xe9\n".encode("latin-1"))
    with pytest.raises(ReadError, match=r"x\.md:3: is not valid UTF-8 \(byte 0xe9\)"):
        read_file(path)


def test_read_file_rejects_files_over_the_limit_without_reading_them(tmp_path: Path) -> None:
    path = tmp_path / "big.md"
    path.write_text("word " * 2_100_000, encoding="utf-8")  # 10.5 MB
    with pytest.raises(ReadError, match="is larger than 5,000,000 bytes"):
        read_file(path)
    assert read_file(path, max_bytes=20_000_000).blocks[0].kind == "paragraph"


def test_read_file_missing_file_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="cannot be read"):
        read_file(tmp_path / "absent.md")


def test_empty_file_is_an_empty_page_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    page = read_file(path)
    assert page.sections == ()
    assert page.warnings == ("line 1: the page is empty",)


# --------------------------------------------------------------------------- robustness

_MARKUP = st.sampled_from(
    [
        "```", "````{note}", ":::", "::::{tab-set}", "~~~", "# ", "## ", "---", "===", "..",
        ".. note::", ".. code-block:: python", "   ", "    ", "\t", "- ", "1. ", "#. ", "| a |",
        "(label)=", ".. _x:", ":param x:", "::", "`", "{ref}`x`", ":doc:`y`", "[a](b)", "<div>",
        "\n", "\r\n", "\x00", "\ufeff", "$ ", ">>> ", "+---+", "=== ===",
    ]
)  # fmt: skip
_TEXTS = st.lists(st.one_of(_MARKUP, st.text(max_size=12)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None)
@given(text=_TEXTS, fmt=st.sampled_from(["md", "rst", "txt"]))
def test_read_text_never_raises_and_gives_well_formed_pages(text: str, fmt: str) -> None:
    page = read_text(text, fmt=fmt)
    lines = text.count("\n") + text.count("\r") + 2
    for block in page.blocks:
        assert block.kind in BLOCK_KINDS
        assert 1 <= block.line <= lines
    for warning in page.warnings:
        assert warning.startswith("line ")


def test_a_directive_in_a_tilde_fence_is_read_like_the_page():
    page = read_text("~~~{note}\nRun the [command](x.md).\n~~~\n", fmt="md")
    kinds = [(b.kind, b.info or b.text) for s in page.sections for b in s.blocks]
    assert kinds == [("admonition", "note"), ("paragraph", "Run the command.")]
    assert [link.target for link in page.links] == ["x.md"]


def test_a_link_target_may_hold_one_level_of_parentheses():
    page = read_text("See [Foo](https://example.org/wiki/Foo_(bar)) now.", fmt="md")
    assert [link.target for link in page.links] == ["https://example.org/wiki/Foo_(bar)"]
    assert page.sections[0].blocks[0].text == "See Foo now."
