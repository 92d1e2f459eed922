"""The checks Salesforce makes on a record before it is written: defaults, required fields,
references that exist, unique values."""

from __future__ import annotations

from typing import Any

from adapters.local_org import assumptions as a
from adapters.local_org.errors import SfError
from adapters.local_org.schema.model import SObjectType
from adapters.local_org.store import Store

Row = dict[str, Any]
_AUDIT_REFS = frozenset({"CreatedById", "LastModifiedById"})


def is_ref(obj: SObjectType, name: str) -> bool:
    """A writable reference field (audit and derived references excluded)."""
    f = obj.by_lower.get(name.lower())
    return f is not None and f.type == "reference" and name not in _AUDIT_REFS and not f.calculated


def defaults(obj: SObjectType, user_id: str) -> Row:
    """Values a new record gets when not given ("$user" is the calling user)."""
    return {
        f.name: user_id if f.default == "$user" else f.default
        for f in obj.fields
        if f.default is not None
    }


def require(obj: SObjectType, row: Row) -> None:
    """REQUIRED_FIELD_MISSING naming every required field without a value."""
    required = a.USER_REQUIRED_FIELDS if obj.name == "User" else ()
    missing = [
        f.name for f in obj.fields if (f.required or f.name in required) and row.get(f.name) is None
    ]
    if missing:
        raise SfError(
            "REQUIRED_FIELD_MISSING",
            f"Required fields are missing: [{', '.join(missing)}]",
            missing,
        )


def references(store: Store, ids: list[Any], values: Row, obj: SObjectType | None = None) -> Row:
    """Rows of the referenced records by id; the ones `values` writes must exist, not deleted."""
    wanted = [i for i in ids if isinstance(i, str)]
    rows = store.ids_exist(wanted) if wanted else {}
    if obj is None:
        return rows
    for name, value in values.items():
        if not (is_ref(obj, name) or isinstance(value, list)):
            continue
        for record_id in value if isinstance(value, list) else [value]:
            if record_id is None:
                continue
            check_referable(rows.get(record_id), record_id, name)
    return rows


def check_referable(found: Row | None, record_id: str, field: str) -> None:
    """A record a write points at exists, is not in the recycle bin, is not a converted Lead."""
    if found is None:
        raise SfError(a.MISSING_REFERENCE_CODE, "invalid cross reference id", [field])
    if found["IsDeleted"]:
        raise SfError("ENTITY_IS_DELETED", "entity is deleted", [field])
    if record_id.startswith(a.LEAD_PREFIX) and found.get("IsConverted"):
        raise SfError(a.CONVERTED_LEAD_CODE, a.CONVERTED_LEAD_REFERENCE, [field])


def check_unique(store: Store, obj: SObjectType, row: Row, own_id: str | None) -> None:
    """DUPLICATE_VALUE when a unique field's value is already another live record's."""
    for f in obj.fields:
        if not f.unique or row.get(f.name) is None:
            continue
        for other in store.find(obj.name, f.name, [row[f.name]]):
            if other["Id"] != own_id:
                raise SfError(
                    "DUPLICATE_VALUE",
                    f"duplicate value found: {f.name} duplicates value on record with id: "
                    f"{other['Id']}",
                    [f.name],
                )
