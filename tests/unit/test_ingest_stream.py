"""Ingesting a stream into a SQLite store: good lines recorded, bad ones kept, duplicates counted."""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.input.ingest import MAX_LINE_BYTES, ingest_stream
from adapters.store.persistence import open_app
from adapters.views.rejections import newest_rejections
from domain.rejection import RAW_KEEP_BYTES, IngestRun
from projections.application import ActivitySyncApp


@pytest.fixture
def app(tmp_path: Path) -> Iterator[ActivitySyncApp]:
    application = open_app(f"sqlite:///{tmp_path / 'store.db'}")
    yield application
    application.close()


def sent(activity_id: str, **extra: Any) -> bytes:
    record = {
        "id": activity_id,
        "type": "sent",
        "occurred_at": "2026-11-26T10:00:00+01:00",
        "sender": "ann@ourco.example",
        "to": ["bob@alpha.example"],
        **extra,
    }
    return json.dumps(record).encode()


def stream(*lines: bytes) -> io.BytesIO:
    return io.BytesIO(b"\n".join(lines) + b"\n")


def kept_events(app: ActivitySyncApp, run_id: Any) -> list[Any]:
    return [e for e in app.history(run_id) if isinstance(e, IngestRun.LineRejected)]


def test_good_lines_are_recorded_with_their_source_line_and_bad_ones_are_kept(
    app: ActivitySyncApp,
) -> None:
    """SPEC section 2: one bad line never stops the file; it is kept with line, field, reason."""
    bad = sent("m2", occurred_at="2026-11-26")
    report = ingest_stream(app, stream(sent("m1"), bad, b"", b"{oops", sent("m3")), "file:a.jsonl")
    assert (report.accepted, report.duplicates) == (2, 0)
    assert [(r.line, r.field) for r in report.rejected] == [(2, "occurred_at"), (4, None)]
    recorded = app.activity("m3")
    assert recorded is not None and recorded.source == "file:a.jsonl:5"
    assert app.activity("m2") is None
    kept = kept_events(app, report.run_id)
    assert [(e.line, e.field, e.raw) for e in kept] == [
        (2, "occurred_at", bad.decode()),
        (4, None, "{oops"),
    ]
    run = app.repository.get(report.run_id)
    assert (run.source, run.accepted, run.rejected, run.finished) == ("file:a.jsonl", 2, 2, True)


def test_an_id_repeated_in_the_file_is_a_duplicate_not_a_rejection(app: ActivitySyncApp) -> None:
    """R20: re-ingesting an id is a no-op, reported as a duplicate (also across chunks)."""
    lines = [sent(f"m{i}") for i in range(5)] + [sent("m1"), sent("m4"), sent("m1")]
    report = ingest_stream(app, stream(*lines), "stdin", chunk=2)
    assert (report.accepted, report.duplicates, report.rejected) == (5, 3, [])


def test_re_ingesting_a_file_records_nothing_twice(app: ActivitySyncApp) -> None:
    """R20: the second run reports every line as a duplicate and appends no activity event."""
    lines = stream(sent("m1"), sent("m2"), b"not json")
    first = ingest_stream(app, lines, "file:a.jsonl")
    events_after_first = app.recorder.max_notification_id()
    lines.seek(0)
    second = ingest_stream(app, lines, "file:a.jsonl")
    assert (first.accepted, first.duplicates) == (2, 0)
    assert (second.accepted, second.duplicates, len(second.rejected)) == (0, 2, 1)
    new_topics = {n.topic for n in app.notification_log.select(events_after_first + 1, 100)}
    assert new_topics == {
        IngestRun.Started.TOPIC,
        IngestRun.LineRejected.TOPIC,
        IngestRun.Finished.TOPIC,
    }


def test_invalid_utf8_is_kept_with_replacement_characters_and_flagged(
    app: ActivitySyncApp,
) -> None:
    raw = b'{"id": "caf\xe9"}'
    report = ingest_stream(app, stream(raw), "stdin")
    (event,) = kept_events(app, report.run_id)
    assert event.raw == '{"id": "caf\ufffd"}'
    assert "not valid UTF-8" in event.reason and "replacement characters" in event.reason
    assert event.raw_sha256 == hashlib.sha256(raw).hexdigest()
    assert (event.raw_length, event.raw_truncated) == (len(raw), False)


def test_a_line_over_the_limit_keeps_its_first_64_kib_digest_and_length(
    app: ActivitySyncApp,
) -> None:
    """Nothing silently dropped: the head is kept, the whole line is identified by sha256."""
    huge = sent("big", body="é" * MAX_LINE_BYTES)
    report = ingest_stream(app, stream(sent("m1"), huge, sent("m2")), "stdin")
    assert (report.accepted, [r.line for r in report.rejected]) == (2, [2])
    (event,) = kept_events(app, report.run_id)
    assert event.raw_truncated and event.raw_length == len(huge)
    assert event.raw_sha256 == hashlib.sha256(huge).hexdigest()
    assert huge.decode().startswith(event.raw)
    assert len(huge[:RAW_KEEP_BYTES].decode(errors="ignore")) - len(event.raw) <= 1


def test_a_long_but_allowed_bad_line_keeps_64_kib(app: ActivitySyncApp) -> None:
    raw = sent("long", occurred_at="never", body="x" * (RAW_KEEP_BYTES * 2))
    report = ingest_stream(app, stream(raw), "stdin")
    (event,) = kept_events(app, report.run_id)
    assert (event.field, event.raw_truncated, event.raw_length) == ("occurred_at", True, len(raw))
    assert event.raw == raw[:RAW_KEEP_BYTES].decode()


def test_blank_lines_are_skipped_silently_and_line_numbers_stay_physical(
    app: ActivitySyncApp,
) -> None:
    report = ingest_stream(app, io.BytesIO(b"\n  \r\n\t\n" + sent("m1") + b"\r\n\nnope"), "stdin")
    assert (report.accepted, [r.line for r in report.rejected]) == (1, [6])


def test_an_empty_stream_is_a_finished_run_with_nothing_in_it(app: ActivitySyncApp) -> None:
    report = ingest_stream(app, io.BytesIO(b""), "stdin")
    assert (report.accepted, report.duplicates, report.rejected) == (0, 0, [])
    assert app.repository.get(report.run_id).finished


def test_rejected_lists_the_newest_run_first_and_honours_the_limit(app: ActivitySyncApp) -> None:
    ingest_stream(app, stream(b"old 1", b"old 2"), "file:old.jsonl")
    ingest_stream(app, stream(sent("m1"), b"new 2", b"new 3"), "file:new.jsonl")
    everything = newest_rejections(app, None)
    assert everything.total == 4
    assert [(k.source, k.line, k.raw) for k in everything.lines] == [
        ("file:new.jsonl", 2, "new 2"),
        ("file:new.jsonl", 3, "new 3"),
        ("file:old.jsonl", 1, "old 1"),
        ("file:old.jsonl", 2, "old 2"),
    ]
    newest = newest_rejections(app, 3)
    assert newest.total == 4
    assert [(k.source, k.line) for k in newest.lines] == [
        ("file:new.jsonl", 2),
        ("file:new.jsonl", 3),
        ("file:old.jsonl", 2),
    ]


def test_a_partly_recorded_file_counts_new_and_known_ids_exactly(app: ActivitySyncApp) -> None:
    """R20 across chunks: known ids are set aside whichever chunk they fall in."""
    ingest_stream(app, stream(*(sent(f"m{i}") for i in range(0, 10, 2))), "file:evens.jsonl")
    report = ingest_stream(app, stream(*(sent(f"m{i}") for i in range(10))), "stdin", chunk=3)
    assert (report.accepted, report.duplicates, report.rejected) == (5, 5, [])
    assert all(app.activity(f"m{i}") is not None for i in range(10))
