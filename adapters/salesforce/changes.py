"""Reading what the org changed since a moment (R27), in a handful of composite calls.

queryAll over the external id with a SystemModstamp window finds the engine's Tasks and
Events that anyone changed, deleted, undeleted or archived; one relations query finds the
Tasks whose people changed; two people queries find Contacts deleted or merged away and
Leads converted. The window's end is the newest SystemModstamp seen, so the next look
overlaps this one a little and misses nothing (a change seen twice is recorded once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.salesforce.chunking import in_statements
from adapters.salesforce.composite import run_queries
from adapters.salesforce.errors import is_shared_refusal
from adapters.salesforce.reads import WHO_RELATIONS, who_ids
from adapters.salesforce.transport import Transport
from domain.org_changes import CONVERTED, DELETED, MERGED, OrgState, PersonFate
from projections.ports import OrgChanges, PermanentSyncError

STAMPS = "IsDeleted, IsArchived, LastModifiedDate, LastModifiedById, SystemModstamp, CreatedById"
FIELDS = {
    "Task": "Subject, Description, Status, ActivityDate, OwnerId",
    "Event": "Subject, Description, StartDateTime, EndDateTime, ActivityDate, OwnerId",
}
COMPARED = ("Subject", "Description", "Status", "ActivityDate", "OwnerId", "StartDateTime")
COMPARED += ("EndDateTime",)

# A fresh look starts here when nothing was ever seen (SOQL needs a moment to compare with).
EPOCH = "2000-01-01T00:00:00Z"


def read_changes(
    transport: Transport, field: str, since: str | None, relations: bool, budget: int
) -> OrgChanges:
    """The engine's records and the people changed after `since` (None: from the start).
    Every statement goes in one batch (five a composite call); a second round fetches the
    Tasks whose people changed without the Task itself being modified."""
    after = soql_time(since) if since else EPOCH
    try:
        pages = run_queries(transport, _statements(field, after, relations), all_rows=True)
    except PermanentSyncError as error:
        if not (relations and is_shared_refusal(error.code, error.message)):
            raise
        relations = False  # the org has no shared activities (any more)
        pages = run_queries(transport, _statements(field, after, False), all_rows=True)
    tasks, events, *rest = pages
    rows = _typed(tasks, "Task") + _typed(events, "Event")
    if relations:
        moved, *rest = rest
        rows += _relations_changed(transport, field, moved, rows, budget)
    people = _people(*rest)
    stamps = [r.get("SystemModstamp") for r in rows] + [p.at for p in people]
    records = [state_of(row, field) for row in rows]
    return OrgChanges(records, people, _window_end(stamps, since))


def _statements(field: str, after: str, relations: bool) -> list[str]:
    window = f"SystemModstamp > {after}"
    mine = f" WHERE {field} != null AND {window}"
    gone = "Id, MasterRecordId, LastModifiedById, SystemModstamp"
    converted = "Id, ConvertedContactId, ConvertedAccountId, LastModifiedById, SystemModstamp"
    return [
        _select("Task", field, relations) + mine,
        _select("Event", field, False) + mine,
        *(
            [f"SELECT TaskId FROM TaskRelation WHERE IsWhat = false AND {window}"]
            if relations
            else []
        ),
        f"SELECT {gone} FROM Contact WHERE IsDeleted = true AND {window}",
        f"SELECT {gone} FROM Lead WHERE IsDeleted = true AND {window}",
        f"SELECT {converted} FROM Lead WHERE IsConverted = true AND {window}",
    ]


def soql_time(moment: str) -> str:
    """An ISO timestamp as a SOQL dateTime literal (UTC, seconds)."""
    return _parsed(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parsed(moment: str) -> datetime:
    value = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _window_end(stamps: Sequence[Any], since: str | None) -> str:
    seen = [_parsed(s) for s in stamps if isinstance(s, str) and s]
    if seen:
        return max(seen).astimezone(UTC).isoformat()
    # Nothing changed: the window moves up to a minute ago (a change committed in the last
    # moments may not be visible yet).
    floor = datetime.now(UTC) - timedelta(minutes=1)
    return max([floor, *([_parsed(since)] if since else [])]).isoformat()


def _select(sobject: str, field: str, relations: bool) -> str:
    columns = f"Id, {field}, WhoId, WhatId, {FIELDS[sobject]}, {STAMPS}"
    return f"SELECT {columns}{', ' + WHO_RELATIONS if relations else ''} FROM {sobject}"


def _relations_changed(
    transport: Transport,
    field: str,
    moved: list[dict[str, Any]],
    seen: list[dict[str, Any]],
    budget: int,
) -> list[dict[str, Any]]:
    """Tasks whose people changed in the window but which were not themselves modified."""
    known = {row["Id"] for row in seen}
    ids = sorted({row["TaskId"] for row in moved if row.get("TaskId")} - known)
    if not ids:
        return []
    head = _select("Task", field, True) + " WHERE Id IN "
    pages = run_queries(
        transport, in_statements(head, ids, f" AND {field} != null", budget), all_rows=True
    )
    return [row for page in pages for row in _typed(page, "Task")]


def _typed(rows: list[dict[str, Any]], sobject: str) -> list[dict[str, Any]]:
    return [
        {**row, "attributes": {**(row.get("attributes") or {}), "type": sobject}} for row in rows
    ]


def state_of(row: Mapping[str, Any], field: str) -> OrgState:
    """One record as the org holds it, in the engine's terms."""
    people = who_ids(row)
    return OrgState(
        sync_key=str(row[field]),
        salesforce_id=str(row["Id"]),
        sobject=str(row["attributes"]["type"]),
        who_id=row.get("WhoId"),
        who_ids=people if people else ((row["WhoId"],) if row.get("WhoId") else ()),
        what_id=row.get("WhatId"),
        fields={name: row[name] for name in COMPARED if name in row},
        deleted=bool(row.get("IsDeleted")),
        archived=bool(row.get("IsArchived")),
        modified_at=row.get("LastModifiedDate") or row.get("SystemModstamp"),
        modified_by=row.get("LastModifiedById"),
        created_by=row.get("CreatedById"),
    )


def _people(
    contacts: list[dict[str, Any]],
    deleted_leads: list[dict[str, Any]],
    leads: list[dict[str, Any]],
) -> list[PersonFate]:
    """Contacts and Leads deleted (or merged away: MasterRecordId), Leads converted."""
    fates = [
        PersonFate(
            person_id=row["Id"],
            kind=MERGED if row.get("MasterRecordId") else DELETED,
            now_id=row.get("MasterRecordId"),
            account_id=None,
            at=row.get("SystemModstamp"),
            by=row.get("LastModifiedById"),
        )
        for row in [*contacts, *deleted_leads]
    ]
    fates += [
        PersonFate(
            person_id=row["Id"],
            kind=CONVERTED,
            now_id=row.get("ConvertedContactId"),
            account_id=row.get("ConvertedAccountId"),
            at=row.get("SystemModstamp"),
            by=row.get("LastModifiedById"),
        )
        for row in leads
    ]
    return fates
