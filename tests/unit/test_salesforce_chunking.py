"""IN-list statements measured, not counted: under the statement and URL limits (R24)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from simple_salesforce.format import format_soql

from adapters.salesforce.chunking import (
    GET_QUERY_BUDGET,
    STATEMENT_BUDGET,
    encoded_length,
    in_statements,
)

HEAD = "SELECT Id, Email FROM Contact WHERE Email IN "


def addresses(n: int, width: int = 30) -> list[str]:
    return [f"person{i:05d}".ljust(width, "x") + "@example.com" for i in range(n)]


def literals(statement: str) -> list[str]:
    inside = statement[len(HEAD) + 1 : statement.rindex(")")]
    return re.findall(r"'(?:[^'\\]|\\.)*'", inside)


def test_fifteen_hundred_long_addresses_are_cut_under_the_statement_budget() -> None:
    """R24: chunks stay under 100,000 characters and keep every address once, in order."""
    values = addresses(1500, width=80)
    statements = in_statements(HEAD, values)
    assert len(statements) >= 2
    assert all(len(s) <= STATEMENT_BUDGET for s in statements)
    found = [lit for s in statements for lit in literals(s)]
    assert found == [format_soql("{}", v) for v in values]


def test_the_get_measure_counts_percent_encoding() -> None:
    """R24: measured as requests encodes `?q=`, each chunk fits the 16 KB URL with room left."""
    values = addresses(1500)
    statements = in_statements(HEAD, values, budget=GET_QUERY_BUDGET, measure=encoded_length)
    assert all(encoded_length(s) <= GET_QUERY_BUDGET for s in statements)
    # a full chunk would not take one more address
    first = statements[0]
    assert encoded_length(first) + encoded_length(",'" + values[0] + "'") > GET_QUERY_BUDGET
    assert sum(len(literals(s)) for s in statements) == 1500


def test_quotes_backslashes_and_unicode_are_escaped_by_format_soql() -> None:
    """R5: an address with a quote, a backslash, % and _ is one well-escaped literal."""
    odd = ["o'brien@x.com", "back\\slash@x.com", "50%_off@x.com", "zoë@exämple.com"]
    (statement,) = in_statements(HEAD, odd)
    assert "'o\\'brien@x.com'" in statement
    assert "'back\\\\slash@x.com'" in statement
    assert "'50%_off@x.com'" in statement  # % and _ are only special in LIKE
    assert "'zoë@exämple.com'" in statement


def test_repeated_values_are_asked_once() -> None:
    (statement,) = in_statements(HEAD, ["a@x.com", "b@x.com", "a@x.com"])
    assert statement == HEAD + "('a@x.com','b@x.com')"


def test_the_tail_follows_the_list_and_counts_toward_the_budget() -> None:
    tail = " ORDER BY CreatedDate DESC"
    statements = in_statements(HEAD, addresses(300), tail, budget=2_000)
    assert all(s.endswith(")" + tail) and len(s) <= 2_000 for s in statements)


def test_a_value_that_cannot_fit_alone_is_refused() -> None:
    with pytest.raises(ValueError):
        in_statements(HEAD, ["x" * 500], budget=300)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.text(min_size=1, max_size=40), max_size=120),
    budget=st.integers(min_value=1_000, max_value=4_000),
    encoded=st.booleans(),
)
def test_any_values_any_budget_every_value_once_in_order(
    values: list[str], budget: int, encoded: bool
) -> None:
    """R24: whatever the values, chunks respect the budget and lose or repeat nothing."""
    measure = encoded_length if encoded else len
    statements = in_statements(HEAD, values, budget=budget, measure=measure)
    assert all(measure(s) <= budget for s in statements)
    found = [lit for s in statements for lit in literals(s)]
    assert found == [format_soql("{}", v) for v in dict.fromkeys(values)]


def test_no_statement_names_more_values_than_a_page_holds() -> None:
    """R24: 3,000 short addresses make two statements of at most 2,000, not one paged one."""
    statements = in_statements(HEAD, [f"p{n}@x.io" for n in range(3000)])
    assert [len(literals(s)) for s in statements] == [2000, 1000]
