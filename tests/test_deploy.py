"""``deployer deploy`` and ``deploy-support``, with recording fakes of every program on PATH."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "fakebin"))
import recording

from deployer.cli import main
from deployer.runner import Runner
from deployer.secrets import decrypted_files

ROOT = Path(__file__).parent.parent
CONFIG = ROOT / "config"
CLUSTERS = CONFIG / "clusters"


@pytest.fixture(autouse=True)
def _no_run_attempt(monkeypatch):
    """Tests run outside GitHub Actions, even when GitHub Actions runs them."""
    monkeypatch.delenv("GITHUB_RUN_ATTEMPT", raising=False)


@pytest.fixture
def fakes(monkeypatch, tmp_path):
    return recording.install(monkeypatch, tmp_path)


def run(capsys, *argv):
    code = main([*argv, "--config-dir", str(CONFIG)])
    out, err = capsys.readouterr()
    return code, out, err


def helm_values(command):
    return [command[i + 1] for i, arg in enumerate(command) if arg == "--values"]


def test_deploy_runs_credentials_then_each_hub_staging_first(fakes, capsys):
    code, _, err = run(capsys, "deploy", "nasa")
    assert code == 0, err
    commands = fakes.commands()
    assert commands[0] == [
        "aws",
        "eks",
        "update-kubeconfig",
        "--name",
        "nasa",
        "--region",
        "us-west-2",
    ]
    programs = [c[0] for c in commands[1:]]
    assert programs == ["sops", "helm", "kubectl"] * 3
    helm = [c for c in commands if c[0] == "helm"]
    assert [c[3] for c in helm] == ["staging", "prod", "ghg"]
    staging = helm[0]
    assert staging[:12] == [
        "helm", "upgrade", "--install", "staging", "jupyterhub",
        "--repo", "https://hub.jupyter.org/helm-chart/", "--version", "4.2.0",
        "--namespace", "staging", "--create-namespace",
    ]  # fmt: skip
    assert staging[-3:] == ["--wait", "--timeout", "10m"]
    values = helm_values(staging)
    assert values[:2] == [
        str(CLUSTERS / "nasa/common.values.yaml"),
        str(CLUSTERS / "nasa/staging.values.yaml"),
    ]
    sops = commands[1]
    assert sops[:3] == ["sops", "--decrypt", "--output"]
    assert sops[4] == str(CLUSTERS / "nasa/enc-staging.secret.values.yaml")
    assert values[2] == sops[3]  # the decrypted copy replaces the encrypted file, in place
    kubectl = commands[3]
    assert kubectl == [
        "kubectl",
        "rollout",
        "status",
        "deployment/hub",
        "--namespace",
        "staging",
        "--timeout",
        "10m",
    ]
    assert "3 hub(s) deployed" in err


def test_every_program_gets_the_temporary_kubeconfig(fakes, capsys):
    assert run(capsys, "deploy", "nasa", "prod")[0] == 0
    kubeconfigs = {call["kubeconfig"] for call in fakes.calls()}
    assert len(kubeconfigs) == 1
    kubeconfig = Path(kubeconfigs.pop())
    assert kubeconfig.name == "kubeconfig"
    assert not kubeconfig.parent.exists()  # removed afterwards


def test_decrypted_files_are_private_and_removed(fakes, capsys):
    assert run(capsys, "deploy", "nasa", "prod")[0] == 0
    helm = next(c for c in fakes.calls() if c["program"] == "helm")
    decrypted = helm_values(["helm", *helm["argv"]])[-1]
    assert helm["files"][decrypted] == {"mode": "0o600", "dir_mode": "0o700"}
    assert not Path(decrypted).exists()
    assert not Path(decrypted).parent.exists()


@pytest.mark.usefixtures("fakes")
def test_decrypted_files_are_removed_on_interrupt(tmp_path):
    source = tmp_path / "enc-x.secret.values.yaml"
    source.write_text("a: ENC[AES256_GCM,data:x]\nsops: {}\n")
    with pytest.raises(KeyboardInterrupt), decrypted_files([source], Runner()) as mapping:  # noqa: PT012
        decrypted = mapping[source]
        assert decrypted.read_text() == "a: fake-decrypted-secret\n"
        raise KeyboardInterrupt
    assert not decrypted.exists()
    assert not decrypted.parent.exists()


def test_explicit_hubs_are_deployed_staging_first(fakes, capsys):
    assert run(capsys, "deploy", "nasa", "ghg", "staging")[0] == 0
    assert [c[3] for c in fakes.commands() if c[0] == "helm"] == ["staging", "ghg"]


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        ("leap", ["leap-cluster", "--zone", "us-central1-b", "--project", "leap-pangeo"]),
        (
            "edu-shared",
            ["edu-shared-cluster", "--region", "us-central1", "--project", "edu-shared-hubs"],
        ),
    ],
)
def test_gcp_credentials_use_zone_or_region(cluster, expected, fakes, capsys):
    assert run(capsys, "deploy", cluster, "staging")[0] == 0
    assert fakes.commands()[0] == ["gcloud", "container", "clusters", "get-credentials", *expected]


def test_azure_credentials_are_written_to_the_temporary_file(fakes, capsys):
    assert run(capsys, "deploy", "utoronto", "staging")[0] == 0
    first = fakes.calls()[0]
    assert first["argv"][:3] == ["aks", "get-credentials", "--subscription"]
    argv = first["argv"]
    assert argv[argv.index("--resource-group") + 1]
    assert argv[argv.index("--file") + 1] == first["kubeconfig"]


def test_kubeconfig_clusters_decrypt_their_kubeconfig_and_use_its_context(fakes, capsys):
    assert run(capsys, "deploy", "hpc-campus", "prod")[0] == 0
    commands = fakes.commands()
    calls = fakes.calls()
    assert commands[0] == [
        "sops", "--decrypt", "--output", calls[0]["kubeconfig"],
        str(CLUSTERS / "hpc-campus/enc-kubeconfig.secret.yaml"),
    ]  # fmt: skip
    helm = next(c for c in commands if c[0] == "helm")
    assert helm[-2:] == ["--kube-context", "hpc-campus-admin"]
    assert commands[-1][-2:] == ["--context", "hpc-campus-admin"]


def test_deploy_support(fakes, capsys):
    code, _, err = run(capsys, "deploy-support", "leap")
    assert code == 0, err
    helm = next(c for c in fakes.commands() if c[0] == "helm")
    assert helm[:12] == [
        "helm", "upgrade", "--install", "support", "ingress-nginx",
        "--repo", "https://kubernetes.github.io/ingress-nginx", "--version", "4.11.3",
        "--namespace", "support", "--create-namespace",
    ]  # fmt: skip
    assert helm_values(helm)[0] == str(CLUSTERS / "leap/support.values.yaml")
    assert "kubectl" not in [c[0] for c in fakes.commands()]


def test_a_failing_hub_does_not_stop_the_others(fakes, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("FAKE_FAIL", "helm:prod")
    results = tmp_path / "results.jsonl"
    code, _, err = run(capsys, "deploy", "nasa", "--results-file", str(results))
    assert code == 1
    assert [c[3] for c in fakes.commands() if c[0] == "helm"] == ["staging", "prod", "ghg"]
    assert "helm failed on purpose (FAKE_FAIL)" in err  # the program's output is shown
    assert "error: 1 of 3 hub(s) failed: prod" in err
    assert [json.loads(line) for line in results.read_text().splitlines()] == [
        {"cluster": "nasa", "hub": "staging", "result": "success"},
        {"cluster": "nasa", "hub": "prod", "result": "failure"},
        {"cluster": "nasa", "hub": "ghg", "result": "success"},
    ]


def test_a_failed_canary_holds_back_the_prod_hubs_of_its_cluster(
    fakes, capsys, monkeypatch, tmp_path
):
    """Prod hubs are never tried after a staging hub of the same cluster failed."""
    monkeypatch.setenv("FAKE_FAIL", "helm:staging")
    results = tmp_path / "results.jsonl"
    code, _, err = run(capsys, "deploy", "nasa", "--results-file", str(results))
    assert code == 1
    assert [c[3] for c in fakes.commands() if c[0] == "helm"] == ["staging"]
    assert "deployed" not in err.replace("not deployed", "")
    assert "hub prod of nasa not deployed: staging hub staging failed first" in err
    assert "error: 1 of 3 hub(s) failed: staging;" in err
    assert "not tried after the failed canary: prod, ghg" in err
    assert [json.loads(line) for line in results.read_text().splitlines()] == [
        {"cluster": "nasa", "hub": "staging", "result": "failure"},
        {"cluster": "nasa", "hub": "prod", "result": "skipped"},
        {"cluster": "nasa", "hub": "ghg", "result": "skipped"},
    ]


def test_prod_hubs_named_alone_deploy_without_a_canary_in_the_run(fakes, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_FAIL", "helm:staging")
    code, _, err = run(capsys, "deploy", "nasa", "prod")
    assert code == 0, err
    assert [c[3] for c in fakes.commands() if c[0] == "helm"] == ["prod"]


def test_failing_credentials_stop_everything(fakes, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_FAIL", "aws")
    code, _, err = run(capsys, "deploy", "nasa")
    assert code == 1
    assert "aws failed with exit code 1" in err
    assert [c[0] for c in fakes.commands()] == ["aws"]


def test_missing_program_is_named_with_exit_127(monkeypatch, tmp_path, capsys):
    fakes = recording.install(monkeypatch, tmp_path, programs=("aws", "sops", "kubectl"))
    code, _, err = run(capsys, "deploy", "nasa", "prod")
    assert code == 127
    assert "helm is required but was not found on PATH" in err
    assert "https://helm.sh/docs/intro/install/" in err
    assert "Traceback" not in err
    assert [c[0] for c in fakes.commands()] == ["aws", "sops"]


def test_dry_run_needs_no_program_and_prints_the_exact_commands(monkeypatch, tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out, err = run(capsys, "deploy", "hpc-campus", "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1 + 3 * 2
    assert all(line.startswith("KUBECONFIG=") for line in lines)
    assert " sops --decrypt --output " in lines[0]
    assert " helm upgrade --install staging jupyterhub --repo " in lines[2]
    rollout = "kubectl rollout status deployment/hub --namespace staging --timeout 10m"
    assert lines[3].endswith(f"{rollout} --context hpc-campus-admin")
    assert err.splitlines() == [
        f"hub {hub} of hpc-campus: dry run, nothing deployed" for hub in ("staging", "prod")
    ]
    code, out, err = run(capsys, "deploy-support", "nasa", "--dry-run")
    assert code == 0
    assert "deployed" not in err
    assert out.splitlines()[0].endswith("aws eks update-kubeconfig --name nasa --region us-west-2")


def test_debug_withholds_the_values_of_a_release_with_secret_files(fakes, capsys, monkeypatch):
    monkeypatch.setenv("FAKE_SECRET", "planted-value-0123456789")
    code, out, err = run(capsys, "deploy", "leap", "prod", "--debug")
    assert code == 0, err
    helm = [c for c in fakes.commands() if c[0] == "helm"]
    assert all(c[-1] == "--debug" for c in helm)
    assert "USER-SUPPLIED VALUES: <withheld: the release has secret values>" in err
    assert "NOTES:" in err  # the rest of helm's output is shown
    assert "planted-value-0123456789" not in out + err


def test_debug_shows_the_values_of_a_release_without_secret_files(fakes, capsys, tmp_path):  # noqa: ARG001 (puts the fakes on PATH)
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    cluster = config / "clusters" / "leap" / "cluster.yaml"
    text = cluster.read_text().replace(", enc-prod.secret.values.yaml", "")
    cluster.write_text(text)
    code = main(["deploy", "leap", "prod", "--debug", "--config-dir", str(config)])
    _, err = capsys.readouterr()
    assert code == 0, err
    assert "USER-SUPPLIED VALUES:\n" in err
    assert "<withheld" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["deploy", "nowhere"], "no cluster 'nowhere'"),
        (["deploy", "nasa", "nope"], "cluster 'nasa' has no hub nope"),
    ],
)
def test_unknown_cluster_or_hub_is_a_usage_error(argv, message, fakes, capsys):
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert fakes.commands() == []


def test_an_invalid_cluster_is_not_deployed(fakes, tmp_path, capsys):
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    cluster_yaml = config / "clusters" / "leap" / "cluster.yaml"
    cluster_yaml.write_text(cluster_yaml.read_text().replace("stage: prod", "stage: production"))
    code = main(["deploy", "leap", "--config-dir", str(config)])
    err = capsys.readouterr().err
    assert code == 1
    assert "cluster 'leap' is not valid" in err
    assert "cluster.yaml:" in err
    assert fakes.commands() == []


def test_a_dry_run_records_a_rehearsal_not_a_success(monkeypatch, tmp_path, capsys):
    """A dry run records `dry-run`; filter-jobs keeps the prod jobs only when given --dry-run."""
    monkeypatch.setenv("PATH", str(tmp_path))  # no program is needed, none is run
    results = tmp_path / "results" / "staging.jsonl"
    code, _, err = run(
        capsys, "deploy", "nasa", "staging", "--dry-run", "--results-file", str(results)
    )
    assert code == 0, err
    code, _, err = run(
        capsys, "deploy-support", "nasa", "--dry-run", "--results-file", str(results)
    )
    assert code == 0, err
    assert [json.loads(line) for line in results.read_text().splitlines()] == [
        {"cluster": "nasa", "hub": "staging", "result": "dry-run"},
        {"cluster": "nasa", "support": True, "result": "dry-run"},
    ]
    plan = {
        "support": [{"cluster": "nasa"}],
        "staging": [{"cluster": "nasa", "hub": "staging"}],
        "prod": [{"cluster": "nasa", "hub": "prod", "targets": ["nasa prod"]}],
    }
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan))
    argv = ["filter-jobs", "--plan", str(plan_file), "--results", str(results.parent)]
    assert main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["prod"] == []
    assert "canary only rehearsed (dry run): staging" in out["dropped"][0]["reason"]
    assert main([*argv, "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["prod"] == plan["prod"]


def test_results_carry_the_run_attempt(fakes, capsys, monkeypatch, tmp_path):
    """GitHub's run attempt (or --attempt) orders the records of a re-run canary."""
    results = tmp_path / "results.jsonl"
    monkeypatch.setenv("GITHUB_RUN_ATTEMPT", "3")
    assert run(capsys, "deploy", "nasa", "staging", "--results-file", str(results))[0] == 0
    argv = ["deploy-support", "nasa", "--results-file", str(results), "--attempt", "4"]
    assert run(capsys, *argv)[0] == 0
    assert [json.loads(line) for line in results.read_text().splitlines()] == [
        {"cluster": "nasa", "hub": "staging", "result": "success", "attempt": 3},
        {"cluster": "nasa", "support": True, "result": "success", "attempt": 4},
    ]
    assert fakes.commands()


def test_an_unwritable_results_file_stops_before_deploying(fakes, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    code, _, err = run(capsys, "deploy", "nasa", "--results-file", str(blocker / "r.jsonl"))
    assert code == 2
    assert "cannot write --results-file" in err
    assert "Traceback" not in err
    assert "helm" not in [c[0] for c in fakes.commands()]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_stop_signal_mid_deploy_leaves_no_decrypted_file(fakes, tmp_path, monkeypatch, signum):
    """CI cancelling a job (SIGTERM), a closed terminal (SIGHUP) and Ctrl-C all clean up."""
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setenv("FAKE_SLEEP", "60")
    command = [sys.executable, "-m", "deployer", "deploy", "nasa", "staging"]
    process = subprocess.Popen(
        [*command, "--config-dir", str(CONFIG)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while not any(c[:2] == ["helm", "upgrade"] for c in fakes.commands()):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "helm upgrade was never started"
        time.sleep(0.05)
    assert list(private.glob("deployer-secrets-*/*secret*"))  # decrypted, in use by helm
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    expected = 1 if signum == signal.SIGINT else 128 + signum
    assert process.returncode == expected, err
    assert "Traceback" not in err
    assert list(private.iterdir()) == []  # no decrypted secret, no kubeconfig left
