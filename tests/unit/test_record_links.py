"""The "open in Salesforce" links beside record ids in explain, timeline and the console (R21, R22)."""

from __future__ import annotations

import pytest

from adapters.cli.record_names import linked, named, person
from domain.record_links import lightning_base, object_of, record_url
from projections.explain.links import with_links
from projections.explain.names import Names

LOCAL = "https://127.0.0.1:8443"


@pytest.mark.parametrize(
    ("record_id", "sobject"),
    [
        ("00T000000000001AAA", "Task"),
        ("00U000000000001AAA", "Event"),
        ("003000000000001AAA", "Contact"),
        ("00Q000000000001AAA", "Lead"),
        ("001000000000001AAA", "Account"),
        ("006000000000001AAA", "Opportunity"),
        ("005000000000001AAA", "User"),
        ("003000000000001", "Contact"),
    ],
)
def test_every_known_key_prefix_opens_its_own_object(record_id: str, sobject: str) -> None:
    """R21: the object in the link comes from the id's three-character key prefix."""
    assert object_of(record_id) == sobject
    assert record_url(LOCAL, record_id) == f"{LOCAL}/lightning/r/{sobject}/{record_id}/view"


@pytest.mark.parametrize(
    ("instance", "base"),
    [
        ("https://acme.my.salesforce.com", "https://acme.lightning.force.com"),
        ("https://acme.my.salesforce.com/", "https://acme.lightning.force.com"),
        (
            "https://Acme--uat.sandbox.my.salesforce.com",
            "https://acme--uat.sandbox.lightning.force.com",
        ),
        (
            "https://acme-dev-ed.develop.my.salesforce.com",
            "https://acme-dev-ed.develop.lightning.force.com",
        ),
        ("https://127.0.0.1:8443", "https://127.0.0.1:8443"),
        ("https://localhost:9000/", "https://localhost:9000"),
    ],
)
def test_a_real_org_opens_on_its_lightning_host_and_the_local_org_on_its_own(
    instance: str, base: str
) -> None:
    """R21: a My Domain API host becomes its Lightning host; any other instance is kept."""
    assert lightning_base(instance) == base


@pytest.mark.parametrize("instance", [None, "", "  ", "not a url", "ftp://acme.example"])
def test_without_an_instance_there_is_no_link(instance: str | None) -> None:
    """R21: no instance URL configured means no link, never an invented one."""
    assert record_url(instance, "00T000000000001AAA") is None


@pytest.mark.parametrize("record_id", [None, "", "a01000000000001AAA", "00T-bad", "00T0000"])
def test_an_id_of_no_known_object_has_no_link(record_id: str | None) -> None:
    """R21: an id of an object the engine cannot tell from its prefix gets no guessed link."""
    assert record_url(LOCAL, record_id) is None


def test_a_custom_record_opens_under_the_object_its_activity_names() -> None:
    """R13, R21: the custom object comes from the activity's related_to, not the prefix."""
    url = record_url(LOCAL, "a01000000000001AAA", "Project__c")
    assert url == f"{LOCAL}/lightning/r/Project__c/a01000000000001AAA/view"


def _document() -> dict[str, object]:
    return {
        "activity": {
            "related_to": {"object": "Project__c", "id": "a01000000000001AAA"},
            "sender_user_id": "005000000000001AAA",
        },
        "recipients": [
            {"contact_id": None, "lead_id": "00Q000000000001AAA", "account_id": None},
        ],
        "tasks": [
            {
                "salesforce_id": "00T000000000001AAA",
                "sobject": "Task",
                "members": [{"id": "003000000000001AAA", "account_id": "001000000000001AAA"}],
                "primary": None,
                "what": {"id": "a01000000000001AAA", "account_id": "001000000000001AAA"},
                "opportunities_considered": [{"id": "006000000000001AAA"}],
                "org_changes": [{"kind": "edited", "by": "005000000000002AAA"}, {"by": None}],
            }
        ],
        "siblings": [{"salesforce_id": None, "sobject": "Event", "who_id": "003000000000001AAA"}],
    }


def test_explain_links_every_record_it_names() -> None:
    """R21: the Task, its people, Account, custom record, Opportunities and the sender's User."""
    document = with_links(_document(), "https://acme.my.salesforce.com")
    base = "https://acme.lightning.force.com/lightning/r"
    task = document["tasks"][0]  # type: ignore[index]
    assert task["url"] == f"{base}/Task/00T000000000001AAA/view"
    assert task["members"][0]["url"] == f"{base}/Contact/003000000000001AAA/view"
    assert task["members"][0]["account_url"] == f"{base}/Account/001000000000001AAA/view"
    assert task["what"]["url"] == f"{base}/Project__c/a01000000000001AAA/view"
    assert task["org_changes"][0]["by_url"] == f"{base}/User/005000000000002AAA/view"
    assert "by_url" not in task["org_changes"][1]
    assert task["opportunities_considered"][0]["url"].endswith(
        "/Opportunity/006000000000001AAA/view"
    )
    assert document["recipients"][0]["url"] == f"{base}/Lead/00Q000000000001AAA/view"  # type: ignore[index]
    assert document["activity"]["sender_user_url"].endswith("/User/005000000000001AAA/view")  # type: ignore[index]
    sibling = document["siblings"][0]  # type: ignore[index]
    assert "url" not in sibling and sibling["who_url"].endswith("/Contact/003000000000001AAA/view")


def test_explain_without_an_instance_carries_no_url_key() -> None:
    """R21: with no org configured the document says nothing it cannot know."""
    document = with_links(_document(), None)
    assert "url" not in repr(document)


def test_names_come_from_the_stored_directory_beside_each_address() -> None:
    """R21: people by their facts, Accounts and Opportunities by id, the sender's User."""
    names = Names.of(
        {
            "contacts_by_email": {"ann@a.example": [{"id": "003A", "name": "Ann Archer"}]},
            "leads_by_email": {"lee@l.example": [{"id": "00QL", "name": "Lee Lane"}]},
            "opportunities_by_account": {"001A": [{"id": "006O", "name": "Renewal"}]},
            "account_names": {"001A": "Acme"},
            "users_by_email": {"rep@ourco.example": "005U"},
            "user_names": {"rep@ourco.example": "Rae Rep"},
        }
    )
    found = [names.of_id(i) for i in ("003A", "00QL", "006O", "001A", "005U", "003X", None)]
    assert found == ["Ann Archer", "Lee Lane", "Renewal", "Acme", "Rae Rep", None, None]


def test_the_terminal_shows_name_then_the_whole_id_and_escapes_names() -> None:
    """R21: `Name (Id)`, the id alone without a name, and a name is never read as markup."""
    record_id = "003000000000001AAA"
    assert named("Ann Archer", record_id) == f"Ann Archer ({record_id})"
    assert named(None, record_id) == record_id
    assert named("Ann", None) == "(empty)"
    assert named("[bold]Ann", record_id).startswith("\\[bold]Ann")
    assert person("Ann Archer", "ann@a.example") == "Ann Archer <ann@a.example>"
    assert person(None, "ann@a.example") == "ann@a.example"
    assert linked(record_id, None) == record_id
    assert linked(record_id, "https://x/lightning/r/Contact/1/view").startswith("[link=https://x/")
