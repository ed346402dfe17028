"""Which releases a change must upgrade: changed files (+ PR labels) → a plan.

The planner core (:func:`plan_upgrade`) is pure; reading the changed files
and the configuration happens at the edges (:mod:`deployer.plan.changes`,
the CLI).  The rule table lives in :mod:`deployer.plan.rules`, the labels in
:mod:`deployer.plan.labels`.
"""

from deployer.plan.changes import (
    ChangedFile,
    changes_from_git,
    normalise_path,
    parse_changed_files,
    parse_name_status,
)
from deployer.plan.filter import FilterResult, filter_jobs, read_results
from deployer.plan.model import Ignored, Job, JobStage, Plan, Unit
from deployer.plan.output import MARKER, plan_to_json, plan_to_markdown, plan_to_text
from deployer.plan.planner import DEFAULT_MAX_JOBS, plan_upgrade
from deployer.plan.rules import RULES, Rule, Upgrades

__all__ = [
    "DEFAULT_MAX_JOBS",
    "MARKER",
    "RULES",
    "ChangedFile",
    "FilterResult",
    "Ignored",
    "Job",
    "JobStage",
    "Plan",
    "Rule",
    "Unit",
    "Upgrades",
    "changes_from_git",
    "filter_jobs",
    "normalise_path",
    "parse_changed_files",
    "parse_name_status",
    "plan_to_json",
    "plan_to_markdown",
    "plan_to_text",
    "plan_upgrade",
    "read_results",
]
