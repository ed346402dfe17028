"""Gaps over a whole tree (tools.audit._gaps): every kind, on fixture trees and small cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.audit import AuditOptions, Gap, audit_paths
from tools.audit._gaps import GAP_KINDS, cli_commands, schema_properties

DATA = Path(__file__).parent / "data" / "audit"
SCHEMAS = DATA / "schemas"


def gaps_of(*paths: Path, schema_dirs=False, cli=False) -> list[Gap]:
    options = AuditOptions(schema_dirs=schema_dirs, cli=cli)
    return list(audit_paths(list(paths), options=options).gaps)


def by_kind(gaps: list[Gap], kind: str) -> list[str]:
    return sorted(g.subject for g in gaps if g.kind == kind)


@pytest.fixture(scope="module")
def sphinx_gaps() -> list[Gap]:
    return gaps_of(DATA / "sphinx-md")


@pytest.fixture(scope="module")
def rst_gaps() -> list[Gap]:
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(DATA))  # tidepool_cli.py, a small click command line
        return gaps_of(DATA / "rst-tree", schema_dirs=[SCHEMAS], cli="tidepool_cli:cli")


@pytest.fixture(autouse=True)
def _cli_module_importable(monkeypatch):
    monkeypatch.syspath_prepend(str(DATA))


def test_every_kind_is_covered_by_the_fixtures(sphinx_gaps, rst_gaps):
    kinds = {g.kind for g in [*sphinx_gaps, *rst_gaps]}
    assert kinds == set(GAP_KINDS)


def test_empty_category(sphinx_gaps, rst_gaps):
    assert by_kind(sphinx_gaps, "empty-category") == ["explanation"]
    assert by_kind(rst_gaps, "empty-category") == []
    (gap,) = [g for g in sphinx_gaps if g.kind == "empty-category"]
    assert gap.message == (
        "no explanation page yet (expected in tests/data/audit/sphinx-md/explanation/)"
    )
    assert gap.path is None


def test_no_empty_category_gaps_for_a_tree_without_categories(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "page.md").write_text("# A page\n\nSome text.\n", encoding="utf-8")
    assert gaps_of(tmp_path) == []


def test_a_single_page_outside_sphinx_has_no_empty_category_gaps(tmp_path):
    """Auditing one guide on its own says nothing about the categories it is not in."""
    (tmp_path / ".git").mkdir()
    page = tmp_path / "how-to" / "alone.md"
    page.parent.mkdir()
    page.write_text("# Alone\n\n1. Run `tidepool sync`.\n", encoding="utf-8")
    gaps = gaps_of(page)
    assert by_kind(gaps, "empty-category") == []
    assert by_kind(gaps, "how-to-without-reference") == ["alone"]


def test_how_to_without_reference(sphinx_gaps):
    """rotate-keys and sync-on-a-schedule link the settings; background links nothing."""
    assert by_kind(sphinx_gaps, "how-to-without-reference") == [
        "how-to/background",
        "how-to/unclear",
    ]
    gap = next(g for g in sphinx_gaps if g.kind == "how-to-without-reference")
    assert gap.path == "tests/data/audit/sphinx-md/how-to/background.md"
    assert gap.line == 1


def test_reference_without_explanation(sphinx_gaps, rst_gaps):
    assert by_kind(sphinx_gaps, "reference-without-explanation") == [
        "reference/commands",
        "reference/settings",
    ]
    # why-snapshots links the settings with :ref:, so only nothing is left in the rst tree.
    assert by_kind(rst_gaps, "reference-without-explanation") == []


def test_not_in_toctree_only_for_sphinx_trees(sphinx_gaps, rst_gaps):
    assert by_kind(sphinx_gaps, "not-in-toctree") == ["stray"]
    assert by_kind(rst_gaps, "not-in-toctree") == []


def test_toctree_entries_resolve_relative_paths_globs_titles_and_orphans(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser"]\n', encoding="utf-8")
    files = {
        "index.md": "# Home\n\n```{toctree}\nguide/index\nAbout us <about>\n/absolute\n```\n",
        "guide/index.md": "# Guide\n\n```{toctree}\n:glob:\n\nstep-*\n../shared/part\n```\n",
        "guide/step-1.md": "# One\n",
        "guide/step-2.md": "# Two\n",
        "shared/part.md": "# Part\n",
        "about.md": "# About\n",
        "absolute.md": "# Absolute\n",
        "lost.md": "# Lost\n",
        "orphaned.md": "---\norphan: true\n---\n# Orphan\n",
        "rst-orphan.rst": ":orphan:\n\nTitle\n=====\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert by_kind(gaps_of(tmp_path), "not-in-toctree") == ["lost"]


def test_tutorial_without_runnable_step(sphinx_gaps, rst_gaps):
    assert by_kind(sphinx_gaps, "tutorial-without-runnable-step") == ["tutorials/read-only"]
    assert by_kind(rst_gaps, "tutorial-without-runnable-step") == []


@pytest.mark.parametrize(
    ("body", "runnable"),
    [
        ("```console\n$ tidepool sync\n```\n", True),
        ("```{code-block} console\n$ tidepool sync\n```\n", True),
        (":::{code-block} console\n$ tidepool sync\n:::\n", True),
        ("```console\ntidepool sync\n```\n", False),
        ("```bash\ntidepool sync\n```\n", False),
        ("Type `$ tidepool sync` in a terminal.\n", False),
    ],
    ids=["console-fence", "code-block", "colon-fence", "no-prompt", "bash", "inline"],
)
def test_what_counts_as_a_runnable_step(tmp_path, body, runnable):
    (tmp_path / ".git").mkdir()
    page = tmp_path / "tutorials" / "lesson.md"
    page.parent.mkdir()
    page.write_text(f"# Lesson\n\nFirst, run this:\n\n{body}", encoding="utf-8")
    missing = by_kind(gaps_of(tmp_path), "tutorial-without-runnable-step")
    assert missing == ([] if runnable else ["tutorials/lesson"])


def test_schema_properties_follow_refs_items_and_maps(tmp_path):
    (tmp_path / "x.schema.yaml").write_text(
        "properties:\n"
        "  hubs:\n    type: array\n    items: {$ref: '#/$defs/hub'}\n"
        "  extra:\n    additionalProperties:\n      properties: {size: {type: integer}}\n"
        "  loop: {$ref: '#/$defs/loop'}\n"
        "$defs:\n"
        "  hub:\n    properties:\n      stage: {type: string}\n"
        "      oneOf: {}\n    oneOf:\n      - properties: {domain: {type: string}}\n"
        "  loop: {$ref: '#/$defs/loop'}\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.schema.yaml").write_text("{: nope", encoding="utf-8")
    paths = [p.path for p in schema_properties([tmp_path])]
    assert paths == [
        "hubs",
        "hubs[].stage",
        "hubs[].oneOf",
        "hubs[].domain",
        "extra",
        "extra.*.size",
        "loop",
    ]


def test_schema_properties_mentioned_in_text_code_or_roles(rst_gaps):
    """`snapshots.keep` is shown in the how-to; of the rest, only the outermost is listed."""
    assert by_kind(rst_gaps, "schema-property") == [
        "tidepool.schema.yaml: buckets",
        "tidepool.schema.yaml: snapshots.compress",
        "tidepool.schema.yaml: snapshots.path",
        "tidepool.schema.yaml: telemetry",
    ]


def test_yaml_code_blocks_and_dotted_tails_count_as_mentions(tmp_path):
    (tmp_path / ".git").mkdir()
    page = tmp_path / "how-to" / "configure.md"
    page.parent.mkdir()
    page.write_text(
        "# Configure\n\n1. Edit the file:\n\n   ```yaml\n   buckets:\n     - name: photos\n"
        "       schedule: nightly\n   ```\n\n"
        "2. Set {schema:prop}`tidepool:telemetry.endpoint` and "
        "`snapshots.keep` (see `x.snapshots.compress`).\n",
        encoding="utf-8",
    )
    gaps = gaps_of(tmp_path, schema_dirs=[SCHEMAS])
    assert by_kind(gaps, "schema-property") == [
        "tidepool.schema.yaml: buckets[].key",
        "tidepool.schema.yaml: buckets[].retries",
        "tidepool.schema.yaml: snapshots.path",
        "tidepool.schema.yaml: telemetry.interval",
    ]


def test_cli_commands_are_read_from_the_click_tree():
    names = [c.name for c in cli_commands("tidepool_cli:cli")]
    assert names == [
        "tidepool_cli check",
        "tidepool_cli schedule",
        "tidepool_cli schedule export",
        "tidepool_cli schedule start",
        "tidepool_cli sync",
    ]


def test_cli_commands_of_something_not_importable_are_none():
    assert cli_commands("no_such_module_anywhere:cli") == []
    assert cli_commands("pathlib:Path") == []


def test_cli_command_gaps(rst_gaps):
    """The fixture tutorial and how-to run no `tidepool_cli` command at all."""
    assert "tidepool_cli sync" in by_kind(rst_gaps, "cli-command")
    gap = next(g for g in rst_gaps if g.kind == "cli-command")
    assert "is used in no tutorial or how-to guide" in gap.message


def test_cli_commands_mentioned_in_a_how_to_are_not_gaps(tmp_path):
    (tmp_path / ".git").mkdir()
    page = tmp_path / "guides" / "run.md"
    page.parent.mkdir()
    page.write_text(
        "# Run\n\n```console\n$ tidepool_cli sync photos\n$ tidepool_cli   schedule\n```\n"
        "Then run `tidepool_cli schedule start`.\n",
        encoding="utf-8",
    )
    gaps = gaps_of(tmp_path, cli="tidepool_cli:cli")
    assert by_kind(gaps, "cli-command") == ["tidepool_cli check", "tidepool_cli schedule export"]


def test_gaps_cover_the_whole_tree_when_one_page_is_audited():
    result = audit_paths(
        [DATA / "sphinx-md" / "how-to" / "rotate-keys.md"],
        options=AuditOptions(schema_dirs=False, cli=False),
    )
    assert [p.docname for p in result.pages] == ["how-to/rotate-keys"]
    assert "stray" in by_kind(list(result.gaps), "not-in-toctree")


def test_gaps_can_be_turned_off():
    result = audit_paths([DATA / "sphinx-md"], options=AuditOptions(gaps=False))
    assert result.gaps == ()


GPU_SCHEMA = """\
properties:
  profiles:
    type: array
    items:
      properties:
        limits: {$ref: '#/$defs/resources'}
        guarantees: {$ref: '#/$defs/resources'}
  stage: {type: string}
$defs:
  resources:
    properties:
      nvidia.com/gpu: {type: integer}
      example.org/fpga: {type: integer}
"""


def gpu_gaps(tmp_path: Path, body: str) -> list[str]:
    """The schema-property gaps of a tree with one how-to holding *body*."""
    (tmp_path / ".git").mkdir()
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "gpu.schema.yaml").write_text(GPU_SCHEMA, encoding="utf-8")
    page = tmp_path / "how-to" / "gpus.md"
    page.parent.mkdir()
    page.write_text(f"# Give users GPUs\n\n{body}", encoding="utf-8")
    return by_kind(gaps_of(tmp_path, schema_dirs=[schemas]), "schema-property")


def test_keys_with_dots_or_slashes_are_quoted_in_property_paths(tmp_path):
    (tmp_path / "gpu.schema.yaml").write_text(GPU_SCHEMA, encoding="utf-8")
    paths = [p.path for p in schema_properties([tmp_path])]
    assert 'profiles[].limits["nvidia.com/gpu"]' in paths
    assert 'profiles[].guarantees["example.org/fpga"]' in paths


def test_yaml_keys_with_dots_or_slashes_are_mentions(tmp_path):
    """`nvidia.com/gpu` is one key, plain or quoted, nested under its parents."""
    body = (
        "1. Ask for a GPU:\n\n   ```yaml\n   profiles:\n     - limits:\n"
        "         nvidia.com/gpu: 1\n       guarantees:\n"
        "         \"nvidia.com/gpu\": 1\n         'example.org/fpga': 2\n   stage: prod\n   ```\n"
    )
    assert gpu_gaps(tmp_path, body) == ['gpu.schema.yaml: profiles[].limits["example.org/fpga"]']


def test_dotted_paths_with_quoted_keys_are_mentions(tmp_path):
    body = (
        'Set `profiles[].limits["nvidia.com/gpu"]` and '
        '{schema:prop}`gpu:profiles[].guarantees["nvidia.com/gpu"]`, and `stage`.\n'
    )
    assert gpu_gaps(tmp_path, body) == [
        'gpu.schema.yaml: profiles[].guarantees["example.org/fpga"]',
        'gpu.schema.yaml: profiles[].limits["example.org/fpga"]',
    ]


def test_a_schema_role_with_its_own_text_mentions_its_target(tmp_path):
    """`text <schema:path>` shows only the text; the target still counts, even a single key."""
    body = (
        "Set {schema:prop}`the stage <gpu:stage>` and "
        '{schema:prop}`a GPU limit <gpu:profiles[].limits["nvidia.com/gpu"]>` and '
        '{schema:prop}`an FPGA <gpu.profiles[].limits["example.org/fpga"]>`.\n'
    )
    assert gpu_gaps(tmp_path, body) == ["gpu.schema.yaml: profiles[].guarantees"]


def test_a_yaml_key_counts_only_nested_under_its_parents(tmp_path):
    """A fragment may leave out outer keys, but a key shown at the wrong level is not a mention."""
    body = (
        "```yaml\nlimits:\n  nvidia.com/gpu: 1\n```\n\n"  # a fragment: profiles[] left out
        "```yaml\nexample.org/fpga: 1\nstage:\n  nvidia.com/gpu: 1\n```\n"  # at the wrong level
    )
    assert gpu_gaps(tmp_path, body) == [
        "gpu.schema.yaml: profiles[].guarantees",
        'gpu.schema.yaml: profiles[].limits["example.org/fpga"]',
    ]
