"""Bulk API 2.0 ingest through simple-salesforce's bulk2 client (issue 3 item 3, optional part).

R24/R19: large writes and replays may use Bulk API 2.0; jobs must report per-record results.
"""

from __future__ import annotations

import csv
import io

from simple_salesforce import Salesforce


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_bulk_insert_upsert_and_delete_tasks(sf: Salesforce) -> None:
    """R20: a bulk upsert by sync key twice leaves one Task per key."""
    contacts = [sf.Contact.create({"LastName": f"Bulk{i}"})["id"] for i in range(3)]
    records = [
        {"Activity_Sync_Key__c": f"bulk-{i}", "Subject": "bulk", "TaskWhoIds": ";".join(contacts)}
        for i in range(5)
    ]
    [first] = sf.bulk2.Task.upsert(
        records=records, external_id_field="Activity_Sync_Key__c", wait=0
    )
    assert (first["numberRecordsProcessed"], first["numberRecordsFailed"]) == (5, 0)
    created = _rows(sf.bulk2.Task.get_successful_records(first["job_id"]))
    assert [r["sf__Created"] for r in created] == ["true"] * 5
    [again] = sf.bulk2.Task.upsert(
        records=records, external_id_field="Activity_Sync_Key__c", wait=0
    )
    updated = _rows(sf.bulk2.Task.get_successful_records(again["job_id"]))
    assert [r["sf__Created"] for r in updated] == ["false"] * 5
    assert (
        sf.query("SELECT COUNT() FROM Task WHERE Activity_Sync_Key__c LIKE 'bulk-%'")["totalSize"]
        == 5
    )
    task = sf.Task.get(created[0]["sf__Id"])
    assert (task["WhoId"], task["WhoCount"]) == (contacts[0], 3)
    [deleted] = sf.bulk2.Task.delete(records=[{"Id": r["sf__Id"]} for r in created], wait=0)
    assert deleted["numberRecordsFailed"] == 0
    assert (
        sf.query("SELECT COUNT() FROM Task WHERE Activity_Sync_Key__c LIKE 'bulk-%'")["totalSize"]
        == 0
    )


def test_bulk_insert_reports_failed_records(sf: Salesforce) -> None:
    """R25: a refused record fails alone, with Salesforce's code."""
    [result] = sf.bulk2.Account.insert(records=[{"Name": "Bulk Co"}, {"Website": "x.test"}], wait=0)
    assert (result["numberRecordsProcessed"], result["numberRecordsFailed"]) == (2, 1)
    [failed] = _rows(sf.bulk2.Account.get_failed_records(result["job_id"]))
    assert failed["sf__Error"].startswith("REQUIRED_FIELD_MISSING:")
    assert failed["Website"] == "x.test"


def test_r20_a_bulk_upsert_that_matches_refuses_task_subtype(sf: Salesforce) -> None:
    """A Bulk upsert is an update for the rows that match: TaskSubtype fails those rows alone."""
    records = [{"Activity_Sync_Key__c": "bulktype-0", "Subject": "s", "TaskSubtype": "Email"}]
    [first] = sf.bulk2.Task.upsert(
        records=records, external_id_field="Activity_Sync_Key__c", wait=0
    )
    assert first["numberRecordsFailed"] == 0
    records.append({"Activity_Sync_Key__c": "bulktype-1", "Subject": "s", "TaskSubtype": "Email"})
    [again] = sf.bulk2.Task.upsert(
        records=records, external_id_field="Activity_Sync_Key__c", wait=0
    )
    assert (again["numberRecordsProcessed"], again["numberRecordsFailed"]) == (2, 1)
    [failed] = _rows(sf.bulk2.Task.get_failed_records(again["job_id"]))
    assert failed["sf__Error"].startswith("INVALID_FIELD_FOR_INSERT_UPDATE:")
    assert failed["Activity_Sync_Key__c"] == "bulktype-0"
