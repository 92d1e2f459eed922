"""Lead conversion as the Partner API's convertLead does it: an Account, a Contact and maybe an
Opportunity for the Lead, its Tasks and Events moved to them, the Lead marked converted.

After it, the Lead is read-only: a write that points at it fails with
CANNOT_UPDATE_CONVERTED_LEAD (record_checks), and `IsConverted = false` filters it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from adapters.local_org import assumptions as a
from adapters.local_org.activities import KINDS, Kind
from adapters.local_org.errors import SfError
from adapters.local_org.ids import canonical_id
from adapters.local_org.record_checks import check_referable
from adapters.local_org.schema.catalog import STAGES

if TYPE_CHECKING:
    from adapters.local_org.records import Writer

Row = dict[str, Any]


@dataclass(frozen=True)
class LeadConvert:
    """One leadConverts item of a convertLead call."""

    lead_id: str | None
    converted_status: str | None
    account_id: str | None = None
    contact_id: str | None = None
    do_not_create_opportunity: bool = False
    opportunity_name: str | None = None
    owner_id: str | None = None


@dataclass(frozen=True)
class Converted:
    lead_id: str
    account_id: str
    contact_id: str
    opportunity_id: str | None


def convert_lead(writer: Writer, item: LeadConvert, today: date | None = None) -> Converted:
    """Convert one Lead in the current transaction (a savepoint undoes it when it raises)."""
    lead = _lead(writer, item.lead_id)
    if not item.converted_status:
        raise SfError(
            "REQUIRED_FIELD_MISSING",
            "Required fields are missing: [convertedStatus]",
            ["convertedStatus"],
        )
    if item.converted_status not in a.CONVERTED_LEAD_STATUSES:
        raise SfError(
            a.INVALID_CONVERTED_STATUS_CODE,
            f"invalid convertedStatus: {item.converted_status}",
            ["convertedStatus"],
        )
    owner = {"OwnerId": _id(writer, item.owner_id, "User", "ownerId")} if item.owner_id else {}
    account_id = _account(writer, lead, item, owner)
    contact_id = _contact(writer, lead, item, account_id, owner)
    opportunity_id = None
    if not item.do_not_create_opportunity:
        opportunity_id = _opportunity(writer, lead, item, account_id, owner, today)
        writer.create(
            "OpportunityContactRole",
            {"OpportunityId": opportunity_id, "ContactId": contact_id, "IsPrimary": True},
        )
    for kind in KINDS.values():
        _move_activities(writer, kind, lead["Id"], contact_id, opportunity_id)
    writer.store.update(
        "Lead",
        lead["Id"],
        {
            "IsConverted": True,
            "Status": item.converted_status,
            "ConvertedAccountId": account_id,
            "ConvertedContactId": contact_id,
            "ConvertedOpportunityId": opportunity_id,
            "ConvertedDate": (today or datetime.now(UTC).date()).isoformat(),
        }
        | writer.modified(),
    )
    return Converted(lead["Id"], account_id, contact_id, opportunity_id)


def _id(writer: Writer, raw: str | None, sobject: str, field: str) -> str:
    """A live record of `sobject` named by an id in the request, refused as Salesforce does."""
    rid = canonical_id(raw) if raw else None
    if rid is None:
        raise SfError("MALFORMED_ID", f"{field}: id value of incorrect type: {raw}", [field])
    return str(writer.live_row(sobject, rid, field)["Id"])


def _lead(writer: Writer, raw: str | None) -> Row:
    rid = canonical_id(raw) if raw else None
    if rid is None or not rid.startswith(a.LEAD_PREFIX):
        raise SfError("MALFORMED_ID", f"leadId: id value of incorrect type: {raw}", ["leadId"])
    lead = writer.store.get("Lead", rid)
    check_referable(lead, rid, "leadId")
    assert lead is not None
    return lead


def _account(writer: Writer, lead: Row, item: LeadConvert, owner: Row) -> str:
    if item.account_id:
        return _id(writer, item.account_id, "Account", "accountId")
    return writer.create("Account", {"Name": lead.get("Company")} | owner)


def _contact(writer: Writer, lead: Row, item: LeadConvert, account_id: str, owner: Row) -> str:
    if item.contact_id:
        if not item.account_id:
            raise SfError(
                a.CONVERT_CONTACT_WITHOUT_ACCOUNT_CODE,
                "accountId must be specified if contactId is not null",
                ["accountId"],
            )
        contact_id = _id(writer, item.contact_id, "Contact", "contactId")
        contact = writer.store.get("Contact", contact_id) or {}
        if contact.get("AccountId") != account_id:
            raise SfError(
                a.CONVERT_CONTACT_WITHOUT_ACCOUNT_CODE,
                "contactId must belong to the account given as accountId",
                ["contactId"],
            )
        return contact_id
    names = ("FirstName", "LastName", "Email", "Title", "Phone", "Description")
    values = {n: lead.get(n) for n in names if lead.get(n) is not None}
    return writer.create("Contact", values | {"AccountId": account_id} | owner)


def _opportunity(
    writer: Writer, lead: Row, item: LeadConvert, account_id: str, owner: Row, today: date | None
) -> str:
    name = item.opportunity_name or f"{lead.get('Company') or lead.get('LastName')}-"
    values = {
        "Name": name,
        "AccountId": account_id,
        "StageName": STAGES[0],
        "CloseDate": _quarter_end(today or datetime.now(UTC).date()).isoformat(),
    }
    return writer.create("Opportunity", values | owner)


def _quarter_end(day: date) -> date:
    """The last day of `day`'s calendar quarter (the new Opportunity's CloseDate)."""
    last_month = (day.month - 1) // 3 * 3 + 3
    if last_month == 12:
        return date(day.year, 12, 31)
    return date(day.year, last_month + 1, 1) - timedelta(days=1)


def _move_activities(
    writer: Writer, kind: Kind, lead_id: str, contact_id: str, opportunity_id: str | None
) -> None:
    """The Lead's Tasks (or Events) go to the Contact, and to the new Opportunity if any
    (assumptions: else WhatId stays empty); their relation rows move with them."""
    store = writer.store
    rows = store.find(kind.relation, "RelationId", [lead_id])
    parents = {r[kind.parent_field] for r in rows} | {
        r["Id"] for r in store.find(kind.name, "WhoId", [lead_id])
    }
    contact = store.get("Contact", contact_id) or {}
    for row in rows:
        store.update(
            kind.relation,
            row["Id"],
            {"RelationId": contact_id, "AccountId": contact.get("AccountId")} | writer.modified(),
        )
    for parent_id in sorted(parents):
        parent = store.get(kind.name, parent_id)
        if parent is None or parent["IsDeleted"]:
            continue
        whos = list(dict.fromkeys(contact_id if w == lead_id else w for w in _whos(kind, parent)))
        writer.set_people(kind, parent, whos, opportunity_id or parent.get("WhatId"))


def _whos(kind: Kind, parent: Row) -> list[str]:
    whos = list(parent.get(kind.junction) or [])
    return whos or ([parent["WhoId"]] if parent.get("WhoId") else [])
