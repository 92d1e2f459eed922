"""Planned records to sObject Collections upserts, five collections per composite call (R20, R24)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.salesforce.composite import SubResult, run_batched, subrequest
from adapters.salesforce.errors import first_error, is_retryable, is_shared_refusal
from adapters.salesforce.transport import Transport
from domain.model import PlannedTask, WriteOutcome

COLLECTION_SIZE = 200
# Fields the org takes on create and refuses on update (describe: createable, not updateable).
CREATE_ONLY = {"Task": ("TaskSubtype",), "Event": ("EventSubtype",)}
CREATE_ONLY_REFUSED = "INVALID_FIELD_FOR_INSERT_UPDATE"


@dataclass(frozen=True)
class Item:
    """One record to send, with where its outcome goes and whether it carried TaskWhoIds."""

    position: int
    key: str
    body: dict[str, Any]
    sends_who_ids: bool


def record_body(task: PlannedTask, external_id_field: str, shared_on: bool) -> dict[str, Any]:
    """The upsert record: planned fields, WhoId, WhatId when there is one, the sync key.

    An empty WhatId is left out rather than sent as null: the sync key is derived from the
    related record (domain/sync_keys.py), so an update by key never has a WhatId to clear.
    TaskWhoIds (the whole set, primary first) rides along when the Task is shared and the
    org has shared activities, so the Task and its relations land in one call or not at all.
    """
    body: dict[str, Any] = {"attributes": {"type": task.sobject}}
    body.update(task.fields)
    body["WhoId"] = task.who_id
    if task.what_id:
        body["WhatId"] = task.what_id
    body[external_id_field] = task.sync_key
    if sends_who_ids(task, shared_on):
        body["TaskWhoIds"] = list(task.who_ids)
    return body


def sends_who_ids(task: PlannedTask, shared_on: bool) -> bool:
    """TaskWhoIds for every shared Task, never for an individual one nor with shared activities
    off. A shared batch of one sends it too: on an update it replaces the people an earlier
    plan related (batch size cut to 1 by replay, R19), which the org would otherwise keep."""
    return shared_on and task.sobject == "Task" and task.shared


def items_for(
    tasks: Sequence[PlannedTask],
    external_id_field: str,
    shared_on: bool,
    existing: Collection[str] = (),
) -> list[Item]:
    """One item per task; records known to exist (`existing` sync keys) go without the fields
    the org only takes on create, since the upsert will update them."""
    items = []
    for n, t in enumerate(tasks):
        body = record_body(t, external_id_field, shared_on)
        if t.sync_key in existing:
            body = without_create_only(body)
        items.append(Item(n, t.sync_key, body, sends_who_ids(t, shared_on)))
    return items


def without_create_only(body: dict[str, Any]) -> dict[str, Any]:
    dropped = CREATE_ONLY.get(body["attributes"]["type"], ())
    return {name: value for name, value in body.items() if name not in dropped}


def refused_for_create_only(item: Item, outcome: WriteOutcome) -> bool:
    """The org refused an update because the record carried a create-only field (the engine
    could not know the record existed: the answer to an earlier write was lost)."""
    fields = CREATE_ONLY.get(item.body["attributes"]["type"], ())
    return (
        not outcome.ok
        and outcome.code == CREATE_ONLY_REFUSED
        and any(name in item.body and name in (outcome.message or "") for name in fields)
    )


def collections(items: Sequence[Item]) -> list[tuple[str, list[Item]]]:
    """Items grouped by object type, then cut into collections of at most 200."""
    by_type: dict[str, list[Item]] = {}
    for item in items:
        by_type.setdefault(item.body["attributes"]["type"], []).append(item)
    return [
        (sobject, group[start : start + COLLECTION_SIZE])
        for sobject, group in by_type.items()
        for start in range(0, len(group), COLLECTION_SIZE)
    ]


def upsert_round(
    transport: Transport, items: Sequence[Item], external_id_field: str
) -> dict[int, WriteOutcome]:
    """Send the items once (five collections per call); an outcome for each item."""
    groups = collections(items)
    requests = [
        subrequest(
            "PATCH",
            transport.data_path(f"composite/sobjects/{sobject}/{external_id_field}"),
            f"c{n}",
            {"allOrNone": False, "records": [item.body for item in group]},
        )
        for n, (sobject, group) in enumerate(groups)
    ]
    outcomes: dict[int, WriteOutcome] = {}
    for (_, group), answer in zip(groups, run_batched(transport, requests), strict=True):
        outcomes.update(map_collection(group, answer))
    return outcomes


def map_collection(group: Sequence[Item], answer: SubResult) -> dict[int, WriteOutcome]:
    """Per-record results in order; a refused collection fails each of its records alike."""
    if answer.ok and isinstance(answer.body, list):
        results = answer.body
        return {
            item.position: save_outcome(item, results[n])
            if n < len(results)
            else failed(item, "MISSING_RESULT", "the org gave no result for this record", True)
            for n, item in enumerate(group)
        }
    code, message = first_error(answer.body)
    retryable = is_retryable(code, answer.status)
    return {item.position: failed(item, code, message, retryable) for item in group}


def save_outcome(item: Item, result: Mapping[str, Any]) -> WriteOutcome:
    """One SaveResult / UpsertResult to our outcome, keeping Salesforce's code and message."""
    if result.get("success"):
        created = result.get("created")
        return WriteOutcome(
            item.key, True, result.get("id"), created=None if created is None else bool(created)
        )
    code, message = first_error(result.get("errors") or [])
    return failed(item, code, message, is_retryable(code))


def failed(item: Item, code: str | None, message: str, retryable: bool) -> WriteOutcome:
    shared = item.sends_who_ids and is_shared_refusal(code, message)
    if not shared and not retryable and item_collateral(item, code, message):
        retryable = True
    return WriteOutcome(
        item.key,
        False,
        code=code or "UNKNOWN_ERROR",
        message=message,
        retryable=retryable and not shared,
        shared_refused=shared,
    )


def item_collateral(item: Item, code: str | None, message: str) -> bool:
    """A record without TaskWhoIds refused only because a sibling's TaskWhoIds was unknown."""
    return not item.sends_who_ids and is_shared_refusal(code, message)
