"""Attribute documentation read from ``#:`` comments (tools/reference/_source.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tools.reference import GenerationError
from tools.reference._source import attribute_docs


@dataclass
class _Documented:
    #: the first line
    #: and the second.
    first: int = 1
    second: str = "x"  #: said on its own line
    third: float = 0.5


def test_comments_above_and_after_a_name_are_its_documentation() -> None:
    assert attribute_docs(_Documented) == {
        "first": "the first line and the second.",
        "second": "said on its own line",
    }


def test_an_object_without_source_is_an_error() -> None:
    with pytest.raises(GenerationError, match="its source cannot be read"):
        attribute_docs(len)
