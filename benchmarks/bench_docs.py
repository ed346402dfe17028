"""How long the documentation site takes to build, and what the project's own extensions cost.

Scenarios, each built three ways: with all the project's extensions
(reference generation and schema domain, Diátaxis audit), with the reference
extension only (``HUB_DOCS_NO_EXTENSIONS=audit``), and without any
(``HUB_DOCS_NO_EXTENSIONS=1``, the baseline measured in the same run):

- cold: from an empty output folder;
- no-change: again, with nothing changed;
- one-page edit: after appending a paragraph to one page.

Two sites: a copy of ``docs/`` (``benchmarks/_work/site``), and the same
with 1,000 synthetic pages added (``benchmarks/_work/synthetic``).  Builds
run ``python -m sphinx -b html -q`` in a subprocess, one at a time.  Printed:
the median wall time of the runs of each scenario (and the median CPU time,
which shared machines disturb less), and the ratios to the baseline.
Targets: a one-page rebuild under 3 s; the extensions add at most 10 % to a
cold build.

    python benchmarks/bench_docs.py [--runs N] [--cold-runs N] [--big-runs N] [--skip-big]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
WORK = ROOT / "benchmarks" / "_work"
EDITED = Path("how-to") / "add-a-hub.md"
TARGET_EDIT_SECONDS = 3.0
TARGET_OVERHEAD = 0.10

SYNTHETIC_PAGE = """\
# Synthetic page {n}

A page of the synthetic site, number {n}. It links to the stage of a hub,
{{schema:prop}}`cluster:hubs[].stage`, and to {{doc}}`/how-to/add-a-hub`.

## Settings

Each hub lists its values files in order, the last one winning. The memory
limit of a user is written as a number and a suffix.

```yaml
singleuser:
  memory:
    limit: {n}M
```

## Steps

1. Write the values file.
2. Add the hub to the cluster file.
3. Validate:

   ```console
   $ deployer validate
   ok: ... valid
   ```

## Notes

:Type: string
:Required: yes
:Default: `staging`

| Column | Meaning |
| --- | --- |
| stage | `staging` or `prod` |
| chart | a chart id |
"""


def copy_site(dest: Path) -> None:
    """Copy docs/ to *dest* (no build output), with the generated pages already present."""
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(DOCS, dest, ignore=shutil.ignore_patterns("_build"))
    subprocess.run(
        [sys.executable, "-m", "tools.reference", str(dest / "reference" / "generated")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def add_synthetic_pages(site: Path, count: int) -> None:
    """Add *count* pages under synthetic/, listed by a toctree of the landing page."""
    folder = site / "synthetic"
    folder.mkdir()
    names = [f"page-{n:04d}" for n in range(count)]
    for n, name in enumerate(names):
        (folder / f"{name}.md").write_text(SYNTHETIC_PAGE.format(n=n), encoding="utf-8")
    toctree = "\n".join(names)
    (folder / "index.md").write_text(
        f"# Synthetic pages\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n", encoding="utf-8"
    )
    index = site / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(
        text.replace("explanation/index\n```", "explanation/index\nsynthetic/index\n```")
    )


#: Variants: the value of HUB_DOCS_NO_EXTENSIONS for each.
VARIANTS = {"all own extensions": "", "reference only": "audit", "none (baseline)": "1"}

Times = dict[str, tuple[float, float]]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(site: Path, out: Path, *, off: str) -> tuple[float, float]:
    """Build *site* into *out*; return the wall and CPU time in seconds."""
    env = dict(os.environ)
    env["HUB_DOCS_NO_EXTENSIONS"] = off
    command = [
        sys.executable, "-m", "sphinx", "-b", "html", "-q",
        "-d", str(out / "doctrees"),
        "-D", f"hub_deployer_config_dir={ROOT / 'config'}",
        str(site), str(out / "html"),
    ]  # fmt: skip
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    return elapsed, cpu


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def measure(site: Path, *, cold_runs: int, runs: int) -> dict[str, Times]:
    """Medians (wall, CPU) of the cold, no-change and one-page-edit builds of every variant.

    The variants take turns within each round, so a busy moment of a shared
    machine slows all of them rather than one.
    """
    outs = {name: WORK / f"out-{off or 'all'}" / site.name for name, off in VARIANTS.items()}
    cold: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    unchanged: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    edited: dict[str, list[tuple[float, float]]] = {name: [] for name in VARIANTS}
    for _ in range(cold_runs):
        for name, off in VARIANTS.items():
            shutil.rmtree(outs[name], ignore_errors=True)
            cold[name].append(build(site, outs[name], off=off))
    for _ in range(runs):
        for name, off in VARIANTS.items():
            unchanged[name].append(build(site, outs[name], off=off))
    page = site / EDITED
    original = page.read_text(encoding="utf-8")
    try:
        for n in range(runs):
            page.write_text(original + f"\nEdited for the benchmark ({n}).\n", encoding="utf-8")
            for name, off in VARIANTS.items():
                edited[name].append(build(site, outs[name], off=off))
    finally:
        page.write_text(original, encoding="utf-8")
    return {
        name: {
            "cold": _median(cold[name]),
            "no-change": _median(unchanged[name]),
            "one-page edit": _median(edited[name]),
        }
        for name in VARIANTS
    }


def report(title: str, results: dict[str, Times], runs: str) -> None:
    """Print one table: wall (CPU) medians per variant, ratios to the baseline, targets."""
    base = results["none (baseline)"]
    print(f"\n{title} ({runs})")
    print("seconds: wall median x ratio to baseline (CPU median x ratio to baseline)")
    print(f"{'scenario':<15}" + "".join(f"{name:>30}" for name in results))
    for scenario in base:
        cells = []
        for times in results.values():
            wall, cpu = times[scenario]
            ratio = wall / base[scenario][0]
            cpu_ratio = cpu / base[scenario][1]
            cells.append(f"{wall:6.2f} x{ratio:4.2f} ({cpu:5.2f} x{cpu_ratio:4.2f})")
        print(f"{scenario:<15}" + "".join(f"{c:>30}" for c in cells))
    for name, times in results.items():
        if name == "none (baseline)":
            continue
        edit, edit_cpu = times["one-page edit"]
        wall_overhead = times["cold"][0] / base["cold"][0] - 1
        cpu_overhead = times["cold"][1] / base["cold"][1] - 1
        print(
            f"{name}: one-page rebuild {edit:.2f}s wall, {edit_cpu:.2f}s CPU"
            f" (target < {TARGET_EDIT_SECONDS:.0f}s:"
            f" {'met' if edit < TARGET_EDIT_SECONDS else 'missed'}); cold build"
            f" {wall_overhead:+.1%} wall, {cpu_overhead:+.1%} CPU"
            f" (target <= {TARGET_OVERHEAD:.0%}:"
            f" {'met' if wall_overhead <= TARGET_OVERHEAD else 'missed'})"
        )


def main() -> int:
    """Run the benchmark; exit 0 whatever the figures (they are printed, not asserted)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of the incremental builds")
    parser.add_argument("--cold-runs", type=int, default=3, help="runs of the cold builds")
    parser.add_argument("--big-runs", type=int, default=1, help="runs of each 1,000-page build")
    parser.add_argument("--pages", type=int, default=1000, help="synthetic pages")
    parser.add_argument("--skip-big", action="store_true", help="skip the 1,000-page site")
    args = parser.parse_args()

    WORK.mkdir(parents=True, exist_ok=True)
    site = WORK / "site"
    copy_site(site)
    pages = sum(1 for _ in site.rglob("*.md"))
    runs = f"{pages} pages; medians of {args.cold_runs} cold, {args.runs} incremental runs"
    report("docs/ site", measure(site, cold_runs=args.cold_runs, runs=args.runs), runs)

    if not args.skip_big:
        big = WORK / "synthetic"
        copy_site(big)
        add_synthetic_pages(big, args.pages)
        total = sum(1 for _ in big.rglob("*.md"))
        n = args.big_runs
        results = measure(big, cold_runs=n, runs=n)
        report(f"docs/ + {args.pages} synthetic pages", results, f"{total} pages, {n} run(s) each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
