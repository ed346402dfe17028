"""The planner: (configuration, changed files, labels) → :class:`Plan`.

:func:`plan_upgrade` is a pure function: it reads no file and runs nothing.
Every changed path is normalised and matched against :data:`RULES`; the
first matching rule decides what it upgrades.  Labels then add or remove
jobs, every cluster with a prod job gets all of its staging hubs as
canaries, and each matrix is grouped when it would exceed ``max_jobs``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from deployer.config.model import Stage
from deployer.errors import UsageError
from deployer.plan import labels as lbl
from deployer.plan.changes import normalise_path
from deployer.plan.model import Ignored, Job, JobStage, Plan, Unit
from deployer.plan.rules import RULES, Rule, Upgrades, compile_pattern

if TYPE_CHECKING:
    import re
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from deployer.config.model import Cluster, Config
    from deployer.plan.changes import ChangedFile

__all__ = ["DEFAULT_MAX_JOBS", "plan_upgrade"]

#: GitHub Actions runs at most 256 jobs per matrix.
DEFAULT_MAX_JOBS = 256

_Target = tuple[str, str | None]  # (cluster, hub) or (cluster, None) for support


class _Index:
    """Look-up tables from paths to the releases using them.

    Keys are path parts (``Path.parts``, already computed by pathlib), so no
    path of the model is turned into a string: the index of a 10,000-hub
    configuration is built in milliseconds.
    """

    def __init__(self, config: Config, repo_root: Path) -> None:
        self._root = repo_root.parts
        self.listed: dict[tuple[str, ...], list[_Target]] = defaultdict(list)
        self.folders: dict[tuple[str, ...], Cluster] = {}
        self.chart_users: dict[str, list[_Target]] = defaultdict(list)
        for cluster in config.clusters:
            folder = cluster.path.parent if cluster.path.name == "cluster.yaml" else cluster.path
            self.folders[folder.parts] = cluster
            if cluster.support is not None:
                target: _Target = (cluster.name, None)
                self.chart_users[cluster.support.chart].append(target)
                for path in cluster.support.values_files:
                    self.listed[path.parts].append(target)
            for hub in cluster.hubs:
                target = (cluster.name, hub.name)
                self.chart_users[hub.chart].append(target)
                for path in hub.values_files:
                    self.listed[path.parts].append(target)

    def key(self, relpath: str) -> tuple[str, ...]:
        """Return the parts of the absolute path of repository-relative *relpath*."""
        return (*self._root, *relpath.split("/"))


@dataclass
class _Draft:
    """The plan while it is being built."""

    config: Config
    targets: dict[_Target, list[str]]
    ignored: list[Ignored]
    notes: list[str]

    def add(self, target: _Target, reason: str) -> None:
        reasons = self.targets.setdefault(target, [])
        if reason not in reasons:
            reasons.append(reason)

    def add_cluster(self, cluster: Cluster, reason: str) -> None:
        if cluster.support is not None:
            self.add((cluster.name, None), reason)
        for hub in cluster.hubs:
            self.add((cluster.name, hub.name), reason)


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
    compiled = [(rule, compile_pattern(rule.pattern, config_prefix)) for rule in RULES]
    draft = _Draft(config, {}, [], [])
    seen: set[str] = set()
    for change in changes:
        paths = [change.path] if change.old_path is None else [change.old_path, change.path]
        for raw in paths:
            path = normalise_path(raw, root)
            if path is None:
                draft.ignored.append(Ignored(raw, "outside the repository"))
                continue
            if path in seen:
                continue
            seen.add(path)
            deleted = change.deleted or (change.status == "R" and raw == change.old_path)
            _apply_rules(path, deleted=deleted, index=index, compiled=compiled, draft=draft)
    _apply_labels(tuple(labels), draft)
    return _finish(draft, tuple(labels), max_jobs)


def _apply_rules(
    path: str,
    *,
    deleted: bool,
    index: _Index,
    compiled: Iterable[tuple[Rule, re.Pattern[str]]],
    draft: _Draft,
) -> None:
    rule = next((rule for rule, regex in compiled if regex.fullmatch(path)), None)
    if rule is None:
        draft.ignored.append(Ignored(path, "no rule matches"))
        return
    reason = f"{path} ({rule.id})"
    if rule.upgrades is Upgrades.NOTHING:
        draft.ignored.append(Ignored(path, rule.description))
    elif rule.upgrades is Upgrades.EVERYTHING:
        for cluster in draft.config.clusters:
            draft.add_cluster(cluster, reason)
    elif rule.upgrades is Upgrades.CLUSTER:
        _apply_cluster_rule(path, reason, deleted=deleted, index=index, draft=draft)
    else:
        if rule.upgrades is Upgrades.LISTED_BY:
            users = index.listed.get(index.key(path))
            why = "no hub or support release lists it in values_files"
        else:  # Upgrades.CHART_USERS
            chart = path.rsplit("/", 1)[-1].removesuffix(".yaml")
            users = index.chart_users.get(chart)
            why = f"no hub or support release uses chart {chart!r}"
        if not users:
            draft.ignored.append(Ignored(path, f"deleted, and {why}" if deleted else why))
        for target in users or ():
            draft.add(target, reason)


def _apply_cluster_rule(
    path: str, reason: str, *, deleted: bool, index: _Index, draft: _Draft
) -> None:
    folder = path.rsplit("/", 1)[0]
    found = index.folders.get(index.key(folder))
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
            draft.add((cluster.name, None), f"label {lbl.DEPLOY_SUPPORT}")
    if lbl.DEPLOY_HUBS in labels:
        for cluster in clusters:
            for hub in cluster.hubs:
                draft.add((cluster.name, hub.name), f"label {lbl.DEPLOY_HUBS}")
    if lbl.SKIP_DEPLOY in labels:
        draft.targets.clear()
        draft.notes.append(f"Label {lbl.SKIP_DEPLOY}: nothing is deployed.")
    elif lbl.SKIP_HUB_DEPLOYS in labels:
        for target in [t for t in draft.targets if t[1] is not None]:
            del draft.targets[target]
        draft.notes.append(f"Label {lbl.SKIP_HUB_DEPLOYS}: no hub is deployed.")


def _finish(draft: _Draft, labels: tuple[str, ...], max_jobs: int) -> Plan:
    entries: dict[JobStage, list[tuple[Unit, Sequence[str]]]] = {stage: [] for stage in JobStage}
    by_cluster: dict[str, dict[str | None, list[str]]] = defaultdict(dict)
    for (cluster_name, hub_name), reasons in draft.targets.items():
        by_cluster[cluster_name][hub_name] = reasons
    for cluster in draft.config.clusters:
        chosen = by_cluster.get(cluster.name)
        if not chosen:
            continue
        provider = str(cluster.provider)
        if None in chosen:
            entries[JobStage.SUPPORT].append((Unit(cluster.name, provider), chosen[None]))
        prod = [hub for hub in cluster.hubs if hub.stage is Stage.PROD and hub.name in chosen]
        canary = [f"canary for the prod hubs of {cluster.name}"] if prod else []
        for hub in cluster.hubs:
            if hub.stage is Stage.STAGING and (prod or hub.name in chosen):
                reasons = [*chosen.get(hub.name, ()), *canary]
                entries[JobStage.STAGING].append(
                    (Unit(cluster.name, provider, (hub.name,)), reasons)
                )
        entries[JobStage.PROD].extend(
            (Unit(cluster.name, provider, (hub.name,)), chosen[hub.name]) for hub in prod
        )
    jobs: dict[JobStage, tuple[Job, ...]] = {}
    grouped: dict[str, str] = {}
    for stage, stage_entries in entries.items():
        jobs[stage], how = _group(stage, stage_entries, max_jobs)
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
    return tuple(dict.fromkeys(reason for reasons in reason_lists for reason in reasons))


def _group(
    stage: JobStage, entries: Sequence[tuple[Unit, Sequence[str]]], max_jobs: int
) -> tuple[tuple[Job, ...], str]:
    """Turn units into jobs, grouping by cluster, then batching, beyond *max_jobs*."""
    if len(entries) <= max_jobs:
        return tuple(Job(stage, (unit,), tuple(reasons)) for unit, reasons in entries), ""
    by_cluster: dict[str, list[tuple[Unit, Sequence[str]]]] = {}
    for unit, reasons in entries:
        by_cluster.setdefault(unit.cluster, []).append((unit, reasons))
    clustered: list[tuple[Unit, tuple[str, ...]]] = []
    for items in by_cluster.values():
        first = items[0][0]
        hubs = tuple(hub for unit, _ in items for hub in unit.hubs)
        clustered.append(
            (Unit(first.cluster, first.provider, hubs), _merge_reasons(r for _, r in items))
        )
    how = "one job per cluster (its hubs listed in `hubs`)"
    if len(clustered) <= max_jobs:
        return tuple(Job(stage, (unit,), reasons) for unit, reasons in clustered), how
    by_provider: dict[str, list[tuple[Unit, tuple[str, ...]]]] = {}
    for unit, reasons in clustered:
        by_provider.setdefault(unit.provider, []).append((unit, reasons))
    if len(by_provider) > max_jobs:  # fewer jobs than providers: batches mix providers
        by_provider = {"": clustered}
    size = math.ceil(len(clustered) / max_jobs)
    while sum(math.ceil(len(group) / size) for group in by_provider.values()) > max_jobs:
        size += 1
    batches: list[Job] = []
    for group in by_provider.values():
        for start in range(0, len(group), size):
            chunk = group[start : start + size]
            units = tuple(unit for unit, _ in chunk)
            batches.append(Job(stage, units, _merge_reasons(r for _, r in chunk)))
    kind = "clusters" if "" in by_provider else "clusters of one provider"
    how = f"batches of up to {size} {kind} (each cluster deployed on its own)"
    return tuple(batches), how
