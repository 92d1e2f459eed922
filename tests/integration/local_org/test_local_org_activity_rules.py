"""Rules Salesforce enforces on every Task and Event write, over HTTPS (issue 14 items a and b).

R9 and R13: a Task or Event whose WhoId is a Lead has no WhatId ("If the WhoId refers to a
lead, then the WhatId field must be empty", Object Reference). R15 and R20: TaskSubtype and
EventSubtype are createable but not updateable, so a write that updates a record refuses them.
"""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from adapters.local_org.launcher import LocalOrg

EVENT_TIMES = {"StartDateTime": "2026-01-02T10:00:00Z", "DurationInMinutes": 30}


@pytest.fixture(scope="module")
def records(local_org: LocalOrg) -> dict[str, str]:
    sf = local_org.salesforce()
    account = sf.Account.create({"Name": "Lead rules"})["id"]
    return {
        "account": account,
        "contact": sf.Contact.create({"LastName": "C", "AccountId": account})["id"],
        "lead": sf.Lead.create({"LastName": "L", "Company": "Co"})["id"],
    }


def _refusal(caught: pytest.ExceptionInfo[SalesforceMalformedRequest]) -> tuple[str, list[str]]:
    error = caught.value.content[0]
    return error["errorCode"], error["fields"]


def _count(sf: Salesforce, sobject: str, subject: str) -> int:
    return int(sf.query(f"SELECT COUNT() FROM {sobject} WHERE Subject = '{subject}'")["totalSize"])


# --- (a) a Lead's activity has no WhatId ---------------------------------------------------------


@pytest.mark.parametrize(("sobject", "extra"), [("Task", {}), ("Event", EVENT_TIMES)])
def test_r9_a_lead_activity_with_a_what_id_is_refused_on_create_and_nothing_is_written(
    sf: Salesforce, records: dict[str, str], sobject: str, extra: dict[str, Any]
) -> None:
    body = {"Subject": f"lead+what {sobject}", "WhoId": records["lead"]} | extra
    with pytest.raises(SalesforceMalformedRequest) as caught:
        getattr(sf, sobject).create(body | {"WhatId": records["account"]})
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["WhatId"])
    assert _count(sf, sobject, body["Subject"]) == 0
    assert getattr(sf, sobject).create(body)["success"] is True  # without WhatId it is fine


def test_r9_an_update_that_would_mix_a_lead_and_a_what_id_is_refused(
    sf: Salesforce, records: dict[str, str]
) -> None:
    lead_task = sf.Task.create({"Subject": "lead only", "WhoId": records["lead"]})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.update(lead_task, {"WhatId": records["account"]})
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["WhatId"])
    related = sf.Task.create({"Subject": "what only", "WhatId": records["account"]})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.update(related, {"WhoId": records["lead"]})
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["WhatId"])
    assert sf.Task.get(related)["WhoId"] is None
    assert sf.Task.update(related, {"WhoId": records["lead"], "WhatId": None}) == 204


def test_r13_an_upsert_by_sync_key_of_a_lead_with_a_custom_record_is_refused(
    sf: Salesforce, records: dict[str, str]
) -> None:
    project = sf.Project__c.create({"Name": "Rollout", "Account__c": records["account"]})["id"]
    key = "Activity_Sync_Key__c/lead-with-project"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.upsert(key, {"Subject": "r13", "WhoId": records["lead"], "WhatId": project})
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["WhatId"])
    assert sf.Task.upsert(key, {"Subject": "r13", "WhoId": records["lead"]}) == 201
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.upsert(key, {"WhatId": project})  # the upsert that updates is refused too
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["WhatId"])


def test_r9_collections_and_composite_refuse_only_the_record_that_mixes(
    sf: Salesforce, records: dict[str, str]
) -> None:
    """R25: the refusal is per record; the other records of the call are written."""
    task = {"attributes": {"type": "Task"}, "WhoId": records["lead"]}
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [
                task | {"Subject": "coll ok"},
                task | {"Subject": "coll mixed", "WhatId": records["account"]},
            ]
        },
    )
    assert [r["success"] for r in results] == [True, False]
    assert results[1]["errors"] == [
        {
            "statusCode": "FIELD_INTEGRITY_EXCEPTION",
            "message": results[1]["errors"][0]["message"],
            "fields": ["WhatId"],
        }
    ]
    upsert = [
        task | {"Activity_Sync_Key__c": "lead-rules-1", "Subject": "u"},
        task | {"Activity_Sync_Key__c": "lead-rules-2", "WhatId": records["account"]},
    ]
    results = sf.restful(
        "composite/sobjects/Task/Activity_Sync_Key__c", method="PATCH", json={"records": upsert}
    )
    assert [r["success"] for r in results] == [True, False]
    assert results[1]["errors"][0]["statusCode"] == "FIELD_INTEGRITY_EXCEPTION"
    url = f"/services/data/v{sf.sf_version}/sobjects/Event"
    body = {"Subject": "composite mixed", "WhoId": records["lead"], "WhatId": records["account"]}
    response = sf.restful(
        "composite",
        method="POST",
        json={
            "compositeRequest": [
                {"method": "POST", "url": url, "referenceId": "e", "body": body | EVENT_TIMES}
            ]
        },
    )
    [sub] = response["compositeResponse"]
    assert sub["httpStatusCode"] == 400
    assert (sub["body"][0]["errorCode"], sub["body"][0]["fields"]) == (
        "FIELD_INTEGRITY_EXCEPTION",
        ["WhatId"],
    )


def test_r9_a_task_relation_cannot_bring_a_lead_and_a_what_together(
    sf: Salesforce, records: dict[str, str]
) -> None:
    related = sf.Task.create({"Subject": "rel what", "WhatId": records["account"]})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.TaskRelation.create({"TaskId": related, "RelationId": records["lead"]})
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["RelationId"])
    lead_task = sf.Task.create({"Subject": "rel lead", "WhoId": records["lead"]})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.TaskRelation.create({"TaskId": lead_task, "RelationId": records["account"]})
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["RelationId"])


def test_r14_without_shared_activities_a_lead_still_has_no_what_id(local_org_factory) -> None:  # type: ignore[no-untyped-def]
    sf = local_org_factory(shared_activities=False).salesforce()
    account = sf.Account.create({"Name": "Off"})["id"]
    lead = sf.Lead.create({"LastName": "L", "Company": "Co"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.create({"Subject": "off", "WhoId": lead, "WhatId": account})
    assert _refusal(caught) == ("FIELD_INTEGRITY_EXCEPTION", ["WhatId"])


# --- (b) createable but not updateable ---------------------------------------------------------

NOT_WRITABLE = (
    "Unable to create/update fields: {}. Please check the security settings of this field and "
    "verify that it is read/write for your profile or permission set."
)


@pytest.mark.parametrize(("sobject", "field"), [("Task", "TaskSubtype"), ("Event", "EventSubtype")])
def test_r15_describe_says_the_subtypes_are_createable_and_not_updateable(
    sf: Salesforce, sobject: str, field: str
) -> None:
    described = {f["name"]: f for f in getattr(sf, sobject).describe()["fields"]}[field]
    assert (described["createable"], described["updateable"]) == (True, False)


@pytest.mark.parametrize(
    ("sobject", "field", "value", "extra"),
    [
        ("Task", "TaskSubtype", "Email", {}),
        ("Event", "EventSubtype", "Event", EVENT_TIMES),
    ],
)
def test_r15_a_patch_carrying_a_subtype_is_refused_even_with_the_stored_value(
    sf: Salesforce, sobject: str, field: str, value: str, extra: dict[str, Any]
) -> None:
    api = getattr(sf, sobject)
    record_id = api.create({"Subject": "typed", field: value} | extra)["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        api.update(record_id, {"Subject": "renamed", field: value})
    error = caught.value.content[0]
    assert error == {
        "errorCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
        "message": NOT_WRITABLE.format(field),
        "fields": [field],
    }
    assert api.get(record_id)["Subject"] == "typed"  # nothing of the refused write is kept


def test_r20_an_upsert_that_matches_refuses_task_subtype_and_one_that_creates_takes_it(
    sf: Salesforce,
) -> None:
    key = "Activity_Sync_Key__c/subtype-upsert"
    body = {"Subject": "first", "TaskSubtype": "Email"}
    assert sf.Task.upsert(key, body) == 201
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.upsert(key, body | {"Subject": "second"})
    assert _refusal(caught) == ("INVALID_FIELD_FOR_INSERT_UPDATE", ["TaskSubtype"])
    found = sf.query("SELECT Subject FROM Task WHERE Activity_Sync_Key__c = 'subtype-upsert'")
    assert found["records"][0]["Subject"] == "first"


def test_r25_collections_refuse_the_subtype_only_on_records_they_update(sf: Salesforce) -> None:
    """Per record: in one upsert collection the new record takes TaskSubtype, the matched one
    fails; a collection update fails the record carrying it and writes the others."""
    existing = {"attributes": {"type": "Task"}, "Activity_Sync_Key__c": "subtype-coll-old"}
    fresh = {"attributes": {"type": "Task"}, "Activity_Sync_Key__c": "subtype-coll-new"}
    path = "composite/sobjects/Task/Activity_Sync_Key__c"
    sf.restful(path, method="PATCH", json={"records": [existing | {"Subject": "old"}]})
    typed = {"Subject": "s", "TaskSubtype": "Email"}
    results = sf.restful(path, method="PATCH", json={"records": [existing | typed, fresh | typed]})
    assert [(r["success"], r["created"]) for r in results] == [(False, False), (True, True)]
    assert results[0]["errors"][0]["statusCode"] == "INVALID_FIELD_FOR_INSERT_UPDATE"
    assert results[0]["errors"][0]["fields"] == ["TaskSubtype"]
    ids = [sf.Task.create({"Subject": f"u{i}", "TaskSubtype": "Call"})["id"] for i in range(2)]
    updates = [
        {"attributes": {"type": "Task"}, "id": ids[0], "Subject": "v0", "TaskSubtype": "Call"},
        {"attributes": {"type": "Task"}, "id": ids[1], "Subject": "v1"},
    ]
    results = sf.restful("composite/sobjects", method="PATCH", json={"records": updates})
    assert [r["success"] for r in results] == [False, True]
    assert results[0]["errors"][0]["fields"] == ["TaskSubtype"]
    assert [sf.Task.get(i)["Subject"] for i in ids] == ["u0", "v1"]


def test_several_fields_that_cannot_be_updated_are_named_together(sf: Salesforce) -> None:
    task = sf.Task.create({"Subject": "two", "TaskSubtype": "Email"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.update(task, {"TaskSubtype": "Email", "IsClosed": True})
    assert _refusal(caught) == ("INVALID_FIELD_FOR_INSERT_UPDATE", ["TaskSubtype", "IsClosed"])
    assert "TaskSubtype, IsClosed" in caught.value.content[0]["message"]
