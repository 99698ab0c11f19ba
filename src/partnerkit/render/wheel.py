"""The year wheel (vuosikello): twelve months as an SVG drawn at build time from plan actions. Pure.

Each month is a sector, January at the top, clockwise; each tier is a ring, and a month's actions at a tier are one
marker whose shape tells the tier (not colour alone) with the number of actions in it. Everything is drawn in
currentColor, so the wheel follows the page's light or dark scheme and prints in black. Each marker links to the
month's row in the table beside the wheel, which holds the same data. No clock is read: the month marked is the
reference month the caller passes (the review's reference date), so the same content gives the same bytes.
"""

from __future__ import annotations

import math
from collections import Counter

from markupsafe import escape

from ..schema import TIER_IDS

SIZE = 480
CENTRE = SIZE / 2
INNER, OUTER = 70.0, 180.0  # the tier rings lie between these radii
LABEL_RADIUS = 214.0  # month names clear of the outer ring's markers, inside the picture
MONTH_ABBREVIATIONS = ("tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka",
                       "marras", "joulu")
# The marker shape of each tier, in the model's order: circle, square, triangle, diamond, cross.
SHAPES = dict(zip(TIER_IDS, ("circle", "square", "triangle", "diamond", "cross")))


def _point(radius: float, angle: float) -> tuple[float, float]:
    return CENTRE + radius * math.sin(angle), CENTRE - radius * math.cos(angle)


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def marker_path(shape: str, x: float, y: float, r: float = 10.0) -> str:
    """Return an SVG element drawing one tier's marker shape centred on (x, y)."""
    if shape == "circle":
        return f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="{_fmt(r)}"/>'
    if shape == "square":
        return f'<rect x="{_fmt(x - r * 0.85)}" y="{_fmt(y - r * 0.85)}" width="{_fmt(r * 1.7)}" height="{_fmt(r * 1.7)}"/>'
    if shape == "triangle":
        points = [(x, y - r), (x + r, y + r * 0.8), (x - r, y + r * 0.8)]
    elif shape == "diamond":
        points = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)]
    else:
        w = r * 0.4
        points = [(x - w, y - r), (x + w, y - r), (x + w, y - w), (x + r, y - w), (x + r, y + w), (x + w, y + w),
                  (x + w, y + r), (x - w, y + r), (x - w, y + w), (x - r, y + w), (x - r, y - w), (x - w, y - w)]
    return '<polygon points="' + " ".join(f"{_fmt(px)},{_fmt(py)}" for px, py in points) + '"/>'


def render_wheel(counts: dict[tuple[int, str], int], tier_titles: dict[str, str], title: str, href_of_month: str,
                 marked_month: int | None = None) -> str:
    """Return the wheel as SVG markup: counts maps (month 1-12, tier id) to its number of actions.

    href_of_month is a pattern with {month}, the link target of each marker (the table row of that month); ""
    draws the wheel as a picture file of its own (an image in a Moodle page): no links, which an image cannot
    follow, and a font of its own, as an image inherits none from the page.
    """
    ring = (OUTER - INNER) / len(TIER_IDS)
    role, font = ("group", "inherit") if href_of_month else ("img", "sans-serif")
    parts = [f'<svg class="pk-wheel" viewBox="0 0 {SIZE} {SIZE}" width="{SIZE}" height="{SIZE}" '
             f'role="{role}" aria-labelledby="pk-wheel-title" xmlns="http://www.w3.org/2000/svg" '
             f'fill="none" stroke="currentColor" font-family="{font}">',
             f'<title id="pk-wheel-title">{escape(title)}</title>']
    for month in range(1, 13):
        start, end = (month - 1) * math.pi / 6, month * math.pi / 6
        if month == marked_month:
            x1, y1 = _point(OUTER, start)
            x2, y2 = _point(OUTER, end)
            x3, y3 = _point(INNER, end)
            x4, y4 = _point(INNER, start)
            parts.append(f'<path class="pk-wheel__marked" d="M{_fmt(x1)},{_fmt(y1)} A{_fmt(OUTER)},{_fmt(OUTER)} 0 0 1 '
                         f'{_fmt(x2)},{_fmt(y2)} L{_fmt(x3)},{_fmt(y3)} A{_fmt(INNER)},{_fmt(INNER)} 0 0 0 '
                         f'{_fmt(x4)},{_fmt(y4)} Z" fill="currentColor" fill-opacity="0.12" stroke-width="3"/>')
        x1, y1 = _point(INNER, start)
        x2, y2 = _point(OUTER, start)
        parts.append(f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}" stroke-opacity="0.5"/>')
        lx, ly = _point(LABEL_RADIUS, (start + end) / 2)
        label = MONTH_ABBREVIATIONS[month - 1]
        weight = ' font-weight="bold"' if month == marked_month else ""
        parts.append(f'<text x="{_fmt(lx)}" y="{_fmt(ly)}" text-anchor="middle" dominant-baseline="middle" '
                     f'fill="currentColor" stroke="none" font-size="15"'
                     f'{weight}>{escape(label)}</text>')
    for radius in (INNER, *(INNER + ring * n for n in range(1, len(TIER_IDS))), OUTER):
        parts.append(f'<circle cx="{_fmt(CENTRE)}" cy="{_fmt(CENTRE)}" r="{_fmt(radius)}" stroke-opacity="0.5"/>')
    for month in range(1, 13):
        angle = (month - 0.5) * math.pi / 6
        for position, tier in enumerate(TIER_IDS):
            count = counts.get((month, tier), 0)
            if not count:
                continue
            x, y = _point(INNER + ring * (position + 0.5), angle)
            name = f"{MONTH_ABBREVIATIONS[month - 1]}kuu, {tier_titles.get(tier, tier)}: {count} toimintoa"
            opening, closing = (f'<a href="{escape(href_of_month.format(month=month))}" aria-label="{escape(name)}">',
                                "</a>") if href_of_month else ("<g>", "</g>")
            parts.append(f'{opening}<title>{escape(name)}</title>'
                         f'<g fill="currentColor" fill-opacity="0.25" stroke-width="1.5">'
                         f'{marker_path(SHAPES[tier], x, y)}</g>'
                         f'<text x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="middle" dominant-baseline="central" '
                         f'fill="currentColor" stroke="none" font-size="12" font-weight="bold">{count}</text>{closing}')
    parts.append("</svg>")
    return "".join(parts)


def count_actions(rows: list[tuple[int, list[tuple[object, object]]]]) -> dict[tuple[int, str], int]:
    """Return {(month, tier): number of actions} from actions_by_month's rows; cancelled actions are not counted."""
    # A cancelled action does not take place: the wheel shows the year as it is done, on the site and in Moodle.
    counts: Counter[tuple[int, str]] = Counter()
    for month, actions in rows:
        for _, action in actions:
            if action.status != "cancelled":  # type: ignore[attr-defined]
                counts[(month, action.tier)] += 1  # type: ignore[attr-defined]
    return dict(counts)
