"""Display-name addresses (`Ana Lee <ana.lee@acme.example>`) stand for the address inside (R1, R3)."""

from __future__ import annotations

import pytest

from domain.addresses import display_problem, normalise, split_display
from domain.model import CONTACT, INVALID, Activity, ContactFact, Directory
from domain.planner import plan_activity
from domain.settings import Settings
from projections.explain.sentences import recipient_sentence

ANA = "ana.lee@acme.example"
DIRECTORY = Directory(
    contacts_by_email={ANA: (ContactFact(id="003A", email=ANA, account_id=None),)}
)


def sent(given: str, sender: str = "rep@ours.example") -> Activity:
    return Activity(
        id="a-1", type="sent", occurred_at="2024-05-01T10:00:00Z", sender=sender, to=(given,)
    )


@pytest.mark.parametrize(
    "given",
    [
        f"Ana Lee <{ANA}>",
        f'"Ana Lee" <{ANA}>',
        f'"Lee, Ana" <{ANA.upper()}>',
        f"  Ana Lee   <{ANA}>  ",
        f"<{ANA}>",
        f"Zoë Ana Lee <{ANA}>",
    ],
)
def test_a_display_name_address_is_matched_by_its_address(given: str) -> None:
    """R1: the address inside `<...>` is matched, and the text is kept as given."""
    (recipient,) = plan_activity(sent(given), DIRECTORY, Settings()).recipients
    assert (recipient.outcome, recipient.contact_id, recipient.address) == (CONTACT, "003A", ANA)
    assert recipient.given == given


def test_the_display_name_is_read_by_the_standard_library_parser() -> None:
    """R1: a quoted name may hold commas and angle brackets; the name comes back unquoted."""
    assert split_display(f'"Lee, Ana <sales>" <{ANA}>') == ("Lee, Ana <sales>", ANA)
    assert split_display(ANA) is None


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        (f"Ana Lee <{ANA}", "exactly one address in <...>"),
        (f"Lee, Ana <{ANA}>", "unquoted comma"),
        (f"{ANA} <{ANA}>", "unquoted comma, @"),
        ("Ana Lee <>", "holds no address"),
        (f"Ana <{ANA}>, Bob <bob@acme.example>", "exactly one address"),
    ],
)
def test_a_malformed_display_name_is_invalid_with_a_clear_reason(given: str, problem: str) -> None:
    """R3: the recipient is `invalid` and explain says what is wrong with the display name."""
    (recipient,) = plan_activity(sent(given), DIRECTORY, Settings()).recipients
    assert (recipient.outcome, recipient.reason) == (INVALID, "invalid")
    assert problem in (display_problem(given) or "")
    assert problem in recipient_sentence(recipient.to_dict())


def test_a_display_name_sender_is_excluded_as_the_sender_and_names_the_owner() -> None:
    """R4, R15: a recipient equal to the sender's address is excluded as `sender`."""
    activity = sent(ANA, sender=f"Ana Lee <{ANA.upper()}>")
    (recipient,) = plan_activity(activity, DIRECTORY, Settings()).recipients
    assert recipient.reason == "sender"
    assert normalise(activity.sender) == ANA
