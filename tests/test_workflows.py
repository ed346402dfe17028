"""The GitHub Actions workflows: valid, calling real commands, naming no cluster or hub."""

from __future__ import annotations

import ast
import json
import re
import shlex
from importlib import resources
from pathlib import Path

import click
import jsonschema
import pytest
import yaml

from deployer.cli import cli
from deployer.config import read_config_fast
from tools.audit import AuditOptions, audit_paths
from tools.audit._cli import build_parser as audit_parser
from tools.audit._report import MARKDOWN_MARKER, render_markdown

ROOT = Path(__file__).parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
OURS = {"validate.yaml", "deploy-hubs.yaml", "docs.yaml"}

#: Hub names that are also the words for stages and matrices: a workflow must say them.
STAGE_WORDS = {"staging", "prod", "support"}

_EXPR = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
_SEPARATORS = {";", "&&", "||", "|", "(", ")", "&", ";;"}
_COMMAND_START = {"do", "then", "else", "!", "time"}


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def _workflow_schema() -> dict:
    vendor = resources.files("check_jsonschema") / "builtin_schemas" / "vendor"
    return json.loads((vendor / "github-workflows.json").read_text(encoding="utf-8"))


def _run_steps(data: dict):
    for job_id, job in data.get("jobs", {}).items():
        for step in job.get("steps", []):
            if "run" in step:
                yield job_id, step


def deployer_invocations(script: str) -> list[list[str]]:
    """Every `deployer ...` command line of a shell script, as argument lists."""
    return invocations(script, "deployer")


def invocations(script: str, program: str) -> list[list[str]]:
    """Every `PROGRAM ...` command line of a shell script, as argument lists.

    `${{ }}` expressions become one opaque word; shell variables stay `$NAME`;
    arguments stop at a separator or a redirection.
    """
    text = _EXPR.sub("GH_EXPRESSION", script.replace("\\\n", " ")).replace("\n", "\n ; ")
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()<>")
    lexer.whitespace_split = True
    tokens = list(lexer)
    found: list[list[str]] = []
    at_start = True
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if at_start and token == program:
            args: list[str] = []
            index += 1
            while index < len(tokens) and tokens[index] not in _SEPARATORS:
                if tokens[index][0] in "<>":
                    index += 2
                    continue
                args.append(tokens[index])
                index += 1
            found.append(args)
            at_start = True
            continue
        at_start = token in _SEPARATORS or token in _COMMAND_START
        index += 1
    return found


def _options(command: click.Command) -> dict[str, click.Option]:
    options: dict[str, click.Option] = {}
    for param in command.params:
        if isinstance(param, click.Option):
            options.update(dict.fromkeys((*param.opts, *param.secondary_opts), param))
    return options


def check_invocation(args: list[str]) -> list[str]:
    """Return the problems of `deployer ARGS` against the real click command tree."""
    if not args or args[0] not in cli.commands:
        return [f"unknown command: deployer {' '.join(args)}"]
    command = cli.commands[args[0]]
    options = _options(command)
    arguments = [p for p in command.params if isinstance(p, click.Argument)]
    capacity = float("inf") if any(a.nargs == -1 for a in arguments) else len(arguments)
    problems: list[str] = []
    positional = 0
    rest = iter(args[1:])
    for word in rest:
        if word.startswith("-"):
            option = options.get(word.split("=", 1)[0])
            if option is None:
                problems.append(f"deployer {args[0]}: no option {word.split('=', 1)[0]}")
            elif not option.is_flag and "=" not in word:
                next(rest, None)
        elif not word.startswith("$"):  # a variable may expand to several words
            positional += 1
    if positional > capacity:
        problems.append(f"deployer {args[0]}: {positional} arguments, at most {capacity}")
    return problems


def test_the_workflows_exist():
    names = {path.name for path in WORKFLOWS}
    assert names >= OURS


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_matches_githubs_schema(path):
    """Checked with check-jsonschema's offline copy of the schema (vendor.github-workflows)."""
    validator = jsonschema.Draft7Validator(_workflow_schema())
    errors = sorted(validator.iter_errors(_load(path)), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_every_deployer_command_in_a_workflow_exists(path):
    problems = []
    for job_id, step in _run_steps(_load(path)):
        for args in deployer_invocations(step["run"]):
            problems += [f"{job_id}: {p}" for p in check_invocation(args)]
    assert problems == []


def test_the_workflows_call_the_commands_they_need():
    called = {
        args[0]
        for path in WORKFLOWS
        for _, step in _run_steps(_load(path))
        for args in deployer_invocations(step["run"])
    }
    expected = {"validate", "plan-upgrade", "filter-jobs", "deploy", "deploy-support"}
    assert expected <= called


def test_the_checker_catches_mistakes():
    """The command check fails on unknown commands, options and extra arguments."""
    script = (
        "deployer plan-upgrade --formt json > plan.json\n"
        "echo x && deployer deploi uk  # a comment hides nothing after it\n"
        'deployer render a b c\nfor t in $X; do deployer deploy "$t" --dry-run; done\n'
    )
    invocations = deployer_invocations(script)
    assert invocations == [
        ["plan-upgrade", "--formt", "json"], ["deploi", "uk"], ["render", "a", "b", "c"],
        ["deploy", "$t", "--dry-run"],
    ]  # fmt: skip
    problems = [p for args in invocations for p in check_invocation(args)]
    assert problems == [
        "deployer plan-upgrade: no option --formt",
        "unknown command: deployer deploi uk",
        "deployer render: 3 arguments, at most 2",
    ]


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_no_cluster_or_hub_is_named_in_a_workflow(path):
    config = read_config_fast(ROOT / "config")
    names = {c.name for c in config.clusters} | {h.name for h in config.hubs()}
    names -= STAGE_WORDS
    text = path.read_text(encoding="utf-8")
    named = sorted(
        name for name in names if re.search(rf"(?<![\w.-]){re.escape(name)}(?![\w-])", text)
    )
    assert named == []


def test_deploy_hubs_pipeline_shape():
    """plan → support → staging → filter → prod, fail-fast off, real deploys only on push."""
    data = _load(ROOT / ".github" / "workflows" / "deploy-hubs.yaml")
    assert set(data["on"]) == {"push", "pull_request"}
    assert data["on"]["push"]["branches"] == ["main"]
    jobs = data["jobs"]
    assert jobs["support"]["needs"] == "plan"
    assert "support" in jobs["staging"]["needs"]
    assert {"support", "staging"} <= set(jobs["filter"]["needs"])
    assert jobs["prod"]["needs"] == ["filter"]
    for name in ("support", "staging", "prod"):
        strategy = jobs[name]["strategy"]
        assert strategy["fail-fast"] is False
        assert "fromJSON(" in strategy["matrix"]["job"]
        for step in jobs[name]["steps"]:
            for args in deployer_invocations(step.get("run", "")):
                if args[0] in {"deploy", "deploy-support"}:
                    dry = "--dry-run" in args
                    assert step["if"] == (
                        "github.event_name != 'push'" if dry else "github.event_name == 'push'"
                    )
    comment = next(s for s in jobs["plan"]["steps"] if "github-script" in s.get("uses", ""))
    assert "startsWith(marker)" in comment["with"]["script"]
    assert "updateComment" in comment["with"]["script"]


def test_validate_workflow_runs_on_pull_requests():
    data = _load(ROOT / ".github" / "workflows" / "validate.yaml")
    assert "pull_request" in data["on"]
    runs = [args for _, s in _run_steps(data) for args in deployer_invocations(s["run"])]
    assert ["validate"] in runs


def test_rehearsals_are_filtered_as_rehearsals_and_results_carry_the_attempt():
    """Dry-run canaries feed a dry-run prod only; real results carry the run attempt."""
    jobs = _load(ROOT / ".github" / "workflows" / "deploy-hubs.yaml")["jobs"]
    filters = [
        (step, args)
        for step in jobs["filter"]["steps"]
        for args in deployer_invocations(step.get("run", ""))
        if args[0] == "filter-jobs"
    ]
    assert filters
    for step, args in filters:
        dry = "--dry-run" in args
        assert step["if"] == (
            "github.event_name != 'push'" if dry else "github.event_name == 'push'"
        )
        assert step["id"] in jobs["filter"]["outputs"]["prod"]
    for name in ("support", "staging"):
        for step in jobs[name]["steps"]:
            for args in deployer_invocations(step.get("run", "")):
                assert "--attempt" in args, args
            if "upload-artifact" in step.get("uses", ""):
                assert "github.run_attempt" in step["with"]["name"]


def _nox_sessions() -> set[str]:
    """The sessions noxfile.py defines: its functions decorated with ``@nox.session``."""
    module = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in module.body
        if isinstance(node, ast.FunctionDef)
        and any("nox.session" in ast.unparse(d) for d in node.decorator_list)
    }


def _nox_calls(data: dict) -> list[tuple[str, str, list[str]]]:
    """Every `nox -s SESSION [-- ARGS]` of a workflow: (job, session, args)."""
    calls = []
    for job_id, step in _run_steps(data):
        for args in invocations(step["run"], "nox"):
            assert args[0] == "-s", args
            rest = args[2:]
            calls.append((job_id, args[1], rest[1:] if rest[:1] == ["--"] else rest))
    return calls


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_every_nox_session_and_audit_option_in_a_workflow_exists(path):
    sessions = _nox_sessions()
    for job_id, session, args in _nox_calls(_load(path)):
        assert session in sessions, f"{job_id}: no nox session {session}"
        if session == "audit" and args:
            words = ["origin/main" if w.startswith("$") else w for w in args]
            audit_parser().parse_args(words)  # exits (fails the test) on an unknown option


def test_docs_workflow_builds_checks_audits_and_comments_on_pull_requests():
    data = _load(ROOT / ".github" / "workflows" / "docs.yaml")
    assert set(data["on"]) == {"pull_request", "push"}
    assert data["on"]["push"]["branches"] == ["main"]
    jobs = data["jobs"]
    calls = _nox_calls(data)
    assert {(job, session) for job, session, _ in calls} == {
        ("build", "docs"),
        ("build", "linkcheck"),
        ("audit", "audit"),
    }
    audits = [args for _, session, args in calls if session == "audit"]
    assert sorted(args[args.index("--format") + 1] for args in audits) == ["github", "markdown"]
    assert all("--changed-from" in args for args in audits)
    uploads = [
        s["with"]["name"] for s in jobs["build"]["steps"] if "upload-artifact" in s.get("uses", "")
    ]
    assert uploads == ["docs-html"]
    comment = next(s for s in jobs["comment"]["steps"] if "github-script" in s.get("uses", ""))
    assert "startsWith(marker)" in comment["with"]["script"]
    assert "updateComment" in comment["with"]["script"]


def test_docs_workflow_gives_each_job_the_least_it_needs():
    """Only the comment job may write to the pull request, and never for a fork's branch."""
    jobs = _load(ROOT / ".github" / "workflows" / "docs.yaml")["jobs"]
    assert {job: spec["permissions"] for job, spec in jobs.items()} == {
        "build": {"contents": "read"},
        "audit": {"contents": "read"},
        "comment": {"pull-requests": "write"},
        "publish": {"pages": "write", "id-token": "write"},
    }
    assert (
        "github.event.pull_request.head.repo.full_name == github.repository"
        in jobs["comment"]["if"]
    )
    assert jobs["publish"]["if"] == "github.event_name == 'push'"
    assert jobs["audit"]["if"] == "github.event_name == 'pull_request'"


def test_the_audit_comment_starts_with_the_marker_the_workflow_finds_it_by():
    result = audit_paths([ROOT / "docs" / "index.md"], options=AuditOptions(gaps=False))
    report = render_markdown(result)
    assert report.splitlines()[0] == MARKDOWN_MARKER
