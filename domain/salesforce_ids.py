"""Salesforce record ids as the engine compares them: 15 or 18 characters, one checksum.

The last three characters of an 18-character id say which of the first fifteen are
capitals (five bits each, in the alphabet A-Z then 0-5). Pure.
"""

from __future__ import annotations

import string

_ALPHABET = string.ascii_uppercase + "012345"


def case_suffix(id15: str) -> str:
    """The three-character checksum of a 15-character id."""
    return "".join(
        _ALPHABET[sum(1 << n for n, ch in enumerate(id15[start : start + 5]) if "A" <= ch <= "Z")]
        for start in (0, 5, 10)
    )


def canonical_id(value: str) -> str:
    """The 18-character form of a Salesforce id (15-character ids get their checksum)."""
    if len(value) != 15 or not value.isalnum():
        return value
    return value + case_suffix(value)


def case_safe_id(ident: str) -> str | None:
    """An 18-character id in its own letter case, whatever case it was typed in, as
    Salesforce reads it: the checksum says which of the first fifteen are capitals. None
    when it does not (not such an id)."""
    suffix = ident[15:].upper()
    chars = list(ident[:15])
    for chunk, code in enumerate(suffix):
        bits = _ALPHABET.find(code)
        if bits < 0:
            return None
        for n in range(5):
            at = chunk * 5 + n
            chars[at] = chars[at].upper() if bits >> n & 1 else chars[at].lower()
    restored = "".join(chars)
    return restored + suffix if case_suffix(restored) == suffix else None
