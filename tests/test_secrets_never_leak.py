"""No command ever shows a secret value: not in output, errors, logs, dry runs or exports.

A fake ``sops`` on PATH "decrypts" every encrypted value of the example tree
to a planted value; every command is run, successfully and failing, and the
planted value is searched for in everything it left behind.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fakebin"))
import recording

from deployer.cli import main

ROOT = Path(__file__).parent.parent
CONFIG = str(ROOT / "config")
PLANTED = "planted-SECRET-value-7f3a91c2"


@pytest.fixture
def fakes(monkeypatch, tmp_path):
    fakes = recording.install(monkeypatch, tmp_path)
    monkeypatch.setenv("FAKE_SECRET", PLANTED)
    return fakes


def _plan_file(tmp_path: Path, capsys) -> Path:
    changed = tmp_path / "changed.txt"
    changed.write_text("deployer/deploy.py\n")
    assert (
        main(
            [
                "plan-upgrade",
                "--changed-files-from",
                str(changed),
                "--config-dir",
                CONFIG,
                "--format",
                "json",
            ]
        )
        == 0
    )
    plan = tmp_path / "plan.json"
    plan.write_text(capsys.readouterr().out)
    return plan


def commands(tmp_path: Path, plan: Path) -> list[list[str]]:
    results = tmp_path / "results.jsonl"
    runs: list[list[str]] = [
        ["validate", "--config-dir", CONFIG],
        ["validate", "--config-dir", CONFIG, "--format", "json", "--verbose"],
        ["list", "--config-dir", CONFIG],
        ["list", "--config-dir", CONFIG, "--format", "json"],
        *(
            [
                "plan-upgrade",
                "config/charts/jupyterhub.yaml",
                "--config-dir",
                CONFIG,
                "--format",
                fmt,
            ]
            for fmt in ("json", "markdown", "text")
        ),
        ["filter-jobs", "--plan", str(plan), "--results", str(results)],
        ["filter-jobs", "--plan", str(plan), "--results", str(results), "--format", "text"],
    ]
    for cluster, hub in [
        ("nasa", "prod"),
        ("hpc-campus", "staging"),
        ("edu-shared", "geo-dask"),
        ("utoronto", "r-prod"),
    ]:
        runs += [
            ["render", cluster, hub, "--config-dir", CONFIG],
            ["render", cluster, hub, "--decrypt", "--config-dir", CONFIG],
            [
                "export-hub",
                cluster,
                hub,
                str(tmp_path / "export" / cluster / hub),
                "--config-dir",
                CONFIG,
            ],
        ]
    for cluster in ("nasa", "hpc-campus", "leap", "utoronto"):
        for extra in ([], ["--dry-run"], ["--debug"], ["--dry-run", "--debug"]):
            runs += [
                ["deploy", cluster, *extra, "--results-file", str(results), "--config-dir", CONFIG],
                [
                    "deploy-support",
                    cluster,
                    *extra,
                    "--results-file",
                    str(results),
                    "--config-dir",
                    CONFIG,
                ],
            ]
    return runs


def _everything_written(tmp_path: Path) -> str:
    files = (path for path in tmp_path.rglob("*") if path.is_file())
    return "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in files)


@pytest.mark.parametrize("failing", ["", "helm", "kubectl"])
def test_no_command_shows_a_secret(failing, fakes, tmp_path, capsys, monkeypatch):
    plan = _plan_file(tmp_path, capsys)
    if failing:
        monkeypatch.setenv("FAKE_FAIL", failing)
    seen = []
    for argv in commands(tmp_path, plan):
        code = main(argv)
        out, err = capsys.readouterr()
        seen.append(out + err)
        assert PLANTED not in out, f"deployer {' '.join(argv)} printed a secret"
        assert PLANTED not in err, f"deployer {' '.join(argv)} printed a secret on stderr"
        if argv[0] in {"deploy", "deploy-support"} and "--dry-run" not in argv:
            assert code == (1 if failing and (failing == "helm" or argv[0] == "deploy") else 0), (
                argv
            )
    assert PLANTED not in _everything_written(tmp_path)
    # The planted value really flowed: sops decrypted it, and helm --debug printed the values,
    # which were withheld for the releases with secret files.
    assert any(call["program"] == "sops" for call in fakes.calls())
    assert any("USER-SUPPLIED VALUES: <withheld" in text for text in seen)


#: Every planted value holds this word, which no serialised form breaks apart.
CANARY = "canary7f3a91c2"

SHAPES = {
    "non-ascii": f"p\u00e4 \u00fc\u4e2d {CANARY}",
    "quotes": f"it's \"{CANARY}\" ''",
    "backslashes": f"C:\\{CANARY}\\n\\t",
    "multi-line": f"first line\n  {CANARY} second\nthird",
    "folded": " ".join(["a long secret phrase"] * 8 + [CANARY] + ["and more words"] * 8),
    "yaml-special": f"- *x: #{CANARY} {{y}} [z] &a !tag % @ `",
    "spaces around": f"   {CANARY}   ",
    "control": f"\t{CANARY}\x07\x1b[31m",
}

_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{12,}={0,2}")


def _shows_canary(text: str) -> bool:
    """Tell whether *text* shows the canary as is, or inside something base64-encoded."""
    if CANARY in text:
        return True
    for run in _BASE64.findall(text):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(run + "=" * (-len(run) % 4))
            except (binascii.Error, ValueError):
                continue
            if CANARY.encode() in decoded:
                return True
    return False


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("failing", ["", "helm"])
def test_no_shape_of_secret_is_shown(shape, failing, fakes, tmp_path, capsys, monkeypatch):  # noqa: PLR0917 (pytest fixtures)
    """Secrets that programs print back escaped, quoted, folded or encoded stay hidden too."""
    monkeypatch.setenv("FAKE_SECRET", SHAPES[shape])
    if failing:
        monkeypatch.setenv("FAKE_FAIL", failing)
    for argv in (
        ["deploy", "nasa", "--debug"],
        ["deploy", "hpc-campus", "staging", "--debug"],
        ["deploy-support", "leap", "--debug"],
        ["render", "nasa", "prod", "--decrypt"],
        ["export-hub", "nasa", "prod", str(tmp_path / "export")],
    ):
        main([*argv, "--config-dir", CONFIG])
        out, err = capsys.readouterr()
        assert not _shows_canary(out + err), f"deployer {' '.join(argv)} showed a secret"
    assert not _shows_canary(_everything_written(tmp_path))
    assert any(call["program"] == "sops" for call in fakes.calls())


def test_the_leak_check_sees_encoded_and_escaped_forms():
    """Guard for the test above: the check finds the canary in the forms programs print."""
    value = SHAPES["non-ascii"]
    assert _shows_canary(base64.b64encode(f"x: {value}\n".encode()).decode())
    assert _shows_canary(json.dumps(value))
    assert not _shows_canary(json.dumps("nothing to see here"))


def test_the_fake_really_decrypts_to_the_planted_value(fakes, tmp_path):
    """Guard for the test above: without redaction the value would be visible."""
    source = ROOT / "config" / "clusters" / "nasa" / "enc-prod.secret.values.yaml"
    out = tmp_path / "plain.yaml"
    subprocess.run(
        [str(fakes.bindir / "sops"), "--decrypt", "--output", str(out), str(source)], check=True
    )
    assert PLANTED in out.read_text()
    assert json.loads(fakes.log.read_text().splitlines()[0])["program"] == "sops"
