"""The workflows' reference page (tools/reference/workflows.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tools.reference import GenerationError
from tools.reference.workflows import (
    deployer_commands,
    load_workflow,
    load_workflows,
    render_workflows_page,
    workflow_files,
)

ROOT = Path(__file__).parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"

SAMPLE = """\
name: Sample
on: [push, workflow_dispatch]
jobs:
  build:
    runs-on: ubuntu-latest
    permissions: read-all
    steps:
      - uses: actions/checkout@v4
      - name: Check
        env:
          TOKEN: ${{ secrets.API_TOKEN }}
        run: |
          set -e
          deployer validate --config-dir config && echo ok
          if true; then deployer plan-upgrade \\
            --changed-files-from changed.txt > plan.json; fi
  ship:
    name: Ship ${{ matrix.target }}
    needs: build
    strategy:
      matrix:
        target: [a, b]
    steps:
      - run: echo "deployer is not run here"
"""


@pytest.fixture(scope="module")
def page() -> str:
    return render_workflows_page(load_workflows(WORKFLOWS))


@pytest.mark.parametrize("path", workflow_files(WORKFLOWS), ids=lambda p: p.name)
def test_every_workflow_job_secret_and_deployer_command_is_on_the_page(
    page: str, path: Path
) -> None:
    """Adding a job, a secret or a deployer command to a workflow changes the page."""
    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert f"## {data['name']}" in page
    jobs = list(data["jobs"])
    section = page.partition(f"## {data['name']}\n")[2]
    positions = [section.index(f"### Job `{job}`") for job in jobs]
    assert positions == sorted(positions), "jobs in the order the file declares them"
    for secret in set(re.findall(r"secrets\.(\w+)", text)):
        assert f"`{secret}`" in section
    for command in set(re.findall(r"^\s*(deployer [a-z-]+)", text, re.MULTILINE)):
        assert f"`{command}" in section


def test_a_workflow_is_read_from_its_file(tmp_path: Path) -> None:
    (tmp_path / "sample.yml").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a workflow\n", encoding="utf-8")
    [workflow] = load_workflows(tmp_path)
    assert workflow.triggers == ("push", "workflow_dispatch")
    build, ship = workflow.jobs
    assert build.permissions == "read-all"
    assert build.secrets == ("API_TOKEN",)
    assert build.steps[1].commands == (
        "deployer validate --config-dir config",
        "deployer plan-upgrade --changed-files-from changed.txt",
    )
    assert ship.needs == ("build",)
    assert ship.matrix == (("target", "a, b"),)
    assert ship.permissions == "the repository's default"
    assert ship.steps[0].commands == ()
    page = render_workflows_page([workflow])
    assert "| `ship` | `Ship ${{ matrix.target }}` | `build` | `target` from `a, b` |" in page
    assert "`deployer validate --config-dir config`; `deployer plan-upgrade" in page


def test_push_filters_are_shown_with_the_trigger(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("on:\n  push:\n    branches: [main]\njobs: {}\n", encoding="utf-8")
    assert load_workflow(path).triggers == ("push (branches: main)",)


def test_only_names_of_secrets_appear_never_values(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(
        "on: push\njobs:\n  a:\n    steps:\n"
        "      - run: deployer deploy x\n        env: {K: '${{ secrets.SOPS_AGE_KEY }}'}\n",
        encoding="utf-8",
    )
    page = render_workflows_page([load_workflow(path)])
    assert "`SOPS_AGE_KEY`" in page
    assert "secrets." not in page


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("on: push\njobs:\n  a: [\n", r"w\.yaml:\d+: not valid YAML"),
        ("- just a list\n", r"w\.yaml: not a workflow"),
    ],
)
def test_a_malformed_workflow_is_an_error_naming_the_file(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "w.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GenerationError, match=message):
        load_workflow(path)


@pytest.mark.parametrize(
    ("script", "commands"),
    [
        ("deployer validate", ("deployer validate",)),
        ("  deployer deploy $t || status=1", ("deployer deploy $t",)),
        ("x=$(deployer list --format json)", ("deployer list --format json",)),
        ("echo deployer validate", ()),
        ("mydeployer run", ()),
        ("deployer render a \\\n  --out b 2>/dev/null", ("deployer render a --out b",)),
    ],
)
def test_deployer_commands_in_a_script(script: str, commands: tuple[str, ...]) -> None:
    assert deployer_commands(script) == commands
