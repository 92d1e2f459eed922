"""Rejected input (SPEC section 2): why a line was refused, and the IngestRun that keeps it.

Nothing is silently dropped: every refused line becomes a `LineRejected` event with its
line number, field and reason, and the raw line itself (up to 64 KiB, with the sha256 and
length of the whole line when it was longer).
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate

RAW_KEEP_BYTES = 64 * 1024


@dataclass(frozen=True)
class Rejection:
    """Why one input line was refused; `field` is None when the whole line is at fault."""

    line: int
    field: str | None
    reason: str

    @property
    def message(self) -> str:
        """E.g. `line 12, field occurred_at: timestamp needs an offset or Z`."""
        where = f"line {self.line}" + (f", field {self.field}" if self.field else "")
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "reason": self.reason}


CONFLICTING_DUPLICATE = "conflicting_duplicate"


def differing_fields(recorded: Mapping[str, Any], incoming: Mapping[str, Any]) -> list[str]:
    """The input fields whose values differ between two deliveries of one activity id (R20)."""
    names = dict.fromkeys([*recorded, *incoming])
    return [name for name in names if recorded.get(name) != incoming.get(name)]


def conflicting_duplicate(line: int, activity_id: str, fields: list[str]) -> Rejection:
    """R20: a re-delivered id whose content differs is kept as rejected input, never dropped."""
    reason = (
        f"{CONFLICTING_DUPLICATE}: the id {activity_id!r} was already recorded with other "
        f"content (differs in {', '.join(fields)})"
    )
    return Rejection(line, fields[0] if len(fields) == 1 else None, reason)


@dataclass(frozen=True)
class KeptRaw:
    """The part of a refused line that is kept: text (invalid UTF-8 replaced), size and digest."""

    text: str
    truncated: bool
    sha256: str
    length: int  # bytes of the whole line, without its line ending


def decode_kept(head: bytes, complete: bool) -> str:
    """Decode kept bytes, replacing invalid UTF-8; a character cut by truncation is dropped."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    return decoder.decode(head, final=complete)


def keep_raw(raw: bytes) -> KeptRaw:
    """What to keep of a whole refused line (at most RAW_KEEP_BYTES of it)."""
    truncated = len(raw) > RAW_KEEP_BYTES
    return KeptRaw(
        text=decode_kept(raw[:RAW_KEEP_BYTES], complete=not truncated),
        truncated=truncated,
        sha256=hashlib.sha256(raw).hexdigest(),
        length=len(raw),
    )


class IngestRun(Aggregate, created_event_name="Started"):
    """One `ingest` of a file or stdin: its source, every refused line, and the totals."""

    TOPIC = "activity_sync:IngestRun"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:IngestRun.Event"

        def apply(self, aggregate: IngestRun) -> None:
            aggregate.apply(self)

    class Started(Aggregate.Created):
        TOPIC = "activity_sync:IngestRun.Started"
        source: str  # e.g. "file:emails.jsonl", "stdin"

    class LineRejected(Event):
        """A line was refused; it is kept here, never dropped (SPEC section 2)."""

        TOPIC = "activity_sync:IngestRun.LineRejected"
        line: int
        field: str | None
        reason: str
        raw: str
        raw_truncated: bool
        raw_sha256: str
        raw_length: int

    class Finished(Event):
        TOPIC = "activity_sync:IngestRun.Finished"
        accepted: int
        duplicates: int
        rejected: int

    def __init__(self, source: str) -> None:
        self.source = source
        self.rejected = 0
        self.accepted = 0
        self.duplicates = 0
        self.finished = False

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type: refused lines are counted, the totals come at the end."""
        match event:
            case IngestRun.LineRejected():
                self.rejected += 1
            case IngestRun.Finished():
                self.accepted = event.accepted
                self.duplicates = event.duplicates
                self.finished = True

    @classmethod
    def start(cls, source: str) -> IngestRun:
        return cls._create(cls.Started, source=source)

    def reject(self, rejection: Rejection, raw: KeptRaw) -> None:
        self.trigger_event(
            self.LineRejected,
            line=rejection.line,
            field=rejection.field,
            reason=rejection.reason,
            raw=raw.text,
            raw_truncated=raw.truncated,
            raw_sha256=raw.sha256,
            raw_length=raw.length,
        )

    def finish(self, accepted: int, duplicates: int) -> None:
        self.trigger_event(
            self.Finished, accepted=accepted, duplicates=duplicates, rejected=self.rejected
        )
