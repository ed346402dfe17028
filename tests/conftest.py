"""Shared pytest options and fixtures."""

from __future__ import annotations

import os
from pathlib import Path

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


#: The corpus projects the tests read: a named subset, so that the tests stay fast and their
#: figures stay fixed however far ``../shared/diataxis-corpus`` grows.  The full corpus is
#: measured by ``python -m tools.audit.evaluate`` and the audit benchmark, not by the tests.
CORPUS_PROJECTS = ("2i2c-infrastructure", "jupyterhub", "multipass", "sphinx")


@pytest.fixture(scope="session")
def corpus_projects(pytestconfig: pytest.Config) -> list[Path]:
    """The folders of :data:`CORPUS_PROJECTS` in the labelled corpus; skip where it is absent.

    The corpus is ``DIATAXIS_CORPUS``, or ``../shared/diataxis-corpus`` beside the repository.
    """
    env = os.environ.get("DIATAXIS_CORPUS")
    corpus = Path(env) if env else pytestconfig.rootpath.parent / "shared" / "diataxis-corpus"
    folders = [corpus / name for name in CORPUS_PROJECTS]
    missing = [f.name for f in folders if not f.is_dir()]
    if missing:
        pytest.skip(
            f"the Diátaxis corpus is absent or lacks {', '.join(missing)} ({corpus}):"
            " set DIATAXIS_CORPUS or put it at ../shared/diataxis-corpus"
        )
    return folders
