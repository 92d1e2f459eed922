"""query / queryAll over HTTPS: paging with nextRecordsUrl, each SOQL feature, escapes, refusals.

R5 and R24: the engine looks people up with one SOQL query per object type for many
activities, so paging and escaping must behave as in Salesforce.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest
from simple_salesforce.format import format_soql

from adapters.local_org.launcher import LocalOrg

ODD_EMAILS = [
    "o'brien@x.test",
    'quo"te@x.test',
    "back\\slash@x.test",
    "50%_off@x.test",
    "ünï@x.test",
]


@pytest.fixture(scope="module")
def data(local_org: LocalOrg) -> dict[str, Any]:
    sf = local_org.salesforce()
    account = sf.Account.create({"Name": "Query Co"})["id"]
    records = [
        {
            "attributes": {"type": "Contact"},
            "LastName": f"Bulk{i:04d}",
            "Title": "bulk",
            "AccountId": account,
        }
        for i in range(2500)
    ]
    for start in range(0, len(records), 200):
        sf.restful(
            "composite/sobjects", method="POST", json={"records": records[start : start + 200]}
        )
    named = {}
    for i, email in enumerate(ODD_EMAILS):
        named[email] = sf.Contact.create({"LastName": f"Odd{i}", "Email": email, "Title": "odd"})[
            "id"
        ]
    lead = sf.Lead.create({"LastName": "Lead", "Company": "L", "Email": "Lead@X.test"})["id"]
    converted = sf.Lead.create(
        {"LastName": "Conv", "Company": "L", "Email": "conv@x.test", "IsConverted": True}
    )["id"]
    opps = [
        sf.Opportunity.create(
            {
                "Name": f"Opp{i}",
                "StageName": stage,
                "CloseDate": f"2026-0{i + 1}-15",
                "AccountId": account,
                "Amount": 100 * i,
            }
        )["id"]
        for i, stage in enumerate(["Prospecting", "Closed Won", "Negotiation/Review"])
    ]
    return {"account": account, "named": named, "lead": lead, "converted": converted, "opps": opps}


def test_paging_over_2500_records_follows_next_records_url(
    sf: Salesforce, data: dict[str, Any]
) -> None:
    first = sf.query("SELECT Id FROM Contact WHERE Title = 'bulk'")
    assert (first["totalSize"], first["done"], len(first["records"])) == (2500, False, 2000)
    assert first["nextRecordsUrl"].startswith("/services/data/v59.0/query/")
    second = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert (second["done"], len(second["records"]), second["totalSize"]) == (True, 500, 2500)
    ids = {r["Id"] for r in first["records"]} | {r["Id"] for r in second["records"]}
    assert len(ids) == 2500
    assert len(sf.query_all("SELECT Id FROM Contact WHERE Title = 'bulk'")["records"]) == 2500


def test_batch_size_header_sets_the_page_size(sf: Salesforce, data: dict[str, Any]) -> None:
    page = sf.query(
        "SELECT Id FROM Contact WHERE Title = 'bulk'",
        headers={"Sforce-Query-Options": "batchSize=500"},
    )
    pages = 1
    while not page["done"]:
        assert len(page["records"]) == 500
        page = sf.query_more(page["nextRecordsUrl"], identifier_is_url=True)
        pages += 1
    assert pages == 5


@pytest.mark.parametrize("email", ODD_EMAILS)
def test_format_soql_escapes_find_exactly_that_contact(
    sf: Salesforce, data: dict[str, Any], email: str
) -> None:
    """R1/R5: addresses with quotes, backslashes, % and _ match themselves and nothing else."""
    found = sf.query(format_soql("SELECT Id FROM Contact WHERE Email = {}", email))["records"]
    assert [r["Id"] for r in found] == [data["named"][email]]
    upper = sf.query(format_soql("SELECT Id FROM Contact WHERE Email IN {}", [email.upper()]))[
        "records"
    ]
    assert [r["Id"] for r in upper] == [data["named"][email]]


def test_like_with_escaped_wildcards_matches_literally(
    sf: Salesforce, data: dict[str, Any]
) -> None:
    query = format_soql("SELECT Id FROM Contact WHERE Email LIKE '{:like}%'", "50%_")
    assert [r["Id"] for r in sf.query(query)["records"]] == [data["named"]["50%_off@x.test"]]
    assert sf.query("SELECT COUNT() FROM Contact WHERE LastName LIKE 'odd_'")["totalSize"] == 5


def _ids(sf: Salesforce, soql: str) -> list[str]:
    return [r["Id"] for r in sf.query_all(soql)["records"]]


def test_where_operators_booleans_null_and_dates(sf: Salesforce, data: dict[str, Any]) -> None:
    opps = data["opps"]
    mine = f"SELECT Id FROM Opportunity WHERE AccountId = '{data['account']}' AND"
    assert _ids(sf, f"{mine} IsClosed = false ORDER BY Name") == [opps[0], opps[2]]
    assert _ids(sf, f"{mine} CloseDate >= 2026-02-01 ORDER BY CloseDate DESC") == [opps[2], opps[1]]
    assert _ids(sf, f"{mine} Amount > 50 AND (NOT StageName = 'Closed Won')") == [opps[2]]
    assert _ids(sf, f"{mine} Name IN ('opp0', 'OPP2') ORDER BY Name") == [opps[0], opps[2]]
    assert _ids(sf, f"{mine} Name NOT IN ('Opp0') AND (Amount = 100 OR Amount = 0)") == [opps[1]]
    leads = "SELECT Id FROM Lead WHERE Company = 'L' AND IsConverted = false AND Email != null"
    assert _ids(sf, leads) == [data["lead"]]
    assert len(_ids(sf, f"{mine} CreatedDate > 2000-01-01T00:00:00Z")) == 3


def test_order_by_limit_offset_and_count(sf: Salesforce, data: dict[str, Any]) -> None:
    rows = sf.query(
        "SELECT LastName FROM Contact WHERE Title = 'bulk' ORDER BY LastName DESC LIMIT 3 OFFSET 2"
    )
    assert [r["LastName"] for r in rows["records"]] == ["Bulk2497", "Bulk2496", "Bulk2495"]
    assert sf.query("SELECT COUNT() FROM Contact WHERE Title = 'odd'")["totalSize"] == 5
    nulls = sf.query(
        "SELECT Email FROM Contact WHERE Title IN ('odd', 'bulk') ORDER BY Email NULLS LAST LIMIT 1"
    )
    assert nulls["records"][0]["Email"] is not None


def test_parent_fields_and_child_subqueries(sf: Salesforce, data: dict[str, Any]) -> None:
    contact = sf.query("SELECT Id, Account.Name FROM Contact WHERE Title = 'bulk' LIMIT 1")[
        "records"
    ][0]
    assert contact["Account"]["Name"] == "Query Co"
    task = sf.Task.create(
        {"Subject": "who", "WhoId": data["named"]["o'brien@x.test"], "WhatId": data["opps"][0]}
    )
    row = sf.query(f"SELECT Who.Name, What.Name FROM Task WHERE Id = '{task['id']}'")["records"][0]
    assert (row["Who"]["Name"], row["What"]["Name"]) == ("Odd0", "Opp0")
    account = sf.query(
        f"SELECT Name, (SELECT Name FROM Opportunities ORDER BY Name) FROM Account WHERE Id = '{data['account']}'"
    )["records"][0]
    assert [o["Name"] for o in account["Opportunities"]["records"]] == ["Opp0", "Opp1", "Opp2"]


def test_query_all_includes_deleted_records(sf: Salesforce, data: dict[str, Any]) -> None:
    gone = sf.Account.create({"Name": "Deleted Co"})["id"]
    sf.Account.delete(gone)
    assert _ids(sf, "SELECT Id FROM Account WHERE Name = 'Deleted Co'") == []
    rows = sf.query_all(
        "SELECT Id, IsDeleted FROM Account WHERE Name = 'Deleted Co'", include_deleted=True
    )
    assert [(r["Id"], r["IsDeleted"]) for r in rows["records"]] == [(gone, True)]


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Id FROM Contact WHERE", "MALFORMED_QUERY"),
        ("SELECT Id FROM Contact WHERE LastName = 'a\\qb'", "MALFORMED_QUERY"),
        ("SELECT Id FROM Contact GROUP BY LastName", "MALFORMED_QUERY"),
        ("SELECT Id FROM Nope__c", "INVALID_TYPE"),
        ("SELECT Nope__c FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Task WHERE TaskWhoIds = null", "INVALID_FIELD"),
    ],
)
def test_bad_statements_answer_400_with_the_salesforce_code(
    sf: Salesforce, soql: str, code: str
) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query(soql)
    assert caught.value.content[0]["errorCode"] == code


def test_a_statement_over_100000_characters_is_malformed(sf: Salesforce) -> None:
    long_list = format_soql(
        "SELECT Id FROM Contact WHERE Email IN {}", [f"p{i}@x.test" for i in range(9000)]
    )
    assert len(long_list) > 100_000
    response = sf.session.post(
        sf.base_url + "composite",
        headers=sf.headers,
        json={
            "compositeRequest": [
                {
                    "method": "GET",
                    "url": f"/services/data/v59.0/query?q={long_list}",
                    "referenceId": "q",
                }
            ]
        },
    )
    reply = response.json()["compositeResponse"][0]
    assert reply["httpStatusCode"] == 400
    assert reply["body"][0]["errorCode"] == "MALFORMED_QUERY"


def test_an_unknown_query_locator_is_refused(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.query_more("01gNOSUCHCURSOR-2000")
    assert caught.value.content[0]["errorCode"] == "INVALID_QUERY_LOCATOR"


def test_dates_round_trip_as_salesforce_strings(sf: Salesforce) -> None:
    task = sf.Task.create({"Subject": "dated", "ActivityDate": date(2026, 3, 4).isoformat()})["id"]
    row = sf.query(f"SELECT ActivityDate, CreatedDate FROM Task WHERE Id = '{task}'")["records"][0]
    assert row["ActivityDate"] == "2026-03-04"
    assert len(row["CreatedDate"]) == len("2026-01-31T10:00:00.000+0000")


def test_control_character_and_unicode_escapes(sf: Salesforce) -> None:
    """Escapes as Salesforce defines them: \\n \\t \\" \\' \\\\ and \\uXXXX."""
    subject = "line1\nline2\t\"q\" 's' back\\slash ü"
    task = sf.Task.create({"Subject": subject})["id"]
    assert _ids(sf, format_soql("SELECT Id FROM Task WHERE Subject = {}", subject)) == [task]
    assert _ids(sf, "SELECT Id FROM Task WHERE Subject LIKE '%slash \\u00fc'") == [task]


def test_ordering_comparisons_and_nulls_first(sf: Salesforce, data: dict[str, Any]) -> None:
    opps = data["opps"]
    mine = f"SELECT Id FROM Opportunity WHERE AccountId = '{data['account']}' AND"
    assert _ids(sf, f"{mine} Amount < 100") == [opps[0]]
    assert _ids(sf, f"{mine} Amount <= 100 ORDER BY Amount DESC") == [opps[1], opps[0]]
    assert _ids(sf, f"{mine} CloseDate < 2026-02-15") == [opps[0]]
    people = sf.query(
        "SELECT Email FROM Contact WHERE Title IN ('odd', 'bulk') ORDER BY Email ASC NULLS FIRST LIMIT 1"
    )
    assert people["records"][0]["Email"] is None


def test_order_by_text_compares_upper_cased_values_nulls_where_asked(sf: Salesforce) -> None:
    """SOQL ORDER BY in English locales: upper-cased values, so 'aab' comes before 'a_b'."""
    account = sf.Account.create({"Name": "Sorted Co"})["id"]
    for name in ("a_b", "aab", "A_a", "AAA"):
        sf.Contact.create({"LastName": name, "AccountId": account, "Title": "sorted"})
    sf.Contact.create({"LastName": "x", "AccountId": account})  # Title null
    mine = f"SELECT LastName FROM Contact WHERE AccountId = '{account}'"
    rows = sf.query(f"{mine} ORDER BY LastName")["records"]
    assert [r["LastName"] for r in rows] == ["AAA", "aab", "A_a", "a_b", "x"]
    rows = sf.query(f"{mine} ORDER BY Title DESC NULLS FIRST, LastName DESC")["records"]
    assert [r["LastName"] for r in rows] == ["x", "a_b", "A_a", "aab", "AAA"]
