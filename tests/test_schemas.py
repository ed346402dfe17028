"""Tests of deployer.schemas: the schemas themselves, and the example config held against them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from deployer.config import model
from deployer.schemas import SCHEMA_NAMES, load_schema, schema_text

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config"
CLUSTERS = sorted(p.parent for p in (CONFIG / "clusters").glob("*/cluster.yaml"))
CHARTS = sorted((CONFIG / "charts").glob("*.yaml"))

# Keywords whose values are one subschema, or a list or map of them, that may define properties.
_ONE = ("items", "additionalProperties", "then", "else", "contains", "unevaluatedProperties")
_MANY = ("allOf", "anyOf", "oneOf", "prefixItems")
_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs")
_ENC = re.compile(
    r"^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]+,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,"
    r"type:(str|int|float|bool)\]$"
)


# ---------------------------------------------------------------------------- helpers


def _read(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _pointer(parts: tuple[str | int, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _dotted(parts: tuple[str | int, ...]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def _is_prohibition(schema: dict[str, Any]) -> bool:
    """A ``{"not": {}}`` schema forbids a key (used in ``then`` branches); it defines nothing."""
    return schema.get("not") == {}


def _subschemas(
    schema: dict[str, Any], parts: tuple[str | int, ...]
) -> Iterator[tuple[str, tuple[str | int, ...], dict[str, Any]]]:
    """Yield ``(how, parts, subschema)`` for each direct subschema that can define properties.

    ``if`` and ``not`` are left out on purpose: they state conditions, not properties.
    """
    for key in _MAP:
        for name, sub in schema.get(key, {}).items():
            if isinstance(sub, dict):
                yield key, (*parts, key, name), sub
    for key in _ONE:
        sub = schema.get(key)
        if isinstance(sub, dict):
            yield key, (*parts, key), sub
    for key in _MANY:
        for i, sub in enumerate(schema.get(key, [])):
            yield key, (*parts, key, i), sub


def _walk(
    schema: dict[str, Any], parts: tuple[str | int, ...] = ()
) -> Iterator[tuple[str, tuple[str | int, ...], dict[str, Any]]]:
    """Yield every subschema of *schema* (not following ``$ref``), with how it was reached."""
    for how, sub_parts, sub in _subschemas(schema, parts):
        yield how, sub_parts, sub
        yield from _walk(sub, sub_parts)


def _resolve(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Merge *schema* over the chain of local ``$ref`` targets it points to."""
    merged: dict[str, Any] = {}
    chain = [schema]
    while "$ref" in chain[-1]:
        ref = chain[-1]["$ref"]
        assert ref.startswith("#/"), f"only local references are used: {ref}"
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        chain.append(target)
    for item in reversed(chain):
        merged.update(item)
    return merged


def _validator_at(name: str, parts: tuple[str | int, ...]) -> jsonschema.Draft202012Validator:
    """A validator for the subschema of *name* at *parts*, ``$ref`` resolved against its root."""
    root = load_schema(name)
    registry: Registry[Any] = Registry().with_resource(root["$id"], Resource.from_contents(root))
    return jsonschema.Draft202012Validator(
        {"$ref": root["$id"] + "#" + _pointer(parts)},
        registry=registry,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def _errors(name: str, instance: Any) -> list[tuple[str, str]]:
    validator = jsonschema.Draft202012Validator(
        load_schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return sorted((e.json_path, e.message) for e in validator.iter_errors(instance))


def _cluster_files() -> list[tuple[Path, dict[str, Any]]]:
    return [(folder, _read(folder / "cluster.yaml")) for folder in CLUSTERS]


def _hub_values_files() -> list[tuple[Path, str]]:
    """Every plain (not secret) hub values file with the chart of a hub that uses it."""
    found: dict[Path, str] = {}
    for folder, data in _cluster_files():
        for hub in data["hubs"]:
            for rel in hub["values_files"]:
                if "secret" not in rel:
                    found[folder / rel] = hub["chart"]
    return sorted(found.items())


def _leaves(data: Any, parts: tuple[str | int, ...] = ()) -> Iterator[tuple[str, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*parts, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _leaves(value, (*parts, i))
    else:
        yield _dotted(parts), data


# ---------------------------------------------------------------------------- the package


def test_load_schema_returns_each_schema_once_parsed() -> None:
    """Each name loads its own schema, and repeated loads share one cached object."""
    for name in SCHEMA_NAMES:
        schema = load_schema(name)
        assert schema["$id"] == f"https://hub-deployer.example.org/schemas/{name}.schema.json"
        assert load_schema(name) is schema
        assert schema == yaml.safe_load(schema_text(name))


def test_load_schema_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match=r"no schema called 'values'.*cluster, hub, chart"):
        load_schema("values")


# ---------------------------------------------------------------------------- schema quality


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    assert schema["description"]
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_a_description_and_a_type(name: str) -> None:
    """Properties (at any depth, in $defs too) are documented: the reference pages need it."""
    root = load_schema(name)
    missing: list[str] = []
    for how, parts, sub in _walk(root):
        if how not in ("properties", "patternProperties", "$defs") or _is_prohibition(sub):
            continue
        effective = _resolve(root, sub)
        missing.extend(
            f"{_dotted(parts)} has no {key}"
            for key in ("description", "type")
            if not effective.get(key)
        )
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_object_we_define_is_closed_or_says_it_is_open(name: str) -> None:
    """An object either rejects unknown keys or its description says the map is open."""
    root = load_schema(name)
    loose = [
        _dotted(parts)
        for _how, parts, sub in _walk(root)
        if sub.get("type") == "object"
        and sub.get("additionalProperties", True) is True
        and "open" not in sub.get("description", "").lower()
    ]
    if root.get("type") == "object":
        assert root.get("additionalProperties") is False
    assert not loose, "open objects without a word about it: " + ", ".join(loose)


def _annotated(name: str, keyword: str) -> list[tuple[str, tuple[str | int, ...], Any]]:
    root = load_schema(name)
    found: list[tuple[str, tuple[str | int, ...], Any]] = []
    for _how, parts, sub in [("root", (), root), *_walk(root)]:
        if keyword not in sub:
            continue
        values = sub[keyword] if keyword == "examples" else [sub[keyword]]
        found.extend((name, parts, value) for value in values)
    return found


EXAMPLES = [x for name in SCHEMA_NAMES for x in _annotated(name, "examples")]
DEFAULTS = [x for name in SCHEMA_NAMES for x in _annotated(name, "default")]


@pytest.mark.parametrize(
    ("name", "parts", "value"), EXAMPLES, ids=[f"{n}:{_dotted(p)}" for n, p, _ in EXAMPLES]
)
def test_every_example_is_valid_where_it_is_given(
    name: str, parts: tuple[str | int, ...], value: Any
) -> None:
    errors = [e.message for e in _validator_at(name, parts).iter_errors(value)]
    assert not errors, f"{name} {_dotted(parts)} example {value!r}: {errors}"


@pytest.mark.parametrize(
    ("name", "parts", "value"), DEFAULTS, ids=[f"{n}:{_dotted(p)}" for n, p, _ in DEFAULTS]
)
def test_every_default_is_valid_where_it_is_given(
    name: str, parts: tuple[str | int, ...], value: Any
) -> None:
    errors = [e.message for e in _validator_at(name, parts).iter_errors(value)]
    assert not errors, f"{name} {_dotted(parts)} default {value!r}: {errors}"


def test_walk_reaches_examples_in_defs_items_and_branches() -> None:
    """The checks above really see nested places, so a bad example there would fail them."""
    places = {_dotted(p) for n, p, _ in EXAMPLES if n == "cluster"}
    assert "$.$defs.gcp.properties.project" in places
    assert "$.$defs.hub.properties.values_files" in places
    hub_places = {_dotted(p) for n, p, _ in EXAMPLES if n == "hub"}
    assert "$.$defs.extraResources.properties.nvidia.com/gpu" in hub_places
    bad = _validator_at("hub", ("$defs", "memory"))
    assert list(bad.iter_errors("4GB")), "a memory example like 4GB must be rejected"


# ---------------------------------------------------------------------------- cluster schema

_GOOD_HUB = {
    "name": "staging",
    "display_name": "Staging",
    "domain": "staging.example.hubs.example.org",
    "stage": "staging",
    "chart": "jupyterhub",
    "values_files": ["staging.values.yaml"],
}
_ACCESS = {
    "gcp": {"project": "example-hubs", "cluster": "example", "zone": "us-central1-b"},
    "aws": {"account_id": "012345678901", "cluster": "example", "region": "us-west-2"},
    "azure": {
        "subscription_id": "3f2b6c1e-8d4a-4c7e-9a51-2b7d0e6f4a93",
        "resource_group": "example",
        "cluster": "example",
    },
    "kubeconfig": {"file": "enc-kubeconfig.secret.yaml"},
}


@pytest.mark.parametrize("provider", sorted(_ACCESS))
def test_cluster_with_its_provider_block_is_valid(provider: str) -> None:
    cluster = {"name": "example", "provider": provider, provider: _ACCESS[provider]}
    assert _errors("cluster", {**cluster, "hubs": [_GOOD_HUB]}) == []


@pytest.mark.parametrize("provider", sorted(_ACCESS))
def test_cluster_rejects_every_other_provider_block_at_its_path(provider: str) -> None:
    cluster = {"name": "example", "provider": provider, "hubs": [_GOOD_HUB], **_ACCESS}
    errors = _errors("cluster", cluster)
    assert [path for path, _ in errors] == sorted(f"$.{p}" for p in _ACCESS if p != provider)


def test_cluster_requires_the_matching_provider_block() -> None:
    cluster = {"name": "example", "provider": "aws", "gcp": _ACCESS["gcp"], "hubs": [_GOOD_HUB]}
    assert ("$", "'aws' is a required property") in _errors("cluster", cluster)
    assert "$.gcp" in {path for path, _ in _errors("cluster", cluster)}


def test_cluster_checks_every_hub_not_only_the_first() -> None:
    bad = {**_GOOD_HUB, "name": "Prod_Hub", "stage": "production"}
    cluster = {"name": "x", "provider": "gcp", "gcp": _ACCESS["gcp"], "hubs": [_GOOD_HUB, bad]}
    paths = {path for path, _ in _errors("cluster", cluster)}
    assert paths == {"$.hubs[1].name", "$.hubs[1].stage"}


def test_cluster_hub_stage_is_required_never_inferred() -> None:
    hub = {k: v for k, v in _GOOD_HUB.items() if k != "stage"}
    cluster = {"name": "x", "provider": "gcp", "gcp": _ACCESS["gcp"], "hubs": [hub]}
    assert _errors("cluster", cluster) == [("$.hubs[0]", "'stage' is a required property")]


@pytest.mark.parametrize(
    "path", ["/etc/hub.values.yaml", "../other/hub.values.yaml", "a/../../b.yaml", "~/x.yaml"]
)
def test_cluster_values_files_must_stay_in_the_cluster_folder(path: str) -> None:
    hub = {**_GOOD_HUB, "values_files": [path]}
    cluster = {"name": "x", "provider": "gcp", "gcp": _ACCESS["gcp"], "hubs": [hub]}
    assert [p for p, _ in _errors("cluster", cluster)] == ["$.hubs[0].values_files[0]"]


def test_cluster_rejects_unknown_keys_and_unquoted_account_ids() -> None:
    cluster = {
        "name": "x",
        "provider": "aws",
        "aws": {**_ACCESS["aws"], "account_id": 12345678901},
        "hubs": [{**_GOOD_HUB, "domian": "typo.example.org"}],
    }
    paths = {path for path, _ in _errors("cluster", cluster)}
    assert paths == {"$.aws.account_id", "$.hubs[0]"}


def test_kubeconfig_file_must_be_a_secret() -> None:
    cluster = {
        "name": "x",
        "provider": "kubeconfig",
        "kubeconfig": {"file": "kubeconfig.yaml"},
        "hubs": [_GOOD_HUB],
    }
    assert [p for p, _ in _errors("cluster", cluster)] == ["$.kubeconfig.file"]


# ---------------------------------------------------------------------------- hub schema


def test_hub_accepts_the_jupyterhub_layout() -> None:
    values = {
        "hub": {"config": {"JupyterHub": {"authenticator_class": "github"}}},
        "singleuser": {"memory": {"limit": "4G", "guarantee": "2G"}, "cpu": {"limit": 2}},
        "cull": {"timeout": 7200},
    }
    assert _errors("hub", values) == []


def test_hub_accepts_the_daskhub_layout_and_rejects_mixing_it() -> None:
    dask = {
        "jupyterhub": {"singleuser": {"memory": {"limit": "4G"}}},
        "dask-gateway": {"gateway": {"backend": {"worker": {"cores": {"limit": 2}}}}},
    }
    assert _errors("hub", dask) == []
    mixed = {**dask, "singleuser": {}, "cull": {}}
    assert [p for p, _ in _errors("hub", mixed)] == ["$.cull", "$.singleuser"]


def test_hub_layout_rule_lists_exactly_the_jupyterhub_keys() -> None:
    schema = load_schema("hub")
    jupyterhub_keys = set(schema["$defs"]["jupyterhub"]["properties"])
    assert set(schema["properties"]) == jupyterhub_keys | {"jupyterhub", "dask-gateway"}
    (rule,) = schema["allOf"]
    assert set(rule["then"]["properties"]) == jupyterhub_keys


def test_hub_rejects_bad_sizes_and_unknown_authenticators() -> None:
    values = {
        "hub": {"config": {"JupyterHub": {"authenticator_class": "ldap"}}},
        "singleuser": {"memory": {"limit": "4 GB"}, "cpu": {"guarantee": 0}},
    }
    paths = [p for p, _ in _errors("hub", values)]
    assert paths == [
        "$.hub.config.JupyterHub.authenticator_class",
        "$.singleuser.cpu.guarantee",
        "$.singleuser.memory.limit",
    ]


def test_hub_gpu_profile_is_valid() -> None:
    profile: dict[str, Any] = {
        "display_name": "GPU",
        "kubespawner_override": {
            "image": "quay.io/jupyter/pytorch-notebook:cuda12-2024-10-14",
            "extra_resource_limits": {"nvidia.com/gpu": 1},
        },
    }
    assert _errors("hub", {"singleuser": {"profileList": [profile]}}) == []
    profile["kubespawner_override"]["extra_resource_limits"] = {"nvidia.com/gpu": 0}
    assert _errors("hub", {"singleuser": {"profileList": [profile]}}) != []


# ---------------------------------------------------------------------------- the model


def _fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_cluster_schema_matches_the_model() -> None:
    """The schema and deployer.config.model describe the same fields."""
    schema = load_schema("cluster")
    defs = schema["$defs"]
    assert schema["properties"]["provider"]["enum"] == [p.value for p in model.Provider]
    assert defs["hub"]["properties"]["stage"]["enum"] == [s.value for s in model.Stage]
    access = {
        "gcp": model.GcpAccess,
        "aws": model.AwsAccess,
        "azure": model.AzureAccess,
        "kubeconfig": model.KubeconfigAccess,
    }
    for provider, cls in access.items():
        assert set(defs[provider]["properties"]) == _fields(cls), provider
    assert set(defs["hub"]["properties"]) == _fields(model.Hub) - {"cluster"}
    assert set(defs["support"]["properties"]) == _fields(model.Support)
    assert set(schema["properties"]) - set(access) == (_fields(model.Cluster) - {"access", "path"})


def test_chart_schema_matches_the_model() -> None:
    props = set(load_schema("chart")["properties"])
    assert props - {"description"} == _fields(model.Chart) - {"id", "path"}


# ---------------------------------------------------------------------------- the example config


def test_example_config_has_the_promised_variety() -> None:
    """The docs and inventory pages rely on these examples existing."""
    clusters = _cluster_files()
    providers = {data["provider"] for _, data in clusters}
    hubs = [hub for _, data in clusters for hub in data["hubs"]]
    names = {folder.name for folder, _ in clusters}
    assert len(clusters) >= 6
    assert providers == {"gcp", "aws", "azure", "kubeconfig"}
    assert len(hubs) >= 18
    assert max(len(data["hubs"]) for _, data in clusters) >= 6
    many_staging = [d for _, d in clusters if sum(h["stage"] == "staging" for h in d["hubs"]) > 1]
    assert len(many_staging) >= 2
    assert any(a != b and b.startswith(a) for a in names for b in names)
    assert {hub["chart"] for hub in hubs} >= {"jupyterhub", "daskhub"}


@pytest.mark.parametrize("chart", CHARTS, ids=[p.stem for p in CHARTS])
def test_example_chart_pins_are_valid(chart: Path) -> None:
    assert _errors("chart", _read(chart)) == []


@pytest.mark.parametrize("folder", CLUSTERS, ids=[p.name for p in CLUSTERS])
def test_example_cluster_is_valid_and_self_contained(folder: Path) -> None:
    """Valid, named after its folder, every file it names exists, and it holds nothing else."""
    data = _read(folder / "cluster.yaml")
    assert _errors("cluster", data) == []
    assert data["name"] == folder.name
    referenced = {"cluster.yaml"}
    charts = [hub["chart"] for hub in data["hubs"]]
    for hub in data["hubs"]:
        referenced.update(hub["values_files"])
    if "support" in data:
        charts.append(data["support"]["chart"])
        referenced.update(data["support"].get("values_files", []))
    if data["provider"] == "kubeconfig":
        referenced.add(data["kubeconfig"]["file"])
    present = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert present == referenced
    assert {f"{chart}.yaml" for chart in charts} <= {p.name for p in CHARTS}
    hub_names = [hub["name"] for hub in data["hubs"]]
    assert len(hub_names) == len(set(hub_names))


def test_example_domains_are_unique_across_clusters() -> None:
    domains = [hub["domain"] for _, data in _cluster_files() for hub in data["hubs"]]
    assert len(domains) == len(set(domains))


@pytest.mark.parametrize(
    ("path", "chart"),
    _hub_values_files(),
    ids=[str(p.relative_to(CONFIG)) for p, _ in _hub_values_files()],
)
def test_example_hub_values_are_valid_in_their_charts_layout(path: Path, chart: str) -> None:
    values = _read(path)
    assert _errors("hub", values) == []
    daskhub_layout = bool({"jupyterhub", "dask-gateway"} & set(values))
    assert daskhub_layout == (chart == "daskhub")


SECRETS = sorted((CONFIG / "clusters").glob("*/*secret*"))


@pytest.mark.parametrize("path", SECRETS, ids=[str(p.relative_to(CONFIG)) for p in SECRETS])
def test_example_secret_files_hold_only_sops_ciphertext(path: Path) -> None:
    data = _read(path)
    metadata = data.pop("sops")
    assert metadata["version"] == "3.9.1"
    assert _ENC.match(metadata["mac"])
    assert metadata.get("age") or metadata.get("gcp_kms")
    leaves = list(_leaves(data))
    assert leaves
    plain = [where for where, value in leaves if not _ENC.match(str(value))]
    assert not plain, f"unencrypted values at {plain}"


def _hub_cases() -> list[tuple[str, dict[str, Any], Path]]:
    return [(folder.name, hub, folder) for folder, data in _cluster_files() for hub in data["hubs"]]


@pytest.mark.parametrize(
    ("cluster", "hub", "folder"),
    _hub_cases(),
    ids=[f"{c}/{h['name']}" for c, h, _ in _hub_cases()],
)
def test_example_hub_values_agree_with_its_cluster_entry(
    cluster: str, hub: dict[str, Any], folder: Path
) -> None:
    """Host names and callback URLs in a hub's values name the domain cluster.yaml gives it."""
    assert hub["domain"] == f"{hub['name']}.{cluster}.hubs.example.org"
    assert hub["values_files"][-1] == f"enc-{hub['name']}.secret.values.yaml"
    domain = hub["domain"]
    seen: list[list[str]] = []
    for rel in hub["values_files"]:
        if "secret" in rel:
            continue
        values = _read(folder / rel)
        values = values.get("jupyterhub", values)
        hosts = [
            values.get("ingress", {}).get("hosts"),
            values.get("proxy", {}).get("https", {}).get("hosts"),
            *[tls["hosts"] for tls in values.get("ingress", {}).get("tls", [])],
        ]
        seen.extend(h for h in hosts if h is not None)
        for settings in values.get("hub", {}).get("config", {}).values():
            url = settings.get("oauth_callback_url")
            if url is not None:
                assert url == f"https://{domain}/hub/oauth_callback", rel
    assert seen, f"no values file of {cluster}/{hub['name']} names its host"
    assert all(hosts == [domain] for hosts in seen)


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge *over* into *base* as Helm merges values files: maps deeply, the rest replaced."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


@pytest.mark.parametrize(
    ("cluster", "hub", "folder"),
    _hub_cases(),
    ids=[f"{c}/{h['name']}" for c, h, _ in _hub_cases()],
)
def test_example_hub_gets_its_certificate_from_something_the_repository_sets_up(
    cluster: str, hub: dict[str, Any], folder: Path
) -> None:
    """HTTPS ends in the proxy (Let's Encrypt) or at an Ingress with an existing TLS secret.

    No hub relies on a certificate issuer (cert-manager) that nothing here installs.
    """
    values: dict[str, Any] = {}
    for rel in hub["values_files"]:
        if "secret" not in rel:
            data = _read(folder / rel)
            values = _merged(values, data.get("jupyterhub", data))
    proxy, ingress = values.get("proxy", {}), values.get("ingress", {})
    https = proxy.get("https", {})
    assert not any(key.startswith("cert-manager.io/") for key in ingress.get("annotations", {}))
    if https.get("enabled"):
        assert not ingress.get("enabled"), f"{cluster}/{hub['name']}: proxy HTTPS and an Ingress"
        assert https.get("type") == "letsencrypt"
        assert https.get("hosts") == [hub["domain"]]
        assert "@" in https.get("letsencrypt", {}).get("contactEmail", "")
        assert proxy.get("service", {}).get("type", "LoadBalancer") == "LoadBalancer"
    else:
        assert ingress.get("enabled"), f"{cluster}/{hub['name']} has no HTTPS"
        assert proxy.get("service", {}).get("type") == "ClusterIP"
        assert [tls["hosts"] for tls in ingress.get("tls", [])] == [[hub["domain"]]]


def _creation_rule(path: str) -> dict[str, Any] | None:
    """The first rule of .sops.yaml whose path_regex matches *path*, as sops picks it."""
    rules = _read(ROOT / ".sops.yaml")["creation_rules"]
    return next((rule for rule in rules if re.search(rule["path_regex"], path)), None)


@pytest.mark.parametrize(
    "path",
    sorted((CONFIG / "clusters").glob("*/enc-*")),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_sops_creation_rule_picks_the_keys_the_secret_file_is_encrypted_with(path: Path) -> None:
    """`sops --encrypt` on a cluster's secret file uses the keys its committed copy lists."""
    relative = path.relative_to(ROOT).as_posix()
    rule = _creation_rule(relative)
    assert rule is not None, f"no creation rule of .sops.yaml matches {relative}"
    assert _creation_rule(f"/home/operator/hubs/{relative}") == rule
    metadata = _read(path)["sops"]
    recipients = sorted(key["recipient"] for key in metadata.get("age") or [])
    kms = [key["resource_id"] for key in metadata.get("gcp_kms") or []]
    assert sorted(filter(None, rule.get("age", "").split(","))) == recipients
    assert ([rule["gcp_kms"]] if "gcp_kms" in rule else []) == kms


@pytest.mark.parametrize(
    "path",
    [
        "config/clusters/nasa/prod.values.yaml",
        "config/clusters/nasa/cluster.yaml",
        "config/clusters/nasa-veda-old/enc-prod.secret.values.yaml",
        "tests/data/configs/valid/minimal/clusters/uk/enc-prod.secret.values.yaml",
    ],
)
def test_sops_creation_rules_match_only_secret_files_of_known_clusters(path: str) -> None:
    """A file not named enc-*.secret.* in a known cluster's folder gets no key."""
    assert _creation_rule(path) is None


def test_sops_has_a_creation_rule_for_every_cluster() -> None:
    """A new cluster folder needs its rule before its first secret can be encrypted."""
    for folder in CLUSTERS:
        assert _creation_rule(f"config/clusters/{folder.name}/enc-new.secret.values.yaml")
