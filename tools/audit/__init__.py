"""The Diátaxis audit: which kind of page each page is, and what the docs are missing.

Public API:

* :func:`audit_paths` audits pages and folders and returns an
  :class:`AuditResult` (used by ``python -m tools.audit``, the Sphinx extension
  :mod:`tools.audit.sphinxext` and the benchmark);
* :class:`AuditOptions` holds what the command line or ``conf.py`` chose;
* :class:`PageResult`, :class:`Gap`, :class:`Finding` and :class:`Verdict`
  are what the result is made of; :data:`THRESHOLDS` the numbers behind the
  verdicts.

Each page is read once (:mod:`tools.audit._reader`), its declared category
comes from its folder or front matter, the classifier predicts its category
and that of its top-level sections, and the verdict compares the two.  Gaps
are computed over the whole tree the pages belong to.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import posixpath
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from tools.audit._declared import CATEGORIES, CATEGORY_FOLDERS, Declared, declared_category
from tools.audit._discover import PAGE_FORMATS, Source, Tree, changed_files, discover, find_tree
from tools.audit._errors import AuditError, AuditUsageError, ReadError
from tools.audit._gaps import (
    GAP_KINDS,
    GAP_MEANINGS,
    CliCommand,
    Gap,
    SchemaProperty,
    TreePage,
    cli_commands,
    find_gaps,
    schema_properties,
)
from tools.audit._verdict import (
    FAILABLE,
    THRESHOLDS,
    VERDICT_MEANINGS,
    Finding,
    SectionResult,
    Thresholds,
    Verdict,
    judge,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

    from tools.audit._reader import Block, Page

__all__ = [
    "CATEGORIES",
    "FAILABLE",
    "GAP_KINDS",
    "GAP_MEANINGS",
    "THRESHOLDS",
    "VERDICT_MEANINGS",
    "AuditError",
    "AuditOptions",
    "AuditResult",
    "AuditUsageError",
    "Finding",
    "Gap",
    "PageResult",
    "ReadError",
    "SectionResult",
    "Thresholds",
    "Verdict",
    "audit_paths",
]

#: The schema folder and command line looked for when they are not given:
#: used only when the tree lies inside a checkout that has them.
AUTO_SCHEMA_DIR = PurePosixPath("deployer/schemas")
AUTO_CLI = "deployer.cli:cli"


@dataclass(frozen=True, slots=True)
class AuditOptions:
    """What to audit and how.

    *schema_dirs* and *cli* name the sources of the schema-property and
    command gaps: ``True`` looks for ``deployer/schemas`` and
    ``deployer.cli:cli`` in the checkout holding the tree, ``False`` turns the
    check off, a list of folders / a ``module:attribute`` names them.
    """

    #: Audit only pages changed since this git ref (gaps still cover every page).
    changed_from: str | None = None
    schema_dirs: Sequence[Path] | bool = True
    cli: str | bool = True
    #: Compute gaps at all.
    gaps: bool = True
    #: Glob patterns (relative to a tree's root, like ``reference/generated/docs-health.md``)
    #: of pages to leave out entirely.
    exclude: tuple[str, ...] = ()
    thresholds: Thresholds = THRESHOLDS
    #: Largest page read, in bytes; larger files are reported ``unreadable``.
    max_bytes: int = 5_000_000
    #: Folder paths in messages are shown relative to this folder (default: the current one).
    relative_to: Path | None = None


@dataclass(frozen=True, slots=True)
class PageResult:
    """Everything the audit says about one page."""

    path: str  #: as reports show it (relative to the current folder when below it)
    source: Path  #: absolute path
    docname: str  #: path relative to its tree's root, without suffix
    fmt: str
    title: str
    declared: str | None
    declared_source: str  #: ``folder``, ``front matter`` or ""
    landing: bool
    predicted: str | None  #: ``None`` for unreadable pages
    confidence: float
    scores: Mapping[str, float]
    axes: tuple[float, float]
    reasons: tuple[str, ...]
    sections: tuple[SectionResult, ...]
    verdict: Verdict
    findings: tuple[Finding, ...]
    accepted: Verdict | None = None  #: the verdict the front matter's reason accepted
    reason: str | None = None  #: the front matter's reason
    notes: tuple[tuple[int, str], ...] = ()  #: (line, message): reader and front-matter problems


@dataclass(frozen=True, slots=True)
class AuditResult:
    """The pages audited, the gaps of their trees, and how long it took."""

    pages: tuple[PageResult, ...]
    gaps: tuple[Gap, ...]
    duration: float
    trees: tuple[Tree, ...] = field(default=())

    def found(self, verdicts: Iterable[Verdict]) -> list[PageResult]:
        """Return the pages whose verdict is one of *verdicts*."""
        wanted = set(verdicts)
        return [p for p in self.pages if p.verdict in wanted]

    def summary(self) -> dict[str, Any]:
        """Return the counts per verdict, declared and predicted category and gap kind."""
        verdicts = Counter(p.verdict.value for p in self.pages)
        declared = Counter(p.declared or "none" for p in self.pages)
        predicted = Counter(p.predicted or "none" for p in self.pages)
        gaps = Counter(g.kind for g in self.gaps)
        return {
            "pages": len(self.pages),
            "verdicts": {v.value: verdicts.get(v.value, 0) for v in Verdict},
            "accepted": sum(1 for p in self.pages if p.accepted is not None),
            "declared": {c: declared.get(c, 0) for c in (*CATEGORIES, "none")},
            "predicted": {c: predicted.get(c, 0) for c in (*CATEGORIES, "none")},
            "gaps": {k: gaps.get(k, 0) for k in GAP_KINDS},
            "duration": round(self.duration, 3),
        }


# --------------------------------------------------------------------------- helpers


def _display(path: Path, base: Path) -> str:
    text, prefix = str(path), str(base).rstrip("/") + "/"
    if text.startswith(prefix):
        return text[len(prefix) :]
    return "." if text == prefix[:-1] else text


def _folder_prefix(folder: Path, base: Path) -> str:
    shown = _display(folder, base)
    return "" if shown in {"", "."} else shown.rstrip("/") + "/"


class _Folders:
    """Where pages of each category go, as messages show it (``docs/explanation/``).

    For a page, the category folder nearest to it: a sibling of its own
    category folder first (``multipass/how-to/`` → ``multipass/reference/``),
    then one beside any folder above it, else the usual name at the tree's root.
    """

    def __init__(self, tree: Tree, declared: Iterable[Declared], base: Path) -> None:
        self._by_parent: dict[tuple[str, str], str] = {}
        self._memo: dict[tuple[str, str], dict[str, str]] = {}
        self._shown: dict[Declared, Declared] = {}
        for d in declared:
            if d.category and d.source == "folder" and d.folder:
                parent = posixpath.dirname(d.folder)
                self._by_parent.setdefault((parent, d.category), d.folder)
        self._category_base = tree.category_base
        self._base = base
        self._root_prefix = _folder_prefix(tree.root, base)

    def for_page(self, rel: PurePosixPath, declared: Declared) -> dict[str, str]:
        """Return category → folder for the page at *rel* (relative to the tree)."""
        start = posixpath.dirname(declared.folder) if declared.folder else str(rel.parent)
        memo = self._memo.get((start, declared.folder))
        if memo is not None:  # pages of one folder share their answer
            return dict(memo)
        ancestors = [start]
        while ancestors[-1] not in {"", "."}:
            ancestors.append(posixpath.dirname(ancestors[-1]))
        found: dict[str, str] = {}
        for category in CATEGORIES:
            folder = next(
                (
                    self._by_parent[(a if a != "." else "", category)]
                    for a in ancestors
                    if (a if a != "." else "", category) in self._by_parent
                ),
                None,
            )
            if folder:
                found[category] = self._show(folder) + "/"
            elif declared.folder:  # beside the page's own category folder
                found[category] = (
                    self._show(posixpath.join(start, CATEGORY_FOLDERS[category])) + "/"
                )
            else:
                found[category] = f"{self._root_prefix}{CATEGORY_FOLDERS[category]}/"
        self._memo[start, declared.folder] = dict(found)
        return found

    def shown(self, declared: Declared) -> Declared:
        """Return *declared* with its folder as messages show it (relative to the current one)."""
        if not declared.folder:
            return declared
        done = self._shown.get(declared)
        if done is None:  # pages of one folder, declared alike, share their answer
            done = self._shown[declared] = dataclasses.replace(
                declared, folder=self._show(declared.folder)
            )
        return done

    def _show(self, folder: str) -> str:
        return _display(self._category_base / folder, self._base)

    def root(self) -> dict[str, str]:
        """Return category → folder at the tree's root."""
        return self.for_page(PurePosixPath("x.md"), Declared(None, ""))


_WARNING_LINE = re.compile(r"^line (\d+):\s*")


def _notes(page: Page, declared: Declared) -> tuple[tuple[int, str], ...]:
    notes: list[tuple[int, str]] = []
    if page.front_matter_error:
        notes.append((1, f"front matter ignored: {page.front_matter_error}"))
    if declared.problem:
        notes.append((1, declared.problem))
    for warning in page.warnings:
        match = _WARNING_LINE.match(warning)
        line = int(match.group(1)) if match else 1
        notes.append((line, warning[match.end() :] if match else warning))
    return tuple(notes)


def _words(runs: Iterable[tuple[Block, ...]]) -> int:
    """Count the words (runs of characters between white space) of the blocks of *runs*."""
    text = " ".join([b.text for run in runs for b in run if b.kind != "blank"])
    if not text.isascii():
        return len(text.split())
    # as many words as places where a character follows white space (or starts the text)
    marks = text.encode("ascii").translate(_SPACE_OR_NOT)
    return marks.count(b" x") + marks.startswith(b"x")


#: ASCII white space (as ``str.split`` sees it) becomes a space, any other byte an ``x``.
_SPACE_OR_NOT = bytes(32 if chr(c).isspace() else 120 for c in range(256))


def _top_sections(page: Page) -> list[tuple[str, int, list[tuple[Block, ...]]]]:
    """Return the page's top-level sections (below its title) with the runs of blocks inside.

    Each runs list holds the ``Section.blocks`` of the section and of the sections inside it.
    """
    sections = [s for s in page.sections if s.level > 0]
    if len(sections) < 2:  # noqa: PLR2004 - a title and at least one section below it
        return []
    title_level = sections[0].level
    below = [s for s in sections[1:] if s.level > title_level]
    if not below:
        return []
    top = min(s.level for s in below)
    spans: list[tuple[str, int, list[tuple[Block, ...]]]] = []
    for section in below:
        if section.level == top:
            spans.append((section.title, section.line, [section.blocks]))
        elif spans:
            spans[-1][2].append(section.blocks)
    return spans


@dataclass(slots=True)
class _Classifier:
    """The classifier's two functions, imported on first use."""

    page: Callable[[Page], Any]
    runs: Callable[..., Any]

    @classmethod
    def load(cls) -> _Classifier:
        from tools.audit import _classify  # noqa: PLC0415 - imported lazily (Sphinx, tests)

        try:
            _classify.load_model()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            msg = f"the classifier's weights cannot be loaded ({exc}); reinstall the project"
            raise AuditError(msg) from exc
        return cls(_classify.classify_page, _classify.classify_runs)


def _page_result(  # noqa: PLR0917 - the parts of one page's result, all private
    source: Source,
    display: str,
    page: Page,
    declared: Declared,
    classifier: _Classifier,
    folders: Mapping[str, str],
    thresholds: Thresholds,
) -> PageResult:
    classification = classifier.page(page)
    spans = _top_sections(page)
    judgement = judge(declared, classification, (), folders, thresholds)
    # Sections are classified only where they can change the verdict: on a page
    # that is otherwise ok, declared, not a landing page, with two or more of them
    # (a lone section is most of the page, which was just judged as a whole).
    judged = (
        judgement.verdict is Verdict.OK
        and declared.category is not None
        and not declared.landing
        and len(spans) > 1
    )
    sections: list[SectionResult] = []
    for title, line, runs in spans:
        words = _words(runs)
        if judged and words >= thresholds.section_min_words:
            reading = classifier.runs(runs, title, reasons=False)
            sections.append(
                SectionResult(title, line, words, reading.predicted, reading.confidence),
            )
        else:
            sections.append(SectionResult(title, line, words))
    if judged:
        judgement = judge(declared, classification, sections, folders, thresholds)
    return PageResult(
        path=display,
        source=source.path,
        docname=source.docname,
        fmt=source.fmt,
        title=page.title,
        declared=declared.category,
        declared_source=declared.source,
        landing=declared.landing,
        predicted=classification.predicted,
        confidence=classification.confidence,
        scores=dict(classification.scores),
        axes=(float(classification.axes[0]), float(classification.axes[1])),
        reasons=tuple(classification.reasons),
        sections=tuple(sections),
        verdict=judgement.verdict,
        findings=judgement.findings,
        accepted=judgement.accepted,
        reason=judgement.reason,
        notes=_notes(page, declared),
    )


def _unreadable(source: Source, display: str, declared: Declared, error: ReadError) -> PageResult:
    line = error.line or 1
    return PageResult(
        path=display,
        source=source.path,
        docname=source.docname,
        fmt=source.fmt,
        title="",
        declared=declared.category,
        declared_source=declared.source,
        landing=declared.landing,
        predicted=None,
        confidence=0.0,
        scores={},
        axes=(0.0, 0.0),
        reasons=(),
        sections=(),
        verdict=Verdict.UNREADABLE,
        findings=(Finding(Verdict.UNREADABLE, line, error.message),),
    )


def _coverage_sources(
    tree: Tree, options: AuditOptions
) -> tuple[list[SchemaProperty], list[CliCommand]]:
    checkout = next(
        (d for d in (tree.root, *tree.root.parents) if (d / AUTO_SCHEMA_DIR).is_dir()), None
    )
    if options.schema_dirs is True:
        dirs = [checkout / AUTO_SCHEMA_DIR] if checkout else []
    elif options.schema_dirs is False:
        dirs = []
    else:
        dirs = list(options.schema_dirs)
    if options.cli is True:
        spec = AUTO_CLI if checkout else None
    elif options.cli is False:
        spec = None
    else:
        spec = options.cli
    return schema_properties(dirs), cli_commands(spec) if spec else []


def _selector(paths: Sequence[Path]) -> Callable[[Path], bool]:
    files = {p for p in paths if not p.is_dir()}
    dirs = tuple(p for p in paths if p.is_dir())

    prefixes = tuple(str(d).rstrip("/") + "/" for d in dirs)

    def selected(path: Path) -> bool:
        return path in files or str(path).startswith(prefixes)

    return selected


def _merge_nested(trees: dict[Path, Tree], chosen: dict[Path, list[Path]]) -> None:
    """Fold a tree lying inside another given tree into it, so no page is audited twice."""
    for root in sorted(trees, key=lambda r: len(r.parts)):
        outer = next(
            (
                other
                for other in trees
                if other != root and not trees[other].only and root.is_relative_to(other)
            ),
            None,
        )
        if outer is not None:
            chosen[outer].extend(chosen.pop(root))
            del trees[root]


# --------------------------------------------------------------------------- the audit


def _category_path(source: Source, tree: Tree) -> PurePosixPath:
    """Return the page's path below the folder its category folders are looked for in."""
    if tree.category_base == tree.root:
        return source.rel
    return PurePosixPath(_display(source.path, tree.category_base))


def _audit_tree(  # noqa: C901, PLR0917 - the steps for one tree, all private
    tree: Tree,
    chosen: list[Path],
    changed: set[Path] | None,
    options: AuditOptions,
    classifier: _Classifier,
    base: Path,
) -> tuple[list[PageResult], list[Gap]]:
    """Audit the chosen pages of one *tree* and find the tree's gaps."""
    root = tree.root
    results: list[PageResult] = []
    gaps: list[Gap] = []
    sources = discover(tree)
    known = {s.path for s in sources}
    for extra in chosen:
        if extra.is_file() and extra not in known and extra.is_relative_to(root):
            rel = PurePosixPath(extra.relative_to(root).as_posix())
            sources.append(Source(extra, rel, PAGE_FORMATS[extra.suffix]))
    if options.exclude:
        sources = [s for s in sources if not any(s.rel.match(p) for p in options.exclude)]
    selected = _selector(chosen)
    inside = _repository(root)
    read: list[tuple[Source, Page | ReadError, Declared, PurePosixPath]] = []
    for source in sources:
        wanted_page = selected(source.path) and (changed is None or source.path in changed)
        if not (options.gaps or wanted_page):
            continue  # without gaps, pages not audited need not be read
        try:
            page: Page | ReadError = _read(source.path, options.max_bytes, inside)
        except ReadError as error:
            page = error
        front = page.front_matter if not isinstance(page, ReadError) else {}
        where = _category_path(source, tree)
        read.append((source, page, declared_category(where, front), where))
    folders = _Folders(tree, (d for _, _, d, _ in read), base)
    for source, page, declared, where in read:
        if not selected(source.path) or (changed is not None and source.path not in changed):
            continue
        display = _display(source.path, base)
        if isinstance(page, ReadError):
            results.append(_unreadable(source, display, declared, page))
            continue
        try:
            result = _page_result(
                source,
                display,
                page,
                folders.shown(declared),
                classifier,
                folders.for_page(where, declared),
                options.thresholds,
            )
        except (ArithmeticError, LookupError, RecursionError, TypeError, ValueError) as exc:
            # A page must never stop the audit: report it like an unreadable one.
            message = (
                f"could not be classified ({type(exc).__name__}: {exc}); "
                "this is a bug in the audit, please report it with the page"
            )
            result = _unreadable(source, display, declared, ReadError(source.path, message))
        results.append(result)
    if options.gaps:
        properties, commands = _coverage_sources(tree, options)
        tree_pages = [
            TreePage(
                s.docname,
                _display(s.path, base),
                d,
                None if isinstance(p, ReadError) else p,
            )
            for s, p, d, _ in read
        ]
        gaps.extend(
            find_gaps(
                tree,
                tree_pages,
                properties=properties,
                commands=commands,
                folders=folders.root(),
            ),
        )
    return results, gaps


def audit_paths(
    paths: Sequence[Path | str],
    *,
    options: AuditOptions | None = None,
) -> AuditResult:
    """Audit the pages at *paths* (pages or folders) and the gaps of the trees they are in.

    Raises :class:`AuditUsageError` for a path that does not exist or is not a
    page, or a ``changed_from`` git cannot resolve.  Every page problem
    (unreadable, broken front matter, unclosed fences) is reported in the
    result, never raised.
    """
    options = options or AuditOptions()
    started = time.perf_counter()
    base = (options.relative_to or Path.cwd()).absolute()
    wanted = [Path(p).absolute() for p in paths]
    trees: dict[Path, Tree] = {}
    chosen: dict[Path, list[Path]] = {}
    for path in wanted:
        tree = find_tree(path)
        if path.is_file() and path.suffix not in PAGE_FORMATS:
            msg = f"{path}: not a page (the audit reads .md, .rst and .txt files)"
            raise AuditUsageError(msg)
        trees.setdefault(tree.root, tree)
        chosen.setdefault(tree.root, []).append(path)
    _merge_nested(trees, chosen)
    changed: set[Path] | None = None
    if options.changed_from:
        changed = set()
        for root in trees:
            changed |= changed_files(options.changed_from, root)
    classifier = _Classifier.load()
    results: list[PageResult] = []
    gaps: list[Gap] = []
    with _no_collections():
        for root, tree in trees.items():
            tree_results, tree_gaps = _audit_tree(
                tree, chosen[root], changed, options, classifier, base
            )
            results.extend(tree_results)
            gaps.extend(tree_gaps)
    return AuditResult(
        tuple(results), tuple(gaps), time.perf_counter() - started, tuple(trees.values())
    )


@contextlib.contextmanager
def _no_collections() -> Iterator[None]:
    """Pause the cyclic garbage collector for a while (reference counting still frees).

    An audit allocates many small objects, hardly any of them in cycles, and keeps
    a result per page: the collector would run every few blocks and scan them all
    again and again (5-10% of an audit).  What cycles there are wait for the next
    collection after the audit.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                # What the audit made and kept goes to the oldest generation at once (moving
                # it there costs nothing): the young one would otherwise be scanned in full.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _repository(root: Path) -> Path:
    """Return the repository holding the tree at *root* (the tree itself outside git).

    Pages are read only from inside it: a page may be a symlink to a file
    elsewhere in the repository (a README included in the docs), never to one
    outside.
    """
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return folder
    return root


def _read(path: Path, max_bytes: int, inside: Path) -> Page:
    from tools.audit._reader import read_file  # noqa: PLC0415 - keeps `import tools.audit` light

    try:
        return read_file(path, max_bytes=max_bytes, inside=inside)
    except ReadError:
        raise
    except (OSError, ValueError, RecursionError) as exc:
        raise ReadError(path, f"cannot be read ({exc})") from exc
