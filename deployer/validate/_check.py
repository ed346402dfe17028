"""Check a whole config root: every file against its schema, plus the rules that span files.

Files are first read without positions (the fast path).  Checks produce
:class:`~deployer.validate._schema.Finding` objects located by JSON path;
only the files that have findings are read a second time, keeping the line
and column of every key, to turn those paths into ``file:line:col``.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from deployer._fs import is_inside
from deployer.config._layout import (
    CLUSTER_FILE,
    display_path,
    escaping_cluster_folder,
    is_missing,
    no_cluster_file,
)
from deployer.config._yaml import (
    JsonPath,
    YamlError,
    YamlFile,
    parse_yaml,
    read_text,
)
from deployer.errors import ConfigError, UsageError
from deployer.schemas import load_schema
from deployer.secrets import SOPS_KEY, unencrypted_values
from deployer.validate._report import Problem, Report, json_path
from deployer.validate._rules import Severity
from deployer.validate._schema import Finding, schema_findings

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["validate_config"]

_YAML_SUFFIXES: Final = frozenset({".yaml", ".yml", ".json"})
#: The top-level keys of the daskhub layout.
_DASKHUB_KEYS: Final = frozenset({"jupyterhub", "dask-gateway"})


@functools.cache
def _jupyterhub_keys() -> frozenset[str]:
    """Return the JupyterHub keys that the daskhub layout nests under ``jupyterhub:``."""
    layout = load_schema("hub").get("$defs", {}).get("jupyterhub", {})
    return frozenset(layout.get("properties", {}))


@dataclasses.dataclass(slots=True)
class _Doc:
    """One file read on the fast path; positions are read only when needed."""

    path: Path
    root: Path
    data: Any = None
    error: YamlError | None = None
    located: YamlFile | None = None

    def position(self, path: JsonPath) -> tuple[int, int]:
        if self.error is not None:
            return (self.error.line, self.error.column)
        if self.located is None:
            try:
                self.located = parse_yaml(self.path, read_text(self.path, inside=self.root))
            except YamlError:  # pragma: no cover - the file changed while being checked
                return (1, 1)
        return self.located.position(path)


@dataclasses.dataclass(slots=True)
class _Hub:
    """What the domain and filter rules need to know about one hub entry."""

    cluster: str
    index: int
    name: str | None
    domain: str | None
    chart: str | None
    files: set[Path]


@dataclasses.dataclass(slots=True)
class _Cluster:
    folder: str
    path: Path
    file: Path
    hubs: list[_Hub] = dataclasses.field(default_factory=list)
    support_files: set[Path] = dataclasses.field(default_factory=set)
    support_chart: str | None = None
    #: Every file cluster.yaml names, and as what (hub, support, kubeconfig).
    referenced: dict[Path, set[str]] = dataclasses.field(default_factory=dict)
    #: Hub values files -> the chart ids of the hubs using them (and those hubs' labels).
    layouts: dict[Path, dict[str, str]] = dataclasses.field(default_factory=dict)
    #: The folder with symlinks resolved, once needed.
    resolved: Path | None = None
    #: Whether cluster.yaml could be read as a mapping (so unreferenced files are known).
    readable: bool = False
    #: Paths in cluster.yaml already reported by the path-escape rule.
    escapes: set[JsonPath] = dataclasses.field(default_factory=set)


def _parse(path: Path, root: Path) -> Any:  # noqa: ANN401 - any document
    """Read *path* (inside *root*) on the fast path; when it fails, parse again to locate it."""
    text = read_text(path, inside=root)
    try:
        return parse_yaml(path, text, positions=False).data
    except YamlError as fast_error:
        try:
            parse_yaml(path, text)
        except YamlError as located:
            raise located from None
        raise fast_error from None  # pragma: no cover - both reads see the same text


def _is_secret(path: Path) -> bool:
    return "secret" in path.name


def _sops_findings(data: Any) -> list[Finding]:  # noqa: ANN401 - any document
    """Check a file that must be sops-encrypted; the findings never quote a value."""
    in_clear = unencrypted_values(data)
    if in_clear is None:
        message = (
            "file is named *secret* but is not sops-encrypted: "
            "encrypt it with `sops --encrypt --in-place <file>` before committing"
        )
        return [Finding((), "unencrypted-secret", message, position=(1, 1))]
    message = (
        "value is not encrypted (edited after encryption?): "
        "edit the file with `sops <file>` so every value is encrypted"
    )
    return [Finding(path, "unencrypted-secret", message) for path in in_clear]


def _sops_block(data: Any) -> bool:  # noqa: ANN401 - any document
    return isinstance(data, dict) and isinstance(data.get(SOPS_KEY), dict)


class _Checker:
    """One validation run: the files read, the findings, the scope to report."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cwd = Path.cwd()
        self.docs: dict[Path, _Doc] = {}
        self.findings: list[tuple[Path, Finding]] = []
        self.checked: set[Path] = set()
        self.charts: dict[str, Path] = {}
        self.clusters: list[_Cluster] = []

    # -- reading ---------------------------------------------------------------------------

    def load(self, path: Path, *, report: bool = True) -> _Doc:
        doc = self.docs.get(path)
        if doc is None:
            doc = _Doc(path, self.root)
            try:
                doc.data = _parse(path, self.root)
            except YamlError as exc:
                doc.error = exc
            self.docs[path] = doc
        if report and path not in self.checked:
            self.checked.add(path)
            if doc.error is not None:
                error = doc.error
                position = (error.line, error.column)
                message = error.secret_safe_message if _is_secret(path) else error.message
                finding = Finding(error.json_path, error.rule, message, position=position)
                self.add(path, finding)
        return doc

    def add(self, path: Path, finding: Finding) -> None:
        self.findings.append((path, finding))

    # -- charts ----------------------------------------------------------------------------

    def find_charts(self) -> None:
        charts_dir = self.root / "charts"
        if not charts_dir.is_dir():
            return
        for entry in sorted(_entries(charts_dir)):
            if entry.suffix in {".yaml", ".yml"} and entry.is_file():
                self.charts[entry.stem] = entry

    def check_chart(self, chart_id: str) -> None:
        path = self.charts[chart_id]
        if path in self.checked:
            return
        doc = self.load(path)
        if doc.error is None:
            for finding in schema_findings("chart", doc.data):
                self.add(path, finding)

    # -- clusters --------------------------------------------------------------------------

    def check_cluster(self, folder: Path, domains: dict[str, list[tuple[_Cluster, _Hub]]]) -> None:
        cluster_file = folder / CLUSTER_FILE
        cluster = _Cluster(folder.name, folder, cluster_file)
        self.clusters.append(cluster)
        if not is_inside(folder, self.root / "clusters"):
            # Nothing in it is read: it could be any folder of the machine.
            self.checked.add(cluster_file)
            message = escaping_cluster_folder(repr(folder.name))
            self.add(cluster_file, Finding((), "path-escape", message, position=(1, 1)))
            return
        if is_missing(cluster_file):
            # Counted as checked: the report names it, so the summary counts it.
            self.checked.add(cluster_file)
            message = no_cluster_file(f"cluster folder {folder.name!r}")
            self.add(cluster_file, Finding((), "missing-file", message, position=(1, 1)))
        else:
            doc = self.load(cluster_file)
            if doc.error is None:
                self.check_cluster_data(cluster, doc.data, domains)
        loaded = len(self.docs)
        self.check_referenced(cluster)
        self.check_folder(cluster)
        # The data of the files just read is not needed any more (positions are read
        # again from the file): drop it, so memory does not grow with the tree.
        for doc in itertools.islice(reversed(self.docs.values()), len(self.docs) - loaded):
            doc.data = None

    def check_cluster_data(
        self,
        cluster: _Cluster,
        data: Any,  # noqa: ANN401 - checked here
        domains: dict[str, list[tuple[_Cluster, _Hub]]],
    ) -> None:
        file = cluster.file
        findings = schema_findings("cluster", data)
        if isinstance(data, dict):
            cluster.readable = True
            name = data.get("name")
            if isinstance(name, str) and name != cluster.folder:
                message = (
                    f"cluster name {name!r} differs from its folder {cluster.folder!r}: "
                    f"set name: {cluster.folder} or rename the folder"
                )
                self.add(file, Finding(("name",), "folder-name", message))
            hubs = data.get("hubs")
            for index, hub in enumerate(hubs if isinstance(hubs, list) else []):
                if isinstance(hub, dict):
                    self.check_hub(cluster, index, hub, domains)
            self.check_hub_names(cluster)
            self.check_support(cluster, data.get("support"))
            kubeconfig = data.get("kubeconfig")
            if isinstance(kubeconfig, dict):
                where = ("kubeconfig", "file")
                target = self.reference(cluster, where, kubeconfig.get("file"))
                if target is not None:
                    cluster.support_files.add(target)
                    cluster.referenced.setdefault(target, set()).add("kubeconfig")
        for finding in findings:
            # A path that leaves the folder is reported once, by the path-escape rule.
            if not (finding.rule == "schema" and finding.path in cluster.escapes):
                self.add(file, finding)

    def check_hub(
        self,
        cluster: _Cluster,
        index: int,
        hub: dict[str, Any],
        domains: dict[str, list[tuple[_Cluster, _Hub]]],
    ) -> None:
        """Check one hub entry: known chart, files; note its domain (names are checked after)."""
        name, domain, chart = (hub.get(k) for k in ("name", "domain", "chart"))
        entry = _Hub(
            cluster.folder,
            index,
            name if isinstance(name, str) else None,
            domain if isinstance(domain, str) else None,
            chart if isinstance(chart, str) else None,
            set(),
        )
        cluster.hubs.append(entry)
        if entry.domain is not None:
            domains.setdefault(entry.domain, []).append((cluster, entry))
        label = _hub_label(entry)
        self.check_chart_ref(cluster.file, ("hubs", index, "chart"), entry.chart, label)
        files = hub.get("values_files")
        for position, value in enumerate(files if isinstance(files, list) else []):
            target = self.reference(cluster, ("hubs", index, "values_files", position), value)
            if target is not None:
                entry.files.add(target)
                cluster.referenced.setdefault(target, set()).add("hub")
                if entry.chart is not None:
                    cluster.layouts.setdefault(target, {})[entry.chart] = label

    def check_hub_names(self, cluster: _Cluster) -> None:
        """Flag every hub whose name another hub of the cluster has, naming where the others are."""
        by_name: dict[str, list[_Hub]] = {}
        for hub in cluster.hubs:
            if hub.name:
                by_name.setdefault(hub.name, []).append(hub)
        for name, hubs in by_name.items():
            for hub in hubs if len(hubs) > 1 else []:
                others = _some(
                    (
                        f"hub #{other.index + 1} "
                        f"({self.place(cluster.file, ('hubs', other.index, 'name'))})"
                        for other in hubs
                        if other is not hub
                    ),
                    len(hubs) - 1,
                )
                message = (
                    f"hub name {name!r} is also used by {others}: hub names are "
                    "namespaces and must be unique in a cluster"
                )
                where_name = ("hubs", hub.index, "name")
                self.add(cluster.file, Finding(where_name, "duplicate-hub", message))

    def place(self, file: Path, path: JsonPath) -> str:
        """Spell where *path* of *file* is as ``file:line``, for messages that point elsewhere."""
        doc = self.docs.get(file)
        line = doc.position(path)[0] if doc is not None else 1
        return f"{display_path(file, self.cwd)}:{line}"

    def check_support(self, cluster: _Cluster, support: object) -> None:
        """Check the support release: known chart, files."""
        if not isinstance(support, dict):
            return
        chart = support.get("chart")
        cluster.support_chart = chart if isinstance(chart, str) else None
        self.check_chart_ref(cluster.file, ("support", "chart"), cluster.support_chart, "support")
        files = support.get("values_files")
        for position, value in enumerate(files if isinstance(files, list) else []):
            target = self.reference(cluster, ("support", "values_files", position), value)
            if target is not None:
                cluster.support_files.add(target)
                cluster.referenced.setdefault(target, set()).add("support")

    def check_chart_ref(self, file: Path, where: JsonPath, chart: str | None, label: str) -> None:
        if chart is None:
            return
        if chart in self.charts:
            self.check_chart(chart)
            return
        known = ", ".join(sorted(self.charts)) or "none"
        charts_dir = display_path(self.root / "charts", self.cwd)
        message = (
            f"{label} uses chart {chart!r} but there is no {charts_dir}/{chart}.yaml "
            f"(known charts: {known})"
        )
        self.add(file, Finding(where, "unknown-chart", message))

    def reference(
        self,
        cluster: _Cluster,
        where: JsonPath,
        value: object,
    ) -> Path | None:
        """Check one path written in cluster.yaml; return the file when it can be read."""
        if not isinstance(value, str) or not value:
            return None
        file = cluster.file
        posix = PurePosixPath(value)
        if posix.is_absolute() or value.startswith("~") or ".." in posix.parts:
            cluster.escapes.add(where)
            message = (
                f"{value!r} leaves the cluster folder: write a path relative to "
                f"{cluster.folder}/ that stays inside it"
            )
            self.add(file, Finding(where, "path-escape", message))
            return None
        target = cluster.path / value
        folder = display_path(cluster.path, self.cwd)
        try:
            inside = self.stays_inside(cluster, posix)
            exists, is_file = target.exists(), target.is_file()
        except OSError as exc:  # a name too long for the file system, a loop of symlinks...
            message = f"{value!r} cannot be looked up in {folder}/ ({exc.strerror}): fix the name"
            self.add(file, Finding(where, "missing-file", message))
            return None
        if not inside:
            cluster.escapes.add(where)
            message = (
                f"{value!r} is a symlink to a file outside the cluster folder: "
                "keep the file itself in the folder"
            )
            self.add(file, Finding(where, "path-escape", message))
            return None
        if not is_file:
            message = (
                f"{value!r} in {folder}/ is not a file (a folder?): name a file"
                if exists
                else f"{value!r} does not exist in {folder}/: create it or fix the name"
            )
            self.add(file, Finding(where, "missing-file", message))
            return None
        return Path(os.path.normpath(target))

    def stays_inside(self, cluster: _Cluster, relative: PurePosixPath) -> bool:
        """Whether a relative path without ``..`` stays in the folder, symlinks followed.

        Only a symlink can lead out, so the path is resolved only when one of
        its parts is a symlink.
        """
        current = cluster.path
        for part in relative.parts:
            current /= part
            if current.is_symlink():
                break
        else:
            return True
        if cluster.resolved is None:
            cluster.resolved = cluster.path.resolve()
        try:
            return (cluster.path / relative).resolve().is_relative_to(cluster.resolved)
        except (OSError, RuntimeError):
            return False

    def check_referenced(self, cluster: _Cluster) -> None:
        """Read every file cluster.yaml names and check it for what it is used as."""
        for path in sorted(cluster.referenced):
            kinds = cluster.referenced[path]
            doc = self.load(path)
            if doc.error is not None:
                continue
            if _is_secret(path):
                for finding in _sops_findings(doc.data):
                    self.add(path, finding)
            else:
                self.check_misnamed(path, doc.data)
                if "hub" in kinds and not _sops_block(doc.data):
                    for finding in schema_findings("hub", doc.data):
                        self.add(path, finding)
            # sops leaves keys in clear, so encrypted files are checked for their layout too.
            for chart, label in cluster.layouts.get(path, {}).items():
                self.check_layout(path, doc.data, chart, label)

    def check_misnamed(self, path: Path, data: Any) -> None:  # noqa: ANN401 - any document
        if _sops_block(data):
            message = (
                "file is sops-encrypted but its name has no 'secret', so it would be "
                "deployed encrypted: rename it, e.g. enc-<hub>.secret.values.yaml"
            )
            self.add(path, Finding((SOPS_KEY,), "misnamed-encrypted", message))

    def check_layout(self, path: Path, data: Any, chart: str, label: str) -> None:  # noqa: ANN401
        """Check that the top-level keys of a hub values file follow the layout of the hub's chart.

        Only keys are read (never values), so sops-encrypted files are
        checked too, their ``sops`` block aside.
        """
        if not isinstance(data, dict) or chart not in self.charts:
            return
        pin = self.load(self.charts[chart]).data
        chart_name = pin.get("name") if isinstance(pin, dict) else None
        shown = repr(chart) if chart_name == chart else f"{chart!r} ({chart_name})"
        keys = [key for key in data if key != SOPS_KEY]
        how = "; edit the file with `sops <file>`" if _sops_block(data) else ""
        if chart_name == "daskhub":
            for key in keys:
                if key in _jupyterhub_keys():
                    message = (
                        f"{label} uses chart {shown}: move {key!r} under "
                        f"jupyterhub: (the daskhub layout){how}"
                    )
                    self.add(path, Finding((key,), "chart-layout", message))
        elif chart_name == "jupyterhub":
            for key in keys:
                if key in _DASKHUB_KEYS:
                    message = (
                        f"{label} uses chart {shown}, which has no {key!r}: "
                        f"put the JupyterHub values at the top level, or use a daskhub chart{how}"
                    )
                    self.add(path, Finding((key,), "chart-layout", message))

    def check_folder(self, cluster: _Cluster) -> None:
        """Check the files cluster.yaml does not name: secrets and unreferenced files."""
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(cluster.path):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            found.extend(Path(dirpath) / f for f in filenames if not f.startswith("."))
        for path in sorted(found):
            if path == cluster.file or path in cluster.referenced:
                continue
            if _is_secret(path):
                doc = self.load(path)
                if doc.error is None:
                    for finding in _sops_findings(doc.data):
                        self.add(path, finding)
            elif path.suffix in _YAML_SUFFIXES:
                doc = self.load(path)
                if doc.error is None:
                    self.check_misnamed(path, doc.data)
            else:
                self.checked.add(path)
            if cluster.readable:
                message = (
                    "file is not used by cluster.yaml: list it in a hub's or the "
                    "support release's values_files, or delete it"
                )
                warning = Finding(
                    (), "unreferenced-file", message, Severity.WARNING, position=(1, 1)
                )
                self.add(path, warning)

    # -- cross-cluster -----------------------------------------------------------------------

    def gather_domains(self, folder: Path, domains: dict[str, list[tuple[_Cluster, _Hub]]]) -> None:
        """Only note the domains of a cluster outside the scope of this run."""
        cluster = _Cluster(folder.name, folder, folder / CLUSTER_FILE)
        if not is_inside(folder, self.root / "clusters") or not cluster.file.is_file():
            return
        data = self.load(cluster.file, report=False).data
        hubs = data.get("hubs") if isinstance(data, dict) else None
        for index, hub in enumerate(hubs if isinstance(hubs, list) else []):
            domain = hub.get("domain") if isinstance(hub, dict) else None
            if isinstance(domain, str):
                name = hub.get("name")
                entry = _Hub(
                    folder.name, index, name if isinstance(name, str) else None, domain, None, set()
                )
                domains.setdefault(domain, []).append((cluster, entry))

    def check_domains(self, domains: dict[str, list[tuple[_Cluster, _Hub]]]) -> None:
        """Flag every use of a domain used more than once, each naming where the others are.

        Every use is flagged, whichever cluster is validated, so the hub just
        added or changed is always among the lines shown.
        """
        for domain, uses in domains.items():
            for cluster, hub in uses if len(uses) > 1 else []:
                others = _some(
                    (
                        f"{_hub_label(other)}"
                        + (
                            f" of cluster {owner.folder!r}"
                            if owner.folder != cluster.folder
                            else ""
                        )
                        + f" ({self.place(owner.file, ('hubs', other.index, 'domain'))})"
                        for owner, other in uses
                        if other is not hub
                    ),
                    len(uses) - 1,
                )
                message = f"domain {domain!r} is also used by {others}: every hub needs its own"
                where = ("hubs", hub.index, "domain")
                self.add(cluster.file, Finding(where, "duplicate-domain", message))

    # -- report ----------------------------------------------------------------------------

    def problems(self, keep: set[Path] | None = None) -> list[Problem]:
        problems: list[Problem] = []
        for path, finding in self.findings:
            if keep is not None and path not in keep:
                continue
            if finding.position is not None:
                line, column = finding.position
            else:
                doc = self.docs.get(path)
                line, column = doc.position(finding.path) if doc is not None else (1, 1)
            problems.append(
                Problem(
                    display_path(path, self.cwd),
                    line,
                    column,
                    json_path(finding.path),
                    finding.message,
                    finding.severity,
                    finding.rule,
                    finding.details,
                )
            )
        return problems


def _hub_label(hub: _Hub) -> str:
    return f"hub {hub.name!r}" if hub.name else f"hub #{hub.index + 1}"


def _and(items: Iterable[str]) -> str:
    """Join *items* as prose: ``a``, ``a and b``, ``a, b and c``."""
    words = list(items)
    return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)


#: Most other places a message names; the rest are counted (a name used by thousands of
#: hubs would otherwise give thousands of messages, each naming thousands of places).
MAX_NAMED: Final = 3


def _some(items: Iterable[str], total: int) -> str:
    """Join the first of *total* *items* as prose, counting the ones not named."""
    named = list(itertools.islice(items, MAX_NAMED))
    if total > len(named):
        return ", ".join(named) + f" and {total - len(named):,} more"
    return _and(named)


def _cluster_folders(root: Path) -> list[Path]:
    clusters_dir = root / "clusters"
    if not clusters_dir.is_dir():
        message = (
            f"{display_path(clusters_dir)} is not a folder: point --config-dir at the folder "
            "holding clusters/ and charts/"
        )
        raise UsageError(message)
    return sorted(p for p in _entries(clusters_dir) if p.is_dir() and not p.name.startswith("."))


def _entries(folder: Path) -> list[Path]:
    """List *folder*; one that cannot be listed is a ConfigError, not a traceback."""
    try:
        return list(folder.iterdir())
    except OSError as exc:
        message = f"{display_path(folder)}: cannot list the folder: {exc.strerror}"
        raise ConfigError(message) from None


def validate_config(root: Path | str, cluster: str | None = None, hub: str | None = None) -> Report:
    """Check every file under the config *root* and every rule that spans files.

    With *cluster* (and *hub*), only the problems of that cluster (and of that
    hub's files and entry in cluster.yaml) are reported; domains are still
    compared with every other cluster.  Raises
    :class:`~deployer.errors.UsageError` for an unknown cluster or hub (the
    message lists the known names) or a root without ``clusters/``.
    """
    root = Path(root)
    folders = _cluster_folders(root)
    if cluster is not None and cluster not in {f.name for f in folders}:
        known = ", ".join(f.name for f in folders) or "none"
        message = f"no cluster {cluster!r} in {root / 'clusters'} (known clusters: {known})"
        raise UsageError(message)
    checker = _Checker(root)
    checker.find_charts()
    domains: dict[str, list[tuple[_Cluster, _Hub]]] = {}
    for folder in folders:
        if cluster is None or folder.name == cluster:
            checker.check_cluster(folder, domains)
        else:
            checker.gather_domains(folder, domains)
    if cluster is None:
        for chart_id in sorted(checker.charts):
            checker.check_chart(chart_id)
    checker.check_domains(domains)
    if cluster is None:
        hubs = sum(len(c.hubs) for c in checker.clusters)
        return Report.build(
            checker.problems(),
            files=len(checker.checked),
            clusters=len(folders),
            hubs=hubs,
        )
    return _scoped_report(checker, cluster, hub)


def _scoped_report(checker: _Checker, cluster_name: str, hub_name: str | None) -> Report:
    """Report on one cluster, or on one hub of it."""
    cluster = next(c for c in checker.clusters if c.folder == cluster_name)
    hubs = cluster.hubs
    if hub_name is not None:
        hubs = [h for h in cluster.hubs if h.name == hub_name]
        # Without a readable cluster.yaml there are no hubs to know: its problems are the report.
        if not hubs and cluster.readable:
            known = ", ".join(h.name for h in cluster.hubs if h.name) or "none"
            message = f"no hub {hub_name!r} in cluster {cluster_name!r} (known hubs: {known})"
            raise UsageError(message)
    keep: set[Path] = {cluster.file}
    charts = {h.chart for h in hubs}
    for entry in hubs:
        keep |= entry.files
    if hub_name is None:
        seen = checker.checked | {p for p, _ in checker.findings}
        keep |= {p for p in seen if cluster.path in p.parents}
        charts.add(cluster.support_chart)
    keep |= {checker.charts[c] for c in charts if c in checker.charts}
    indexes = {h.index for h in hubs}
    problems = [
        p
        for p, (path, finding) in zip(checker.problems(keep), _kept(checker, keep), strict=True)
        if hub_name is None
        or path != cluster.file
        or not (len(finding.path) >= 2 and finding.path[0] == "hubs")  # noqa: PLR2004 - ("hubs", i)
        or finding.path[1] in indexes
    ]
    checked = {p for p in checker.checked if p in keep}
    return Report.build(problems, files=len(checked), clusters=1, hubs=len(hubs))


def _kept(checker: _Checker, keep: set[Path]) -> list[tuple[Path, Finding]]:
    return [(path, finding) for path, finding in checker.findings if path in keep]
