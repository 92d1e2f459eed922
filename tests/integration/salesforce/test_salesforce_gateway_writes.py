"""Writes against the local org: shared Tasks in one call, upserts, isolation, reads (R8, R18, R20, R24)."""

from __future__ import annotations

from typing import Any

import pytest
from salesforce_org_helpers import admin, gateway_for, planned_task, query, seed

from domain.model import PlannedTask

FIELDS = {
    "Subject": "Sent (New): Quarterly plan",
    "Status": "Completed",
    "TaskSubtype": "Email",
    "ActivityDate": "2026-03-02",
}


def planned(key: str, who_ids: list[str], shared: bool, what: str | None = None) -> PlannedTask:
    return planned_task(key, who_ids, FIELDS, what, shared)


@pytest.fixture(scope="module")
def people(org: Any) -> dict[str, Any]:
    sf = admin(org)
    (account,) = seed(sf, "Account", [{"Name": "Acme"}])
    contacts = seed(
        sf,
        "Contact",
        [
            {"LastName": f"C{n}", "Email": f"c{n}@acme.example", "AccountId": account}
            for n in range(60)
        ],
    )
    (lead,) = seed(sf, "Lead", [{"LastName": "Lee", "Company": "L", "Email": "lee@lead.example"}])
    return {"account": account, "contacts": contacts, "lead": lead}


def relations(org: Any, keys: list[str]) -> dict[str, tuple[str, list[str]]]:
    rows = query(
        admin(org),
        "SELECT Activity_Sync_Key__c, WhoId, (SELECT RelationId FROM TaskWhoRelations) FROM Task WHERE Activity_Sync_Key__c IN ('"
        + "','".join(keys)
        + "')",
    )
    return {
        r["Activity_Sync_Key__c"]: (
            r["WhoId"],
            sorted(x["RelationId"] for x in (r["TaskWhoRelations"] or {}).get("records", [])),
        )
        for r in rows
    }


def test_sixty_contacts_land_as_two_shared_tasks_in_one_call(
    org: Any, people: dict[str, Any]
) -> None:
    """R7, R8, R24: 50 + 10 contacts, TaskWhoIds in the record, one API call for both."""
    contacts = people["contacts"]
    tasks = [
        planned("sixty-0", contacts[:50], True, people["account"]),
        planned("sixty-1", contacts[50:], True, people["account"]),
    ]
    gateway = gateway_for(org)
    outcomes = gateway.write(tasks)
    assert all(o.ok and o.created for o in outcomes), outcomes
    assert gateway.calls_made == 1
    found = relations(org, ["sixty-0", "sixty-1"])
    assert found["sixty-0"] == (contacts[0], sorted(contacts[:50]))
    assert found["sixty-1"] == (contacts[50], sorted(contacts[50:]))


def test_upserting_twice_keeps_one_task(org: Any, people: dict[str, Any]) -> None:
    """R20: the same sync key written twice is one Task, updated the second time."""
    task = planned("twice", people["contacts"][:3], True)
    gateway = gateway_for(org)
    (first,) = gateway.write([task])
    (second,) = gateway.write([task])
    assert first.created is True and second.created is False
    assert first.salesforce_id == second.salesforce_id
    assert len(query(admin(org), "SELECT Id FROM Task WHERE Activity_Sync_Key__c = 'twice'")) == 1


def test_a_refused_record_fails_alone(org: Any, people: dict[str, Any]) -> None:
    """R25: a record with an Account id as WhoId is refused with the org's code; others land."""
    good = planned("alone-ok", people["contacts"][:1], False)
    bad = planned("alone-bad", [people["account"]], False)
    outcomes = gateway_for(org).write([good, bad, planned("alone-ok2", [people["lead"]], False)])
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].code and outcomes[1].message and not outcomes[1].retryable
    assert not outcomes[1].shared_refused


def test_fetch_returns_the_people_of_each_task(org: Any, people: dict[str, Any]) -> None:
    """R19: replay reads back who_ids (primary first) and WhatId by sync key."""
    contacts = people["contacts"]
    gateway = gateway_for(org)
    gateway.write([planned("fetch-1", contacts[:4], True, people["account"])])
    (record,) = gateway.fetch(["fetch-1", "fetch-unknown"])
    assert record.who_ids[0] == contacts[0] and sorted(record.who_ids) == sorted(contacts[:4])
    assert (record.what_id, record.sync_key, record.sobject) == (
        people["account"],
        "fetch-1",
        "Task",
    )


def test_delete_and_delete_again(org: Any, people: dict[str, Any]) -> None:
    """R19: deleting twice is fine: the second time the record is already gone."""
    gateway = gateway_for(org)
    (written,) = gateway.write([planned("to-delete", people["contacts"][:2], True)])
    assert gateway.delete([written.salesforce_id])[0].ok
    assert gateway.delete([written.salesforce_id])[0].ok
    assert gateway.fetch(["to-delete"]) == []


def test_an_org_without_shared_activities_refuses_task_who_ids(fresh_org: Any) -> None:
    """R18: the refusal is flagged shared_refused; an individual Task in the same call lands."""
    org = fresh_org(shared_activities=False)
    sf = admin(org)
    contacts = seed(
        sf, "Contact", [{"LastName": f"C{n}", "Email": f"c{n}@x.example"} for n in range(3)]
    )
    gateway = gateway_for(org, shared=lambda: True)
    outcomes = gateway.write(
        [planned("off-shared", contacts, True), planned("off-single", contacts[:1], False)]
    )
    assert outcomes[0].shared_refused and not outcomes[0].ok
    assert outcomes[1].ok or outcomes[1].retryable
    gateway_off = gateway_for(org, shared=lambda: False)
    assert all(o.ok for o in gateway_off.write([planned("off-single", contacts[:1], False)]))
    (record,) = gateway_off.fetch(["off-single"])
    assert record.who_ids == (contacts[0],)
