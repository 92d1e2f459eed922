"""The health page's daily trends: a chart drawn on the server, the same figures as `stats --days`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from console_support import BEARER, Running, running_console, sign_in

from adapters.views.daily_trends import daily


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with running_console(tmp_path) as running:
        yield running


def test_the_health_page_draws_thirty_days_of_each_figure_without_scripts(
    running: Running,
) -> None:
    """R23: four inline SVG charts (synced, failed, API calls, avoided), a bar a day, today's
    bar the day's figure; nothing loaded from elsewhere."""
    sign_in(running)
    page = running.client.get("/").text

    today = datetime.now(UTC).date().isoformat()
    for series in ("synced", "failed", "api_calls", "tasks_avoided"):
        chart = re.search(rf'<svg class="trend"[^>]*data-series="{series}".*?</svg>', page, re.S)
        assert chart, series
        bars = re.findall(r'<rect [^>]*data-date="([0-9-]+)" data-value="(\d+)"', chart.group(0))
        assert len(bars) == 30 and bars[-1][0] == today
    expected = daily(running.console.app, running.console.views, 1)[0]
    synced = re.search(
        rf'data-series="synced".*?data-date="{today}" data-value="(\d+)"', page, re.S
    )
    assert synced and int(synced.group(1)) == expected["synced"] > 0
    assert '<script src="http' not in page and "cdn" not in page.lower()


def test_the_health_api_carries_the_same_days(running: Running) -> None:
    """R23: `/api/health` has `days`, thirty rows, as `stats --days 30 --json` would."""
    health = running.client.get("/api/health", headers=BEARER).json()

    assert len(health["days"]) == 30
    assert health["days"] == daily(running.console.app, running.console.views, 30)
