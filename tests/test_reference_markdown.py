"""Table cells and code spans of the generated pages (tools/reference/_markdown.py)."""

from __future__ import annotations

from tools.reference._markdown import cell, code, table


def test_a_cell_escapes_markup_but_keeps_code_spans() -> None:
    assert cell("a <id> | *b*\n  `x|y` end") == r"a \<id\> \| \*b\* `x\|y` end"


def test_a_code_span_survives_backticks_and_pipes() -> None:
    assert code("a|b") == r"`a\|b`"
    assert code("say `hi`") == "`` say `hi` ``"
    assert code("") == ""


def test_a_table_aligns_the_columns_it_is_told_to() -> None:
    assert table(["A", "B"], [["1", "x"]], align="r") == [
        "| A | B |",
        "| ---: | --- |",
        "| 1 | x |",
        "",
    ]
