"""A tiny in-memory `RecordSource` for the SOQL engine's tests: dicts, and a log of hints."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from adapters.local_org.soql.source import ChildRelationship, FieldInfo

Row = dict[str, Any]


def make_id(prefix: str, n: int) -> str:
    """An 18-character id with a real key prefix (001 Account, 003 Contact, 00T Task...)."""
    return f"{prefix}000000{n:06d}AAA"


def ref(name: str, relationship: str, *targets: str, filterable: bool = True) -> FieldInfo:
    return FieldInfo(name, "reference", filterable, tuple(targets), relationship)


def _fields(*infos: FieldInfo) -> dict[str, FieldInfo]:
    common = (FieldInfo("Id", "id"), FieldInfo("IsDeleted", "boolean"))
    return {f.name: f for f in (*common, *infos)}


SCHEMA: dict[str, dict[str, FieldInfo]] = {
    "User": _fields(
        FieldInfo("Name", "string"), FieldInfo("Email", "email"), FieldInfo("IsActive", "boolean")
    ),
    "Account": _fields(
        FieldInfo("Name", "string"),
        ref("OwnerId", "Owner", "User"),
        FieldInfo("NumberOfEmployees", "int"),
        FieldInfo("AnnualRevenue", "currency"),
    ),
    "Contact": _fields(
        FieldInfo("FirstName", "string"),
        FieldInfo("LastName", "string"),
        FieldInfo("Name", "string"),
        FieldInfo("Email", "email"),
        ref("AccountId", "Account", "Account"),
        ref("OwnerId", "Owner", "User"),
        FieldInfo("Birthdate", "date"),
        FieldInfo("CreatedDate", "datetime"),
        FieldInfo("Description", "textarea"),
    ),
    "Lead": _fields(
        FieldInfo("Name", "string"),
        FieldInfo("Email", "email"),
        FieldInfo("IsConverted", "boolean"),
    ),
    "Task": _fields(
        FieldInfo("Subject", "string"),
        ref("WhoId", "Who", "Contact", "Lead"),
        ref("WhatId", "What", "Account", "Opportunity"),
        ref("AccountId", "Account", "Account"),
        ref("OwnerId", "Owner", "User"),
        FieldInfo("ActivityDate", "date"),
        FieldInfo("Activity_Sync_Key__c", "string"),
        FieldInfo("TaskWhoIds", "junctionidlist", filterable=False),
        FieldInfo("WhoCount", "int"),
    ),
    "TaskRelation": _fields(
        ref("TaskId", "Task", "Task"),
        ref("RelationId", "Relation", "Contact", "Lead", "Account"),
        FieldInfo("IsWhat", "boolean"),
    ),
}
CHILDREN = {
    "Account": {"Contacts": ChildRelationship("Contacts", "Contact", "AccountId")},
    "Task": {"TaskRelations": ChildRelationship("TaskRelations", "TaskRelation", "TaskId")},
}


class FakeSource:
    """Rows per object; honours hints (as the storage may) and records each one asked for."""

    def __init__(self, rows: Mapping[str, list[Row]], objects: Iterable[str] | None = None):
        self.rows = {name: list(rows.get(name, [])) for name in objects or SCHEMA}
        self.hints: list[tuple[str, tuple[str, frozenset[Any]] | None]] = []

    def object_names(self) -> Iterable[str]:
        return list(self.rows)

    def fields(self, sobject: str) -> Mapping[str, FieldInfo] | None:
        return SCHEMA[sobject] if sobject in self.rows else None

    def child_relationships(self, sobject: str) -> Mapping[str, ChildRelationship]:
        return CHILDREN.get(sobject, {})

    def records(
        self,
        sobject: str,
        include_deleted: bool = False,
        hint: tuple[str, frozenset[Any]] | None = None,
    ) -> Iterable[Row]:
        self.hints.append((sobject, hint))
        wanted = None if hint is None else {_fold(v) for v in hint[1]}
        for row in self.rows[sobject]:
            if row.get("IsDeleted") and not include_deleted:
                continue
            if wanted is None or _fold(row.get(hint[0])) in wanted:  # type: ignore[index]
                yield dict(row)

    def get(self, record_id: str) -> tuple[str, Row] | None:
        for name, rows in self.rows.items():
            for row in rows:
                if row["Id"] == record_id:
                    return name, dict(row)
        return None


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


U1, A1, A2 = make_id("005", 1), make_id("001", 1), make_id("001", 2)
C1, C2, C3, C4, C5 = (make_id("003", n) for n in range(1, 6))
L1, T1, T2 = make_id("00Q", 1), make_id("00T", 1), make_id("00T", 2)


def sample_org(**overrides: list[Row]) -> FakeSource:
    """A user, two accounts, five contacts (one deleted), a lead, two tasks and relations."""
    rows: dict[str, list[Row]] = {
        "User": [{"Id": U1, "Name": "Ada Admin", "Email": "ada@example.com", "IsActive": True}],
        "Account": [
            {"Id": A1, "Name": "Acme", "OwnerId": U1, "NumberOfEmployees": 50},
            {"Id": A2, "Name": "Globex", "OwnerId": U1, "NumberOfEmployees": None},
        ],
        "Contact": [
            _contact(C1, "Alice", "Smith", "alice@acme.com", A1, "2026-01-30T09:00:00.000+0000"),
            _contact(
                C2, "Bob", "O'Brien", "bob.o'brien@acme.com", A1, "2026-01-31T10:00:00.000+0000"
            ),
            _contact(C3, "Carol", "Jones", "CAROL@Globex.com", A2, "2026-02-01T08:30:00.000+0000"),
            _contact(C4, "Dan", "Brown", None, None, "2026-01-31T23:59:59.000+0000"),
            {**_contact(C5, "Eve", "Gone", "eve@acme.com", A1, None), "IsDeleted": True},
        ],
        "Lead": [{"Id": L1, "Name": "Lou Lead", "Email": "lou@lead.com", "IsConverted": False}],
        "Task": [
            {
                "Id": T1,
                "Subject": "Sent (New): Hello",
                "WhoId": C1,
                "WhatId": A1,
                "AccountId": A1,
                "OwnerId": U1,
                "ActivityDate": "2026-01-31",
                "Activity_Sync_Key__c": "key-1",
                "TaskWhoIds": [C1, C2],
                "WhoCount": 2,
            },
            {
                "Id": T2,
                "Subject": "Sent (New): Hi lead",
                "WhoId": L1,
                "WhatId": None,
                "AccountId": None,
                "OwnerId": U1,
                "ActivityDate": None,
                "Activity_Sync_Key__c": "key-2",
                "TaskWhoIds": [L1],
                "WhoCount": 1,
            },
        ],
        "TaskRelation": [
            {"Id": make_id("0RT", 1), "TaskId": T1, "RelationId": C1, "IsWhat": False},
            {"Id": make_id("0RT", 2), "TaskId": T1, "RelationId": C2, "IsWhat": False},
            {"Id": make_id("0RT", 3), "TaskId": T1, "RelationId": A1, "IsWhat": True},
            {"Id": make_id("0RT", 4), "TaskId": T2, "RelationId": L1, "IsWhat": False},
        ],
    }
    rows.update(overrides)
    return FakeSource(rows)


def _contact(
    cid: str, first: str, last: str, email: str | None, account: str | None, created: str | None
) -> Row:
    return {
        "Id": cid,
        "FirstName": first,
        "LastName": last,
        "Name": f"{first} {last}",
        "Email": email,
        "AccountId": account,
        "OwnerId": U1,
        "Birthdate": None,
        "CreatedDate": created,
        "Description": None,
        "IsDeleted": False,
    }
