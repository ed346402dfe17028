"""The validator as a library: reports, rules, best matches, scoping and robustness."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from deployer.errors import ConfigError, UsageError
from deployer.validate import (
    RULES,
    Problem,
    Report,
    Severity,
    format_json,
    format_text,
    json_path,
    validate_config,
)
from deployer.validate._schema import validator_findings

if TYPE_CHECKING:
    from collections.abc import Iterator

CASES = Path(__file__).parent / "data" / "configs"
GOLDEN_RULE = re.compile(r"\[([a-z0-9-]+)\]$")


def _golden_rules() -> set[str]:
    rules = set()
    for golden in CASES.glob("*/*/expected.txt"):
        for line in golden.read_text().splitlines():
            match = GOLDEN_RULE.search(line)
            if match:
                rules.add(match.group(1))
    return rules


def test_json_path_spelling() -> None:
    assert json_path(()) == "$"
    assert json_path(("hubs", 3, "domain")) == "$.hubs[3].domain"
    assert json_path(("dask-gateway", "x")) == "$.dask-gateway.x"
    assert json_path(("a b", "c.d")) == '$["a b"]["c.d"]'


def test_every_rule_reported_by_an_example_is_declared() -> None:
    assert _golden_rules() <= set(RULES)


def test_every_declared_rule_has_an_example() -> None:
    """Each rule (but unreadable files, which git cannot hold) is shown by an example."""
    assert set(RULES) - _golden_rules() == {"unreadable"}


def test_rules_have_one_line_descriptions() -> None:
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule) for rule in RULES)
    assert all(text and "\n" not in text for text in RULES.values())


def _problem(
    file: str, line: int, rule: str = "schema", severity: Severity = Severity.ERROR
) -> Problem:
    return Problem(file, line, 1, "$", f"message {line}", severity, rule)


def test_report_sorts_deduplicates_and_counts() -> None:
    problems = [
        _problem("b.yaml", 1),
        _problem("a.yaml", 10),
        _problem("a.yaml", 2, "unreferenced-file", Severity.WARNING),
        _problem("a.yaml", 10),
    ]
    report = Report.build(problems, files=3, clusters=1, hubs=1)
    assert [(p.file, p.line) for p in report.problems] == [
        ("a.yaml", 2),
        ("a.yaml", 10),
        ("b.yaml", 1),
    ]
    assert (len(report.errors), len(report.warnings), report.ok) == (2, 1, False)
    assert report.summary() == "2 errors, 1 warning in 3 files (1 cluster, 1 hub)"


def test_report_summaries_when_ok() -> None:
    assert Report.build([], files=1, clusters=2, hubs=3).summary() == (
        "ok: 1 file (2 clusters, 3 hubs) valid"
    )
    warning = _problem("a.yaml", 1, "unreferenced-file", Severity.WARNING)
    report = Report.build([warning], files=2, clusters=1, hubs=1)
    assert report.ok
    assert report.summary() == "ok: 2 files (1 cluster, 1 hub) valid, 1 warning"


def test_text_format_shows_details_only_when_verbose() -> None:
    problem = Problem("a.yaml", 3, 5, "$.x", "bad", Severity.ERROR, "schema", ("one", "two"))
    report = Report.build([problem], files=1, clusters=1, hubs=0)
    assert format_text(report) == (
        "a.yaml:3:5: error: bad (at $.x) [schema]\n"
        "1 error, 0 warnings in 1 file (1 cluster, 0 hubs); 2 more details with --verbose\n"
    )
    assert format_text(report, verbose=True).splitlines()[1:3] == ["    one", "    two"]
    assert '"json_path": "$.x"' in format_json(report)


def test_one_of_failure_reports_the_best_match_and_keeps_the_rest_as_details() -> None:
    schema = {
        "type": "object",
        "properties": {
            "auth": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["github"],
                        "properties": {"github": {"type": "object", "required": ["org"]}},
                    },
                    {"type": "string", "enum": ["none"]},
                ]
            }
        },
    }
    findings = validator_findings(Draft202012Validator(schema), "hub", {"auth": {"github": {}}})
    assert len(findings) == 1
    assert findings[0].path == ("auth", "github")
    assert findings[0].message == "'github' has no 'org': add it"
    assert len(findings[0].details) >= 2


def test_any_of_best_match_points_into_the_closest_branch() -> None:
    schema = {
        "anyOf": [{"type": "object", "properties": {"a": {"type": "integer"}}}, {"type": "string"}]
    }
    findings = validator_findings(Draft202012Validator(schema), "hub", {"a": "x"})
    assert [(f.path, f.message) for f in findings] == [
        (("a",), "'a' must be an integer, not a string")
    ]


def test_root_given_as_a_string_and_absolute_paths_outside_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    root = CASES / "invalid" / "unknown-chart"
    report = validate_config(str(root))
    assert [p.file for p in report.problems] == [str(root / "clusters" / "uk" / "cluster.yaml")]


def test_unknown_cluster_and_hub_are_usage_errors() -> None:
    root = CASES / "valid" / "four-providers"
    with pytest.raises(UsageError, match=r"known clusters: campus, nasa, uk, utoronto"):
        validate_config(root, "mars")
    with pytest.raises(UsageError, match=r"known hubs: prod"):
        validate_config(root, "campus", "staging")


def _duplicates(root: Path, *scope: str) -> list[tuple[str, int, str]]:
    report = validate_config(root, *scope)
    return [
        (p.file, p.line, p.message)
        for p in report.problems
        if p.rule in {"duplicate-domain", "duplicate-hub"}
    ]


def test_duplicate_domain_is_reported_at_every_use_whatever_the_scope(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each use names the other as file:line; a cluster's lines are the same in every scope."""
    shutil.copytree(CASES / "invalid" / "duplicate-domain-across-clusters", tmp_path / "c")
    monkeypatch.chdir(tmp_path)
    uk = (
        "c/clusters/uk/cluster.yaml",
        22,
        (
            "domain 'uk.hubs.example.org' is also used by hub 'prod' of cluster 'utoronto' "
            "(c/clusters/utoronto/cluster.yaml:10): every hub needs its own"
        ),
    )
    utoronto = (
        "c/clusters/utoronto/cluster.yaml",
        10,
        (
            "domain 'uk.hubs.example.org' is also used by hub 'prod' of cluster 'uk' "
            "(c/clusters/uk/cluster.yaml:22): every hub needs its own"
        ),
    )
    assert _duplicates(Path("c")) == [uk, utoronto]
    assert _duplicates(Path("c"), "uk") == [uk]
    assert _duplicates(Path("c"), "uk", "prod") == [uk]
    assert _duplicates(Path("c"), "uk", "staging") == []
    assert _duplicates(Path("c"), "utoronto") == [utoronto]


def test_a_domain_used_three_times_names_the_two_other_uses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Uses in the same cluster are named without the cluster; the others with it."""
    shutil.copytree(CASES / "invalid" / "duplicate-domain-across-clusters", tmp_path / "c")
    monkeypatch.chdir(tmp_path)
    uk_file = Path("c/clusters/uk/cluster.yaml")
    uk_file.write_text(
        uk_file.read_text().replace("staging.uk.hubs.example.org", "uk.hubs.example.org")
    )
    messages = [message for _, _, message in _duplicates(Path("c"))]
    used = "domain 'uk.hubs.example.org' is also used by"
    uk_staging, uk_prod = "(c/clusters/uk/cluster.yaml:13)", "(c/clusters/uk/cluster.yaml:22)"
    utoronto = "hub 'prod' of cluster 'utoronto' (c/clusters/utoronto/cluster.yaml:10)"
    rest = ": every hub needs its own"
    assert messages == [
        f"{used} hub 'prod' {uk_prod} and {utoronto}{rest}",
        f"{used} hub 'staging' {uk_staging} and {utoronto}{rest}",
        (
            f"{used} hub 'staging' of cluster 'uk' {uk_staging} and "
            f"hub 'prod' of cluster 'uk' {uk_prod}{rest}"
        ),
    ]


def test_duplicate_hub_name_is_reported_at_every_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever entry was just written, its line is shown and names the other."""
    shutil.copytree(CASES / "invalid" / "duplicate-hub-name", tmp_path / "c")
    monkeypatch.chdir(tmp_path)
    file = "c/clusters/uk/cluster.yaml"
    rest = ": hub names are namespaces and must be unique in a cluster"
    expected = [
        (file, 11, f"hub name 'staging' is also used by hub #2 ({file}:20){rest}"),
        (file, 20, f"hub name 'staging' is also used by hub #1 ({file}:11){rest}"),
    ]
    assert _duplicates(Path("c")) == expected
    assert _duplicates(Path("c"), "uk", "staging") == expected


def test_one_bad_file_never_hides_another() -> None:
    report = validate_config(CASES / "invalid" / "many-files-many-errors")
    files = {p.file.rsplit(os.sep, 1)[-1] for p in report.problems}
    assert files == {
        "support.yaml",
        "cluster.yaml",
        "common.values.yaml",
        "enc-staging.secret.values.yaml",
    }


# -- robustness -----------------------------------------------------------------------------

_VALID = CASES / "valid" / "four-providers"
_FILES = sorted(
    p.relative_to(_VALID) for p in _VALID.rglob("*") if p.is_file() and p.name != "expected.txt"
)
_JUNK = st.sampled_from(
    [
        "  - ]",
        "\t",
        "key: [",
        ": :",
        "&a *a",
        "!!python/object:os.system x",
        "'",
        "a: b: c",
        "<<: 3",
        "? x",
        "%YAML 1.1",
        "---",
        "hubs: 3",
        "\x07",
    ]
)


def _mutations() -> st.SearchStrategy[tuple[str, object]]:
    return st.one_of(
        st.tuples(st.just("truncate"), st.floats(0, 1)),
        st.tuples(st.just("junk"), st.tuples(st.floats(0, 1), _JUNK)),
        st.tuples(st.just("bytes"), st.tuples(st.floats(0, 1), st.binary(min_size=1, max_size=8))),
        st.tuples(st.just("drop-line"), st.floats(0, 1)),
        st.tuples(
            st.just("retype"),
            st.tuples(st.floats(0, 1), st.sampled_from(["[]", "{}", "3", "null", "x"])),
        ),
    )


def _mutate(data: bytes, kind: str, arg: object) -> bytes:
    lines = data.split(b"\n")
    if kind == "truncate":
        assert isinstance(arg, float)
        return data[: int(len(data) * arg)]
    assert isinstance(arg, tuple | float)
    where = arg[0] if isinstance(arg, tuple) else arg
    index = min(int(len(lines) * where), len(lines) - 1)
    if kind == "junk":
        lines.insert(index, str(arg[1]).encode())  # type: ignore[index]
    elif kind == "bytes":
        lines[index] = lines[index] + arg[1]  # type: ignore[index]
    elif kind == "drop-line":
        del lines[index]
    else:
        key, sep, _ = lines[index].partition(b":")
        if sep:
            lines[index] = key + b": " + str(arg[1]).encode()  # type: ignore[index]
    return b"\n".join(lines)


@settings(
    max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    target=st.sampled_from(_FILES),
    mutations=st.lists(_mutations(), min_size=1, max_size=3),
)
def test_validate_never_raises_and_always_locates_problems(
    target: Path, mutations: list[tuple[str, object]]
) -> None:
    """Broken files of every kind give located problems, never an exception."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "c"
        shutil.copytree(_VALID, root, symlinks=True)
        path = root / target
        data = path.read_bytes()
        for kind, arg in mutations:
            data = _mutate(data, kind, arg)
        path.write_bytes(data)
        report = validate_config(root)
        for problem in report.problems:
            assert problem.file
            assert problem.line >= 1
            assert problem.column >= 1
            assert problem.rule in RULES
            assert problem.json_path.startswith("$")


def test_odd_values_file_names_are_problems_not_exceptions(tmp_path: Path) -> None:
    """A name too long for the file system, or a folder, is reported where it is written."""
    root = tmp_path / "c"
    shutil.copytree(CASES / "valid" / "minimal", root)
    cluster_file = root / "clusters" / "uk" / "cluster.yaml"
    long_name = "x" * 300 + ".values.yaml"
    text = cluster_file.read_text().replace(
        "      - prod.values.yaml", f"      - prod.values.yaml\n      - {long_name}\n      - sub"
    )
    cluster_file.write_text(text)
    (root / "clusters" / "uk" / "sub").mkdir()
    report = validate_config(root)
    missing = [(p.json_path, p.message) for p in report.problems if p.rule == "missing-file"]
    assert [path for path, _ in missing] == [
        "$.hubs[0].values_files[1]",
        "$.hubs[0].values_files[2]",
    ]
    assert "cannot be looked up" in missing[0][1]
    assert "File name too long" in missing[0][1]
    assert "'sub' in " in missing[1][1]
    assert "is not a file" in missing[1][1]


def test_chart_layout_is_checked_in_encrypted_files_by_their_keys_only(tmp_path: Path) -> None:
    """sops leaves keys in clear: a jupyterhub hub's secret file must not nest under jupyterhub:."""
    root = tmp_path / "c"
    shutil.copytree(CASES / "valid" / "four-providers", root)
    secret = root / "clusters" / "uk" / "enc-staging.secret.values.yaml"
    ciphertext = "ENC[AES256_GCM,data:c2VjcmV0,iv:aXZpdml2aXZpdml2,tag:dGFndGFndGFn,type:str]"
    secret.write_text(
        secret.read_text().replace("hub:\n", "jupyterhub:\n  hub:\n", 1)
        + f"dask-gateway: {ciphertext}\n"
    )
    problems = validate_config(root, "uk").problems
    assert [(p.file.rsplit(os.sep, 1)[-1], p.json_path, p.rule) for p in problems] == [
        ("enc-staging.secret.values.yaml", "$.jupyterhub", "chart-layout"),
        ("enc-staging.secret.values.yaml", "$.dask-gateway", "chart-layout"),
    ]
    assert "edit the file with `sops <file>`" in problems[0].message
    assert all("ENC[" not in p.message and "c2VjcmV0" not in p.message for p in problems)


@pytest.mark.parametrize(
    ("value", "rule"),
    [(b"!hunter2-tag", "unknown-tag"), (b"caf\xe9-hunter2", "not-utf8")],
)
def test_refusals_in_secret_files_do_not_quote_the_file(
    tmp_path: Path, value: bytes, rule: str
) -> None:
    """A plain-text secret starting with '!' reads as a YAML tag: the message must not show it."""
    root = tmp_path / "c"
    shutil.copytree(CASES / "valid" / "four-providers", root)
    secret = root / "clusters" / "uk" / "enc-staging.secret.values.yaml"
    secret.write_bytes(b"hub:\n  client_secret: " + value + b"\n")
    problems = [p for p in validate_config(root).problems if p.file.endswith(secret.name)]
    assert [p.rule for p in problems] == [rule]
    assert "hunter2" not in problems[0].message
    assert "0xe9" not in problems[0].message


def test_repeated_list_items_are_reported_at_each_repeat_without_the_whole_list() -> None:
    schema = {"type": "object", "properties": {"users": {"type": "array", "uniqueItems": True}}}
    users = [f"user{i}" for i in range(50)] + ["user3", "user7"]
    findings = validator_findings(Draft202012Validator(schema), "hub", {"users": users})
    assert [(f.path, f.message) for f in findings] == [
        (("users", 50), "'users' lists 'user3' again (first as item 4): keep one"),
        (("users", 51), "'users' lists 'user7' again (first as item 8): keep one"),
    ]


@pytest.mark.parametrize(
    ("schema", "value", "message"),
    [
        ({"type": "object", "minProperties": 1}, {}, "'x' must have at least 1 entry"),
        ({"type": "number", "minimum": 1}, 0, "'x' must be at least 1 (got 0)"),
        ({"type": "number", "exclusiveMinimum": 0}, 0, "'x' must be more than 0 (got 0)"),
    ],
)
def test_bounds_are_worded_for_operators(
    schema: dict[str, object], value: object, message: str
) -> None:
    validator = Draft202012Validator({"type": "object", "properties": {"x": schema}})
    assert [f.message for f in validator_findings(validator, "hub", {"x": value})] == [message]


def test_a_folder_that_cannot_be_listed_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permissions cannot be tested as root, so the operating system's refusal is simulated."""
    root = tmp_path / "c"
    shutil.copytree(CASES / "valid" / "minimal", root)
    listing = Path.iterdir

    def refuse(folder: Path) -> Iterator[Path]:
        if folder.name == "charts":
            raise PermissionError(13, "Permission denied")
        return listing(folder)

    monkeypatch.setattr(Path, "iterdir", refuse)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"^c/charts: cannot list the folder: Permission denied$"):
        validate_config("c")


def test_a_key_refused_by_property_names_is_located_at_the_key() -> None:
    schema = {
        "type": "object",
        "properties": {"env": {"type": "object", "propertyNames": {"pattern": "^[A-Z]+$"}}},
    }
    data = {"env": {"GOOD": "1", "bad": "2"}}
    findings = validator_findings(Draft202012Validator(schema), "hub", data)
    assert [(f.path, f.message) for f in findings] == [
        (("env", "bad"), "key 'bad' of 'env' must match ^[A-Z]+$")
    ]
