"""Names and "open in Salesforce" links in the console's failures list and explain (R21, R25)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_support import ACCOUNT, ACCOUNT_NAME, person_name
from console_support import BEARER, Running, running_console, sign_in

CODE = "FIELD_CUSTOM_VALIDATION_EXCEPTION"
ORG = "https://acme.my.salesforce.com"
PAGES = "https://acme.lightning.force.com/lightning/r"


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    with running_console(tmp_path, salesforce=ORG) as running:
        yield running


def _failures(running: Running, code: str = CODE) -> list[dict[str, object]]:
    answer = running.client.get(f"/api/failures?code={code}", headers=BEARER)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["failures"])


def test_each_failure_names_its_primary_and_account_and_links_them(running: Running) -> None:
    """R25: a refused record says who and what it was for, by name, with their pages."""
    rows = sorted(_failures(running), key=lambda r: str(r["activity_id"]))
    assert [r["who_name"] for r in rows] == [
        person_name("p03@acme.example"),
        person_name("p05@acme.example"),
    ]
    for row in rows:
        assert row["who_url"] == f"{PAGES}/Contact/{row['who_id']}/view"
        assert (row["what_id"], row["what_name"]) == (ACCOUNT, ACCOUNT_NAME)
        assert row["what_url"] == f"{PAGES}/Account/{ACCOUNT}/view"
        assert "url" not in row  # never written: no Task to open


def test_without_an_org_the_failures_carry_names_but_no_links(tmp_path: Path) -> None:
    """R21: with no instance URL configured a link is left out, never invented."""
    with running_console(tmp_path) as running:
        rows = _failures(running)
    assert rows and all(r["who_name"] for r in rows)
    assert not any(key.endswith("url") for row in rows for key in row)


def test_the_failures_page_shows_names_that_open_the_records(running: Running) -> None:
    """R25: the Name column links each person and Account to its page in Salesforce."""
    sign_in(running)
    page = running.client.get(f"/failures?code={CODE}").text
    name = person_name("p03@acme.example")
    assert re.search(rf'<a href="{PAGES}/Contact/003\w{{15}}/view"[^>]*>{name}</a>', page)
    assert f'<a href="{PAGES}/Account/{ACCOUNT}/view"' in page and f">{ACCOUNT_NAME}</a>" in page


def test_the_explain_page_names_the_primary_and_links_the_task(running: Running) -> None:
    """R21: the story shows `Name Id` for the primary, the Account and every recipient."""
    sign_in(running)
    task_id = running.store.app.activity("e0").written
    (salesforce_id,) = task_id.values()
    page = running.client.get(f"/explain?q={salesforce_id}").text
    assert f'<a href="{PAGES}/Task/{salesforce_id}/view"' in page
    assert f">{person_name('p00@acme.example')}</a>" in page
    assert f">{ACCOUNT_NAME}</a>" in page
