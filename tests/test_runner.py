"""deployer.runner: program lookup, quoting, redaction, failures and dry runs."""

from __future__ import annotations

import ast
import base64
import json
import logging
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parent / "fakebin"))
import recording

from deployer.errors import ExternalProgramError, ProgramNotFoundError
from deployer.runner import INSTALL_HINTS, REDACTED, Redactor, Runner

DEPLOYER = Path(__file__).parent.parent / "deployer"


@pytest.fixture
def fakes(monkeypatch, tmp_path):
    return recording.install(monkeypatch, tmp_path)


def test_runner_is_the_only_importer_of_subprocess():
    """Only runner.py imports subprocess; no module starts processes through os."""
    importers = set()
    os_spawners = []
    for path in sorted(DEPLOYER.rglob("*.py")):
        name = path.relative_to(DEPLOYER.parent).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                modules = []
            if any(m.split(".")[0] in {"subprocess", "pty", "multiprocessing"} for m in modules):
                importers.add(name)
            if isinstance(node, ast.Attribute) and node.attr in {"system", "popen", "spawnv"}:
                os_spawners.append(f"{name}:{node.lineno}")
    assert importers == {"deployer/runner.py"}
    assert os_spawners == []


def test_missing_program_names_it_and_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ProgramNotFoundError) as info:
        Runner().run(["helm", "version"])
    assert "helm" in str(info.value)
    assert "https://helm.sh/docs/intro/install/" in str(info.value)
    assert info.value.exit_code == 127


@pytest.mark.parametrize("program", sorted(INSTALL_HINTS))
def test_every_program_has_an_install_hint(program, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ProgramNotFoundError, match=program):
        Runner().which(program)
    assert "install" in INSTALL_HINTS[program]


def test_runs_the_program_and_returns_its_output(fakes):
    result = Runner().run(["kubectl", "rollout", "status", "deployment/hub"])
    assert result.returncode == 0
    assert "successfully rolled out" in result.output
    assert fakes.commands() == [["kubectl", "rollout", "status", "deployment/hub"]]


@pytest.mark.usefixtures("fakes")
def test_failure_raises_with_exit_code_and_output(monkeypatch):
    monkeypatch.setenv("FAKE_FAIL", "helm")
    with pytest.raises(ExternalProgramError) as info:
        Runner().run(["helm", "upgrade", "--install", "x", "y"])
    assert info.value.returncode == 1
    assert "failed on purpose" in info.value.output
    assert "failed on purpose" in str(info.value)
    assert "helm upgrade --install x y" in str(info.value)


@pytest.mark.usefixtures("fakes")
def test_check_false_returns_the_failure(monkeypatch):
    monkeypatch.setenv("FAKE_FAIL", "kubectl")
    result = Runner().run(["kubectl", "get", "pods"], check=False)
    assert result.returncode == 1


@pytest.mark.usefixtures("fakes")
def test_logs_the_quoted_command_with_secrets_redacted(caplog):
    runner = Runner(redactor=Redactor(["hunter2-password"]))
    with caplog.at_level(logging.DEBUG, logger="deployer.runner"):
        runner.run(["helm", "upgrade", "--install", "my hub", "c", "--set", "pw=hunter2-password"])
    assert "$ helm upgrade --install 'my hub' c --set pw=<redacted>" in caplog.text
    assert "hunter2-password" not in caplog.text


@pytest.mark.usefixtures("fakes")
def test_output_and_errors_are_redacted(monkeypatch):
    monkeypatch.setenv("FAKE_FAIL", "helm")
    runner = Runner(redactor=Redactor(["on purpose"]))
    with pytest.raises(ExternalProgramError) as info:
        runner.run(["helm", "x"])
    assert "on purpose" not in str(info.value)
    assert REDACTED in info.value.output


def test_dry_run_looks_nothing_up_and_records_commands(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing installed
    runner = Runner(dry_run=True, env={"KUBECONFIG": "/run/k c"})
    result = runner.run(["helm", "upgrade", "--install", "a b"])
    assert result.returncode == 0
    assert runner.commands == ["KUBECONFIG='/run/k c' helm upgrade --install 'a b'"]


def test_extra_env_reaches_the_program(fakes):
    Runner(env={"KUBECONFIG": "/x/kubeconfig"}).run(["kubectl", "version"])
    assert fakes.calls()[0]["kubeconfig"] == "/x/kubeconfig"


def test_redactor_ignores_short_values_and_walks_documents():
    redactor = Redactor()
    redactor.add_leaves({"a": {"b": ["s3cr3t-one", True, None, 1]}, "c": "ab"})
    redactor.add("line-one-secret\nline-two-secret")
    text = "s3cr3t-one ab True line-two-secret"
    assert redactor(text) == f"{REDACTED} ab True {REDACTED}"
    assert not Redactor()
    assert redactor


SHAPED = 'p\u00e4 it\'s "quoted" ' + " ".join(["and a long tail of words"] * 6)


@pytest.mark.parametrize(
    "printed",
    [
        pytest.param(json.dumps({"key": SHAPED}), id="json"),
        pytest.param(json.dumps({"key": SHAPED}, ensure_ascii=False), id="json-unicode"),
        pytest.param(yaml.safe_dump({"key": SHAPED}), id="yaml"),
        pytest.param(yaml.safe_dump({"key": SHAPED}, allow_unicode=True), id="yaml-unicode"),
        pytest.param(yaml.safe_dump({"key": SHAPED}, default_style="'"), id="yaml-single-quoted"),
        pytest.param(base64.b64encode(SHAPED.encode()).decode(), id="base64"),
    ],
)
def test_redactor_knows_the_forms_programs_print_a_secret_in(printed):
    """Escaped, quoted, folded over lines or encoded, a secret is still replaced."""
    redactor = Redactor([SHAPED])
    assert "long tail" in printed or "quoted" not in printed  # the value really is in there
    shown = redactor(printed)
    assert "long tail" not in shown
    assert "quoted" not in shown
    assert REDACTED in shown


def test_withheld_output_keeps_what_is_not_values():
    """helm's value sections are cut out of the output, its status and notes are kept."""
    from deployer.deploy import withhold_values  # noqa: PLC0415 (helm's format lives there)

    output = (
        "NAME: prod\nSTATUS: deployed\nUSER-SUPPLIED VALUES:\nclient_secret: x\n"
        "COMPUTED VALUES:\n{}\nHOOKS:\nMANIFEST:\n---\nkind: Secret\nNOTES:\nEnjoy.\n"
    )
    assert withhold_values(output) == (
        "NAME: prod\nSTATUS: deployed\n"
        "USER-SUPPLIED VALUES: <withheld: the release has secret values>\nNOTES:\nEnjoy.\n"
    )
    assert withhold_values("MANIFEST:\nkind: Secret\n").startswith("MANIFEST: <withheld")
