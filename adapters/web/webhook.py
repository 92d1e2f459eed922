"""Webhook ingest (`POST /api/activities`): signed JSON array or JSON Lines, recorded like `ingest`.

The body is read up to the size limit (413 past it), its `X-Activity-Sync-Signature`
(`sha256=<hex HMAC-SHA256 of the raw body>`) checked in constant time (401), then every
item goes through the very same path as a line of `activity-sync ingest`: the same
validation, the same `IngestRun` keeping refused items, idempotent by activity id (R20).
"""

from __future__ import annotations

import hashlib
import hmac
import io
from collections.abc import AsyncIterator

import orjson

from adapters.input.ingest import IngestReport, ingest_stream
from projections.application import ActivitySyncApp

SIGNATURE_HEADER = "x-activity-sync-signature"
SOURCE = "webhook"
_BOM = b"\xef\xbb\xbf"


class TooLarge(Exception):
    """The body is over the configured limit."""


class NotJson(Exception):
    """Neither a JSON document nor JSON Lines with at least one JSON value."""


def sign(secret: str, body: bytes) -> str:
    """The header value a sender puts on `body`: `sha256=<hex>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time check of `sha256=<hex>` against the body's HMAC-SHA256."""
    if not header:
        return False
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != "sha256" or not given:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


async def read_limited(chunks: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """The whole body, refusing at once when it is declared or turns out longer than `limit`."""
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        raise TooLarge
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise TooLarge
    return bytes(body)


def as_json_lines(body: bytes) -> bytes:
    """The body as JSON Lines: an array becomes one line per item; NotJson when nothing is JSON."""
    text = body.removeprefix(_BOM)
    if not text.strip():
        raise NotJson("the body is empty")
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        if not any(_is_json(line) for line in text.splitlines()):
            raise NotJson("the body is neither JSON nor JSON Lines") from None
        return text
    items = document if isinstance(document, list) else [document]
    return b"\n".join(orjson.dumps(item) for item in items) + b"\n"


def _is_json(line: bytes) -> bool:
    if not line.strip():
        return False
    try:
        orjson.loads(line)
    except orjson.JSONDecodeError:
        return False
    return True


def ingest_body(app: ActivitySyncApp, body: bytes) -> IngestReport:
    """Record the items of a verified body exactly as `ingest` records lines (NotJson first)."""
    lines = as_json_lines(body)
    return ingest_stream(app, io.BytesIO(lines), SOURCE)


def response_document(report: IngestReport) -> dict[str, object]:
    """`{"accepted", "duplicates", "rejected": [{"index", "field", "reason"}]}`; index from 0."""
    return {
        "accepted": report.accepted,
        "duplicates": report.duplicates,
        "rejected": [
            {"index": r.line - 1, "field": r.field, "reason": r.reason} for r in report.rejected
        ],
    }
