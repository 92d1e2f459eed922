"""The shape of the local org's objects: fields with their describe properties, and objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

STRING_TYPES = frozenset(
    {"string", "email", "textarea", "picklist", "combobox", "phone", "url", "id", "reference"}
)
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent"})


@dataclass(frozen=True)
class Field:
    """One field and the describe properties the local org enforces."""

    name: str
    type: str
    label: str = ""
    length: int = 0
    create: bool = True
    update: bool = True
    nillable: bool = True
    filterable: bool = True
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    external_id: bool = False
    unique: bool = False
    default: Any = None
    picklist: tuple[str, ...] = ()
    restricted: bool = False
    shared_only: bool = False
    indexed: bool = False
    calculated: bool = False
    custom: bool = False

    @property
    def required(self) -> bool:
        """Must be given on create (not nillable, writable, no default)."""
        return self.create and not self.nillable and self.default is None

    @property
    def lookup_indexed(self) -> bool:
        return self.indexed or self.external_id or self.unique or self.type in ("id", "reference")


@dataclass(frozen=True)
class Child:
    """A child relationship: `Task.TaskRelations` is Child("TaskRelations", "TaskRelation", "TaskId")."""

    name: str
    child_object: str
    field: str
    shared_only: bool = False
    cascade_delete: bool = False
    junction_list: str | None = None  # e.g. "TaskWhoIds" for TaskWhoRelations
    junction_reference_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class SObjectType:
    """One object: its key prefix, its fields, and what it supports."""

    name: str
    prefix: str
    fields: tuple[Field, ...]
    label: str = ""
    plural: str = ""
    children: tuple[Child, ...] = ()
    shared_only: bool = False
    createable: bool = True
    updateable: bool = True
    deletable: bool = True
    custom: bool = False
    view_of: str | None = None  # read-only views (TaskWhoRelation) name the object they filter
    by_lower: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_lower.update({f.name.lower(): f for f in self.fields})

    def field(self, name: str, shared: bool) -> Field | None:
        found = self.by_lower.get(name.lower())
        if found is None or (found.shared_only and not shared):
            return None
        return found

    def visible_fields(self, shared: bool) -> list[Field]:
        return [f for f in self.fields if shared or not f.shared_only]

    def external_ids(self) -> list[Field]:
        return [f for f in self.fields if f.external_id]


def label(f: Field) -> str:
    """The label describe shows, and refusals name the field by."""
    if f.label:
        return f.label
    if f.type == "reference" and f.name.endswith("Id"):
        return f"{f.name[:-2]} ID"
    return f.name


# --- helpers that keep the catalogue short ----------------------------------------------------


def text(name: str, length: int = 255, **kw: Any) -> Field:
    return Field(name, kw.pop("type", "string"), length=length, **kw)


def ref(name: str, *targets: str, relationship: str | None = None, **kw: Any) -> Field:
    rel = relationship if relationship is not None else name.removesuffix("Id")
    return Field(name, "reference", length=18, reference_to=targets, relationship=rel, **kw)


def flag(name: str, default: bool = False, **kw: Any) -> Field:
    return Field(name, "boolean", nillable=False, default=default, **kw)


def calc(name: str, type_: str, **kw: Any) -> Field:
    """A field the org computes: never writable."""
    return Field(name, type_, create=False, update=False, calculated=True, **kw)


def picklist(name: str, values: tuple[str, ...], **kw: Any) -> Field:
    return Field(name, "picklist", length=255, picklist=values, **kw)


def audit_fields() -> tuple[Field, ...]:
    return (
        Field("Id", "id", length=18, create=False, update=False, nillable=False),
        calc("IsDeleted", "boolean", nillable=False),
        calc("CreatedDate", "datetime", nillable=False),
        ref("CreatedById", "User", relationship="CreatedBy", create=False, update=False),
        calc("LastModifiedDate", "datetime", nillable=False),
        ref("LastModifiedById", "User", relationship="LastModifiedBy", create=False, update=False),
        calc("SystemModstamp", "datetime", nillable=False),
    )


def owner() -> Field:
    return ref("OwnerId", "User", relationship="Owner", nillable=False, default="$user")
