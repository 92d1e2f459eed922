"""The recycle bin over HTTPS (issue 14 item f): deleted records stay with IsDeleted = true,
queryAll shows them, /query and reads by Id do not, and nothing may point at them.

R18 and R25: the engine must recognise ENTITY_IS_DELETED as a permanent refusal of the record
that points at a deleted person, and never count on /query to see deleted Tasks.
"""

from __future__ import annotations

from typing import Any

import pytest
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from adapters.local_org import partner_client
from adapters.local_org.launcher import LocalOrg


@pytest.fixture(scope="module")
def gone(local_org: LocalOrg) -> dict[str, Any]:
    """A Task with two contacts and an Account, deleted; a deleted Contact and Account."""
    sf = local_org.salesforce()
    account = sf.Account.create({"Name": "Bin Co"})["id"]
    contacts = [
        sf.Contact.create({"LastName": f"Bin{i}", "AccountId": account})["id"] for i in range(3)
    ]
    task = sf.Task.create({"Subject": "binned", "TaskWhoIds": contacts[:2], "WhatId": account})[
        "id"
    ]
    relations = sf.query(f"SELECT Id FROM TaskRelation WHERE TaskId = '{task}'")["records"]
    sf.Task.delete(task)
    dead_account = sf.Account.create({"Name": "Dead Co"})["id"]
    sf.Account.delete(dead_account)
    sf.Contact.delete(contacts[2])
    return {
        "task": task,
        "relations": sorted(r["Id"] for r in relations),
        "contacts": contacts,
        "dead_contact": contacts[2],
        "dead_account": dead_account,
        "account": account,
    }


def _refusal(caught: pytest.ExceptionInfo[Any]) -> tuple[str, list[str]]:
    error = caught.value.content[0]
    return error["errorCode"], error["fields"]


def test_query_never_shows_a_deleted_task_and_query_all_does(
    sf: Salesforce, gone: dict[str, Any]
) -> None:
    task = gone["task"]
    assert sf.query(f"SELECT Id FROM Task WHERE Id = '{task}'")["totalSize"] == 0
    assert sf.query("SELECT Id FROM Task WHERE IsDeleted = true")["totalSize"] == 0
    rows = sf.query_all(
        f"SELECT Id, IsDeleted FROM Task WHERE IsDeleted = true AND Id = '{task}'",
        include_deleted=True,
    )["records"]
    assert [(r["Id"], r["IsDeleted"]) for r in rows] == [(task, True)]
    relations = sf.query_all(
        f"SELECT Id, IsDeleted FROM TaskRelation WHERE TaskId = '{task}'", include_deleted=True
    )["records"]
    assert sorted(r["Id"] for r in relations) == gone["relations"]
    assert {r["IsDeleted"] for r in relations} == {True}


def test_a_deleted_record_read_or_written_by_id_answers_404_entity_is_deleted(
    sf: Salesforce, gone: dict[str, Any]
) -> None:
    for call in (
        lambda: sf.Task.get(gone["task"]),
        lambda: sf.Task.update(gone["task"], {"Subject": "again"}),
        lambda: sf.Task.delete(gone["task"]),
        lambda: sf.Contact.get(gone["dead_contact"]),
    ):
        with pytest.raises(SalesforceResourceNotFound) as caught:
            call()
        assert caught.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"WhoId": "dead_contact"}, "WhoId"),
        ({"WhatId": "dead_account"}, "WhatId"),
        ({"TaskWhoIds": ["contact", "dead_contact"]}, "TaskWhoIds"),
    ],
)
def test_r25_a_write_pointing_at_a_deleted_record_is_refused_with_entity_is_deleted(
    sf: Salesforce, gone: dict[str, Any], body: dict[str, Any], field: str
) -> None:
    names = {"dead_contact": gone["dead_contact"], "dead_account": gone["dead_account"]}
    names["contact"] = gone["contacts"][0]
    resolved = {
        k: [names[i] for i in v] if isinstance(v, list) else names[v] for k, v in body.items()
    }
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.create({"Subject": "points at the bin"} | resolved)
    assert _refusal(caught) == ("ENTITY_IS_DELETED", [field])
    live = sf.Task.create({"Subject": "live"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Task.update(live, resolved)
    assert _refusal(caught) == ("ENTITY_IS_DELETED", [field])


def test_r25_a_relation_to_a_deleted_person_or_task_is_refused(
    sf: Salesforce, gone: dict[str, Any]
) -> None:
    live = sf.Task.create({"Subject": "relation target"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.TaskRelation.create({"TaskId": live, "RelationId": gone["dead_contact"]})
    assert _refusal(caught) == ("ENTITY_IS_DELETED", ["RelationId"])
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.TaskRelation.create({"TaskId": gone["task"], "RelationId": gone["contacts"][0]})
    assert _refusal(caught) == ("ENTITY_IS_DELETED", ["TaskId"])
    results = sf.restful(
        "composite/sobjects",
        method="POST",
        json={
            "records": [
                {"attributes": {"type": "Task"}, "Subject": "ok"},
                {"attributes": {"type": "Task"}, "WhoId": gone["dead_contact"]},
            ]
        },
    )
    assert [r["success"] for r in results] == [True, False]
    assert results[1]["errors"][0]["statusCode"] == "ENTITY_IS_DELETED"


def test_undelete_brings_a_task_back_with_its_relation_rows(sf: Salesforce) -> None:
    """The relations a Task's delete took come back with it (the same rows)."""
    contacts = [sf.Contact.create({"LastName": f"Back{i}"})["id"] for i in range(2)]
    task = sf.Task.create({"Subject": "comes back", "TaskWhoIds": contacts})["id"]
    before = sf.query(f"SELECT Id, RelationId FROM TaskRelation WHERE TaskId = '{task}'")
    sf.Task.delete(task)
    [result] = partner_client.undelete(sf, [task])
    assert (result["success"], result["id"]) == (True, task)
    record = sf.Task.get(task)
    assert (record["IsDeleted"], record["TaskWhoIds"], record["WhoId"]) == (
        False,
        contacts,
        contacts[0],
    )
    after = sf.query(f"SELECT Id, RelationId FROM TaskRelation WHERE TaskId = '{task}'")
    assert sorted(r["Id"] for r in after["records"]) == sorted(r["Id"] for r in before["records"])


def test_undelete_brings_a_contact_back_onto_its_tasks(sf: Salesforce) -> None:
    """A deleted Contact leaves its Tasks (the next person is promoted); undeleted, it is on
    them again, after the people there now."""
    contacts = [sf.Contact.create({"LastName": f"Undel{i}"})["id"] for i in range(3)]
    shared = sf.Task.create({"Subject": "undel shared", "TaskWhoIds": contacts})["id"]
    alone = sf.Task.create({"Subject": "undel alone", "WhoId": contacts[0]})["id"]
    sf.Contact.delete(contacts[0])
    assert sf.Task.get(shared)["TaskWhoIds"] == contacts[1:]
    assert sf.Task.get(alone)["WhoId"] is None
    [result] = partner_client.undelete(sf, [contacts[0]])
    assert result["success"] is True
    assert sf.Contact.get(contacts[0])["IsDeleted"] is False
    assert sf.Task.get(shared)["TaskWhoIds"] == [*contacts[1:], contacts[0]]
    assert sf.Task.get(alone)["WhoId"] == contacts[0]
    who = sf.query(f"SELECT RelationId FROM TaskWhoRelation WHERE TaskId = '{alone}'")
    assert [r["RelationId"] for r in who["records"]] == [contacts[0]]


def test_undelete_refuses_what_is_not_in_the_bin(sf: Salesforce) -> None:
    contact = sf.Contact.create({"LastName": "Alive"})["id"]
    task = sf.Task.create(
        {"Subject": "key holder", "Activity_Sync_Key__c": "bin-key", "WhoId": contact}
    )["id"]
    relation = sf.query(f"SELECT Id FROM TaskRelation WHERE TaskId = '{task}'")["records"][0]["Id"]
    sf.TaskRelation.delete(relation)  # a relation deleted on its own is not in the bin
    sf.Task.delete(task)
    sf.Task.create({"Subject": "new holder", "Activity_Sync_Key__c": "bin-key"})
    results = partner_client.undelete(sf, [contact, relation, task])
    assert [r["success"] for r in results] == [False, False, False]
    codes = [r["errors"][0]["statusCode"] for r in results]
    assert codes == ["UNDELETE_FAILED", "UNDELETE_FAILED", "DUPLICATE_VALUE"]
