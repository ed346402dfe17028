"""Keep the prod jobs of clusters whose support release and canaries passed.

The results of the support and staging runs are a list of records, one per
deployed release::

    {"cluster": "uk", "hub": "staging", "result": "success"}
    {"cluster": "uk", "support": true, "result": "failure"}

``result`` is one of ``success``, ``failure``, ``cancelled`` or ``skipped``.
``deployer deploy --results-file`` and ``deployer deploy-support
--results-file`` append such records (one JSON object a line); a JSON list
of them works too.  A release is *passed* when it has at least one record
and every record says ``success``; a missing record counts as not passed.

A prod job of cluster C is kept when C's planned support release (if any)
and every planned staging hub of C passed.  Clusters are matched by their
exact name, so a failure on ``uk`` never drops ``uk-2``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deployer.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

__all__ = [
    "RESULTS",
    "Dropped",
    "FilterResult",
    "check_plan",
    "filter_jobs",
    "job_units",
    "read_results",
]

#: The values a result record may carry.
RESULTS = ("success", "failure", "cancelled", "skipped")

_Release = tuple[str, str | None]  # (cluster, hub) or (cluster, None) for support


@dataclass(frozen=True, slots=True)
class Dropped:
    """A cluster's prod hubs that were not deployed, and why."""

    cluster: str
    hubs: tuple[str, ...]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form."""
        return {"cluster": self.cluster, "hubs": list(self.hubs), "reason": self.reason}


@dataclass(frozen=True, slots=True)
class FilterResult:
    """The prod matrix to run, and what was dropped from it."""

    prod: tuple[dict[str, Any], ...]
    dropped: tuple[Dropped, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON form printed by ``deployer filter-jobs``."""
        return {"prod": list(self.prod), "dropped": [d.to_dict() for d in self.dropped]}


def job_units(job: Mapping[str, Any]) -> list[tuple[str, tuple[str, ...]]]:
    """Return (cluster, hubs) for each cluster of a plan job (hubs empty for support)."""
    if "clusters" in job:
        return [(str(c["cluster"]), tuple(c.get("hubs", ()))) for c in job["clusters"]]
    if "hubs" in job:
        return [(str(job["cluster"]), tuple(job["hubs"]))]
    if "hub" in job:
        return [(str(job["cluster"]), (str(job["hub"]),))]
    return [(str(job["cluster"]), ())]


def _parse_records(text: str, source: str) -> list[Mapping[str, Any]]:
    stripped = text.strip()
    if not stripped:
        return []
    try:
        if stripped.startswith("["):
            data = json.loads(stripped)
            records = data if isinstance(data, list) else [data]
        else:
            records = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        msg = f"{source}: not JSON (a list of result records, or one record a line): {exc}"
        raise UsageError(msg) from None
    for record in records:
        if (
            not isinstance(record, dict)
            or not isinstance(record.get("cluster"), str)
            or record.get("result") not in RESULTS
            or not (isinstance(record.get("hub"), str) or record.get("support") is True)
        ):
            msg = (
                f"{source}: bad result record {json.dumps(record)}; expected "
                '{"cluster": C, "hub": H | "support": true, "result": ' + "|".join(RESULTS) + "}"
            )
            raise UsageError(msg)
    return records


def read_results(paths: Iterable[Path]) -> list[Mapping[str, Any]]:
    """Read result records from files, or from every ``*.json*`` file of folders."""
    records: list[Mapping[str, Any]] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*.json*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                msg = f"cannot read results file {file}: {exc.strerror}"
                raise UsageError(msg) from None
            records.extend(_parse_records(text, str(file)))
    return records


def check_plan(plan: Mapping[str, Any]) -> None:
    """Raise UsageError unless *plan* has the support, staging and prod lists of a plan."""
    if not isinstance(plan, dict) or not all(
        isinstance(plan.get(key), list) for key in ("support", "staging", "prod")
    ):
        msg = "the plan must be the JSON of `deployer plan-upgrade --format json`"
        raise UsageError(msg)


def _outcomes(results: Sequence[Mapping[str, Any]]) -> dict[_Release, list[str]]:
    outcome: dict[_Release, list[str]] = {}
    for record in results:
        hub = None if record.get("support") is True else str(record["hub"])
        outcome.setdefault((str(record["cluster"]), hub), []).append(str(record["result"]))
    return outcome


def _required(plan: Mapping[str, Any]) -> dict[str, list[_Release]]:
    required: dict[str, list[_Release]] = {}
    for job in plan["support"]:
        for cluster, _ in job_units(job):
            required.setdefault(cluster, []).append((cluster, None))
    for job in plan["staging"]:
        for cluster, hubs in job_units(job):
            required.setdefault(cluster, []).extend((cluster, hub) for hub in hubs)
    return required


def _failed_clusters(
    required: Mapping[str, list[_Release]], outcome: Mapping[_Release, list[str]]
) -> dict[str, str]:
    failed: dict[str, str] = {}
    for cluster, releases in required.items():
        problems = []
        for release in releases:
            what = "support release" if release[1] is None else f"canary {release[1]}"
            got = outcome.get(release)
            bad = [result for result in got or () if result != "success"]
            if not got:
                problems.append(f"{what}: no result (counted as not passed)")
            elif bad:
                problems.append(f"{what}: {bad[0]}")
        if problems:
            failed[cluster] = "; ".join(problems)
    return failed


def filter_jobs(plan: Mapping[str, Any], results: Sequence[Mapping[str, Any]]) -> FilterResult:
    """Keep the prod jobs whose cluster's support release and canaries all passed."""
    check_plan(plan)
    failed = _failed_clusters(_required(plan), _outcomes(results))
    kept: list[dict[str, Any]] = []
    dropped: list[Dropped] = []
    for job in plan["prod"]:
        units = job_units(job)
        good = [(c, hubs) for c, hubs in units if c not in failed]
        dropped.extend(Dropped(c, hubs, failed[c]) for c, hubs in units if c in failed)
        if len(good) == len(units):
            kept.append(dict(job))
        elif good:
            new = dict(job)
            new["clusters"] = [{"cluster": c, "hubs": list(hubs)} for c, hubs in good]
            new["targets"] = [" ".join((c, *hubs)) for c, hubs in good]
            kept.append(new)
    return FilterResult(tuple(kept), tuple(dropped))
