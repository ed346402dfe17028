"""``deployer render``: helm's merge of a hub's values files, secret values never shown."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "fakebin"))
import recording

from deployer.cli import main
from deployer.config import read_config_fast
from deployer.render import merge_values, render_values

ROOT = Path(__file__).parent.parent
CONFIG = ROOT / "config"


def test_merge_maps_deeply_replace_lists_later_wins():
    base = {"a": {"b": 1, "c": [1, 2], "d": {"e": 1}}, "x": "keep"}
    override = {"a": {"b": 2, "c": [3], "d": None}, "y": {"z": 1}}
    assert merge_values(base, override) == {
        "a": {"b": 2, "c": [3], "d": None},
        "x": "keep",
        "y": {"z": 1},
    }
    assert base["a"]["b"] == 1  # inputs are not modified


def test_a_map_replaces_a_scalar_and_back():
    assert merge_values({"a": 1}, {"a": {"b": 1}}) == {"a": {"b": 1}}
    assert merge_values({"a": {"b": 1}}, {"a": "flat"}) == {"a": "flat"}


def test_render_merges_the_real_files_in_order_and_redacts_secrets(capsys):
    code = main(["render", "nasa", "prod", "--config-dir", str(CONFIG)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.splitlines()[1:4] == [
        "# 1. common.values.yaml",
        "# 2. prod.values.yaml",
        "# 3. enc-prod.secret.values.yaml",
    ]
    values = yaml.safe_load(out)
    github = values["hub"]["config"]["GitHubOAuthenticator"]
    redacted = "<redacted: from enc-prod.secret.values.yaml>"
    assert github["client_secret"] == redacted
    assert "ENC[" not in out
    assert "sops" not in values
    folder = CONFIG / "clusters" / "nasa"
    expected: dict = {}
    for name in ("common.values.yaml", "prod.values.yaml"):
        expected = merge_values(expected, yaml.safe_load((folder / name).read_text()))
    assert values["singleuser"] == expected["singleuser"]


def test_decrypt_reads_through_sops_and_still_redacts(monkeypatch, tmp_path, capsys):
    fakes = recording.install(monkeypatch, tmp_path)
    monkeypatch.setenv("FAKE_SECRET", "planted-render-secret-42")
    code = main(["render", "leap", "prod", "--decrypt", "--config-dir", str(CONFIG)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [c[:3] for c in fakes.commands()] == [["sops", "--decrypt", "--output"]]
    assert "planted-render-secret-42" not in out + err
    assert "<redacted: from enc-prod.secret.values.yaml>" in out
    decrypted = Path(fakes.commands()[0][3])
    assert not decrypted.exists()


def test_render_without_decrypt_needs_no_program(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    hub = read_config_fast(CONFIG).cluster("leap").hub("prod")
    assert "jupyterhub" in render_values(hub)  # a daskhub hub


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["nowhere", "prod"], "no cluster 'nowhere'"), (["leap", "nope"], "has no hub 'nope'")],
)
def test_unknown_cluster_or_hub(argv, message, capsys):
    assert main(["render", *argv, "--config-dir", str(CONFIG)]) == 2
    assert message in capsys.readouterr().err


def test_broken_values_file_names_file_and_line(tmp_path, capsys):
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    (config / "clusters" / "leap" / "prod.values.yaml").write_text("a: [1, 2\nb: 3\n")
    assert main(["render", "leap", "prod", "--config-dir", str(config)]) == 1
    err = capsys.readouterr().err
    assert "prod.values.yaml:2:2: did not find expected ',' or ']'" in err
    assert "Traceback" not in err


def test_a_binary_values_file_is_named_not_a_traceback(tmp_path, capsys):
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    (config / "clusters" / "leap" / "prod.values.yaml").write_bytes(b"\xff\xfe\x00a: 1\n")
    assert main(["render", "leap", "prod", "--config-dir", str(config)]) == 1
    err = capsys.readouterr().err
    assert "prod.values.yaml:1:3: file contains a NUL byte" in err


@pytest.fixture
def config(tmp_path):
    copy = tmp_path / "config"
    shutil.copytree(CONFIG, copy)
    return copy


def _replace(path: Path, target: str) -> None:
    path.unlink()
    path.symlink_to(target)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/etc/os-release", "prod.values.yaml:1:1: leads outside"),
        ("/dev/zero", "prod.values.yaml:1:1: leads outside"),
    ],
)
def test_render_refuses_values_files_that_lead_outside_the_config(config, capsys, target, message):
    _replace(config / "clusters" / "leap" / "prod.values.yaml", target)
    assert main(["render", "leap", "prod", "--config-dir", str(config)]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert "NAME=" not in err


def test_render_refuses_a_pipe_at_once(config, capsys):
    values = config / "clusters" / "leap" / "prod.values.yaml"
    values.unlink()
    os.mkfifo(values)
    assert main(["render", "leap", "prod", "--config-dir", str(config)]) == 1
    assert "prod.values.yaml:1:1: is not a regular file" in capsys.readouterr().err


def test_render_never_quotes_a_piece_of_a_secret_file(config, capsys):
    secret = config / "clusters" / "leap" / "enc-prod.secret.values.yaml"
    secret.write_text("jupyterhub:\n  token: !SECRET-CANARY-7f3a x\n")
    assert main(["render", "leap", "prod", "--config-dir", str(config)]) == 1
    err = capsys.readouterr().err
    assert "enc-prod.secret.values.yaml:2:10: a YAML tag (!...) is not allowed" in err
    assert "CANARY" not in err
