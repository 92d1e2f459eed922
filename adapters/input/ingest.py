"""Ingest JSON Lines (SPEC section 2): good lines become `Recorded` events, bad ones are kept.

The stream is read line by line (a line longer than the limit is never held whole),
accepted activities are recorded in chunks, and every refused line is appended to the
run's `IngestRun` with its reason and raw text. One bad line never stops the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from uuid import UUID

import orjson

from adapters.input.schema import FieldError, check_activity
from domain.activity import activity_uuid
from domain.model import Activity
from domain.rejection import (
    RAW_KEEP_BYTES,
    IngestRun,
    KeptRaw,
    Rejection,
    conflicting_duplicate,
    decode_kept,
    differing_fields,
    keep_raw,
)
from projections.application import ActivitySyncApp

MAX_LINE_BYTES = 1024 * 1024
FLUSH_BYTES = 32 * 1024 * 1024  # also flush a chunk early when its lines are this big together
_BOM = b"\xef\xbb\xbf"
_READ = 64 * 1024


@dataclass
class IngestReport:
    """What one ingest did: new activities, re-delivered ids (R20), refused lines."""

    run_id: UUID
    source: str
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def all_accepted(self) -> bool:
        return not self.rejected

    def to_dict(self) -> dict[str, object]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": [r.to_dict() for r in self.rejected],
        }


@dataclass(frozen=True)
class Line:
    """One physical line: its content without the line ending (only the head when too long)."""

    number: int
    content: bytes
    length: int
    overflow_sha256: str | None = None  # set when the line is longer than MAX_LINE_BYTES


def parse_line(raw: bytes, line_no: int) -> Activity | Rejection:
    """One line's Activity, or the reason it is refused (naming the field when one is at fault)."""
    content = raw.rstrip(b"\n").rstrip(b"\r").removeprefix(_BOM)
    if len(content) > MAX_LINE_BYTES:
        return Rejection(line_no, None, _too_long(len(content)))
    try:
        data = orjson.loads(content)  # refuses invalid UTF-8 too: told apart just below
    except orjson.JSONDecodeError as error:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as bad:
            reason = f"not valid UTF-8 (byte {bad.start + 1}); kept with replacement characters"
            return Rejection(line_no, None, reason)
        if not content.strip():
            return Rejection(line_no, None, "empty line")
        return Rejection(
            line_no, None, f"not valid JSON ({error.msg} at character {error.pos + 1})"
        )
    try:
        return check_activity(data)
    except FieldError as error:
        return Rejection(line_no, error.field, error.reason)


def ingest_stream(
    app: ActivitySyncApp, stream: BinaryIO, source: str, chunk: int = 1000
) -> IngestReport:
    """Parse every line of `stream`, record the good ones, keep the bad ones; never stops early."""
    run = IngestRun.start(source)
    batch = _Batch(app, run, IngestReport(run.id, source), chunk)
    for line in read_lines(stream):
        if line.overflow_sha256 is not None:
            kept = KeptRaw(
                decode_kept(line.content, False), True, line.overflow_sha256, line.length
            )
            batch.reject(Rejection(line.number, None, _too_long(line.length)), kept)
            continue
        if not line.content.strip():
            continue
        result = parse_line(line.content, line.number)
        if isinstance(result, Rejection):
            batch.reject(result, keep_raw(line.content))
        else:
            batch.accept(result, f"{source}:{line.number}", line)
    return batch.finish()


def read_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[Line]:
    """Physical lines, numbered from 1; a line over `limit` bytes is hashed, not held."""
    number = 0
    while data := stream.readline(limit + 1):
        number += 1
        if len(data) <= limit or data.endswith(b"\n"):
            content = data.rstrip(b"\n").rstrip(b"\r")
            yield Line(number, content, len(content))
        else:
            yield _overflowing(number, data, stream)


def _overflowing(number: int, first: bytes, stream: BinaryIO) -> Line:
    digest = hashlib.sha256(first)
    length = len(first)
    ended = False
    while not ended and (part := stream.readline(_READ)):
        ended = part.endswith(b"\n")
        body = part.rstrip(b"\n").rstrip(b"\r") if ended else part
        digest.update(body)
        length += len(body)
    return Line(number, first[:RAW_KEEP_BYTES], length, digest.hexdigest())


def _kept(line: Line) -> KeptRaw:
    return keep_raw(line.content)


def _too_long(length: int) -> str:
    return f"line is {length:,} bytes, at most {MAX_LINE_BYTES:,}"


class _Batch:
    """Buffers accepted activities and the run's events, and saves them in chunks."""

    def __init__(self, app: ActivitySyncApp, run: IngestRun, report: IngestReport, size: int):
        self.app, self.run, self.report, self.size = app, run, report, max(1, size)
        self.items: list[tuple[Activity, str]] = []
        self.lines: list[Line] = []  # each item's line, for a conflicting duplicate
        self.buffered = 0
        self.redelivery = False  # the last chunk held ids already recorded

    def accept(self, activity: Activity, source: str, line: Line) -> None:
        self.items.append((activity, source))
        self.lines.append(line)
        self._grow(line.length)

    def reject(self, rejection: Rejection, kept: KeptRaw) -> None:
        self.run.reject(rejection, kept)
        self.report.rejected.append(rejection)
        self._grow(len(kept.text))

    def finish(self) -> IngestReport:
        self._flush()
        self.run.finish(self.report.accepted, self.report.duplicates)
        self.app.save(self.run)
        return self.report

    def _grow(self, length: int) -> None:
        self.buffered += length
        if len(self.items) + len(self.run.pending_events) >= self.size or (
            self.buffered >= FLUSH_BYTES
        ):
            self._flush()

    def _flush(self) -> None:
        if self.items:
            fresh = self._unrecorded(self.items)
            result = self.app.record_activities(fresh)
            self.report.accepted += len(result.accepted)
            unclaimed = set(result.accepted)  # each accepted id stands for its first line only
            again = []
            for item, line in zip(self.items, self.lines, strict=True):
                if item[0].id in unclaimed:
                    unclaimed.discard(item[0].id)
                else:
                    again.append((*item, line))
            conflicting = self._conflicting(again)
            self.report.duplicates += len(again) - conflicting
            self.redelivery = len(result.accepted) < len(self.items)
            self.items, self.lines = [], []
        if self.run.pending_events:
            self.app.save(self.run)
        self.buffered = 0

    def _conflicting(self, again: list[tuple[Activity, str, Line]]) -> int:
        """R20: an id delivered again with other content is kept as rejected input (and told
        on the recorded activity), not counted as a duplicate. Returns how many."""
        changed = []
        for activity, source, line in again:
            recorded = self.app.activity(activity.id)
            if recorded is None:  # the same id twice in this batch: the first one counts
                continue
            fields = differing_fields(recorded.activity, activity.to_dict())
            if not fields:
                continue
            self.reject(conflicting_duplicate(line.number, activity.id, fields), _kept(line))
            recorded.refuse_redelivery(source, line.number, fields)
            changed.append(recorded)
        if changed:
            self.app.save(*changed)
        return len(changed)

    def _unrecorded(self, items: list[tuple[Activity, str]]) -> list[tuple[Activity, str]]:
        """Set known ids aside first when a re-delivery is likely (R20).

        The store finds duplicates by bisecting a failed save, a failed transaction per
        split; a file ingested twice would pay that for every chunk. A read per id is cheap.
        """
        if not (self.redelivery or self._recorded(items[0][0])):
            return items
        return [item for item in items if not self._recorded(item[0])]

    def _recorded(self, activity: Activity) -> bool:
        return bool(self.app.recorder.select_events(activity_uuid(activity.id), limit=1))
