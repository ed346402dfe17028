"""Benchmark ``deployer plan-upgrade`` on a 500-cluster x 20-hub tree with 5,000 changed files.

    python benchmarks/bench_plan.py [--clusters 500] [--hubs 20] [--changes 5000] [--runs 7]

Writes the synthetic tree of benchmarks/_synth.py into benchmarks/_work/plan/config
(git-ignored) and a list of changed files (hub, secret and support values files,
cluster.yaml files, docs and unknown files), then measures

* the plan itself, in this process, after loading: ``plan_upgrade()`` on the
  loaded model (target < 0.2 s), and rendering it as JSON;
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
import random
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


def median_time(function: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_subprocess(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


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

    print(f"\nmedians of {args.runs} runs")
    print(f"  load (read_config_fast, in process)      {load:8.3f} s")
    print(f"  plan_upgrade() after loading             {core:8.3f} s   target < 0.2 s: "
          f"{'ok' if core < PLAN_TARGET else 'MISSED'}")  # fmt: skip
    print(f"  plan as JSON                             {render:8.3f} s")
    print(f"  whole command (subprocess)               {whole:8.3f} s   target < 1 s: "
          f"{'ok' if whole < COMMAND_TARGET else 'MISSED'}")  # fmt: skip
    print(f"  baseline: python -c pass                 {startup:8.3f} s")
    print(f"  baseline: CSafeLoader on cluster.yaml    {yaml_only:8.3f} s")
    print(f"\n  whole command / python startup           {whole / startup:8.2f}x")
    print(f"  whole command / plain YAML loading       {whole / yaml_only:8.2f}x")
    print(f"  plan_upgrade / plain YAML loading        {core / yaml_only:8.2f}x")


if __name__ == "__main__":
    main()
