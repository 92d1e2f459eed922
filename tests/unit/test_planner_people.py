"""Who is who (R1-R5): each address's outcome and reason, as `plan_activity` reports it."""

from __future__ import annotations

import pytest

from domain.addresses import is_valid_address
from domain.model import (
    BCC_SKIPPED,
    CONTACT,
    DUPLICATE,
    EXCLUDED,
    INVALID,
    LEAD,
    UNMATCHED,
    Activity,
    ContactFact,
    Directory,
    LeadFact,
)
from domain.planner import plan_activity
from domain.settings import Settings

SENDER = "rep@ours.example"


def sent(*to: str, cc: tuple[str, ...] = (), bcc: tuple[str, ...] = ()) -> Activity:
    return Activity(
        id="a-1",
        type="sent",
        occurred_at="2024-05-01T10:00:00Z",
        sender=SENDER,
        to=to,
        cc=cc,
        bcc=bcc,
    )


def contacts(*addresses: str, account: str | None = "001A") -> Directory:
    return Directory(
        contacts_by_email={
            a: (ContactFact(id=f"003{i:03}", email=a, account_id=account),)
            for i, a in enumerate(addresses)
        }
    )


def outcomes(activity: Activity, directory: Directory, settings: Settings | None = None) -> list:
    plan = plan_activity(activity, directory, settings or Settings())
    return [(r.address, r.role, r.outcome, r.reason) for r in plan.recipients]


def test_addresses_are_trimmed_and_lower_cased_before_matching() -> None:
    """R1: `  Ann@Alpha.Example ` matches the Contact keyed `ann@alpha.example`."""
    plan = plan_activity(sent("  Ann@Alpha.Example "), contacts("ann@alpha.example"), Settings())
    (recipient,) = plan.recipients
    assert (recipient.address, recipient.given) == ("ann@alpha.example", "  Ann@Alpha.Example ")
    assert (recipient.outcome, recipient.contact_id) == (CONTACT, "003000")


def test_a_repeated_address_keeps_its_first_position_and_later_ones_are_duplicates() -> None:
    """R1: the first occurrence is judged; later ones (any case, any list) are DUPLICATE."""
    activity = sent("a@alpha.example", "b@alpha.example", cc=("A@ALPHA.example", "b@alpha.example"))
    got = outcomes(activity, contacts("a@alpha.example", "b@alpha.example"))
    assert got == [
        ("a@alpha.example", "to", CONTACT, None),
        ("b@alpha.example", "to", CONTACT, None),
        ("a@alpha.example", "cc", DUPLICATE, "duplicate_of:0"),
        ("b@alpha.example", "cc", DUPLICATE, "duplicate_of:1"),
    ]


def test_two_addresses_of_one_contact_plan_that_person_once() -> None:
    """R1: a person reached through two addresses is planned once, at the first position."""
    same = ContactFact(id="003X", email="a@alpha.example", account_id="001A")
    directory = Directory(
        contacts_by_email={"a@alpha.example": (same,), "a2@alpha.example": (same,)}
    )
    plan = plan_activity(sent("a@alpha.example", "a2@alpha.example"), directory, Settings())
    assert [(r.outcome, r.reason) for r in plan.recipients] == [
        (CONTACT, None),
        (DUPLICATE, "same_person_as:0"),
    ]
    assert [t.who_ids for t in plan.tasks] == [("003X",)]


def test_recipients_follow_to_then_cc_and_bcc_is_skipped_by_default() -> None:
    """R2: To as given, then Cc as given; Bcc is listed but BCC_SKIPPED without include_bcc."""
    activity = sent(
        "t2@alpha.example", "t1@alpha.example", cc=("c1@alpha.example",), bcc=("b@alpha.example",)
    )
    got = outcomes(
        activity,
        contacts("t1@alpha.example", "t2@alpha.example", "c1@alpha.example", "b@alpha.example"),
    )
    assert [(a, role, o) for a, role, o, _ in got] == [
        ("t2@alpha.example", "to", CONTACT),
        ("t1@alpha.example", "to", CONTACT),
        ("c1@alpha.example", "cc", CONTACT),
        ("b@alpha.example", "bcc", BCC_SKIPPED),
    ]


def test_bcc_follows_cc_when_include_bcc_is_on() -> None:
    """R2: with include_bcc, Bcc recipients are matched after Cc, and a Bcc copy of a To is a duplicate."""
    activity = sent(
        "t@alpha.example", cc=("c@alpha.example",), bcc=("b@alpha.example", "T@alpha.example")
    )
    got = outcomes(
        activity,
        contacts("t@alpha.example", "c@alpha.example", "b@alpha.example"),
        Settings(include_bcc=True),
    )
    assert [o for _, _, o, _ in got] == [CONTACT, CONTACT, CONTACT, DUPLICATE]
    assert got[2][:2] == ("b@alpha.example", "bcc")


@pytest.mark.parametrize(
    "address",
    [
        "",
        "plain",
        "a@b",
        "a@@alpha.example",
        "a b@alpha.example",
        "@alpha.example",
        "a@alpha..example",
        "a@-alpha.example",
        "a@alpha.123",
        "Ann <a@alpha.example",
        "Lee, Ann <a@alpha.example>",
        "Ann <>",
        "Ann <a@alpha.example> <b@alpha.example>",
        "a@alpha.example,b@alpha.example",
        "a@alpha_x.example",
        "x" * 65 + "@alpha.example",
    ],
)
def test_invalid_addresses_are_skipped_with_reason_invalid(address: str) -> None:
    """R3: not a syntactically valid email -> INVALID, reason `invalid`, no Task."""
    plan = plan_activity(sent(address), contacts(address.strip().lower()), Settings())
    assert [(r.outcome, r.reason) for r in plan.recipients] == [(INVALID, "invalid")]
    assert plan.tasks == ()


@pytest.mark.parametrize(
    "address",
    [
        '"quoted.name"@alpha.example',
        "back\\slash@alpha.example",
        "pct%route@alpha.example",
        "under_score+tag@alpha.example",
        "josé@alpha.example",
        "用户@例子.广告",
        "o'neil@eu.alpha.example",
    ],
)
def test_real_world_addresses_with_unusual_local_parts_are_valid(address: str) -> None:
    """R3: quotes, backslashes, %, _, + and Unicode occur in real addresses and are accepted."""
    assert is_valid_address(address)


@pytest.mark.parametrize(
    ("address", "settings", "reason"),
    [
        ("rep@ours.example", Settings(), "sender"),
        (
            "vip@alpha.example",
            Settings(excluded=("vip@alpha.example",)),
            "exclusion_list:vip@alpha.example",
        ),
        ("x@alpha.example", Settings(excluded=("alpha.example",)), "exclusion_list:alpha.example"),
        (
            "x@eu.alpha.example",
            Settings(excluded=("alpha.example",)),
            "exclusion_list:alpha.example",
        ),
        (
            "x@ours.example",
            Settings(internal_domains=("ours.example",)),
            "internal_domain:ours.example",
        ),
        (
            "x@mail.ours.example",
            Settings(internal_domains=("ours.example",)),
            "internal_domain:ours.example",
        ),
        ("noreply@alpha.example", Settings(), "system_sender:noreply"),
        ("mailer-daemon@alpha.example", Settings(), "system_sender:mailer-daemon"),
        ("noreply+billing@alpha.example", Settings(), "system_sender:noreply"),
        ("robot@alpha.example", Settings(system_senders=("robot",)), "system_sender:robot"),
    ],
)
def test_excluded_addresses_name_the_rule_that_matched(
    address: str, settings: Settings, reason: str
) -> None:
    """R4: exclusion list (address, domain, subdomain), internal domains, system senders, the sender."""
    plan = plan_activity(sent(address), contacts(address), settings)
    assert [(r.outcome, r.reason) for r in plan.recipients] == [(EXCLUDED, reason)]
    assert plan.tasks == ()


def test_a_domain_entry_does_not_match_a_longer_domain_that_merely_ends_like_it() -> None:
    """R4: `alpha.example` excludes `eu.alpha.example`, not `malpha.example`."""
    settings = Settings(excluded=("alpha.example",), internal_domains=("alpha.example",))
    got = outcomes(sent("x@malpha.example"), contacts("x@malpha.example"), settings)
    assert got[0][2] == CONTACT


def test_exclusion_rules_apply_in_order_sender_list_internal_system() -> None:
    """R4: precedence sender > exclusion list > internal domain > system sender."""
    settings = Settings(
        excluded=("ours.example",), internal_domains=("ours.example", "beta.example")
    )
    activity = sent("rep@ours.example", "x@ours.example", "noreply@beta.example")
    got = outcomes(activity, Directory(), settings)
    assert [r for *_, r in got] == [
        "sender",
        "exclusion_list:ours.example",
        "internal_domain:beta.example",
    ]


def test_a_contact_wins_over_a_lead_and_a_lead_over_unmatched() -> None:
    """R5: Contact first, then an unconverted Lead, else UNMATCHED with no Task."""
    directory = Directory(
        contacts_by_email={"both@alpha.example": (ContactFact("003C", "both@alpha.example"),)},
        leads_by_email={
            "both@alpha.example": (LeadFact("00QB", "both@alpha.example"),),
            "lead@beta.example": (LeadFact("00QL", "lead@beta.example"),),
        },
    )
    plan = plan_activity(
        sent("both@alpha.example", "lead@beta.example", "who@gamma.example"), directory, Settings()
    )
    assert [(r.outcome, r.person_id) for r in plan.recipients] == [
        (CONTACT, "003C"),
        (LEAD, "00QL"),
        (UNMATCHED, None),
    ]
    assert plan.recipients[2].reason == "no_contact_or_lead"
    assert sorted(t.who_id for t in plan.tasks) == ["003C", "00QL"]


def test_several_contacts_with_one_address_pick_the_most_recent_and_record_the_ambiguity() -> None:
    """R5: greatest last_modified wins (as instants, whatever the offset); the others are recorded."""
    address = "dup@alpha.example"
    facts = (
        ContactFact("003A", address, "001A", last_modified="2024-01-01T12:00:00+00:00"),
        ContactFact("003B", address, "001B", last_modified="2024-01-01T13:30:00+02:00"),  # 11:30Z
        ContactFact("003C", address, "001C", last_modified="2023-12-31T23:00:00Z"),
    )
    plan = plan_activity(sent(address), Directory(contacts_by_email={address: facts}), Settings())
    (recipient,) = plan.recipients
    assert (recipient.contact_id, recipient.account_id) == ("003A", "001A")
    assert recipient.ambiguous_ids == ("003B", "003C")
    assert plan.warnings == (f"ambiguous_contact:{address}:003A,003B,003C",)


def test_equally_recent_contacts_pick_the_smallest_id() -> None:
    """R5: ties on last_modified go to the smallest id, so the choice is deterministic."""
    address = "tie@alpha.example"
    facts = (
        ContactFact("003Z", address, last_modified="2024-01-01T00:00:00Z"),
        ContactFact("003M", address, last_modified="2024-01-01T00:00:00Z"),
    )
    plan = plan_activity(sent(address), Directory(contacts_by_email={address: facts}), Settings())
    assert (plan.recipients[0].contact_id, plan.recipients[0].ambiguous_ids) == ("003M", ("003Z",))


def test_several_leads_with_one_address_pick_the_most_recently_modified() -> None:
    """R5: the most recently modified unconverted Lead wins; the ambiguity is recorded."""
    address = "lead@beta.example"
    facts = (
        LeadFact("00Q1", address, "2024-01-01T00:00:00Z"),
        LeadFact("00Q2", address, "2024-03-01T00:00:00Z"),
    )
    plan = plan_activity(sent(address), Directory(leads_by_email={address: facts}), Settings())
    assert (plan.recipients[0].lead_id, plan.recipients[0].ambiguous_ids) == ("00Q2", ("00Q1",))
    assert plan.warnings == (f"ambiguous_lead:{address}:00Q2,00Q1",)
