"""``python -m tools.quickstart DIR [--project NAME] [--author NAME]``: a new Diátaxis site.

DIR must be missing or empty.  The site builds at once with ``nox -s docs``
(``sphinx-build -W -n``).  Exit status: 0 written, 1 DIR is not empty or
cannot be written, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deployer.errors import DeployerError
from tools.quickstart import create_site


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.quickstart",
        description=(
            "Lay out a new documentation site organised by Diátaxis (Sphinx, MyST, "
            "pydata-sphinx-theme, sphinx-design, sphinx-copybutton) with a noxfile."
        ),
    )
    parser.add_argument("dest", type=Path, metavar="DIR", help="a new or empty folder")
    parser.add_argument("--project", metavar="NAME", help="the project name (default: DIR's name)")
    parser.add_argument(
        "--author", metavar="NAME", help='the copyright holder (default: "The NAME authors")'
    )
    parser.add_argument(
        "--audit-source",
        metavar="SPEC",
        help=(
            "where `nox -s audit` installs the Diátaxis audit from: a hub-deployer checkout "
            "or a pip requirement (default: this checkout, if it is one)"
        ),
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Write the site; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        site = create_site(
            args.dest, project=args.project, author=args.author, audit_source=args.audit_source
        )
    except DeployerError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    except OSError as exc:
        sys.stderr.write(f"error: cannot write the site: {exc}\n")
        return 1
    lines = [f"Wrote {len(site.files)} files into {site.root}:"]
    lines += [f"  {path.relative_to(site.root).as_posix()}" for path in site.files]
    lines += [
        "",
        "Next:",
        f"  cd {site.root}",
        "  nox -s docs            # build the site into docs/_build/html",
        "  nox -s docs -- live    # preview it while you write",
        '  python -m tools.new_page how-to "How to …" --docs docs   # add a page',
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
