"""The console in headless Chromium (issue 9): health, a failure card, a Task's timeline, a replay.

Runs Debian's `chromium` through Playwright (`executable_path`), never a downloaded browser,
and keeps a screenshot of each page in docs/screenshots/. Skips, saying why, when
/usr/bin/chromium or the playwright package is missing.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import (
    ACCOUNT,
    CONTACTS,
    OPPORTUNITY,
    TASK_ID,
    TOKEN,
    Site,
    plan_of_one_kind,
    serving,
)

from adapters.views.documents import stats_for
from replay.plan_entries import KINDS

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots go to the test's tmp folder; ACTIVITY_SYNC_SCREENSHOTS=docs/screenshots refreshes
# the committed ones (so a plain test run leaves the work tree alone).
SCREENSHOTS_ENV = "ACTIVITY_SYNC_SCREENSHOTS"
VIEWPORT = {"width": 1200, "height": 820}

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed (pip install playwright)"
)
if not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None:
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install -y chromium); browser tests skipped",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with serving(tmp_path_factory.mktemp("console-browser")) as running:
        yield running


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_ENV)
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


@pytest.fixture(scope="module")
def page(browser: Any, site: Site) -> Iterator[Any]:
    """One signed-in tab for the module (the tests follow an admin's session in order)."""
    context = browser.new_context(viewport=VIEWPORT, base_url=site.url)
    tab = context.new_page()
    tab.goto("/")
    assert "/login" in tab.url
    tab.fill("#token", TOKEN)
    tab.click("form button[type=submit]")
    tab.wait_for_url(f"{site.url}/")
    yield tab
    context.close()


def shoot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one


def test_the_health_page_shows_backlog_sharing_budget_and_failure_cards(
    page: Any, screenshots: Path
) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text() == "Sync health"
    assert page.locator("text=Tasks avoided by sharing").is_visible()
    assert page.locator("meter#budget").is_visible()
    card = page.locator("a.card.failure")
    assert card.count() == 1
    assert card.get_attribute("data-code") == "FIELD_INTEGRITY_EXCEPTION"
    assert "3" in card.locator(".figure").inner_text()
    shoot(page, screenshots, "health")


def test_a_failure_card_opens_the_filtered_list_and_retry_asks_first(
    page: Any, screenshots: Path
) -> None:
    page.goto("/")
    page.click("a.card.failure")
    page.wait_for_url(re.compile(r"/failures\?code=FIELD_INTEGRITY_EXCEPTION"))
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 3
    assert "Project kickoff notes" in rows.first.inner_text()
    assert page.locator("#code").input_value() == "FIELD_INTEGRITY_EXCEPTION"
    shoot(page, screenshots, "failures")
    # Each click below loads another page: the checks wait for it (a read right after the
    # click can still see the page it left).
    page.click("#retry-all")
    sync_api.expect(page.locator("h1")).to_contain_text(
        "Retry all 3 records refused with FIELD_INTEGRITY_EXCEPTION?"
    )
    page.click("text=Cancel")
    page.wait_for_url(re.compile(r"/failures\?code=FIELD_INTEGRITY_EXCEPTION"))
    sync_api.expect(page.locator("table.list tbody tr")).to_have_count(3)


def test_searching_a_task_id_reads_its_story_as_a_timeline(
    page: Any, site: Site, screenshots: Path
) -> None:
    """R21: the shared email to 62 people, found by one of its Salesforce Task ids."""
    records = site.org.salesforce().query(
        "SELECT Id FROM Task WHERE Subject LIKE 'Sent (New)%' AND WhoCount > 40 LIMIT 1"
    )["records"]
    task_id = records[0]["Id"]
    page.goto("/explain")
    page.fill("#q", task_id)
    page.click("button:has-text('Explain')")
    page.wait_for_url(re.compile(r"/explain\?q="))
    record = page.locator("article.record").first
    assert task_id in record.locator("h3").inner_text()
    timeline = record.locator("ol.timeline li")
    texts = [timeline.nth(i).inner_text() for i in range(timeline.count())]
    assert texts[0].endswith(tuple(str(n) + "." for n in range(10)))  # planned under version N
    assert any(f"Written to the org as {task_id}" in text for text in texts)
    assert any("related to" in text for text in texts)
    assert page.locator("text=Who is who").is_visible()
    page.locator("article.record h4").first.scroll_into_view_if_needed()
    shoot(page, screenshots, "explain")


def test_the_health_page_says_why_recipients_were_not_logged(page: Any, screenshots: Path) -> None:
    """R3-R5, R23: outcome cards, the unmatched candidates and the senders table."""
    page.goto("/")
    section = page.locator("#why-not-logged")
    for outcome in ("contact", "lead", "unmatched", "excluded", "invalid", "skipped"):
        assert section.locator(f'[data-outcome="{outcome}"]').is_visible()
    assert page.locator("#unmatched-addresses tbody tr").count() > 0
    assert page.locator("#unmatched-domains tbody tr").count() > 0
    senders = page.locator("#senders tbody tr")
    assert senders.count() > 0 and "@" in senders.first.inner_text()
    section.scroll_into_view_if_needed()
    shoot(page, screenshots, "recipients")


def test_a_download_link_saves_the_csv_an_export_writes(page: Any) -> None:
    """The unmatched addresses as a file, with its header row, as `export unmatched --csv`."""
    page.goto("/")
    with page.expect_download() as info:
        page.click("a[href='/exports/unmatched.csv']")
    download = info.value
    assert download.suggested_filename == "activity-sync-unmatched.csv"
    saved = Path(download.path()).read_bytes()
    assert saved.startswith(b"address,domain,times_seen,last_seen,sample_activity\r\n")
    assert b"someone@unknown.example" in saved


def test_the_rejected_lines_link_opens_a_table(page: Any, screenshots: Path) -> None:
    """SPEC 2: each kept line with its line number, field, reason and raw text."""
    page.goto("/")
    page.click("a[href='/rejected']")
    page.wait_for_url(re.compile(r"/rejected$"))
    assert page.locator("h1").inner_text() == "Rejected input"
    rows = page.locator("table#rejected tbody tr")
    assert rows.count() > 0 and "week.jsonl" in rows.first.inner_text()
    shoot(page, screenshots, "rejected")


def test_an_unknown_page_is_the_consoles_own_not_found_page(page: Any) -> None:
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Not found"
    assert page.locator("a:has-text('Back to sync health')").is_visible()


def test_a_name_in_the_failures_list_opens_that_record_in_the_org(browser: Any, site: Site) -> None:
    """R21, R25: each failed record names its primary; the name opens the Contact's page in
    the org (the local org, signed in with the session id as Salesforce's frontdoor does)."""
    context = browser.new_context(viewport=VIEWPORT, ignore_https_errors=True)
    tab = context.new_page()
    org = site.org.instance_url
    tab.goto(f"{org}/secur/frontdoor.jsp?sid={site.org.session_id}&retURL=/")
    tab.goto(f"{site.url}/login")
    tab.fill("#token", TOKEN)
    tab.click("form button[type=submit]")
    tab.wait_for_url(f"{site.url}/")
    tab.goto(f"{site.url}/failures")
    link = tab.locator("table.list tbody tr").first.locator("a.sf-record").first
    name, href = link.inner_text(), link.get_attribute("href")
    assert re.fullmatch(rf"{re.escape(org)}/lightning/r/Contact/003\w{{15}}/view", href or "")
    assert name and not name.startswith("003")  # a Name, with its Id beside it

    with context.expect_page() as opened:
        link.click()
    record = opened.value
    record.wait_for_load_state()
    assert record.url == href
    sync_api.expect(record.locator("h1")).to_have_text(f"Contact: {name}")
    context.close()


def test_a_replay_plan_is_applied_after_confirmation_and_synced(
    page: Any, site: Site, screenshots: Path
) -> None:
    """R16 then R19: turn shared activities off, plan, read the diff, confirm, apply."""
    page.goto("/settings")
    page.select_option("#key", "shared_activities")
    page.fill("#value", "off")
    page.click("#change-setting")
    sync_api.expect(page.locator("main")).to_contain_text("shared_activities: auto → off")
    page.click("#confirm-button")
    page.wait_for_url(re.compile(r"/settings\?changed=shared_activities"))
    shoot(page, screenshots, "settings")
    page.goto("/replay")
    page.click("#make-plan")
    page.wait_for_url(re.compile(r"/replay/replay-"))
    created = int(page.locator('td[data-kind="create"]').inner_text())
    deleted = int(page.locator('td[data-kind="delete"]').inner_text())
    assert created > 100 and deleted > 5  # every shared Task becomes one Task per contact
    assert page.locator("details.diff").count() > 0
    shoot(page, screenshots, "replay")
    tasks_before = _count_tasks(site)
    # R20: the records the org refused for good are creates in the plan too; they are
    # planned again and refused again (their custom record is still unknown to the org).
    refused = _refused(site)
    page.click("#apply-plan")
    sync_api.expect(page.locator("h1")).to_contain_text("Apply replay plan")
    page.click("#confirm-button")
    page.wait_for_selector("text=Applied")
    expected = tasks_before - deleted + created - refused
    deadline = time.monotonic() + 60
    while _count_tasks(site) != expected and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _count_tasks(site) == expected  # the background sync wrote the plan to the org
    page.goto("/")
    assert page.locator("[data-field='backlog.pending']").inner_text() == "0"


def _refused(site: Site) -> int:
    """Records refused for good, as the task view counts them (stats)."""
    stats = stats_for(site.console.app, site.console.views)
    return sum(c["permanent"] for c in stats["failures"]["by_code"].values())


def _count_tasks(site: Site) -> int:
    return int(site.org.salesforce().query("SELECT COUNT() FROM Task")["totalSize"])


@pytest.mark.parametrize("kind", KINDS)
def test_the_replay_plan_page_shows_each_kind_of_change_with_its_apply_button(
    page: Any, site: Site, kind: str
) -> None:
    """R19 (item 9): a plan holding a `kind` change renders (no 500), its row says what
    changes, and the Apply button is there."""
    replay_id = plan_of_one_kind(site.console.plans.folder, KINDS.index(kind), kind)

    response = page.goto(f"/replay/{replay_id}")

    assert response.status == 200, page.content()[:500]
    row = page.locator(f"tr.change-{kind}")
    sync_api.expect(row).to_have_count(1)
    text = row.inner_text()
    for shown in EXPECTED[kind]:
        assert shown in text, (kind, text)
    assert page.locator("#apply-plan").is_visible()


EXPECTED = {
    "create": [CONTACTS[0], OPPORTUNITY, "Task"],
    "delete": [TASK_ID, CONTACTS[0]],
    "relate": [TASK_ID, CONTACTS[2]],
    "unrelate": [TASK_ID, CONTACTS[0]],
    "rewhat": [TASK_ID, f"{ACCOUNT} → {OPPORTUNITY}"],
    "update": [TASK_ID, "changed: batch_index"],
    "adopt": [TASK_ID, "kept as the shared Task"],
    "missing_in_org": [TASK_ID, "re-create"],
    "edited_in_org": [TASK_ID, "not the engine's user"],
    "deleted_in_org": [TASK_ID, "deleted in the org"],
}
