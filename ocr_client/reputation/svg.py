"""Tiny inline-SVG charts (no plotting library, no script): scatter over time, histogram, strip.

Numbers are formatted with fixed precision so the same data gives the same page byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Final

WIDTH: Final[int] = 360
HEIGHT: Final[int] = 120
PAD: Final[int] = 28
AXIS: Final[str] = "#888"
INK: Final[str] = "#1f5fa8"
BAD: Final[str] = "#c0392b"


def _frame(title: str, body: str, y_low: str, y_high: str, x_label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f'<rect x="{PAD}" y="6" width="{WIDTH - PAD - 6}" height="{HEIGHT - PAD - 6}" fill="#fafafa" stroke="{AXIS}"/>'
            f'<text x="2" y="14" font-size="9" fill="{AXIS}">{escape(y_high)}</text>'
            f'<text x="2" y="{HEIGHT - PAD}" font-size="9" fill="{AXIS}">{escape(y_low)}</text>'
            f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="10" fill="#333">{escape(x_label)}</text>'
            f'{body}</svg>')


def _x(i: int, n: int) -> float:
    return PAD + 2 + (WIDTH - PAD - 10) * (i / max(1, n - 1))


def _y(v: float, low: float, high: float) -> float:
    span = (high - low) or 1.0
    return 8 + (HEIGHT - PAD - 10) * (1 - (v - low) / span)


def scatter(title: str, values: Sequence[float | None], x_label: str, limit: float | None = None) -> str:
    """Points in report order (None skipped); a dashed line at +-limit when given."""
    known = [v for v in values if v is not None]
    if not known:
        return _frame(title, f'<text x="{WIDTH // 2 - 30}" y="{HEIGHT // 2}" font-size="11">no data</text>', "", "", x_label)
    high = max(max(abs(v) for v in known), limit or 0.0, 1e-9)
    low = -high
    parts = [f'<line x1="{PAD}" x2="{WIDTH - 6}" y1="{_y(0, low, high):.1f}" y2="{_y(0, low, high):.1f}" stroke="{AXIS}"/>']
    if limit:
        for bound in (limit, -limit):
            y = _y(bound, low, high)
            parts.append(f'<line x1="{PAD}" x2="{WIDTH - 6}" y1="{y:.1f}" y2="{y:.1f}" stroke="{BAD}" stroke-dasharray="3 3"/>')
    n = len(values)
    for i, v in enumerate(values):
        if v is not None:
            colour = BAD if limit and abs(v) > limit else INK
            parts.append(f'<circle cx="{_x(i, n):.1f}" cy="{_y(v, low, high):.1f}" r="1.6" fill="{colour}"/>')
    return _frame(title, "".join(parts), f"{low:.1f}", f"{high:.1f}", x_label)


def histogram(title: str, values: Sequence[float], bins: int, x_label: str) -> str:
    if not values:
        return _frame(title, f'<text x="{WIDTH // 2 - 30}" y="{HEIGHT // 2}" font-size="11">no data</text>', "", "", x_label)
    low, high = min(values), max(values)
    width = (high - low) / bins or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / width))] += 1
    top = max(counts)
    bar = (WIDTH - PAD - 10) / bins
    parts = []
    for i, c in enumerate(counts):
        h = (HEIGHT - PAD - 10) * c / top
        parts.append(f'<rect x="{PAD + 2 + i * bar:.1f}" y="{HEIGHT - PAD - 2 - h:.1f}" width="{max(1.0, bar - 1):.1f}" '
                     f'height="{h:.1f}" fill="{INK}"/>')
    return _frame(title, "".join(parts), "0", str(top), f"{x_label} ({low:g} .. {high:g})")


def strip(title: str, included: Sequence[bool], x_label: str) -> str:
    """One thin bar per report: blue when included, red when missed."""
    if not included:
        return _frame(title, "", "", "", x_label)
    n = len(included)
    bar = (WIDTH - PAD - 10) / n
    parts = [f'<rect x="{PAD + 2 + i * bar:.2f}" y="14" width="{max(0.5, bar):.2f}" height="{HEIGHT - PAD - 22}" '
             f'fill="{INK if ok else BAD}"/>' for i, ok in enumerate(included)]
    share = sum(included) / n
    return _frame(title, "".join(parts), "", f"{share:.0%} included", x_label)
