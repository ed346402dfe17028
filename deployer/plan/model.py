"""What a plan is made of: jobs, ignored files and notes.

A :class:`Job` is one entry of a GitHub Actions matrix.  Usually it deploys
one hub (or one support release) of one cluster; when a matrix would exceed
the job limit, a job deploys several hubs of a cluster, or several clusters
of one provider (a batch).  Each :class:`Unit` of a job is one
``deployer deploy CLUSTER HUB ...`` (or ``deployer deploy-support CLUSTER``)
invocation, listed in the job's ``targets``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Ignored", "Job", "JobStage", "Plan", "Unit"]


class JobStage(enum.StrEnum):
    """The three matrices, in the order they run."""

    SUPPORT = "support"
    STAGING = "staging"
    PROD = "prod"


@dataclass(frozen=True, slots=True)
class Unit:
    """The releases of one cluster that one deploy command upgrades.

    ``hubs`` is empty for the support release.
    """

    cluster: str
    provider: str
    hubs: tuple[str, ...] = ()

    @property
    def target(self) -> str:
        """The arguments of ``deployer deploy`` (or ``deploy-support``)."""
        return " ".join((self.cluster, *self.hubs))


@dataclass(frozen=True, slots=True)
class Job:
    """One matrix entry: one or more units and why they were chosen."""

    stage: JobStage
    units: tuple[Unit, ...]
    reason: tuple[str, ...]

    @property
    def provider(self) -> str:
        """Return the provider, or the sorted providers joined by commas for a mixed batch."""
        return ",".join(sorted({unit.provider for unit in self.units}))

    @property
    def name(self) -> str:
        """A short, readable name for the job (shown by GitHub Actions)."""
        if len(self.units) == 1:
            unit = self.units[0]
            if self.stage is JobStage.SUPPORT:
                return f"{unit.cluster}: support"
            if len(unit.hubs) == 1:
                return f"{unit.cluster}: {unit.hubs[0]}"
            return f"{unit.cluster}: {len(unit.hubs)} hubs"
        first, last = self.units[0].cluster, self.units[-1].cluster
        return f"{self.provider} batch: {len(self.units)} clusters ({first} .. {last})"

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form used in the matrix (see the plan-upgrade command's help)."""
        data: dict[str, Any] = {"name": self.name, "stage": str(self.stage)}
        if len(self.units) == 1:
            unit = self.units[0]
            data["cluster"] = unit.cluster
            data["provider"] = unit.provider
            if self.stage is not JobStage.SUPPORT:
                if len(unit.hubs) == 1:
                    data["hub"] = unit.hubs[0]
                else:
                    data["hubs"] = list(unit.hubs)
        else:
            data["provider"] = self.provider
            data["clusters"] = [
                {"cluster": u.cluster, **({"hubs": list(u.hubs)} if u.hubs else {})}
                for u in self.units
            ]
        data["reason"] = list(self.reason)
        data["targets"] = [unit.target for unit in self.units]
        return data


@dataclass(frozen=True, slots=True)
class Ignored:
    """A changed file that upgrades nothing, and why."""

    file: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Return the JSON form."""
        return {"file": self.file, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Plan:
    """Support, staging and prod jobs, the files ignored, and notes."""

    support: tuple[Job, ...] = ()
    staging: tuple[Job, ...] = ()
    prod: tuple[Job, ...] = ()
    ignored: tuple[Ignored, ...] = ()
    notes: tuple[str, ...] = ()
    grouped: dict[str, str] = field(default_factory=dict)
    labels: tuple[str, ...] = ()

    def jobs(self, stage: JobStage) -> tuple[Job, ...]:
        """Return the jobs of one matrix."""
        return {
            JobStage.SUPPORT: self.support,
            JobStage.STAGING: self.staging,
            JobStage.PROD: self.prod,
        }[stage]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form printed by ``deployer plan-upgrade --format json``."""
        return {
            "support": [job.to_dict() for job in self.support],
            "staging": [job.to_dict() for job in self.staging],
            "prod": [job.to_dict() for job in self.prod],
            "ignored": [item.to_dict() for item in self.ignored],
            "notes": list(self.notes),
            "grouped": dict(self.grouped),
            "labels": list(self.labels),
        }
