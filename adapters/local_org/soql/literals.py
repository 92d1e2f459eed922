"""Decoding SOQL literals: string escapes, LIKE patterns, dates, datetimes, relative dates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from adapters.local_org.soql.ast import LikePattern, Literal
from adapters.local_org.soql.errors import malformed, unsupported

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")
_RELATIVE_DAYS = {"TODAY": 0, "YESTERDAY": -1, "TOMORROW": 1}
_RELATIVE_N = {"LAST_N_DAYS", "NEXT_N_DAYS"}


def _decode(raw: str, like: bool) -> list[str | None]:
    """Characters of a quoted literal; None marks a LIKE wildcard run ('%') and '' marks '_'."""
    body, out, i = raw[1:-1], [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(None if like and ch == "%" else "" if like and ch == "_" else ch)
            i += 1
            continue
        nxt = body[i + 1]  # the lexer guarantees a character after every backslash
        if nxt in _ESCAPES or (like and nxt in "%_"):
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
        elif nxt == "u" and _HEX4.fullmatch(body[i + 2 : i + 6]):
            out.append(chr(int(body[i + 2 : i + 6], 16)))
            i += 6
        else:
            seq = body[i : i + 2]
            raise malformed(
                f"Invalid string literal {raw}. Illegal character sequence '{seq}' in string literal."
            )
    return out


def string_literal(raw: str) -> Literal:
    """A quoted string with Salesforce's backslash escapes decoded."""
    chars = _decode(raw, like=False)  # no wildcards outside LIKE
    return Literal("string", "".join(c for c in chars if c is not None), raw)


def like_pattern(raw: str) -> LikePattern:
    """A LIKE pattern as an anchored, case-insensitive regular expression."""
    parts = []
    for ch in _decode(raw, like=True):
        parts.append(".*" if ch is None else "." if ch == "" else re.escape(ch))
    return LikePattern(re.compile("".join(parts), re.IGNORECASE | re.DOTALL), raw)


def number_literal(text: str) -> Literal:
    value: int | float = float(text) if "." in text else int(text)
    return Literal("number", value, text)


def date_literal(text: str) -> Literal:
    try:
        return Literal("date", date.fromisoformat(text), text)
    except ValueError:
        raise malformed(f"invalid date: {text}") from None


def datetime_literal(text: str) -> Literal:
    try:
        return Literal("datetime", datetime.fromisoformat(text), text)
    except ValueError:
        raise malformed(f"invalid datetime: {text}") from None


def date_word_literal(text: str) -> Literal:
    """TODAY, YESTERDAY, TOMORROW, LAST_N_DAYS:n, NEXT_N_DAYS:n; other words are refused."""
    word, _, n = text.upper().partition(":")
    if word in _RELATIVE_DAYS and not n:
        return Literal("date_range", (word, 0), text)
    if word in _RELATIVE_N and n:
        if int(n) < 0:
            raise malformed(f"{word} requires a non-negative number: {text}")
        return Literal("date_range", (word, int(n)), text)
    if word in _RELATIVE_N:
        raise malformed(f"{word} requires a number, as in {word}:7")
    if "_" in word or n:
        raise unsupported(f"The date literal {text}")
    raise malformed(f"unexpected token: '{text}'")


def date_range(word: str, n: int, today: date) -> tuple[date, date]:
    """[first day, day after the last) of a relative date literal.

    LAST_N_DAYS:n is read as today and the n days before it, NEXT_N_DAYS:n as the n days after
    today (today excluded): the local org's reading of the SOQL reference.
    """
    if word in _RELATIVE_DAYS:
        day = today + timedelta(days=_RELATIVE_DAYS[word])
        return day, day + timedelta(days=1)
    if word == "LAST_N_DAYS":
        return today - timedelta(days=n), today + timedelta(days=1)
    return today + timedelta(days=1), today + timedelta(days=n + 1)
