"""The task view: incremental catch-up equals a rebuild from the log, and is safe to repeat or race."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from audit_support import Store, first_part, open_store, second_part
from sqlalchemy import create_engine

from adapters.views.queries import dump, find
from adapters.views.tables import TABLES
from adapters.views.task_view import catch_up, position, rebuild


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.app.close()


def test_rebuild_gives_exactly_the_incremental_view_in_every_table(store: Store) -> None:
    """R21: the view is only ever derived from the log; dropping and rebuilding changes nothing."""
    org = first_part(store, emails=200)  # about 1,300 notifications: more than one chunk
    first = catch_up(store.app, store.engine)
    second_part(store, org)
    catch_up(store.app, store.engine)
    incremental = dump(store.engine)

    rebuilt = rebuild(store.app, store.engine)

    assert first.processed > 1000
    assert rebuilt.position == store.app.recorder.max_notification_id()
    assert dump(store.engine) == incremental
    assert all(incremental[name] for name in TABLES)  # every table has rows to compare


def test_catching_up_twice_changes_nothing(store: Store) -> None:
    """R20: a second catch-up reads nothing and leaves every row as it was."""
    first_part(store, emails=3)
    catch_up(store.app, store.engine)
    before = dump(store.engine)

    again = catch_up(store.app, store.engine)

    assert again.processed == 0
    assert dump(store.engine) == before


def test_the_view_follows_replays_retries_and_deletions(store: Store) -> None:
    """R19, R25: statuses in the view track the latest event for each sync key."""
    org = first_part(store, emails=2)
    catch_up(store.app, store.engine)
    second_part(store, org)
    catch_up(store.app, store.engine)

    tasks = {row[0]: row for row in dump(store.engine)["view_tasks"]}
    replayed = store.app.activity("e0")
    statuses = {tasks[key][13] for key in replayed.batches}
    assert statuses == {"planned"}
    deleted = [row for row in tasks.values() if row[13] == "deleted"]
    assert len(deleted) == 1 and deleted[0][15] == 2  # settings version of the original plan
    refused = store.app.activity("refused")
    assert {tasks[key][13] for key in refused.batches} == {"written"}


def test_two_concurrent_catch_ups_apply_each_notification_once(store: Store) -> None:
    """R20: the position moves only from the value a run read; the loser re-reads, never doubles."""
    first_part(store, emails=150)
    other = create_engine(store.engine.url, connect_args={"timeout": 30})
    errors: list[BaseException] = []

    def run(engine: object) -> None:
        try:
            catch_up(store.app, engine)  # type: ignore[arg-type]
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(e,)) for e in (store.engine, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raced = dump(store.engine)
    rebuild(store.app, store.engine)

    assert errors == []
    assert raced == dump(store.engine)
    assert position(store.engine) == store.app.recorder.max_notification_id()


def test_every_kind_of_id_is_one_lookup_in_the_view(store: Store) -> None:
    """R21: a sync key, a Salesforce id and an activity id each find their activity."""
    first_part(store, emails=1)
    catch_up(store.app, store.engine)
    activity = store.app.activity("big")
    key, salesforce_id = next(iter(activity.written.items()))

    assert find(store.engine, key).matched == "sync_key"
    by_id = find(store.engine, salesforce_id)
    assert (by_id.matched, by_id.sync_key, by_id.activity_uuid) == (
        "salesforce_id",
        key,
        activity.id,
    )
    assert find(store.engine, "big").activity_uuid == activity.id
    assert find(store.engine, str(activity.id)).matched == "activity_id"
    assert find(store.engine, "no-such-thing") is None
