"""The "Limits and safety" reference page: every bound on input, and what each command refuses.

Read from :data:`deployer.limits.LIMITS` and :data:`deployer.limits.GUARDS`,
which name the constants the code enforces.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tools.reference._markdown import cell, header, table

if TYPE_CHECKING:
    from deployer.limits import Limit

__all__ = ["render_limits_page"]

PAGE = "limits-and-safety.md"
LABEL = "limits-and-safety"
#: The page is a list of figures and refusals; its rows state what each bound is, in
#: sentences the classifier can take for explanation.
FRONT_MATTER = {
    "category": "reference",
    "reason": "generated; its rows state each bound and refusal in a sentence",
}


def _figure(value: int, unit: str) -> str:
    mib = 1024 * 1024
    if unit == "bytes" and value % mib == 0:
        return f"{value // mib} MiB ({value:,} bytes)"
    return f"{value:,} {unit}"


def _tool_limits() -> list[Limit]:
    """Return the bounds of the docs tools, from the constants they enforce."""
    from deployer.limits import Limit  # noqa: PLC0415 (only needed when building)
    from tools._safe import MAX_ALIAS_CHARS, MAX_ALIAS_NODES, MAX_DEPTH  # noqa: PLC0415
    from tools.audit import AuditOptions  # noqa: PLC0415

    refused = "the page is audited without its front matter, and a note says why"
    return [
        Limit(AuditOptions().max_bytes, "bytes", "one page read by the audit",
              "the page is `unreadable`, with the reason"),
        Limit(MAX_ALIAS_NODES, "nodes", "nodes that aliases build in a page's front matter",
              refused),
        Limit(MAX_ALIAS_CHARS, "characters", "characters that aliases repeat in front matter",
              refused),
        Limit(MAX_DEPTH, "levels", "nesting of front matter", refused),
    ]  # fmt: skip


def render_limits_page(*, source_label: str = "deployer/limits.py") -> str:
    """Return the MyST page listing every bound and every refusal."""
    from deployer.limits import GUARDS, LIMITS  # noqa: PLC0415 (only needed when building)

    out = header(
        source_label,
        LABEL,
        "Limits and safety",
        "Every bound the `deployer` puts on what it reads, and what each command refuses,"
        " as declared in `deployer/limits.py` from the constants the code enforces. Work"
        " on any input is bounded: past a limit a command stops with an error naming the"
        " file (and line, where there is one), exits non-zero, and writes nothing.",
        front_matter=FRONT_MATTER,
    )
    out += ["## Limits", ""]
    out += table(
        ["Limit", "Bounds", "Past it"],
        [[_figure(lim.value, lim.unit), cell(lim.bounds), cell(lim.past_it)] for lim in LIMITS],
    )
    out += ["## The docs tools", ""]
    out += [
        (
            "The audit (on the command line and in the Sphinx build) reads pages with rules"
            " of its own, declared in `tools/_safe.py`: regular files only, and a page inside"
            " its repository (a symlink may lead elsewhere in it, never out). The reference"
            " generator reads the pages already in its output folder the same way. The bounds:"
        ),
        "",
    ]
    rows = [[_figure(x.value, x.unit), cell(x.bounds), cell(x.past_it)] for x in _tool_limits()]
    out += table(["Limit", "Bounds", "Past it"], rows)
    out += ["## What each command refuses", ""]
    for guard in GUARDS:
        out += [f"### {guard.commands[:1].upper()}{guard.commands[1:]}", ""]
        out += [f"- {item}" for item in guard.refuses] + [""]
    return "\n".join(out).rstrip() + "\n"
