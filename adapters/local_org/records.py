"""Writing one record as Salesforce does: checks, defaults, derived fields, relations, audit."""

from __future__ import annotations

from typing import Any

from adapters.local_org import assumptions as a
from adapters.local_org import recycle_bin, relations
from adapters.local_org.activities import (
    KINDS,
    MISSING,
    RELATION_KINDS,
    Kind,
    activity_fields,
    check_lead_what,
    check_whos,
    plan_whos,
)
from adapters.local_org.derived import derive
from adapters.local_org.errors import SfError, not_found
from adapters.local_org.ids import canonical_id
from adapters.local_org.record_checks import (
    check_referable,
    check_unique,
    defaults,
    is_ref,
    references,
    require,
)
from adapters.local_org.schema import catalog
from adapters.local_org.schema.model import SObjectType
from adapters.local_org.store import Store
from adapters.local_org.values import coerce_body, coerce_value, now

Row = dict[str, Any]


class Writer:
    """Create, update, upsert and delete single records in the current transaction."""

    def __init__(self, store: Store, shared: bool, user_id: str) -> None:
        self.store = store
        self.shared = shared
        self.user_id = user_id

    # --- the four operations ------------------------------------------------------------------

    def create(self, sobject: str, body: Row) -> str:
        obj = self.writable(sobject, "create")
        return self._insert(obj, coerce_body(obj, body, self.shared, "create"))

    def update(self, sobject: str | None, record_id: Any, body: Row) -> None:
        obj, before = self._existing(sobject, record_id)
        self.writable(obj.name, "update")
        self._update(obj, before, coerce_body(obj, body, self.shared, "update"))

    def upsert(self, sobject: str, field_name: str, value: Any, body: Row) -> tuple[str, bool]:
        """(id, created) for a PATCH by external id; several matches raise a 300."""
        obj = self.writable(sobject, "upsert")
        field = obj.field(field_name, self.shared)
        if field is None or not (field.external_id or field.name == "Id"):
            raise not_found()
        key = coerce_value(field, value)
        for name, given in body.items():
            if name.lower() == field.name.lower() and not _same(given, key):
                raise SfError(
                    "INVALID_FIELD",
                    f"{field.name} in the body does not match the external id in the URL",
                    [field.name],
                )
        body = {k: v for k, v in body.items() if k.lower() != field.name.lower()}
        matches = self.store.find(obj.name, field.name, [key]) if key else []
        if len(matches) > 1:
            raise SfError(
                "MULTIPLE_CHOICES",
                "more than one record",
                status=300,
                fields=[m["Id"] for m in matches],
            )
        if matches:
            values = coerce_body(obj, body, self.shared, "upsert-update")
            values.pop(field.name, None)
            self._update(obj, matches[0], values)
            return matches[0]["Id"], False
        if field.name == "Id":
            raise not_found()
        values = coerce_body(obj, body, self.shared, "create") | {field.name: key}
        return self._insert(obj, values), True

    def delete(self, sobject: str | None, record_id: Any) -> None:
        obj, row = self._existing(sobject, record_id)
        if not obj.deletable:
            raise SfError(
                a.UNSUPPORTED_OPERATION_CODE, f"entity type {obj.name} does not support delete"
            )
        kind = RELATION_KINDS.get(obj.name)
        if kind:
            relations.delete(self, kind, row)
            return
        recycle_bin.delete(self, obj.name, row)

    def undelete(self, record_id: Any) -> str:
        """Bring a record back from the recycle bin (the Partner API's undelete)."""
        return recycle_bin.undelete(self, record_id)

    # --- helpers used by relations --------------------------------------------------------------

    def now(self) -> str:
        return now()

    def modified(self, stamp: str | None = None) -> Row:
        """The audit fields of a change made now by the writer's User."""
        stamp = stamp or self.now()
        return {
            "LastModifiedDate": stamp,
            "SystemModstamp": stamp,
            "LastModifiedById": self.user_id,
        }

    def writable(self, sobject: str, op: str) -> SObjectType:
        obj = catalog.find(sobject, self.shared)
        if obj is None:
            raise not_found()
        allowed = {
            "create": obj.createable,
            "update": obj.updateable,
            "upsert": obj.createable and obj.updateable,
        }
        if not allowed[op]:
            raise SfError(
                a.UNSUPPORTED_OPERATION_CODE, f"entity type {obj.name} does not support {op}"
            )
        return obj

    def live_row(self, sobject: str | None, record_id: Any, field: str) -> Row:
        """The row an id in `field` points at; refused when missing or deleted."""
        row = self.store.ids_exist([record_id]).get(record_id) if record_id else None
        if (
            row is not None
            and sobject
            and not record_id.startswith(catalog.all_objects()[sobject].prefix)
        ):
            row = None
        check_referable(row, record_id, field)
        assert row is not None
        return row

    def stamped_new(self, sobject: str, row: Row, stamp: str) -> Row:
        obj = catalog.all_objects()[sobject]
        return row | {
            "Id": self.store.new_id(obj.prefix),
            "IsDeleted": False,
            "CreatedDate": stamp,
            "CreatedById": self.user_id,
            "LastModifiedDate": stamp,
            "LastModifiedById": self.user_id,
            "SystemModstamp": stamp,
        }

    def set_people(self, kind: Kind, before: Row, whos: list[str], what: str | None) -> None:
        """Change who and what a Task/Event is related to (TaskRelation create/delete)."""
        refs = references(self.store, whos + ([what] if what else []), {})
        changes = activity_fields(kind, whos, what, refs) | {"WhatId": what} | self.modified()
        self.store.update(kind.name, before["Id"], changes)
        relations.sync_rows(self, kind, before["Id"], whos, what, refs)

    # --- internals ----------------------------------------------------------------------------

    def _existing(self, sobject: str | None, record_id: Any) -> tuple[SObjectType, Row]:
        rid = canonical_id(record_id) if isinstance(record_id, str) else None
        obj = catalog.for_prefix(rid[:3]) if rid else None
        if rid is None or obj is None or catalog.find(obj.name, self.shared) is None:
            if rid is None:
                raise SfError("MALFORMED_ID", f"invalid id: {record_id}", ["Id"])
            raise not_found()
        if sobject is not None and catalog.find(sobject, self.shared) is not obj:
            raise not_found()
        row = self.store.get(obj.name, rid)
        if row is None:
            raise not_found()
        if row["IsDeleted"]:
            raise SfError("ENTITY_IS_DELETED", "entity is deleted", status=404)
        return obj, row

    def _insert(self, obj: SObjectType, values: Row) -> str:
        kind = RELATION_KINDS.get(obj.name)
        if kind:
            return relations.create(self, kind, values)
        row = defaults(obj, self.user_id) | values
        require(obj, row)
        activity = KINDS.get(obj.name)
        whos = self._whos(activity, [], values) if activity else []
        refs = references(
            self.store, [v for k, v in row.items() if is_ref(obj, k)] + whos, values, obj
        )
        row |= derive(obj.name, row, None)
        if activity:
            check_lead_what(whos, row.get("WhatId"))
            row |= activity_fields(activity, whos, row.get("WhatId"), refs)
        check_unique(self.store, obj, row, None)
        row = self.stamped_new(obj.name, row, self.now())
        self.store.insert(obj.name, row)
        if activity:
            relations.sync_rows(
                self, activity, row["Id"], whos, row.get("WhatId"), refs, fresh=True
            )
        self._after_write(obj, row)
        return str(row["Id"])

    def _update(self, obj: SObjectType, before: Row, values: Row) -> None:
        if obj.name == "Lead" and before.get("IsConverted"):
            raise SfError(a.CONVERTED_LEAD_CODE, a.CONVERTED_LEAD_UPDATE, [])
        row = before | values
        require(obj, row)
        activity = KINDS.get(obj.name)
        whos = (
            self._whos(activity, list(before.get(activity.junction) or []), values)
            if activity
            else []
        )
        refs = references(
            self.store, [v for k, v in row.items() if is_ref(obj, k)] + whos, values, obj
        )
        row |= derive(obj.name, row, before)
        if activity:
            check_lead_what(whos, row.get("WhatId"))
            row |= activity_fields(activity, whos, row.get("WhatId"), refs)
        check_unique(self.store, obj, row, before["Id"])
        row |= self.modified()
        changes = {k: v for k, v in row.items() if before.get(k) != v}
        self.store.update(obj.name, before["Id"], changes)
        if activity and (
            whos != (before.get(activity.junction) or [])
            or row.get("WhatId") != before.get("WhatId")
        ):
            relations.sync_rows(self, activity, before["Id"], whos, row.get("WhatId"), refs)
        self._after_write(obj, row)

    def _whos(self, kind: Kind, current: list[str], values: Row) -> list[str]:
        if not self.shared:
            who = values.get("WhoId", current[0] if current else None)
            return [who] if who else []
        whos = plan_whos(current, values.get(kind.junction, MISSING), values.get("WhoId", MISSING))
        check_whos(whos, kind.junction if kind.junction in values else "WhoId")
        return whos

    def _after_write(self, obj: SObjectType, row: Row) -> None:
        if obj.name == "OpportunityContactRole" and row.get("IsPrimary"):
            for other in self.store.find(obj.name, "OpportunityId", [row["OpportunityId"]]):
                if other["Id"] != row["Id"] and other["IsPrimary"]:
                    self.store.update(obj.name, other["Id"], {"IsPrimary": False} | self.modified())


def _same(given: Any, key: Any) -> bool:
    return isinstance(given, str) and isinstance(key, str) and given.lower() == key.lower()
