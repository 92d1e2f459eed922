"""What the org holds for the Tasks the engine wrote: read by sync key in chunks, fingerprinted.

Only sync keys from the engine's own history are ever asked for, so records the engine
did not write are never read, let alone touched (R19). The fingerprint lets `replay apply`
tell whether the org changed since the plan was made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from domain.salesforce_ids import canonical_id
from projections.ports import OrgRecord
from replay.stream import Loaded

OrgReader = Callable[[Sequence[str], str], list[OrgRecord]]
# A chunk's keys of one object type go to the reader at once: the gateway cuts them into
# statements under SOQL's size limit (2,000 values each) and sends five statements per
# composite call, so a chunk of 500 activities is one call, not one per 200 keys.
KEYS_PER_READ = 10_000
_MODULUS = 2**256


@dataclass
class Fingerprint:
    """An order-independent digest of the org records read (ids, times, people, WhatId)."""

    keys_asked: int = 0
    records_found: int = 0
    _sum: int = 0

    def add(self, record: OrgRecord) -> None:
        parts = (
            record.sync_key or "",
            record.salesforce_id,
            record.last_modified or "",
            record.who_id or "",
            ",".join(sorted(canonical_id(i) for i in record.who_ids)),
            record.what_id or "",
            record.subject or "",
        )
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).digest()
        self._sum = (self._sum + int.from_bytes(digest, "big")) % _MODULUS
        self.records_found += 1

    def merge(self, other: Fingerprint) -> None:
        self.keys_asked += other.keys_asked
        self.records_found += other.records_found
        self._sum = (self._sum + other._sum) % _MODULUS

    @property
    def value(self) -> str:
        return f"{self.keys_asked}:{self.records_found}:{self._sum:064x}"


def written_keys(loaded: Iterable[Loaded]) -> dict[str, list[str]]:
    """Sync keys the engine wrote (and has not deleted), grouped by object type."""
    by_sobject: dict[str, list[str]] = {}
    for item in loaded:
        batches = item.activity.batches
        for key in item.activity.written:
            planned = batches.get(key)
            sobject = item.sobjects.get(key) or (planned["sobject"] if planned else "Task")
            by_sobject.setdefault(sobject, []).append(key)
    return by_sobject


def read_org(
    reader: OrgReader,
    loaded: Sequence[Loaded],
    fingerprint: Fingerprint,
    keys_per_read: int = KEYS_PER_READ,
) -> dict[str, OrgRecord]:
    """The org's records for the written keys of these activities (one read per object type)."""
    found: dict[str, OrgRecord] = {}
    for sobject, keys in sorted(written_keys(loaded).items()):
        fingerprint.keys_asked += len(keys)
        for start in range(0, len(keys), keys_per_read):
            for record in reader(keys[start : start + keys_per_read], sobject):
                if record.sync_key and record.sync_key not in found:
                    found[record.sync_key] = record
                    fingerprint.add(record)
    return found


def records_of(loaded: Loaded, org: dict[str, OrgRecord]) -> dict[str, OrgRecord]:
    """The part of a chunk's org records that belongs to one activity."""
    return {key: org[key] for key in loaded.activity.written if key in org}
