"""sObject CRUD, upsert by external id and error shapes, through simple-salesforce over HTTPS.

The local org is the integration-test org of every rule; these pin the REST behaviour the
engine relies on for idempotent writes (R20) and per-record refusals (R25).
"""

from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceResourceNotFound,
)
from simple_salesforce.format import format_external_id

from adapters.local_org.launcher import LocalOrg


def _raw(sf: Salesforce, method: str, path: str, **kw: object) -> requests.Response:
    return sf.session.request(method, sf.base_url + path, headers=sf.headers, **kw)


def test_create_answers_201_with_id_and_location(sf: Salesforce) -> None:
    response = _raw(sf, "POST", "sobjects/Account/", json={"Name": "Acme"})
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True and body["errors"] == []
    assert len(body["id"]) == 18 and body["id"].startswith("001")
    assert response.headers["Location"].endswith(f"/sobjects/Account/{body['id']}")


def test_ids_carry_the_real_key_prefixes(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "Prefixes"})["id"]
    contact = sf.Contact.create({"LastName": "P", "AccountId": account})["id"]
    lead = sf.Lead.create({"LastName": "L", "Company": "C"})["id"]
    opportunity = sf.Opportunity.create(
        {"Name": "O", "StageName": "Prospecting", "CloseDate": "2026-12-31", "AccountId": account}
    )["id"]
    role = sf.OpportunityContactRole.create({"OpportunityId": opportunity, "ContactId": contact})[
        "id"
    ]
    task = sf.Task.create({"Subject": "t"})["id"]
    event = sf.Event.create(
        {"Subject": "e", "StartDateTime": "2026-01-02T10:00:00Z", "DurationInMinutes": 30}
    )["id"]
    prefixes = [i[:3] for i in (account, contact, lead, opportunity, role, task, event)]
    assert prefixes == ["001", "003", "00Q", "006", "00K", "00T", "00U"]


def test_fifteen_character_ids_and_any_letter_case_reach_the_same_record(sf: Salesforce) -> None:
    record_id = sf.Account.create({"Name": "Case"})["id"]
    assert sf.Account.get(record_id[:15])["Id"] == record_id
    assert sf.Account.get(record_id.lower())["Id"] == record_id


def test_retrieve_update_delete_and_the_deleted_record(sf: Salesforce) -> None:
    record_id = sf.Contact.create({"FirstName": "Ann", "LastName": "Lee", "Email": "ann@x.test"})[
        "id"
    ]
    record = sf.Contact.get(record_id)
    assert record["Name"] == "Ann Lee"
    assert record["attributes"]["type"] == "Contact"
    assert record["CreatedDate"].endswith("+0000") and record["IsDeleted"] is False
    assert sf.Contact.update(record_id, {"LastName": "Smith"}) == 204
    assert sf.Contact.get(record_id)["Name"] == "Ann Smith"
    assert sf.Contact.delete(record_id) == 204
    with pytest.raises(SalesforceResourceNotFound) as caught:
        sf.Contact.get(record_id)
    assert caught.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_opportunity_is_closed_follows_the_stage(sf: Salesforce) -> None:
    record_id = sf.Opportunity.create(
        {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2026-03-01"}
    )["id"]
    assert sf.Opportunity.get(record_id)["IsClosed"] is False
    sf.Opportunity.update(record_id, {"StageName": "Closed Won"})
    record = sf.Opportunity.get(record_id)
    assert (record["IsClosed"], record["IsWon"]) == (True, True)
    sf.Opportunity.update(record_id, {"StageName": "Closed Lost"})
    record = sf.Opportunity.get(record_id)
    assert (record["IsClosed"], record["IsWon"]) == (True, False)


def test_upsert_creates_with_201_then_updates_with_200_and_a_body(sf: Salesforce) -> None:
    """R20: re-running an upsert by sync key never creates a second Task."""
    path = format_external_id("Activity_Sync_Key__c", "msg/<a b@c>?#%")
    assert sf.Task.upsert(path, {"Subject": "first"}) == 201
    response = sf.Task.upsert(path, {"Subject": "second"}, raw_response=True)
    assert response.status_code == 200
    assert response.json()["created"] is False
    found = sf.query("SELECT Id, Subject, Activity_Sync_Key__c FROM Task WHERE Subject = 'second'")
    assert found["totalSize"] == 1
    assert found["records"][0]["Activity_Sync_Key__c"] == "msg/<a b@c>?#%"


def test_upsert_before_api_46_answers_204_on_update(local_org: LocalOrg) -> None:
    sf = local_org.salesforce(version="45.0")
    assert sf.Task.upsert("Activity_Sync_Key__c/old-api", {"Subject": "a"}) == 201
    assert sf.Task.upsert("Activity_Sync_Key__c/old-api", {"Subject": "b"}) == 204


def test_upsert_with_several_matches_answers_300(sf: Salesforce) -> None:
    sf.Contact.create({"LastName": "A", "Legacy_Id__c": "dup-1"})
    sf.Contact.create({"LastName": "B", "Legacy_Id__c": "dup-1"})
    with pytest.raises(SalesforceMoreThanOneRecord) as caught:
        sf.Contact.upsert("Legacy_Id__c/dup-1", {"Title": "x"})
    assert len(caught.value.content) == 2


def test_upsert_by_an_unknown_or_plain_field_is_not_found(sf: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound):
        sf.Task.upsert("Nope__c/1", {"Subject": "x"})
    with pytest.raises(SalesforceResourceNotFound):
        sf.Task.upsert("Subject/1", {"Subject": "x"})


def test_duplicate_external_id_is_refused_on_create(sf: Salesforce) -> None:
    sf.Task.create({"Subject": "a", "Activity_Sync_Key__c": "unique-1"})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.create({"Subject": "b", "Activity_Sync_Key__c": "unique-1"})
    assert caught.value.content[0]["errorCode"] == "DUPLICATE_VALUE"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"LastName": "x", "Nope__c": 1}, "INVALID_FIELD", "Nope__c"),
        ({"FirstName": "x"}, "REQUIRED_FIELD_MISSING", "LastName"),
        ({"LastName": "x" * 81}, "STRING_TOO_LONG", "LastName"),
        ({"LastName": "x", "Email": "not an email"}, "INVALID_EMAIL_ADDRESS", "Email"),
        ({"LastName": "x", "AccountId": "garbage"}, "MALFORMED_ID", "AccountId"),
        (
            {"LastName": "x", "AccountId": "0038L0000000001AAA"},
            "FIELD_INTEGRITY_EXCEPTION",
            "AccountId",
        ),
        (
            {"LastName": "x", "AccountId": "0018L00000ZZZZZAAA"},
            "INVALID_CROSS_REFERENCE_KEY",
            "AccountId",
        ),
        ({"LastName": "x", "Name": "computed"}, "INVALID_FIELD_FOR_INSERT_UPDATE", "Name"),
        ({"LastName": "x", "Id": "0038L0000000001AAA"}, "INVALID_FIELD", "Id"),
    ],
)
def test_refused_creates_answer_400_with_salesforce_error_shape(
    sf: Salesforce, body: dict[str, object], code: str, field: str
) -> None:
    response = _raw(sf, "POST", "sobjects/Contact/", json=body)
    assert response.status_code == 400
    [error] = response.json()
    assert set(error) == {"message", "errorCode", "fields"}
    assert (error["errorCode"], error["fields"]) == (code, [field])


def test_create_only_fields_are_refused_on_update(sf: Salesforce) -> None:
    record_id = sf.Task.create({"Subject": "s", "TaskSubtype": "Email"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.update(record_id, {"TaskSubtype": "Call"})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_unknown_object_and_record_are_not_found(sf: Salesforce) -> None:
    assert _raw(sf, "GET", "sobjects/Nope__c/describe").status_code == 404
    response = _raw(sf, "GET", "sobjects/Account/0018L00000ZZZZZAAA")
    assert response.status_code == 404
    assert response.json()[0]["errorCode"] == "NOT_FOUND"


def test_a_call_without_the_session_id_is_refused_with_401(local_org: LocalOrg) -> None:
    sf = local_org.salesforce()
    sf.session_id = "wrong"
    sf.headers["Authorization"] = "Bearer wrong"
    with pytest.raises(SalesforceExpiredSession) as caught:
        sf.query("SELECT Id FROM Account")
    assert caught.value.content[0]["errorCode"] == "INVALID_SESSION_ID"
    anonymous = requests.get(
        f"{local_org.instance_url}/services/data/v59.0/limits/",
        verify=local_org.ca_bundle,
        timeout=10,
    )
    assert anonymous.status_code == 401
    assert anonymous.json()[0]["errorCode"] == "INVALID_SESSION_ID"


def test_a_restart_keeps_every_record_and_the_day_s_usage(local_org_factory) -> None:  # type: ignore[no-untyped-def]
    """R20/R25: nothing the org holds is lost by a restart, the API usage included."""
    org = local_org_factory(api_limit=50)
    sf = org.salesforce()
    account = sf.Account.create({"Name": "Kept"})["id"]
    task = sf.Task.create({"Subject": "kept", "WhatId": account})["id"]
    before = sf.limits()["DailyApiRequests"]
    org.restart()
    sf = org.salesforce()
    assert sf.Account.get(account)["Name"] == "Kept"
    assert sf.Task.get(task)["AccountId"] == account
    assert sf.Account.create({"Name": "After"})["id"] not in (account, task)
    after = sf.limits()["DailyApiRequests"]
    assert (before["Max"], after["Max"]) == (50, 50)
    assert before["Remaining"] - after["Remaining"] == 4


def test_a_uri_over_16384_bytes_is_refused_with_414(sf: Salesforce) -> None:
    """R24: the engine must chunk IN lists so a GET stays under Salesforce's URI limit."""
    emails = ",".join(f"'p{i}@x.test'" for i in range(1200))
    response = _raw(
        sf, "GET", "query/", params={"q": f"SELECT Id FROM Contact WHERE Email IN ({emails})"}
    )
    assert response.status_code == 414


def test_org_serve_prints_one_json_line_then_serves(tmp_path: Path) -> None:
    """SPEC section 4: `activity-sync org serve --port 0 --db PATH`."""
    command = [str(Path(sys.executable).parent / "activity-sync"), "org", "serve", "--port", "0"]
    command += ["--db", str(tmp_path / "cli.db"), "--session-id", "cli-token"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        announced = json.loads(process.stdout.readline())
        assert set(announced) == {"instance_url", "session_id", "ca_bundle"}
        assert announced["session_id"] == "cli-token"
        assert announced["instance_url"].startswith("https://127.0.0.1:")
        assert not announced["instance_url"].endswith(":0")
        limits = requests.get(
            announced["instance_url"] + "/services/data/v59.0/limits/",
            headers={"Authorization": "Bearer cli-token"},
            verify=announced["ca_bundle"],
            timeout=30,
        )
        assert limits.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_concurrent_clients_are_served(local_org: LocalOrg) -> None:
    """The sync may run several workers against one org at once."""

    def create(n: int) -> str:
        sf = local_org.salesforce()
        return str(
            sf.Task.upsert(f"Activity_Sync_Key__c/concurrent-{n % 20}", {"Subject": f"c{n}"})
        )

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(create, range(80)))
    assert set(statuses) <= {"200", "201"} and statuses.count("201") == 20
    found = local_org.salesforce().query(
        "SELECT COUNT() FROM Task WHERE Activity_Sync_Key__c LIKE 'concurrent-%'"
    )
    assert found["totalSize"] == 20


def test_an_upsert_that_updates_refuses_create_only_fields(sf: Salesforce) -> None:
    """R20: a re-sent upsert carrying TaskSubtype is refused once it matches a record (the org
    used to ignore the field; Salesforce refuses it, see test_local_org_activity_rules)."""
    body = {"Subject": "again", "TaskSubtype": "Email"}
    assert sf.Task.upsert("Activity_Sync_Key__c/create-only", body) == 201
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.upsert("Activity_Sync_Key__c/create-only", body)
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert sf.Task.upsert("Activity_Sync_Key__c/create-only", {"Subject": "again"}) == 200
    found = sf.query("SELECT TaskSubtype FROM Task WHERE Activity_Sync_Key__c = 'create-only'")
    assert found["records"][0]["TaskSubtype"] == "Email"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.upsert("Activity_Sync_Key__c/create-only", {"AccountId": None})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_a_db_made_before_new_fields_opens_with_them(local_org_factory) -> None:  # type: ignore[no-untyped-def]
    """A restart on an older db adds the columns of fields added since (MasterRecordId, ...)."""
    import sqlite3

    org = local_org_factory()
    contact = org.salesforce().Contact.create({"LastName": "Older"})["id"]
    org.stop()
    with sqlite3.connect(org.db_path) as db:
        db.execute('DROP INDEX "ix_Contact_MasterRecordId"')
        db.execute('ALTER TABLE "Contact" DROP COLUMN "MasterRecordId"')
        db.execute('ALTER TABLE "Lead" DROP COLUMN "ConvertedDate"')
    org.start()
    sf = org.salesforce()
    assert sf.Contact.get(contact)["MasterRecordId"] is None
    assert sf.query("SELECT COUNT() FROM Lead WHERE ConvertedDate = null")["totalSize"] == 0
    with sqlite3.connect(org.db_path) as db:
        indexes = {r[1] for r in db.execute("PRAGMA index_list('Contact')")}
    assert "ix_Contact_MasterRecordId" in indexes
