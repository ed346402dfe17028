"""``deployer plan-upgrade`` on the example tree: golden plans for every kind of change.

Regenerate the goldens after an intended change with
``UPDATE_GOLDENS=1 pytest tests/test_plan.py`` and review the diff.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from deployer.cli import main
from deployer.config import read_config_fast
from deployer.plan import MARKER

ROOT = Path(__file__).parent.parent
CONFIG = ROOT / "config"
GOLDEN = Path(__file__).parent / "data" / "plans"

#: name → (changed-file lines as given to --changed-files-from, labels)
CASES: dict[str, tuple[list[str], list[str]]] = {
    "single-hub": (["config/clusters/leap/prod.values.yaml"], []),
    "staging-only": (["config/clusters/leap/staging.values.yaml"], []),
    "secret-hub-file": (["config/clusters/nasa/enc-ghg.secret.values.yaml"], []),
    "cluster-wide": (["config/clusters/hpc-campus/cluster.yaml"], []),
    "shared-common-values": (["config/clusters/edu-shared/common.values.yaml"], []),
    "support-values": (["config/clusters/nasa/support.values.yaml"], []),
    "chart-pin": (["config/charts/daskhub.yaml"], []),
    "support-chart-pin": (["config/charts/support.yaml"], []),
    "deployer-code": (["deployer/deploy.py"], []),
    "dependencies": (["pyproject.toml"], []),
    "schemas": (["deployer/schemas/hub.schema.yaml"], []),
    "docs-only": (["docs/index.md", "README.md", "tests/test_plan.py"], []),
    "no-rule": (["LICENSE", "noxfile.py"], []),
    "deletion": (
        [
            "D\tconfig/clusters/nasa/retired.values.yaml",
            "D\tconfig/clusters/old-cluster/cluster.yaml",
            "D\tconfig/clusters/old-cluster/prod.values.yaml",
            "D\tconfig/clusters/nasa/ghg.values.yaml",
        ],
        [],
    ),
    "rename": (
        ["R087\tconfig/clusters/nasa/ghg.values.yaml\tconfig/clusters/nasa/ghg-new.values.yaml"],
        [],
    ),
    "prefix-clusters": (["config/clusters/nasa/prod.values.yaml"], []),
    "normalised-paths": (
        [
            "./config/clusters/leap/prod.values.yaml",
            f"{ROOT}/config/clusters/openscapes/workshop.values.yaml",
            "config/clusters/nasa-veda//staging.values.yaml",
            "docs/",
        ],
        [],
    ),
    "label-skip-deploy": (["deployer/deploy.py"], ["deployer:skip-deploy"]),
    "label-skip-hub-deploys": (
        ["config/clusters/leap/cluster.yaml"],
        ["deployer:skip-hub-deploys"],
    ),
    "label-deploy-support": (["docs/index.md"], ["deployer:deploy-support", "ci:ready"]),
    "label-deploy-hubs": ([], ["deployer:deploy-hubs"]),
    "label-unknown": (["README.md"], ["deployer:deploy-everything"]),
}


def _plan(tmp_path: Path, lines: list[str], labels: list[str], fmt: str, capsys) -> str:
    changed = tmp_path / "changed.txt"
    changed.write_text("\n".join(lines) + "\n")
    argv = ["plan-upgrade", "--changed-files-from", str(changed), "--config-dir", str(CONFIG)]
    argv += ["--labels", json.dumps(labels), "--format", fmt]
    code = main(argv)
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDENS"):
        path.write_text(text)
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDENS=1"
    assert text == path.read_text(), f"{name} differs from its golden file"


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_plan(case, tmp_path, capsys):
    """The JSON plan of each case is exactly its golden file."""
    lines, labels = CASES[case]
    _golden(f"{case}.json", _plan(tmp_path, lines, labels, "json", capsys))


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_golden_plan_formats(fmt, tmp_path, capsys):
    """Markdown (the PR comment) and text output of a mixed change."""
    lines = [
        "config/clusters/nasa/prod.values.yaml",
        "config/clusters/leap/staging.values.yaml",
        "config/clusters/hpc-campus/support.values.yaml",
        "docs/index.md",
    ]
    out = _plan(tmp_path, lines, [], fmt, capsys)
    _golden(f"mixed.{'md' if fmt == 'markdown' else 'txt'}", out)
    if fmt == "markdown":
        assert out.splitlines()[0] == MARKER


def test_files_as_arguments_and_stdin_are_combined(capsys, monkeypatch):
    stdin = io.TextIOWrapper(io.BytesIO(b"config/clusters/leap/prod.values.yaml\n"))
    monkeypatch.setattr("sys.stdin", stdin)
    code = main(
        ["plan-upgrade", "config/clusters/nasa/prod.values.yaml", "--changed-files-from", "-",
         "--config-dir", str(CONFIG), "--format", "json"]
    )  # fmt: skip
    plan = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(j["cluster"], j["hub"]) for j in plan["prod"]] == [("leap", "prod"), ("nasa", "prod")]


def test_every_job_says_why(tmp_path, capsys):
    """Every job of a large plan carries at least one reason naming a file or a rule."""
    plan = json.loads(_plan(tmp_path, ["config/charts/jupyterhub.yaml"], [], "json", capsys))
    jobs = plan["support"] + plan["staging"] + plan["prod"]
    assert jobs
    assert all(job["reason"] for job in jobs)


def test_canaries_run_for_every_cluster_with_a_prod_job(tmp_path, capsys):
    plan = json.loads(_plan(tmp_path, ["config/charts/jupyterhub.yaml"], [], "json", capsys))
    prod_clusters = {job["cluster"] for job in plan["prod"]}
    cfg = read_config_fast(CONFIG)
    for cluster in prod_clusters:
        expected = {h.name for h in cfg.cluster(cluster).staging_hubs}
        got = {j["hub"] for j in plan["staging"] if j["cluster"] == cluster}
        assert got == expected, cluster


def test_max_jobs_groups_the_example_tree(tmp_path, capsys):
    """With --max-jobs 3, prod hubs are grouped per cluster, then batched, and it says so."""
    changed = tmp_path / "c.txt"
    changed.write_text("deployer/deploy.py\n")
    main(["plan-upgrade", "--changed-files-from", str(changed), "--config-dir", str(CONFIG),
          "--format", "json", "--max-jobs", "3"])  # fmt: skip
    plan = json.loads(capsys.readouterr().out)
    for stage in ("support", "staging", "prod"):
        assert len(plan[stage]) <= 3
        assert stage in plan["grouped"]
    assert any("grouped" in note for note in plan["notes"])
    hubs = [t for job in plan["prod"] for t in job["targets"]]
    assert "nasa prod ghg" in hubs


def test_git_range_uses_git_diff(tmp_path, capsys):
    """--git-range reads `git diff --name-status -M` of a real repository (renames too)."""
    repo = tmp_path / "repo"
    shutil.copytree(CONFIG / "clusters", repo / "config" / "clusters")
    shutil.copytree(CONFIG / "charts", repo / "config" / "charts")

    def git(*args: str) -> str:
        env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
        done = subprocess.run(
            ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
        )
        return done.stdout.strip()

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    values = repo / "config/clusters/leap/prod.values.yaml"
    values.write_text(values.read_text() + "# changed\n")
    (repo / "notes.md").write_text("x\n")
    git("add", ".")
    git("commit", "-q", "-m", "change")
    code = main(
        [
            "plan-upgrade",
            "--git-range",
            f"{base}..HEAD",
            "--config-dir",
            str(repo / "config"),
            "--format",
            "json",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    plan = json.loads(out)
    assert [(j["cluster"], j["hub"]) for j in plan["prod"]] == [("leap", "prod")]
    assert plan["ignored"] == [{"file": "notes.md", "reason": "docs only"}]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--labels", "not json"], "--labels is not JSON (Expecting value at column 1)"),
        (["--labels", '{"a": 1}'], "--labels must be a JSON list of strings"),
        (["--labels", "[" * 100_000], "--labels: JSON nested deeper than 100 levels"),
        (["--git-range", "main"], "--git-range must look like BASE..HEAD"),
        (["--git-range", "--output=/tmp/x..HEAD"], "a git ref cannot start with '-'"),
        (["--git-range", "main..--output=/tmp/x"], "a git ref cannot start with '-'"),
        (["--changed-files-from", "/nonexistent/list.txt"], "cannot read --changed-files-from"),
        (["--changed-files-from", "/dev/zero"], "is larger than 16,777,216 bytes"),
    ],
)
def test_bad_input_is_a_usage_error(argv, message, capsys):
    code = main(["plan-upgrade", "--config-dir", str(CONFIG), *argv])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_git_range_with_an_unknown_revision_shows_gits_error(tmp_path, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(CONFIG, repo / "config")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    code = main(["plan-upgrade", "--git-range", "nope..HEAD", "--config-dir", str(repo / "config")])
    err = capsys.readouterr().err
    assert code == 1
    assert "git failed with exit code" in err
    assert "nope" in err
    assert "Traceback" not in err


def test_git_missing_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    code = main(["plan-upgrade", "--git-range", "a..b", "--config-dir", str(CONFIG)])
    assert code == 127
    assert "git is required but was not found on PATH" in capsys.readouterr().err


def test_help_lists_each_label_once_with_its_own_punctuation(capsys):
    """Every label is on its own line with its description as written: no `).;` or `..`."""
    from deployer.plan.labels import LABELS  # noqa: PLC0415 (only this test needs it)

    assert main(["plan-upgrade", "--help"]) == 0
    help_text = capsys.readouterr().out
    lines = [line.strip() for line in help_text.splitlines()]
    for name, what in LABELS.items():
        assert lines[lines.index(name) + 1] == what
    flat = " ".join(help_text.split()).replace("BASE..HEAD", "").replace("...", "")
    for doubled in (".;", "..", ";;", ").;", ".)"):
        assert doubled not in flat


def test_the_garbage_collector_is_restored_after_planning(capsys):
    """The command pauses the cyclic collector while it loads and plans, and only then."""
    import gc  # noqa: PLC0415 (only this test needs it)

    argv = ["plan-upgrade", "config/clusters/leap/prod.values.yaml", "--config-dir", str(CONFIG)]
    assert gc.isenabled()
    assert main(argv) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert main(argv) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert "leap: prod" in capsys.readouterr().out


def test_a_binary_changed_file_list_is_a_usage_error(tmp_path, capsys):
    listing = tmp_path / "changed.bin"
    listing.write_bytes(b"\xff\xfe\x00config/a.yaml\n")
    code = main(["plan-upgrade", "--config-dir", str(CONFIG), "--changed-files-from", str(listing)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"--changed-files-from {listing} is not UTF-8 text" in err


def test_a_git_range_never_passes_git_an_option(tmp_path, capsys, monkeypatch):
    target = tmp_path / "written-by-git"
    monkeypatch.chdir(tmp_path)
    for git_range in [f"--output={target}..HEAD", f"HEAD..--output={target}"]:
        assert main(["plan-upgrade", "--config-dir", str(CONFIG), "--git-range", git_range]) == 2
    assert not target.exists()
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("line", ["X\t", "M\t \n", "R100\tconfig/a.yaml\t\n"])
def test_a_status_line_without_a_path_is_a_usage_error(line, tmp_path, capsys):
    listing = tmp_path / "changed.txt"
    listing.write_text(f"config/clusters/leap/prod.values.yaml\n{line}")
    code = main(["plan-upgrade", "--config-dir", str(CONFIG), "--changed-files-from", str(listing)])
    err = capsys.readouterr().err
    assert code == 2
    assert "line 2 of the changed-file list is not 'STATUS<TAB>PATH' with a path" in err


def test_binary_standard_input_is_refused_like_a_binary_file(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"\xff\xfeconfig/a.yaml\n")))
    code = main(["plan-upgrade", "--config-dir", str(CONFIG), "--changed-files-from", "-"])
    assert code == 2
    assert "--changed-files-from - is not UTF-8 text (byte 0)" in capsys.readouterr().err
