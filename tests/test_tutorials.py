"""Every console step of the tutorials and how-to guides runs for real, and its output is checked.

Each step of the pages under ``docs/tutorials/`` and ``docs/how-to/`` is one test,
named by its page and line.  A page's steps run in order in a fresh copy of
the repository (see ``tests/docs_console.py`` for the conventions writers
use: ``...``, ``% expect-exit: N``, ``% skip: REASON``, ``% file: PATH``).
The second half tests the evaluator itself on small pages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import docs_console
import pytest
from docs_console import (
    ConsoleBlock,
    FileBlock,
    MarkupProblem,
    PageRun,
    RepositoryCopier,
    ShellSession,
    collect,
    output_diff,
    output_matches,
    page_environment,
)

ROOT = Path(__file__).resolve().parents[1]
RUNNABLE = ("tutorials", "how-to")


def _pages() -> list[Path]:
    return sorted(path for folder in RUNNABLE for path in (ROOT / "docs" / folder).rglob("*.md"))


UNREADABLE: dict[Path, str] = {}


def _steps() -> list[pytest.param]:
    steps = []
    for page in _pages():
        name = page.relative_to(ROOT / "docs").as_posix()
        try:
            examples = list(collect(page).examples())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            UNREADABLE[page] = f"docs/{name}: cannot be read as MyST text: {exc}"
            steps.append(pytest.param(page, -1, id=name))
            continue
        steps.extend(
            pytest.param(page, index, id=f"{name}:{example.line}")
            for index, example in enumerate(examples)
        )
    return steps


STEPS = _steps()


@pytest.fixture(scope="module")
def page_runs(tmp_path_factory):
    """One run per page, shared by the page's steps, so they run in order in one shell."""
    runs: dict[Path, PageRun] = {}
    copier = RepositoryCopier(ROOT, tmp_path_factory.mktemp("template") / "repository")

    def get(page: Path) -> PageRun:
        if page not in runs:
            for other in runs.values():
                other.close()
            work = tmp_path_factory.mktemp(page.stem)
            runs[page] = PageRun(page, ROOT, work, copier=copier)
        return runs[page]

    yield get
    for run in runs.values():
        run.close()


@pytest.mark.skipif(not STEPS, reason="no console steps in docs/tutorials or docs/how-to yet")
@pytest.mark.parametrize(("page", "index"), STEPS or [pytest.param(None, 0, id="none")])
def test_docs_step(page_runs, page, index):
    """The step at this page and line runs and prints what the page shows."""
    if page in UNREADABLE:
        pytest.fail(UNREADABLE[page], pytrace=False)
    outcome = page_runs(page).outcome(index)
    if outcome.status == "skipped":
        pytest.skip(outcome.message)
    if outcome.status == "failed":
        pytest.fail(outcome.message, pytrace=False)


# --------------------------------------------------------------------------- the evaluator


@pytest.fixture
def project(tmp_path):
    """A tiny repository to copy: one config file and a README."""
    root = tmp_path / "project"
    (root / "config").mkdir(parents=True)
    (root / "config" / "settings.yaml").write_text("answer: 42\n")
    (root / "README.md").write_text("A project.\n")
    (root / ".venv").mkdir()
    (root / ".venv" / "huge").write_text("not copied\n")
    (root / "docs" / "_build").mkdir(parents=True)
    (root / "config" / "build").mkdir()
    (root / "config" / "build" / "kept.yaml").write_text("a cluster may be called build\n")
    return root


def run_page(project: Path, tmp_path: Path, text: str) -> PageRun:
    page = project / "docs" / "tutorials" / "page.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text)
    run = PageRun(page, project, tmp_path / "work")
    run.run_all()
    return run


PASSING = """\
# A lesson

In this tutorial we will look at a file.

```console
$ cat config/settings.yaml
answer: 42
$ ls
README.md
config
docs
```

Then we go into a folder, and stay there:

```{code-block} console
$ cd config
$ export GREETING=hello
$ echo "$GREETING from $(basename "$PWD")" | tr a-z A-Z
HELLO FROM CONFIG
```
"""


def test_a_page_whose_output_matches_passes(project, tmp_path):
    """Commands run in order in one shell: `cd` and `export` carry over; pipes work."""
    run = run_page(project, tmp_path, PASSING)
    assert [outcome.status for outcome in run.outcomes] == ["passed", "passed"]


def test_the_copy_leaves_out_environments_and_is_a_git_repository(project, tmp_path):
    page = (
        "```console\n$ ls -a\n.\n..\n.git\nREADME.md\nconfig\ndocs\n"
        "$ ls docs config/build\nconfig/build:\nkept.yaml\n\ndocs:\ntutorials\n"
        "$ git status --short\n```\n"
    )
    run = run_page(project, tmp_path, page)
    assert run.outcomes[0].status == "passed", run.outcomes[0].message
    assert (project / ".venv" / "huge").exists()


def test_drifted_output_fails_with_a_diff_naming_page_and_line(project, tmp_path):
    text = "# Drift\n\nText.\n\n```console\n$ cat config/settings.yaml\nanswer: 41\n```\n"
    run = run_page(project, tmp_path, text)
    (outcome,) = run.outcomes
    assert outcome.status == "failed"
    assert outcome.message.startswith("docs/tutorials/page.md:6: $ cat config/settings.yaml\n")
    assert "the output has drifted from the page:" in outcome.message
    assert "--- shown on the page (docs/tutorials/page.md:7)\n+++ real output" in outcome.message
    assert "\n-answer: 41\n+answer: 42" in outcome.message


def test_a_failed_step_skips_the_rest_of_its_page(project, tmp_path):
    text = "```console\n$ false\n```\n\n```console\n$ echo later\nlater\n```\n"
    run = run_page(project, tmp_path, text)
    first, second = run.outcomes
    assert first.status == "failed"
    assert "exited with status 1, the page expects 0" in first.message
    assert "`% expect-exit: 1`" in first.message
    assert second.status == "skipped"
    assert second.message == (
        "docs/tutorials/page.md:5: not run, an earlier step failed (docs/tutorials/page.md:1)"
    )


@pytest.mark.parametrize(
    ("expected", "actual", "matches"),
    [
        ("Wrote /tmp/.../out.yaml in ...s", "Wrote /tmp/abc/def/out.yaml in 0.31s", True),
        ("first\n...\nlast", "first\na\nb\nc\nlast", True),
        ("first\n...\nlast", "first\nlast", True),
        ("first\n...\nlast", "first\na\nlast\nmore", False),
        ("version ...", "version 1.2.3\nextra line", False),
        ("...", "", True),
        ("same   \n\n\n", "same\n", True),
        ("", "something", False),
        ("a...c", "abc", True),
        ("a...c", "ab\nc", False),
        ("Done...", "Done...", True),
    ],
)
def test_ellipsis_rules(expected, actual, matches):
    """`...` matches text within a line, or whole lines when it is alone on its line."""
    assert output_matches(expected, actual) is matches


def test_ellipsis_on_a_page(project, tmp_path):
    text = (
        "```console\n$ pwd\n/.../repository\n"
        "$ printf 'one\\ntwo\\nthree\\nfour\\n'\none\n...\nfour\n"
        "$ deployer --version\ndeployer, version ...\n```\n"
    )
    run = run_page(project, tmp_path, text)
    assert run.outcomes[0].status == "passed", run.outcomes[0].message


def test_deployer_is_the_console_script_of_this_interpreter(project, tmp_path):
    scripts = Path(sys.executable).parent
    text = f"```console\n$ command -v deployer python\n{scripts}/deployer\n{scripts}/python\n```\n"
    run = run_page(project, tmp_path, text)
    assert run.outcomes[0].status == "passed", run.outcomes[0].message


def test_an_expected_exit_code(project, tmp_path):
    text = (
        "% expect-exit: 3\n\n```console\n$ echo checking\nchecking\n"
        "$ echo 'broken' >&2; exit_with() { return $1; }; exit_with 3\nbroken\n```\n"
        "\n% expect-exit: 3\n```console\n$ (exit 4)\n```\n"
    )
    run = run_page(project, tmp_path, text)
    first, second = run.outcomes
    assert first.status == "passed", first.message
    assert second.status == "failed"
    assert "exited with status 4, the page expects 3" in second.message


def test_expect_exit_applies_only_to_the_last_command(project, tmp_path):
    text = "% expect-exit: 1\n```console\n$ false\n$ false\n```\n"
    (outcome,) = run_page(project, tmp_path, text).outcomes
    assert outcome.status == "failed"
    assert outcome.message.startswith("docs/tutorials/page.md:3: $ false\nexited with status 1")


def test_skip_marker_skips_with_its_reason(project, tmp_path):
    text = (
        "% skip: needs a real cluster\n\n```console\n$ helm upgrade --install x y\n```\n\n"
        "```console\n$ echo still runs\nstill runs\n```\n"
    )
    first, second = run_page(project, tmp_path, text).outcomes
    assert first.status == "skipped"
    assert first.message == "docs/tutorials/page.md:3: needs a real cluster"
    assert second.status == "passed"


def test_file_marker_writes_the_file_relative_to_the_current_folder(project, tmp_path):
    text = """\
```console
$ mkdir -p config/clusters/x && cd config/clusters/x
```

% file: cluster.yaml
```yaml
name: x
provider: gcp
```

% file
```{code-block} toml
:caption: ../../extra.toml

[tool]
key = "value"
```

```console
$ cat cluster.yaml ../../extra.toml
name: x
provider: gcp
[tool]
key = "value"
```
"""
    run = run_page(project, tmp_path, text)
    assert [outcome.status for outcome in run.outcomes] == ["passed"] * 4, run.outcomes
    copy = tmp_path / "work" / "repository"
    assert (copy / "config/clusters/x/cluster.yaml").read_text() == "name: x\nprovider: gcp\n"
    assert not (project / "config/clusters").exists()


def test_file_marker_refuses_a_path_outside_the_copy(project, tmp_path):
    text = "% file: ../../escape.txt\n```text\nno\n```\n"
    (outcome,) = run_page(project, tmp_path, text).outcomes
    assert outcome.status == "failed"
    assert "must be a path inside the repository" in outcome.message
    assert not (tmp_path / "escape.txt").exists()


def test_continuation_lines_and_steps_inside_directives(project, tmp_path):
    text = """\
1. Print two words:

   ````{tab-set}
   ```{tab-item} Bash
   :sync: bash

   ```console
   $ echo one \\
   >   two
   one two
   ```
   ```
   ````

:::{note}
```console
$ printf 'a\\n' \\
  | tr a b
b
```
:::
"""
    run = run_page(project, tmp_path, text)
    blocks = [example.parsed for example in run.examples]
    assert [type(block) for block in blocks] == [ConsoleBlock, ConsoleBlock]
    assert blocks[0].commands[0].text == "echo one \\\n  two"
    assert [outcome.status for outcome in run.outcomes] == ["passed", "passed"], run.outcomes


def test_shown_only_blocks_and_other_languages_are_not_steps(project, tmp_path):
    text = (
        "```console\noutput without a prompt\n```\n\n```python\nprint(1)\n```\n\n"
        "```yaml\nkey: 1\n```\n"
    )
    assert run_page(project, tmp_path, text).examples == []


@pytest.mark.parametrize(
    ("markers", "message"),
    [
        ("% skip\n", "1: write the reason: `% skip: needs a real cluster`"),
        ("% expect-exit: one\n", "1: `% expect-exit` needs an exit status"),
        ("% skip: a\n% skip: b\n", "2: `% skip` is given twice for one block"),
    ],
)
def test_malformed_markers_fail_with_a_clear_message(project, tmp_path, markers, message):
    text = f"{markers}```console\n$ true\n```\n"
    (outcome,) = run_page(project, tmp_path, text).outcomes
    assert outcome.status == "failed"
    assert outcome.message.startswith(f"docs/tutorials/page.md:{message}")


def test_a_file_marker_without_a_path_or_caption_is_reported(project, tmp_path):
    run = run_page(project, tmp_path, "% file\n```yaml\na: 1\n```\n")
    assert isinstance(run.examples[0].parsed, MarkupProblem)
    assert "name the file" in run.outcomes[0].message


def test_a_marker_above_a_container_is_reported_and_its_blocks_still_run(project, tmp_path):
    text = "% skip: needs a cloud\n::::{tab-set}\n```console\n$ echo in\nin\n```\n::::\n"
    problem, inner = run_page(project, tmp_path, text).outcomes
    assert problem.status == "failed"
    assert problem.message.startswith("docs/tutorials/page.md:1: `% skip` stands above a {tab-set}")
    assert inner.status == "skipped"


def test_a_marker_above_a_block_of_another_language_is_reported(project, tmp_path):
    (outcome,) = run_page(project, tmp_path, "% expect-exit: 1\n```python\n1\n```\n").outcomes
    assert outcome.status == "failed"
    assert "neither a console block nor a `% file:` block" in outcome.message


def test_file_block_content(project, tmp_path):
    run = run_page(project, tmp_path, "% file: a.txt\n\n```text\nline\n\n```\n")
    assert run.examples[0].parsed == FileBlock("a.txt", "line\n", 3)


def test_invalid_shell_syntax_is_reported_and_does_not_hang(project, tmp_path):
    (outcome,) = run_page(project, tmp_path, "```console\n$ echo 'unclosed\n```\n").outcomes
    assert outcome.status == "failed"
    assert "not a valid shell command" in outcome.message


def test_a_hung_command_times_out(tmp_path):
    shell = ShellSession(tmp_path, page_environment(tmp_path), timeout=0.5)
    try:
        with pytest.raises(Exception, match=r"did not finish within 0 s|within 1 s"):
            shell.run("sleep 30")
    finally:
        shell.close()


def test_a_missing_program_is_reported_as_an_interactive_shell_would(project, tmp_path):
    text = "```console\n$ no-such-program-here --flag\n```\n"
    (outcome,) = run_page(project, tmp_path, text).outcomes
    assert outcome.status == "failed"
    assert (
        "exited with status 127, the page expects 0 (a program this step needs" in outcome.message
    )
    assert outcome.message.endswith("\n+bash: no-such-program-here: command not found")


def test_a_command_that_exits_the_shell_fails_the_step(project, tmp_path):
    text = "```console\n$ exit 3\n```\n\n```console\n$ echo after\nafter\n```\n"
    first, second = run_page(project, tmp_path, text).outcomes
    assert first.status == "failed"
    assert "the shell exited with status 3" in first.message
    assert second.status == "skipped"


def test_output_diff_is_unified():
    diff = output_diff("a\nb\n", "a\nc\n", shown="page.md:3")
    assert diff.splitlines() == [
        "--- shown on the page (page.md:3)",
        "+++ real output",
        "@@ -1,2 +1,2 @@",
        " a",
        "-b",
        "+c",
    ]


def test_page_environment_puts_this_interpreter_first(tmp_path):
    env = page_environment(tmp_path)
    assert env["PATH"].split(os.pathsep)[0] == str(Path(sys.executable).parent)
    assert env["HOME"] == str(tmp_path)
    assert "PYTHONPATH" not in env


def test_the_example_in_the_conventions_runs_against_the_real_deployer(tmp_path):
    """The example page in the docstring of tests/docs_console.py passes in a copy of the repo."""
    doc = docs_console.__doc__ or ""
    example = doc.split("a page may say::\n", 1)[1].split("\nWhat the shell is like", 1)[0]
    page = tmp_path / "example.md"
    page.write_text(textwrap.dedent(example))
    run = PageRun(page, ROOT, tmp_path / "work", label="example.md")
    assert [outcome.status for outcome in run.run_all()] == ["passed", "passed"], run.outcomes


def test_copies_from_one_template_start_alike_and_stay_apart(project, tmp_path):
    copier = RepositoryCopier(project, tmp_path / "template")
    first = copier.copy(tmp_path / "one")
    (first / "config" / "settings.yaml").write_text("answer: 0\n")
    second = copier.copy(tmp_path / "two")
    assert (second / "config" / "settings.yaml").read_text() == "answer: 42\n"
    assert (second / ".git").is_dir()
    assert not (second / ".venv").exists()


def test_a_tree_without_runnable_pages_collects_cleanly(tmp_path):
    """Without tutorial or how-to pages, the step test is one clear skip, not an error."""
    tests = tmp_path / "tests"
    tests.mkdir()
    for name in ("test_tutorials.py", "docs_console.py"):
        shutil.copy(Path(__file__).with_name(name), tests / name)
    (tmp_path / "docs" / "tutorials").mkdir(parents=True)
    options = ["-q", "-rs", "-p", "no:cacheprovider", "-c", os.devnull, "-k", "docs_step"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *options, str(tests / "test_tutorials.py")],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no console steps in docs/tutorials or docs/how-to yet" in result.stdout
    assert "1 skipped" in result.stdout
