"""The CRM objects of the local org: users, accounts, people, opportunities, a custom object."""

from __future__ import annotations

from adapters.local_org.assumptions import CUSTOM_OBJECT
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


def _person_names() -> tuple[Field, ...]:
    return (
        text("FirstName", 40),
        text("LastName", 80, nillable=False),
        calc("Name", "string", length=121),
    )


def _master(sobject: str) -> Field:
    """MasterRecordId: on a record deleted by a merge, the record it was merged into."""
    return ref("MasterRecordId", sobject, relationship="MasterRecord", create=False, update=False)


def _activities_of(*, who: bool = False, what: bool = False) -> tuple[Child, ...]:
    field = "WhoId" if who else "WhatId"
    return (Child("Tasks", "Task", field), Child("Events", "Event", field))


def crm_objects() -> list[SObjectType]:
    """User, Account, Contact, Lead, Opportunity, OpportunityContactRole and Project__c."""
    return [
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
                _master("Account"),
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
                _master("Contact"),
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
                ref(
                    "ConvertedAccountId",
                    "Account",
                    relationship="ConvertedAccount",
                    create=False,
                    update=False,
                ),
                ref(
                    "ConvertedContactId",
                    "Contact",
                    relationship="ConvertedContact",
                    create=False,
                    update=False,
                ),
                ref(
                    "ConvertedOpportunityId",
                    "Opportunity",
                    relationship="ConvertedOpportunity",
                    create=False,
                    update=False,
                ),
                calc("ConvertedDate", "date"),
                text("Title", 128),
                text("Phone", 40, type="phone"),
                text("Industry", 255, type="picklist"),
                text("Description", 32000, type="textarea"),
                owner(),
                _master("Lead"),
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
    ]
