"""Benchmark ``deployer plan-upgrade`` on a 500-cluster x 20-hub tree with 5,000 changed files.

    python benchmarks/bench_plan.py [--clusters 500] [--hubs 20] [--changes 5000] [--runs 7]

Writes the synthetic tree of benchmarks/_synth.py into benchmarks/_work/plan/config
(git-ignored) and a list of changed files (hub, secret and support values files,
cluster.yaml files, docs and unknown files), then measures

* the plan itself, in this process, after loading: ``plan_upgrade()`` on the
  loaded model (target < 0.2 s), also with the cyclic garbage collector
  paused as the command runs it, and rendering it as JSON;
* the whole command in a subprocess, loading included:
  ``python -m deployer plan-upgrade --changed-files-from LIST --format json``
  (target < 1 s);
* baselines measured in the same run: ``python -c pass`` (interpreter start)
  and ``python -c`` loading every cluster.yaml with PyYAML's CSafeLoader
  (the reading the command cannot avoid).

It prints the median of each and the command's ratios to the baselines.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).parent))

from _synth import SynthTree, make_tree

from deployer.config import read_config_fast
from deployer.plan import ChangedFile, plan_to_json, plan_upgrade

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

ROOT = Path(__file__).resolve().parent.parent
#: The targets of the issue: the plan after loading, and the whole command.
PLAN_TARGET = 0.2
COMMAND_TARGET = 1.0
WORK = ROOT / "benchmarks" / "_work" / "plan"

YAML_BASELINE = """
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).glob("clusters/*/cluster.yaml")):
    yaml.load(path.read_text(), Loader=yaml.CSafeLoader)
"""


def changed_files(tree: SynthTree, count: int, seed: int = 0) -> list[str]:
    """A deterministic mix of *count* repository-relative changed paths."""
    rng = random.Random(seed)
    repo = tree.root.parent

    def rel(paths: Sequence[Path], n: int) -> list[str]:
        return [p.relative_to(repo).as_posix() for p in rng.sample(list(paths), min(n, len(paths)))]

    docs = [f"docs/how-to/page-{i}.md" for i in range(count // 50)]
    unknown = [f"scripts/tool-{i}.sh" for i in range(count // 100)]
    clusters = rel(tree.cluster_files, count // 50)
    support = rel(tree.support_values_files, count // 20)
    secrets = rel(tree.secret_files, count // 10)
    rest = count - len(docs) - len(unknown) - len(clusters) - len(support) - len(secrets)
    files = docs + unknown + clusters + support + secrets + rel(tree.hub_values_files, rest)
    rng.shuffle(files)
    return files


def median_time(function: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of *function* run in this process."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def median_subprocess(command: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system) seconds of *command* run as a child process."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def _row(label: str, figures: tuple[float, float], target: float | None = None) -> str:
    wall, cpu = figures
    line = f"  {label:<42} {wall:7.3f} s wall {cpu:7.3f} s CPU"
    if target is not None:
        line += f"   target < {target:g} s: {'ok' if wall < target else 'MISSED'} (wall)"
        line += f", {'ok' if cpu < target else 'MISSED'} (CPU)"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clusters", type=int, default=500)
    parser.add_argument("--hubs", type=int, default=20)
    parser.add_argument("--changes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    start = time.perf_counter()
    tree = make_tree(WORK / "config", clusters=args.clusters, hubs=args.hubs)
    files = changed_files(tree, args.changes)
    listing = WORK / "changed.txt"
    listing.write_text("\n".join(files) + "\n")
    print(
        f"tree: {args.clusters} clusters x {args.hubs} hubs, {tree.file_count} files, "
        f"{len(files)} changed files (written in {time.perf_counter() - start:.1f} s)"
    )

    load = median_time(lambda: read_config_fast(tree.root), args.runs)
    config = read_config_fast(tree.root)
    changes = [ChangedFile(path) for path in files]
    plan = plan_upgrade(config, changes)
    core = median_time(lambda: plan_upgrade(config, changes), args.runs)
    gc.disable()
    try:
        core_paused = median_time(lambda: plan_upgrade(config, changes), args.runs)
    finally:
        gc.enable()
    render = median_time(lambda: plan_to_json(plan), args.runs)
    print(
        f"plan: {len(plan.support)} support, {len(plan.staging)} staging and {len(plan.prod)} "
        f"prod jobs, {len(plan.ignored)} ignored; grouped: {plan.grouped or 'no'}"
    )

    python = sys.executable
    command = [python, "-m", "deployer", "plan-upgrade", "--changed-files-from", str(listing),
               "--config-dir", str(tree.root), "--format", "json"]  # fmt: skip
    whole = median_subprocess(command, args.runs)
    startup = median_subprocess([python, "-c", "pass"], args.runs)
    yaml_only = median_subprocess([python, "-c", YAML_BASELINE, str(tree.root)], args.runs)

    print(
        f"\nmedians of {args.runs} runs (CPU time is steadier on a busy machine; "
        f"load average {os.getloadavg()[0]:.2f})"
    )
    print(_row("load (read_config_fast, in process)", load))
    print(_row("plan_upgrade() after loading", core, PLAN_TARGET))
    print(_row("plan_upgrade(), collector paused (as run)", core_paused, PLAN_TARGET))
    print(_row("plan as JSON", render))
    print(_row("whole command (subprocess)", whole, COMMAND_TARGET))
    print(_row("baseline: python -c pass", startup))
    print(_row("baseline: CSafeLoader on every cluster.yaml", yaml_only))
    print("\nratios (wall, CPU)")
    for label, num, den in [
        ("whole command / python startup", whole, startup),
        ("whole command / plain YAML loading", whole, yaml_only),
        ("plan_upgrade() / plain YAML loading", core, yaml_only),
    ]:
        print(f"  {label:<42} {num[0] / den[0]:7.2f}x {num[1] / den[1]:7.2f}x")


if __name__ == "__main__":
    main()
