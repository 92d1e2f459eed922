"""Sync keys: the deterministic external id of every planned record, so re-writing is an upsert (R20).

A key depends only on the activity, the record's kind, its person and its related record,
never on anything else planned alongside, so adding a recipient never renames other Tasks.
"""

from __future__ import annotations

import hashlib

PREFIX = "as1_"
SEPARATOR = "\x1f"
KINDS = ("batch", "single", "event")


def sync_key(activity_id: str, sobject: str, kind: str, person_id: str, what_id: str | None) -> str:
    """`as1_` + the first 32 hex digits of sha256 over the unit-separated parts."""
    if kind not in KINDS:
        raise ValueError(f"unknown sync key kind {kind!r}; expected one of {', '.join(KINDS)}")
    parts = (activity_id, sobject, kind, person_id, what_id or "")
    digest = hashlib.sha256(SEPARATOR.join(parts).encode("utf-8")).hexdigest()
    return PREFIX + digest[:32]
