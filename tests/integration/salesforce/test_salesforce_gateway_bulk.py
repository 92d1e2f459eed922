"""Large writes and deletes by Bulk API 2.0 against the local org, through simple-salesforce (R8, R19, R20, R24, R25).

A small `bulk_threshold` keeps the jobs small; one test writes enough records for a job to
cost fewer calls than composite would.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from salesforce_org_helpers import admin, gateway_for, planned_task, query, seed

from adapters.salesforce.bulk_writes import COMPOSITE_RECORDS_PER_CALL
from domain.model import PlannedTask
from projections.ports import BudgetExhausted

FIELDS = {
    "Subject": "Opened: Quarterly plan",
    "Status": "Completed",
    "ActivityDate": "2026-03-02",
    "Description": 'Hello, "team"\nsee you, soon',  # commas, quotes and a line break in a cell
}


def planned(key: str, who_ids: list[str], shared: bool = False) -> PlannedTask:
    return planned_task(key, who_ids, FIELDS, shared=shared)


@pytest.fixture(scope="module")
def people(org: Any) -> dict[str, Any]:
    sf = admin(org)
    (account,) = seed(sf, "Account", [{"Name": "Bulk Co"}])
    contacts = seed(
        sf,
        "Contact",
        [
            {"LastName": f"B{n}", "Email": f"b{n}@bulk.example", "AccountId": account}
            for n in range(5)
        ],
    )
    return {"account": account, "contacts": contacts}


def jobs(org: Any) -> list[dict[str, Any]]:
    """The org's Bulk ingest jobs (read by the test's own client, not the gateway's)."""
    return list((admin(org).restful("jobs/ingest") or {}).get("records", []))


def keys_in_org(org: Any, prefix: str) -> list[str]:
    rows = query(
        admin(org),
        f"SELECT Activity_Sync_Key__c FROM Task WHERE Activity_Sync_Key__c LIKE '{prefix}%'",
    )
    return sorted(r["Activity_Sync_Key__c"] for r in rows)


def test_a_large_write_of_individual_tasks_goes_by_bulk_api_in_fewer_calls_r24(
    org: Any, people: dict[str, Any]
) -> None:
    """R24: 6,000 individual Tasks are one Bulk job of 5 calls (create, upload, close, one poll,
    successful results) where composite needs 6; every record gets its Id and created flag."""
    contact = people["contacts"][0]
    tasks = [planned(f"large-{n}", [contact]) for n in range(6000)]
    gateway = gateway_for(org, bulk_threshold=5000)
    before = len(jobs(org))
    outcomes = gateway.write(tasks)
    assert all(o.ok and o.created is True for o in outcomes), [o for o in outcomes if not o.ok][:3]
    assert [o.sync_key for o in outcomes] == [t.sync_key for t in tasks]
    assert gateway.calls_made == 5 < math.ceil(len(tasks) / COMPOSITE_RECORDS_PER_CALL)
    assert len(jobs(org)) == before + 1
    ids = {
        r["Activity_Sync_Key__c"]: r["Id"]
        for r in query(
            admin(org),
            "SELECT Id, Activity_Sync_Key__c FROM Task WHERE Activity_Sync_Key__c LIKE 'large-%'",
        )
    }
    assert {o.sync_key: o.salesforce_id for o in outcomes} == ids


def test_writing_the_same_tasks_again_by_bulk_updates_them_one_task_per_sync_key_r20(
    org: Any, people: dict[str, Any]
) -> None:
    """R20: the second identical Bulk write updates (created False) the same Tasks."""
    tasks = [planned(f"again-{n}", people["contacts"][n % 5 : n % 5 + 1]) for n in range(30)]
    gateway = gateway_for(org, bulk_threshold=20)
    first = gateway.write(tasks)
    second = gateway.write(tasks)
    assert all(o.ok and o.created is True for o in first)
    assert all(o.ok and o.created is False for o in second)
    assert [o.salesforce_id for o in first] == [o.salesforce_id for o in second]
    assert keys_in_org(org, "again-") == sorted(t.sync_key for t in tasks)
    task = admin(org).Task.get(first[7].salesforce_id)
    assert (task["WhoId"], task["Description"]) == (people["contacts"][2], FIELDS["Description"])


def test_a_record_the_org_refuses_in_a_bulk_job_fails_alone_with_its_code_r25(
    org: Any, people: dict[str, Any]
) -> None:
    """R25: an Account id as WhoId is refused with the org's code, not retryable; the rest land."""
    tasks = [planned(f"refused-{n}", people["contacts"][:1]) for n in range(25)]
    tasks[3] = planned("refused-3", [people["account"]])
    gateway = gateway_for(org, bulk_threshold=20)
    outcomes = gateway.write(tasks)
    assert [o.ok for o in outcomes] == [n != 3 for n in range(25)]
    bad = outcomes[3]
    assert bad.code == "FIELD_INTEGRITY_EXCEPTION" and bad.message and not bad.retryable
    assert gateway.calls_made == 6  # the failed results file is read too
    assert "refused-3" not in keys_in_org(org, "refused-")


def test_shared_tasks_in_the_same_call_stay_on_composite_with_their_relations_r8_r24(
    org: Any, people: dict[str, Any]
) -> None:
    """R8, R24: TaskWhoIds never rides in a Bulk CSV; outcomes come back in input order."""
    contacts = people["contacts"]
    tasks = [planned(f"mixed-{n}", contacts[:1]) for n in range(24)]
    tasks[5:5] = [planned("mixed-shared-a", contacts[:3], shared=True)]
    tasks[17:17] = [planned("mixed-shared-b", contacts[2:], shared=True)]
    gateway = gateway_for(org, bulk_threshold=20)
    before = len(jobs(org))
    outcomes = gateway.write(tasks)
    assert all(o.ok and o.created for o in outcomes)
    assert [o.sync_key for o in outcomes] == [t.sync_key for t in tasks]
    assert gateway.calls_made == 5 + 1  # one Bulk job, one composite call
    [job] = jobs(org)[before:]
    assert job["numberRecordsProcessed"] == 24
    rows = query(
        admin(org),
        "SELECT Activity_Sync_Key__c, WhoId, (SELECT RelationId FROM TaskWhoRelations) "
        "FROM Task WHERE Activity_Sync_Key__c IN ('mixed-shared-a', 'mixed-shared-b')",
    )
    found = {
        r["Activity_Sync_Key__c"]: sorted(x["RelationId"] for x in r["TaskWhoRelations"]["records"])
        for r in rows
    }
    assert found == {"mixed-shared-a": sorted(contacts[:3]), "mixed-shared-b": sorted(contacts[2:])}


def test_below_the_threshold_writes_and_deletes_go_by_composite_as_before_r24(
    org: Any, people: dict[str, Any]
) -> None:
    """R24: 19 records under a threshold of 20 are one composite call, no Bulk job."""
    tasks = [planned(f"below-{n}", people["contacts"][:1]) for n in range(19)]
    gateway = gateway_for(org, bulk_threshold=20)
    before = len(jobs(org))
    outcomes = gateway.write(tasks)
    assert all(o.ok for o in outcomes) and gateway.calls_made == 1
    assert all(o.ok for o in gateway.delete([o.salesforce_id or "" for o in outcomes]))
    assert gateway.calls_made == 2 and len(jobs(org)) == before


def test_a_large_delete_goes_by_bulk_and_an_id_already_gone_counts_as_deleted_r19_r24(
    org: Any, people: dict[str, Any]
) -> None:
    """R19, R24: deleting 25 Tasks is one Bulk job; one deleted before counts as deleted."""
    tasks = [planned(f"bulkdel-{n}", people["contacts"][:1]) for n in range(25)]
    written = gateway_for(org, bulk_threshold=None).write(tasks)
    ids = [o.salesforce_id or "" for o in written]
    admin(org).Task.delete(ids[4])
    gateway = gateway_for(org, bulk_threshold=20)
    outcomes = gateway.delete(ids)
    assert all(o.ok for o in outcomes) and [o.salesforce_id for o in outcomes] == ids
    assert outcomes[4].code == "ENTITY_IS_DELETED"
    assert gateway.calls_made == 6  # create, upload, close, poll, successful and failed results
    assert keys_in_org(org, "bulkdel-") == []


def test_the_budget_stops_a_bulk_job_before_it_starts_when_there_is_no_room_r25(
    fresh_org: Any,
) -> None:
    """R25: with room for 5 more calls and a job needing up to 7, nothing is sent."""
    org = fresh_org(api_limit=100)
    (contact,) = seed(admin(org), "Contact", [{"LastName": "C", "Email": "c@room.example"}])
    gateway = gateway_for(org, budget_percent=50, bulk_threshold=20)
    org.set_usage(used=45)
    with pytest.raises(BudgetExhausted):
        gateway.write([planned(f"room-{n}", [contact]) for n in range(25)])
    assert jobs(org) == [] and keys_in_org(org, "room-") == []
    assert gateway.calls_made == 1  # the /limits read that learnt the usage
