"""The task view on PostgreSQL: same tables, same content from catch-up and rebuild, same explain."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from audit_support import Store, first_part, second_part, store_at
from conftest_postgres import postgres_store_url  # noqa: F401  (the fixture)

from adapters.views.documents import explain_document, stats_for
from adapters.views.queries import dump
from adapters.views.task_view import catch_up, rebuild

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_store_url: str) -> Iterator[Store]:  # noqa: F811
    opened = store_at(postgres_store_url)
    yield opened
    opened.app.close()
    opened.engine.dispose()


def test_the_view_on_postgresql_rebuilds_to_the_incremental_content(store: Store) -> None:
    """R21 at scale: the schema comes from the store URL; rebuild equals incremental."""
    org = first_part(store, emails=160)  # more than one chunk of notifications
    catch_up(store.app, store.engine)
    second_part(store, org)
    catch_up(store.app, store.engine)
    incremental = dump(store.engine)

    rebuild(store.app, store.engine)

    assert dump(store.engine) == incremental
    assert len(incremental["view_activities"]) == 167


def test_explain_and_stats_read_the_postgresql_view(store: Store) -> None:
    """R21, R23: a Salesforce id is found through the view; stats count from it."""
    first_part(store, emails=2)
    key, salesforce_id = next(iter(store.app.activity("big").written.items()))

    document = explain_document(store.app, store.engine, salesforce_id)
    stats = stats_for(store.app, store.engine)

    assert document["tasks"][0]["sync_key"] == key
    assert document["tasks"][0]["member_count"] == 50
    assert stats["rejected_lines"] == 2 and stats["written"]["events"] == 2
