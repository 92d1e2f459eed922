"""Human output of `stats --days N`: one compact row per UTC day, and the totals."""

from __future__ import annotations

from typing import Any

import click

from projections.daily_trends import FIGURES

HEADERS = ("date", "synced", "failed", "api calls", "avoided")


def days_lines(days: list[dict[str, Any]]) -> list[str]:
    """Aligned rows: a header, one row per day (oldest first), then the totals."""
    totals = ["total", *(str(sum(int(day[name]) for day in days)) for name in FIGURES)]
    rows = [list(HEADERS)]
    rows += [[day["date"], *(str(day[name]) for name in FIGURES)] for day in days]
    rows.append(totals)
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    return [
        "  ".join(
            cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        )
        for row in rows
    ]


def print_days(days: list[dict[str, Any]]) -> None:
    click.echo(f"\nthe last {len(days)} days (UTC)")
    for line in days_lines(days):
        click.echo(line)
