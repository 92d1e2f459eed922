"""The TaskRelation / EventRelation rows behind a Task's people, and their own create and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.local_org import assumptions as a
from adapters.local_org.activities import (
    CONTACT,
    LEAD,
    Kind,
    account_of,
    check_lead_what,
    check_whos,
    wanted_relations,
)
from adapters.local_org.errors import SfError

if TYPE_CHECKING:
    from adapters.local_org.records import Writer

Row = dict[str, Any]


def sync_rows(
    writer: Writer,
    kind: Kind,
    parent_id: str,
    whos: list[str],
    what: str | None,
    refs: Row,
    fresh: bool = False,
) -> None:
    """Make the relation rows of one Task/Event match its people and related record.

    `fresh`: the Task was just inserted, so it has no rows yet (saves a lookup)."""
    store = writer.store
    existing = [] if fresh else store.find(kind.relation, kind.parent_field, [parent_id])
    have = {
        (r["RelationId"], bool(r["IsWhat"])): r
        for r in existing
        if r["IsWhat"] or r.get("IsParent", True)
    }
    wanted = wanted_relations(whos, what)
    stamp = writer.now()
    for key, row in have.items():
        if key not in wanted:
            store.update(kind.relation, row["Id"], {"IsDeleted": True} | writer.modified(stamp))
    extra = {"IsParent": True, "IsInvitee": False} if kind.name == "Event" else {}
    new_rows = [
        writer.stamped_new(
            kind.relation,
            {
                kind.parent_field: parent_id,
                "RelationId": relation_id,
                "IsWhat": is_what,
                "AccountId": account_of(relation_id, refs),
            }
            | extra,
            stamp,
        )
        for relation_id, is_what in wanted
        if (relation_id, is_what) not in have
    ]
    store.insert_many(kind.relation, new_rows)


def create(writer: Writer, kind: Kind, values: Row) -> str:
    """A TaskRelation created through the API: the person or record joins the Task."""
    parent = writer.live_row(kind.name, values.get(kind.parent_field), kind.parent_field)
    relation_id = values.get("RelationId")
    if relation_id is None:
        raise SfError(
            "REQUIRED_FIELD_MISSING", "Required fields are missing: [RelationId]", ["RelationId"]
        )
    writer.live_row(None, relation_id, "RelationId")
    whos = list(parent.get(kind.junction) or [])
    what = parent.get("WhatId")
    if kind.name == "Event" and not values.get("IsParent", True):
        return _invitee(writer, kind, parent, values)
    if relation_id[:3] in (CONTACT, LEAD):
        if relation_id in whos:
            raise _duplicate(writer, kind, parent["Id"], relation_id)
        whos.append(relation_id)
        check_whos(whos, "RelationId")
    else:
        if what == relation_id:
            raise _duplicate(writer, kind, parent["Id"], relation_id)
        if what:
            raise SfError(a.SHARED_LIMIT_CODE, a.TOO_MANY_WHATS, ["RelationId"])
        what = relation_id
    check_lead_what(whos, what, "RelationId")
    writer.set_people(kind, parent, whos, what)
    return str(_find(writer, kind, parent["Id"], relation_id)["Id"])


def delete(writer: Writer, kind: Kind, row: Row) -> None:
    """A relation deleted through the API: the Task loses that person (the next one is promoted)."""
    parent = writer.store.get(kind.name, row[kind.parent_field])
    if parent is None:
        raise SfError("ENTITY_IS_DELETED", "entity is deleted", [kind.parent_field])
    if kind.name == "Event" and not row.get("IsParent", True) and not row["IsWhat"]:
        writer.store.update(kind.relation, row["Id"], {"IsDeleted": True} | writer.modified())
        return
    whos = [w for w in (parent.get(kind.junction) or []) if w != row["RelationId"]]
    what = None if row["IsWhat"] else parent.get("WhatId")
    writer.set_people(kind, parent, whos, what)


def drop_person(writer: Writer, kind: Kind, person_id: str) -> None:
    """A deleted Contact or Lead leaves every Task it was related to (the next one is promoted)."""
    for row in writer.store.find(kind.relation, "RelationId", [person_id]):
        if not row["IsWhat"]:
            delete(writer, kind, row)


def _find(writer: Writer, kind: Kind, parent_id: str, relation_id: str) -> Row:
    for row in writer.store.find(kind.relation, kind.parent_field, [parent_id]):
        if row["RelationId"] == relation_id:
            return row
    raise SfError("UNKNOWN_EXCEPTION", "relation row not written", status=500)


def _duplicate(writer: Writer, kind: Kind, parent_id: str, relation_id: str) -> SfError:
    existing = _find(writer, kind, parent_id, relation_id)["Id"]
    return SfError(
        "DUPLICATE_VALUE",
        f"duplicate value found: RelationId duplicates value on record with id: {existing}",
        ["RelationId"],
    )


def _invitee(writer: Writer, kind: Kind, parent: Row, values: Row) -> str:
    row = {
        kind.parent_field: parent["Id"],
        "RelationId": values["RelationId"],
        "IsWhat": False,
        "IsParent": False,
        "IsInvitee": True,
        "AccountId": None,
    }
    row = writer.stamped_new(kind.relation, row, writer.now())
    writer.store.insert(kind.relation, row)
    return str(row["Id"])
