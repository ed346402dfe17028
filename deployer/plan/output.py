"""A plan as JSON (the workflow's matrices), Markdown (the PR comment) or text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from deployer.plan.model import JobStage

if TYPE_CHECKING:
    from deployer.plan.model import Job, Plan

__all__ = ["MARKER", "MAX_TABLE_ROWS", "plan_to_json", "plan_to_markdown", "plan_to_text"]

#: First line of the PR comment, so a workflow finds it again and updates it.
MARKER = "<!-- hub-deployer:plan -->"

#: Longer tables are cut (GitHub comments hold at most 65,536 characters).
MAX_TABLE_ROWS = 100

#: Reasons shown per row of a Markdown table (grouped jobs can have hundreds).
MAX_ROW_REASONS = 3

_TITLES = {
    JobStage.SUPPORT: "Support releases",
    JobStage.STAGING: "Staging hubs (canaries, deployed first)",
    JobStage.PROD: "Prod hubs (deployed after the canaries of their cluster pass)",
}


def plan_to_json(plan: Plan) -> str:
    """Return the plan as indented JSON."""
    return json.dumps(plan.to_dict(), indent=2) + "\n"


def _hubs(job: Job) -> str:
    if job.stage is JobStage.SUPPORT:
        return "support"
    return ", ".join(hub for unit in job.units for hub in unit.hubs)


def _clusters(job: Job) -> str:
    return ", ".join(unit.cluster for unit in job.units)


def _count(plan: Plan, stage: JobStage) -> int:
    jobs = plan.jobs(stage)
    if stage is JobStage.SUPPORT:
        return sum(len(job.units) for job in jobs)
    return sum(len(unit.hubs) for job in jobs for unit in job.units)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def plan_to_markdown(plan: Plan) -> str:
    """Return the plan as the pull-request comment (the marker is the first line)."""
    lines = [MARKER, "## Deployment plan", ""]
    counts = [f"{_count(plan, stage)} {stage}" for stage in JobStage]
    lines += [f"**{', '.join(counts)}** release(s) to deploy.", ""]
    for stage in JobStage:
        jobs = plan.jobs(stage)
        lines += [f"### {_TITLES[stage]}", ""]
        if not jobs:
            lines += ["Nothing to deploy.", ""]
            continue
        if str(stage) in plan.grouped:
            lines += [f"Grouped: {plan.grouped[str(stage)]}.", ""]
        lines += ["| Cluster | Provider | Release | Reason |", "|---|---|---|---|"]
        for job in jobs[:MAX_TABLE_ROWS]:
            reason = "; ".join(job.reason[:MAX_ROW_REASONS])
            if len(job.reason) > MAX_ROW_REASONS:
                reason += f"; and {len(job.reason) - MAX_ROW_REASONS} more"
            row = [_clusters(job), job.provider, _hubs(job), reason]
            lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
        if len(jobs) > MAX_TABLE_ROWS:
            lines.append(f"\n… and {len(jobs) - MAX_TABLE_ROWS} more jobs (see the JSON plan).")
        lines.append("")
    if plan.ignored:
        lines += ["### Ignored files", "", "| File | Reason |", "|---|---|"]
        lines += [
            f"| `{_cell(item.file)}` | {_cell(item.reason)} |"
            for item in plan.ignored[:MAX_TABLE_ROWS]
        ]
        if len(plan.ignored) > MAX_TABLE_ROWS:
            lines.append(f"\n… and {len(plan.ignored) - MAX_TABLE_ROWS} more files.")
        lines.append("")
    if plan.notes:
        lines += ["### Notes", ""]
        lines += [f"- {note}" for note in plan.notes]
        lines.append("")
    return "\n".join(lines)


def plan_to_text(plan: Plan) -> str:
    """Return the plan for a human at a terminal."""
    lines: list[str] = []
    for stage in JobStage:
        jobs = plan.jobs(stage)
        header = f"{stage.capitalize()} ({_count(plan, stage)})"
        if str(stage) in plan.grouped:
            header += f" [grouped: {plan.grouped[str(stage)]}]"
        lines.append(header + ":")
        if not jobs:
            lines.append("  nothing to deploy")
        for job in jobs:
            lines.append(f"  {job.name} [{job.provider}]")
            if len(job.units) > 1 or len(job.units[0].hubs) > 1:
                command = "deploy-support" if stage is JobStage.SUPPORT else "deploy"
                lines.extend(f"    {command} {unit.target}" for unit in job.units)
            lines.extend(f"    because {reason}" for reason in job.reason)
    if plan.ignored:
        lines.append(f"Ignored ({len(plan.ignored)}):")
        lines.extend(f"  {item.file}: {item.reason}" for item in plan.ignored)
    if plan.notes:
        lines.append("Notes:")
        lines.extend(f"  {note}" for note in plan.notes)
    return "\n".join(lines) + "\n"
