"""WHERE semantics of the local org's SOQL engine against an in-memory source.

Issue 3 item 4; R1 and R5 rely on case-insensitive e-mail lookups (`Email IN (...)`), which
Salesforce performs case-insensitively for non case-sensitive fields.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from simple_salesforce.format import format_soql
from soql_fake_source import A1, A2, C1, C2, C3, C4, L1, T1, T2, U1, sample_org

from adapters.local_org.soql.engine import SoqlError, execute_soql

NOW = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)


def ids(text: str, source=None, **kwargs) -> list[str]:
    rows = execute_soql(text, source or sample_org(), now=NOW, **kwargs)
    return [row["Id"] for row in rows]


def refusal(text: str) -> SoqlError:
    with pytest.raises(SoqlError) as caught:
        execute_soql(text, sample_org(), now=NOW)
    return caught.value


def test_email_in_list_matches_case_insensitively() -> None:
    """R1, R5: addresses are compared case-insensitively."""
    got = ids("SELECT Id FROM Contact WHERE Email IN ('ALICE@ACME.COM', 'carol@globex.com')")
    assert got == [C1, C3]


def test_equality_and_inequality_on_text_ignore_case_and_inequality_keeps_nulls() -> None:
    assert ids("SELECT Id FROM Contact WHERE Name = 'alice SMITH'") == [C1]
    assert ids("SELECT Id FROM Contact WHERE Email != 'alice@acme.com'") == [C2, C3, C4]
    assert ids("SELECT Id FROM Contact WHERE Email <> null") == [C1, C2, C3]
    assert ids("SELECT Id FROM Contact WHERE Email = null") == [C4]


def test_not_in_keeps_rows_whose_value_is_null_unless_null_is_listed() -> None:
    assert ids(f"SELECT Id FROM Contact WHERE AccountId NOT IN ('{A1}')") == [C3, C4]
    assert ids(f"SELECT Id FROM Contact WHERE AccountId NOT IN ('{A1}', null)") == [C3]


def test_like_is_case_insensitive_with_wildcards() -> None:
    assert ids("SELECT Id FROM Contact WHERE Email LIKE '%@ACME.com'") == [C1, C2]
    assert ids("SELECT Id FROM Contact WHERE LastName LIKE 'o\\'b_ien'") == [C2]


def test_like_escapes_match_a_literal_percent_and_underscore() -> None:
    rows = [
        {"Id": C1, "Name": "50%_off", "IsDeleted": False},
        {"Id": C2, "Name": "50X_off", "IsDeleted": False},
        {"Id": C3, "Name": "50%Xoff", "IsDeleted": False},
    ]
    source = sample_org(Contact=rows)
    assert ids(r"SELECT Id FROM Contact WHERE Name LIKE '50\%\_off'", source) == [C1]
    assert ids("SELECT Id FROM Contact WHERE Name LIKE '50%_off'", source) == [C1, C2, C3]


def test_and_or_not_and_parentheses_combine_as_written() -> None:
    text = (
        "SELECT Id FROM Contact WHERE (Email LIKE '%acme.com' AND (NOT LastName = 'Smith')) "
        "OR (Email = null)"
    )
    assert ids(text) == [C2, C4]
    assert ids("SELECT Id FROM Contact WHERE NOT (Email = null OR AccountId = null)") == [
        C1,
        C2,
        C3,
    ]


def test_numbers_compare_numerically_and_nulls_never_order() -> None:
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees >= 50") == [A1]
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees < 50.5") == [A1]
    assert ids("SELECT Id FROM Account WHERE NumberOfEmployees < 10") == []


def test_booleans_filter_with_true_and_false() -> None:
    assert ids("SELECT Id FROM Lead WHERE IsConverted = false") == [L1]
    assert ids("SELECT Id FROM TaskRelation WHERE IsWhat = TRUE")[0].startswith("0RT")


def test_dates_and_datetimes_compare_as_values_whatever_the_offset() -> None:
    assert ids("SELECT Id FROM Task WHERE ActivityDate = 2026-01-31") == [T1]
    assert ids("SELECT Id FROM Task WHERE ActivityDate < 2026-02-01") == [T1]
    text = "SELECT Id FROM Contact WHERE CreatedDate >= 2026-01-31T10:00:00Z"
    assert ids(text) == [C2, C3, C4]
    # 11:00 at +01:00 is 10:00 UTC: the same instant.
    assert ids("SELECT Id FROM Contact WHERE CreatedDate = 2026-01-31T11:00:00+01:00") == [C2]
    assert ids("SELECT Id FROM Contact WHERE CreatedDate > 2026-01-31T10:00:00.000-00:30") == [
        C3,
        C4,
    ]


def test_relative_date_literals_cover_whole_days_in_utc() -> None:
    # NOW is 2026-02-01 12:00 UTC.
    assert ids("SELECT Id FROM Contact WHERE CreatedDate = TODAY") == [C3]
    assert ids("SELECT Id FROM Contact WHERE CreatedDate = YESTERDAY") == [C2, C4]
    assert ids("SELECT Id FROM Contact WHERE CreatedDate < YESTERDAY") == [C1]
    assert ids("SELECT Id FROM Contact WHERE CreatedDate >= LAST_N_DAYS:1") == [C2, C3, C4]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = LAST_N_DAYS:1") == [T1]
    assert ids("SELECT Id FROM Task WHERE ActivityDate = NEXT_N_DAYS:5") == []


def test_ids_match_in_their_fifteen_character_form() -> None:
    assert ids(f"SELECT Id FROM Contact WHERE Id = '{C2[:15]}'") == [C2]
    assert ids(f"SELECT Id FROM Contact WHERE AccountId IN ('{A2}')") == [C3]


def test_filters_follow_parent_relationships_including_polymorphic_ones() -> None:
    assert ids("SELECT Id FROM Contact WHERE Account.Name = 'globex'") == [C3]
    assert ids("SELECT Id FROM Contact WHERE Account.Owner.Email = 'ADA@example.com'") == [
        C1,
        C2,
        C3,
    ]
    assert ids("SELECT Id FROM Task WHERE Who.Type = 'Lead'") == [T2]
    assert ids("SELECT Id FROM Task WHERE What.Name LIKE 'Ac%'") == [T1]


def test_deleted_rows_appear_only_for_query_all() -> None:
    assert len(ids("SELECT Id FROM Contact")) == 4
    assert len(ids("SELECT Id FROM Contact", include_deleted=True)) == 5


@pytest.mark.parametrize(
    "value",
    ["bob.o'brien@acme.com", "quote\"d\\back\\\\slash's", "tab\there\nnew line", "50%_off", "é✓"],
)
def test_values_quoted_by_format_soql_find_exactly_their_record(value: str) -> None:
    """simple-salesforce's format_soql output round-trips through the local org."""
    rows = [
        {"Id": C1, "Email": value, "IsDeleted": False},
        {"Id": C2, "Email": value + "x", "IsDeleted": False},
        {"Id": C3, "Email": "other", "IsDeleted": False},
    ]
    source = sample_org(Contact=rows)
    assert ids(format_soql("SELECT Id FROM Contact WHERE Email = {}", value), source) == [C1]
    assert ids(format_soql("SELECT Id FROM Contact WHERE Email IN {}", [value]), source) == [C1]
    like = format_soql("SELECT Id FROM Contact WHERE Email LIKE '{:like}%'", value)
    assert ids(like, source) == [C1, C2]


def test_format_soql_dates_and_datetimes_are_understood() -> None:
    text = format_soql(
        "SELECT Id FROM Contact WHERE CreatedDate < {} AND OwnerId = {}",
        datetime(2026, 1, 31, 10, 0, 1, 500, tzinfo=UTC),
        U1,
    )
    assert ids(text) == [C1, C2]


@pytest.mark.parametrize(
    ("sql", "code", "fragment"),
    [
        ("SELECT Id FROM Contakt", "INVALID_TYPE", "sObject type 'Contakt' is not supported"),
        ("SELECT Idx FROM Contact", "INVALID_FIELD", "No such column 'Idx' on entity 'Contact'"),
        ("SELECT Id FROM Contact WHERE Emial = 'a'", "INVALID_FIELD", "No such column 'Emial'"),
        ("SELECT Acount.Name FROM Contact", "INVALID_FIELD", "relationship 'Acount'"),
        ("SELECT Who.AccountId FROM Task", "INVALID_FIELD", "'AccountId' on entity 'Name'"),
        ("SELECT Id FROM Task WHERE TaskWhoIds = null", "INVALID_FIELD", "can not be filtered"),
        ("SELECT Id FROM Lead WHERE IsConverted = 'false'", "INVALID_FIELD", "type boolean"),
        ("SELECT Id FROM Contact WHERE Name = 5", "INVALID_FIELD", "type string"),
        ("SELECT Id FROM Account WHERE NumberOfEmployees = '5'", "INVALID_FIELD", "type int"),
        ("SELECT Id FROM Contact WHERE CreatedDate > 2026-01-01", "INVALID_FIELD", "dateTime"),
        ("SELECT Id FROM Task WHERE ActivityDate > 2026-01-01T00:00:00Z", "INVALID_FIELD", "date"),
        ("SELECT Id FROM Contact WHERE Id = 'alice@acme.com'", "INVALID_QUERY_FILTER_OPERATOR", ""),
        ("SELECT Id FROM Lead WHERE IsConverted LIKE 'f%'", "INVALID_QUERY_FILTER_OPERATOR", ""),
        ("SELECT Id, ID FROM Contact", "MALFORMED_QUERY", "duplicate field selected: Id"),
        ("SELECT Id, (SELECT Id FROM Contactz) FROM Account", "INVALID_TYPE", "'Contactz'"),
    ],
)
def test_unknown_names_and_wrong_value_types_are_refused_as_salesforce_does(
    sql: str, code: str, fragment: str
) -> None:
    error = refusal(sql)
    assert (error.code, fragment in error.message) == (code, True)
