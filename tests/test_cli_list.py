"""``deployer list``, run in-process on the example trees."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from deployer.cli import main

if TYPE_CHECKING:
    import pytest

CASES = Path(__file__).parent / "data" / "configs"


def test_text_table_is_aligned_with_one_row_per_hub(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["list", "--config-dir", str(CASES / "valid" / "four-providers")])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines() == [
        "CLUSTER   PROVIDER    HUB      STAGE    DOMAIN                         CHART",
        "campus    kubeconfig  prod     prod     hub.campus.example.edu         jupyterhub 4.2.0",
        "nasa      aws         staging  staging  staging.nasa.hubs.example.org  daskhub 2024.1.1",
        "uk        gcp         staging  staging  staging.uk.hubs.example.org    jupyterhub 4.2.0",
        "uk        gcp         prod     prod     uk.hubs.example.org            jupyterhub 4.2.0",
        "utoronto  azure       prod     prod     jupyter.utoronto.example.ca    jupyterhub 4.2.0",
    ]


def test_json_lists_clusters_with_their_hubs(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["list", "--config-dir", str(CASES / "valid" / "minimal"), "--format", "json"])
    assert code == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "name": "uk",
            "provider": "gcp",
            "hubs": [
                {
                    "name": "prod",
                    "stage": "prod",
                    "domain": "uk.hubs.example.org",
                    "chart": "jupyterhub",
                    "chart_version": "4.2.0",
                }
            ],
        }
    ]


def test_unknown_chart_shows_a_question_mark(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["list", "--config-dir", str(CASES / "invalid" / "unknown-chart")])
    out = capsys.readouterr().out
    assert code == 0
    assert "jupyterhub5 ?" in out


def test_malformed_config_is_an_error_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["list", "--config-dir", str(CASES / "invalid" / "yaml-syntax-cluster")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("error: ")
    assert "cluster.yaml:7:8" in captured.err
    assert "Traceback" not in captured.err


def test_missing_config_dir_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["list", "--config-dir", str(tmp_path / "nowhere")])
    assert code == 1
    assert "is not a folder" in capsys.readouterr().err


def test_cluster_folder_without_cluster_file_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A relative path and what to do, not an absolute path and "cannot read the file"."""
    shutil.copytree(CASES / "valid" / "minimal", tmp_path / "config")
    (tmp_path / "config" / "clusters" / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    code = main(["list"])
    captured = capsys.readouterr()
    assert (code, captured.out) == (1, "")
    assert captured.err == (
        "error: config/clusters/empty/ has no cluster.yaml: add one "
        "(see the cluster schema reference) or remove the folder\n"
    )
