"""The "Limits and safety" reference page: every bound on input, and what each command refuses.

Read from :data:`deployer.limits.LIMITS` and :data:`deployer.limits.GUARDS`,
which name the constants the code enforces.
"""

from __future__ import annotations

from tools.reference._markdown import cell, header, table

__all__ = ["render_limits_page"]

PAGE = "limits-and-safety.md"
LABEL = "limits-and-safety"


def _figure(value: int, unit: str) -> str:
    mib = 1024 * 1024
    if unit == "bytes" and value % mib == 0:
        return f"{value // mib} MiB ({value:,} bytes)"
    return f"{value:,} {unit}"


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
    )
    out += ["## Limits", ""]
    out += table(
        ["Limit", "Bounds", "Past it"],
        [[_figure(lim.value, lim.unit), cell(lim.bounds), cell(lim.past_it)] for lim in LIMITS],
    )
    out += ["## What each command refuses", ""]
    for guard in GUARDS:
        out += [f"### {guard.commands[:1].upper()}{guard.commands[1:]}", ""]
        out += [f"- {item}" for item in guard.refuses] + [""]
    return "\n".join(out).rstrip() + "\n"
