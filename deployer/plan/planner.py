"""The planner: (configuration, changed files, labels) → :class:`Plan`.

:func:`plan_upgrade` is a pure function: it reads no file and runs nothing.
Every changed path is normalised and matched against :data:`RULES`; the
first matching rule decides what it upgrades.  Labels then add or remove
jobs, every cluster with a prod job gets all of its staging hubs as
canaries, and each matrix is grouped when it would exceed ``max_jobs``.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING

from deployer.config.model import KubeconfigAccess, Stage
from deployer.errors import UsageError
from deployer.plan import labels as lbl
from deployer.plan.changes import normalise_path
from deployer.plan.model import Ignored, Job, JobStage, Plan, Unit
from deployer.plan.rules import Rule, RuleMatcher, Upgrades

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from deployer.config.model import Cluster, Config
    from deployer.plan.changes import ChangedFile

__all__ = ["DEFAULT_MAX_JOBS", "plan_upgrade"]

#: GitHub Actions runs at most 256 jobs per matrix.
DEFAULT_MAX_JOBS = 256

_Target = tuple[str, str | None]  # (cluster, hub) or (cluster, None) for support

#: One release group on its way to a job: (cluster, provider, hubs, reasons).
_Row = tuple[str, str, tuple[str, ...], "Sequence[str]"]


def _posix(path: Path) -> str:
    return str(path)


if os.sep != "/":  # pragma: no cover (the deployer runs on POSIX systems)

    def _posix(path: Path) -> str:
        return path.as_posix()


class _Index:
    """Look-up tables from paths to the releases using them.

    Each is built only when a rule needs it (a change touching only docs
    builds none).  Values files are not indexed one by one: the changed
    ones are collected first, then one pass over the model's values files
    finds who lists them (see :meth:`find_listed`), so a plan allocates
    little beyond its answer.
    """

    def __init__(self, config: Config, repo_root: Path) -> None:
        self._config = config
        self._prefix = _posix(repo_root).rstrip("/") + "/"
        self._listed: dict[str, list[_Target]] = {}
        self._folders: dict[str, Cluster] | None = None
        self._chart_users: dict[str, list[_Target]] | None = None

    def find_listed(self, relpaths: Iterable[str]) -> None:
        """Find the releases whose values_files list any of *relpaths*, in one pass."""
        listed: dict[str, list[_Target]] = {self._prefix + path: [] for path in relpaths}
        if not listed:
            return
        get = listed.get
        for cluster in self._config.clusters:
            name = cluster.name
            if cluster.support is not None:
                for path in cluster.support.values_files:
                    users = get(_posix(path))
                    if users is not None:
                        users.append((name, None))
            for hub in cluster.hubs:
                for path in hub.values_files:
                    users = get(_posix(path))
                    if users is not None:
                        users.append((name, hub.name))
        self._listed = listed

    def listed(self, relpath: str) -> list[_Target]:
        """Return the releases whose values_files list *relpath* (see :meth:`find_listed`)."""
        return self._listed.get(self._prefix + relpath, [])

    def is_kubeconfig(self, relpath: str) -> bool:
        """Tell whether *relpath* is the kubeconfig file of a cluster."""
        path = self._prefix + relpath
        return any(
            isinstance(c.access, KubeconfigAccess) and _posix(c.access.file) == path
            for c in self._config.clusters
        )

    def cluster_in(self, relfolder: str) -> Cluster | None:
        """Return the cluster whose folder is *relfolder*, if any."""
        if self._folders is None:
            self._folders = {
                _posix(c.path.parent if c.path.name == "cluster.yaml" else c.path): c
                for c in self._config.clusters
            }
        return self._folders.get(self._prefix + relfolder)

    def chart_users(self, chart: str) -> list[_Target]:
        """Return the releases using chart *chart*."""
        if self._chart_users is None:
            users: dict[str, list[_Target]] = {}
            for cluster in self._config.clusters:
                if cluster.support is not None:
                    users.setdefault(cluster.support.chart, []).append((cluster.name, None))
                for hub in cluster.hubs:
                    users.setdefault(hub.chart, []).append((cluster.name, hub.name))
            self._chart_users = users
        return self._chart_users.get(chart, [])


@dataclass
class _Draft:
    """The plan while it is being built: cluster → {hub (None: support) → reasons}."""

    config: Config
    targets: dict[str, dict[str | None, list[str]]] = field(default_factory=dict)
    ignored: list[Ignored] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, cluster: str, hub: str | None, reason: str) -> None:
        chosen = self.targets.get(cluster)
        if chosen is None:
            chosen = self.targets[cluster] = {}
        reasons = chosen.get(hub)
        if reasons is None:
            chosen[hub] = [reason]
        elif reasons[-1] != reason:  # a path gives one reason; only its own can repeat
            reasons.append(reason)

    def add_all(self, targets: Iterable[_Target], reason: str) -> None:
        for cluster, hub in targets:
            self.add(cluster, hub, reason)

    def add_cluster(self, cluster: Cluster, reason: str) -> None:
        if cluster.support is not None:
            self.add(cluster.name, None, reason)
        for hub in cluster.hubs:
            self.add(cluster.name, hub.name, reason)


def plan_upgrade(
    config: Config,
    changes: Sequence[ChangedFile],
    labels: Sequence[str] = (),
    *,
    repo_root: Path | None = None,
    max_jobs: int = DEFAULT_MAX_JOBS,
) -> Plan:
    """Work out the support, staging and prod jobs that *changes* require.

    *repo_root* is the folder changed paths are relative to (default: the
    parent of the config root).  Every matrix holds at most *max_jobs* jobs.
    """
    if max_jobs < 1:
        msg = f"--max-jobs must be at least 1, got {max_jobs}"
        raise UsageError(msg)
    root = repo_root if repo_root is not None else config.root.parent
    index = _Index(config, root)
    try:
        config_prefix = config.root.relative_to(root).as_posix()
    except ValueError:
        config_prefix = "config"
    match = RuleMatcher(config_prefix=config_prefix)
    draft = _Draft(config)
    seen: set[str] = set()
    upgrading: list[tuple[str, Rule, bool]] = []  # (path, rule, deleted), in the given order
    for change in changes:
        paths = (change.path,) if change.old_path is None else (change.old_path, change.path)
        for raw in paths:
            path = normalise_path(raw, root)
            if path is None:
                draft.ignored.append(Ignored(raw, "outside the repository"))
                continue
            if path in seen:
                continue
            seen.add(path)
            rule = match(path)
            if rule is None:
                draft.ignored.append(Ignored(path, "no rule matches"))
            elif rule.upgrades is Upgrades.NOTHING:
                draft.ignored.append(Ignored(path, rule.description))
            else:
                deleted = change.status == "D" or (change.status == "R" and raw == change.old_path)
                upgrading.append((path, rule, deleted))
    index.find_listed(path for path, rule, _ in upgrading if rule.upgrades is Upgrades.LISTED_BY)
    for path, rule, deleted in upgrading:
        _apply_rule(path, rule.id, rule.upgrades, deleted=deleted, index=index, draft=draft)
    _apply_labels(tuple(labels), draft)
    return _finish(draft, tuple(labels), max_jobs)


def _apply_rule(
    path: str, rule_id: str, upgrades: Upgrades, *, deleted: bool, index: _Index, draft: _Draft
) -> None:
    reason = f"{path} ({rule_id})"
    if upgrades is Upgrades.EVERYTHING:
        for cluster in draft.config.clusters:
            draft.add_cluster(cluster, reason)
    elif upgrades is Upgrades.CLUSTER:
        _apply_cluster_rule(path, reason, deleted=deleted, index=index, draft=draft)
    else:
        if upgrades is Upgrades.LISTED_BY:
            users = index.listed(path)
            why = (
                "the cluster's kubeconfig (credentials only): nothing to upgrade"
                if index.is_kubeconfig(path)
                else "no hub or support release lists it in values_files"
            )
        else:  # Upgrades.CHART_USERS
            chart = path.rsplit("/", 1)[-1].removesuffix(".yaml")
            users = index.chart_users(chart)
            why = f"no hub or support release uses chart {chart!r}"
        if not users:
            draft.ignored.append(Ignored(path, f"deleted, and {why}" if deleted else why))
        draft.add_all(users, reason)


def _apply_cluster_rule(
    path: str, reason: str, *, deleted: bool, index: _Index, draft: _Draft
) -> None:
    folder = path.rsplit("/", 1)[0]
    found = index.cluster_in(folder)
    if found is not None:
        draft.add_cluster(found, reason)
        return
    name = folder.rsplit("/", 1)[-1]
    why = (
        f"deleted: cluster {name!r} is no longer in the configuration, nothing to upgrade "
        "(its releases are not uninstalled automatically)"
        if deleted
        else f"cluster {name!r} is not in the configuration"
    )
    draft.ignored.append(Ignored(path, why))


def _apply_labels(labels: tuple[str, ...], draft: _Draft) -> None:
    known = ", ".join(lbl.LABELS)
    draft.notes.extend(
        f"Unknown label {label!r} ignored (known labels: {known})."
        for label in labels
        if label.startswith(lbl.PREFIX) and label not in lbl.LABELS
    )
    clusters = draft.config.clusters
    if lbl.DEPLOY_SUPPORT in labels:
        for cluster in (c for c in clusters if c.support is not None):
            draft.add(cluster.name, None, f"label {lbl.DEPLOY_SUPPORT}")
    if lbl.DEPLOY_HUBS in labels:
        for cluster in clusters:
            for hub in cluster.hubs:
                draft.add(cluster.name, hub.name, f"label {lbl.DEPLOY_HUBS}")
    if lbl.SKIP_DEPLOY in labels:
        draft.targets.clear()
        draft.notes.append(f"Label {lbl.SKIP_DEPLOY}: nothing is deployed.")
    elif lbl.SKIP_HUB_DEPLOYS in labels:
        for chosen in draft.targets.values():
            for hub_name in [name for name in chosen if name is not None]:
                del chosen[hub_name]
        draft.notes.append(f"Label {lbl.SKIP_HUB_DEPLOYS}: no hub is deployed.")


def _rows(draft: _Draft) -> dict[JobStage, list[_Row]]:
    """Return the support, staging and prod rows, cluster by cluster in config order."""
    support: list[_Row] = []
    staging: list[_Row] = []
    prod: list[_Row] = []
    staging_stage, prod_stage = Stage.STAGING, Stage.PROD
    for cluster in draft.config.clusters:
        chosen = draft.targets.get(cluster.name)
        if not chosen:
            continue
        name, provider = cluster.name, str(cluster.provider)
        if None in chosen:
            support.append((name, provider, (), chosen[None]))
        prod_hubs = [h.name for h in cluster.hubs if h.stage is prod_stage and h.name in chosen]
        if prod_hubs:
            canary = f"canary for the prod hubs of {name}"
            staging.extend(
                (name, provider, (hub.name,), (*chosen.get(hub.name, ()), canary))
                for hub in cluster.hubs
                if hub.stage is staging_stage
            )
            prod.extend((name, provider, (hub,), chosen[hub]) for hub in prod_hubs)
        else:
            staging.extend(
                (name, provider, (hub.name,), chosen[hub.name])
                for hub in cluster.hubs
                if hub.stage is staging_stage and hub.name in chosen
            )
    return {JobStage.SUPPORT: support, JobStage.STAGING: staging, JobStage.PROD: prod}


def _finish(draft: _Draft, labels: tuple[str, ...], max_jobs: int) -> Plan:
    jobs: dict[JobStage, tuple[Job, ...]] = {}
    grouped: dict[str, str] = {}
    for stage, rows in _rows(draft).items():
        jobs[stage], how = _group(stage, rows, max_jobs)
        if how:
            grouped[str(stage)] = how
            draft.notes.append(
                f"The {stage} matrix is grouped to stay within {max_jobs} jobs: {how}."
            )
    ignored = sorted(draft.ignored, key=lambda item: item.file)
    return Plan(
        support=jobs[JobStage.SUPPORT],
        staging=jobs[JobStage.STAGING],
        prod=jobs[JobStage.PROD],
        ignored=tuple(ignored),
        notes=tuple(draft.notes),
        grouped=grouped,
        labels=labels,
    )


def _merge_reasons(reason_lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(chain.from_iterable(reason_lists)))


def _by_cluster(rows: Sequence[_Row]) -> list[_Row]:
    """Merge the consecutive rows of each cluster into one (rows come cluster by cluster)."""
    merged: list[_Row] = []
    start = 0
    for end in range(1, len(rows) + 1):
        if end == len(rows) or rows[end][0] != rows[start][0]:
            name, provider = rows[start][0], rows[start][1]
            part = rows[start:end]
            hubs = tuple(chain.from_iterable(row[2] for row in part))
            merged.append((name, provider, hubs, _merge_reasons(row[3] for row in part)))
            start = end
    return merged


def _group(stage: JobStage, rows: Sequence[_Row], max_jobs: int) -> tuple[tuple[Job, ...], str]:
    """Turn rows into jobs, grouping by cluster, then batching, beyond *max_jobs*."""
    if len(rows) <= max_jobs:
        return tuple(Job(stage, (Unit(c, p, h),), tuple(r)) for c, p, h, r in rows), ""
    clustered = _by_cluster(rows)
    how = "one job per cluster (its hubs listed in `hubs`)"
    if len(clustered) <= max_jobs:
        return tuple(Job(stage, (Unit(c, p, h),), tuple(r)) for c, p, h, r in clustered), how
    by_provider: dict[str, list[_Row]] = {}
    for row in clustered:
        by_provider.setdefault(row[1], []).append(row)
    if len(by_provider) > max_jobs:  # fewer jobs than providers: batches mix providers
        by_provider = {"": clustered}
    size = math.ceil(len(clustered) / max_jobs)
    while sum(math.ceil(len(group) / size) for group in by_provider.values()) > max_jobs:
        size += 1
    batches: list[Job] = []
    for group in by_provider.values():
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            units = tuple(Unit(c, p, h) for c, p, h, _ in chunk)
            batches.append(Job(stage, units, _merge_reasons(row[3] for row in chunk)))
    kind = "clusters" if "" in by_provider else "clusters of one provider"
    how = f"batches of up to {size} {kind} (each cluster deployed on its own)"
    return tuple(batches), how
