"""sObject Collections and Composite over HTTPS (facts 3.1, 3.2, rules 8.6, 8.7).

R24: the engine writes 200 records a collection and packs collections into one composite
call; results must come back in order, with allOrNone and references as in Salesforce.
"""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest


def _post(sf: Salesforce, path: str, body: dict[str, Any], method: str = "POST") -> Any:
    return sf.restful(path, method=method, json=body)


def _accounts(*names: str | None) -> list[dict[str, Any]]:
    return [{"attributes": {"type": "Account"}} | ({"Name": n} if n else {}) for n in names]


def test_collection_create_keeps_order_and_isolates_a_failure(sf: Salesforce) -> None:
    """R25: a permanent refusal of one record fails that record alone."""
    results = _post(
        sf, "composite/sobjects", {"allOrNone": False, "records": _accounts("A1", None, "A3")}
    )
    assert [r["success"] for r in results] == [True, False, True]
    assert results[1]["id"] is None
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert sf.Account.get(results[2]["id"])["Name"] == "A3"


def test_collection_all_or_none_rolls_back_every_record(sf: Salesforce) -> None:
    results = _post(
        sf, "composite/sobjects", {"allOrNone": True, "records": _accounts("Rolled1", None)}
    )
    assert results[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert results[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'Rolled1'")["totalSize"] == 0


def test_collection_update_and_delete(sf: Salesforce) -> None:
    ids = [r["id"] for r in _post(sf, "composite/sobjects", {"records": _accounts("U1", "U2")})]
    updates = [
        {"attributes": {"type": "Account"}, "id": i, "Name": f"Renamed{n}"}
        for n, i in enumerate(ids)
    ]
    results = _post(sf, "composite/sobjects", {"records": updates}, method="PATCH")
    assert [r["id"] for r in results] == ids and all(r["success"] for r in results)
    assert sf.Account.get(ids[1])["Name"] == "Renamed1"
    deleted = sf.restful("composite/sobjects", method="DELETE", params={"ids": ",".join(ids)})
    assert [r["success"] for r in deleted] == [True, True]
    again = sf.restful("composite/sobjects", method="DELETE", params={"ids": ids[0]})
    assert again[0]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_collection_upsert_by_sync_key_reports_created_then_updated(sf: Salesforce) -> None:
    """R20: upserting the same sync keys twice leaves one Task per key."""
    records = [
        {"attributes": {"type": "Task"}, "Activity_Sync_Key__c": f"coll-{i}", "Subject": "s"}
        for i in range(3)
    ]
    first = _post(
        sf, "composite/sobjects/Task/Activity_Sync_Key__c", {"records": records}, method="PATCH"
    )
    second = _post(
        sf, "composite/sobjects/Task/Activity_Sync_Key__c", {"records": records}, method="PATCH"
    )
    assert [r["created"] for r in first] == [True] * 3
    assert [r["created"] for r in second] == [False] * 3
    assert [r["id"] for r in first] == [r["id"] for r in second]
    assert (
        sf.query("SELECT COUNT() FROM Task WHERE Activity_Sync_Key__c LIKE 'coll-%'")["totalSize"]
        == 3
    )


def test_collection_upsert_refuses_a_key_given_twice_and_a_missing_key(sf: Salesforce) -> None:
    records = [
        {"attributes": {"type": "Task"}, "Activity_Sync_Key__c": "twice", "Subject": "a"},
        {"attributes": {"type": "Task"}, "Activity_Sync_Key__c": "twice", "Subject": "b"},
        {"attributes": {"type": "Task"}, "Subject": "no key"},
    ]
    results = _post(
        sf, "composite/sobjects/Task/Activity_Sync_Key__c", {"records": records}, method="PATCH"
    )
    codes = [r["errors"][0]["statusCode"] for r in results]
    assert codes == ["DUPLICATE_EXTERNAL_ID", "DUPLICATE_EXTERNAL_ID", "MISSING_ARGUMENT"]


def test_collections_over_200_records_or_10_chunks_are_refused(sf: Salesforce) -> None:
    with pytest.raises(SalesforceMalformedRequest):
        _post(sf, "composite/sobjects", {"records": _accounts(*[f"n{i}" for i in range(201)])})
    mixed = []
    for i in range(11):
        kind = "Account" if i % 2 else "Lead"
        mixed.append({"attributes": {"type": kind}, "Name": "x", "LastName": "x", "Company": "x"})
    with pytest.raises(SalesforceMalformedRequest):
        _post(sf, "composite/sobjects", {"records": mixed})


def test_composite_resolves_references_and_counts_as_one_call(sf: Salesforce) -> None:
    """R24: a composite is one API call whatever it holds."""
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "acc",
                "body": {"Name": "Ref Co"},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Contact",
                "referenceId": "con",
                "body": {"LastName": "Ref", "AccountId": "@{acc.id}"},
            },
            {
                "method": "GET",
                "url": "/services/data/v59.0/query?q=SELECT+Id+FROM+Contact+WHERE+AccountId+%3D+%27@{acc.id}%27",
                "referenceId": "q",
            },
            {
                "method": "GET",
                "url": "/services/data/v59.0/sobjects/Contact/@{q.records[0].Id}",
                "referenceId": "get",
            },
        ],
    }
    before = sf.limits()["DailyApiRequests"]["Remaining"]
    response = sf.session.post(sf.base_url + "composite", headers=sf.headers, json=body)
    replies = response.json()["compositeResponse"]
    assert [r["httpStatusCode"] for r in replies] == [201, 201, 200, 200]
    assert replies[3]["body"]["AccountId"] == replies[0]["body"]["id"]
    after = sf.limits()["DailyApiRequests"]["Remaining"]
    assert before - after == 2  # the composite and the second limits call


def test_composite_all_or_none_halts_and_rolls_back(sf: Salesforce) -> None:
    body = {
        "allOrNone": True,
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "ok",
                "body": {"Name": "Halted Co"},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "bad",
                "body": {},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "after",
                "body": {"Name": "x"},
            },
        ],
    }
    replies = _post(sf, "composite", body)["compositeResponse"]
    assert [r["httpStatusCode"] for r in replies] == [400, 400, 400]
    assert [r["body"][0]["errorCode"] for r in replies] == [
        "PROCESSING_HALTED",
        "REQUIRED_FIELD_MISSING",
        "PROCESSING_HALTED",
    ]
    assert sf.query("SELECT COUNT() FROM Account WHERE Name = 'Halted Co'")["totalSize"] == 0


def test_composite_without_all_or_none_halts_only_dependents(sf: Salesforce) -> None:
    body = {
        "compositeRequest": [
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "bad",
                "body": {},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Contact",
                "referenceId": "dep",
                "body": {"LastName": "d", "AccountId": "@{bad.id}"},
            },
            {
                "method": "POST",
                "url": "/services/data/v59.0/sobjects/Account",
                "referenceId": "free",
                "body": {"Name": "Free Co"},
            },
        ],
    }
    replies = _post(sf, "composite", body)["compositeResponse"]
    assert [r["httpStatusCode"] for r in replies] == [400, 400, 201]
    assert replies[1]["body"][0]["errorCode"] == "PROCESSING_HALTED"


def test_composite_packs_collections_and_refuses_over_its_limits(sf: Salesforce) -> None:
    collection = {
        "method": "POST",
        "url": "/services/data/v59.0/composite/sobjects",
        "body": {"records": _accounts("P")},
    }
    five = [collection | {"referenceId": f"c{i}"} for i in range(5)]
    replies = _post(sf, "composite", {"compositeRequest": five})["compositeResponse"]
    assert all(r["httpStatusCode"] == 200 and r["body"][0]["success"] for r in replies)
    with pytest.raises(SalesforceMalformedRequest):
        _post(sf, "composite", {"compositeRequest": [*five, collection | {"referenceId": "c5"}]})
    get = {"method": "GET", "url": "/services/data/v59.0/limits"}
    with pytest.raises(SalesforceMalformedRequest):
        _post(
            sf,
            "composite",
            {"compositeRequest": [get | {"referenceId": f"g{i}"} for i in range(26)]},
        )


def test_task_with_fifty_contacts_in_one_collection_call(sf: Salesforce) -> None:
    """R7/R24: Tasks are created with their contacts in one call (TaskWhoIds)."""
    people = [
        r["id"]
        for r in _post(
            sf,
            "composite/sobjects",
            {
                "records": [
                    {"attributes": {"type": "Contact"}, "LastName": f"B{i}"} for i in range(60)
                ]
            },
        )
    ]
    tasks = [
        {
            "attributes": {"type": "Task"},
            "Activity_Sync_Key__c": "batch-1",
            "Subject": "s",
            "TaskWhoIds": people[:50],
        },
        {
            "attributes": {"type": "Task"},
            "Activity_Sync_Key__c": "batch-2",
            "Subject": "s",
            "TaskWhoIds": people[50:],
        },
    ]
    results = _post(
        sf, "composite/sobjects/Task/Activity_Sync_Key__c", {"records": tasks}, method="PATCH"
    )
    counts = [sf.Task.get(r["id"])["WhoCount"] for r in results]
    assert counts == [50, 10]
