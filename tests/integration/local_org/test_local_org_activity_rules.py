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
