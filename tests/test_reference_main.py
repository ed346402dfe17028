"""``python -m tools.reference [--check] OUTDIR`` (tools/reference/__main__.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tools.reference.__main__ import main

if TYPE_CHECKING:
    import pytest

DATA = Path(__file__).parent / "data" / "reference"
SHOP = f"shop={DATA / 'shop.schema.yaml'}"


def test_check_fails_when_output_would_change_then_passes_after_writing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--schema", SHOP, "--config-dir", str(tmp_path / "none"), str(tmp_path / "out")]
    assert main(["--check", *args]) == 1
    err = capsys.readouterr().err
    assert "stale: " in err
    assert "schema-shop.md" in err
    assert "cli.md" in err
    assert not (tmp_path / "out").exists()
    assert main(args) == 0
    assert "wrote " in capsys.readouterr().out
    assert main(["--check", *args]) == 0
    assert capsys.readouterr().err == ""


def test_a_schema_that_cannot_be_documented_is_an_error_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = f"u={DATA / 'undocumented.schema.yaml'}"
    assert main(["--schema", bad, "--cli", "", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "property `nested.secret_sauce` has no description" in err
    assert "Traceback" not in err


def test_schema_option_needs_name_and_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--schema", "nofile", str(tmp_path)]) == 2
    assert "NAME=FILE" in capsys.readouterr().err


def test_an_invalid_config_tree_is_an_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cluster = tmp_path / "config" / "clusters" / "broken"
    cluster.mkdir(parents=True)
    (cluster / "cluster.yaml").write_text("name: broken\nprovider: moon\nhubs: []\n", "utf-8")
    args = ["--schema", SHOP, "--cli", "", "--config-dir", str(tmp_path / "config")]
    assert main([*args, str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "cluster.yaml" in err
    assert "Traceback" not in err


def test_check_detects_stale_rule_and_workflow_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A changed workflow or a hand-edited rule page makes --check fail, naming the page."""
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    flow = workflows / "validate.yaml"
    flow.write_text(
        "name: V\non: pull_request\njobs:\n  v:\n    steps:\n      - run: deployer validate\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    none = str(tmp_path / "none")
    args = ["--schema", SHOP, "--cli", "", "--config-dir", none, "--workflows-dir", str(workflows)]
    args.append(str(out))
    assert main(args) == 0
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "audit-signals.md",
        "limits-and-safety.md",
        "planner-rules.md",
        "schema-shop.md",
        "validation-rules.md",
        "workflows.md",
    ]
    assert main(["--check", *args]) == 0
    capsys.readouterr()

    flow.write_text(flow.read_text("utf-8").replace("validate", "validate --cluster x"), "utf-8")
    rules = out / "planner-rules.md"
    rules.write_text(rules.read_text("utf-8") + "hand-written line\n", encoding="utf-8")
    assert main(["--check", *args]) == 1
    err = capsys.readouterr().err
    assert f"stale: {out / 'workflows.md'}" in err
    assert f"stale: {rules}" in err
    assert "validation-rules.md" not in err

    assert main(args) == 0
    assert main(["--check", *args]) == 0


def test_no_rules_leaves_the_rule_pages_out(tmp_path: Path) -> None:
    out = tmp_path / "out"
    none = str(tmp_path / "none")
    args = ["--schema", SHOP, "--cli", "", "--no-rules", "--config-dir", none]
    args += ["--workflows-dir", none]
    assert main([*args, str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["schema-shop.md"]


def _shop_only(tmp_path: Path, out: Path) -> list[str]:
    none = str(tmp_path / "none")
    return ["--schema", SHOP, "--cli", "", "--no-rules", "--config-dir", none,
            "--workflows-dir", none, str(out)]  # fmt: skip


def test_an_outdir_that_is_a_file_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.write_text("mine", encoding="utf-8")
    expected = f"error: {out} is not a folder: give the folder the pages go in\n"
    for check in ([], ["--check"]):
        assert main([*check, *_shop_only(tmp_path, out)]) == 1
        assert capsys.readouterr().err == expected
    assert out.read_text(encoding="utf-8") == "mine"


def test_a_folder_where_a_page_goes_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "out" / "schema-shop.md").mkdir(parents=True)
    assert main(_shop_only(tmp_path, tmp_path / "out")) == 1
    err = capsys.readouterr().err
    assert (
        "schema-shop.md is in the way of a generated page (it is not a file): move it away" in err
    )


def test_pages_that_are_not_ours_are_left_alone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "notes.md").mkdir(parents=True)  # a folder named like a page
    (out / "latin1.md").write_bytes("caf\xe9".encode("latin-1"))  # not UTF-8
    assert main(_shop_only(tmp_path, out)) == 0
    assert main(["--check", *_shop_only(tmp_path, out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["latin1.md", "notes.md", "schema-shop.md"]
