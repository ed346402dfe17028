"""Shared pytest options and fixtures."""

from __future__ import annotations

import os

import pytest

# Tests read what programs print (Sphinx warnings, CLI output): no colour codes in it,
# whatever the environment asks for (CI systems often force colour on).
os.environ["NO_COLOR"] = "1"
os.environ.pop("FORCE_COLOR", None)


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--update-goldens``: rewrite golden files from the current output."""
    parser.addoption(
        "--update-goldens",
        action="store_true",
        default=False,
        help="Rewrite golden files (expected outputs) instead of comparing with them.",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    """Whether tests should rewrite their golden files instead of comparing."""
    return bool(request.config.getoption("--update-goldens"))
