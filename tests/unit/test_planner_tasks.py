"""Which Tasks an activity yields (R6-R14): sharing, batches, primaries, Leads, related records."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.model import (
    Activity,
    ContactFact,
    Directory,
    LeadFact,
    OpportunityFact,
    RelatedRecord,
)
from domain.planner import plan_activity
from domain.settings import Settings

SENDER = "rep@ours.example"
SHARED = Settings(shared_activities="on")


def email(*to: str, type: str = "sent", **extra: object) -> Activity:
    return replace(
        Activity(id="e-1", type=type, occurred_at="2024-05-01T10:00:00Z", sender=SENDER, to=to),
        **extra,
    )


def people(
    n: int, account: str | None = "001A", start: int = 0
) -> dict[str, tuple[ContactFact, ...]]:
    return {
        f"p{i}@alpha.example": (ContactFact(f"003{i:03}", f"p{i}@alpha.example", account),)
        for i in range(start, start + n)
    }


def addresses(n: int, start: int = 0) -> list[str]:
    return [f"p{i}@alpha.example" for i in range(start, start + n)]


def opp(
    id: str, account: str | None = "001A", closed: bool = False, owner: str | None = "005R"
) -> OpportunityFact:
    return OpportunityFact(id=id, account_id=account, owner_id=owner, is_closed=closed)


# R6 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "shared"),
    [
        (Settings(shared_activities="on"), True),
        (Settings(shared_activities="auto", org_shared_activities=True), True),
        (Settings(shared_activities="auto", org_shared_activities=None), False),
        (Settings(shared_activities="auto", org_shared_activities=False), False),
        (Settings(shared_activities="off", org_shared_activities=True), False),
    ],
)
def test_shared_tasks_are_formed_only_when_shared_activities_is_in_effect(
    settings: Settings, shared: bool
) -> None:
    """R6, R17: on, or auto with the org setting enabled; off forces individual Tasks."""
    plan = plan_activity(email(*addresses(3)), Directory(contacts_by_email=people(3)), settings)
    assert [t.shared for t in plan.tasks] == ([True] if shared else [False] * 3)


def test_an_internal_reply_to_several_contacts_is_shared() -> None:
    """R6: a sent email with is_reply (an internal reply) is shared like a new one."""
    plan = plan_activity(
        email(*addresses(2), is_reply=True), Directory(contacts_by_email=people(2)), SHARED
    )
    assert [(t.shared, t.who_ids) for t in plan.tasks] == [(True, ("003000", "003001"))]


def test_a_sent_email_with_one_matched_contact_makes_an_individual_task() -> None:
    """R6: sharing needs two or more matched Contacts; unmatched and excluded ones do not count."""
    activity = email("p0@alpha.example", "nobody@alpha.example", "noreply@alpha.example")
    plan = plan_activity(activity, Directory(contacts_by_email=people(1)), SHARED)
    assert [(t.shared, t.who_ids, t.batch_count) for t in plan.tasks] == [(False, ("003000",), 1)]


# R7 / R8 ------------------------------------------------------------------------------


def test_sixty_contacts_make_two_tasks_of_fifty_and_ten() -> None:
    """R7: 60 matched Contacts -> two shared Tasks, the first with 50, the second with 10."""
    plan = plan_activity(email(*addresses(60)), Directory(contacts_by_email=people(60)), SHARED)
    assert [len(t.who_ids) for t in plan.tasks] == [50, 10]
    assert [(t.batch_index, t.batch_count) for t in plan.tasks] == [(0, 2), (1, 2)]
    assert [t.who_id for t in plan.tasks] == ["003000", "003050"]
    assert plan.tasks[0].who_ids == tuple(f"003{i:03}" for i in range(50))


def test_the_batch_size_setting_cuts_smaller_batches_and_a_last_batch_of_one_stays_shared() -> None:
    """R7: batch size 3 over 7 Contacts -> 3, 3, 1; all three Tasks are shared."""
    settings = replace(SHARED, batch_size=3)
    plan = plan_activity(email(*addresses(7)), Directory(contacts_by_email=people(7)), settings)
    assert [len(t.who_ids) for t in plan.tasks] == [3, 3, 1]
    assert all(t.shared for t in plan.tasks)


def test_each_batch_keeps_recipient_order_and_its_first_contact_is_the_primary() -> None:
    """R2, R8: To then Cc order decides batches; the first of each batch is its WhoId."""
    activity = email(
        "p3@alpha.example", "p1@alpha.example", cc=("p0@alpha.example", "p2@alpha.example")
    )
    plan = plan_activity(
        activity, Directory(contacts_by_email=people(4)), replace(SHARED, batch_size=2)
    )
    assert [(t.who_id, t.who_ids) for t in plan.tasks] == [
        ("003003", ("003003", "003001")),
        ("003000", ("003000", "003002")),
    ]


def test_when_the_first_recipient_is_excluded_the_second_becomes_primary() -> None:
    """R4, R8: an excluded first recipient is on no Task; the first valid Contact is primary."""
    contacts = people(3)
    activity = email("p0@alpha.example", "p1@alpha.example", "p2@alpha.example")
    settings = replace(SHARED, excluded=("p0@alpha.example",))
    plan = plan_activity(activity, Directory(contacts_by_email=contacts), settings)
    assert [(t.who_id, t.who_ids) for t in plan.tasks] == [("003001", ("003001", "003002"))]


# R9 -----------------------------------------------------------------------------------


def test_each_lead_gets_its_own_task_without_what_id_beside_the_shared_task() -> None:
    """R9: Leads are never batched; each has its own Task, WhoId = Lead, no WhatId."""
    leads = {f"l{i}@beta.example": (LeadFact(f"00Q{i}", f"l{i}@beta.example"),) for i in range(2)}
    directory = Directory(
        contacts_by_email=people(2),
        leads_by_email=leads,
        opportunities_by_account={"001A": (opp("006A"),)},
    )
    activity = email("l0@beta.example", *addresses(2), "l1@beta.example")
    plan = plan_activity(activity, directory, SHARED)
    assert [(t.who_ids, t.what_id, t.what_rule, t.shared) for t in plan.tasks] == [
        (("003000", "003001"), "006A", "R10a", True),
        (("00Q0",), None, "R9", False),
        (("00Q1",), None, "R9", False),
    ]
    assert [t.account_id for t in plan.tasks] == ["001A", None, None]


# R10 ----------------------------------------------------------------------------------


def world(**overrides: object) -> Directory:
    """Two Contacts of 001A; 001A has two open and one closed Opportunity; 003000 has two roles."""
    base = Directory(
        contacts_by_email=people(2),
        opportunities_by_account={"001A": (opp("006B"), opp("006A"), opp("006C", closed=True))},
        roles_by_contact={"003000": (opp("006R", account="001Z"), opp("006A"))},
        users_by_email={SENDER: "005R"},
    )
    return replace(base, **overrides)


def test_account_mode_makes_one_task_per_open_opportunity_of_the_primarys_account() -> None:
    """R10a: one shared Task per open Opportunity of P's Account, ordered by id."""
    plan = plan_activity(email(*addresses(2)), world(), SHARED)
    assert [(t.what_id, t.what_rule) for t in plan.tasks] == [("006A", "R10a"), ("006B", "R10a")]
    assert all(t.who_ids == ("003000", "003001") for t in plan.tasks)
    assert plan.tasks[0].opportunities_considered == ("006A", "006B", "006C")
    assert len({t.sync_key for t in plan.tasks}) == 2


def test_contact_role_mode_uses_the_opportunities_where_the_primary_has_a_role() -> None:
    """R10b: one Task per Opportunity on which P has an OpportunityContactRole."""
    settings = replace(SHARED, opportunity_mode="contact_role")
    plan = plan_activity(email(*addresses(2)), world(), settings)
    assert [(t.what_id, t.what_rule) for t in plan.tasks] == [("006A", "R10b"), ("006R", "R10b")]


def test_closed_opportunities_count_only_with_include_closed_opportunities() -> None:
    """R10a/b: open only by default; include_closed_opportunities adds closed ones."""
    settings = replace(SHARED, include_closed_opportunities=True)
    plan = plan_activity(email(*addresses(2)), world(), settings)
    assert [t.what_id for t in plan.tasks] == ["006A", "006B", "006C"]


def test_owned_opportunities_only_keeps_those_owned_by_the_senders_user() -> None:
    """R10: with owned_opportunities_only, only Opportunities the sender's User owns count."""
    directory = replace(
        world(), opportunities_by_account={"001A": (opp("006A", owner="005X"), opp("006B"))}
    )
    plan = plan_activity(
        email(*addresses(2)), directory, replace(SHARED, owned_opportunities_only=True)
    )
    assert [t.what_id for t in plan.tasks] == ["006B"]


def test_owned_opportunities_only_with_an_unknown_sender_falls_back_to_the_account() -> None:
    """R10, R10c: no User for the sender -> no Opportunity is owned by them -> the Account,
    even one without an owner."""
    unowned = {"001A": (opp("006A", owner=None), opp("006B"), opp("006C", closed=True))}
    directory = replace(world(), users_by_email={}, opportunities_by_account=unowned)
    plan = plan_activity(
        email(*addresses(2)), directory, replace(SHARED, owned_opportunities_only=True)
    )
    assert [(t.what_id, t.what_rule) for t in plan.tasks] == [("001A", "R10c")]
    assert plan.tasks[0].opportunities_considered == ("006A", "006B", "006C")


def test_no_opportunity_relates_the_task_to_the_primarys_account() -> None:
    """R10c: no Opportunity found -> WhatId = P's Account."""
    directory = Directory(contacts_by_email=people(2))
    plan = plan_activity(email(*addresses(2)), directory, SHARED)
    assert [(t.what_id, t.what_rule, t.account_id) for t in plan.tasks] == [
        ("001A", "R10c", "001A")
    ]


def test_no_opportunity_and_no_account_leaves_what_id_empty() -> None:
    """R10d: no Opportunity and no Account -> the Task is still created, WhatId empty."""
    directory = Directory(contacts_by_email=people(2, account=None))
    plan = plan_activity(email(*addresses(2)), directory, SHARED)
    assert [(t.what_id, t.what_rule, t.account_id) for t in plan.tasks] == [(None, "R10d", None)]


def test_mixed_accounts_relate_to_the_primarys_account_and_warn() -> None:
    """R10e: other Accounts in the batch do not change WhatId; a warning names them."""
    contacts = {
        **people(1, "001A"),
        **people(2, "001B", start=1),
        **people(1, "001C", start=3),
        **people(1, None, start=4),
    }
    plan = plan_activity(email(*addresses(5)), Directory(contacts_by_email=contacts), SHARED)
    (task,) = plan.tasks
    assert (task.what_id, task.what_rule, len(task.who_ids)) == ("001A", "R10c", 5)
    assert task.warnings == ("mixed_accounts:001B,001C",)


def test_split_by_account_groups_contacts_by_account_before_batching() -> None:
    """R10e option: groups in order of first appearance, no-Account contacts together; no warning."""
    contacts = {
        **people(1, "001A"),
        **people(1, "001B", start=1),
        **people(1, None, start=2),
        **people(2, "001A", start=3),
    }
    settings = replace(SHARED, split_by_account=True, batch_size=2)
    plan = plan_activity(email(*addresses(5)), Directory(contacts_by_email=contacts), settings)
    assert [(t.who_ids, t.what_id, t.shared) for t in plan.tasks] == [
        (("003000", "003003"), "001A", True),
        (("003004",), "001A", True),
        (("003001",), "001B", True),
        (("003002",), None, True),
    ]
    assert [t.batch_index for t in plan.tasks] == [0, 1, 2, 3]
    assert all(t.warnings == () for t in plan.tasks)


# R11 ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["reply", "open", "click", "download", "bounce"])
def test_an_engagement_makes_one_individual_task_for_its_contact_actor(kind: str) -> None:
    """R11: WhoId = the actor, WhatId by R10 for that actor, never shared, To/Cc ignored."""
    directory = replace(world(), opportunities_by_account={"001A": (opp("006A"),)})
    activity = email(*addresses(2), type=kind, actor="P1@alpha.example")
    plan = plan_activity(activity, directory, SHARED)
    assert [(r.role, r.contact_id) for r in plan.recipients] == [("actor", "003001")]
    assert [(t.who_ids, t.what_id, t.shared) for t in plan.tasks] == [(("003001",), "006A", False)]


def test_an_engagement_by_a_lead_relates_to_nothing() -> None:
    """R11, R9: a Lead actor gets one Task without WhatId."""
    directory = Directory(leads_by_email={"l@beta.example": (LeadFact("00QL", "l@beta.example"),)})
    plan = plan_activity(email(type="open", actor="l@beta.example"), directory, SHARED)
    assert [(t.who_id, t.what_id, t.what_rule) for t in plan.tasks] == [("00QL", None, "R9")]


@pytest.mark.parametrize(
    "actor", ["stranger@gamma.example", "noreply@alpha.example", "not-an-address"]
)
def test_an_unmatched_excluded_or_invalid_actor_creates_nothing(actor: str) -> None:
    """R11: no Task, but the actor's outcome is recorded."""
    plan = plan_activity(email(type="click", actor=actor), world(), SHARED)
    assert plan.tasks == ()
    assert len(plan.recipients) == 1 and plan.recipients[0].reason is not None


# R12 ----------------------------------------------------------------------------------


def test_a_meeting_makes_one_event_per_matched_attendee_never_shared() -> None:
    """R12: one Event per matched Contact (R10 for it) or Lead, with its start and end."""
    directory = replace(
        world(),
        leads_by_email={"l@beta.example": (LeadFact("00QL", "l@beta.example"),)},
        opportunities_by_account={"001A": (opp("006A"),)},
    )
    activity = email(
        "p0@alpha.example",
        "l@beta.example",
        type="meeting",
        cc=("p1@alpha.example",),
        starts_at="2024-05-02T09:00:00+02:00",
        ends_at="2024-05-02T09:30:00+02:00",
    )
    plan = plan_activity(activity, directory, SHARED)
    assert {r.role for r in plan.recipients} == {"attendee"}
    assert [(t.sobject, t.who_ids, t.what_id, t.shared) for t in plan.tasks] == [
        ("Event", ("003000",), "006A", False),
        ("Event", ("00QL",), None, False),
        ("Event", ("003001",), "006A", False),
    ]
    assert plan.tasks[0].fields["StartDateTime"] == "2024-05-02T09:00:00+02:00"


# R13 ----------------------------------------------------------------------------------


def test_a_custom_record_relates_each_contacts_task_and_a_leads_task_carries_only_a_warning() -> (
    None
):
    """R13: with related_to, never shared; a Contact's Task has the custom record as WhatId,
    a Lead's Task has no WhatId (Salesforce refuses one) and says which record it lacks."""
    directory = replace(
        world(), leads_by_email={"l@beta.example": (LeadFact("00QL", "l@beta.example"),)}
    )
    activity = email(
        *addresses(2), "l@beta.example", related_to=RelatedRecord("Project__c", "a01X")
    )
    plan = plan_activity(activity, directory, SHARED)
    assert [(t.who_ids, t.what_id, t.what_rule, t.shared) for t in plan.tasks] == [
        (("003000",), "a01X", "R13", False),
        (("003001",), "a01X", "R13", False),
        (("00QL",), None, "R13", False),
    ]
    assert [t.warnings for t in plan.tasks] == [(), (), ("lead_not_related:Project__c:a01X",)]


# R14 ----------------------------------------------------------------------------------


def test_without_shared_activities_each_contact_gets_tasks_related_by_its_own_account() -> None:
    """R14: one Task per matched Contact (R10 for each) and one per Lead."""
    contacts = {**people(1, "001A"), **people(1, "001B", start=1), **people(1, None, start=2)}
    directory = Directory(
        contacts_by_email=contacts,
        leads_by_email={"l@beta.example": (LeadFact("00QL", "l@beta.example"),)},
        opportunities_by_account={"001A": (opp("006A"), opp("006B"))},
    )
    activity = email(*addresses(3), "l@beta.example")
    plan = plan_activity(activity, directory, Settings(shared_activities="off"))
    assert [(t.who_ids, t.what_id, t.what_rule, t.shared) for t in plan.tasks] == [
        (("003000",), "006A", "R10a", False),
        (("003000",), "006B", "R10a", False),
        (("003001",), "001B", "R10c", False),
        (("003002",), None, "R10d", False),
        (("00QL",), None, "R9", False),
    ]


def test_the_same_input_always_gives_the_same_plan() -> None:
    """R20: the planner is pure; planning twice gives equal plans and sync keys."""
    activity = email(*addresses(7))
    settings = replace(SHARED, batch_size=3)
    first = plan_activity(activity, world(contacts_by_email=people(7)), settings)
    assert plan_activity(activity, world(contacts_by_email=people(7)), settings) == first
