"""``python -m tools.audit``: the command line of the Diátaxis audit.

It parses the arguments into :class:`~tools.audit.AuditOptions`, calls
:func:`~tools.audit.audit_paths`, prints (or writes) the report and decides
the exit code, here and nowhere else: 0 when nothing named by ``--fail-on``
was found, 1 when something was, 2 for a usage error (a bad option, a path
that does not exist, a git ref git does not know).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deployer._fs import write_if_changed
from deployer.errors import DeployerError
from tools.audit import AuditOptions, audit_paths
from tools.audit._errors import AuditUsageError
from tools.audit._report import FORMATS, render
from tools.audit._verdict import Verdict

__all__ = ["build_parser", "main"]

#: Verdicts ``--fail-on`` accepts.
FAIL_ON_CHOICES: tuple[str, ...] = ("misfiled", "mixed", "unclear", "unreadable", "undeclared")

_EPILOG = """\
verdicts: ok, misfiled (reads confidently as another category), mixed (a section
reads as another category), unclear (no category stands out), undeclared (no
category folder or front matter; information), unreadable (binary, not UTF-8,
too large).  A page accepts a verdict with front matter
`diataxis: {category: how-to, reason: "..."}`.  Landing pages (index, README,
the root index included) are navigation: always ok, never judged.

exit status: 0 nothing named by --fail-on was found, 1 something was, 2 usage error.
"""


def _fail_on(value: str) -> frozenset[Verdict]:
    names = {v.strip() for v in value.split(",") if v.strip()}
    unknown = sorted(names - set(FAIL_ON_CHOICES))
    if unknown:
        msg = f"unknown verdict(s) {', '.join(unknown)}; choose from {', '.join(FAIL_ON_CHOICES)}"
        raise argparse.ArgumentTypeError(msg)
    return frozenset(Verdict(n) for n in names)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``python -m tools.audit``."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.audit",
        description=(
            "Audit documentation pages (MyST/CommonMark .md, reST .rst/.txt) for their "
            "Diátaxis category, mixed modes and unclear pages, and the docs for gaps."
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path("docs")],
        metavar="PATH",
        help="pages or folders to audit (default: docs)",
    )
    parser.add_argument(
        "--format", choices=sorted(FORMATS), default="text", help="report format (default: text)"
    )
    parser.add_argument(
        "--changed-from",
        metavar="GIT_REF",
        help="audit only pages changed since GIT_REF (gaps still cover the whole tree)",
    )
    parser.add_argument(
        "--fail-on",
        type=_fail_on,
        default=frozenset(),
        metavar="VERDICTS",
        help=f"comma-separated verdicts that make the exit status 1 ({','.join(FAIL_ON_CHOICES)})",
    )
    parser.add_argument("--output", type=Path, metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--schema-dir",
        type=Path,
        action="append",
        metavar="DIR",
        help="folder of *.schema.yaml files whose properties the tutorials and how-to guides "
        "should show (repeatable; default: deployer/schemas when the docs are in this project)",
    )
    parser.add_argument(
        "--no-schemas", action="store_true", help="do not look for unmentioned schema properties"
    )
    parser.add_argument(
        "--cli",
        metavar="MODULE:ATTR",
        help="click command whose commands the tutorials and how-to guides should show "
        "(default: deployer.cli:cli when the docs are in this project)",
    )
    parser.add_argument("--no-cli", action="store_true", help="do not look for unused commands")
    parser.add_argument("--no-gaps", action="store_true", help="do not compute gaps at all")
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="text format: one line for every page too"
    )
    return parser


def _options(args: argparse.Namespace) -> AuditOptions:
    schema_dirs: list[Path] | bool = True
    if args.no_schemas:
        schema_dirs = False
    elif args.schema_dir:
        missing = [d for d in args.schema_dir if not d.is_dir()]
        if missing:
            msg = f"--schema-dir {missing[0]}: no such folder"
            raise AuditUsageError(msg)
        schema_dirs = list(args.schema_dir)
    cli: str | bool = True
    if args.no_cli:
        cli = False
    elif args.cli:
        if ":" not in args.cli:
            msg = f"--cli {args.cli}: give MODULE:ATTRIBUTE, for example deployer.cli:cli"
            raise AuditUsageError(msg)
        cli = args.cli
    return AuditOptions(
        changed_from=args.changed_from,
        schema_dirs=schema_dirs,
        cli=cli,
        gaps=not args.no_gaps,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the audit with *argv* (default: ``sys.argv[1:]``) and return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2), already printed
        return exc.code if isinstance(exc.code, int) else 2
    fail_on: frozenset[Verdict] = args.fail_on
    try:
        result = audit_paths(args.paths, options=_options(args))
    except DeployerError as exc:
        sys.stderr.write(f"{parser.prog}: error: {exc}\n")
        return exc.exit_code
    report = render(result, args.format, fail_on, verbose=args.verbose)
    try:
        if args.output:
            write_if_changed(args.output, report)
        else:
            sys.stdout.write(report)
            sys.stdout.flush()
    except BrokenPipeError:
        return 1
    except OSError as exc:
        sys.stderr.write(f"{parser.prog}: error: cannot write {args.output}: {exc.strerror}\n")
        return 2
    return 1 if result.found(fail_on) else 0
