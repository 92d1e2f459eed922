"""The console's answer to "why wasn't it logged?" (R3-R5, R23, R25): recipients on the health
page, CSV downloads as `export` writes them, rejected lines as a page, HTML 404s, and
display-name addresses on the webhook (SPEC section 4)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import pytest
from console_support import Running, activity, running_console, sign_in, with_fresh_client

from adapters.views import address_index


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with running_console(tmp_path_factory.mktemp("why-not-logged")) as running:
        sign_in(running)
        yield running


@pytest.fixture
def running(shared: Running) -> Running:
    return shared


def test_the_health_page_counts_recipients_and_names_the_unmatched_candidates(
    running: Running,
) -> None:
    """R5, R23: every outcome card, the unmatched address and domain, the senders table."""
    page = running.client.get("/").text
    for outcome in ("contact", "lead", "unmatched", "excluded", "invalid", "skipped"):
        assert f'data-outcome="{outcome}"' in page
    assert "Candidates for new Contacts or Leads" in page
    assert "who@nowhere.example" in page and "nowhere.example" in page
    assert '<table class="list" id="senders">' in page and "rep@ourco.example" in page
    assert 'href="/exports/unmatched.csv"' in page and 'href="/rejected"' in page


def test_the_health_api_carries_the_recipients_the_page_shows(running: Running) -> None:
    """R23: `/api/health` has the same recipients by outcome and candidates as `stats`."""
    health = running.client.get("/api/health").json()["why_not_logged"]
    stats = running.client.get("/api/stats").json()

    assert health["recipients"] == stats["recipients"]
    assert health["top_unmatched_domains"] == stats["top_unmatched_domains"]
    assert any(a["address"] == "who@nowhere.example" for a in health["top_unmatched_addresses"])
    assert [s["sender"] for s in health["senders"]] == [
        s["sender"] for s in stats["senders"][: len(health["senders"])]
    ]


@pytest.mark.parametrize(
    ("kind", "first_column"),
    [("failures", "activity_id"), ("rejected", "line"), ("unmatched", "address")],
)
def test_each_download_is_a_csv_attachment_with_the_export_columns(
    running: Running, kind: str, first_column: str
) -> None:
    """The same CSV `activity-sync export KIND` writes, as a file to save."""
    response = running.client.get(f"/exports/{kind}.csv")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="activity-sync-{kind}.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and next(iter(rows[0])) == first_column


def test_the_failures_download_holds_every_record_refused_for_good(running: Running) -> None:
    """R25: Salesforce's code and message for each, as on the failures page."""
    rows = list(csv.DictReader(io.StringIO(running.client.get("/exports/failures.csv").text)))
    assert sorted(r["error_code"] for r in rows) == [
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "FIELD_CUSTOM_VALIDATION_EXCEPTION",
        "INVALID_FIELD",
    ]
    assert 'href="/exports/failures.csv"' in running.client.get("/failures").text


def test_rejected_lines_open_as_a_table_not_json(running: Running) -> None:
    """SPEC 2: line, field, reason and the raw line of every kept line."""
    response = running.client.get("/rejected")

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<table class="list" id="rejected">' in page
    assert "unknown type" in page and "not JSON" in page and "{oops" in page


def test_an_unknown_page_gets_the_consoles_html_404_and_the_api_keeps_json(
    running: Running,
) -> None:
    """Every page of the console speaks HTML; /api/ speaks JSON."""
    page = running.client.get("/no-such-page")
    api = running.client.get("/api/no-such-thing")
    export = running.client.get("/exports/everything.csv")

    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "Not found" in page.text and "/no-such-page" in page.text
    assert export.status_code == 404 and "no export named" in export.text
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}


def test_the_webhook_takes_display_name_addresses(shared: Running) -> None:
    """R1: `Name <address>` in sender and to is recorded as given and counted by address."""
    running = with_fresh_client(shared)
    item = activity(
        "hook-display",
        sender="Rep One <rep@ourco.example>",
        to=['"Lee, Ana" <p01@acme.example>', "Nobody Here <nobody@newco.example>"],
    )
    response = running.post_activities([item])

    assert response.status_code == 202 and response.json()["accepted"] == 1
    stored = running.console.app.activity("hook-display")
    assert stored is not None and stored.activity["sender"] == "Rep One <rep@ourco.example>"
    assert stored.activity["to"][0] == '"Lee, Ana" <p01@acme.example>'
    found = address_index.search(running.console.app, running.console.views, "NOBODY@newco.example")
    assert [(m["activity_id"], m["roles"]) for m in found] == [("hook-display", ["to"])]
