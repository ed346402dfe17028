"""deployer.plan.rules and deployer.plan.changes: the rule table against the real tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from deployer.errors import UsageError
from deployer.plan import RULES, ChangedFile, normalise_path, parse_changed_files, parse_name_status
from deployer.plan.rules import RuleMatcher, Upgrades, compile_pattern

ROOT = Path(__file__).parent.parent


def _tree() -> list[str]:
    """Every file of the repository (tracked or not, ignored ones left out)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "--cached", "--others", "--exclude-standard"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return [line for line in done.stdout.splitlines() if (ROOT / line).exists()]
    except (OSError, subprocess.CalledProcessError):
        skip = {".git", ".venv", ".nox", "node_modules", "_build"}
        return [
            p.relative_to(ROOT).as_posix()
            for p in ROOT.rglob("*")
            if p.is_file() and not skip & set(p.relative_to(ROOT).parts)
        ]


TREE = _tree()


@pytest.mark.parametrize("rule", RULES, ids=[rule.id for rule in RULES])
def test_every_rule_matches_a_file_of_the_real_tree(rule):
    """A rule whose pattern matches no file has gone stale: fix the pattern or drop the rule."""
    regex = compile_pattern(rule.pattern)
    assert any(regex.fullmatch(path) for path in TREE), f"{rule.id}: {rule.pattern} matches nothing"


def test_rule_ids_are_unique_and_described():
    assert len({rule.id for rule in RULES}) == len(RULES)
    assert all(rule.description for rule in RULES)


def test_every_config_file_is_decided_by_a_config_rule():
    """No file under config/ falls through to 'no rule matches'."""
    compiled = [(rule, compile_pattern(rule.pattern)) for rule in RULES]
    for path in (p for p in TREE if p.startswith("config/") and not p.endswith(".md")):
        rule = next((r for r, rx in compiled if rx.fullmatch(path)), None)
        assert rule is not None, path
        assert rule.id in {"chart-pin", "cluster-file", "values-file"}


def test_schemas_come_before_deployer_code():
    ids = [rule.id for rule in RULES]
    assert ids.index("schemas") < ids.index("deployer-code")
    assert {r.upgrades for r in RULES if r.id in {"schemas", "deployer-code", "dependencies"}} == {
        Upgrades.EVERYTHING
    }


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("config/clusters/*/cluster.yaml", "config/clusters/uk/cluster.yaml", True),
        ("config/clusters/*/cluster.yaml", "config/clusters/uk/sub/cluster.yaml", False),
        ("deployer/**", "deployer/plan/rules.py", True),
        ("deployer/**", "deployer", True),
        ("deployer/**", "deployerx/a.py", False),
        ("**/*.md", "README.md", True),
        ("**/*.md", "a/b/c.md", True),
        ("config/charts/*.yaml", "config/charts/x.yml", False),
        ("a?c", "abc", True),
        ("a.c", "abc", False),
    ],
)
def test_glob_patterns(pattern, path, matches):
    assert bool(compile_pattern(pattern).fullmatch(path)) is matches


def test_config_prefix_replaces_config():
    regex = compile_pattern("config/clusters/*/cluster.yaml", "infra/config")
    assert regex.fullmatch("infra/config/clusters/uk/cluster.yaml")
    assert not regex.fullmatch("config/clusters/uk/cluster.yaml")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("./config/a.yaml", "config/a.yaml"),
        ("config/clusters/", "config/clusters"),
        ("config//clusters/./uk/cluster.yaml", "config/clusters/uk/cluster.yaml"),
        ("/repo/config/a.yaml", "config/a.yaml"),
        ("  docs/x.md \n", "docs/x.md"),
        ("/elsewhere/config/a.yaml", None),
        ("../outside.yaml", None),
        ("./", None),
        ("config/clusters/uk/cluster.yaml", "config/clusters/uk/cluster.yaml"),
        (".github/workflows/x.yaml", ".github/workflows/x.yaml"),
        ("docs/a/../b.md", "docs/b.md"),
        ("docs/a/.", "docs/a"),
        ("config\\clusters\\uk\\cluster.yaml", "config/clusters/uk/cluster.yaml"),
        ("docs/x.md\f", "docs/x.md"),
        ("..", None),
    ],
)
def test_normalise_path(raw, expected):
    assert normalise_path(raw, Path("/repo")) == expected


def test_parse_name_status_handles_renames_and_copies():
    text = (
        "M\ta.yaml\nR100\told.yaml\tnew.yaml\nD\tgone.yaml\n"
        "C75\tsrc.yaml\tdst.yaml\n\nA\tnew file.md\n"
    )
    assert parse_name_status(text) == [
        ChangedFile("a.yaml", "M"),
        ChangedFile("new.yaml", "R", "old.yaml"),
        ChangedFile("gone.yaml", "D"),
        ChangedFile("dst.yaml", "C", "src.yaml"),
        ChangedFile("new file.md", "A"),
    ]
    assert ChangedFile("gone.yaml", "D").deleted


def test_parse_name_status_rejects_garbage():
    with pytest.raises(UsageError, match="line 2"):
        parse_name_status("M\ta\nnot a status line\n")


def test_parse_changed_files_accepts_plain_paths_and_name_status():
    lines = ["# a comment", "config/a.yaml", "", "D\tconfig/b.yaml", "path with spaces.md"]
    assert parse_changed_files(lines) == [
        ChangedFile("config/a.yaml"),
        ChangedFile("config/b.yaml", "D"),
        ChangedFile("path with spaces.md"),
    ]


TRICKY = [
    "deployer", "deployer/schemas", "deployer/schemas/x/y.yaml", "deployerx/a.py", "docs",
    "README.md", "a/b/c.md", "config/charts/x.yml", "config/clusters/uk/sub/cluster.yaml",
    "config/clusters/uk/enc-x.secret.yaml", "config/clusters/uk/x.values.yaml.md", "",
    "config/clusters/uk/cluster.yaml", "pyproject.toml", "x/pyproject.toml", ".github",
]  # fmt: skip


@pytest.mark.parametrize("prefix", ["config", "infra/config"])
def test_one_regex_finds_the_first_matching_rule(prefix):
    """RuleMatcher (one expression for all rules) agrees with trying the rules in order."""
    compiled = [(rule, compile_pattern(rule.pattern, prefix)) for rule in RULES]
    match = RuleMatcher(RULES, prefix)
    paths = TREE + TRICKY + [f"{prefix}/{p.removeprefix('config/')}" for p in TRICKY]
    for path in paths:
        first = next((rule for rule, regex in compiled if regex.fullmatch(path)), None)
        assert match(path) is first, path
