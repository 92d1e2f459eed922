"""The health page's daily trends as inline SVG, drawn on the server: no script, works offline.

One small bar chart per figure (synced, failed, API calls, Tasks avoided), a bar a day,
oldest on the left; each bar has a `<title>` (its date and value) that browsers show on
hover, and each chart has a text summary for screen readers.
"""

from __future__ import annotations

from html import escape
from typing import Any

from markupsafe import Markup

WIDTH, HEIGHT, AXIS = 300, 80, 14
SERIES = (
    ("synced", "Activities synced", "#1f5fbf"),
    ("failed", "Records failed", "#b3261e"),
    ("api_calls", "API calls", "#5f6b7a"),
    ("tasks_avoided", "Avoided by sharing (Tasks)", "#1d7a46"),
)


def _bars(days: list[dict[str, Any]], name: str, colour: str) -> list[str]:
    top = max((int(day[name]) for day in days), default=0)
    step = WIDTH / max(len(days), 1)
    width = max(step - 1.5, 1.0)
    shapes = []
    for index, day in enumerate(days):
        value = int(day[name])
        height = 0.0 if not top else max((HEIGHT - 2) * value / top, 1.5 if value else 0.0)
        x = index * step
        shapes.append(
            f'<rect x="{x:.1f}" y="{HEIGHT - height:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}" fill="{colour}" data-date="{day["date"]}" '
            f'data-value="{value}"><title>{day["date"]}: {value}</title></rect>'
        )
    return shapes


def chart(days: list[dict[str, Any]], name: str, label: str, colour: str) -> Markup:
    """One figure's bars over the days, its axis dates, and its total and peak."""
    total = sum(int(day[name]) for day in days)
    top = max((int(day[name]) for day in days), default=0)
    summary = f"{label}: {total} in {len(days)} days, at most {top} a day"
    first = days[0]["date"] if days else ""
    last = days[-1]["date"] if days else ""
    parts = [
        f'<svg class="trend" role="img" aria-label="{escape(summary)}" data-series="{name}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT + AXIS}" preserveAspectRatio="none" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(summary)}</title>",
        f'<line x1="0" y1="{HEIGHT + 0.5}" x2="{WIDTH}" y2="{HEIGHT + 0.5}" stroke="#d9dee5"/>',
        *_bars(days, name, colour),
        f'<text x="0" y="{HEIGHT + AXIS - 2}" font-size="10" fill="#5f6b7a">{first}</text>',
        f'<text x="{WIDTH}" y="{HEIGHT + AXIS - 2}" font-size="10" fill="#5f6b7a" '
        f'text-anchor="end">{last}</text>',
        "</svg>",
    ]
    return Markup("".join(parts))


def charts(days: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each figure with its chart, total and peak, as the health template lays them out."""
    return [
        {
            "name": name,
            "label": label,
            "total": sum(int(day[name]) for day in days),
            "peak": max((int(day[name]) for day in days), default=0),
            "svg": chart(days, name, label, colour),
        }
        for name, label, colour in SERIES
    ]
