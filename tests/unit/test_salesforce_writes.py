"""Upserts by sync key in collections of 200, five per call, TaskWhoIds only when shared (R8, R20, R24)."""

from __future__ import annotations

from typing import Any

from test_salesforce_fake_client import FakeClient

from adapters.salesforce.composite import SubResult
from adapters.salesforce.gateway import SimpleSalesforceGateway
from adapters.salesforce.writes import Item, collections, map_collection, record_body
from domain.model import PlannedTask

FIELD = "Activity_Sync_Key__c"


def task(
    n: int = 0, who: int = 1, shared: bool = False, what: str | None = None, sobject: str = "Task"
) -> PlannedTask:
    who_ids = tuple(f"003{i:015d}" for i in range(who))
    return PlannedTask(
        sync_key=f"key-{n}",
        sobject=sobject,
        who_id=who_ids[0],
        who_ids=who_ids,
        what_id=what,
        what_rule="R10c",
        account_id=None,
        shared=shared,
        fields={"Subject": "Sent (New): hi", "Status": "Completed"},
    )


def gateway(client: FakeClient, shared: bool = True) -> SimpleSalesforceGateway:
    return SimpleSalesforceGateway(
        client,  # type: ignore[arg-type]
        shared=lambda: shared,
        budget_percent=None,
        sleep=lambda s: None,
        random=lambda: 0.0,
    )


def test_a_shared_task_carries_all_its_people_primary_first() -> None:
    """R8: TaskWhoIds holds the whole batch, primary first, with WhoId the primary."""
    body = record_body(task(who=3, shared=True, what="006000000000000001"), FIELD, shared_on=True)
    assert body["TaskWhoIds"] == ["003000000000000000", "003000000000000001", "003000000000000002"]
    assert body["WhoId"] == "003000000000000000"
    assert body["WhatId"] == "006000000000000001"
    assert body[FIELD] == "key-0" and body["attributes"] == {"type": "Task"}
    assert body["Subject"] == "Sent (New): hi"


def test_never_task_who_ids_with_shared_activities_off() -> None:
    """R14: with shared activities off nothing mentions TaskWhoIds."""
    assert "TaskWhoIds" not in record_body(task(who=3, shared=True), FIELD, shared_on=False)
    assert "TaskWhoIds" not in record_body(task(who=1, shared=False), FIELD, shared_on=True)


def test_a_shared_batch_of_one_still_sends_its_people_so_an_update_drops_the_others() -> None:
    """R19: a replay that cuts a shared Task to its primary (batch size 1) must replace the
    org's relations; without TaskWhoIds the update would keep the former secondaries."""
    body = record_body(task(who=1, shared=True), FIELD, shared_on=True)
    assert body["TaskWhoIds"] == ["003000000000000000"]


def test_an_empty_what_id_is_left_out() -> None:
    """R10d: no related record; the key includes the related record, so nothing to clear."""
    assert "WhatId" not in record_body(task(what=None), FIELD, shared_on=True)


def test_collections_hold_at_most_two_hundred_of_one_type() -> None:
    tasks = [task(n) for n in range(450)] + [task(1000 + n, sobject="Event") for n in range(10)]
    items = [Item(n, t.sync_key, record_body(t, FIELD, True), False) for n, t in enumerate(tasks)]
    assert [(s, len(g)) for s, g in collections(items)] == [
        ("Task", 200),
        ("Task", 200),
        ("Task", 50),
        ("Event", 10),
    ]


def test_a_thousand_records_go_in_one_call_and_outcomes_keep_order() -> None:
    """R24: five collections of 200 in one composite call; one outcome per task, in order."""
    client = FakeClient()
    outcomes = gateway(client).write([task(n) for n in range(1000)])
    assert client.calls == ["POST composite"]
    requests = client.bodies[0]["compositeRequest"]
    assert [r["method"] for r in requests] == ["PATCH"] * 5
    assert requests[0]["url"] == f"/services/data/v59.0/composite/sobjects/Task/{FIELD}"
    assert all(r["body"]["allOrNone"] is False for r in requests)
    assert [o.sync_key for o in outcomes] == [f"key-{n}" for n in range(1000)]
    assert all(o.ok and o.created for o in outcomes)
    assert gateway(FakeClient()).write([task(n) for n in range(1001)])[-1].ok


def test_one_refused_record_fails_alone_with_the_orgs_code() -> None:
    """R25: a permanent per-record refusal fails that record alone, code and message kept."""

    def answer(sobject: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": None,
                "success": False,
                "errors": [
                    {
                        "statusCode": "STRING_TOO_LONG",
                        "message": "Subject: too long",
                        "fields": ["Subject"],
                    }
                ],
            }
            if r[FIELD] == "key-1"
            else {"id": "00T000000000000AAA", "success": True, "errors": [], "created": False}
            for r in records
        ]

    outcomes = gateway(FakeClient(collection=answer)).write([task(n) for n in range(3)])
    assert [o.ok for o in outcomes] == [True, False, True]
    assert (outcomes[1].code, outcomes[1].message, outcomes[1].retryable) == (
        "STRING_TOO_LONG",
        "Subject: too long",
        False,
    )
    assert outcomes[0].created is False


def test_locked_records_are_sent_again_until_they_land() -> None:
    """R25, R20: UNABLE_TO_LOCK_ROW records are re-sent (upsert: no duplicate) after back-off."""
    tries: dict[str, int] = {}

    def answer(sobject: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        results = []
        for r in records:
            tries[r[FIELD]] = tries.get(r[FIELD], 0) + 1
            if r[FIELD] == "key-0" and tries["key-0"] < 3:
                results.append(
                    {
                        "success": False,
                        "errors": [{"statusCode": "UNABLE_TO_LOCK_ROW", "message": "locked"}],
                    }
                )
            else:
                results.append({"id": "00T000000000001AAA", "success": True, "errors": []})
        return results

    client = FakeClient(collection=answer)
    outcomes = gateway(client).write([task(0), task(1)])
    assert all(o.ok for o in outcomes)
    assert tries == {"key-0": 3, "key-1": 1}
    assert len(client.calls) == 3


def test_a_shared_refusal_is_flagged_and_its_siblings_may_retry() -> None:
    """R18: the org refusing TaskWhoIds marks that record shared_refused; a sibling that was
    refused with the whole collection is retryable, not shared_refused."""
    refused = SubResult(
        400,
        [
            {
                "errorCode": "INVALID_FIELD",
                "message": "No such column 'TaskWhoIds' on sobject of type Task",
            }
        ],
    )
    shared = Item(0, "k0", {}, sends_who_ids=True)
    single = Item(1, "k1", {}, sends_who_ids=False)
    outcomes = map_collection([shared, single], refused)
    assert outcomes[0].shared_refused and not outcomes[0].retryable
    assert outcomes[1].retryable and not outcomes[1].shared_refused
    assert outcomes[0].code == "INVALID_FIELD"


def test_delete_counts_records_already_gone_as_deleted() -> None:
    """R19: deleting what is already gone reaches the goal."""
    client = FakeClient()
    outcomes = gateway(client).delete([f"00T{n:015d}" for n in range(450)])
    assert len(outcomes) == 450 and all(o.ok for o in outcomes)
    assert client.calls == ["POST composite"]
    urls = [r["url"] for r in client.bodies[0]["compositeRequest"]]
    assert len(urls) == 3 and urls[0].startswith("/services/data/v59.0/composite/sobjects?ids=")


def test_an_entity_already_deleted_is_ok_and_a_lock_is_retryable() -> None:
    from adapters.salesforce.deletes import deleted

    gone = deleted(
        "00TA",
        {
            "id": "00TA",
            "success": False,
            "errors": [{"statusCode": "ENTITY_IS_DELETED", "message": "entity is deleted"}],
        },
    )
    locked = deleted(
        "00TB", {"success": False, "errors": [{"statusCode": "UNABLE_TO_LOCK_ROW", "message": "x"}]}
    )
    assert gone.ok and gone.sync_key == "00TA"
    assert not locked.ok and locked.retryable


def test_fetch_asks_for_relations_until_the_org_refuses_them_then_remembers() -> None:
    """R19: relations whenever the org has them, whatever the engine's switch; an org without
    shared activities answers once without them and is not asked again."""
    refused_relations = (
        "Didn't understand relationship 'TaskWhoRelations' in FROM part of query call"
    )
    row = {"Id": "00TA", FIELD: "key-0", "WhoId": "003A"}

    def org(statement: str) -> list[dict[str, Any]]:
        if "TaskWhoRelations" in statement:
            raise _Refused(refused_relations)
        return [row]

    client = _RefusingClient(query=org)
    gw = gateway(client, shared=False)
    assert [r.who_ids for r in gw.fetch(["key-0"])] == [("003A",)]
    assert [r.who_ids for r in gw.fetch(["key-0"])] == [("003A",)]
    assert len(client.calls) == 3  # refused, again without, then straight without


def test_the_engine_reads_its_own_records_with_query_all_so_archived_ones_are_seen() -> None:
    """R27: the org archives old Tasks (gone from `query`, still in `queryAll`); replay and the
    worker read the records they wrote with queryAll, leaving deleted ones out."""
    seen: list[str] = []

    def org(statement: str) -> list[dict[str, Any]]:
        seen.append(statement)
        return [{"Id": "00TA", FIELD: "key-0", "WhoId": "003A"}]

    client = FakeClient(query=org)
    assert [r.salesforce_id for r in gateway(client).fetch(["key-0"])] == ["00TA"]
    assert client.resources == ["queryAll"]
    assert seen[0].endswith("AND IsDeleted = false")


class _Refused(Exception):
    pass


class _RefusingClient(FakeClient):
    """Turns a handler's _Refused into a 400 INVALID_TYPE subresponse, as the org answers."""

    def _sub(self, request: dict[str, Any]) -> dict[str, Any]:
        try:
            return super()._sub(request)
        except _Refused as refused:
            body = [{"errorCode": "INVALID_TYPE", "message": str(refused)}]
            return {
                "body": body,
                "httpHeaders": {},
                "httpStatusCode": 400,
                "referenceId": request["referenceId"],
            }


def subtype_task(n: int = 0) -> PlannedTask:
    plain = task(n)
    return PlannedTask(**{**plain.__dict__, "fields": {**plain.fields, "TaskSubtype": "Email"}})


def test_a_record_the_org_already_holds_is_updated_without_its_create_only_fields() -> None:
    """R20: TaskSubtype is createable, not updateable; an upsert known to update leaves it out."""
    client = FakeClient()
    gateway(client).write([subtype_task(0), subtype_task(1)], existing={"key-1"})
    records = client.bodies[0]["compositeRequest"][0]["body"]["records"]
    assert [r.get("TaskSubtype") for r in records] == ["Email", None]
    assert [r["Subject"] for r in records] == ["Sent (New): hi"] * 2


def test_an_update_refused_for_a_create_only_field_is_sent_again_at_once_without_it() -> None:
    """R20: when the engine could not know the record existed (a lost answer), the org's
    refusal of TaskSubtype on update is no failure: the record goes again without it."""
    refused = (
        "Unable to create/update fields: TaskSubtype. Please check the security settings of "
        "this field and verify that it is read/write for your user profile or permission set."
    )

    def answer(sobject: str, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                "id": None,
                "success": False,
                "errors": [
                    {
                        "statusCode": "INVALID_FIELD_FOR_INSERT_UPDATE",
                        "message": refused,
                        "fields": ["TaskSubtype"],
                    }
                ],
            }
            if "TaskSubtype" in r
            else {"id": "00T000000000001AAA", "success": True, "created": False, "errors": []}
            for r in records
        ]

    client = FakeClient(collection=answer)
    (outcome,) = gateway(client).write([subtype_task()])
    assert outcome.ok and outcome.created is False and outcome.salesforce_id
    assert client.calls == ["POST composite", "POST composite"]  # no back-off, no failure
    again = client.bodies[1]["compositeRequest"][0]["body"]["records"]
    assert "TaskSubtype" not in again[0]
