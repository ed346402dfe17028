"""Runnable docs: run the console steps of MyST pages for real and check what they print.

Every ```` ```console ```` block (and ```` ```{code-block} console ````) of a
page is a *step*.  Each line starting with ``$ `` is a command; the lines
after it, up to the next ``$ `` line, are the output the page shows.  The
steps of one page run in order, in one ``bash`` process (so ``cd``,
``export``, variables, ``>`` and pipes behave as in the reader's shell), in
a fresh temporary copy of the repository.  ``deployer`` and ``python`` are
the ones of the interpreter running the tests.

Conventions for writers
-----------------------

Markers are MyST comments (lines starting with ``%``, never rendered) placed
directly above a block; blank lines and other comments may sit in between.

``...`` (ellipsis)
    Inside a line, ``...`` matches any text on that line (a path, a time, a
    version).  A line that is only ``...`` matches any number of whole lines,
    none included.  Trailing whitespace is ignored everywhere, and so are
    blank lines at the end of the output.  Shown no output, a command must
    print nothing.

``% expect-exit: N``
    The block's last command must exit with status ``N``.  Every other
    command must exit with ``0``; a non-zero exit that the page does not
    declare is a failure.

``% skip: REASON``
    The block is not run (for example ``% skip: needs a real cluster`` above
    a ``helm upgrade`` without ``--dry-run``, or a ``gcloud`` command).  The
    test report shows the step as skipped with REASON.  A reason is required.

``% file: PATH``
    Above any fenced block (``yaml``, ``toml``, ``text``, …): the reader
    creates PATH with the block's content, so the test writes it, relative to
    the page's current directory (where the previous ``cd`` left the shell).
    Written as ``% file`` with no path above a ```` ```{code-block} ````
    with a ``:caption: PATH`` option, the path is the caption, which the
    reader sees.

Commands continue onto the next line after a trailing ``\\`` (a leading
``> `` on the continuation line is dropped, like a shell's second prompt).
A block without any ``$`` line is only shown, never run.  A step fails with
the page, its line and a unified diff of the shown and the real output; the
later steps of that page are then skipped, since they build on it (a block
skipped with ``% skip:`` does not stop the page).

For example, a page may say::

    % file: config/clusters/demo/cluster.yaml
    ```yaml
    name: demo
    ```

    % expect-exit: 1
    ```console
    $ deployer validate demo
    config/clusters/demo/cluster.yaml:1:1: error: ...
    ...
    ```

What the shell is like
----------------------

Standard input is empty and standard error is merged into standard output,
as a reader sees both in the terminal.  ``HOME`` is an empty folder;
``LC_ALL=C.UTF-8``, ``TZ=UTC``, ``COLUMNS=80``, ``NO_COLOR=1``.  The copy
is a git repository with one commit on branch ``main``, so ``git diff`` and
``deployer plan-upgrade --git-range`` work.  A command may run for
:data:`COMMAND_TIMEOUT` seconds.  To run the steps of one page:
``pytest tests/test_tutorials.py -k <page-name>``.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from sybil import Document, Example, Region, Sybil
from sybil.example import SybilFailure

from deployer._fs import write_if_changed

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

__all__ = [
    "ConsoleBlock",
    "FileBlock",
    "MarkupProblem",
    "Outcome",
    "PageRun",
    "RepositoryCopier",
    "ShellSession",
    "collect",
    "copy_repository",
    "output_diff",
    "output_matches",
    "parse_steps",
]

#: Seconds one command may run before it counts as hung.
COMMAND_TIMEOUT = 300.0

#: What a copy of the repository leaves out, at any depth: VCS data, environments, caches.
COPY_IGNORE = (
    ".git",
    ".venv",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".hypothesis",
    "__pycache__",
    "*.egg-info",
    "node_modules",
)
#: ... and these paths relative to the repository root: build output and work folders.
COPY_IGNORE_PATHS = frozenset(
    {"build", "dist", "docs/_build", "benchmarks/_work", "test-artifacts"}
)

_CODE_DIRECTIVES = frozenset({"code-block", "code", "sourcecode"})
_RAW_DIRECTIVES = frozenset({"eval-rst", "raw", "literalinclude", "csv-table", "math"})
_CONSOLE_LANGUAGES = frozenset({"console", "shell-session"})
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<info>.*?)\s*$")
_DIRECTIVE_INFO = re.compile(r"^\{(?P<name>[\w:.-]+)\}\s*(?P<argument>.*)$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_MARKER = re.compile(r"^%\s*(?P<key>skip|expect-exit|file)\b\s*(?P<colon>:?)\s*(?P<value>.*?)\s*$")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_ELLIPSIS = "..."
_NOT_FOUND = 127
_BASH_LINE = re.compile(r"^bash: line \d+: ", re.MULTILINE)


# --------------------------------------------------------------------------- parsed steps


@dataclass(frozen=True)
class Command:
    """One ``$`` command of a console block and the output the page shows for it."""

    text: str
    line: int
    expected: str
    expected_line: int


@dataclass(frozen=True)
class ConsoleBlock:
    """A console block: commands run in order; the last one may expect a non-zero exit."""

    commands: tuple[Command, ...]
    line: int
    expect_exit: int = 0
    skip: str | None = None


@dataclass(frozen=True)
class FileBlock:
    """A block whose content the reader saves as ``path`` (relative to the current folder)."""

    path: str
    content: str
    line: int
    skip: str | None = None


@dataclass(frozen=True)
class MarkupProblem:
    """Markers that cannot be understood; evaluating the step reports ``message``."""

    message: str
    line: int


Step = ConsoleBlock | FileBlock | MarkupProblem


@dataclass(frozen=True)
class _Marker:
    key: str
    value: str
    has_colon: bool
    line: int


@dataclass(frozen=True)
class _Fenced:
    """A fenced code block of a page: 1-based first line, 0-based exclusive end line."""

    start_line: int
    end_index: int
    language: str
    directive: bool
    options: dict[str, str]
    body: list[str]
    body_line: int
    markers: tuple[_Marker, ...]


def _scan(text: str) -> Iterator[_Fenced]:
    """Yield every fenced code block of a MyST page, looking inside directives (tabs, notes)."""
    lines = text.splitlines()
    stack: list[tuple[str, int]] = []
    markers: list[_Marker] = []
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if match is None:
            markers = _markers_after(markers, lines[index], index + 1)
            index += 1
            continue
        char, length, info = match["fence"][0], len(match["fence"]), match["info"].strip()
        directive = _DIRECTIVE_INFO.match(info)
        name = directive["name"] if directive else ""
        closes = bool(stack) and not info and stack[-1][0] == char and length >= stack[-1][1]
        container = bool(directive) and name not in _CODE_DIRECTIVES | _RAW_DIRECTIVES
        if closes or container or (char == ":" and not directive):
            if closes:
                stack.pop()
            elif container:
                stack.append((char, length))
                if markers:  # markers apply to one code block, never to a container
                    yield _Fenced(
                        start_line=index + 1,
                        end_index=index + 1,
                        language=f"{{{name}}}",
                        directive=True,
                        options={},
                        body=[],
                        body_line=index + 2,
                        markers=tuple(markers),
                    )
            markers = []
            index += 1
            continue
        end = index + 1
        closing = re.compile(rf"^[ \t]*{re.escape(char)}{{{length},}}\s*$")
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        indent = len(match["indent"].expandtabs())
        body = [_dedent(body_line, indent) for body_line in lines[index + 1 : end]]
        options: dict[str, str] = {}
        skipped = 0
        words = (directive["argument"] if directive else info).split()
        if directive:
            body, options, skipped = _split_options(body)
        yield _Fenced(
            start_line=index + 1,
            end_index=min(end + 1, len(lines)),
            language=words[0].lower() if words else "",
            directive=bool(directive),
            options=options,
            body=body,
            body_line=index + 2 + skipped,
            markers=tuple(markers),
        )
        markers = []
        index = end + 1


def _markers_after(markers: list[_Marker], line: str, number: int) -> list[_Marker]:
    """The markers in force after a line that is not a fence (other text clears them)."""
    stripped = line.strip()
    if not stripped.startswith("%"):
        return markers if not stripped else []
    marker = _MARKER.match(stripped)
    if marker is None:
        return markers
    return [*markers, _Marker(marker["key"], marker["value"], bool(marker["colon"]), number)]


def _dedent(line: str, indent: int) -> str:
    """Remove up to ``indent`` leading spaces (the fence's own indentation)."""
    expanded = line.expandtabs()
    spaces = len(expanded) - len(expanded.lstrip(" "))
    return expanded[min(spaces, indent) :]


def _split_options(body: list[str]) -> tuple[list[str], dict[str, str], int]:
    """Split a directive body into ``:key: value`` options and content."""
    options: dict[str, str] = {}
    index = 0
    if body and body[0].strip() == "---":
        index = 1
        while index < len(body) and body[index].strip() != "---":
            key, _, value = body[index].partition(":")
            options[key.strip()] = value.strip()
            index += 1
        index += 1
    else:
        while index < len(body) and (option := _OPTION.match(body[index].strip())):
            options[option["key"]] = option["value"]
            index += 1
    if index < len(body) and not body[index].strip():
        index += 1
    return body[index:], options, index


def _console_commands(fenced: _Fenced) -> list[Command]:
    """Split a console block into commands and the output shown after each one."""
    commands: list[Command] = []
    text: list[str] = []
    output: list[str] = []
    line_number = 0
    continuing = False

    def finish() -> None:
        if text:
            commands.append(
                Command("\n".join(text), line_number, "\n".join(output), line_number + len(text))
            )

    for offset, line in enumerate(fenced.body):
        number = fenced.body_line + offset
        if continuing:
            part = line.removeprefix("> ")
            text.append(part)
            continuing = part.rstrip().endswith("\\")
        elif line.startswith("$ ") or line.rstrip() == "$":
            finish()
            text, output, line_number = [line[2:]], [], number
            continuing = line.rstrip().endswith("\\")
        elif text:
            output.append(line)
    finish()
    return commands


def _step(fenced: _Fenced) -> Step | None:
    """Turn a fenced block and its markers into a step (``None``: nothing to run)."""
    keys: dict[str, _Marker] = {}
    for marker in fenced.markers:
        if marker.key in keys:
            return MarkupProblem(f"`% {marker.key}` is given twice for one block", marker.line)
        keys[marker.key] = marker
    skip: str | None = None
    if "skip" in keys:
        marker = keys["skip"]
        if not marker.has_colon or not marker.value:
            return MarkupProblem("write the reason: `% skip: needs a real cluster`", marker.line)
        skip = marker.value
    if "file" in keys:
        return _file_step(fenced, keys, skip)
    if fenced.language in _CONSOLE_LANGUAGES:
        return _console_step(fenced, keys, skip)
    if fenced.markers:
        marker = fenced.markers[0]
        return MarkupProblem(
            f"`% {marker.key}` stands above a {fenced.language or 'plain'} block, "
            "which is neither a console block nor a `% file:` block",
            marker.line,
        )
    return None


def _console_step(fenced: _Fenced, keys: dict[str, _Marker], skip: str | None) -> Step | None:
    commands = _console_commands(fenced)
    if not commands:
        if fenced.markers:
            return MarkupProblem(
                "markers above a console block without any `$ ` command", fenced.markers[0].line
            )
        return None
    expect_exit = 0
    if "expect-exit" in keys:
        marker = keys["expect-exit"]
        if not marker.has_colon or not re.fullmatch(r"\d{1,3}", marker.value):
            return MarkupProblem(
                "`% expect-exit` needs an exit status such as `% expect-exit: 1`, "
                f"not {marker.value!r}",
                marker.line,
            )
        expect_exit = int(marker.value)
    return ConsoleBlock(tuple(commands), fenced.start_line, expect_exit, skip)


def _file_step(fenced: _Fenced, keys: dict[str, _Marker], skip: str | None) -> Step:
    marker = keys["file"]
    if "expect-exit" in keys:
        return MarkupProblem("`% expect-exit` applies to console blocks only", marker.line)
    path = marker.value if marker.has_colon and marker.value else ""
    if not path and fenced.directive:
        path = fenced.options.get("caption", "").strip()
    if not path:
        return MarkupProblem(
            "name the file: `% file: config/clusters/x/cluster.yaml`, or write `% file` "
            "above a ```{code-block} with a `:caption:` holding the path",
            marker.line,
        )
    content = "\n".join(fenced.body).rstrip("\n") + "\n"
    return FileBlock(path, content, fenced.start_line, skip)


def parse_steps(document: Document) -> Iterable[Region]:
    """Sybil parser: one region per console block, file block or misplaced marker."""
    starts = [0]
    for line in document.text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for fenced in _scan(document.text):
        step = _step(fenced)
        if step is None:
            continue
        start = starts[fenced.start_line - 1]
        end = starts[fenced.end_index]
        yield Region(start, max(end, start + 1), step, evaluate_step)


#: Sybil for MyST pages with runnable steps (used by :func:`collect`).
SYBIL = Sybil(parsers=[parse_steps], patterns=["*.md"], name="console")


def collect(page: Path) -> Document:
    """Parse one page into a Sybil document whose examples are its steps, in page order."""
    return SYBIL.parse(page)


# --------------------------------------------------------------------------- output matching


def _normalise(text: str) -> list[str]:
    """Lines without trailing whitespace, colour codes or trailing blank lines."""
    text = _ANSI.sub("", text.replace("\r\n", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _pattern(expected: list[str]) -> re.Pattern[str]:
    parts: list[str] = []
    for line in expected:
        if line.strip() == _ELLIPSIS:
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            pieces = (re.escape(piece) for piece in line.split(_ELLIPSIS))
            parts.append(r"[^\n]*?".join(pieces) + r"\n")
    return re.compile("".join(parts))


def output_matches(expected: str, actual: str) -> bool:
    """Whether ``actual`` is what the page shows as ``expected`` (ellipsis rules applied)."""
    want = _normalise(expected)
    got = _normalise(actual)
    if want == got:
        return True
    if not any(_ELLIPSIS in line for line in want):
        return False
    return _pattern(want).fullmatch("".join(f"{line}\n" for line in got)) is not None


def output_diff(expected: str, actual: str, *, shown: str) -> str:
    """A unified diff from the output shown on the page to the real output."""
    diff = difflib.unified_diff(
        _normalise(expected),
        _normalise(actual),
        fromfile=f"shown on the page ({shown})",
        tofile="real output",
        lineterm="",
    )
    return "\n".join(diff)


# --------------------------------------------------------------------------- the shell


@dataclass(frozen=True)
class Result:
    """What one command did: its output (stdout and stderr merged), status and the folder after."""

    output: str
    exit_code: int
    cwd: Path


class ShellError(Exception):
    """The shell hung or died; the page cannot go on."""


class ShellSession:
    """One ``bash`` process that runs a page's commands in turn, keeping its state."""

    def __init__(self, cwd: Path, env: Mapping[str, str], *, timeout: float = COMMAND_TIMEOUT):
        """Start ``bash`` in ``cwd`` with exactly the environment ``env``."""
        self.timeout = timeout
        self.cwd = cwd
        self._process = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=dict(env),
            start_new_session=True,
        )

    def run(self, command: str) -> Result:
        """Run ``command`` as the reader would type it; stdin is empty, stderr joins stdout."""
        check = subprocess.run(
            ["bash", "-n", "-c", command], capture_output=True, text=True, check=False
        )
        if check.returncode:
            return Result(f"not a valid shell command: {check.stderr.strip()}", 2, self.cwd)
        marker = f"__docs_console_{secrets.token_hex(8)}__"
        report = f'printf \'\\n{marker} %d %s\\n\' "$?" "$PWD"'
        script = f"{{\n{command}\n}} </dev/null 2>&1\n{report}\n"
        process = self._process
        if process.stdin is None or process.stdout is None or process.poll() is not None:
            msg = "the shell of this page is no longer running"
            raise ShellError(msg)
        try:
            process.stdin.write(script.encode())
            process.stdin.flush()
        except BrokenPipeError as exc:
            msg = "the shell of this page exited"
            raise ShellError(msg) from exc
        end = re.compile(rb"\n" + marker.encode() + rb" (\d+) ([^\n]*)\n")
        buffer = b""
        deadline = time.monotonic() + self.timeout
        fd = process.stdout.fileno()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while (found := end.search(buffer)) is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.close(kill=True)
                    msg = f"the command did not finish within {self.timeout:.0f} s"
                    raise ShellError(msg)
                if not selector.select(remaining):
                    continue
                chunk = os.read(fd, 65536)
                if not chunk:
                    status = process.wait()
                    output = buffer.decode(errors="replace")
                    msg = f"the shell exited with status {status}; it printed:\n{output}"
                    raise ShellError(msg)
                buffer += chunk
        self.cwd = Path(found[2].decode(errors="replace"))
        output = buffer[: found.start()].decode(errors="replace")
        # As an interactive shell says it: "bash: sops: command not found", no line number.
        output = _BASH_LINE.sub("bash: ", output)
        return Result(output, int(found[1]), self.cwd)

    def close(self, *, kill: bool = False) -> None:
        """Stop the shell (at once when ``kill``) and anything it left running."""
        process = self._process
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        if process.stdin is not None and not process.stdin.closed:
            with contextlib.suppress(OSError):
                process.stdin.close()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        if process.stdout is not None:
            process.stdout.close()


# --------------------------------------------------------------------------- the page run


def copy_repository(source: Path, destination: Path) -> Path:
    """Copy the working tree at ``source`` (no VCS data, caches or environments) to ``destination``.

    The copy becomes a git repository with one commit when git is available,
    so a page may run ``git`` commands (a diff, a range for ``plan-upgrade``).
    """
    anywhere = shutil.ignore_patterns(*COPY_IGNORE)

    def ignore(folder: str, names: list[str]) -> set[str]:
        relative = Path(folder).relative_to(source)
        return set(anywhere(folder, names)) | {
            name for name in names if (relative / name).as_posix() in COPY_IGNORE_PATHS
        }

    shutil.copytree(source, destination, ignore=ignore)
    if shutil.which("git"):
        env = _git_env()
        for args in (
            ["git", "init", "--quiet", "--initial-branch=main"],
            ["git", "add", "--all"],
            ["git", "commit", "--quiet", "--no-verify", "--message", "Start"],
        ):
            subprocess.run(args, cwd=destination, env=env, check=True, capture_output=True)
    return destination


class RepositoryCopier:
    """Fresh copies of one repository, cheaply: the first copy (and its commit) is the template.

    Every later copy duplicates the template, ``.git`` included, so the
    pages of a test run each start from the same state without copying the
    working tree and committing it again.
    """

    def __init__(self, source: Path, template: Path) -> None:
        """Copy ``source`` into ``template`` on first use."""
        self.source = source
        self.template = template
        self._made = False

    def copy(self, destination: Path) -> Path:
        """Make ``destination`` a fresh copy of the repository; return it."""
        if not self._made:
            copy_repository(self.source, self.template)
            self._made = True
        shutil.copytree(self.template, destination, symlinks=True)
        return destination


def _git_env() -> dict[str, str]:
    return {
        **os.environ,
        "GIT_AUTHOR_NAME": "Docs Reader",
        "GIT_AUTHOR_EMAIL": "reader@example.org",
        "GIT_COMMITTER_NAME": "Docs Reader",
        "GIT_COMMITTER_EMAIL": "reader@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def page_environment(home: Path) -> dict[str, str]:
    """The environment of a page's shell: this interpreter's scripts first on ``PATH``."""
    env = {
        key: value
        for key, value in _git_env().items()
        if key not in {"PYTHONPATH", "BASH_ENV", "ENV", "CDPATH", "PYTEST_CURRENT_TEST"}
        and not key.startswith(("PYTEST_", "COV_"))
    }
    scripts = str(Path(sys.executable).parent)
    env.update(
        {
            "PATH": os.pathsep.join([scripts, env.get("PATH", os.defpath)]),
            "HOME": str(home),
            "LC_ALL": "C.UTF-8",
            "LANG": "C.UTF-8",
            "TZ": "UTC",
            "COLUMNS": "80",
            "TERM": "dumb",
            "NO_COLOR": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


class StepSkippedError(Exception):
    """Raised by the evaluator for a step that does not run; the message is the reason."""


@dataclass(frozen=True)
class Outcome:
    """What became of one step: ``passed``, ``failed`` (with the message) or ``skipped``."""

    status: Literal["passed", "failed", "skipped"]
    message: str = ""


@dataclass
class _PageState:
    """Held in the Sybil namespace of a page while its steps run."""

    label: str
    root: Path
    shell: ShellSession | None
    broken: str = ""


@dataclass
class PageRun:
    """The steps of one page, run in order on first demand, in a fresh copy of ``source_root``.

    ``outcome(i)`` runs every step up to ``i`` that has not run yet, so
    selecting one step still runs the steps it builds on.
    """

    page: Path
    source_root: Path
    work_dir: Path
    label: str = ""
    copier: RepositoryCopier | None = None
    document: Document = field(init=False)
    examples: list[Example] = field(init=False)
    outcomes: list[Outcome] = field(init=False, default_factory=list)
    _state: _PageState | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        """Parse the page."""
        if not self.label:
            try:
                self.label = self.page.relative_to(self.source_root).as_posix()
            except ValueError:
                self.label = self.page.name
        self.document = collect(self.page)
        self.examples = list(self.document.examples())

    def outcome(self, index: int) -> Outcome:
        """The outcome of step ``index`` (0-based), running the steps before it first."""
        while len(self.outcomes) <= index:
            self.outcomes.append(self._evaluate(self.examples[len(self.outcomes)]))
        if len(self.outcomes) == len(self.examples):
            self.close()
        return self.outcomes[index]

    def run_all(self) -> list[Outcome]:
        """Run every step of the page; return their outcomes in order."""
        if self.examples:
            self.outcome(len(self.examples) - 1)
        return list(self.outcomes)

    def _evaluate(self, example: Example) -> Outcome:
        if self._state is None:
            copier = self.copier or RepositoryCopier(self.source_root, self.work_dir / "template")
            root = copier.copy(self.work_dir / "repository")
            home = self.work_dir / "home"
            home.mkdir(parents=True, exist_ok=True)
            self._state = _PageState(self.label, root, None)
            self._state.shell = ShellSession(root, page_environment(home))
            self.document.namespace["console_page"] = self._state
        try:
            example.evaluate()
        except StepSkippedError as exc:
            return Outcome("skipped", str(exc))
        except SybilFailure as exc:
            return Outcome("failed", exc.result)
        return Outcome("passed")

    def close(self) -> None:
        """Stop the page's shell (the copy stays for inspection until pytest removes it)."""
        if self._state is not None and self._state.shell is not None:
            self._state.shell.close()
            self._state.shell = None


def _where(state: _PageState, line: int) -> str:
    return f"{state.label}:{line}"


def evaluate_step(example: Example) -> str | None:
    """Sybil evaluator: run a step in the page's shell; return a failure message or ``None``."""
    state: _PageState = example.namespace["console_page"]
    step: Step = example.parsed
    if isinstance(step, MarkupProblem):
        state.broken = state.broken or _where(state, step.line)
        return f"{_where(state, step.line)}: {step.message}"
    if step.skip is not None:
        msg = f"{_where(state, step.line)}: {step.skip}"
        raise StepSkippedError(msg)
    if state.broken:
        msg = f"{_where(state, step.line)}: not run, an earlier step failed ({state.broken})"
        raise StepSkippedError(msg)
    if state.shell is None:
        msg = f"{_where(state, step.line)}: not run, the page's shell has stopped"
        raise StepSkippedError(msg)
    failure = _write_file(state, step) if isinstance(step, FileBlock) else _run_block(state, step)
    if failure:
        state.broken = _where(state, step.line)
    return failure


def _write_file(state: _PageState, step: FileBlock) -> str | None:
    assert state.shell is not None  # checked by the caller
    where = _where(state, step.line)
    relative = Path(step.path)
    target = (state.shell.cwd / relative).resolve()
    if relative.is_absolute() or not target.is_relative_to(state.root.resolve()):
        return f"{where}: `% file: {step.path}` must be a path inside the repository"
    write_if_changed(target, step.content)
    return None


def _run_block(state: _PageState, step: ConsoleBlock) -> str | None:
    assert state.shell is not None  # checked by the caller
    last = len(step.commands) - 1
    for number, command in enumerate(step.commands):
        where = _where(state, command.line)
        shown = f"$ {command.text}"
        try:
            result = state.shell.run(command.text)
        except ShellError as exc:
            state.shell.close()
            state.shell = None
            return f"{where}: {shown}\n{exc}"
        wanted = step.expect_exit if number == last else 0
        same = output_matches(command.expected, result.output)
        if result.exit_code == wanted and same:
            continue
        lines = [f"{where}: {shown}"]
        if result.exit_code != wanted:
            hint = ""
            if result.exit_code == _NOT_FOUND and "command not found" in result.output:
                hint = (
                    " (a program this step needs is not installed here: if it needs a real "
                    "cloud or cluster, write `% skip: REASON` above the block)"
                )
            elif wanted == 0:
                hint = (
                    f" (if the page means it, write `% expect-exit: {result.exit_code}` "
                    "above the block, with this command last)"
                )
            lines.append(f"exited with status {result.exit_code}, the page expects {wanted}{hint}")
        if same:
            lines += ["its output, as the page shows:", result.output.rstrip()]
        else:
            lines.append("the output has drifted from the page:")
            shown_at = _where(state, command.expected_line)
            lines.append(output_diff(command.expected, result.output, shown=shown_at))
        return "\n".join(lines)
    return None
