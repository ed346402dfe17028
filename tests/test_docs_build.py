"""The documentation site builds strictly, and its generated reference is complete.

The site is built once for this module (``sphinx-build -W -n --keep-going``
into a temporary folder); every test then reads the built HTML.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from deployer.cli import cli
from deployer.config import load_config
from deployer.schemas import SCHEMA_NAMES
from tools.reference import default_schemas
from tools.reference.cli import command_label
from tools.reference.schema import anchor_for, collect, load_schema_file

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

pytestmark = pytest.mark.docs_build


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the site once, as CI does for a repository; fail with Sphinx's output if it fails."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "DOCS_GITHUB_REPOSITORY": "example-org/hubs"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "-n",
            "--keep-going",
            "-q",
            "-d",
            str(out / "doctrees"),
            str(DOCS),
            str(out / "html"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return out / "html"


def _ids(page: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_schema_property_has_its_anchor_in_the_built_html(site: Path, name: str) -> None:
    props, _ = collect(load_schema_file(name, default_schemas()[name]))
    ids = _ids(site / "reference" / "generated" / f"schema-{name}.html")
    missing = [p.path for p in props if anchor_for(name, p.path) not in ids]
    assert props
    assert missing == []


def test_every_command_has_its_anchor_in_the_cli_reference(site: Path) -> None:
    ids = _ids(site / "reference" / "generated" / "cli.html")
    ctx = click.Context(cli, info_name="deployer")
    commands = cli.list_commands(ctx)
    assert commands
    for name in ["", *commands]:
        assert command_label(f"deployer {name}".strip()) in ids


def test_the_inventory_lists_every_hub_of_the_example_config(site: Path) -> None:
    text = html.unescape((site / "reference" / "generated" / "inventory.html").read_text("utf-8"))
    config = load_config(ROOT / "config")
    hubs = list(config.hubs())
    assert hubs
    for hub in hubs:
        assert hub.domain in text


def test_the_landing_page_links_each_card_to_its_section(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    for section in ("tutorials", "how-to", "reference", "explanation"):
        assert f'href="{section}/index.html"' in text
        assert (site / section / "index.html").is_file()


def test_generated_pages_offer_no_edit_link_but_written_pages_do(site: Path) -> None:
    """Generated pages are not in git, so "Edit on GitHub" would lead nowhere."""
    generated = sorted((site / "reference" / "generated").glob("*.html"))
    assert generated
    for page in generated:
        assert "Edit on GitHub" not in page.read_text(encoding="utf-8"), page.name
    assert "Edit on GitHub" in (site / "how-to" / "add-a-hub.html").read_text(encoding="utf-8")


def test_schema_properties_are_search_results(site: Path) -> None:
    index = (site / "searchindex.js").read_text(encoding="utf-8")
    assert '"cluster.hubs[]":[' in index
    assert '"cluster-hubs-values-files","values_files"]' in index


def test_the_site_loads_nothing_from_the_network(site: Path) -> None:
    """Offline build: no script, style sheet, image or font comes from another host."""
    tags = re.compile(r"<(?:script|link|img)\b[^>]*>")
    remote = re.compile(r"""\s(?:src|href)="(?:https?:)?//""")
    offenders = sorted(
        f"{page.relative_to(site).as_posix()}: {tag}"
        for page in site.rglob("*.html")
        for tag in tags.findall(page.read_text(encoding="utf-8"))
        if remote.search(tag)
    )
    assert offenders == []
