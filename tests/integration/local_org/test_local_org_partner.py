"""The Partner SOAP API over HTTPS (issue 14 item e): convertLead, merge, undelete.

R5 and R9: the engine matches unconverted Leads (`IsConverted = false`) and writes one Task per
Lead; a Lead converted between lookup and write is refused with CANNOT_UPDATE_CONVERTED_LEAD,
and its Tasks now belong to the Contact. R20 and R27: a merge moves Tasks to the master without
duplicate relations, so a re-sync must find them there.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceMalformedRequest, SalesforceResourceNotFound

from adapters.local_org import partner_client as partner
from adapters.local_org.launcher import LocalOrg

CONVERTED = "Closed - Converted"
EVENT_TIMES = {"StartDateTime": "2026-01-02T10:00:00Z", "DurationInMinutes": 30}


@pytest.fixture(scope="module")
def org(local_org_factory) -> LocalOrg:  # type: ignore[no-untyped-def]
    return local_org_factory(people={"pat": "Pat Admin"})


@pytest.fixture
def sf(org: LocalOrg) -> Salesforce:
    return org.salesforce()


def _lead(sf: Salesforce, name: str) -> str:
    body = {
        "FirstName": "Lia",
        "LastName": name,
        "Company": f"{name} Co",
        "Email": f"{name}@x.test",
    }
    return str(sf.Lead.create(body)["id"])


def _relations(sf: Salesforce, sobject: str, parent: str) -> list[dict[str, Any]]:
    field = "TaskId" if sobject == "TaskRelation" else "EventId"
    return list(
        sf.query(f"SELECT Id, RelationId FROM {sobject} WHERE {field} = '{parent}'")["records"]
    )


# --- convertLead -------------------------------------------------------------------------------


def test_r9_convert_lead_creates_account_contact_opportunity_and_moves_the_activities(
    org: LocalOrg, sf: Salesforce
) -> None:
    lead = _lead(sf, "Convert")
    task = sf.Task.create({"Subject": "lead task", "WhoId": lead})["id"]
    event = sf.Event.create({"Subject": "lead event", "WhoId": lead} | EVENT_TIMES)["id"]
    [relation] = _relations(sf, "TaskRelation", task)
    pat = org.salesforce(as_user="pat")
    result = partner.convert_lead(pat, lead, CONVERTED, opportunity_name="Convert deal")
    assert result["success"] is True and result["errors"] == []
    assert result["leadId"] == lead
    account, contact, opportunity = (result[k] for k in ("accountId", "contactId", "opportunityId"))
    assert (account[:3], contact[:3], opportunity[:3]) == ("001", "003", "006")
    assert sf.Account.get(account)["Name"] == "Convert Co"
    person = sf.Contact.get(contact)
    assert (person["FirstName"], person["LastName"], person["Email"], person["AccountId"]) == (
        "Lia",
        "Convert",
        "Convert@x.test",
        account,
    )
    deal = sf.Opportunity.get(opportunity)
    assert (deal["Name"], deal["AccountId"], deal["StageName"]) == (
        "Convert deal",
        account,
        "Prospecting",
    )
    converted = sf.Lead.get(lead)
    assert converted["IsConverted"] is True and converted["Status"] == CONVERTED
    assert (
        converted["ConvertedContactId"],
        converted["ConvertedAccountId"],
        converted["ConvertedOpportunityId"],
        converted["ConvertedDate"],
    ) == (contact, account, opportunity, datetime.now(UTC).date().isoformat())
    for sobject, record_id in (("Task", task), ("Event", event)):
        moved = getattr(sf, sobject).get(record_id)
        assert (moved["WhoId"], moved["WhatId"], moved["AccountId"]) == (
            contact,
            opportunity,
            account,
        )
        assert moved["LastModifiedById"] == org.user_id("pat")
    moved_rows = {r["RelationId"]: r["Id"] for r in _relations(sf, "TaskRelation", task)}
    assert set(moved_rows) == {contact, opportunity}
    assert moved_rows[contact] == relation["Id"]  # the Lead's relation row moved to the Contact
    roles = sf.query(
        f"SELECT ContactId, IsPrimary FROM OpportunityContactRole WHERE OpportunityId = '{opportunity}'"
    )
    assert [(r["ContactId"], r["IsPrimary"]) for r in roles["records"]] == [(contact, True)]


def test_convert_lead_without_an_opportunity_leaves_what_id_empty(sf: Salesforce) -> None:
    lead = _lead(sf, "NoOpp")
    task = sf.Task.create({"Subject": "no opp task", "WhoId": lead})["id"]
    result = partner.convert_lead(sf, lead, CONVERTED, do_not_create_opportunity=True)
    assert (result["success"], result["opportunityId"]) == (True, None)
    moved = sf.Task.get(task)
    assert (moved["WhoId"], moved["WhatId"]) == (result["contactId"], None)
    assert sf.Lead.get(lead)["ConvertedOpportunityId"] is None


def test_convert_lead_into_an_existing_account_and_contact(sf: Salesforce) -> None:
    account = sf.Account.create({"Name": "Existing"})["id"]
    contact = sf.Contact.create({"LastName": "Existing", "AccountId": account})["id"]
    other = sf.Account.create({"Name": "Other"})["id"]
    lead = _lead(sf, "IntoExisting")
    refused = partner.convert_lead(sf, lead, CONVERTED, contact_id=contact)
    assert refused["success"] is False
    assert refused["errors"][0]["message"] == "accountId must be specified if contactId is not null"
    refused = partner.convert_lead(sf, lead, CONVERTED, account_id=other, contact_id=contact)
    assert refused["success"] is False
    result = partner.convert_lead(
        sf, lead, CONVERTED, account_id=account, contact_id=contact, do_not_create_opportunity=True
    )
    assert (result["success"], result["accountId"], result["contactId"]) == (True, account, contact)


@pytest.mark.parametrize(
    ("status", "code"),
    [("Working - Contacted", "INVALID_STATUS"), (None, "REQUIRED_FIELD_MISSING")],
)
def test_convert_lead_needs_a_converted_status(
    sf: Salesforce, status: str | None, code: str
) -> None:
    lead = _lead(sf, f"Status{code[:4]}")
    result = partner.convert_lead(sf, lead, status)  # type: ignore[arg-type]
    assert result["success"] is False
    assert result["errors"][0]["statusCode"] == code
    assert sf.Lead.get(lead)["IsConverted"] is False  # nothing of the failed conversion stays


def test_r5_a_converted_lead_is_read_only_and_nothing_may_point_at_it(sf: Salesforce) -> None:
    lead = _lead(sf, "ReadOnly")
    result = partner.convert_lead(sf, lead, CONVERTED)
    assert sf.Lead.get(lead)["IsConverted"] is True  # still readable
    rows = sf.query("SELECT Id FROM Lead WHERE IsConverted = false AND Email = 'readonly@x.test'")
    assert rows["totalSize"] == 0
    for body, field in (({"WhoId": lead}, "WhoId"), ({"TaskWhoIds": [lead]}, "TaskWhoIds")):
        with pytest.raises(SalesforceMalformedRequest) as caught:
            sf.Task.create({"Subject": "to a converted lead"} | body)
        assert caught.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
        assert caught.value.content[0]["fields"] == [field]
    task = sf.Task.create({"Subject": "relation"})["id"]
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.TaskRelation.create({"TaskId": task, "RelationId": lead})
    assert caught.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.update(lead, {"Title": "edited"})
    assert caught.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    again = partner.convert_lead(sf, lead, CONVERTED)
    assert again["success"] is False
    assert again["errors"][0]["statusCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    assert result["contactId"] != again.get("contactId")


def test_convert_lead_with_shared_activities_off(local_org_factory) -> None:  # type: ignore[no-untyped-def]
    sf = local_org_factory(shared_activities=False).salesforce()
    lead = _lead(sf, "Off")
    task = sf.Task.create({"Subject": "off", "WhoId": lead})["id"]
    result = partner.convert_lead(sf, lead, CONVERTED, do_not_create_opportunity=True)
    assert sf.Task.get(task)["WhoId"] == result["contactId"]


def test_a_partner_call_with_a_bad_session_is_the_soap_fault_invalid_session_id(
    org: LocalOrg,
) -> None:
    stranger = org.salesforce()
    stranger.session_id = "not-a-session"
    with pytest.raises(partner.PartnerFault) as caught:
        partner.undelete(stranger, ["0038L0000000001AAA"])
    assert caught.value.code == "INVALID_SESSION_ID"
    raw = requests.post(
        f"{org.instance_url}/services/Soap/u/59.0",
        data=b"<not-xml",
        verify=org.ca_bundle,
        timeout=30,
    )
    assert raw.status_code == 500 and b"INVALID_SESSION_ID" in raw.content


# --- merge ---------------------------------------------------------------------------------


def test_r27_merging_contacts_moves_their_tasks_to_the_master_without_duplicates(
    sf: Salesforce,
) -> None:
    account = sf.Account.create({"Name": "Merge Co"})["id"]
    master, loser1, loser2, other = (
        sf.Contact.create({"LastName": f"M{i}", "AccountId": account})["id"] for i in range(4)
    )
    both = sf.Task.create({"Subject": "both", "TaskWhoIds": [loser1, other, master]})["id"]
    second = sf.Task.create({"Subject": "second", "TaskWhoIds": [other, loser2]})["id"]
    event = sf.Event.create({"Subject": "meet", "WhoId": loser2} | EVENT_TIMES)["id"]
    deal = sf.Opportunity.create(
        {"Name": "D", "StageName": "Prospecting", "CloseDate": "2026-12-31", "AccountId": account}
    )["id"]
    role = sf.OpportunityContactRole.create({"OpportunityId": deal, "ContactId": loser1})["id"]
    result = partner.merge(sf, "Contact", master, [loser1, loser2], {"Title": "Survivor"})
    assert (result["success"], result["id"]) == (True, master)
    assert result["mergedRecordIds"] == [loser1, loser2]
    assert set(result["updatedRelatedIds"]) == {both, second, event, role}
    assert sf.Contact.get(master)["Title"] == "Survivor"
    assert sf.Task.get(both)["TaskWhoIds"] == [master, other]  # the loser was primary
    assert sf.Task.get(second)["TaskWhoIds"] == [other, master]
    assert sf.Event.get(event)["WhoId"] == master
    masters = [r for r in _relations(sf, "TaskRelation", both) if r["RelationId"] == master]
    assert len(masters) == 1
    assert sf.OpportunityContactRole.get(role)["ContactId"] == master
    binned = sf.query_all(
        f"SELECT Id, IsDeleted, MasterRecordId FROM Contact WHERE Id IN ('{loser1}', '{loser2}')",
        include_deleted=True,
    )["records"]
    assert {(r["IsDeleted"], r["MasterRecordId"]) for r in binned} == {(True, master)}
    with pytest.raises(SalesforceResourceNotFound) as caught:
        sf.Contact.get(loser1)
    assert caught.value.content[0]["errorCode"] == "ENTITY_IS_DELETED"


def test_merging_leads_makes_the_master_the_who_of_the_losers_tasks(sf: Salesforce) -> None:
    master, loser = _lead(sf, "LeadMaster"), _lead(sf, "LeadLoser")
    task = sf.Task.create({"Subject": "lead loser task", "WhoId": loser})["id"]
    result = partner.merge(sf, "Lead", master, [loser])
    assert result["success"] is True
    assert sf.Task.get(task)["WhoId"] == master


def test_merge_refusals_are_per_request(sf: Salesforce) -> None:
    ids = [sf.Contact.create({"LastName": f"R{i}"})["id"] for i in range(4)]
    too_many = partner.merge(sf, "Contact", ids[0], ids[1:])
    assert too_many["success"] is False
    lead = _lead(sf, "MergeConverted")
    partner.convert_lead(sf, lead, CONVERTED, do_not_create_opportunity=True)
    converted = partner.merge(sf, "Lead", lead, [_lead(sf, "MergeOther")])
    assert converted["errors"][0]["statusCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"
    wrong_type = partner.merge(sf, "Task", ids[0], [ids[1]])
    assert wrong_type["success"] is False
    assert all(sf.Contact.get(i)["IsDeleted"] is False for i in ids)
