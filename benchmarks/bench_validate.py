"""Benchmark ``deployer validate`` on a large synthetic tree against check-jsonschema.

    python benchmarks/bench_validate.py [--clusters 500] [--hubs 20] [--runs 5]

Writes a valid tree of CLUSTERS x HUBS hubs (benchmarks/_synth.py) into
benchmarks/_work/ (git-ignored), then times, in subprocesses, several runs of

* ``deployer validate --config-dir TREE`` (schemas, cross-file rules, sops checks), and
* the baseline: ``check-jsonschema --schemafile`` with the cluster schema over
  every ``cluster.yaml`` and with the hub schema over every non-secret hub
  values file (one invocation per schema, as few as the command line allows);
  it checks less than the deployer does (no cross-file rules, no secrets).

It prints the median wall time and CPU time (user + system) of each, their
ratio (deployer / check-jsonschema; below 1 is faster) and each tool's peak
memory (``ru_maxrss`` of the child process).  Targets: ratio <= 1, peak < 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _synth import SynthTree, make_tree

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work" / "validate"
SCHEMAS = ROOT / "deployer" / "schemas"
#: Keep each command line well below the kernel's limit on arguments.
MAX_ARGS_BYTES = 1_000_000


def run(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Run *command*; return wall seconds, CPU seconds and peak RSS (KiB) of the child."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        err = process.stderr.read().decode() if process.stderr else ""
        sys.exit(f"{command[0]} failed ({process.returncode}): {err[-2000:]}")
    if process.stderr:
        process.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def chunks(files: list[str]) -> list[list[str]]:
    """Split *files* into as few command lines as the argument limit allows."""
    groups: list[list[str]] = [[]]
    size = 0
    for name in files:
        if size + len(name) + 1 > MAX_ARGS_BYTES:
            groups.append([])
            size = 0
        groups[-1].append(name)
        size += len(name) + 1
    return groups


def check_jsonschema_commands(tree: SynthTree) -> list[list[str]]:
    """The baseline's invocations, with paths relative to the tree."""
    program = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    if program is None:
        sys.exit("check-jsonschema is not installed (pip install check-jsonschema)")
    commands = []
    for schema, files in (
        ("cluster", tree.cluster_files),
        ("hub", tree.hub_values_files),
    ):
        names = [str(p.relative_to(tree.root)) for p in files]
        schemafile = str(SCHEMAS / f"{schema}.schema.yaml")
        commands += [[program, "--schemafile", schemafile, *group] for group in chunks(names)]
    return commands


def measure(commands: list[list[str]], cwd: Path, runs: int) -> tuple[float, float, int]:
    """Median wall and CPU seconds over *runs* runs of all *commands*, and the peak RSS."""
    walls, cpus, peak = [], [], 0
    for _ in range(runs):
        wall = cpu = 0.0
        for command in commands:
            w, c, rss = run(command, cwd)
            wall, cpu, peak = wall + w, cpu + c, max(peak, rss)
        walls.append(wall)
        cpus.append(cpu)
    return statistics.median(walls), statistics.median(cpus), peak


def main() -> None:
    """Build the tree, time both tools, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clusters", type=int, default=500)
    parser.add_argument("--hubs", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    tree = make_tree(WORK, clusters=args.clusters, hubs=args.hubs)
    print(
        f"tree: {args.clusters} clusters x {args.hubs} hubs, {tree.file_count} files "
        f"({len(tree.cluster_files)} cluster.yaml, {len(tree.hub_values_files)} hub values, "
        f"{len(tree.secret_files)} secret), {args.runs} runs each"
    )
    deployer = [[sys.executable, "-m", "deployer", "validate", "--config-dir", "."]]
    ours = measure(deployer, WORK, args.runs)
    baseline = measure(check_jsonschema_commands(tree), WORK, args.runs)

    print(f"{'':<24}{'wall median':>12}{'cpu median':>12}{'peak MiB':>10}")
    for name, (wall, cpu, rss) in (("deployer validate", ours), ("check-jsonschema", baseline)):
        print(f"{name:<24}{wall:>11.2f}s{cpu:>11.2f}s{rss / 1024:>10.0f}")
    print(
        f"ratio deployer/check-jsonschema: wall {ours[0] / baseline[0]:.2f}, "
        f"cpu {ours[1] / baseline[1]:.2f} (below 1 is faster); "
        f"deployer peak {ours[2] / 1024:.0f} MiB (target < 1024)"
    )


if __name__ == "__main__":
    main()
