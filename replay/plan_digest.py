"""A plan's digest: SHA-256 of its whole content, header and entries, in canonical form (R19).

The plan is evidence, not a form: `replay apply` refuses a plan whose digest does not
match. The writer feeds the entries as they stream out, then the header; the reader does
the same from what it parsed. Canonical means JSON with sorted keys, so a plan rewritten
as other valid JSON (pretty-printed, keys reordered) keeps its digest, while any changed
value, added or removed field, or added or removed entry changes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import orjson

DIGEST_KEY = "digest"
_PREFIX = "sha256:"
_SEAL = b"activity-sync/replay-plan digest 1\n"


def canonical(value: Any) -> bytes:
    """The one encoding the digest covers: JSON with sorted keys, no spaces."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


class PlanDigest:
    """Entries first (one canonical line each, as they stream), the header last."""

    def __init__(self) -> None:
        self._entries = hashlib.sha256()

    def add_lines(self, lines: bytes) -> None:
        """Entry lines already in canonical form, each ending with a newline."""
        self._entries.update(lines)

    def add_entry(self, entry: Mapping[str, Any]) -> None:
        self._entries.update(canonical(entry) + b"\n")

    def value(self, header: Mapping[str, Any]) -> str:
        """The digest of this header (every field but the digest itself) and the entries."""
        whole = hashlib.sha256(_SEAL)
        whole.update(canonical({k: v for k, v in header.items() if k != DIGEST_KEY}))
        whole.update(b"\n" + self._entries.digest())
        return _PREFIX + whole.hexdigest()
