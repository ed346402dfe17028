"""Deploy hubs and support releases with ``helm upgrade --install``.

For one cluster: prepare credentials (:mod:`deployer.credentials`), then for
each release decrypt its secret values files (:mod:`deployer.secrets`), run
``helm upgrade --install`` with the values files in their declared order,
and, for a hub, wait for ``deployment/hub`` to roll out.  A failing hub does
not stop the others: every result is returned, and the caller decides.
Every program runs through :class:`deployer.runner.Runner`.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from deployer.config.model import Stage
from deployer.credentials import KubeAccess, prepare_credentials
from deployer.errors import ExternalProgramError, UsageError
from deployer.secrets import decrypted_files, private_workdir

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from deployer.config.model import Chart, Cluster, Config, Hub
    from deployer.runner import Runner

__all__ = [
    "DEFAULT_TIMEOUT",
    "HELM_VALUE_SECTIONS",
    "SUPPORT_RELEASE",
    "DeployReport",
    "ReleaseResult",
    "deploy_hubs",
    "deploy_support",
    "helm_upgrade_command",
    "select_hubs",
    "withhold_values",
]

logger = logging.getLogger("deployer.deploy")

#: How long helm and kubectl wait for a release to become ready.
DEFAULT_TIMEOUT = "10m"

#: Release name and namespace of a cluster's support chart.
SUPPORT_RELEASE = "support"


@dataclass(frozen=True, slots=True)
class ReleaseResult:
    """The outcome of one release; ``hub`` is None for the support release.

    ``dry_run`` is true when the release was only rehearsed: its commands
    were printed, nothing was deployed.  ``skipped`` is true for a prod hub
    that was not tried because a staging hub of its cluster failed first.
    """

    cluster: str
    hub: str | None
    ok: bool
    error: str = ""
    dry_run: bool = False
    skipped: bool = False

    @property
    def result(self) -> str:
        """Return ``success``, ``failure``, ``skipped`` or, for a good rehearsal, ``dry-run``."""
        if self.skipped:
            return "skipped"
        if not self.ok:
            return "failure"
        return "dry-run" if self.dry_run else "success"

    def to_record(self, attempt: int | None = None) -> dict[str, object]:
        """Return the result record read by ``deployer filter-jobs``.

        *attempt* (GitHub's run attempt) lets the latest attempt of a release
        decide when a canary is re-run.
        """
        where: dict[str, object] = {"support": True} if self.hub is None else {"hub": self.hub}
        record: dict[str, object] = {"cluster": self.cluster, **where, "result": self.result}
        if attempt is not None:
            record["attempt"] = attempt
        return record


@dataclass
class DeployReport:
    """Every release's outcome, in the order they were deployed."""

    results: list[ReleaseResult] = field(default_factory=list)

    @property
    def failures(self) -> list[ReleaseResult]:
        """Return the releases that were tried and failed."""
        return [result for result in self.results if not result.ok and not result.skipped]

    @property
    def skipped(self) -> list[ReleaseResult]:
        """Return the prod hubs held back by a failed canary."""
        return [result for result in self.results if result.skipped]


def select_hubs(cluster: Cluster, names: Sequence[str]) -> list[Hub]:
    """Return the named hubs (all when none are named), staging hubs first."""
    if names:
        unknown = [name for name in names if name not in {hub.name for hub in cluster.hubs}]
        if unknown:
            known = ", ".join(hub.name for hub in cluster.hubs)
            msg = f"cluster {cluster.name!r} has no hub {', '.join(unknown)} (its hubs: {known})"
            raise UsageError(msg)
        hubs = [cluster.hub(name) for name in dict.fromkeys(names)]
    else:
        hubs = list(cluster.hubs)
    return sorted(hubs, key=lambda hub: hub.stage is not Stage.STAGING)


def _find_cluster(config: Config, name: str) -> Cluster:
    try:
        return config.cluster(name)
    except KeyError:
        known = ", ".join(cluster.name for cluster in config.clusters)
        msg = f"no cluster {name!r} under {config.root} (clusters: {known})"
        raise UsageError(msg) from None


def _chart(config: Config, chart_id: str) -> Chart:
    try:
        return config.charts[chart_id]
    except KeyError:
        msg = f"chart {chart_id!r} is not pinned: add {config.root / 'charts' / chart_id}.yaml"
        raise UsageError(msg) from None


#: The sections of ``helm --debug`` output that print a release's values or
#: its rendered manifests (which hold them); they run up to ``NOTES:`` or
#: the end of the output.
HELM_VALUE_SECTIONS = ("USER-SUPPLIED VALUES", "COMPUTED VALUES", "HOOKS", "MANIFEST")

_VALUE_SECTIONS = re.compile(
    rf"^(?:{'|'.join(map(re.escape, HELM_VALUE_SECTIONS))}):.*?(?=^NOTES:|\Z)",
    re.MULTILINE | re.DOTALL,
)


def withhold_values(output: str) -> str:
    """Return helm's output with every section that shows values cut out.

    Used for releases given secret files: a secret file's content is never
    shown, in whatever form helm would print it.
    """

    def withheld(match: re.Match[str]) -> str:
        return f"{match.group().partition(':')[0]}: <withheld: the release has secret values>\n"

    return _VALUE_SECTIONS.sub(withheld, output)


def helm_upgrade_command(
    release: str,
    chart: Chart,
    values: Sequence[Path | str],
    *,
    namespace: str,
    timeout: str = DEFAULT_TIMEOUT,
    debug: bool = False,
    context: str | None = None,
) -> list[str]:
    """Return the ``helm upgrade --install`` command line for one release.

    The one place the command is built: ``deployer deploy`` runs it and the
    README of ``deployer export-hub`` shows it, with the same ``--wait
    --timeout``.
    """
    if chart.repository.startswith("oci://"):
        source = [f"{chart.repository.rstrip('/')}/{chart.name}"]
    else:
        source = [chart.name, "--repo", chart.repository]
    args = ["helm", "upgrade", "--install", release, *source, "--version", chart.version]
    args += ["--namespace", namespace, "--create-namespace"]
    for path in values:
        args += ["--values", str(path)]
    args += ["--wait", "--timeout", timeout]
    if context:
        args += ["--kube-context", context]
    if debug:
        args.append("--debug")
    return args


def _release(
    runner: Runner,
    *,
    release: str,
    chart: Chart,
    values_files: Sequence[Path],
    secret_files: Sequence[Path],
    access: KubeAccess,
    debug: bool,
    rollout: bool,
) -> None:
    with decrypted_files(secret_files, runner) as decrypted:
        values = [decrypted.get(path, path) for path in values_files]
        runner.run(
            helm_upgrade_command(
                release,
                chart,
                values,
                namespace=release,
                debug=debug,
                context=access.context,
            ),
            withhold=withhold_values if secret_files else None,
        )
    if rollout:
        args = ["kubectl", "rollout", "status", "deployment/hub", "--namespace", release]
        args += ["--timeout", DEFAULT_TIMEOUT]
        if access.context:
            args += ["--context", access.context]
        runner.run(args)


def _is_secret(path: Path) -> bool:
    return "secret" in path.name


def deploy_hubs(
    config: Config,
    cluster_name: str,
    hub_names: Sequence[str],
    runner: Runner,
    *,
    debug: bool = False,
    on_result: Callable[[ReleaseResult], None] | None = None,
) -> DeployReport:
    """Deploy hubs of one cluster (all when none are named), staging first.

    A hub whose helm or kubectl command fails is recorded as failed and the
    next hub is deployed, with one exception: once a staging hub (a canary)
    has failed, the cluster's prod hubs are not tried and are recorded as
    skipped.  A missing program or failing credentials stop everything
    (nothing could work).  *on_result* is called after each hub.
    """
    cluster = _find_cluster(config, cluster_name)
    hubs = select_hubs(cluster, hub_names)
    charts = {hub.name: _chart(config, hub.chart) for hub in hubs}
    report = DeployReport()
    with private_workdir("deployer-kube-") as workdir:
        access = prepare_credentials(cluster, runner, workdir)
        failed_canaries: list[str] = []
        for hub in hubs:
            if failed_canaries and hub.stage is not Stage.STAGING:
                reason = f"not deployed: staging hub {', '.join(failed_canaries)} failed first"
                logger.warning("hub %s of %s %s", hub.name, cluster.name, reason)
                result = ReleaseResult(cluster.name, hub.name, ok=False, error=reason, skipped=True)
                report.results.append(result)
                if on_result is not None:
                    on_result(result)
                continue
            try:
                _release(
                    runner,
                    release=hub.name,
                    chart=charts[hub.name],
                    values_files=hub.values_files,
                    secret_files=[p for p in hub.values_files if _is_secret(p)],
                    access=access,
                    debug=debug,
                    rollout=True,
                )
            except ExternalProgramError as exc:
                logger.error("hub %s of %s failed: %s", hub.name, cluster.name, exc)  # noqa: TRY400 (the output is in the message)
                result = ReleaseResult(cluster.name, hub.name, ok=False, error=str(exc))
                if hub.stage is Stage.STAGING:
                    failed_canaries.append(hub.name)
            else:
                if runner.dry_run:
                    logger.info("hub %s of %s: dry run, nothing deployed", hub.name, cluster.name)
                else:
                    logger.info("hub %s of %s deployed", hub.name, cluster.name)
                result = ReleaseResult(cluster.name, hub.name, ok=True, dry_run=runner.dry_run)
            report.results.append(result)
            if on_result is not None:
                on_result(result)
    return report


def deploy_support(
    config: Config,
    cluster_name: str,
    runner: Runner,
    *,
    debug: bool = False,
    on_result: Callable[[ReleaseResult], None] | None = None,
) -> DeployReport:
    """Deploy the support release of one cluster (release and namespace ``support``)."""
    cluster = _find_cluster(config, cluster_name)
    if cluster.support is None:
        msg = f"cluster {cluster.name!r} has no support release (no `support:` in cluster.yaml)"
        raise UsageError(msg)
    chart = _chart(config, cluster.support.chart)
    report = DeployReport()
    with private_workdir("deployer-kube-") as workdir:
        access = prepare_credentials(cluster, runner, workdir)
        files = cluster.support.values_files
        try:
            _release(
                runner,
                release=SUPPORT_RELEASE,
                chart=chart,
                values_files=files,
                secret_files=[p for p in files if _is_secret(p)],
                access=access,
                debug=debug,
                rollout=False,
            )
        except ExternalProgramError as exc:
            logger.error("support release of %s failed: %s", cluster.name, exc)  # noqa: TRY400 (the output is in the message)
            result = ReleaseResult(cluster.name, None, ok=False, error=str(exc))
        else:
            result = ReleaseResult(cluster.name, None, ok=True, dry_run=runner.dry_run)
        report.results.append(result)
        if on_result is not None:
            on_result(result)
    return report
