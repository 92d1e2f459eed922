"""Salesforce-style record ids: 15 case-sensitive characters plus a 3-character case-safe suffix."""

from __future__ import annotations

import string
from functools import lru_cache

_SUFFIX_ALPHABET = string.ascii_uppercase + "012345"
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_ALNUM = frozenset(string.ascii_letters + string.digits)
_INSTANCE = "8L"  # two characters standing for the pod, as in real ids


def case_suffix(id15: str) -> str:
    """The 3 characters that make a 15-character id case-insensitively unique."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, ch in enumerate(id15[start : start + 5]) if ch.isupper())
        suffix += _SUFFIX_ALPHABET[bits]
    return suffix


def make_id(prefix: str, number: int) -> str:
    """The 18-character id of the `number`-th record (prefix + instance + base62 counter)."""
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    id15 = prefix + _INSTANCE + digits.rjust(10, "0")
    return id15 + case_suffix(id15)


@lru_cache(maxsize=1 << 16)
def canonical_id(value: str) -> str | None:
    """The 18-character id for a 15- or 18-character id in any letter case, None if malformed."""
    if len(value) not in (15, 18) or not set(value) <= _ALNUM:
        return None
    if len(value) == 15:
        return value + case_suffix(value)
    suffix = value[15:].upper()
    chars = list(value[:15])
    for chunk, code in enumerate(suffix):
        bits = _SUFFIX_ALPHABET.find(code)
        if bits < 0:
            return None
        for i in range(5):
            pos = chunk * 5 + i
            chars[pos] = chars[pos].upper() if bits >> i & 1 else chars[pos].lower()
    id15 = "".join(chars)
    return id15 + suffix if case_suffix(id15) == suffix else None


def key_prefix(record_id: str) -> str:
    return record_id[:3]
