"""``python -m tools.new_page KIND "Title" [--docs DIR]``: start a page of the right kind.

KIND is ``tutorial``, ``how-to``, ``reference`` or ``explanation``.  The
page is written from the kind's template into its folder of DIR (default
``docs``) and added to that folder's toctree.  Exit status: 0 written, 1
the page exists (it is left alone) or cannot be written, 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from deployer.errors import DeployerError
from tools.new_page import KINDS, create_page


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.new_page",
        description=(
            "Write a new docs page from the template of its Diátaxis kind into the right "
            "folder, and add it to that folder's toctree."
        ),
    )
    parser.add_argument("kind", metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    parser.add_argument("title", metavar="TITLE", help='the page title, e.g. "How to add a hub"')
    parser.add_argument(
        "--docs",
        type=Path,
        default=Path("docs"),
        metavar="DIR",
        help="the docs folder holding the four sections (default: %(default)s)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Create the page; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        page = create_page(args.docs, args.kind, args.title)
    except DeployerError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return exc.exit_code
    except OSError as exc:
        sys.stderr.write(f"error: cannot write the page: {exc}\n")
        return 1
    lines = [f"Wrote {page.path}"]
    if page.toctree_changed:
        lines.append(f"Added {page.entry} to the toctree of {page.index}")
    else:
        lines.append(f"{page.index} already lists {page.entry} in its toctree")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
