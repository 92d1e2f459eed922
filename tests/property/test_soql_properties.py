"""Properties of the local org's SOQL engine over random values (issue 3 item 4; R1, R24).

Whatever a value contains (quotes, backslashes, %, _, control characters, any Unicode),
simple-salesforce's `format_soql` quoting of it finds exactly the records holding it; ORDER BY
orders; LIMIT/OFFSET slice like Python.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from simple_salesforce.format import format_soql
from unit.soql_fake_source import FakeSource, make_id

from adapters.local_org.soql.engine import execute_soql

texts = st.text(
    alphabet=st.one_of(
        st.sampled_from("'\"\\%_ \n\t\r\b\fAaBbß✓é"),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=12,
)
maybe_texts = st.none() | texts
numbers = st.none() | st.integers(-5, 5)


def accounts(names: list[str | None], sizes: list[int | None] | None = None) -> FakeSource:
    sizes = sizes or [None] * len(names)
    rows = [
        {"Id": make_id("001", n), "Name": name, "NumberOfEmployees": size, "IsDeleted": False}
        for n, (name, size) in enumerate(zip(names, sizes, strict=False))
    ]
    return FakeSource({"Account": rows}, objects=["Account"])


def ids(text: str, source: FakeSource) -> list[str]:
    result = execute_soql(text, source)
    assert isinstance(result, list)
    return [row["Id"] for row in result]


def fold(value: str | None) -> str | None:
    return value.casefold() if value else None  # an empty text is a null, as in Salesforce


def sort_fold(value: str | None) -> str | None:
    return value.upper() if value else None  # ORDER BY compares upper-cased text (English)


@given(names=st.lists(maybe_texts, max_size=6), target=texts)
def test_format_soql_equality_finds_exactly_the_records_holding_the_value(
    names: list[str | None], target: str
) -> None:
    """R1: lookups by value are exact up to case, whatever characters the value holds."""
    source = accounts([*names, target])
    expected = [row["Id"] for row in source.rows["Account"] if fold(row["Name"]) == fold(target)]
    assert ids(format_soql("SELECT Id FROM Account WHERE Name = {}", target), source) == expected
    in_list = format_soql("SELECT Id FROM Account WHERE Name IN {}", [target, "\\'"])
    also = [r["Id"] for r in source.rows["Account"] if fold(r["Name"]) == fold("\\'")]
    assert ids(in_list, source) == sorted(set(expected) | set(also), key=expected_order(source))


def expected_order(source: FakeSource):  # noqa: ANN201 - a sort key
    order = {row["Id"]: n for n, row in enumerate(source.rows["Account"])}
    return order.__getitem__


@given(prefix=texts, suffix=texts)
def test_like_with_escaped_prefix_matches_values_starting_with_it(prefix: str, suffix: str) -> None:
    source = accounts([prefix, prefix + suffix])
    everything = [row["Id"] for row in source.rows["Account"] if row["Name"]]
    text = format_soql("SELECT Id FROM Account WHERE Name LIKE '{:like}%'", prefix)
    assert ids(text, source) == everything


@given(names=st.lists(maybe_texts, max_size=8), sizes=st.lists(numbers, min_size=8, max_size=8))
def test_order_by_sorts_by_each_key_with_the_asked_null_placement(
    names: list[str | None], sizes: list[int | None]
) -> None:
    source = accounts(names, sizes)
    text = "SELECT Id, Name, NumberOfEmployees FROM Account ORDER BY NumberOfEmployees DESC, Name"
    rows: list[dict[str, Any]] = execute_soql(text, source)  # type: ignore[assignment]
    assert len(rows) == len(names)
    for before, after in zip(rows, rows[1:], strict=False):
        a, b = before["NumberOfEmployees"], after["NumberOfEmployees"]
        assert b is None or (a is not None and a >= b)  # DESC: nulls last
        if a == b:
            x, y = sort_fold(before["Name"]), sort_fold(after["Name"])
            assert x is None or (y is not None and x <= y)  # ASC: nulls first


@given(
    names=st.lists(maybe_texts, max_size=10),
    limit=st.integers(0, 12),
    offset=st.integers(0, 12),
)
def test_limit_and_offset_agree_with_python_slicing(
    names: list[str | None], limit: int, offset: int
) -> None:
    source = accounts(names)
    full = ids("SELECT Id FROM Account ORDER BY Name, Id", source)
    sliced = ids(f"SELECT Id FROM Account ORDER BY Name, Id LIMIT {limit} OFFSET {offset}", source)
    assert sliced == full[offset : offset + limit]
    assert execute_soql("SELECT COUNT() FROM Account WHERE Name != null", source) == len(
        [n for n in names if n]
    )
