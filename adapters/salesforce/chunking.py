"""SOQL `IN (...)` statements cut by measured size: under the statement and URL limits (R24)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import quote_plus

from simple_salesforce.format import format_soql

# Salesforce refuses statements over 100,000 characters (MALFORMED_QUERY); keep a margin.
STATEMENT_BUDGET = 95_000
# A GET URI (plus headers) over 16,384 bytes is refused (414/431); the rest of the URL
# (https://host/services/data/vNN.N/query/?q=) and the headers need room too.
GET_QUERY_BUDGET = 14_000
# A query answers 2,000 rows a page; more values than that usually means a second page,
# which costs a call as a second statement does, so no statement names more.
MAX_VALUES = 2_000


def encoded_length(text: str) -> int:
    """Bytes the statement takes in a GET query string (`?q=...`), as requests encodes it."""
    return len(quote_plus(text))


def quote(value: str) -> str:
    """One SOQL string literal, escaped by simple-salesforce's `format_soql`."""
    return format_soql("{}", value)


def unique(values: Iterable[str]) -> list[str]:
    """The values without repeats, first position kept."""
    return list(dict.fromkeys(values))


def in_statements(
    head: str,
    values: Iterable[str],
    tail: str = "",
    budget: int = STATEMENT_BUDGET,
    measure: Callable[[str], int] = len,
    max_values: int = MAX_VALUES,
) -> list[str]:
    """Statements `head (v1,v2,...) tail` whose measured size stays within budget.

    `head` ends just before the list (e.g. "SELECT Id FROM Contact WHERE Email IN "),
    `tail` follows it; at most `max_values` values per statement. Percent-encoding and length are both additive over the text,
    so each value's cost is measured once.
    """
    fixed = measure(head) + measure("(") + measure(")") + measure(tail)
    comma = measure(",")
    statements: list[str] = []
    current: list[str] = []
    size = fixed
    for value in unique(values):
        literal = quote(value)
        cost = measure(literal) + (comma if current else 0)
        if fixed + measure(literal) > budget:
            raise ValueError(f"one value alone exceeds the statement budget: {value[:40]!r}")
        if size + cost > budget or len(current) >= max_values:
            statements.append(_render(head, current, tail))
            current, size = [], fixed
            cost = measure(literal)
        current.append(literal)
        size += cost
    if current:
        statements.append(_render(head, current, tail))
    return statements


def _render(head: str, literals: list[str], tail: str) -> str:
    return f"{head}({','.join(literals)}){tail}"
