"""The recycle bin: what a delete takes with it, and what undelete brings back.

A deleted record stays with IsDeleted = true (queryAll shows it, /query and reads by Id do
not). The relation rows that go with it (a Task's TaskRelations, a Contact's or Lead's places
on Tasks and Events) are remembered as its cascade, so its undelete restores them where the
rules still allow; a TaskRelation deleted on its own is not in the bin and never comes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.local_org import assumptions as a
from adapters.local_org import relations
from adapters.local_org.activities import KINDS, RELATION_KINDS, Kind, check_lead_what, check_whos
from adapters.local_org.errors import SfError
from adapters.local_org.ids import canonical_id
from adapters.local_org.record_checks import check_unique
from adapters.local_org.schema import catalog

if TYPE_CHECKING:
    from adapters.local_org.records import Writer

Row = dict[str, Any]
PEOPLE = ("Contact", "Lead")


def delete(writer: Writer, sobject: str, row: Row, master_id: str | None = None) -> None:
    """Move a record to the bin with its cascade (`master_id`: deleted by a merge into it)."""
    before = _live_relations(writer, sobject, row["Id"])
    changes: Row = {"IsDeleted": True} | writer.modified()
    if master_id:
        changes["MasterRecordId"] = master_id
    writer.store.update(sobject, row["Id"], changes)
    if sobject in KINDS:
        kind = KINDS[sobject]
        relations.sync_rows(writer, kind, row["Id"], [], None, {})
        for invitee in before:
            if invitee[0] == kind.relation and not invitee[1].get("IsParent", True):
                writer.store.update(
                    kind.relation, invitee[1]["Id"], {"IsDeleted": True} | writer.modified()
                )
    if sobject in PEOPLE:
        for activity in KINDS.values():
            relations.drop_person(writer, activity, row["Id"])
    gone = [(relation, r["Id"]) for relation, r in before if _deleted(writer, relation, r["Id"])]
    writer.store.record_cascade(row["Id"], gone)


def undelete(writer: Writer, record_id: Any) -> str:
    """Bring a record back from the bin, with the relations its delete took."""
    rid = canonical_id(record_id) if isinstance(record_id, str) else None
    if rid is None:
        raise SfError("MALFORMED_ID", f"invalid id: {record_id}", ["Id"])
    obj = catalog.for_prefix(rid[:3])
    row = writer.store.get(obj.name, rid) if obj else None
    if obj is None or catalog.find(obj.name, writer.shared) is None or row is None:
        raise SfError(a.UNDELETE_FAILED_CODE, a.NOT_IN_RECYCLE_BIN, [])
    if not _undeletable(obj.name):
        raise SfError(a.UNDELETE_FAILED_CODE, a.CANNOT_UNDELETE_TYPE.format(obj.name), [])
    if not row["IsDeleted"]:
        raise SfError(a.UNDELETE_FAILED_CODE, a.NOT_IN_RECYCLE_BIN, [])
    check_unique(writer.store, obj, row, rid)
    writer.store.update(obj.name, rid, {"IsDeleted": False} | writer.modified())
    cascade = writer.store.take_cascade(rid)
    if obj.name in KINDS:
        _restore_activity(writer, KINDS[obj.name], rid, cascade)
    elif obj.name in PEOPLE:
        _restore_person(writer, rid, cascade)
    return rid


def _undeletable(sobject: str) -> bool:
    obj = catalog.all_objects()[sobject]
    return obj.deletable and not obj.shared_only and obj.view_of is None


def _live_relations(writer: Writer, sobject: str, record_id: str) -> list[tuple[str, Row]]:
    """The live relation rows a record's delete may take (kept with shared activities off too)."""
    found: list[tuple[str, Row]] = []
    if sobject in KINDS:
        kind = KINDS[sobject]
        rows = writer.store.find(kind.relation, kind.parent_field, [record_id])
        found += [(kind.relation, r) for r in rows]
    if sobject in PEOPLE:
        for kind in KINDS.values():
            rows = writer.store.find(kind.relation, "RelationId", [record_id])
            found += [(kind.relation, r) for r in rows if not r["IsWhat"]]
    return found


def _deleted(writer: Writer, relation: str, row_id: str) -> bool:
    row = writer.store.get(relation, row_id)
    return row is None or bool(row["IsDeleted"])


def _revive(writer: Writer, relation: str, row_id: str) -> None:
    writer.store.update(relation, row_id, {"IsDeleted": False} | writer.modified())


def _restore_activity(
    writer: Writer, kind: Kind, activity_id: str, cascade: list[tuple[str, str]]
) -> None:
    """A Task back from the bin: its relation rows come back for the people still there."""
    for relation, row_id in cascade:
        _revive(writer, relation, row_id)
    activity = writer.store.get(kind.name, activity_id)
    assert activity is not None
    wanted = list(activity.get(kind.junction) or [])
    what = activity.get("WhatId")
    alive = writer.store.ids_exist(wanted + ([what] if what else []))
    whos = [w for w in wanted if _referable(alive.get(w), w)]
    what = what if what and _referable(alive.get(what), what) else None
    writer.set_people(kind, activity, whos, what)


def _restore_person(writer: Writer, person_id: str, cascade: list[tuple[str, str]]) -> None:
    """A Contact or Lead back from the bin takes its places on Tasks and Events again (after
    the people there now, primary only when the activity has nobody), where the rules allow."""
    for relation, row_id in cascade:
        kind = RELATION_KINDS.get(relation)
        row = writer.store.get(relation, row_id)
        if kind is None or row is None:
            continue
        parent = writer.store.get(kind.name, row[kind.parent_field])
        if parent is None or parent["IsDeleted"]:
            continue
        if kind.name == "Event" and not row.get("IsParent", True):
            _revive(writer, relation, row_id)  # an invitee
            continue
        whos = list(parent.get(kind.junction) or [])
        if person_id in whos or (whos and not writer.shared):
            continue
        try:
            check_whos(whos + [person_id], "RelationId")
            check_lead_what(whos + [person_id], parent.get("WhatId"))
        except SfError:
            continue  # the activity has changed since: the relation stays deleted
        _revive(writer, relation, row_id)
        writer.set_people(kind, parent, whos + [person_id], parent.get("WhatId"))


def _referable(row: Row | None, record_id: str) -> bool:
    if row is None or row["IsDeleted"]:
        return False
    return not (record_id.startswith(a.LEAD_PREFIX) and row.get("IsConverted"))
