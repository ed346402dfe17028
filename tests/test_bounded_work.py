"""Hostile inputs cost time in proportion to their size, never more.

Each test times the same check on an input and on one four times larger (see
``timing.py``).  The inputs are large enough that each run takes tens of
milliseconds, so timer noise does not decide.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from timing import LINEAR, growth

from deployer.validate import validate_config
from deployer.validate._report import format_text
from deployer.validate._schema import _Validator, validator_findings

if TYPE_CHECKING:
    from collections.abc import Callable

CONFIG = Path(__file__).parent.parent / "config"


def test_repeated_items_are_found_in_linear_time():
    validator = _Validator({"type": "array", "uniqueItems": True})

    def make(n: int) -> Callable[[], object]:
        items: list[object] = [f"user-{i}" for i in range(n)] + list(range(n)) + ["user-0"]
        return lambda: validator_findings(validator, "hub", items)

    assert growth(make, 20_000) < LINEAR


def _cluster_with_hubs_sharing_a_domain(root: Path, n: int) -> Path:
    config = root / f"config-{n}"
    shutil.copytree(CONFIG / "charts", config / "charts")
    folder = config / "clusters" / "many"
    shutil.copytree(CONFIG / "clusters" / "leap", folder)
    cluster = yaml.safe_load((folder / "cluster.yaml").read_text())
    template = cluster["hubs"][1]
    cluster["name"] = "many"
    cluster["hubs"] = [
        {**template, "name": f"hub{i}", "display_name": f"Hub {i}", "domain": "one.example.org"}
        for i in range(n)
    ]
    (folder / "cluster.yaml").write_text(yaml.safe_dump(cluster))
    return config


def test_hubs_sharing_one_domain_are_reported_in_linear_time_and_bounded_text(tmp_path):
    def make(n: int) -> Callable[[], object]:
        config = _cluster_with_hubs_sharing_a_domain(tmp_path, n)
        return lambda: validate_config(config)

    assert growth(make, 250) < LINEAR
    report = validate_config(_cluster_with_hubs_sharing_a_domain(tmp_path, 4000))
    assert not report.ok
    assert len(format_text(report)) < 100_000  # each message names a few hubs and counts the rest
