"""The Diátaxis compass as an SVG picture: every page as a dot at its two axis scores.

x runs from *action* (-1, left) to *cognition* (+1, right); y from
*acquisition* (-1, top) to *application* (+1, bottom), so the quadrants are
Tutorials (action, acquisition), How-to guides (action, application),
Reference (cognition, application) and Explanation (cognition, acquisition).
A dot's colour is the page's declared category, a dark ring marks a page whose
verdict is not ``ok``, and each dot has a ``<title>`` (a tooltip in browsers).
The SVG is plain text, the same for the same input (no randomness, no
timestamps), so it is only rewritten when a page moved.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["COLOURS", "CompassPoint", "compass_svg"]

#: Declared category → dot colour (colour-blind safe; grey for undeclared).
COLOURS: dict[str, str] = {
    "tutorial": "#0072b2",
    "how-to": "#e69f00",
    "reference": "#009e73",
    "explanation": "#cc79a7",
    "": "#8c8c8c",
}
_LEGEND = (
    ("tutorial", "Tutorial"),
    ("how-to", "How-to guide"),
    ("reference", "Reference"),
    ("explanation", "Explanation"),
    ("", "Undeclared"),
)
_SIZE = 420  # the plot's side, in px
_MARGIN = 40
_LEGEND_WIDTH = 190
_JITTER = 6.0  # px, so pages at the same spot stay visible
_PAD = 12  # px between the plot's edge and a page at an axis' end
_TITLE = "Pages on the Diátaxis compass"


@dataclass(frozen=True, slots=True)
class CompassPoint:
    """One page on the compass."""

    label: str  #: the page's path
    declared: str | None
    predicted: str | None
    x: float  #: action (-1) .. cognition (+1)
    y: float  #: acquisition (-1) .. application (+1)
    verdict: str = "ok"
    confidence: float = 0.0


def _pos(value: float, offset: float, seed: int) -> float:
    clamped = max(-1.0, min(1.0, value))
    jitter = ((seed % 1000) / 1000.0 - 0.5) * _JITTER
    inner = _SIZE - 2 * _PAD
    return round(offset + _PAD + (clamped + 1.0) / 2.0 * inner + jitter, 1)


def compass_svg(
    points: Sequence[CompassPoint], *, title: str = "Pages on the Diátaxis compass"
) -> str:
    """Return an SVG document placing *points* on the Diátaxis compass."""
    width, height = _SIZE + 2 * _MARGIN + _LEGEND_WIDTH, _SIZE + 2 * _MARGIN
    left, top, mid = _MARGIN, _MARGIN, _SIZE / 2
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)} '
            'font-family="sans-serif" font-size="12" style="max-width: 100%; height: auto">'
        ),
        f"<title>{escape(title)}</title>",
        # A light background of its own, so the picture reads on a dark theme too.
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        (
            f'<rect x="{left}" y="{top}" width="{_SIZE}" height="{_SIZE}" fill="#fafafa" '
            'stroke="#555"/>'
        ),
        f'<line x1="{left + mid}" y1="{top}" x2="{left + mid}" y2="{top + _SIZE}" stroke="#555"/>',
        f'<line x1="{left}" y1="{top + mid}" x2="{left + _SIZE}" y2="{top + mid}" stroke="#555"/>',
    ]
    # Labels by the centre: pages gather in the outer corners.
    quadrants = (
        ("Tutorials", left + mid - 8, top + mid - 10, "end"),
        ("Explanation", left + mid + 8, top + mid - 10, "start"),
        ("How-to guides", left + mid - 8, top + mid + 22, "end"),
        ("Reference", left + mid + 8, top + mid + 22, "start"),
    )
    out += [
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" font-weight="bold" font-size="14" '
        f'fill="#333">{name}</text>'
        for name, x, y, anchor in quadrants
    ]
    out += [
        f'<text x="{left}" y="{top - 8}" fill="#555">action</text>',
        f'<text x="{left + _SIZE}" y="{top - 8}" text-anchor="end" fill="#555">cognition</text>',
        (
            f'<text x="{left - 8}" y="{top + 4}" text-anchor="end" fill="#555" '
            f'transform="rotate(-90 {left - 8} {top + 4})">acquisition</text>'
        ),
        (
            f'<text x="{left - 8}" y="{top + _SIZE}" fill="#555" '
            f'transform="rotate(-90 {left - 8} {top + _SIZE})">application</text>'
        ),
    ]
    for point in sorted(points, key=lambda p: p.label):
        seed = zlib.crc32(point.label.encode("utf-8"))
        cx = _pos(point.x, left, seed)
        cy = _pos(point.y, top, seed >> 10)
        colour = COLOURS.get(point.declared or "", COLOURS[""])
        ring = 'stroke="#000" stroke-width="2"' if point.verdict != "ok" else 'stroke="#fff"'
        tip = (
            f"{point.label}: declared {point.declared or 'nothing'}, reads as "
            f"{point.predicted or '?'} ({point.confidence:.2f}), {point.verdict}"
        )
        out.append(
            f'<circle cx="{cx}" cy="{cy}" r="5" fill="{colour}" {ring}>'
            f"<title>{escape(tip)}</title></circle>",
        )
    lx = left + _SIZE + 24
    out.append(f'<text x="{lx}" y="{top + 4}" font-weight="bold">Declared category</text>')
    for i, (key, name) in enumerate(_LEGEND):
        y = top + 24 + i * 20
        out.append(f'<circle cx="{lx + 6}" cy="{y - 4}" r="5" fill="{COLOURS[key]}"/>')
        out.append(f'<text x="{lx + 16}" y="{y}">{name}</text>')
    y = top + 24 + len(_LEGEND) * 20
    out.append(
        f'<circle cx="{lx + 6}" cy="{y - 4}" r="5" fill="#fff" stroke="#000" stroke-width="2"/>',
    )
    out.append(f'<text x="{lx + 16}" y="{y}">not ok (see the table)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
