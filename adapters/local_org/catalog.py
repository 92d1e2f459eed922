"""The objects of the local org with their standard fields, and which exist for a given setting."""

from __future__ import annotations

from functools import cache

from adapters.local_org.assumptions import CUSTOM_OBJECT, RELATION_KEY_PREFIXES
from adapters.local_org.schema import (
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
STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
    "Closed Won",
    "Closed Lost",
)
CLOSED_STAGES = {"Closed Won": True, "Closed Lost": False}  # stage -> IsWon
WHO_TARGETS = ("Contact", "Lead")
WHAT_TARGETS = ("Account", "Opportunity", CUSTOM_OBJECT)
SYNC_KEY = "Activity_Sync_Key__c"


def _person_names() -> tuple[Field, ...]:
    return (
        text("FirstName", 40),
        text("LastName", 80, nillable=False),
        calc("Name", "string", length=121),
    )


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


def _activities_of(*, who: bool = False, what: bool = False) -> tuple[Child, ...]:
    field = "WhoId" if who else "WhatId"
    return (Child("Tasks", "Task", field), Child("Events", "Event", field))


@cache
def all_objects() -> dict[str, SObjectType]:
    """Every object the local org knows, keyed by API name (shared-only ones included)."""
    objects = [
        SObjectType(
            "User",
            "005",
            audit_fields()
            + _person_names()
            + (
                text("Username", 80, nillable=False, unique=True),
                text("Email", 128, type="email", nillable=False, indexed=True),
                text("Alias", 8),
                text("Title", 80),
                text("CompanyName", 80),
                flag("IsActive", default=True),
            ),
            deletable=False,
        ),
        SObjectType(
            "Account",
            "001",
            audit_fields()
            + (
                text("Name", 255, nillable=False),
                text("Type", 255, type="picklist"),
                text("Industry", 255, type="picklist"),
                text("Website", 255, type="url"),
                text("Phone", 40, type="phone"),
                text("BillingCity", 40),
                text("BillingCountry", 80),
                text("Description", 32000, type="textarea"),
                ref("ParentId", "Account", relationship="Parent"),
                owner(),
            ),
            children=(
                Child("Contacts", "Contact", "AccountId"),
                Child("Opportunities", "Opportunity", "AccountId"),
                Child("Projects__r", CUSTOM_OBJECT, "Account__c"),
            )
            + _activities_of(what=True),
        ),
        SObjectType(
            "Contact",
            "003",
            audit_fields()
            + _person_names()
            + (
                text("Email", 80, type="email", indexed=True),
                ref("AccountId", "Account"),
                text("Legacy_Id__c", 64, external_id=True, custom=True),
                text("Title", 128),
                text("Department", 80),
                text("Phone", 40, type="phone"),
                text("Description", 32000, type="textarea"),
                owner(),
            ),
            children=(Child("OpportunityContactRoles", "OpportunityContactRole", "ContactId"),)
            + _activities_of(who=True),
        ),
        SObjectType(
            "Lead",
            "00Q",
            audit_fields()
            + _person_names()
            + (
                text("Company", 255, nillable=False),
                text("Email", 80, type="email", indexed=True),
                picklist(
                    "Status",
                    (
                        "Open - Not Contacted",
                        "Working - Contacted",
                        "Closed - Converted",
                        "Closed - Not Converted",
                    ),
                    nillable=False,
                    default="Open - Not Contacted",
                ),
                flag("IsConverted", update=False),
                ref("ConvertedAccountId", "Account", relationship="ConvertedAccount", update=False),
                ref("ConvertedContactId", "Contact", relationship="ConvertedContact", update=False),
                text("Title", 128),
                text("Phone", 40, type="phone"),
                text("Industry", 255, type="picklist"),
                text("Description", 32000, type="textarea"),
                owner(),
            ),
            children=_activities_of(who=True),
        ),
        SObjectType(
            "Opportunity",
            "006",
            audit_fields()
            + (
                text("Name", 120, nillable=False),
                ref("AccountId", "Account"),
                picklist("StageName", STAGES, nillable=False),
                Field("CloseDate", "date", nillable=False),
                Field("Amount", "currency"),
                Field("Probability", "percent"),
                text("Type", 255, type="picklist"),
                text("LeadSource", 255, type="picklist"),
                text("NextStep", 255),
                text("Description", 32000, type="textarea"),
                calc("IsClosed", "boolean", nillable=False),
                calc("IsWon", "boolean", nillable=False),
                owner(),
            ),
            children=(Child("OpportunityContactRoles", "OpportunityContactRole", "OpportunityId"),)
            + _activities_of(what=True),
        ),
        SObjectType(
            "OpportunityContactRole",
            "00K",
            audit_fields()
            + (
                ref("OpportunityId", "Opportunity", nillable=False, update=False),
                ref("ContactId", "Contact", nillable=False),
                picklist(
                    "Role",
                    (
                        "Business User",
                        "Decision Maker",
                        "Economic Buyer",
                        "Evaluator",
                        "Influencer",
                        "Other",
                    ),
                ),
                flag("IsPrimary"),
            ),
            label="Contact Role",
        ),
        SObjectType(
            CUSTOM_OBJECT,
            "a01",
            audit_fields()
            + (
                text("Name", 80, nillable=False),
                ref("Account__c", "Account", relationship="Account__r", custom=True),
                owner(),
            ),
            label="Project",
            plural="Projects",
            custom=True,
            children=_activities_of(what=True),
        ),
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
    return {o.name: o for o in objects}


@cache
def _by_lower() -> dict[str, SObjectType]:
    return {name.lower(): obj for name, obj in all_objects().items()}


@cache
def _by_prefix() -> dict[str, SObjectType]:
    found: dict[str, SObjectType] = {}
    for obj in all_objects().values():
        if obj.view_of is None:
            found.setdefault(obj.prefix, obj)
    return found


def find(name: str, shared: bool) -> SObjectType | None:
    """The object called `name` (any case) if it exists under this shared-activities setting."""
    obj = _by_lower().get(name.lower())
    if obj is None or (obj.shared_only and not shared):
        return None
    return obj


def for_prefix(prefix: str) -> SObjectType | None:
    """The stored object whose ids start with `prefix` (views excluded)."""
    return _by_prefix().get(prefix)


def visible(shared: bool) -> list[SObjectType]:
    return [o for o in all_objects().values() if shared or not o.shared_only]


def stored() -> list[SObjectType]:
    """Objects that have a table (the views read their base table)."""
    return [o for o in all_objects().values() if o.view_of is None]
