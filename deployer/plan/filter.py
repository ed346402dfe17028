"""Keep the prod jobs of clusters whose support release and canaries passed.

The results of the support and staging runs are a list of records, one per
deployed release::

    {"cluster": "uk", "hub": "staging", "result": "success", "attempt": 2}
    {"cluster": "uk", "support": true, "result": "failure"}

``result`` is one of ``success``, ``failure``, ``cancelled``, ``skipped`` or
``dry-run`` (the release was only rehearsed with ``--dry-run``).
``deployer deploy --results-file`` and ``deployer deploy-support
--results-file`` append such records (one JSON object a line); a JSON list
of them works too.

The optional ``attempt`` (a positive integer: GitHub's run attempt, written
by ``--attempt``) orders the records of a re-run: when every record of a
release has one, only the records of its latest attempt decide, so a canary
that failed and then passed on a re-run counts as passed.  When any record
of the release lacks it, every record decides, and a failure wins.

A release is *passed* when its deciding records all say ``success``; a
rehearsal (``dry-run``) passes only when the filter is itself told that it
filters a rehearsal (``dry_run=True``); a missing record counts as not
passed.  A prod job of cluster C is kept when C's planned support release
(if any) and every planned staging hub of C passed.  Clusters are matched by
their exact name, so a failure on ``uk`` never drops ``uk-2``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deployer._json import parse_json, read_json_text
from deployer.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

__all__ = [
    "DRY_RUN",
    "RESULTS",
    "Dropped",
    "FilterResult",
    "check_plan",
    "filter_jobs",
    "job_units",
    "read_results",
]

#: The values a result record may carry.
RESULTS = ("success", "failure", "cancelled", "skipped", "dry-run")

#: What a rehearsal (``deployer deploy --dry-run``) records.
DRY_RUN = "dry-run"

_Release = tuple[str, str | None]  # (cluster, hub) or (cluster, None) for support
_Outcome = tuple[int | None, str]  # (attempt, result)


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
    expected = "a JSON list of result records, or one record a line"
    if stripped.startswith("["):
        data = parse_json(text, source, expected=expected)
        records = data if isinstance(data, list) else [data]
    else:
        records = [
            parse_json(line, source, expected=expected, line=number)
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    for record in records:
        if not _valid(record):
            msg = (
                f"{source}: bad result record {json.dumps(record)}; expected "
                '{"cluster": C, "hub": H | "support": true, "result": '
                + "|".join(RESULTS)
                + ', "attempt": N (optional, N >= 1)}'
            )
            raise UsageError(msg)
    return records


def _valid(record: object) -> bool:
    if not isinstance(record, dict):
        return False
    attempt = record.get("attempt", 1)
    return (
        isinstance(record.get("cluster"), str)
        and record.get("result") in RESULTS
        and (isinstance(record.get("hub"), str) or record.get("support") is True)
        and isinstance(attempt, int)
        and not isinstance(attempt, bool)
        and attempt >= 1
    )


_RESULTS_FILE = "the JSON records written by `deployer deploy --results-file`"


def read_results(paths: Iterable[Path]) -> list[Mapping[str, Any]]:
    """Read result records from files, or from every ``*.json*`` file of folders."""
    records: list[Mapping[str, Any]] = []
    for path in paths:
        files = sorted(p for p in path.rglob("*.json*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            text = read_json_text(file, expected=_RESULTS_FILE)
            records.extend(_parse_records(text, str(file)))
    return records


def _job_shape_ok(job: object) -> bool:
    """Tell whether *job* names its cluster(s) and lists hubs as lists of names."""
    if not isinstance(job, dict):
        return False
    parts = job.get("clusters") if "clusters" in job else [job]
    if not isinstance(parts, list) or not parts:
        return False
    for part in parts:
        if not isinstance(part, dict) or not isinstance(part.get("cluster"), str):
            return False
        hubs = part.get("hubs", [])
        if not isinstance(hubs, list) or not all(isinstance(hub, str) for hub in hubs):
            return False
        if "hub" in part and not isinstance(part["hub"], str):
            return False
    return True


def check_plan(plan: Mapping[str, Any]) -> None:
    """Raise UsageError unless *plan* has the support, staging and prod lists of a plan."""
    expected = "the plan must be the JSON of `deployer plan-upgrade --format json`"
    stages = ("support", "staging", "prod")
    if not isinstance(plan, dict) or not all(isinstance(plan.get(key), list) for key in stages):
        raise UsageError(expected)
    for stage in stages:
        for number, job in enumerate(plan[stage], start=1):
            if not _job_shape_ok(job):
                msg = f"{expected}; job {number} of {stage!r} has no cluster: {json.dumps(job)}"
                raise UsageError(msg)


def _outcomes(results: Sequence[Mapping[str, Any]]) -> dict[_Release, list[_Outcome]]:
    outcome: dict[_Release, list[_Outcome]] = {}
    for record in results:
        hub = None if record.get("support") is True else str(record["hub"])
        attempt = record.get("attempt")
        outcome.setdefault((str(record["cluster"]), hub), []).append(
            (attempt if isinstance(attempt, int) else None, str(record["result"]))
        )
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


def _deciding(outcomes: Sequence[_Outcome]) -> tuple[list[_Outcome], int | None]:
    """Return the records that decide (the latest attempt's, or all) and that attempt."""
    attempts = [attempt for attempt, _ in outcomes]
    if None in attempts:
        return list(outcomes), None
    latest = max(a for a in attempts if a is not None)
    return [item for item in outcomes if item[0] == latest], latest


def _problem(release: _Release, outcomes: Sequence[_Outcome], *, dry_run: bool) -> str | None:
    """Return why *release* did not pass, or None when it passed."""
    what = "support release" if release[1] is None else f"canary {release[1]}"
    if not outcomes:
        return f"{what}: no result (counted as not passed)"
    deciding, attempt = _deciding(outcomes)
    passing = {"success", DRY_RUN} if dry_run else {"success"}
    bad = [result for _, result in deciding if result not in passing]
    if not bad:
        return None
    if set(bad) == {DRY_RUN}:
        if release[1] is None:
            return "support release only rehearsed (dry run)"
        return f"canary only rehearsed (dry run): {release[1]}"
    first = next(result for result in bad if result != DRY_RUN)
    return f"{what}: {first}" + (f" (attempt {attempt})" if attempt is not None else "")


def _failed_clusters(
    required: Mapping[str, list[_Release]],
    outcome: Mapping[_Release, list[_Outcome]],
    *,
    dry_run: bool,
) -> dict[str, str]:
    failed: dict[str, str] = {}
    for cluster, releases in required.items():
        problems = [
            problem
            for release in releases
            if (problem := _problem(release, outcome.get(release, []), dry_run=dry_run))
        ]
        if any("(dry run)" in problem for problem in problems):
            problems.append("a rehearsal is filtered with `deployer filter-jobs --dry-run`")
        if problems:
            failed[cluster] = "; ".join(problems)
    return failed


def filter_jobs(
    plan: Mapping[str, Any], results: Sequence[Mapping[str, Any]], *, dry_run: bool = False
) -> FilterResult:
    """Keep the prod jobs whose cluster's support release and canaries all passed.

    With *dry_run* the prod jobs are a rehearsal too, and rehearsed
    (``dry-run``) canaries count as passed; without it they do not.
    """
    check_plan(plan)
    failed = _failed_clusters(_required(plan), _outcomes(results), dry_run=dry_run)
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
