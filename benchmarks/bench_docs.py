"""How long the documentation site takes to build, and what the project's own extensions cost.

Scenarios, each built with the project's extensions (reference generation,
schema domain, Diátaxis audit) and without them (``HUB_DOCS_NO_EXTENSIONS=1``,
the baseline measured in the same run):

- cold: from an empty output folder;
- no-change: again, with nothing changed;
- one-page edit: after appending a paragraph to one page.

Two sites: a copy of ``docs/`` (``benchmarks/_work/site``), and the same
with 1,000 synthetic pages added (``benchmarks/_work/synthetic``).  Builds
run ``python -m sphinx -b html -q`` in a subprocess, one at a time.  Printed:
the median of the runs of each scenario, and the ratio with/without the
extensions.  Targets: a one-page rebuild under 3 s; the extensions add at
most 10 % to a cold build.

    python benchmarks/bench_docs.py [--runs N] [--cold-runs N] [--big-runs N] [--skip-big]
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


def build(site: Path, out: Path, *, extensions: bool) -> float:
    """Build *site* into *out*; return the wall time in seconds."""
    env = dict(os.environ)
    if not extensions:
        env["HUB_DOCS_NO_EXTENSIONS"] = "1"
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-q",
        "-d",
        str(out / "doctrees"),
        "-D",
        f"hub_deployer_config_dir={ROOT / 'config'}",
        str(site),
        str(out / "html"),
    ]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    return elapsed


def scenario_times(site: Path, *, extensions: bool, cold_runs: int, runs: int) -> dict[str, float]:
    """Medians of the cold, no-change and one-page-edit builds of *site*."""
    out = WORK / ("out-ext" if extensions else "out-noext") / site.name
    cold = []
    for _ in range(cold_runs):
        shutil.rmtree(out, ignore_errors=True)
        cold.append(build(site, out, extensions=extensions))
    unchanged = [build(site, out, extensions=extensions) for _ in range(runs)]
    page = site / EDITED
    original = page.read_text(encoding="utf-8")
    edited = []
    try:
        for n in range(runs):
            page.write_text(original + f"\nEdited for the benchmark ({n}).\n", encoding="utf-8")
            edited.append(build(site, out, extensions=extensions))
    finally:
        page.write_text(original, encoding="utf-8")
    return {
        "cold": statistics.median(cold),
        "no-change": statistics.median(unchanged),
        "one-page edit": statistics.median(edited),
    }


def report(title: str, with_ext: dict[str, float], without: dict[str, float], runs: str) -> bool:
    """Print one table; return whether the targets are met."""
    print(f"\n{title} ({runs})")
    print(f"{'scenario':<15} {'own extensions':>15} {'without':>10} {'ratio':>7}")
    for name, seconds in with_ext.items():
        base = without[name]
        print(f"{name:<15} {seconds:>14.2f}s {base:>9.2f}s {seconds / base:>7.2f}")
    overhead = with_ext["cold"] / without["cold"] - 1
    edit = with_ext["one-page edit"]
    edit_ok = edit < TARGET_EDIT_SECONDS
    overhead_ok = overhead <= TARGET_OVERHEAD
    print(
        f"one-page rebuild {edit:.2f}s (target < {TARGET_EDIT_SECONDS:.0f}s:"
        f" {'met' if edit_ok else 'MISSED'}); extensions add {overhead:+.1%} to a cold build"
        f" (target <= {TARGET_OVERHEAD:.0%}: {'met' if overhead_ok else 'MISSED'})"
    )
    return edit_ok and overhead_ok


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
    with_ext = scenario_times(site, extensions=True, cold_runs=args.cold_runs, runs=args.runs)
    without = scenario_times(site, extensions=False, cold_runs=args.cold_runs, runs=args.runs)
    report("docs/ site", with_ext, without, runs)

    if not args.skip_big:
        big = WORK / "synthetic"
        copy_site(big)
        add_synthetic_pages(big, args.pages)
        total = sum(1 for _ in big.rglob("*.md"))
        n = args.big_runs
        with_ext = scenario_times(big, extensions=True, cold_runs=n, runs=n)
        without = scenario_times(big, extensions=False, cold_runs=n, runs=n)
        report(
            f"docs/ + {args.pages} synthetic pages",
            with_ext,
            without,
            f"{total} pages, {n} run(s) each",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
