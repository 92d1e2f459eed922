"""Archived activities, over HTTPS (issue 14 item d; facts 5: activities older than about a
year are archived, `query` skips them and `queryAll` returns them with IsArchived).

R20 and R24: the engine finds its Tasks again by sync key; an archived Task is still matched by
an upsert by external id, so re-syncing an old email never makes a second Task.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from simple_salesforce import Salesforce

from adapters.local_org.launcher import LocalOrg

DAYS = 365


def _day(days_ago: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days_ago)).isoformat()


@pytest.fixture(scope="module")
def org(local_org_factory) -> LocalOrg:  # type: ignore[no-untyped-def]
    return local_org_factory(archive_after_days=DAYS)


@pytest.fixture(scope="module")
def records(org: LocalOrg) -> dict[str, str]:
    sf = org.salesforce()
    account = sf.Account.create({"Name": "Archive Co"})["id"]
    old_end = f"{_day(DAYS + 30)}T10:00:00Z"
    return {
        "account": account,
        "old": sf.Task.create(
            {"Subject": "arch old", "ActivityDate": _day(DAYS + 1), "WhatId": account}
        )["id"],
        "edge": sf.Task.create(
            {"Subject": "arch edge", "ActivityDate": _day(DAYS), "WhatId": account}
        )["id"],
        "undated": sf.Task.create({"Subject": "arch undated", "WhatId": account})["id"],
        "old_event": sf.Event.create(
            {"Subject": "arch event", "StartDateTime": old_end, "DurationInMinutes": 30}
        )["id"],
    }


def _ids(rows: dict[str, object]) -> set[str]:
    return {r["Id"] for r in rows["records"]}  # type: ignore[index, union-attr]


def test_query_leaves_out_activities_dated_more_than_n_days_ago(
    org: LocalOrg, records: dict[str, str]
) -> None:
    sf = org.salesforce()
    assert _ids(sf.query("SELECT Id FROM Task WHERE Subject LIKE 'arch%'")) == {
        records["edge"],
        records["undated"],
    }
    assert sf.query(f"SELECT Id FROM Task WHERE Id = '{records['old']}'")["totalSize"] == 0
    assert sf.query("SELECT COUNT() FROM Event WHERE Subject = 'arch event'")["totalSize"] == 0
    nested = sf.query(
        f"SELECT (SELECT Id FROM Tasks) FROM Account WHERE Id = '{records['account']}'"
    )
    assert {t["Id"] for t in nested["records"][0]["Tasks"]["records"]} == {
        records["edge"],
        records["undated"],
    }


def test_query_all_shows_them_with_is_archived_true(org: LocalOrg, records: dict[str, str]) -> None:
    sf = org.salesforce()
    rows = sf.query_all(
        "SELECT Id, IsArchived FROM Task WHERE Subject LIKE 'arch%'", include_deleted=True
    )["records"]
    assert {r["Id"]: r["IsArchived"] for r in rows} == {
        records["old"]: True,
        records["edge"]: False,
        records["undated"]: False,
    }
    archived = sf.query_all("SELECT Id FROM Event WHERE IsArchived = true", include_deleted=True)
    assert _ids(archived) == {records["old_event"]}


def test_reads_and_writes_by_id_still_reach_an_archived_task(
    org: LocalOrg, records: dict[str, str]
) -> None:
    sf = org.salesforce()
    record = sf.Task.get(records["old"])
    assert (record["Subject"], record["IsArchived"]) == ("arch old", True)
    assert sf.Task.update(records["old"], {"Description": "still editable"}) == 204
    assert sf.Task.get(records["old"])["Description"] == "still editable"
    assert sf.Event.get(records["old_event"])["IsArchived"] is True
    retrieved = sf.restful(
        "composite/sobjects/Task", params={"ids": records["old"], "fields": "Id,IsArchived"}
    )
    assert retrieved == [
        {
            "attributes": retrieved[0]["attributes"],
            "Id": records["old"],
            "IsArchived": True,
        }
    ]


def test_r20_an_upsert_by_sync_key_matches_an_archived_task(org: LocalOrg) -> None:
    sf = org.salesforce()
    key = "Activity_Sync_Key__c/archived-key"
    assert sf.Task.upsert(key, {"Subject": "arch keyed", "ActivityDate": _day(DAYS + 50)}) == 201
    assert sf.Task.upsert(key, {"Subject": "arch keyed again"}) == 200
    assert sf.query("SELECT Id FROM Task WHERE Subject LIKE 'arch keyed%'")["totalSize"] == 0
    rows = sf.query_all(
        "SELECT Subject, IsArchived FROM Task WHERE Activity_Sync_Key__c = 'archived-key'",
        include_deleted=True,
    )["records"]
    assert [(r["Subject"], r["IsArchived"]) for r in rows] == [("arch keyed again", True)]
    found = sf.Task.get_by_custom_id("Activity_Sync_Key__c", "archived-key")
    assert found["IsArchived"] is True


def test_a_task_dated_again_within_n_days_is_no_longer_archived(org: LocalOrg) -> None:
    sf = org.salesforce()
    task = sf.Task.create({"Subject": "arch moved", "ActivityDate": _day(DAYS + 10)})["id"]
    assert sf.query(f"SELECT Id FROM Task WHERE Id = '{task}'")["totalSize"] == 0
    sf.Task.update(task, {"ActivityDate": _day(1)})
    assert sf.query(f"SELECT IsArchived FROM Task WHERE Id = '{task}'")["records"][0] == {
        "attributes": {"type": "Task", "url": f"/services/data/v59.0/sobjects/Task/{task}"},
        "IsArchived": False,
    }


def test_without_the_flag_nothing_is_archived(sf: Salesforce) -> None:
    task = sf.Task.create({"Subject": "never archived", "ActivityDate": "2001-01-01"})["id"]
    row = sf.query(f"SELECT IsArchived FROM Task WHERE Id = '{task}'")["records"][0]
    assert row["IsArchived"] is False
