"""Result shape, ordering, paging clauses and storage hints of the local org's SOQL engine.

Issue 3 item 4; R24 (lookups are one SOQL query per object type, so the `IN` pushdown must
reach the storage) and the REST API's record shape that simple-salesforce reads.
"""

from __future__ import annotations

import pytest
from soql_fake_source import (
    A1,
    A2,
    C1,
    C2,
    C3,
    C4,
    L1,
    T2,
    U1,
    FakeSource,
    make_id,
    sample_org,
)

from adapters.local_org.soql.engine import SoqlError, execute_soql


def run(text: str, source=None, **kwargs):
    return execute_soql(text, source or sample_org(), **kwargs)


def test_records_carry_attributes_and_fields_in_select_order_with_canonical_names() -> None:
    [record] = run("select EMAIL, id, firstname from CONTACT where id = '" + C1 + "'")
    assert list(record) == ["attributes", "Email", "Id", "FirstName"]
    assert record["attributes"] == {
        "type": "Contact",
        "url": f"/services/data/v59.0/sobjects/Contact/{C1}",
    }


def test_the_api_version_in_urls_follows_the_version_argument() -> None:
    [record] = run(f"SELECT Id FROM Account WHERE Id = '{A1}'", version="62.0")
    assert record["attributes"]["url"] == f"/services/data/v62.0/sobjects/Account/{A1}"


def test_parent_fields_nest_under_the_relationship_name_and_null_parents_are_none() -> None:
    rows = run(
        "SELECT Name, Account.Name, Account.Owner.Email, Account.Id FROM Contact "
        f"WHERE Id IN ('{C1}', '{C4}') ORDER BY Name"
    )
    alice, dan = rows
    assert list(alice) == ["attributes", "Name", "Account"]
    assert alice["Account"] == {
        "attributes": {"type": "Account", "url": f"/services/data/v59.0/sobjects/Account/{A1}"},
        "Name": "Acme",
        "Owner": {
            "attributes": {"type": "User", "url": f"/services/data/v59.0/sobjects/User/{U1}"},
            "Email": "ada@example.com",
        },
        "Id": A1,
    }
    assert dan["Account"] is None


def test_polymorphic_parents_are_typed_by_the_record_they_point_to() -> None:
    rows = run("SELECT Who.Name, Who.Type, What.Name FROM Task ORDER BY Subject")
    assert [r["Who"]["attributes"]["type"] for r in rows] == ["Contact", "Lead"]
    assert [r["Who"]["Type"] for r in rows] == ["Contact", "Lead"]
    assert rows[1]["Who"]["Name"] == "Lou Lead" and rows[1]["What"] is None
    assert rows[0]["What"]["attributes"]["url"].endswith(f"/Account/{A1}")


def test_child_subqueries_give_a_record_list_or_none_when_empty() -> None:
    rows = run(
        "SELECT Id, (SELECT RelationId, IsWhat FROM TaskRelations WHERE IsWhat = false "
        "ORDER BY RelationId DESC) FROM Task ORDER BY Id"
    )
    first, second = rows
    relations = first["TaskRelations"]
    assert (relations["totalSize"], relations["done"]) == (2, True)
    assert [r["RelationId"] for r in relations["records"]] == [C2, C1]
    assert relations["records"][0]["attributes"]["type"] == "TaskRelation"
    assert [r["RelationId"] for r in second["TaskRelations"]["records"]] == [L1]
    empty = run("SELECT Id, (SELECT Id FROM TaskRelations WHERE IsWhat = true) FROM Task")
    assert [r["TaskRelations"] is None for r in empty] == [False, True]


def test_child_subqueries_read_the_children_in_one_call_hinted_by_parent_ids() -> None:
    source = sample_org()
    rows = run("SELECT Id, (SELECT Name, Account.Name FROM Contacts LIMIT 1) FROM Account", source)
    assert [r["Contacts"]["totalSize"] for r in rows] == [1, 1]
    assert rows[0]["Contacts"]["records"][0]["Account"]["Name"] == "Acme"
    assert source.hints == [("Account", None), ("Contact", ("AccountId", frozenset({A1, A2})))]


def test_order_by_several_keys_with_directions_and_null_placement() -> None:
    text = "SELECT Id FROM Contact ORDER BY AccountId DESC NULLS FIRST, Email DESC"
    assert [r["Id"] for r in run(text)] == [C4, C3, C2, C1]
    assert [r["Id"] for r in run("SELECT Id FROM Contact ORDER BY Email")] == [C4, C1, C2, C3]
    text = "SELECT Id FROM Contact ORDER BY Email DESC"  # DESC puts nulls last
    assert [r["Id"] for r in run(text)] == [C3, C2, C1, C4]


def test_order_by_text_ignores_case_and_can_use_parent_fields() -> None:
    text = "SELECT Id FROM Contact ORDER BY Account.Name DESC, Name"
    assert [r["Id"] for r in run(text)] == [C3, C1, C2, C4]


def test_order_by_text_compares_upper_cased_values_so_aab_sorts_before_a_underscore_b() -> None:
    """ORDER BY in English locales compares upper-cased text: '_' (0x5F) comes after 'A'-'Z'."""
    names = ["a_b", "aab", "A_a", None, "AAA"]
    rows = [
        {"Id": make_id("001", n), "Name": name, "IsDeleted": False}
        for n, name in enumerate(names, start=50)
    ]
    source = FakeSource({"Account": rows}, objects=["Account"])
    ordered = run("SELECT Name FROM Account ORDER BY Name NULLS LAST", source)
    assert [r["Name"] for r in ordered] == ["AAA", "aab", "A_a", "a_b", None]
    ordered = run("SELECT Name FROM Account ORDER BY Name DESC NULLS FIRST", source)
    assert [r["Name"] for r in ordered] == [None, "a_b", "A_a", "aab", "AAA"]


def test_limit_and_offset_slice_after_ordering() -> None:
    text = "SELECT Id FROM Contact ORDER BY Name LIMIT 2 OFFSET 1"
    assert [r["Id"] for r in run(text)] == [C2, C3]
    assert run("SELECT Id FROM Contact LIMIT 0") == []
    assert run("SELECT Id FROM Contact ORDER BY Name OFFSET 10") == []


def test_count_returns_the_number_of_matching_rows() -> None:
    assert run("SELECT COUNT() FROM Contact") == 4
    assert run("SELECT COUNT() FROM Contact WHERE Email LIKE '%acme.com'") == 2
    assert run("SELECT COUNT() FROM Contact", include_deleted=True) == 5


def test_the_most_selective_top_level_conjunct_is_pushed_down_as_a_hint() -> None:
    source = sample_org()
    run(
        f"SELECT Id FROM Contact WHERE AccountId = '{A1}' AND Email IN ('a@b.c', 'd@e.f') "
        f"AND Id IN ('{C1}', '{C2}')",
        source,
    )
    run(f"SELECT Id FROM Task WHERE Activity_Sync_Key__c = 'key-1' AND WhoId = '{C1}'", source)
    run("SELECT Id FROM Lead WHERE IsConverted = false AND Email IN ('lou@lead.com')", source)
    assert source.hints == [
        ("Contact", ("Id", frozenset({C1, C2}))),
        ("Task", ("Activity_Sync_Key__c", frozenset({"key-1"}))),
        ("Lead", ("Email", frozenset({"lou@lead.com"}))),
    ]


def test_no_hint_is_given_for_disjunctions_negations_or_short_ids() -> None:
    source = sample_org()
    run("SELECT Id FROM Contact WHERE Email = 'a' OR Email = 'b'", source)
    run("SELECT Id FROM Contact WHERE Email NOT IN ('a')", source)
    run(f"SELECT Id FROM Contact WHERE Id = '{C1[:15]}'", source)
    run("SELECT Id FROM Contact WHERE Account.Name = 'Acme'", source)
    assert [hint for _, hint in source.hints] == [None, None, None, None]


def test_the_whole_where_is_rechecked_when_the_source_ignores_the_hint() -> None:
    source = sample_org()
    source.records = lambda sobject, include_deleted=False, hint=None: iter(  # type: ignore[method-assign]
        row for row in source.rows[sobject] if not row.get("IsDeleted")
    )
    text = f"SELECT Id FROM Contact WHERE Id IN ('{C1}', '{C3}') AND Email LIKE '%acme%'"
    assert [r["Id"] for r in run(text, source)] == [C1]


def test_objects_missing_from_the_source_are_unknown_types() -> None:
    source = sample_org()
    source.rows.pop("TaskRelation")
    rows = run(f"SELECT Id FROM Task WHERE Id = '{T2}'", source)
    assert [r["Id"] for r in rows] == [T2]
    for text in (
        "SELECT Id FROM TaskRelation",
        "SELECT Id, (SELECT Id FROM TaskRelations) FROM Task",
    ):
        with pytest.raises(SoqlError) as caught:
            run(text, source)
        assert caught.value.code == "INVALID_TYPE"


def test_a_dangling_parent_id_reads_as_a_null_parent() -> None:
    orphan = {"Id": make_id("003", 9), "Name": "Orphan", "AccountId": make_id("001", 99)}
    [record] = run("SELECT Account.Name FROM Contact", sample_org(Contact=[orphan]))
    assert record["Account"] is None
