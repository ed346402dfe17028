"""The Sphinx extension and the ``schema`` domain, on a tiny project built in tmp_path.

Each build runs ``sphinx-build -W -n`` in a subprocess, as the docs session does.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from tools.reference.sphinxext import _no_edit_button

DATA = Path(__file__).parent / "data" / "reference"
ROOT = Path(__file__).parent.parent

CONF = """\
extensions = ["myst_parser", "tools.reference.sphinxext"]
myst_enable_extensions = ["colon_fence", "fieldlist"]
hub_deployer_schemas = {{"shop": "{schema}"}}
hub_deployer_cli = None
hub_deployer_config_dir = None
hub_deployer_rule_pages = False
hub_deployer_workflows_dir = None
hub_deployer_generated_dir = "generated"
exclude_patterns = ["_build"]
"""

INDEX = """\
# Tiny

See {link}.

```{{toctree}}
generated/schema-shop
```
"""


def _project(tmp_path: Path, *, schema: str = "shop.schema.yaml", link: str) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(DATA / schema, src / schema)
    (src / "conf.py").write_text(CONF.format(schema=schema), encoding="utf-8")
    (src / "index.md").write_text(INDEX.format(link=link), encoding="utf-8")
    return src


def _build(src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
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
            str(src),
            str(src / "_build"),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_a_property_link_resolves_to_the_property_section(tmp_path: Path) -> None:
    src = _project(tmp_path, link="{schema:prop}`shop:shelves[].id`")
    result = _build(src)
    assert result.returncode == 0, result.stderr
    index = (src / "_build" / "index.html").read_text(encoding="utf-8")
    assert 'href="generated/schema-shop.html#shop-shelves-id"' in index
    assert '<code class="xref schema schema-prop docutils literal notranslate">' in index
    assert "shelves[].id" in index
    page = (src / "_build" / "generated" / "schema-shop.html").read_text(encoding="utf-8")
    assert '<section id="shop-shelves-id">' in page
    generated = (src / "generated" / "schema-shop.md").read_text(encoding="utf-8")
    golden = (DATA / "shop.md").read_text(encoding="utf-8")
    assert generated.splitlines()[1:] == golden.splitlines()[1:]


def test_a_link_with_its_own_text_and_the_dotted_form(tmp_path: Path) -> None:
    src = _project(tmp_path, link="{schema:prop}`the weekday hours <shop.opening.hours.weekday>`")
    result = _build(src)
    assert result.returncode == 0, result.stderr
    index = (src / "_build" / "index.html").read_text(encoding="utf-8")
    assert 'href="generated/schema-shop.html#shop-opening-hours-weekday"' in index
    assert "the weekday hours" in index


def test_properties_are_in_the_search_index(tmp_path: Path) -> None:
    src = _project(tmp_path, link="{schema:prop}`shop:name`")
    assert _build(src).returncode == 0
    index = (src / "_build" / "searchindex.js").read_text(encoding="utf-8")
    # Objects are indexed as prefix → (name, anchor): "shop.shelves[]" → "id".
    assert '"shop.shelves[]":[' in index
    assert '"shop-shelves-id","id"]' in index
    assert "Configuration schema property" in index


def test_a_broken_property_link_fails_the_build_naming_it(tmp_path: Path) -> None:
    src = _project(tmp_path, link="{schema:prop}`shop:shelves[].idd`")
    result = _build(src)
    assert result.returncode != 0
    assert "index.md:3: WARNING: unknown schema property 'shop.shelves[].idd'" in result.stderr
    assert "[ref.prop]" in result.stderr


def test_a_property_without_description_fails_the_build_naming_it(tmp_path: Path) -> None:
    src = _project(tmp_path, schema="undocumented.schema.yaml", link="nothing")
    result = _build(src)
    assert result.returncode != 0
    assert "ERROR: " in result.stderr
    assert "undocumented.schema.yaml:12: property `nested.secret_sauce` has no description" in (
        result.stderr
    )
    assert "[reference.generation]" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unchanged_rebuild_does_not_rewrite_the_generated_page(tmp_path: Path) -> None:
    """sphinx-autobuild watches the source folder: a rebuild must not touch generated files."""
    src = _project(tmp_path, link="{schema:prop}`shop:name`")
    assert _build(src).returncode == 0
    page = src / "generated" / "schema-shop.md"
    before = page.stat().st_mtime_ns
    assert _build(src).returncode == 0
    assert page.stat().st_mtime_ns == before


def test_a_parallel_build_merges_the_properties_of_every_reader(tmp_path: Path) -> None:
    """With -j 2 the documents are read in two processes; links still resolve everywhere."""
    src = _project(tmp_path, link="{schema:prop}`shop:name`")
    pages = [f"page{n}" for n in range(8)]
    for name in pages:
        (src / f"{name}.md").write_text(
            f"# Page {name}\n\nSee {{schema:prop}}`shop:shelves[].id`.\n", encoding="utf-8"
        )
    index = src / "index.md"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            "generated/schema-shop\n", "generated/schema-shop\n" + "\n".join(pages) + "\n"
        ),
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "-j", "2",
         str(src), str(src / "_build")],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "parallel" not in result.stderr
    for name in pages:
        html = (src / "_build" / f"{name}.html").read_text(encoding="utf-8")
        assert 'href="generated/schema-shop.html#shop-shelves-id"' in html


def test_a_rebuild_regenerates_when_a_source_changes(tmp_path: Path) -> None:
    """The rebuild shortcut must not hide a schema edit."""
    src = _project(tmp_path, link="{schema:prop}`shop:name`")
    assert _build(src).returncode == 0
    schema = src / "shop.schema.yaml"
    schema.write_text(
        schema.read_text(encoding="utf-8").replace(
            "The shop's name, a DNS label.", "The shop's new name."
        ),
        encoding="utf-8",
    )
    assert _build(src).returncode == 0
    assert "The shop's new name." in (src / "generated" / "schema-shop.md").read_text("utf-8")


def test_a_rebuild_restores_a_generated_page_edited_by_hand(tmp_path: Path) -> None:
    src = _project(tmp_path, link="{schema:prop}`shop:name`")
    assert _build(src).returncode == 0
    page = src / "generated" / "schema-shop.md"
    text = page.read_text(encoding="utf-8")
    page.write_text("# Edited by hand\n", encoding="utf-8")
    assert _build(src).returncode == 0
    assert page.read_text(encoding="utf-8") == text


def test_an_invalid_config_tree_fails_the_build_without_a_traceback(tmp_path: Path) -> None:
    src = _project(tmp_path, link="{schema:prop}`shop:name`")
    cluster = tmp_path / "config" / "clusters" / "broken"
    cluster.mkdir(parents=True)
    (cluster / "cluster.yaml").write_text("name: broken\nprovider: moon\nhubs: []\n", "utf-8")
    conf = src / "conf.py"
    conf.write_text(
        conf.read_text(encoding="utf-8").replace(
            "hub_deployer_config_dir = None",
            f"hub_deployer_config_dir = {str(tmp_path / 'config')!r}",
        ),
        encoding="utf-8",
    )
    result = _build(src)
    assert result.returncode != 0
    assert "ERROR: " in result.stderr
    assert "cluster.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_generated_pages_get_no_edit_button() -> None:
    """The theme's "edit this page" link would lead to a file that is not in git."""
    app = cast("Any", SimpleNamespace(config=SimpleNamespace(hub_deployer_generated_dir="gen/")))
    generated: dict[str, Any] = {"theme_use_edit_page_button": True}
    written: dict[str, Any] = {"theme_use_edit_page_button": True}
    _no_edit_button(app, "gen/workflows", "page.html", generated, None)
    _no_edit_button(app, "how-to/index", "page.html", written, None)
    assert generated["theme_use_edit_page_button"] is False
    assert written["theme_use_edit_page_button"] is True
