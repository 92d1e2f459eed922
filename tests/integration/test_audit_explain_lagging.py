"""`explain` (R21) right after a bulk load: it answers from the log without waiting for the view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_support import Org, Store, open_store, planned_activity, sent, write_all

from adapters.store.followers import position
from adapters.views import lagging, task_view
from adapters.views.documents import explain_document
from domain.errors import NotFound

ACME = "001000000000000ACM"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A store whose view counts as far behind after any load (a bulk load, in small)."""
    monkeypatch.setattr(lagging, "CATCH_UP_BELOW", 1)
    opened = open_store(tmp_path)
    yield opened
    opened.app.close()


def _bulk(store: Store, count: int) -> dict[str, dict[str, str]]:
    """`count` emails planned and written, saved after the view last read the log."""
    org = Org()
    people = [f"p{i}@acme.example" for i in range(3)]
    for address in people:
        org.contact(address, ACME)
    task_view.catch_up(store.app, store.engine)
    written = {}
    for n in range(count):
        activity, plan = planned_activity(sent(f"bulk-{n}", people), org, store.app.settings())
        written[f"bulk-{n}"] = write_all(activity, plan.tasks)
        store.app.save(activity)
    return written


def test_a_task_written_after_the_view_last_read_is_explained_by_its_salesforce_id(store):
    """R21: the first explain after a load tells the Task's story; the view is not made to
    follow the whole log first."""
    written = _bulk(store, 5)
    before = position(store.engine, task_view.FOLLOWER)
    ((sync_key, salesforce_id),) = written["bulk-3"].items()

    document = explain_document(store.app, store.engine, salesforce_id)

    assert document["query"]["matched"] == "salesforce_id"
    assert [t["sync_key"] for t in document["tasks"]] == [sync_key]
    assert document["tasks"][0]["salesforce_id"] == salesforce_id
    assert position(store.engine, task_view.FOLLOWER) == before


def test_an_activity_and_a_sync_key_the_view_has_not_read_are_explained_too(store):
    """R21: an activity id is read straight from the log, a sync key from the part of the log
    past the view, each as the caught-up view would have found it."""
    written = _bulk(store, 3)
    ((sync_key, _),) = written["bulk-1"].items()

    by_activity = explain_document(store.app, store.engine, "bulk-2")
    by_key = explain_document(store.app, store.engine, sync_key)

    assert by_activity["query"]["matched"] == "activity_id"
    assert by_activity["activity"]["id"] == "bulk-2"
    assert by_key["query"]["matched"] == "sync_key"
    assert by_key["activity"]["id"] == "bulk-1"


def test_a_view_only_a_little_behind_is_brought_up_to_date_by_explain(store, monkeypatch):
    """R21: explained often, a store keeps its view moving: a small lag is caught up first."""
    monkeypatch.setattr(lagging, "CATCH_UP_BELOW", 5_000)
    written = _bulk(store, 2)
    ((_, salesforce_id),) = written["bulk-0"].items()

    document = explain_document(store.app, store.engine, salesforce_id)

    assert document["query"]["matched"] == "salesforce_id"
    assert position(store.engine, task_view.FOLLOWER) == store.app.recorder.max_notification_id()


def test_an_id_nothing_names_is_still_not_found(store):
    """R21: an unknown id is one sentence (NotFound), after the log past the view is read."""
    _bulk(store, 2)
    with pytest.raises(NotFound):
        explain_document(store.app, store.engine, "00T000000000999ZZZ")
