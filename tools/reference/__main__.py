"""``python -m tools.reference [--check] OUTDIR``: write (or check) the generated reference.

With ``--check`` nothing is written; the exit status is 1 when a page would
change (it names the pages), so CI can tell that generated output is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deployer.errors import DeployerError
from tools.reference.generate import (
    Sources,
    default_schemas,
    render_pages,
    stale_pages,
    write_pages,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.reference",
        description=(
            "Generate the schema, CLI, inventory, rule-table and workflow reference pages"
            " (MyST) into OUTDIR."
        ),
    )
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="folder for the pages")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and list the pages when any would change",
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=Path("config"),
        help="config root for the inventory page (default: %(default)s)",
    )
    parser.add_argument(
        "--workflows-dir",
        type=Path,
        default=Path(".github/workflows"),
        help="GitHub Actions workflows for the workflows page, if the folder exists"
        " (default: %(default)s)",
    )
    parser.add_argument(
        "--no-rules",
        action="store_true",
        help="leave out the planner, validation and audit rule-table pages",
    )
    parser.add_argument(
        "--cli",
        default="deployer.cli:cli",
        help="the click command to document, as module:attribute (default: %(default)s)",
    )
    parser.add_argument(
        "--schema",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="document this schema file instead of the deployer's own (repeatable)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the generator; return the exit status (0 fine, 1 stale or failed, 2 usage)."""
    args = _parser().parse_args(argv)
    schemas: dict[str, Path] = {}
    for item in args.schema:
        name, sep, file = item.partition("=")
        if not sep or not name or not file:
            print(f"error: --schema takes NAME=FILE, not {item!r}", file=sys.stderr)  # noqa: T201
            return 2
        schemas[name] = Path(file)
    try:
        sources = Sources(
            schemas=schemas or default_schemas(),
            cli=args.cli or None,
            config_dir=args.config_dir if args.config_dir.is_dir() else None,
            label_root=Path.cwd(),
            rules=not args.no_rules,
            workflows_dir=args.workflows_dir.resolve() if args.workflows_dir.is_dir() else None,
        )
        pages = render_pages(sources)
    except DeployerError as exc:  # a schema that cannot be documented, an invalid config
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return exc.exit_code
    try:
        if args.check:
            stale = stale_pages(args.outdir, pages)
            for path in stale:
                print(f"stale: {path}", file=sys.stderr)  # noqa: T201
            if stale:
                print("Run `python -m tools.reference OUTDIR` to regenerate.", file=sys.stderr)  # noqa: T201
            return 1 if stale else 0
        written = write_pages(args.outdir, pages)
    except DeployerError as exc:  # OUTDIR is a file, or a folder stands where a page goes
        print(f"error: {exc}", file=sys.stderr)  # noqa: T201
        return exc.exit_code
    except OSError as exc:
        print(f"error: cannot write into {args.outdir}: {exc.strerror}", file=sys.stderr)  # noqa: T201
        return 1
    for path in written:
        print(f"wrote {path}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
