"""``deployer export-hub``: a folder that deploys a hub with plain sops and helm."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import yaml

from deployer.cli import main
from deployer.config import read_config_fast
from deployer.deploy import DEFAULT_TIMEOUT, helm_upgrade_command

ROOT = Path(__file__).parent.parent
CONFIG = ROOT / "config"


def export(capsys, *argv):
    code = main(["export-hub", *argv, "--config-dir", str(CONFIG)])
    out, err = capsys.readouterr()
    return code, out, err


def test_export_writes_numbered_values_chart_and_readme(tmp_path, capsys):
    dest = tmp_path / "out"
    code, out, err = export(capsys, "nasa", "prod", str(dest))
    assert code == 0, err
    assert "Exported nasa/prod" in out
    assert sorted(p.name for p in dest.iterdir()) == [
        "01-common.values.yaml",
        "02-prod.values.yaml",
        "03-enc-prod.secret.values.yaml",
        "README.md",
        "chart.yaml",
    ]
    folder = CONFIG / "clusters" / "nasa"
    for copied, original in [
        ("01-common.values.yaml", "common.values.yaml"),
        ("03-enc-prod.secret.values.yaml", "enc-prod.secret.values.yaml"),
    ]:
        assert (dest / copied).read_bytes() == (
            folder / original
        ).read_bytes()  # secrets still encrypted
    chart = yaml.safe_load((dest / "chart.yaml").read_text())
    assert chart == {
        "repository": "https://hub.jupyter.org/helm-chart/",
        "name": "jupyterhub",
        "version": "4.2.0",
    }
    readme = (dest / "README.md").read_text()
    encrypted = "03-enc-prod.secret.values.yaml"
    assert f"$ sops --decrypt --output decrypted-{encrypted} {encrypted}" in readme
    assert (
        "$ helm upgrade --install prod jupyterhub --repo https://hub.jupyter.org/helm-chart/ "
        "--version 4.2.0 --namespace prod --create-namespace --values 01-common.values.yaml "
        "--values 02-prod.values.yaml --values decrypted-03-enc-prod.secret.values.yaml --wait"
    ) in readme
    assert "deployer" not in readme  # deployable without this project


def test_readme_command_lists_every_values_file_in_order(tmp_path, capsys):
    hub = read_config_fast(CONFIG).cluster("edu-shared").hub("geo-dask")
    dest = tmp_path / "geo"
    assert export(capsys, "edu-shared", "geo-dask", str(dest))[0] == 0
    readme = (dest / "README.md").read_text()
    positions = [readme.index(p.name, readme.index("helm upgrade")) for p in hub.values_files]
    assert positions == sorted(positions)
    assert "chart.yaml" in readme
    assert "daskhub" in (dest / "chart.yaml").read_text()


def test_refuses_a_non_empty_destination_without_force(tmp_path, capsys):
    dest = tmp_path / "out"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    code, _, err = export(capsys, "leap", "prod", str(dest))
    assert code == 2
    assert "is not empty" in err
    assert "--force" in err
    assert (dest / "keep.txt").read_text() == "mine"
    code, _, err = export(capsys, "leap", "prod", str(dest), "--force")
    assert code == 0, err
    assert not (dest / "keep.txt").exists()
    assert (dest / "README.md").exists()


def test_an_empty_destination_is_fine(tmp_path, capsys):
    dest = tmp_path / "empty"
    dest.mkdir()
    assert export(capsys, "leap", "staging", str(dest))[0] == 0
    assert (dest / "chart.yaml").exists()


def test_nothing_is_left_behind_next_to_the_destination(tmp_path, capsys):
    dest = tmp_path / "out"
    assert export(capsys, "leap", "prod", str(dest))[0] == 0
    assert export(capsys, "leap", "prod", str(dest), "--force")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_missing_values_file_leaves_no_partial_export(tmp_path, capsys):
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    (config / "clusters" / "leap" / "prod.values.yaml").unlink()
    dest = tmp_path / "out"
    code = main(["export-hub", "leap", "prod", str(dest), "--config-dir", str(config)])
    assert code == 1
    assert "prod.values.yaml" in capsys.readouterr().err
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config"]


def test_readme_waits_as_long_as_deploy_does(tmp_path, capsys):
    """The README's helm command is the one deploy runs, `--wait --timeout 10m` included."""
    config = read_config_fast(CONFIG)
    hub = config.cluster("nasa").hub("prod")
    dest = tmp_path / "out"
    assert export(capsys, "nasa", "prod", str(dest))[0] == 0
    readme = (dest / "README.md").read_text()
    helm_line = next(line for line in readme.splitlines() if line.startswith("$ helm "))
    words = shlex.split(helm_line.removeprefix("$ "))
    assert words[-3:] == ["--wait", "--timeout", DEFAULT_TIMEOUT]
    values = [words[i + 1] for i, word in enumerate(words) if word == "--values"]
    chart = config.charts[hub.chart]
    assert words == helm_upgrade_command(hub.name, chart, values, namespace=hub.name)


def test_a_destination_that_cannot_be_created_is_a_usage_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = export(capsys, "leap", "prod", str(blocker / "sub" / "out"))
    assert code == 2
    assert "cannot create the export folder" in err
    assert "Traceback" not in err


def copy_config(tmp_path):
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    return config


def export_from(config, capsys, *argv):
    code = main(["export-hub", *argv, "--config-dir", str(config)])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_values_file_that_leads_outside_the_config_is_refused(tmp_path, capsys):
    config = copy_config(tmp_path)
    outside = tmp_path / "private.yaml"
    outside.write_text("hub:\n  config: {}\n")
    values = config / "clusters" / "nasa" / "prod.values.yaml"
    values.unlink()
    values.symlink_to(outside)
    dest = tmp_path / "out"
    code, _, err = export_from(config, capsys, "nasa", "prod", str(dest))
    assert code == 1
    assert "prod.values.yaml" in err
    assert "outside" in err
    assert "Traceback" not in err
    assert not dest.exists()


def test_a_secret_file_in_clear_is_never_exported(tmp_path, capsys):
    config = copy_config(tmp_path)
    secret = config / "clusters" / "nasa" / "enc-prod.secret.values.yaml"
    secret.write_text("hub:\n  config:\n    GitHubOAuthenticator:\n      client_secret: in-clear\n")
    dest = tmp_path / "out"
    code, _, err = export_from(config, capsys, "nasa", "prod", str(dest))
    assert code == 1
    assert "enc-prod.secret.values.yaml" in err
    assert "in-clear" not in err
    assert not dest.exists()


def test_a_partly_encrypted_secret_file_is_never_exported(tmp_path, capsys):
    config = copy_config(tmp_path)
    secret = config / "clusters" / "nasa" / "enc-prod.secret.values.yaml"
    data = yaml.safe_load(secret.read_text())
    data["hub"]["config"]["extra"] = "added-in-clear"
    secret.write_text(yaml.safe_dump(data))
    dest = tmp_path / "out"
    code, _, err = export_from(config, capsys, "nasa", "prod", str(dest))
    assert code == 1
    assert "not encrypted" in err
    assert "added-in-clear" not in err
    assert not dest.exists()


def test_a_symlinked_destination_is_refused(tmp_path, capsys):
    target = tmp_path / "target"
    target.mkdir()
    dest = tmp_path / "out"
    dest.symlink_to(target)
    code, _, err = export(capsys, "leap", "prod", str(dest), "--force")
    assert code == 2
    assert "symlink" in err
    assert list(target.iterdir()) == []
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    assert export(capsys, "leap", "prod", str(dangling))[0] == 2
    assert not (tmp_path / "nowhere").exists()


def test_the_current_folder_is_never_replaced(tmp_path, capsys, monkeypatch):
    here = tmp_path / "work"
    (here / "sub").mkdir(parents=True)
    (here / "mine.txt").write_text("mine")
    monkeypatch.chdir(here / "sub")
    for dest in [".", ".."]:
        code, _, err = export(capsys, "leap", "prod", dest, "--force")
        assert code == 2, dest
        assert "never writes" in err
    assert (here / "mine.txt").read_text() == "mine"


def test_the_config_is_never_replaced(tmp_path, capsys):
    config = copy_config(tmp_path)
    before = sorted(p.relative_to(config) for p in config.rglob("*"))
    for dest in [config, config / "clusters" / "nasa", config / "clusters" / "nasa" / "out"]:
        code, _, err = export_from(config, capsys, "nasa", "prod", str(dest), "--force")
        assert code == 2, dest
        assert "never writes" in err
    assert sorted(p.relative_to(config) for p in config.rglob("*")) == before


def test_what_an_interrupted_export_left_is_cleaned_up(tmp_path, capsys):
    dead = 2**22 + 1  # above the kernel's largest pid: no such process
    build = tmp_path / f".out.build-{dead}-abc"
    build.mkdir()
    (build / "half.yaml").write_text("")
    assert export(capsys, "leap", "prod", str(tmp_path / "out"))[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_old_export_lost_between_two_renames_is_put_back(tmp_path, capsys):
    dead = 2**22 + 1
    old = tmp_path / f".out.old-{dead}-abc"
    old.mkdir()
    (old / "README.md").write_text("the previous export")
    code, _, err = export(capsys, "leap", "prod", str(tmp_path / "out"))
    assert code == 2  # the old export is back at out, which is not empty
    assert "is not empty" in err
    assert (tmp_path / "out" / "README.md").read_text() == "the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
