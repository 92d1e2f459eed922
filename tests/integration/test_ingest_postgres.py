"""Ingest into PostgreSQL and read back (the store URL for scale, SPEC section 4)."""

from __future__ import annotations

import io
import json

import pytest
from conftest_postgres import postgres_store_url  # noqa: F401  (the fixture)

from adapters.input.ingest import ingest_stream
from adapters.store.persistence import open_app
from adapters.views.rejections import newest_rejections

pytestmark = pytest.mark.postgres


def sent(activity_id: str) -> bytes:
    record = {
        "id": activity_id,
        "type": "sent",
        "occurred_at": "2026-11-26T10:00:00+01:00",
        "sender": "ann@ourco.example",
        "to": ["bob@alpha.example", "cleo@alpha.example"],
        "subject": "Renewal — Q4 ✓",
    }
    return json.dumps(record, ensure_ascii=False).encode()


def test_ingest_into_postgresql_and_read_back(postgres_store_url: str) -> None:  # noqa: F811
    """Good lines are recorded, bad ones kept, and a second run sees duplicates (R20)."""
    lines = b"\n".join([sent("m1"), b'{"id": "m2"}', sent("m3"), b"\xff\xfe"]) + b"\n"
    app = open_app(postgres_store_url)
    try:
        first = ingest_stream(app, io.BytesIO(lines), "file:pg.jsonl", chunk=2)
    finally:
        app.close()
    reopened = open_app(postgres_store_url)
    try:
        second = ingest_stream(reopened, io.BytesIO(lines), "file:pg.jsonl")
        recorded = reopened.activity("m3")
        kept = newest_rejections(reopened, None)
    finally:
        reopened.close()
    assert (first.accepted, first.duplicates, len(first.rejected)) == (2, 0, 2)
    assert (second.accepted, second.duplicates, len(second.rejected)) == (0, 2, 2)
    assert recorded is not None and recorded.model.subject == "Renewal — Q4 ✓"
    assert recorded.source == "file:pg.jsonl:3"
    assert kept.total == 4
    assert [(k.line, k.field) for k in kept.lines[:2]] == [(2, "type"), (4, None)]
    assert kept.lines[1].raw == "\ufffd\ufffd"
