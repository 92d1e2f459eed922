"""The pages "open in Salesforce" links land on in the local org (R21): a record's fields for
a signed-in browser, a sign-in hint for anyone else, and no API usage for either."""

from __future__ import annotations

import requests
from simple_salesforce import Salesforce

from adapters.local_org.launcher import LocalOrg


def _browser(org: LocalOrg) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.verify = org.ca_bundle
    return session


def _page(org: LocalOrg, sobject: str, record_id: str) -> str:
    return f"{org.instance_url}/lightning/r/{sobject}/{record_id}/view"


def test_a_signed_in_browser_sees_the_record_its_link_names(
    local_org: LocalOrg, sf: Salesforce
) -> None:
    """R21: frontdoor.jsp signs the session id in; the link then shows that Contact."""
    contact = sf.Contact.create({"FirstName": "Paige", "LastName": "Linked"})["id"]
    browser = _browser(local_org)
    target = f"/lightning/r/Contact/{contact}/view"

    signed = browser.get(
        f"{local_org.instance_url}/secur/frontdoor.jsp",
        params={"sid": local_org.session_id, "retURL": target},
    )

    assert signed.status_code == 200 and signed.url == _page(local_org, "Contact", contact)
    assert "Contact: Paige Linked" in signed.text and contact in signed.text


def test_a_record_page_without_a_session_says_how_to_sign_in(
    local_org: LocalOrg, sf: Salesforce
) -> None:
    """R21: as strict as Salesforce: nobody reads a record without a session."""
    contact = sf.Contact.create({"LastName": "Private"})["id"]
    used_before = local_org.state()["api_usage"]

    page = _browser(local_org).get(_page(local_org, "Contact", contact))

    assert page.status_code == 401 and "frontdoor.jsp" in page.text and "Private" not in page.text
    assert local_org.state()["api_usage"] == used_before  # pages are not API calls


def test_a_link_to_a_missing_or_deleted_record_says_so(local_org: LocalOrg, sf: Salesforce) -> None:
    """R21, R27: a deleted record's link answers 404 with Salesforce's words, not a page."""
    contact = sf.Contact.create({"LastName": "Gone"})["id"]
    sf.Contact.delete(contact)
    browser = _browser(local_org)
    browser.cookies.set("sid", local_org.session_id)

    deleted = browser.get(_page(local_org, "Contact", contact))
    missing = browser.get(_page(local_org, "Contact", "003000000000000AAA"))

    assert deleted.status_code == 404 and "entity is deleted" in deleted.text
    assert missing.status_code == 404
