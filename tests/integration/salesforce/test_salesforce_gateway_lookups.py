"""Lookups against the local org: escaping, measured chunks, paging, two calls (R5, R10, R24)."""

from __future__ import annotations

from typing import Any

import pytest
from salesforce_org_helpers import admin, gateway_for, seed

ODD = [
    "o'hara@odd.example",
    "fifty%_off@odd.example",
    "under_score@odd.example",
    "zoë@exämple.example",
]
UNSTORABLE = ["back\\slash@odd.example", 'quo"te@odd.example']  # the org refuses such Emails
DECOYS = [
    "fiftyx_off@odd.example",
    "fifty%xoff@odd.example",
]  # would match if % or _ were wildcards
LONG = [f"person.{n:05d}.{'x' * 50}@chunking.example" for n in range(1500)]


@pytest.fixture(scope="module")
def directory_org(org: Any) -> dict[str, Any]:
    sf = admin(org)
    (account,) = seed(sf, "Account", [{"Name": "Acme"}])
    odd = seed(
        sf,
        "Contact",
        [
            {"LastName": f"Odd{n}", "Email": e, "AccountId": account}
            for n, e in enumerate(ODD + DECOYS)
        ],
    )
    seed(sf, "Contact", [{"LastName": f"P{n}", "Email": e} for n, e in enumerate(LONG[::15])])
    seed(sf, "Lead", [{"LastName": "Lee", "Company": "L", "Email": "lee@lead.example"}])
    seed(sf, "Lead", [{"LastName": "Also", "Company": "L", "Email": "o'hara@odd.example"}])
    (user,) = seed(
        sf,
        "User",
        [{"LastName": "Rep", "Email": "rep@ourco.example", "Username": "rep@ourco.example.org"}],
    )
    (won,) = seed(
        sf,
        "Opportunity",
        [
            {
                "Name": "Won",
                "AccountId": account,
                "StageName": "Closed Won",
                "CloseDate": "2026-01-31",
                "OwnerId": user,
            }
        ],
    )
    seed(sf, "OpportunityContactRole", [{"ContactId": odd[0], "OpportunityId": won}])
    seed(
        sf,
        "Contact",
        [{"LastName": f"Many{n}", "Email": "many@other.example"} for n in range(2100)],
    )
    return {"account": account, "odd": odd, "user": user, "won": won}


def test_odd_addresses_match_exactly_their_own_contacts(
    org: Any, directory_org: dict[str, Any]
) -> None:
    """R5: quotes, backslashes, % and _ and Unicode are escaped; % and _ are not wildcards."""
    gateway = gateway_for(org)
    directory = gateway.lookup([e.upper() for e in ODD + UNSTORABLE], [])
    assert sorted(directory.contacts_by_email) == sorted(e.lower() for e in ODD)
    for n, email in enumerate(ODD):
        (fact,) = directory.contacts_by_email[email.lower()]
        assert fact.id == directory_org["odd"][n] and fact.account_id == directory_org["account"]
    assert directory.leads_by_email["o'hara@odd.example"][0].email == "o'hara@odd.example"


def test_leads_users_opportunities_and_roles(org: Any, directory_org: dict[str, Any]) -> None:
    """R5, R10: unconverted leads, active users, open and closed opportunities, contact roles."""
    gateway = gateway_for(org)
    directory = gateway.lookup(["o'hara@odd.example", "lee@lead.example"], ["Rep@OurCo.example"])
    assert set(directory.leads_by_email) == {"o'hara@odd.example", "lee@lead.example"}
    assert directory.users_by_email == {"rep@ourco.example": directory_org["user"]}
    (won,) = directory.opportunities_by_account[directory_org["account"]]
    assert (won.id, won.is_closed, won.name) == (directory_org["won"], True, "Won")
    (role,) = directory.roles_by_contact[directory_org["odd"][0]]
    assert (role.id, role.account_id, role.is_closed) == (
        directory_org["won"],
        directory_org["account"],
        True,
    )
    assert gateway.calls_made == 2


def test_fifteen_hundred_addresses_are_chunked_under_the_limits(
    org: Any, directory_org: dict[str, Any]
) -> None:
    """R24: 1,500 long addresses need two statements per object; one composite call holds them."""
    gateway = gateway_for(org)
    directory = gateway.lookup(LONG, [])
    assert sorted(directory.contacts_by_email) == sorted(LONG[::15])  # found in every chunk
    # two contact and two lead statements in the first composite; their roles in the second
    assert gateway.calls_made == 2


def test_pages_beyond_two_thousand_rows_are_followed(
    org: Any, directory_org: dict[str, Any]
) -> None:
    """R24: 2,100 Contacts sharing one address arrive over two pages."""
    gateway = gateway_for(org)
    directory = gateway.lookup(["many@other.example"], [])
    assert len(directory.contacts_by_email["many@other.example"]) == 2100
    assert gateway.calls_made == 3  # people; their second page; their roles


def test_names_of_people_accounts_and_users_come_with_the_same_two_calls(
    org: Any, directory_org: dict[str, Any]
) -> None:
    """R21, R24: the lookup that matches people also reads their names, their Account's and
    the sender's, so explain can name every id without another call."""
    gateway = gateway_for(org)
    directory = gateway.lookup(["o'hara@odd.example", "lee@lead.example"], ["rep@ourco.example"])
    (contact,) = directory.contacts_by_email["o'hara@odd.example"]
    (lead,) = directory.leads_by_email["lee@lead.example"]
    assert (contact.name, lead.name) == ("Odd0", "Lee")
    assert directory.account_names == {directory_org["account"]: "Acme"}
    assert directory.user_names == {"rep@ourco.example": "Rep"}
    assert gateway.calls_made == 2
