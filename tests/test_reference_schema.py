"""The schema → MyST generator (tools/reference/schema.py) on the schemas of tests/data/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from deployer.schemas import SCHEMA_NAMES
from tools.reference import GenerationError, default_schemas
from tools.reference.schema import (
    anchor_for,
    collect,
    load_schema_file,
    object_name,
    render_schema_page,
)

DATA = Path(__file__).parent / "data" / "reference"


def _render(name: str, file: str) -> str:
    return render_schema_page(load_schema_file(name, DATA / file), source_label=file)


def test_shop_page_matches_golden_file() -> None:
    """A schema using every feature gives exactly the golden page (UPDATE_GOLDEN=1 rewrites it)."""
    golden = DATA / "shop.md"
    page = _render("shop", "shop.schema.yaml")
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")


def test_every_property_at_every_level_has_a_labelled_heading_declaring_it() -> None:
    page = _render("shop", "shop.schema.yaml")
    props, _ = collect(load_schema_file("shop", DATA / "shop.schema.yaml"))
    paths = [p.path for p in props]
    assert paths == [
        "name",
        "kind",
        "books",
        "books.genres",
        "food",
        "food.fresh",
        "opening",
        "opening.hours",
        "opening.hours.weekday",
        "shelves",
        "shelves[].id",
        "shelves[].height",
        "labels",
        'labels["shop.example.org/owner"]',
        "labels.*",
    ]
    for path in paths:
        label = f"({anchor_for('shop', path)})=\n"
        assert f"{label}#" in page
        assert f"{{schema:property}}`{object_name('shop', path)}`\n" in page


def test_ref_with_a_local_description_keeps_it_and_takes_the_rest_from_the_target() -> None:
    props, _ = collect(load_schema_file("shop", DATA / "shop.schema.yaml"))
    height = next(p for p in props if p.path == "shelves[].height")
    assert height.schema["description"].startswith("How high the shelf is")
    assert height.schema["type"] == "number"
    assert height.schema["exclusiveMinimum"] == 0


def test_examples_are_shown_nested_under_their_parent_keys() -> None:
    page = _render("shop", "shop.schema.yaml")
    assert "```yaml\nopening:\n  hours:\n    weekday: 08-18\n```" in page
    assert "```yaml\nshelves:\n  - id: 4\n```" in page


def test_conditional_blocks_get_a_note_and_the_rules_a_table() -> None:
    page = _render("shop", "shop.schema.yaml")
    assert ":Required: when `kind` is `books`" in page
    assert ":::{note}\nRequired when `kind` is `food`.\n:::" in page
    assert (
        "| `kind` is `books` | {schema:prop}`shop:books` is required;"
        " {schema:prop}`shop:food` must not be set |"
    ) in page


def test_a_property_without_description_fails_naming_file_line_and_property() -> None:
    path = DATA / "undocumented.schema.yaml"
    with pytest.raises(GenerationError) as info:
        collect(load_schema_file("undocumented", path))
    message = str(info.value)
    assert f"{path}:12: property `nested.secret_sauce` has no description" in message
    assert "`ok`" not in message


def test_a_reference_pointing_nowhere_fails_with_its_location(tmp_path: Path) -> None:
    path = tmp_path / "broken.schema.yaml"
    path.write_text(
        "type: object\nproperties:\n  a:\n    $ref: '#/$defs/missing'\n",
        encoding="utf-8",
    )
    with pytest.raises(GenerationError, match=r"broken\.schema\.yaml:3: the reference"):
        collect(load_schema_file("broken", path))


def test_a_circular_reference_fails(tmp_path: Path) -> None:
    path = tmp_path / "loop.schema.yaml"
    path.write_text(
        "type: object\nproperties:\n  a:\n    $ref: '#/$defs/x'\n"
        "$defs:\n  x:\n    $ref: '#/$defs/y'\n  y:\n    $ref: '#/$defs/x'\n",
        encoding="utf-8",
    )
    with pytest.raises(GenerationError, match="circular"):
        collect(load_schema_file("loop", path))


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.schema.yaml"
    path.write_text("a: [\n", encoding="utf-8")
    with pytest.raises(GenerationError, match=r"bad\.schema\.yaml: not valid YAML"):
        load_schema_file("bad", path)


def test_properties_that_would_share_an_anchor_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "clash.schema.yaml"
    path.write_text(
        "type: object\nproperties:\n"
        "  a_b: {description: one, type: string}\n"
        "  a-b: {description: two, type: string}\n",
        encoding="utf-8",
    )
    with pytest.raises(GenerationError, match="share the anchor #clash-a-b"):
        render_schema_page(load_schema_file("clash", path))


@pytest.mark.parametrize(
    ("path", "anchor"),
    [
        ("hubs[].stage", "cluster-hubs-stage"),
        ("support.values_files", "cluster-support-values-files"),
        ("env.*", "cluster-env-any"),
        ('limits["nvidia.com/gpu"]', "cluster-limits-nvidia-com-gpu"),
    ],
)
def test_anchor_is_the_schema_and_path_in_lower_case_with_dashes(path: str, anchor: str) -> None:
    assert anchor_for("cluster", path) == anchor


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_the_deployers_own_schemas_are_documentable(name: str) -> None:
    """Every property of the real schemas has a description, so the site can be built."""
    loaded = load_schema_file(name, default_schemas()[name])
    page = render_schema_page(loaded)
    props, _ = collect(loaded)
    assert props
    for prop in props:
        assert f"({anchor_for(name, prop.path)})=\n" in page


def test_cluster_provider_blocks_are_shown_as_conditional() -> None:
    page = render_schema_page(load_schema_file("cluster", default_schemas()["cluster"]))
    for provider in ("gcp", "aws", "azure", "kubeconfig"):
        assert f":::{{note}}\nRequired when `provider` is `{provider}`.\n:::" in page
        assert (
            f"| `provider` is `{provider}` | {{schema:prop}}`cluster:{provider}` is required"
            in page
        )
