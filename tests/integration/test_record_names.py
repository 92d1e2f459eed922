"""The names index: every name the lookups read, from the log alone (R21, R29's one place)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_support import (
    ACCOUNT,
    ACCOUNT_NAME,
    Store,
    first_part,
    open_store,
    person_name,
    planned_activity,
    sent,
)
from sqlalchemy import select

from adapters.views import record_names
from adapters.views.record_names import names_of


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.app.close()


def _rows(store: Store) -> list[tuple[object, ...]]:
    table = record_names.record_names
    with store.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(table).order_by(table.c.record_id))]


def test_the_index_holds_each_person_beside_their_address_and_each_account(
    store: Store,
) -> None:
    """R21: Contacts by their address (personal data, one place); Accounts by id alone."""
    org = first_part(store, emails=1)
    record_names.catch_up(store.app, store.engine)

    rows = _rows(store)
    contact = org.contacts["p07@acme.example"][0].id
    assert (contact, "Contact", person_name("p07@acme.example"), "p07@acme.example") in rows
    assert (ACCOUNT, "Account", ACCOUNT_NAME, None) in rows
    assert names_of(store.engine, [contact, ACCOUNT, "003000000000000XXX", None]) == {
        contact: person_name("p07@acme.example"),
        ACCOUNT: ACCOUNT_NAME,
    }


def test_a_rebuild_from_the_log_gives_the_same_names(store: Store) -> None:
    """R21: the index is a view of the log; `views rebuild` drops it and reproduces it."""
    first_part(store, emails=2)
    record_names.catch_up(store.app, store.engine)
    before = _rows(store)

    record_names.rebuild(store.app, store.engine)

    assert _rows(store) == before and len(before) > 60


def test_a_name_read_again_later_replaces_the_older_one(store: Store) -> None:
    """R21: a Contact renamed in the org shows its newer name once an activity reads it."""
    org = first_part(store, emails=1)
    record_names.catch_up(store.app, store.engine)
    (fact,) = org.contacts["p00@acme.example"]
    org.contacts["p00@acme.example"] = [dataclasses.replace(fact, name="Pat Renamed")]
    activity, _ = planned_activity(sent("renamed", ["p00@acme.example"]), org, store.app.settings())
    store.app.save(activity)

    record_names.catch_up(store.app, store.engine)

    assert names_of(store.engine, [fact.id]) == {fact.id: "Pat Renamed"}
