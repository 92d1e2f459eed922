"""Reading Tasks and Events back: by sync key (replay) and by person (timeline, R22)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simple_salesforce.format import format_soql

from adapters.salesforce.chunking import in_statements
from adapters.salesforce.composite import run_queries
from adapters.salesforce.errors import is_shared_refusal
from adapters.salesforce.transport import Transport
from domain.errors import NotFound
from projections.ports import OrgRecord, PermanentSyncError

COMMON = "Id, WhoId, WhatId, Subject, ActivityDate, LastModifiedDate, LastModifiedById, CreatedById"
# queryAll lists deleted child rows too: a relation a person removed is not one of its people.
WHO_RELATIONS = "(SELECT RelationId FROM TaskWhoRelations WHERE IsDeleted = false)"


@dataclass(frozen=True)
class TimelineEntry(OrgRecord):
    """An OrgRecord with the names an admin reads in a timeline."""

    who_name: str | None = None
    what_name: str | None = None
    created: str | None = None


def fetch(
    transport: Transport,
    sync_keys: Sequence[str],
    sobject: str,
    external_id_field: str,
    shared_on: bool,
    budget: int,
) -> list[OrgRecord]:
    """The org's records for these sync keys; who_ids from TaskWhoRelations when shared is on."""
    records, _ = fetch_records(transport, sync_keys, sobject, external_id_field, shared_on, budget)
    return records


def fetch_records(
    transport: Transport,
    sync_keys: Sequence[str],
    sobject: str,
    external_id_field: str,
    try_relations: bool,
    budget: int,
) -> tuple[list[OrgRecord], bool | None]:
    """Records by sync key, and whether the org answered the TaskWhoRelations subquery.

    With `try_relations` a Task query asks for TaskWhoRelations; an org without shared
    activities refuses that, and the query is sent again without it (answer: False).
    None: the subquery was not tried.
    """
    if not sync_keys:
        return [], None
    with_relations = try_relations and sobject == "Task"
    try:
        rows = _fetch_rows(transport, sync_keys, sobject, external_id_field, with_relations, budget)
    except PermanentSyncError as error:
        if not (with_relations and is_shared_refusal(error.code, error.message)):
            raise
        rows = _fetch_rows(transport, sync_keys, sobject, external_id_field, False, budget)
        with_relations = False
    records = [to_record(row, sobject, external_id_field) for row in rows]
    return records, (with_relations if sobject == "Task" and try_relations else None)


def _fetch_rows(
    transport: Transport,
    keys: Sequence[str],
    sobject: str,
    field: str,
    with_relations: bool,
    budget: int,
) -> list[dict[str, Any]]:
    columns = f"{COMMON}, {field}" + (f", {WHO_RELATIONS}" if with_relations else "")
    head = f"SELECT {columns} FROM {sobject} WHERE {field} IN "
    # queryAll: the org archives old Tasks and Events (gone from `query`, R27); the engine's
    # own records stay visible to it. Deleted ones are left out here.
    statements = in_statements(head, keys, " AND IsDeleted = false", budget=budget)
    pages = run_queries(transport, statements, all_rows=True)
    return [row for page in pages for row in page]


def to_record(row: Mapping[str, Any], sobject: str, field: str) -> OrgRecord:
    return OrgRecord(**_record_values(row, sobject, field))


def _record_values(row: Mapping[str, Any], sobject: str, field: str) -> dict[str, Any]:
    return {
        "salesforce_id": row["Id"],
        "sobject": sobject,
        "sync_key": row.get(field),
        "who_id": row.get("WhoId"),
        "who_ids": who_ids(row),
        "what_id": row.get("WhatId"),
        "subject": row.get("Subject"),
        "activity_date": row.get("StartDateTime") or row.get("ActivityDate"),
        "last_modified": row.get("LastModifiedDate"),
        "last_modified_by_id": row.get("LastModifiedById"),
        "created_by_id": row.get("CreatedById"),
    }


def who_ids(row: Mapping[str, Any]) -> tuple[str, ...]:
    """The primary first, then every other related person the org lists."""
    primary = row.get("WhoId")
    related = [r["RelationId"] for r in ((row.get("TaskWhoRelations") or {}).get("records") or [])]
    ordered = ([primary] if primary else []) + [r for r in related if r and r != primary]
    return tuple(dict.fromkeys(ordered))


def person_statements(email: str) -> list[str]:
    address = email.strip()
    return [
        format_soql("SELECT Id FROM Contact WHERE Email = {}", address),
        format_soql("SELECT Id FROM Lead WHERE Email = {}", address),
    ]


def timeline_statements(person_ids: Sequence[str], field: str, budget: int) -> list[str]:
    columns = f"{COMMON}, Who.Name, What.Name, CreatedDate, {field}"
    task = f"SELECT {columns} FROM Task WHERE WhoId IN "
    event = f"SELECT {columns}, StartDateTime FROM Event WHERE WhoId IN "
    return [
        *in_statements(task, person_ids, " ORDER BY ActivityDate DESC, CreatedDate DESC", budget),
        *in_statements(event, person_ids, " ORDER BY StartDateTime DESC, CreatedDate DESC", budget),
    ]


def timeline(transport: Transport, email: str, field: str, budget: int) -> list[TimelineEntry]:
    """Tasks and Events whose WhoId is that person (primary only), newest first (R22)."""
    people = run_queries(transport, person_statements(email))
    ids = sorted({row["Id"] for page in people for row in page})
    if not ids:
        raise NotFound(f"no Contact or Lead in the org has the address {email.strip()}")
    entries: list[TimelineEntry] = []
    for page in run_queries(transport, timeline_statements(ids, field, budget)):
        entries.extend(_entry(row, field) for row in page)
    return sorted(entries, key=lambda e: (e.activity_date or "", e.created or ""), reverse=True)


def _entry(row: Mapping[str, Any], field: str) -> TimelineEntry:
    sobject = str((row.get("attributes") or {}).get("type") or "Task")
    values = _record_values(row, sobject, field)
    values["who_ids"] = (row["WhoId"],) if row.get("WhoId") else ()
    return TimelineEntry(
        **values,
        who_name=(row.get("Who") or {}).get("Name"),
        what_name=(row.get("What") or {}).get("Name"),
        created=row.get("CreatedDate"),
    )
