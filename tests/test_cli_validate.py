"""``deployer validate``, run in-process over the example folders in tests/data/configs.

Every folder under ``valid/`` and ``invalid/`` is a config root; its
``expected.txt`` holds the exact text output of
``deployer validate --config-dir .`` run from inside it.  Adding a folder
adds a test; ``pytest --update-goldens`` rewrites the golden files.
A case may list files to generate (too large to commit) in
``large-files.txt``: one ``path size`` per line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from deployer.cli import main

CASES = Path(__file__).parent / "data" / "configs"
REPO = Path(__file__).parent.parent


def _cases(kind: str) -> list[Path]:
    return sorted(p for p in (CASES / kind).iterdir() if p.is_dir())


def _prepare(case: Path, tmp_path: Path) -> Path:
    """Copy a case (symlinks kept) and generate the files it lists in large-files.txt."""
    work = tmp_path / case.name
    shutil.copytree(case, work, symlinks=True)
    listing = work / "large-files.txt"
    if listing.exists():
        for line in listing.read_text().splitlines():
            rel, size = line.split()
            (work / rel).write_bytes(b"# padding\n" * (int(size) // 10 + 1))
    return work


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _check_golden(case: Path, out: str, *, update: bool) -> None:
    golden = case / "expected.txt"
    if update:
        golden.write_text(out)
    assert golden.exists(), f"no golden file {golden}: run pytest --update-goldens"
    assert out == golden.read_text(), f"output of {case.name} differs from its golden file"


@pytest.mark.parametrize("case", _cases("invalid"), ids=lambda p: p.name)
def test_invalid_case_matches_golden(
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_goldens: bool,  # noqa: FBT001 - a fixture, passed by name
) -> None:
    """Each invalid example fails with exactly the problems of its golden file."""
    monkeypatch.chdir(_prepare(case, tmp_path))
    code, out, err = _run(["validate", "--config-dir", "."], capsys)
    _check_golden(case, out, update=update_goldens)
    assert code == 1, out + err
    assert "Traceback" not in out + err
    assert " error: " in out


@pytest.mark.parametrize("case", _cases("valid"), ids=lambda p: p.name)
def test_valid_case_passes(
    case: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    update_goldens: bool,  # noqa: FBT001 - a fixture, passed by name
) -> None:
    """Each valid example passes (warnings allowed) with the output of its golden file."""
    monkeypatch.chdir(_prepare(case, tmp_path))
    code, out, err = _run(["validate", "--config-dir", "."], capsys)
    _check_golden(case, out, update=update_goldens)
    assert code == 0, out + err
    assert out.splitlines()[-1].startswith("ok: ")


def test_there_are_enough_invalid_cases() -> None:
    """The invalid examples cover the rules (at least 25 of them)."""
    assert len(_cases("invalid")) >= 25


def test_json_format_lists_problem_objects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--format json prints a list of objects with the seven documented fields."""
    monkeypatch.chdir(_prepare(CASES / "invalid" / "unknown-chart", tmp_path))
    code, out, _ = _run(["validate", "--config-dir", ".", "--format", "json"], capsys)
    assert code == 1
    problems = json.loads(out)
    assert problems == [
        {
            "file": "clusters/uk/cluster.yaml",
            "line": 15,
            "column": 5,
            "json_path": "$.hubs[0].chart",
            "message": problems[0]["message"],
            "severity": "error",
            "rule": "unknown-chart",
        }
    ]
    assert "jupyterhub5" in problems[0]["message"]


def test_json_format_of_a_valid_tree_is_an_empty_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_prepare(CASES / "valid" / "minimal", tmp_path))
    code, out, _ = _run(["validate", "--config-dir", ".", "--format", "json"], capsys)
    assert (code, json.loads(out)) == (0, [])


def test_unknown_cluster_is_a_usage_error_listing_known_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_prepare(CASES / "valid" / "four-providers", tmp_path))
    code, out, err = _run(["validate", "mars", "--config-dir", "."], capsys)
    assert code == 2
    assert out == ""
    assert "no cluster 'mars'" in err
    assert "campus, nasa, uk, utoronto" in err


def test_unknown_hub_is_a_usage_error_listing_known_hubs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_prepare(CASES / "valid" / "four-providers", tmp_path))
    code, _, err = _run(["validate", "uk", "canary", "--config-dir", "."], capsys)
    assert code == 2
    assert "no hub 'canary' in cluster 'uk' (known hubs: staging, prod)" in err


def test_cluster_argument_limits_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only the named cluster's problems are reported (here: none in utoronto)."""
    case = CASES / "invalid" / "many-files-many-errors"
    monkeypatch.chdir(_prepare(case, tmp_path))
    code, out, _ = _run(["validate", "uk", "--config-dir", "."], capsys)
    assert code == 1
    assert all(line.startswith(("clusters/uk/", "charts/")) for line in out.splitlines()[:-1])
    assert out.splitlines()[-1].endswith("(1 cluster, 2 hubs)")


def test_hub_argument_limits_the_report_to_that_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With a hub, problems of the other hubs' entries and files are left out."""
    monkeypatch.chdir(_prepare(CASES / "invalid" / "many-files-many-errors", tmp_path))
    code, out, _ = _run(["validate", "uk", "prod", "--config-dir", "."], capsys)
    assert code == 1
    assert "hubs[0]" not in out
    assert "enc-staging" not in out
    assert "$.hubs[1].domain" in out
    assert out.splitlines()[-1].endswith("(1 cluster, 1 hub)")


def test_verbose_is_accepted_and_keeps_the_problem_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(_prepare(CASES / "invalid" / "wrong-types", tmp_path))
    _, quiet, _ = _run(["validate", "--config-dir", "."], capsys)
    code, verbose, _ = _run(["validate", "--config-dir", ".", "--verbose"], capsys)
    assert code == 1
    assert set(quiet.splitlines()[:-1]) <= set(verbose.splitlines())


def test_missing_config_dir_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = _run(["validate", "--config-dir", "nowhere"], capsys)
    assert code == 2
    assert "nowhere" in err


def test_secret_values_never_appear_in_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Unencrypted secret values are located, never quoted."""
    for name in ("unencrypted-secret", "secret-partly-unencrypted"):
        monkeypatch.chdir(_prepare(CASES / "invalid" / name, tmp_path))
        for fmt in ("text", "json"):
            _, out, err = _run(["validate", "--config-dir", ".", "--format", fmt], capsys)
            assert "do-not-print-me" not in out + err
            assert "plain-text-leaked" not in out + err


def test_paths_are_shown_relative_to_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from the parent of the config root, paths start with the root's name."""
    work = _prepare(CASES / "invalid" / "unknown-chart", tmp_path)
    monkeypatch.chdir(work.parent)
    _, out, _ = _run(["validate", "--config-dir", str(work)], capsys)
    assert out.startswith(f"{work.name}/clusters/uk/cluster.yaml:15:5: error: ")


def test_real_config_tree_is_valid(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The repository's own config/ validates without errors."""
    if not (REPO / "config" / "clusters").is_dir() or not any(
        (REPO / "config" / "clusters").iterdir()
    ):
        pytest.skip("config/clusters is empty")
    monkeypatch.chdir(REPO)
    code, out, err = _run(["validate"], capsys)
    assert code == 0, out + err


def test_folder_without_cluster_file_counts_as_one_file_in_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The summary counts the cluster.yaml the report names, not "0 files"."""
    monkeypatch.chdir(_prepare(CASES / "valid" / "minimal", tmp_path))
    Path("clusters/empty").mkdir()
    code, out, _ = _run(["validate", "empty", "--config-dir", "."], capsys)
    assert code == 1
    assert out == (
        "clusters/empty/cluster.yaml:1:1: error: cluster folder 'empty' has no cluster.yaml: "
        "add one (see the cluster schema reference) or remove the folder (at $) [missing-file]\n"
        "1 error, 0 warnings in 1 file (1 cluster, 0 hubs)\n"
    )


def test_hub_of_a_folder_without_cluster_file_reports_the_missing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With no cluster.yaml there are no known hubs: the missing file is the answer."""
    monkeypatch.chdir(_prepare(CASES / "valid" / "minimal", tmp_path))
    Path("clusters/empty").mkdir()
    code, out, err = _run(["validate", "empty", "staging", "--config-dir", "."], capsys)
    assert (code, err) == (1, "")
    assert "[missing-file]" in out
