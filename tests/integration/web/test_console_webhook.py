"""The signed webhook `POST /api/activities` (issue 9 item 2): signatures, limits, idempotency (R20)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from console_support import SECRET, Running, activity, running_console, with_fresh_client

from adapters.input.ingest import ingest_stream
from adapters.views.rejections import newest_rejections
from adapters.web.webhook import sign
from domain.activity import EmailActivity


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with running_console(tmp_path_factory.mktemp("webhook"), max_body_bytes=4096) as running:
        yield running


@pytest.fixture
def running(shared: Running) -> Running:
    """One store for the module (every test uses its own activity ids), a fresh client each."""
    return with_fresh_client(shared)


def recorded(running: Running, source_id: str) -> EmailActivity | None:
    return running.console.app.activity(source_id)


def test_a_signed_json_array_is_recorded_and_answered_202(running: Running) -> None:
    """Every valid item becomes a Recorded activity, as `ingest` records a line."""
    response = running.post_activities([activity("hook-1"), activity("hook-2")])
    assert response.status_code == 202
    assert response.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    stored = recorded(running, "hook-1")
    assert stored is not None and stored.source.startswith("webhook")
    assert stored.activity["to"] == ["p01@acme.example", "p02@acme.example"]


def test_a_signed_json_lines_body_is_recorded_too(running: Running) -> None:
    body = b"\n".join(orjson.dumps(activity(f"line-{n}")) for n in range(3)) + b"\n"
    response = running.client.post("/api/activities", content=body, headers=running.signed(body))
    assert response.status_code == 202
    assert response.json()["accepted"] == 3
    assert all(recorded(running, f"line-{n}") for n in range(3))


def test_a_missing_signature_is_refused_with_401_and_nothing_is_recorded(running: Running) -> None:
    body = orjson.dumps([activity("unsigned")])
    response = running.client.post("/api/activities", content=body)
    assert response.status_code == 401
    assert "X-Activity-Sync-Signature" in response.json()["detail"]
    assert recorded(running, "unsigned") is None


@pytest.mark.parametrize(
    "header",
    [
        "sha256=" + "0" * 64,
        sign("another-secret-entirely-0123456789", b"[]"),
        "sha1=abc",
        "sha256=",
        "garbage",
    ],
)
def test_a_wrong_signature_is_refused_with_401(running: Running, header: str) -> None:
    body = orjson.dumps([activity("wrong-sig")])
    response = running.client.post(
        "/api/activities", content=body, headers={"X-Activity-Sync-Signature": header}
    )
    assert response.status_code == 401
    assert recorded(running, "wrong-sig") is None


def test_a_replayed_body_under_another_bodys_signature_is_refused(running: Running) -> None:
    """A captured signature only fits its own body: swapping bodies fails in constant time."""
    genuine = orjson.dumps([activity("genuine")])
    forged = orjson.dumps([activity("forged")])
    response = running.client.post(
        "/api/activities", content=forged, headers=running.signed(genuine)
    )
    assert response.status_code == 401
    assert recorded(running, "forged") is None


def test_a_signature_made_with_another_secret_is_refused(running: Running) -> None:
    body = orjson.dumps([activity("other-secret")])
    headers = running.signed(body, secret=SECRET + "x")
    assert running.client.post("/api/activities", content=body, headers=headers).status_code == 401


def test_a_redelivered_body_counts_its_activities_as_duplicates_never_twice(
    running: Running,
) -> None:
    """R20: the same ids again (a retried delivery) record nothing new."""
    items = [activity("again-1"), activity("again-2")]
    first = running.post_activities(items)
    second = running.post_activities(items)
    assert first.json() == {"accepted": 2, "duplicates": 0, "rejected": []}
    assert second.json() == {"accepted": 0, "duplicates": 2, "rejected": []}
    assert len(running.console.app.history(recorded(running, "again-1").id)) == 1


def test_an_activity_ingested_from_a_file_is_a_duplicate_on_the_webhook(running: Running) -> None:
    """Idempotent by activity id exactly like `ingest`: both paths share one identity."""
    line = orjson.dumps(activity("from-file")) + b"\n"
    report = ingest_stream(running.console.app, io.BytesIO(line), "file:day.jsonl")
    assert report.accepted == 1
    response = running.post_activities([activity("from-file"), activity("fresh")])
    assert response.json() == {"accepted": 1, "duplicates": 1, "rejected": []}


def test_rejected_items_are_listed_by_index_and_kept_like_rejected_lines(running: Running) -> None:
    """SPEC section 2: refused items are named (index, field, reason) and kept, never dropped."""
    items = [
        activity("good-1"),
        {k: v for k, v in activity("no-type").items() if k != "type"},
        activity("bad-time", occurred_at="yesterday"),
        "not an object",
        activity("good-2"),
    ]
    response = running.post_activities(items)
    assert response.status_code == 202
    document = response.json()
    assert document["accepted"] == 2
    assert [(r["index"], r["field"]) for r in document["rejected"]] == [
        (1, "type"),
        (2, "occurred_at"),
        (3, None),
    ]
    kept = newest_rejections(running.console.app, None).lines
    newest_run = kept[0].run_id  # this delivery's IngestRun comes first
    from_hook = [line for line in kept if line.run_id == newest_run]
    assert {line.source for line in from_hook} == {"webhook"}
    assert [(line.line, line.field) for line in from_hook] == [
        (2, "type"),
        (3, "occurred_at"),
        (4, None),
    ]
    assert "bad-time" in from_hook[1].raw


def test_rejected_json_lines_are_indexed_by_line(running: Running) -> None:
    body = (
        orjson.dumps(activity("jl-good")) + b"\n{oops\n\n" + orjson.dumps(activity("jl-2")) + b"\n"
    )
    response = running.client.post("/api/activities", content=body, headers=running.signed(body))
    assert response.status_code == 202
    document = response.json()
    assert document["accepted"] == 2
    assert [(r["index"], r["field"]) for r in document["rejected"]] == [(1, None)]
    assert "not valid JSON" in document["rejected"][0]["reason"]


@pytest.mark.parametrize("body", [b"this is not json", b"<xml/>\n<more/>", b"", b"   \n"])
def test_a_body_that_is_not_json_at_all_is_refused_with_400(running: Running, body: bytes) -> None:
    before = newest_rejections(running.console.app, None).total
    response = running.client.post("/api/activities", content=body, headers=running.signed(body))
    assert response.status_code == 400
    assert newest_rejections(running.console.app, None).total == before


def test_a_body_over_the_size_limit_is_refused_with_413(running: Running) -> None:
    items = [activity(f"big-{n}", body="x" * 1000) for n in range(6)]
    response = running.post_activities(items)
    assert response.status_code == 413
    assert recorded(running, "big-0") is None


def test_a_streamed_body_without_a_length_is_cut_off_at_the_limit(running: Running) -> None:
    """The limit holds without Content-Length too (chunked): the body is never read whole."""
    sent = []

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            sent.append(1)
            yield b"[" + b" " * 1000

    body_signature = sign(SECRET, b"irrelevant")
    response = running.client.post(
        "/api/activities", content=chunks(), headers={"X-Activity-Sync-Signature": body_signature}
    )
    assert response.status_code == 413


def test_the_webhook_needs_no_admin_token_but_everything_else_does(running: Running) -> None:
    """Issue 9 item 3: the webhook is guarded by its signature, not by the admin token."""
    assert running.post_activities([activity("no-admin")]).status_code == 202
    assert running.client.get("/api/health").status_code == 401


def test_without_a_webhook_secret_the_webhook_answers_503_and_accepts_nothing(
    tmp_path: Path,
) -> None:
    with running_console(tmp_path, secret=None) as running:
        body = orjson.dumps([activity("no-secret")])
        response = running.client.post(
            "/api/activities",
            content=body,
            headers={"X-Activity-Sync-Signature": sign("anything-at-all-0123456", body)},
        )
        assert response.status_code == 503
        assert "ACTIVITY_SYNC_WEBHOOK_SECRET" in response.json()["detail"]
        assert running.console.app.activity("no-secret") is None
