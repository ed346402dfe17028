"""The YAML loader with positions and the loaders of the typed model (deployer.config)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from deployer.config import (
    AwsAccess,
    GcpAccess,
    KubeconfigAccess,
    Provider,
    Stage,
    YamlError,
    load_config,
    load_yaml,
    load_yaml_data,
    read_config,
    read_config_fast,
)
from deployer.config._yaml import MAX_ALIAS_CHARS, MAX_ALIAS_NODES, MAX_BYTES, MAX_DEPTH
from deployer.errors import ConfigError

CASES = Path(__file__).parent / "data" / "configs"
HUB = (
    "name: uk\nprovider: gcp\nhubs:\n- name: a\n  display_name: A\n  domain: d\n"
    "  stage: {stage}\n  chart: c\n  values_files: {files}\n"
)


def _write(tmp_path: Path, content: str | bytes, name: str = "f.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _error(tmp_path: Path, content: str | bytes) -> YamlError:
    with pytest.raises(YamlError) as info:
        load_yaml(_write(tmp_path, content))
    return info.value


# -- positions ------------------------------------------------------------------------------


def test_positions_of_keys_and_list_items_are_one_based(tmp_path: Path) -> None:
    text = "name: uk\nhubs:\n  - name: a\n    domain: a.example.org\n  - {name: b, domain: b.org}\n"
    data, positions = load_yaml(_write(tmp_path, text))
    assert data["hubs"][1] == {"name": "b", "domain": "b.org"}
    assert positions[()] == (1, 1)
    assert positions[("name",)] == (1, 1)
    assert positions[("hubs",)] == (2, 1)
    assert positions[("hubs", 0)] == (3, 5)
    assert positions[("hubs", 0, "domain")] == (4, 5)
    assert positions[("hubs", 1)] == (5, 5)
    assert positions[("hubs", 1, "domain")] == (5, 15)


def test_positions_of_nested_lists(tmp_path: Path) -> None:
    _, positions = load_yaml(_write(tmp_path, "a:\n- - x\n  - y\n"))
    assert positions[("a", 0)] == (2, 3)
    assert positions[("a", 0, 1)] == (3, 5)


def test_load_yaml_data_gives_the_same_data_without_positions(tmp_path: Path) -> None:
    path = _write(tmp_path, "a: [1, 2.5, true, null, x]\nb: {c: '3'}\n")
    assert load_yaml_data(path) == load_yaml(path)[0]


# -- the data model -------------------------------------------------------------------------


def test_scalars_are_plain_json_values(tmp_path: Path) -> None:
    text = "i: 42\nh: 0x1f\nf: 1.5\nb: yes\nn: ~\ns: '42'\nd: 2024-10-14\nv: 1.10\n"
    data, _ = load_yaml(_write(tmp_path, text))
    assert data == {
        "i": 42,
        "h": 31,
        "f": 1.5,
        "b": True,
        "n": None,
        "s": "42",
        "d": "2024-10-14",
        "v": 1.1,
    }


@pytest.mark.parametrize(
    ("key", "kind"),
    [("1", "a number"), ("0x1f", "a number"), ("1.5", "a number"), ("true", "a boolean"),
     ("on", "a boolean"), ("null", "null"), ("~", "null"), ("2024-01-01", "a date")],
)  # fmt: skip
def test_keys_that_yaml_reads_as_other_than_text_are_refused(
    tmp_path: Path, key: str, kind: str
) -> None:
    """Helm's YAML reader and this one may spell such a key differently: quoting settles it."""
    error = _error(tmp_path, f"hub:\n  {key}: x\n")
    assert error.rule == "non-string-key"
    assert (error.line, error.column, error.json_path) == (2, 3, ("hub", key))
    assert f"read by YAML as {kind}" in error.message
    assert f'"{key}":' in error.message


def test_quoted_keys_are_text(tmp_path: Path) -> None:
    data, _ = load_yaml(_write(tmp_path, "'on': 1\n\"2\": two\n'null': x\n"))
    assert data == {"on": 1, "2": "two", "null": "x"}


def test_merge_keys_are_expanded_and_explicit_keys_win(tmp_path: Path) -> None:
    text = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n"
    data, positions = load_yaml(_write(tmp_path, text))
    assert data["use"] == {"x": 1, "y": 3}
    assert positions[("use", "y")] == (4, 3)


def test_aliases_are_copied_not_shared(tmp_path: Path) -> None:
    data, _ = load_yaml(_write(tmp_path, "a: &a [1]\nb: *a\n"))
    assert data["a"] == data["b"]
    assert data["a"] is not data["b"]


def test_empty_file_is_none(tmp_path: Path) -> None:
    assert load_yaml(_write(tmp_path, "# only a comment\n")) == (None, {(): (1, 1)})


def test_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    assert load_yaml_data(_write(tmp_path, b"\xef\xbb\xbfa: 1\n")) == {"a": 1}


# -- refusals -------------------------------------------------------------------------------


def test_duplicate_key_is_refused_at_the_second_key(tmp_path: Path) -> None:
    error = _error(tmp_path, "a: 1\nb:\n  c: 1\n  c: 2\n")
    assert (error.line, error.column, error.rule) == (4, 3, "duplicate-key")
    assert "first at line 3" in error.message


def test_refusals_carry_the_json_path_when_positions_are_kept(tmp_path: Path) -> None:
    assert _error(tmp_path, "a:\n  - {b: 1, b: 2}\n").json_path == ("a", 0, "b")
    assert _error(tmp_path, "a:\n  b: !x 1\n").json_path == ("a", "b")


def test_duplicate_key_is_refused_without_positions_too(tmp_path: Path) -> None:
    with pytest.raises(YamlError, match="duplicate key 'a'"):
        load_yaml_data(_write(tmp_path, "a: 1\na: 2\n"))


@pytest.mark.parametrize(
    "text",
    [
        "a: !custom x\n",
        "a: !!python/object:os.system x\n",
        "a: !!binary aGk=\n",
        "a: !!set {x, y}\n",
        "a: !!omap [x: 1]\n",
        "a: !thing {b: 1}\n",
        "a: !thing [1]\n",
    ],
)
def test_tags_beyond_plain_values_are_refused(tmp_path: Path, text: str) -> None:
    error = _error(tmp_path, text)
    assert (error.line, error.rule) == (1, "unknown-tag")


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for index, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    error = _error(tmp_path, "\n".join(lines) + "\n")
    assert error.rule == "alias-limit"
    assert f"{MAX_ALIAS_NODES:,} nodes" in error.message


def test_aliases_of_a_long_string_count_its_length(tmp_path: Path) -> None:
    """A long string aliased many times would grow the data (and what is printed) without end."""
    long = "x" * 100_000
    text = f"a: &a {long}\nb: [{', '.join(['*a'] * 20)}]\n"
    error = _error(tmp_path, text)
    # Placed at the anchor (the aliases have no node of their own), and at the alias by path.
    assert (error.rule, error.line, error.json_path[0]) == ("alias-limit", 1, "b")
    assert f"{MAX_ALIAS_CHARS:,} characters" in error.message


def test_many_aliases_of_a_short_scalar_count_as_nodes(tmp_path: Path) -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (MAX_ALIAS_NODES + 1)) + "]\n"
    assert _error(tmp_path, text).rule == "alias-limit"


def test_an_integer_too_long_to_convert_is_refused_with_its_place(tmp_path: Path) -> None:
    error = _error(tmp_path, "a: 1\nb: " + "9" * 5000 + "\n")
    assert (error.line, error.column, error.rule) == (2, 4, "yaml-syntax")
    assert "quote it if it is text" in error.message


def test_moderate_alias_use_is_accepted(tmp_path: Path) -> None:
    text = "a: &a {x: 1, y: 2}\n" + "".join(f"k{i}: *a\n" for i in range(100))
    assert len(load_yaml_data(_write(tmp_path, text))) == 101


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    assert _error(tmp_path, "a: &a\n  b: *a\n").rule == "alias-limit"


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    depth = MAX_DEPTH + 5
    error = _error(tmp_path, "[" * depth + "]" * depth + "\n")
    assert error.rule == "yaml-syntax"


def test_several_documents_are_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, "a: 1\n---\nb: 2\n")
    assert (error.line, error.column, error.rule) == (2, 1, "multi-document")


def test_syntax_error_has_a_location(tmp_path: Path) -> None:
    error = _error(tmp_path, "a:\n  b: [1, 2\nc: 3\n")
    assert error.rule == "yaml-syntax"
    assert error.line == 3
    assert str(error).startswith(f"{tmp_path / 'f.yaml'}:3:")


def test_control_characters_are_refused_with_a_location(tmp_path: Path) -> None:
    error = _error(tmp_path, "a: 1\nb: x\x07y\n")
    assert (error.line, error.column, error.rule) == (2, 5, "yaml-syntax")


def test_not_utf8_is_refused_at_the_bad_byte(tmp_path: Path) -> None:
    error = _error(tmp_path, "a: 1\nb: caf\xe9\n".encode("latin-1"))
    assert (error.line, error.column, error.rule) == (2, 7, "not-utf8")


def test_nul_byte_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, b"a: 1\nbb\x00\n")
    assert (error.line, error.column, error.rule) == (2, 3, "nul-byte")


def test_too_large_file_is_refused(tmp_path: Path) -> None:
    error = _error(tmp_path, b"#" * (MAX_BYTES + 1))
    assert (error.line, error.column, error.rule) == (1, 1, "file-too-large")


def test_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    assert load_yaml_data(_write(tmp_path, b"#" * MAX_BYTES)) is None


def test_missing_file_is_a_yaml_error(tmp_path: Path) -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(tmp_path / "nope.yaml")
    assert info.value.rule == "unreadable"


def test_pipes_and_folders_are_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "folder.yaml").mkdir()
    for name in ("pipe.yaml", "folder.yaml"):
        with pytest.raises(YamlError, match="not a regular file") as info:
            load_yaml(tmp_path / name)
        assert info.value.rule == "unreadable"


def test_a_device_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A size check that trusts st_size would read /dev/zero until memory runs out."""
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(YamlError, match="not a regular file") as info:
        load_yaml(tmp_path / "zero.yaml")
    assert info.value.rule == "unreadable"


@pytest.mark.parametrize("link", ["file", "folder"])
def test_a_file_that_leads_outside_its_root_is_refused(tmp_path: Path, link: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f.yaml").write_text("a: 1\n", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    if link == "file":
        (root / "f.yaml").symlink_to(outside / "f.yaml")
    else:
        (root / "sub").symlink_to(outside)
    path = root / ("f.yaml" if link == "file" else "sub/f.yaml")
    assert load_yaml_data(path) == {"a": 1}  # with no root to stay in, it is read
    with pytest.raises(YamlError) as info:
        load_yaml_data(path, inside=root)
    assert info.value.rule == "path-escape"


def test_a_symlink_that_stays_inside_its_root_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "link.yaml").symlink_to("real.yaml")
    assert load_yaml_data(tmp_path / "link.yaml", inside=tmp_path) == {"a": 1}


def test_complex_keys_are_refused(tmp_path: Path) -> None:
    assert _error(tmp_path, "? [a, b]\n: 1\n").rule == "yaml-syntax"


# -- the typed model ------------------------------------------------------------------------


def test_load_config_builds_the_model_with_absolute_paths() -> None:
    config = load_config(CASES / "valid" / "four-providers")
    assert config.root.is_absolute()
    assert [c.name for c in config.clusters] == ["campus", "nasa", "uk", "utoronto"]
    uk = config.cluster("uk")
    assert uk.provider is Provider.GCP
    assert uk.access == GcpAccess("uk-hubs-prod", "uk-cluster", "europe-west2-b")
    assert [h.name for h in uk.staging_hubs] == ["staging"]
    assert uk.hub("prod").stage is Stage.PROD
    assert all(p.is_absolute() and p.is_file() for h in uk.hubs for p in h.values_files)
    assert uk.hub("staging").secret_files[0].name == "enc-staging.secret.values.yaml"
    assert uk.support is not None
    assert uk.support.chart == "support"
    nasa = config.cluster("nasa")
    assert nasa.access == AwsAccess("012345678901", "nasa-veda", "us-west-2")
    campus = config.cluster("campus")
    assert isinstance(campus.access, KubeconfigAccess)
    assert campus.access.file == campus.path / "enc-kubeconfig.secret.yaml"
    assert campus.access.context == "campus-admin"
    assert config.charts["jupyterhub"].version == "4.2.0"


def test_fast_and_validated_loading_build_the_same_model() -> None:
    root = CASES / "valid" / "four-providers"
    assert read_config_fast(root) == load_config(root)
    assert read_config(root, validate=False) == read_config(root)


def test_load_config_lists_the_problems() -> None:
    with pytest.raises(ConfigError) as info:
        load_config(CASES / "invalid" / "many-files-many-errors")
    message = str(info.value)
    assert message.startswith("the configuration has 6 error(s):")
    assert "cluster.yaml:14:5: hub 'staging': 'stage' must be one of" in message
    assert "hunter2" not in message


def test_load_config_accepts_warnings() -> None:
    config = load_config(CASES / "valid" / "unreferenced-file-warning")
    assert [c.name for c in config.clusters] == ["uk"]


@pytest.mark.parametrize(
    ("cluster_yaml", "expected"),
    [
        ("- a\n", "must hold a mapping"),
        ("name: uk\n", "'provider' must be a string"),
        ("name: uk\nprovider: moon\nhubs: []\n", "'moon' is not one of"),
        ("name: uk\nprovider: gcp\nhubs: []\n", "'gcp' must be a mapping"),
        ("name: uk\nprovider: gcp\ngcp: {project: p}\nhubs: []\n", "'cluster' must be a string"),
        ("name: uk\nprovider: gcp\ngcp: {}\nhubs: [3]\n", "hubs[0] must be a mapping"),
        ("name: uk\nprovider: gcp\nhubs: {a: 1}\n", "'hubs' must be a list"),
        (HUB.format(stage="x", files="[a]"), "'x' is not one of staging, prod"),
        (HUB.format(stage="prod", files="[1]"), "values_files must be a list of file names"),
        ("name: uk\nprovider: gcp\nsupport: [x]\nhubs: []\n", "'support' must be a mapping"),
        ("a: [\n", "did not find expected"),
    ],
)
def test_read_config_fast_raises_config_error_on_malformed_data(
    tmp_path: Path, cluster_yaml: str, expected: str
) -> None:
    """Malformed data is a ConfigError naming the file, never a KeyError or TypeError."""
    (tmp_path / "clusters" / "uk").mkdir(parents=True)
    (tmp_path / "clusters" / "uk" / "cluster.yaml").write_text(cluster_yaml)
    with pytest.raises(ConfigError) as info:
        read_config_fast(tmp_path)
    assert expected in str(info.value)
    assert "cluster.yaml" in str(info.value)


def test_read_config_fast_needs_a_clusters_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a folder"):
        read_config_fast(tmp_path)


def test_read_config_fast_names_a_bad_chart_pin(tmp_path: Path) -> None:
    shutil.copytree(CASES / "valid" / "minimal", tmp_path / "c")
    (tmp_path / "c" / "charts" / "jupyterhub.yaml").write_text("name: [x]\n")
    with pytest.raises(ConfigError, match=r"jupyterhub\.yaml: chart: 'repository'"):
        read_config_fast(tmp_path / "c")


def _tree_with_empty_cluster_folder(tmp_path: Path) -> Path:
    """A valid config root under tmp_path/config, plus a cluster folder without cluster.yaml."""
    root = tmp_path / "config"
    shutil.copytree(CASES / "valid" / "minimal", root)
    (root / "clusters" / "empty").mkdir()
    return root


def test_read_config_fast_says_what_to_do_about_a_folder_without_cluster_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The message names the folder relative to the working folder, and how to fix it."""
    _tree_with_empty_cluster_folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        read_config_fast("config")
    assert str(info.value) == (
        "config/clusters/empty/ has no cluster.yaml: add one "
        "(see the cluster schema reference) or remove the folder"
    )


def test_read_config_fast_shows_paths_as_validate_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative to the working folder when inside it, whole when outside it."""
    root = tmp_path / "config"
    shutil.copytree(CASES / "invalid" / "yaml-syntax-cluster", root)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        read_config_fast(root)
    assert str(info.value).startswith("config/clusters/uk/cluster.yaml:7:8: ")
    (root / "clusters" / "uk" / "cluster.yaml").write_text("- a\n")
    with pytest.raises(ConfigError) as info:
        read_config_fast(root)
    assert str(info.value).startswith("config/clusters/uk/cluster.yaml: the file must hold")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(ConfigError) as info:
        read_config_fast(root)
    assert str(info.value).startswith(f"{root}/clusters/uk/cluster.yaml: ")


def test_read_config_fast_and_validate_word_a_missing_clusters_folder_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        read_config_fast("config")
    assert str(info.value) == (
        "config/clusters is not a folder: point --config-dir at the folder "
        "holding clusters/ and charts/"
    )
