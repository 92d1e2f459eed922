"""The console over time in headless Chromium: the 30-day chart, the pause button, the named history.

The store holds a fortnight of the demo's email, each part ingested and synced on its own
day (the log's clock set to that day while it runs; the org is the real local org), so
the chart has history to show. Admins sign in with their own named tokens. Screenshots
go to docs/screenshots with ACTIVITY_SYNC_SCREENSHOTS=docs/screenshots.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from browser_support import TOKEN, Site, _server, refused_activities
from eventsourcing.domain import CanCreateTimestamp

from adapters.bootstrap import build
from adapters.demo.sample import EXCLUDED_DOMAIN, OUR_DOMAIN, build_sample
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.web.app import create_app
from adapters.web.config import ConsoleConfig
from adapters.web.console import open_console

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
VIEWPORT = {"width": 1200, "height": 820}
ANA = "ana-browser-token-0123456789abcdef"
BEN = "ben-browser-token-0123456789abcdef"
DAYS_OF_HISTORY = 14

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)
if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
    pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)", allow_module_level=True)


@contextmanager
def logged_on(day: datetime) -> Iterator[None]:
    """Events recorded inside carry `day` as their time (the log's clock, nothing else)."""
    original = CanCreateTimestamp.__dict__["create_timestamp"]
    CanCreateTimestamp.create_timestamp = staticmethod(lambda: day)  # type: ignore[method-assign]
    try:
        yield
    finally:
        CanCreateTimestamp.create_timestamp = original  # type: ignore[method-assign]


def fill_over_days(folder: Path, org: Any) -> str:
    """The demo's email in parts, each ingested and synced on its own past day, the rest today."""
    sample = build_sample()
    seed(org.salesforce(), load_seed(sample.seed()))
    store_url = f"sqlite:///{folder / 'store.db'}"
    engine = build(store_url, org.instance_url, env=org.environment())
    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    items = [*sample.activities, *refused_activities(sample)]
    try:
        with logged_on(today - timedelta(days=DAYS_OF_HISTORY + 1)):
            engine.app.change_setting("internal_domains", OUR_DOMAIN, "demo")
            engine.app.change_setting("excluded", EXCLUDED_DOMAIN, "demo")
        for index, item in enumerate(items):
            back = DAYS_OF_HISTORY - (index * DAYS_OF_HISTORY // len(items))
            with logged_on(today - timedelta(days=back, minutes=-index)):
                stream = io.BytesIO((json.dumps(item) + "\n").encode())
                ingest_stream(engine.app, stream, f"file:day-{back}.jsonl")
                engine.worker().run()
    finally:
        engine.close()
    return store_url


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("console-over-time")
    org = start_local_org(folder / "org.db", shared_activities=True)
    try:
        store_url = fill_over_days(folder, org)
        config = ConsoleConfig(
            admin_token=TOKEN,
            admin_names=(("ana", ANA), ("ben", BEN), ("admin", TOKEN)),
            plans_dir=folder / "plans",
            worker_interval=0.5,
        )
        console = open_console(config, store_url, org.instance_url, env=org.environment())
        with _server(create_app(console)) as url:
            yield Site(url, org, console)
        console.runtime.close()
    finally:
        org.stop()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("ACTIVITY_SYNC_SCREENSHOTS")
    return Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=FLAGS
        )
        try:
            yield launched
        finally:
            launched.close()


def signed_in(browser: Any, site: Site, token: str) -> Any:
    context = browser.new_context(viewport=VIEWPORT, base_url=site.url)
    tab = context.new_page()
    tab.goto("/login")
    tab.fill("#token", token)
    tab.click("form button[type=submit]")
    tab.wait_for_url(f"{site.url}/")
    return tab


def shoot(target: Any, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    target.screenshot(path=str(path))
    assert path.stat().st_size > 5_000


def test_the_health_page_charts_thirty_days_with_the_days_each_part_was_synced(
    browser: Any, site: Site, screenshots: Path
) -> None:
    """R23, R24: a chart per figure, a bar a day; the days the parts were synced have bars."""
    page = signed_in(browser, site, ANA)
    charts = page.locator("svg.trend")
    assert charts.count() == 4
    synced = page.locator('svg.trend[data-series="synced"] rect')
    assert synced.count() == 30
    values = [int(synced.nth(i).get_attribute("data-value")) for i in range(30)]
    busy = [v for v in values if v]
    assert len(busy) >= 10 and sum(values) >= 14  # the fortnight of parts, then today
    assert values[: 30 - DAYS_OF_HISTORY - 1] == [0] * (30 - DAYS_OF_HISTORY - 1)
    api = page.locator('svg.trend[data-series="api_calls"] rect[data-value]:not([data-value="0"])')
    assert api.count() >= 10
    total = page.locator('[data-total="tasks_avoided"]').inner_text().replace(",", "")
    assert int(total) > 0
    assert synced.nth(29).get_attribute("data-date") == datetime.now(UTC).date().isoformat()
    page.locator("#trends").scroll_into_view_if_needed()
    shoot(page.locator("#trends"), screenshots, "trends")
    page.context.close()


def test_the_pause_button_idles_the_background_sync_and_names_who_pressed_it(
    browser: Any, site: Site, screenshots: Path
) -> None:
    page = signed_in(browser, site, ANA)
    page.fill("#sync-switch input[name=reason]", "org migration tonight")
    page.click("#pause-sync")
    page.wait_for_url(f"{site.url}/?switched=paused")
    notice = page.locator("#sync-switch .notice")
    sync_api.expect(notice).to_contain_text("Sync paused by console:ana")
    sync_api.expect(notice).to_contain_text("org migration tonight")
    for _ in range(40):  # the background loop notices at its next round (0.5 s)
        if site.console.sync.status()["state"] == "paused_by_admin":
            break
        page.wait_for_timeout(250)
    assert site.console.sync.status()["state"] == "paused_by_admin"
    page.reload()
    sync_api.expect(page.locator("[data-field='worker.state']")).to_have_text("paused by admin")
    sync_api.expect(page.locator("#signed-in-as")).to_have_text("ana")
    page.locator("#sync-switch").scroll_into_view_if_needed()
    shoot(page, screenshots, "pause")
    page.click("#resume-sync")
    page.wait_for_url(f"{site.url}/?switched=resumed")
    assert page.locator("#pause-sync").is_visible()
    page.context.close()


def test_the_settings_history_names_the_admin_who_changed_each_value(
    browser: Any, site: Site, screenshots: Path
) -> None:
    """R16: ben changes batch_size; the history row says console:ben, never a token."""
    page = signed_in(browser, site, BEN)
    page.goto("/settings")
    page.select_option("#key", "batch_size")
    page.fill("#value", "25")
    page.click("#change-setting")
    page.click("#confirm-button")
    page.wait_for_url(f"{site.url}/settings?changed=batch_size")
    row = page.locator("#history tbody tr").first
    sync_api.expect(row).to_contain_text("batch_size")
    sync_api.expect(row).to_contain_text("console:ben")
    html = page.content()
    assert BEN not in html and ANA not in html and TOKEN not in html
    shoot(page.locator("#history"), screenshots, "settings-history")
    page.context.close()
