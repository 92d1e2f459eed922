"""The local org's SOQL grammar: what parses, how literals decode, what is refused.

Issue 3 item 4 (SOQL subset with Salesforce's escapes); SPEC section 4 (the local org is the
engine's test org, so where it is lax, engine bugs slip through).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from adapters.local_org.soql.ast import And, Compare, InList, Like, Not, Or, OrderItem, SubQuery
from adapters.local_org.soql.engine import SoqlError, parse_soql


def where_of(text: str):
    return parse_soql(text).where


def string_value(literal_sql: str) -> str:
    condition = where_of(f"SELECT Id FROM Contact WHERE Name = {literal_sql}")
    assert isinstance(condition, Compare)
    return condition.value.value


def refusal(text: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        parse_soql(text)
    return caught.value


def test_keywords_are_case_insensitive_and_names_keep_their_spelling() -> None:
    query = parse_soql("select id, account.name from contact where email = 'a' order by name")
    assert query.sobject == "contact"
    assert query.fields == (("id",), ("account", "name"))
    assert query.order_by == (OrderItem(("name",), descending=False, nulls_first=True),)


def test_count_parses_as_a_count_query_without_fields() -> None:
    query = parse_soql("SELECT COUNT() FROM Task WHERE WhoId != null")
    assert query.count and query.fields == ()


def test_child_subquery_is_parsed_with_its_own_where_order_and_limit() -> None:
    query = parse_soql(
        "SELECT Id, (SELECT RelationId, IsWhat FROM TaskRelations WHERE IsWhat = false "
        "ORDER BY RelationId LIMIT 3) FROM Task"
    )
    sub = query.fields[1]
    assert isinstance(sub, SubQuery)
    assert sub.query.sobject == "TaskRelations" and sub.query.limit == 3
    assert sub.query.where == Compare(("IsWhat",), "=", sub.query.where.value)


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (r"'plain'", "plain"),
        (r"'it\'s'", "it's"),
        (r"'say \"hi\"'", 'say "hi"'),
        (r"'back\\slash'", "back\\slash"),
        (r"'a\nb\rc\td\be\ff'", "a\nb\rc\td\be\ff"),
        (r"'caf\u00e9 \u00E9'", "café é"),
        ("'raw ünïcode ✓'", "raw ünïcode ✓"),
        ("'50%_off'", "50%_off"),
    ],
)
def test_string_literals_decode_salesforce_backslash_escapes(sql: str, expected: str) -> None:
    assert string_value(sql) == expected


@pytest.mark.parametrize("sql", [r"'a\%'", r"'a\_'", r"'a\x'", r"'\u12'", r"'a\ b'"])
def test_any_other_backslash_sequence_is_malformed(sql: str) -> None:
    error = refusal(f"SELECT Id FROM Contact WHERE Name = {sql}")
    assert error.code == "MALFORMED_QUERY" and "Illegal character sequence" in error.message


def test_like_escapes_make_percent_and_underscore_literal() -> None:
    condition = where_of(r"SELECT Id FROM Contact WHERE Name LIKE '50\%\_off%'")
    assert isinstance(condition, Like)
    assert condition.pattern.regex.fullmatch("50%_OFF today")
    assert not condition.pattern.regex.fullmatch("50X_off")
    assert not condition.pattern.regex.fullmatch("50%Xoff")


def test_like_wildcards_match_any_run_and_one_character() -> None:
    condition = where_of("SELECT Id FROM Contact WHERE Name LIKE 'a_c%'")
    assert condition.pattern.regex.fullmatch("abc")
    assert condition.pattern.regex.fullmatch("AXcdef\nghi")
    assert not condition.pattern.regex.fullmatch("ac")


def test_literals_of_every_kind_decode_to_python_values() -> None:
    condition = where_of(
        "SELECT Id FROM Contact WHERE a = 2026-01-31 AND b = 2026-01-31T10:00:00Z "
        "AND c = 2026-01-31T10:00:00.000+02:00 AND d = -1.5 AND e = 42 AND f = TRUE "
        "AND g = null AND h = LAST_N_DAYS:7 AND i = today"
    )
    assert isinstance(condition, And)
    got = [(item.value.kind, item.value.value) for item in condition.items]
    assert got == [
        ("date", date(2026, 1, 31)),
        ("datetime", datetime(2026, 1, 31, 10, tzinfo=UTC)),
        ("datetime", datetime(2026, 1, 31, 10, tzinfo=timezone(timedelta(hours=2)))),
        ("number", -1.5),
        ("number", 42),
        ("boolean", True),
        ("null", None),
        ("date_range", ("LAST_N_DAYS", 7)),
        ("date_range", ("TODAY", 0)),
    ]


def test_operators_in_not_in_not_and_parentheses_build_the_expected_tree() -> None:
    condition = where_of(
        "SELECT Id FROM Lead WHERE NOT (Email IN ('a', 'b') OR (Name <> 'x' AND Id NOT IN ('y')))"
    )
    assert isinstance(condition, Not) and isinstance(condition.item, Or)
    email_in, inner = condition.item.items
    assert isinstance(email_in, InList) and not email_in.negated
    assert isinstance(inner, And)
    assert inner.items[0].op == "!=" and inner.items[1].negated


def test_order_by_defaults_are_asc_nulls_first_and_desc_nulls_last() -> None:
    query = parse_soql(
        "SELECT Id FROM Contact ORDER BY Name, Email DESC, CreatedDate DESC NULLS FIRST, "
        "LastName ASC NULLS LAST LIMIT 10 OFFSET 20"
    )
    assert [(o.descending, o.nulls_first) for o in query.order_by] == [
        (False, True),
        (True, False),
        (True, True),
        (False, False),
    ]
    assert (query.limit, query.offset) == (10, 20)


def test_parsed_statements_are_cached_on_their_text() -> None:
    text = "SELECT Id FROM Contact WHERE Email = 'cache@example.com'"
    assert parse_soql(text) is parse_soql(text)


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        ("SELECT AccountId FROM Contact GROUP BY AccountId", "GROUP BY"),
        ("SELECT MAX(NumberOfEmployees) FROM Account", "MAX()"),
        ("SELECT COUNT(Id) FROM Account", "COUNT(Id)"),
        ("SELECT TYPEOF What WHEN Account THEN Name END FROM Task", "TYPEOF"),
        ("SELECT Id FROM Task WHERE WhoId IN (SELECT Id FROM Contact)", "semi-join"),
        ("SELECT Id FROM Account FOR UPDATE", "FOR VIEW/UPDATE"),
        ("SELECT Id FROM Account WITH SECURITY_ENFORCED", "WITH"),
        ("SELECT Id FROM Task WHERE CALENDAR_YEAR(CreatedDate) = 2026", "CALENDAR_YEAR()"),
        ("SELECT Id FROM Task WHERE ActivityDate = THIS_QUARTER", "THIS_QUARTER"),
        ("SELECT Id, (SELECT COUNT() FROM TaskRelations) FROM Task", "COUNT()"),
    ],
)
def test_unsupported_constructs_are_malformed_and_named(sql: str, named: str) -> None:
    error = refusal(sql)
    assert error.code == "MALFORMED_QUERY"
    assert named in error.message and "not supported" in error.message


def test_mixing_and_with_or_without_parentheses_is_malformed_as_in_salesforce() -> None:
    error = refusal("SELECT Id FROM Contact WHERE Name = 'a' AND Email = 'b' OR Id = 'c'")
    assert error.code == "MALFORMED_QUERY" and "unexpected token: 'OR'" in error.message


def test_not_in_the_middle_of_a_condition_needs_parentheses() -> None:
    error = refusal("SELECT Id FROM Contact WHERE Name = 'a' AND NOT Email = 'b'")
    assert error.code == "MALFORMED_QUERY" and "NOT" in error.message
    assert isinstance(
        where_of("SELECT Id FROM Contact WHERE Name = 'a' AND (NOT Email = 'b')"), And
    )


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT FROM Contact",
        "SELECT Id FROM",
        "SELECT Id FROM Contact WHERE",
        'SELECT Id FROM Contact WHERE Name = "double quoted"',
        "SELECT Id FROM Contact WHERE Name = 'unterminated",
        "SELECT Id FROM Contact WHERE Name = foo",
        "SELECT Id FROM Contact LIMIT -1",
        "SELECT Id FROM Contact ORDER BY",
        "SELECT Id FROM Contact WHERE Birthdate = LAST_N_DAYS",
    ],
)
def test_broken_statements_are_malformed(sql: str) -> None:
    assert refusal(sql).code == "MALFORMED_QUERY"


def test_offset_above_two_thousand_is_outside_the_valid_range() -> None:
    assert parse_soql("SELECT Id FROM Contact OFFSET 2000").offset == 2000
    error = refusal("SELECT Id FROM Contact OFFSET 2001")
    assert error.code == "NUMBER_OUTSIDE_VALID_RANGE"


def test_a_statement_over_one_hundred_thousand_characters_is_malformed() -> None:
    values = ",".join(f"'{n:09d}@example.com'" for n in range(4_000))
    text = f"SELECT Id FROM Contact WHERE Email IN ({values})"
    at_limit = text.ljust(100_000)
    assert len(parse_soql(at_limit).where.values) == 4_000
    error = refusal(at_limit + " ")
    assert error.code == "MALFORMED_QUERY" and "100,000" in error.message
