"""Shared activities off, and support's disable on restart (facts 1.4, 1.6, rule 8.1).

R14/R18: without the setting the engine must see exactly what a real org shows: no
TaskWhoIds, no TaskRelation, and the refusals a real org gives for unknown fields and objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from adapters.local_org.launcher import LocalOrg


@pytest.fixture(scope="module")
def org_off(local_org_factory: Callable[..., LocalOrg]) -> LocalOrg:
    return local_org_factory(shared_activities=False)


@pytest.fixture
def sf_off(org_off: LocalOrg) -> Salesforce:
    return org_off.salesforce()


def test_describe_has_no_shared_fields_or_objects(sf_off: Salesforce) -> None:
    """R17: describe-based detection sees the setting off."""
    fields = {f["name"] for f in sf_off.Task.describe()["fields"]}
    assert not {"TaskWhoIds", "WhoCount", "WhatCount"} & fields
    assert "Activity_Sync_Key__c" in fields
    names = {o["name"] for o in sf_off.describe()["sobjects"]}
    assert not {"TaskRelation", "TaskWhoRelation"} & names
    children = {c["relationshipName"] for c in sf_off.Task.describe()["childRelationships"]}
    assert "TaskWhoRelations" not in children


def test_task_relation_is_an_unknown_object(sf_off: Salesforce) -> None:
    with pytest.raises(SalesforceResourceNotFound):
        sf_off.TaskRelation.describe()
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf_off.query("SELECT Id FROM TaskRelation")
    assert caught.value.content[0]["errorCode"] == "INVALID_TYPE"


def test_task_who_ids_is_an_unknown_field_for_writes_and_queries(sf_off: Salesforce) -> None:
    """R18: the refusal the engine reads as "shared activities is gone"."""
    contact = sf_off.Contact.create({"LastName": "Off"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf_off.Task.create({"Subject": "s", "TaskWhoIds": [contact]})
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "TaskWhoIds" in caught.value.content[0]["message"]
    results = sf_off.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [{"attributes": {"type": "Task"}, "Subject": "s", "TaskWhoIds": [contact]}]
        },
    )
    assert results[0]["errors"][0]["statusCode"] == "INVALID_FIELD"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf_off.query("SELECT Id, WhoCount FROM Task")
    assert caught.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_who_id_is_a_single_person_without_the_setting(sf_off: Salesforce) -> None:
    first = sf_off.Contact.create({"LastName": "One"})["id"]
    second = sf_off.Contact.create({"LastName": "Two"})["id"]
    task = sf_off.Task.create({"Subject": "s", "WhoId": first})["id"]
    sf_off.Task.update(task, {"WhoId": second})
    record = sf_off.Task.get(task)
    assert record["WhoId"] == second
    assert "TaskWhoIds" not in record


def test_read_metadata_reports_shared_activities_off(
    org_off: LocalOrg, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", org_off.ca_bundle)
    settings = org_off.salesforce().mdapi.ActivitiesSettings.read("Activities")
    assert settings.allowUsersToRelateMultipleContactsToTasksAndEvents is False


def _contacts(sf: Salesforce, count: int) -> list[str]:
    records = [{"attributes": {"type": "Contact"}, "LastName": f"P{i}"} for i in range(count)]
    return [
        r["id"] for r in sf.restful("composite/sobjects", method="POST", json={"records": records})
    ]


def test_restart_with_the_setting_off_keeps_only_each_primary(
    local_org_factory: Callable[..., Any],
) -> None:
    """R18: support's disable drops every contact but the primary; the Task itself stays."""
    org = local_org_factory()
    sf = org.salesforce()
    people = _contacts(sf, 4)
    shared = sf.Task.create({"Subject": "shared", "TaskWhoIds": people[:3]})["id"]
    single = sf.Task.create({"Subject": "single", "WhoId": people[3]})["id"]
    org.restart(shared_activities=False)
    sf = org.salesforce()
    assert sf.Task.get(shared)["WhoId"] == people[0]
    assert sf.Task.get(single)["WhoId"] == people[3]
    assert "TaskWhoIds" not in {f["name"] for f in sf.Task.describe()["fields"]}
    org.restart(shared_activities=True)
    sf = org.salesforce()
    record = sf.Task.get(shared)
    assert (record["WhoId"], record["TaskWhoIds"], record["WhoCount"]) == (
        people[0],
        [people[0]],
        1,
    )
    rows = sf.query(f"SELECT RelationId FROM TaskWhoRelation WHERE TaskId = '{shared}'")["records"]
    assert [r["RelationId"] for r in rows] == [people[0]]


def test_restart_without_the_flag_keeps_the_db_setting(org_off: LocalOrg) -> None:
    org_off.restart(shared_activities=None)
    assert org_off.state()["shared_activities"] is False
    assert "TaskWhoIds" not in {f["name"] for f in org_off.salesforce().Task.describe()["fields"]}
