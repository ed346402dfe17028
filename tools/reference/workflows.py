"""The workflows' reference page: every GitHub Actions workflow of the repository.

Read from the workflow files themselves (``.github/workflows/*.yaml`` and
``*.yml``): for each workflow its name, triggers and permissions; for each
job, in the order the file declares them, what it needs, where its matrix
comes from, its permissions, the names of the secrets it uses (never their
values: a workflow only holds ``${{ secrets.NAME }}`` references) and, step
by step, the ``deployer`` commands it runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from tools.reference._errors import GenerationError
from tools.reference._markdown import cell, code, header, table

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "Job",
    "Step",
    "Workflow",
    "deployer_commands",
    "load_workflows",
    "render_workflows_page",
    "workflow_files",
]

PAGE = "workflows.md"
LABEL = "workflows-reference"

_SECRET = re.compile(r"\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)")
#: ``deployer`` where a shell command starts: line start, after ; & | ( or then/do/else.
_COMMAND = re.compile(
    r"(?:^|[;&|(]|\b(?:then|do|else)\s)\s*(deployer(?:[ \t][^;&|<>()`\n]*)?)", re.MULTILINE
)

#: The file descriptor of a redirection cut off after the command (``2>/dev/null``).
_FD = re.compile(r"\s+\d$")


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a job, as the page shows it."""

    name: str
    uses: str | None
    commands: tuple[str, ...]  #: the ``deployer`` commands its script runs
    script_lines: int  #: lines of its ``run`` script (0: an action)
    script: str  #: the script when it is one line
    condition: str
    secrets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Job:
    """One job of a workflow, as the page shows it."""

    id: str
    name: str
    needs: tuple[str, ...]
    condition: str
    matrix: tuple[tuple[str, str], ...]  #: (matrix key, where its values come from)
    permissions: str
    secrets: tuple[str, ...]
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Workflow:
    """One workflow file."""

    file: str
    name: str
    triggers: tuple[str, ...]
    permissions: str
    jobs: tuple[Job, ...]


def workflow_files(folder: Path) -> list[Path]:
    """Return the workflow files of *folder* (``*.yaml`` and ``*.yml``), sorted by name."""
    return sorted(
        (p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"} and p.is_file()),
        key=lambda p: p.name,
    )


def deployer_commands(script: str) -> tuple[str, ...]:
    """Return the ``deployer`` commands a shell *script* runs, without redirections."""
    joined = re.sub(r"\\\n\s*", " ", script)
    commands = (" ".join(match.group(1).split()) for match in _COMMAND.finditer(joined))
    return tuple(_FD.sub("", command) for command in commands)


def _secrets(value: object) -> tuple[str, ...]:
    found: list[str] = []

    def walk(item: object) -> None:
        if isinstance(item, str):
            found.extend(_SECRET.findall(item))
        elif isinstance(item, dict):
            for key, sub in item.items():
                walk(key)
                walk(sub)
        elif isinstance(item, list):
            for sub in item:
                walk(sub)

    walk(value)
    return tuple(dict.fromkeys(found))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return " ".join(str(value).split())


def _permissions(value: object, inherited: str) -> str:
    if value is None:
        return inherited
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_text(level)}" for key, level in value.items()) or "none"
    return _text(value)


def _triggers(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(_text(event) for event in value)
    if not isinstance(value, dict):
        return ()
    out = []
    for event, filters in value.items():
        if isinstance(filters, dict) and filters:
            shown = "; ".join(f"{key}: {_listed(values)}" for key, values in filters.items())
            out.append(f"{event} ({shown})")
        else:
            out.append(str(event))
    return tuple(out)


def _listed(values: object) -> str:
    if isinstance(values, list):
        return ", ".join(_text(v) for v in values)
    return _text(values)


def _matrix(strategy: object) -> tuple[tuple[str, str], ...]:
    if not isinstance(strategy, dict):
        return ()
    matrix = strategy.get("matrix")
    if isinstance(matrix, str):
        return (("", _text(matrix)),)
    if not isinstance(matrix, dict):
        return ()
    return tuple((str(key), _listed(values)) for key, values in matrix.items())


def _step(index: int, data: object) -> Step:
    if not isinstance(data, dict):
        return Step(f"step {index}", None, (), 0, "", "", ())
    run = data.get("run")
    script = run if isinstance(run, str) else ""
    lines = [line for line in script.strip().splitlines() if line.strip()]
    uses = data.get("uses")
    name = _text(data.get("name")) or (f"uses {uses}" if uses else f"step {index}")
    return Step(
        name=name,
        uses=_text(uses) or None,
        commands=deployer_commands(script),
        script_lines=len(lines),
        script=lines[0].strip() if len(lines) == 1 else "",
        condition=_text(data.get("if")),
        secrets=_secrets(data),
    )


def _job(job_id: str, data: object, inherited: str) -> Job:
    if not isinstance(data, dict):
        data = {}
    needs = data.get("needs") or ()
    steps = data.get("steps") or []
    return Job(
        id=job_id,
        name=_text(data.get("name")) or job_id,
        needs=(needs,) if isinstance(needs, str) else tuple(str(n) for n in needs),
        condition=_text(data.get("if")),
        matrix=_matrix(data.get("strategy")),
        permissions=_permissions(data.get("permissions"), inherited),
        secrets=_secrets(data),
        steps=tuple(_step(i, s) for i, s in enumerate(steps, start=1))
        if isinstance(steps, list)
        else (),
    )


def load_workflow(path: Path, *, label: str | None = None) -> Workflow:
    """Read one workflow file; an unreadable or malformed file is a :class:`GenerationError`."""
    shown = label or path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{shown}:{mark.line + 1}" if mark is not None else shown
        msg = f"{where}: not valid YAML ({exc.problem}); fix the workflow file"
        raise GenerationError(msg) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        msg = f"{shown}: cannot be read ({exc})"
        raise GenerationError(msg) from None
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
        msg = f"{shown}: not a workflow (a mapping with `jobs`); fix the workflow file"
        raise GenerationError(msg)
    # YAML 1.1 reads the key `on` as the boolean true.
    on: Any = data.get("on", data.get(True))
    permissions = _permissions(data.get("permissions"), "the repository's default")
    return Workflow(
        file=path.name,
        name=_text(data.get("name")) or path.name,
        triggers=_triggers(on),
        permissions=permissions,
        jobs=tuple(_job(str(k), v, permissions) for k, v in data["jobs"].items()),
    )


def load_workflows(folder: Path) -> list[Workflow]:
    """Read every workflow file of *folder*, sorted by file name."""
    return [load_workflow(path) for path in workflow_files(folder)]


def _codes(items: tuple[str, ...], empty: str = "none") -> str:
    return ", ".join(code(item) for item in items) or empty


def _runs(step: Step) -> str:
    if step.uses:
        return f"action {code(step.uses)}"
    if step.commands:
        return "; ".join(code(command) for command in step.commands)
    if step.script:
        return code(step.script)
    return f"a shell script of {step.script_lines} lines, no `deployer` command"


def _workflow_section(workflow: Workflow) -> list[str]:
    out = [f"## {cell(workflow.name)}", ""]
    out += table(
        ["Field", "Value"],
        [
            ["File", code(f".github/workflows/{workflow.file}")],
            ["Triggers", _codes(workflow.triggers)],
            ["Permissions", cell(workflow.permissions)],
            ["Jobs", _codes(tuple(job.id for job in workflow.jobs))],
        ],
    )
    out += table(
        ["Job", "Name", "Needs", "Matrix", "Permissions", "Secrets"],
        [
            [
                code(job.id),
                code(job.name),
                _codes(job.needs),
                "; ".join(
                    f"{code(key)} from {code(source)}" if key else code(source)
                    for key, source in job.matrix
                )
                or "none",
                cell(job.permissions),
                _codes(job.secrets),
            ]
            for job in workflow.jobs
        ],
    )
    for job in workflow.jobs:
        out += [f"### Job `{job.id}`", ""]
        if job.condition:
            out += [f"Runs when {code(job.condition)}.", ""]
        out += table(
            ["Step", "Runs", "When", "Secrets"],
            [
                [
                    cell(step.name),
                    _runs(step),
                    code(step.condition) or "always",
                    _codes(step.secrets),
                ]
                for step in job.steps
            ],
        )
    return out


def render_workflows_page(
    workflows: list[Workflow], *, source_label: str = ".github/workflows/"
) -> str:
    """Return the MyST page describing *workflows*."""
    jobs = sum(len(w.jobs) for w in workflows)
    out = header(
        source_label,
        LABEL,
        "Workflows",
        f"The {len(workflows)} GitHub Actions workflows and their {jobs} jobs, read from"
        " `.github/workflows/`: for each workflow its triggers and permissions; for each job,"
        " in the order the file declares them, the jobs it needs, where its matrix comes from,"
        " its permissions, the names of the secrets it uses and the `deployer` commands each"
        " step runs.",
    )
    out += table(
        ["Workflow", "File", "Triggers", "Jobs"],
        [
            [
                cell(w.name),
                code(w.file),
                _codes(w.triggers),
                _codes(tuple(job.id for job in w.jobs)),
            ]
            for w in workflows
        ],
    )
    for workflow in workflows:
        out += _workflow_section(workflow)
    return "\n".join(out).rstrip() + "\n"
