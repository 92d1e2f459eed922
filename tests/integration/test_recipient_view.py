"""The recipients view (R3-R5, R23): why each address was not logged, counted from the view.

Histories are made with the real planner (`audit_support`); the counts are read back
through `stats_for`, as `stats --json` and the console read them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from audit_support import Org, Store, open_store, planned_activity, sent, write_all
from sqlalchemy import select

from adapters.views import recipient_view
from adapters.views.documents import stats_for
from adapters.views.recipient_queries import unmatched_addresses

ACCOUNT = "001000000000000ACM"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path, internal_domains="ourco.example")
    yield opened
    opened.app.close()


def _history(store: Store) -> Org:
    """Two reps (one written with a display name); Contacts, a Lead, unmatched addresses on
    two domains, an invalid and a malformed display name, a colleague, a Bcc and a repeat."""
    org = Org()
    org.contact("ann@acme.example", ACCOUNT)
    org.contact("bob@acme.example", ACCOUNT)
    org.lead("lea@lead.example")
    settings = store.app.settings()
    emails = [
        sent("m1", ["Ann <ann@acme.example>", "x1@newco.example", "x2@newco.example"]),
        sent("m2", ["bob@acme.example", "x1@newco.example", "not an address"]),
        sent("m3", ["lea@lead.example", "y@other.example", "Lee, Ann <ann@acme.example>"]),
        replace(
            sent(
                "m4",
                ["x1@newco.example", "colleague@ourco.example", "ann@acme.example"],
                bcc=("b@acme.example",),
            ),
            sender='"Rep, Two" <Rep2@OurCo.example>',
            occurred_at="2026-03-05T08:00:00+02:00",
        ),
        sent("m5", ["ann@acme.example", "ANN@acme.example"]),
    ]
    saved = []
    for activity in emails:
        aggregate, plan = planned_activity(activity, org, settings)
        write_all(aggregate, plan.tasks)
        saved.append(aggregate)
    store.app.save(*saved)
    return org


def test_stats_count_every_recipient_by_outcome_with_the_usual_six_always_shown(
    store: Store,
) -> None:
    """R3-R5: contact, lead, unmatched, excluded, invalid, skipped (Bcc off, repeats)."""
    _history(store)
    stats = stats_for(store.app, store.engine)
    assert stats["recipients"] == {
        "contact": 4,
        "lead": 1,
        "unmatched": 5,
        "excluded": 1,
        "invalid": 2,
        "skipped": 2,
    }


def test_the_top_unmatched_domains_and_addresses_come_biggest_first(store: Store) -> None:
    """R5: unmatched addresses are the candidates for new Contacts or Leads."""
    _history(store)
    stats = stats_for(store.app, store.engine)
    assert stats["top_unmatched_domains"] == [
        {"domain": "newco.example", "count": 4},
        {"domain": "other.example", "count": 1},
    ]
    first, *rest = stats["top_unmatched_addresses"]
    assert first == {
        "address": "x1@newco.example",
        "domain": "newco.example",
        "count": 3,
        "last_seen": "2026-03-05T08:00:00+02:00",
        "sample_activity": "m4",
    }
    assert [(u["address"], u["count"]) for u in rest] == [
        ("x2@newco.example", 1),
        ("y@other.example", 1),
    ]
    assert [u.address for u in unmatched_addresses(store.engine)] == [
        "x1@newco.example",
        "x2@newco.example",
        "y@other.example",
    ]


def test_each_sender_is_counted_by_address_whatever_form_it_was_written_in(
    store: Store,
) -> None:
    """R1, R23: per rep, activities, records written, unmatched recipients and failures."""
    _history(store)
    senders = stats_for(store.app, store.engine)["senders"]
    assert senders == [
        {
            "sender": "rep@ourco.example",
            "activities": 4,
            "tasks": 4,
            "events": 0,
            "unmatched": 4,
            "failures": 0,
        },
        {
            "sender": "rep2@ourco.example",
            "activities": 1,
            "tasks": 1,
            "events": 0,
            "unmatched": 1,
            "failures": 0,
        },
    ]


def test_a_re_resolved_activity_replaces_its_outcomes_and_a_rebuild_changes_nothing(
    store: Store,
) -> None:
    """R19, R23: a later resolution (a new Contact) is what counts; the view is only derived."""
    org = _history(store)
    stats_for(store.app, store.engine)
    org.contact("x1@newco.example", ACCOUNT)
    again = store.app.activity("m2")
    again_plan = planned_activity(again.model, org, store.app.settings())[1]
    again.resolve(
        [r.to_dict() for r in again_plan.recipients], {}, store.app.settings().to_dict(), []
    )
    store.app.save(again)
    incremental = stats_for(store.app, store.engine)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(recipient_view.recipients).order_by("activity_uuid", "position")
        ).all()

    recipient_view.rebuild(store.app, store.engine)

    with store.engine.connect() as conn:
        rebuilt = conn.execute(
            select(recipient_view.recipients).order_by("activity_uuid", "position")
        ).all()
    assert incremental["recipients"]["unmatched"] == 4
    assert incremental["recipients"]["contact"] == 5
    assert rebuilt == rows
    assert stats_for(store.app, store.engine)["recipients"] == incremental["recipients"]
