"""Shared activities as Salesforce enforces them (facts 1, rules 8.1-8.5), over HTTPS.

The engine's shared Tasks (R6-R8) and its refusal handling (R18) are only as trustworthy as
these invariants: one lead or up to 50 contacts, WhoId always among the relations, and
nothing written when a write is refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest

from adapters.local_org.assumptions import SHARED_LIMIT_CODE


@pytest.fixture(scope="module")
def people(local_org: Any) -> dict[str, Any]:
    sf = local_org.salesforce()
    account = sf.Account.create({"Name": "People"})["id"]
    other = sf.Account.create({"Name": "Other"})["id"]
    records = [
        {
            "attributes": {"type": "Contact"},
            "LastName": f"C{i}",
            "AccountId": account if i else other,
        }
        for i in range(52)
    ]
    contacts: list[str] = []
    for start in range(0, len(records), 200):
        results = sf.restful(
            "composite/sobjects", method="POST", json={"records": records[start : start + 200]}
        )
        contacts += [r["id"] for r in results]
    leads = [sf.Lead.create({"LastName": f"L{i}", "Company": "Co"})["id"] for i in range(2)]
    opportunity = sf.Opportunity.create(
        {"Name": "Deal", "StageName": "Prospecting", "CloseDate": "2026-06-30", "AccountId": other}
    )["id"]
    return {
        "account": account,
        "other": other,
        "contacts": contacts,
        "leads": leads,
        "opp": opportunity,
    }


def _who_ids(sf: Salesforce, task_id: str) -> list[str]:
    rows = sf.query(f"SELECT RelationId FROM TaskWhoRelation WHERE TaskId = '{task_id}'")["records"]
    return sorted(r["RelationId"] for r in rows)


def _refusal(error: SalesforceMalformedRequest) -> str:
    return str(error.content[0]["errorCode"])


def _task_count(sf: Salesforce) -> int:
    return int(sf.query("SELECT COUNT() FROM Task")["totalSize"])


def test_task_who_ids_first_is_primary_and_counts_are_computed(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    """R8: the first contact of the batch is the Task's WhoId, the others are relations."""
    batch = people["contacts"][1:4]
    task = sf.Task.create({"Subject": "shared", "TaskWhoIds": batch})["id"]
    record = sf.Task.get(task)
    assert record["WhoId"] == batch[0]
    assert record["TaskWhoIds"] == batch
    assert (record["WhoCount"], record["WhatCount"]) == (3, 0)
    assert _who_ids(sf, task) == sorted(batch)


def test_who_id_given_with_task_who_ids_is_the_primary(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    batch = people["contacts"][1:4]
    task = sf.Task.create({"Subject": "s", "TaskWhoIds": batch[:2], "WhoId": batch[2]})["id"]
    record = sf.Task.get(task)
    assert record["WhoId"] == batch[2]
    assert sorted(record["TaskWhoIds"]) == sorted(batch)


def test_fifty_contacts_are_accepted_and_fifty_one_refused_with_nothing_written(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    """R7: 50 is the most a Task can hold."""
    contacts = people["contacts"]
    assert (
        sf.Task.get(sf.Task.create({"Subject": "50", "TaskWhoIds": contacts[:50]})["id"])[
            "WhoCount"
        ]
        == 50
    )
    before = _task_count(sf)
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.create({"Subject": "51", "TaskWhoIds": contacts[:51]})
    assert _refusal(caught.value) == SHARED_LIMIT_CODE
    assert _task_count(sf) == before


def test_a_lead_never_shares_a_task_with_contacts_or_another_lead(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    """R9: shared activities never apply to Leads."""
    lead, second = people["leads"]
    contact = people["contacts"][1]
    before = _task_count(sf)
    for who_ids in ([lead, contact], [lead, second]):
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.Task.create({"Subject": "mixed", "TaskWhoIds": who_ids})
        assert _refusal(caught.value) == SHARED_LIMIT_CODE
    assert _task_count(sf) == before
    task = sf.Task.create({"Subject": "lead", "WhoId": lead})["id"]
    with pytest.raises(SalesforceMalformedRequest):
        sf.TaskRelation.create({"TaskId": task, "RelationId": contact})
    assert _who_ids(sf, task) == [lead]


def test_setting_who_id_to_a_new_person_adds_it_as_primary(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    first, second, third = people["contacts"][1:4]
    task = sf.Task.create({"Subject": "s", "TaskWhoIds": [first, second]})["id"]
    sf.Task.update(task, {"WhoId": third})
    record = sf.Task.get(task)
    assert record["WhoId"] == third
    assert record["TaskWhoIds"][0] == third
    assert _who_ids(sf, task) == sorted([first, second, third])


def test_nulling_who_id_promotes_another_relation(sf: Salesforce, people: dict[str, Any]) -> None:
    first, second = people["contacts"][1:3]
    task = sf.Task.create({"Subject": "s", "TaskWhoIds": [first, second]})["id"]
    sf.Task.update(task, {"WhoId": None})
    record = sf.Task.get(task)
    assert record["WhoId"] == second
    assert _who_ids(sf, task) == [second]


def test_task_who_ids_on_update_replaces_the_set(sf: Salesforce, people: dict[str, Any]) -> None:
    first, second, third = people["contacts"][1:4]
    task = sf.Task.create({"Subject": "s", "TaskWhoIds": [first, second]})["id"]
    sf.Task.update(task, {"TaskWhoIds": [third, first]})
    assert sf.Task.get(task)["WhoId"] == third
    assert _who_ids(sf, task) == sorted([third, first])
    sf.Task.update(task, {"TaskWhoIds": None})
    assert _who_ids(sf, task) == [third]


def test_task_relation_create_query_and_delete_promotes_the_next_primary(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    first, second = people["contacts"][1:3]
    task = sf.Task.create({"Subject": "s", "WhoId": first})["id"]
    relation = sf.TaskRelation.create({"TaskId": task, "RelationId": second})["id"]
    assert relation.startswith("0RT")
    row = sf.query(f"SELECT Id, IsWhat, AccountId FROM TaskRelation WHERE Id = '{relation}'")[
        "records"
    ][0]
    assert row["IsWhat"] is False and row["AccountId"] == people["account"]
    assert sf.Task.get(task)["WhoCount"] == 2
    primary = sf.query(
        f"SELECT Id FROM TaskRelation WHERE TaskId = '{task}' AND RelationId = '{first}'"
    )
    sf.TaskRelation.delete(primary["records"][0]["Id"])
    record = sf.Task.get(task)
    assert (record["WhoId"], record["WhoCount"]) == (second, 1)


def test_task_relation_cannot_be_updated_and_duplicates_are_refused(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    first, second = people["contacts"][1:3]
    task = sf.Task.create({"Subject": "s", "WhoId": first})["id"]
    relation = sf.query(f"SELECT Id FROM TaskRelation WHERE TaskId = '{task}'")["records"][0]["Id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.TaskRelation.update(relation, {"RelationId": second})
    assert _refusal(caught.value) == "INVALID_TYPE_FOR_OPERATION"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.TaskRelation.create({"TaskId": task, "RelationId": first})
    assert _refusal(caught.value) == "DUPLICATE_VALUE"


def test_account_id_is_derived_from_what_id_else_the_primary_contact(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    """R10: the Task's AccountId is Salesforce's derivation, never written by the engine."""
    contact = people["contacts"][1]  # of people["account"]
    plain = sf.Task.create({"Subject": "s", "WhoId": contact})["id"]
    on_account = sf.Task.create({"Subject": "s", "WhoId": contact, "WhatId": people["other"]})["id"]
    on_opportunity = sf.Task.create({"Subject": "s", "WhoId": contact, "WhatId": people["opp"]})[
        "id"
    ]
    for_lead = sf.Task.create({"Subject": "s", "WhoId": people["leads"][0]})["id"]
    assert sf.Task.get(plain)["AccountId"] == people["account"]
    assert sf.Task.get(on_account)["AccountId"] == people["other"]
    assert sf.Task.get(on_opportunity)["AccountId"] == people["other"]
    assert sf.Task.get(for_lead)["AccountId"] is None
    assert sf.Task.get(on_opportunity)["WhatCount"] == 1
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.create({"Subject": "s", "AccountId": people["account"]})
    assert _refusal(caught.value) == "INVALID_FIELD_FOR_INSERT_UPDATE"


def test_who_id_must_be_a_contact_or_lead(sf: Salesforce, people: dict[str, Any]) -> None:
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.create({"Subject": "s", "WhoId": people["account"]})
    assert _refusal(caught.value) == "FIELD_INTEGRITY_EXCEPTION"


def test_task_who_relations_subquery_lists_every_person(
    sf: Salesforce, people: dict[str, Any]
) -> None:
    batch = people["contacts"][1:4]
    task = sf.Task.create({"Subject": "sub", "TaskWhoIds": batch})["id"]
    record = sf.query(
        f"SELECT Id, (SELECT RelationId FROM TaskWhoRelations) FROM Task WHERE Id = '{task}'"
    )["records"][0]
    assert sorted(r["RelationId"] for r in record["TaskWhoRelations"]["records"]) == sorted(batch)


def test_deleting_a_task_removes_its_relations(sf: Salesforce, people: dict[str, Any]) -> None:
    task = sf.Task.create({"Subject": "gone", "TaskWhoIds": people["contacts"][1:3]})["id"]
    sf.Task.delete(task)
    assert _who_ids(sf, task) == []
    assert (
        len(
            sf.query_all(
                f"SELECT Id FROM TaskRelation WHERE TaskId = '{task}'", include_deleted=True
            )["records"]
        )
        == 2
    )


def test_event_who_ids_share_an_event_the_same_way(sf: Salesforce, people: dict[str, Any]) -> None:
    batch = people["contacts"][1:3]
    event = sf.Event.create(
        {
            "Subject": "meet",
            "StartDateTime": "2026-02-01T09:00:00Z",
            "EndDateTime": "2026-02-01T10:00:00Z",
            "EventWhoIds": batch,
        }
    )["id"]
    record = sf.Event.get(event)
    assert (record["WhoId"], record["DurationInMinutes"], record["ActivityDate"]) == (
        batch[0],
        60,
        "2026-02-01",
    )
    rows = sf.query(f"SELECT RelationId FROM EventWhoRelation WHERE EventId = '{event}'")["records"]
    assert sorted(r["RelationId"] for r in rows) == sorted(batch)


def test_describe_shows_the_shared_fields_and_the_sync_key(sf: Salesforce) -> None:
    """R17: detection by describe (TaskWhoIds, TaskRelation) when metadata is not readable."""
    fields = {f["name"]: f for f in sf.Task.describe()["fields"]}
    assert fields["TaskWhoIds"]["type"] == "junctionidlist"
    assert {"WhoCount", "WhatCount"} <= fields.keys()
    key = fields["Activity_Sync_Key__c"]
    assert (key["externalId"], key["unique"], key["type"]) == (True, True, "string")
    assert fields["AccountId"]["createable"] is False
    names = {o["name"] for o in sf.describe()["sobjects"]}
    assert {"TaskRelation", "TaskWhoRelation", "EventRelation"} <= names
    children = {c["relationshipName"] for c in sf.Task.describe()["childRelationships"]}
    assert {"TaskRelations", "TaskWhoRelations"} <= children


def test_read_metadata_reports_shared_activities_on(
    local_org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R17: the Metadata API read of ActivitiesSettings (zeep uses its own session: trust the CA)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", local_org.ca_bundle)
    sf = local_org.salesforce()
    settings = sf.mdapi.ActivitiesSettings.read("Activities")
    assert settings.allowUsersToRelateMultipleContactsToTasksAndEvents is True


def test_read_metadata_needs_the_session_id_and_can_be_denied(
    local_org: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zeep.exceptions import Fault

    monkeypatch.setenv("REQUESTS_CA_BUNDLE", local_org.ca_bundle)
    sf = local_org.salesforce()
    sf.session_id = "wrong"
    with pytest.raises(Fault, match="INVALID_SESSION_ID"):
        sf.mdapi.ActivitiesSettings.read("Activities")
    local_org.set_metadata_readable(False)
    try:
        with pytest.raises(Fault, match="INSUFFICIENT_ACCESS"):
            local_org.salesforce().mdapi.ActivitiesSettings.read("Activities")
    finally:
        local_org.set_metadata_readable(True)
