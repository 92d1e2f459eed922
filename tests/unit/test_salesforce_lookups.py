"""Lookups for many activities at once: two composite calls, escaped values, pages followed (R5, R10, R24)."""

from __future__ import annotations

from typing import Any

from test_salesforce_fake_client import FakeClient, quoted_in

from adapters.salesforce.gateway import SimpleSalesforceGateway
from domain.model import ContactFact, LeadFact, OpportunityFact

CONTACTS = [
    {
        "Id": "003A",
        "Email": "Ann@Acme.com",
        "AccountId": "001A",
        "LastModifiedDate": "2026-01-02T00:00:00.000+0000",
    },
    {
        "Id": "003B",
        "Email": "o'brien@acme.com",
        "AccountId": "001A",
        "LastModifiedDate": "2026-01-01T00:00:00.000+0000",
    },
    {
        "Id": "003C",
        "Email": "ann@acme.com",
        "AccountId": None,
        "LastModifiedDate": "2025-01-01T00:00:00.000+0000",
    },
]
LEADS = [
    {"Id": "00QA", "Email": "lee@lead.org", "LastModifiedDate": "2026-01-03T00:00:00.000+0000"}
]
USERS = [{"Id": "005A", "Email": "Rep@OurCo.com"}]
OPPORTUNITIES = [
    {"Id": "006B", "AccountId": "001A", "OwnerId": "005A", "IsClosed": True, "Name": "Closed deal"},
    {"Id": "006A", "AccountId": "001A", "OwnerId": "005B", "IsClosed": False, "Name": "Open deal"},
]
ROLES = [
    {
        "ContactId": "003A",
        "OpportunityId": "006A",
        "Opportunity": {
            "AccountId": "001A",
            "OwnerId": "005B",
            "IsClosed": False,
            "Name": "Open deal",
        },
    },
]


def org(statement: str) -> list[dict[str, Any]]:
    """Answers like the org: rows whose key value the statement names as a literal."""
    table, key = {
        "FROM Contact": (CONTACTS, "Email"),
        "FROM Lead": (LEADS, "Email"),
        "FROM User": (USERS, "Email"),
        "FROM Opportunity ": (OPPORTUNITIES, "AccountId"),
        "FROM OpportunityContactRole": (ROLES, "ContactId"),
    }[
        next(
            k
            for k in (
                "FROM Contact",
                "FROM Lead",
                "FROM User",
                "FROM Opportunity ",
                "FROM OpportunityContactRole",
            )
            if k in statement
        )
    ]
    return [
        r
        for r in table
        if r[key] and (quoted_in(r[key].lower(), statement) or quoted_in(r[key], statement))
    ]


def gateway(client: FakeClient, **options: Any) -> SimpleSalesforceGateway:
    return SimpleSalesforceGateway(client, budget_percent=None, sleep=lambda s: None, **options)  # type: ignore[arg-type]


def statements(client: FakeClient) -> list[str]:
    from urllib.parse import parse_qs, urlsplit

    return [
        parse_qs(urlsplit(r["url"]).query)["q"][0]
        for body in client.bodies
        for r in body["compositeRequest"]
        if "?q=" in r["url"]
    ]


def test_people_users_opportunities_and_roles_in_two_calls() -> None:
    """R24: contacts, leads and users in one composite; opportunities and roles in a second."""
    client = FakeClient(query=org)
    directory = gateway(client).lookup(
        [" ANN@acme.com", "o'brien@acme.com", "lee@lead.org", "nobody@x.com"], ["rep@ourco.com"]
    )
    assert client.calls == ["POST composite", "POST composite"]
    assert directory.contacts_by_email["ann@acme.com"] == (
        ContactFact("003A", "Ann@Acme.com", "001A", "2026-01-02T00:00:00.000+0000"),
        ContactFact("003C", "ann@acme.com", None, "2025-01-01T00:00:00.000+0000"),
    )
    assert set(directory.contacts_by_email) == {"ann@acme.com", "o'brien@acme.com"}
    assert directory.leads_by_email == {
        "lee@lead.org": (LeadFact("00QA", "lee@lead.org", "2026-01-03T00:00:00.000+0000"),)
    }
    assert directory.users_by_email == {"rep@ourco.com": "005A"}
    assert [o.id for o in directory.opportunities_by_account["001A"]] == ["006A", "006B"]
    assert directory.roles_by_contact == {
        "003A": (OpportunityFact("006A", "001A", "005B", False, "Open deal"),)
    }


def test_queries_ask_for_unconverted_leads_active_users_and_open_and_closed_deals() -> None:
    """R5, R10: IsConverted = false, IsActive = true, no IsClosed filter (the planner filters)."""
    client = FakeClient(query=org)
    gateway(client).lookup(["ann@acme.com"], ["rep@ourco.com"])
    sent = statements(client)
    assert any(
        "FROM Lead WHERE IsConverted = false AND Email IN ('ann@acme.com')" in s for s in sent
    )
    assert any("FROM User WHERE IsActive = true AND Email IN ('rep@ourco.com')" in s for s in sent)
    opportunity = next(s for s in sent if "FROM Opportunity " in s)
    assert "IsClosed =" not in opportunity and "AccountId IN ('001A')" in opportunity


def test_values_are_escaped() -> None:
    """R5: a quote in an address is escaped, never breaking the statement."""
    client = FakeClient(query=org)
    gateway(client).lookup(["o'brien@acme.com"], [])
    assert any("('o\\'brien@acme.com')" in s for s in statements(client))


def test_pages_are_followed_five_per_call() -> None:
    """R24: nextRecordsUrl pages are fetched, packed into composite calls too."""
    many = [
        {"Id": f"003{n:04d}", "Email": f"p{n}@x.com", "AccountId": None, "LastModifiedDate": ""}
        for n in range(25)
    ]
    client = FakeClient(query=lambda s: many if "FROM Contact" in s else [], page_size=10)
    directory = gateway(client).lookup([f"p{n}@x.com" for n in range(25)], [])
    assert len(directory.contacts_by_email) == 25
    # first composite: 2 queries; then page 2, then page 3; then roles for 25 contacts
    assert len(client.calls) == 4


def test_many_addresses_are_cut_into_chunks_and_packed_five_per_call() -> None:
    """R24: small statement budget -> several chunks, still five queries per composite."""
    client = FakeClient(query=org)
    gateway(client, statement_budget=2_000).lookup(
        [f"someone{n}@example.com" for n in range(300)], []
    )
    sent = statements(client)
    assert all(len(s) <= 2_000 for s in sent)
    assert len(sent) > 5
    assert all(len(b["compositeRequest"]) <= 5 for b in client.bodies)


def test_nothing_to_look_up_costs_nothing() -> None:
    client = FakeClient(query=org)
    assert gateway(client).lookup([], []).contacts_by_email == {}
    assert client.calls == []
