"""The follow-up summary chart: actions by state per tier or team, as an SVG bar chart drawn at build time. Pure.

Each group (a tier or a team) has four bars: planned, under way, done and evaluated. Every bar carries its state's
name and its number as text, so the chart is read without telling colours apart; bars differ by fill strength as
well. Everything is drawn in currentColor, so the chart follows the page's light or dark scheme and prints in black.
The page puts the same numbers in a table beside it.
"""

from __future__ import annotations

from markupsafe import escape

# The states counted, in the order drawn, with their Finnish names and bar fill strengths.
STATES = (("planned", "Suunniteltu", "0.15"), ("under_way", "Käynnissä", "0.4"), ("done", "Tehty", "0.7"),
          ("evaluated", "Arvioitu", "1"))
WIDTH = 420
NAME_WIDTH = 86  # the state names left of the bars
BAR_SPACE = WIDTH - NAME_WIDTH - 34  # room left for the number after the longest bar
BAR, GAP, HEADING = 14, 4, 26


def render_status_chart(rows: list[tuple[str, dict[str, int]]], title: str, chart_id: str) -> str:
    """Return the chart as SVG markup: rows are (group name, {state: number of actions}) in the order shown.

    chart_id names the chart's title and description elements (unique on the page).
    """
    most = max((counts.get(state, 0) for _, counts in rows for state, _, _ in STATES), default=0) or 1
    height = len(rows) * (HEADING + len(STATES) * (BAR + GAP) + 8) + 4
    summary = "; ".join(f"{name}: " + ", ".join(f"{label.lower()} {counts.get(state, 0)}"
                                                for state, label, _ in STATES) for name, counts in rows)
    parts = [f'<svg class="pk-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" role="img" '
             f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
             f'fill="currentColor" stroke="none" font-family="inherit" font-size="13">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(summary)}</desc>']
    y = 4
    for name, counts in rows:
        parts.append(f'<text x="0" y="{y + 16}" font-weight="bold">{escape(name)}</text>')
        y += HEADING
        for state, label, strength in STATES:
            count = counts.get(state, 0)
            width = round(BAR_SPACE * count / most, 1)
            parts.append(f'<text x="0" y="{y + BAR - 3}">{label}</text>')
            if count:
                parts.append(f'<rect x="{NAME_WIDTH}" y="{y}" width="{width:g}" height="{BAR}" '
                             f'fill-opacity="{strength}" stroke="currentColor" stroke-width="1"/>')
            parts.append(f'<text x="{NAME_WIDTH + width + 5:g}" y="{y + BAR - 3}">{count}</text>')
            y += BAR + GAP
        y += 8
    parts.append("</svg>")
    return "".join(parts)
