"""The activity objects of the local org: Task, Event, their relations and who-relation views."""

from __future__ import annotations

from adapters.local_org.assumptions import CUSTOM_OBJECT, RELATION_KEY_PREFIXES
from adapters.local_org.schema.model import (
    Child,
    Field,
    SObjectType,
    audit_fields,
    calc,
    flag,
    owner,
    picklist,
    ref,
    text,
)

TASK_STATUSES = ("Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred")
CLOSED_TASK_STATUSES = frozenset({"Completed"})
WHO_TARGETS = ("Contact", "Lead")
WHAT_TARGETS = ("Account", "Opportunity", CUSTOM_OBJECT)
SYNC_KEY = "Activity_Sync_Key__c"


def _activity_fields(kind: str) -> tuple[Field, ...]:
    """Fields Task and Event share; `kind` is "Task" or "Event"."""
    return (
        text("Subject", 255, type="combobox"),
        text("Description", 32000, type="textarea"),
        text("Type", 255, type="picklist"),
        ref("WhoId", *WHO_TARGETS, relationship="Who"),
        ref("WhatId", *WHAT_TARGETS, relationship="What"),
        ref("AccountId", "Account", create=False, update=False, calculated=True),
        owner(),
        text(SYNC_KEY, 255, external_id=True, unique=True, custom=True),
        Field(f"{kind}WhoIds", "junctionidlist", filterable=False, shared_only=True),
        calc("WhoCount", "int", shared_only=True),
        calc("WhatCount", "int", shared_only=True),
        calc("IsArchived", "boolean", nillable=False),
    )


def _relation(kind: str, extra: tuple[Field, ...] = ()) -> SObjectType:
    name = f"{kind}Relation"
    return SObjectType(
        name,
        RELATION_KEY_PREFIXES[name],
        audit_fields()
        + (
            ref(f"{kind}Id", kind, nillable=False, update=False),
            ref(
                "RelationId",
                *WHO_TARGETS,
                *WHAT_TARGETS,
                relationship="Relation",
                nillable=False,
                update=False,
            ),
            flag("IsWhat", update=False),
            ref("AccountId", "Account", create=False, update=False, calculated=True),
        )
        + extra,
        label=f"{kind} Relation",
        plural=f"{kind} Relations",
        shared_only=True,
        updateable=False,
    )


def _who_view(kind: str) -> SObjectType:
    name = f"{kind}WhoRelation"
    return SObjectType(
        name,
        RELATION_KEY_PREFIXES[name],
        audit_fields()
        + (
            ref(f"{kind}Id", kind, create=False, update=False),
            ref("RelationId", *WHO_TARGETS, relationship="Relation", create=False, update=False),
            calc("Type", "string", length=50),
            ref("AccountId", "Account", create=False, update=False, calculated=True),
        ),
        label=f"{kind} Who Relation",
        plural=f"{kind} Who Relations",
        shared_only=True,
        createable=False,
        updateable=False,
        deletable=False,
        view_of=f"{kind}Relation",
    )


def _activity_children(kind: str) -> tuple[Child, ...]:
    return (
        Child(
            f"{kind}Relations",
            f"{kind}Relation",
            f"{kind}Id",
            shared_only=True,
            cascade_delete=True,
        ),
        Child(
            f"{kind}WhoRelations",
            f"{kind}WhoRelation",
            f"{kind}Id",
            shared_only=True,
            cascade_delete=True,
            junction_list=f"{kind}WhoIds",
            junction_reference_to=WHO_TARGETS,
        ),
    )


def activity_objects() -> list[SObjectType]:
    """Task, Event, TaskRelation, TaskWhoRelation, EventRelation, EventWhoRelation."""
    return [
        SObjectType(
            "Task",
            "00T",
            audit_fields()
            + _activity_fields("Task")
            + (
                Field("ActivityDate", "date"),
                picklist("Status", TASK_STATUSES, nillable=False, default="Not Started"),
                picklist("Priority", ("High", "Normal", "Low"), nillable=False, default="Normal"),
                calc("IsHighPriority", "boolean", nillable=False),
                picklist(
                    "TaskSubtype",
                    ("Task", "Email", "ListEmail", "Cadence", "Call", "LinkedIn"),
                    restricted=True,
                    update=False,
                ),
                calc("IsClosed", "boolean", nillable=False),
                calc("CompletedDateTime", "datetime"),
            ),
            children=_activity_children("Task"),
        ),
        SObjectType(
            "Event",
            "00U",
            audit_fields()
            + _activity_fields("Event")
            + (
                text("Location", 255),
                Field("StartDateTime", "datetime"),
                Field("EndDateTime", "datetime"),
                Field("ActivityDateTime", "datetime"),
                Field("ActivityDate", "date"),
                Field("DurationInMinutes", "int"),
                flag("IsAllDayEvent"),
                picklist("EventSubtype", ("Event",), restricted=True, update=False),
            ),
            children=_activity_children("Event"),
        ),
        _relation("Task"),
        _who_view("Task"),
        _relation(
            "Event", (flag("IsParent", default=True, update=False), flag("IsInvitee", update=False))
        ),
        _who_view("Event"),
    ]
