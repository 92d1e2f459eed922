"""Properties of the planner (R1-R14, R20) over generated activities, directories and settings.

Every expectation is computed here from the generator's ground truth (`planner_strategies`),
never by calling the planner's own helpers: outcomes per address, the batches, the related
records of each primary, and the Task-count formulas of R10 and R14.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from hypothesis import given
from planner_strategies import SENDER, Person, Scenario, scenarios

from domain.model import (
    BCC_SKIPPED,
    DUPLICATE,
    ENGAGEMENT_TYPES,
    ContactFact,
    Directory,
    LeadFact,
    Plan,
    PlannedTask,
    RelatedRecord,
)
from domain.planner import plan_activity

# The oracle -----------------------------------------------------------------------------


def slots(s: Scenario) -> list[tuple[str, str, bool]]:
    """(given address, role, considered) in R2 order, duplicates included."""
    a = s.activity
    if a.type in ENGAGEMENT_TYPES:
        return [(a.actor, "actor", True)] if a.actor is not None else []
    role = "attendee" if a.type == "meeting" else None
    return (
        [(x, role or "to", True) for x in a.to]
        + [(x, role or "cc", True) for x in a.cc]
        + [(x, role or "bcc", s.settings.include_bcc) for x in a.bcc]
    )


def expected_people(s: Scenario) -> list[Person]:
    """First occurrences of the considered addresses, in order (R1, R2)."""
    seen: dict[str, Person] = {}
    for address, _, considered in slots(s):
        if considered:
            seen.setdefault(address.strip().lower(), s.truth(address))
    return list(seen.values())


def matched(s: Scenario, kind: str) -> list[Person]:
    return [p for p in expected_people(s) if p.expect == kind]


def shared_expected(s: Scenario) -> bool:
    settings = s.settings
    in_effect = settings.shared_activities == "on" or (
        settings.shared_activities == "auto" and settings.org_shared_activities is True
    )
    a = s.activity
    return (
        in_effect and a.type == "sent" and a.related_to is None and len(matched(s, "contact")) >= 2
    )


def expected_batches(s: Scenario) -> list[list[Person]]:
    contacts = matched(s, "contact")
    groups: list[list[Person]] = [contacts]
    if s.settings.split_by_account:
        accounts = list(dict.fromkeys(p.account_id for p in contacts))
        groups = [[p for p in contacts if p.account_id == acc] for acc in accounts]
    size = s.settings.batch_size
    return [g[i : i + size] for g in groups for i in range(0, len(g), size)]


def kept_opportunities(s: Scenario, contact: Person) -> list[str]:
    d, settings = s.directory, s.settings
    if settings.opportunity_mode == "contact_role":
        found = d.roles_by_contact.get(contact.person_id or "", ())
    else:
        found = d.opportunities_by_account.get(contact.account_id or "", ())
    owner = d.users_by_email.get(SENDER)
    kept = {
        o.id
        for o in found
        if (settings.include_closed_opportunities or not o.is_closed)
        and (not settings.owned_opportunities_only or (owner is not None and o.owner_id == owner))
    }
    return sorted(kept)


def related_records(s: Scenario, person: Person) -> list[tuple[str | None, str]]:
    """What R9, R10a-d or R13 should relate this person's Tasks to (a Lead's Task never has a
    WhatId: Salesforce refuses one with a Lead's WhoId)."""
    if s.activity.related_to is not None:
        return [(None if person.expect == "lead" else s.activity.related_to.id, "R13")]
    if person.expect == "lead":
        return [(None, "R9")]
    rule = "R10b" if s.settings.opportunity_mode == "contact_role" else "R10a"
    kept = kept_opportunities(s, person)
    if kept:
        return [(o, rule) for o in kept]
    return [(person.account_id, "R10c")] if person.account_id else [(None, "R10d")]


def plan(s: Scenario) -> Plan:
    return plan_activity(s.activity, s.directory, s.settings)


# Properties -----------------------------------------------------------------------------


@given(scenarios())
def test_every_address_gets_the_outcome_its_ground_truth_dictates(s: Scenario) -> None:
    """R1-R5: one Recipient per address in R2 order; Bcc skipped unless included; repeats are
    duplicates; otherwise invalid, excluded, Contact (most recent), Lead or unmatched."""
    result = plan(s)
    expected_slots = slots(s)
    assert [(r.given, r.role, r.position) for r in result.recipients] == [
        (given_, role, i) for i, (given_, role, _) in enumerate(expected_slots)
    ]
    seen: set[str] = set()
    for recipient, (given_, _, considered) in zip(result.recipients, expected_slots, strict=True):
        truth = s.truth(given_)
        if not considered:
            assert recipient.outcome == BCC_SKIPPED
        elif truth.address in seen:
            assert recipient.outcome == DUPLICATE
        else:
            seen.add(truth.address)
            assert (recipient.outcome, recipient.person_id) == (truth.expect, truth.person_id)
            rule = recipient.reason.split(":")[0] if recipient.reason else None
            assert rule == truth.rule


@given(scenarios(types=("sent",)))
def test_shared_batches_partition_the_matched_contacts_in_recipient_order(s: Scenario) -> None:
    """R6-R8, R10e: each matched Contact is on exactly one batch per related record; batches
    hold at most batch_size, all but the last of a group are full, order is kept, the first
    Contact is the WhoId, and other Accounts in a batch are named in a warning."""
    result = plan(s)
    shared = [t for t in result.tasks if t.shared]
    if not shared_expected(s):
        assert shared == []
        return
    by_batch: dict[int, list[PlannedTask]] = defaultdict(list)
    for task in shared:
        by_batch[task.batch_index].append(task)
    batches = expected_batches(s)
    assert sorted(by_batch) == list(range(len(batches)))
    for index, people in enumerate(batches):
        tasks = by_batch[index]
        ids = tuple(p.person_id for p in people)
        primary = people[0]
        others = list(dict.fromkeys(p.account_id for p in people[1:] if p.account_id))
        others = [a for a in others if a != primary.account_id]
        warnings = (f"mixed_accounts:{','.join(others)}",) if others else ()
        assert len(ids) <= s.settings.batch_size
        for task in tasks:
            assert (task.who_ids, task.who_id, task.account_id) == (ids, ids[0], primary.account_id)
            assert (task.batch_count, task.warnings, task.sobject) == (
                len(batches),
                warnings,
                "Task",
            )
        assert [(t.what_id, t.what_rule) for t in tasks] == related_records(s, primary)
    # Structure, read from the planner's own output: all but the last batch of a group are full.
    planned = [by_batch[i][0] for i in range(len(batches))]
    for current, following in zip(planned, planned[1:], strict=False):
        same_group = not s.settings.split_by_account or current.account_id == following.account_id
        if same_group:
            assert len(current.who_ids) == s.settings.batch_size


@given(scenarios())
def test_only_matched_people_are_on_tasks_and_each_lead_stands_alone(s: Scenario) -> None:
    """R2-R5, R9: excluded, invalid, unmatched and skipped Bcc people are on no Task; Leads
    are never batched and each Lead gets its own Tasks without a WhatId (R9, R13)."""
    result = plan(s)
    contacts = {p.person_id for p in matched(s, "contact")}
    leads = {p.person_id for p in matched(s, "lead")}
    on_tasks = {who for t in result.tasks for who in t.who_ids}
    assert on_tasks == contacts | leads
    for task in result.tasks:
        if task.who_id in leads:
            assert (task.who_ids, task.shared, task.account_id) == ((task.who_id,), False, None)
            assert task.what_id is None  # R9, R13: a Lead's Task carries no WhatId
    assert sum(t.who_id in leads for t in result.tasks) == len(leads)


@given(scenarios())
def test_the_number_of_tasks_follows_the_r10_and_r14_formulas(s: Scenario) -> None:
    """R10: batches x related records of each batch's primary, plus one per Lead; R14 (and
    R11-R13): one group per matched Contact by its own related records, plus one per Lead."""
    contacts, leads = matched(s, "contact"), matched(s, "lead")
    if shared_expected(s):
        expected = sum(len(related_records(s, b[0])) for b in expected_batches(s)) + len(leads)
    else:
        expected = sum(len(related_records(s, c)) for c in contacts) + len(leads)
    assert len(plan(s).tasks) == expected


@given(scenarios())
def test_every_individual_task_is_related_by_the_rule_for_its_person(s: Scenario) -> None:
    """R9-R13: an individual record's WhatId and rule follow from its one person."""
    result = plan(s)
    people = {p.person_id: p for p in expected_people(s) if p.expect in ("contact", "lead")}
    by_person: dict[str, list[tuple[str | None, str]]] = defaultdict(list)
    for task in result.tasks:
        if not task.shared:
            by_person[task.who_id or ""].append((task.what_id, task.what_rule))
            assert task.sobject == ("Event" if s.activity.type == "meeting" else "Task")
    for person_id, related in by_person.items():
        assert related == related_records(s, people[person_id])


@given(scenarios())
def test_sync_keys_are_unique_and_the_planner_is_deterministic(s: Scenario) -> None:
    """R20: unique keys within an activity; the same input (in any dict order) gives the same plan."""
    first = plan(s)
    keys = [t.sync_key for t in first.tasks]
    assert len(keys) == len(set(keys))
    assert plan(s) == first
    reordered = Directory(
        contacts_by_email=dict(reversed(s.directory.contacts_by_email.items())),
        leads_by_email=dict(reversed(s.directory.leads_by_email.items())),
        opportunities_by_account={
            k: tuple(reversed(v)) for k, v in reversed(s.directory.opportunities_by_account.items())
        },
        roles_by_contact={k: tuple(reversed(v)) for k, v in s.directory.roles_by_contact.items()},
        users_by_email=s.directory.users_by_email,
    )
    assert plan(replace(s, directory=reordered)) == first


@given(scenarios())
def test_sync_keys_do_not_depend_on_whatever_else_is_planned_alongside(s: Scenario) -> None:
    """R20: one more Lead or Contact at the end of the email renames no other planned Task
    (except a lone Contact becoming a shared batch, which is a different Task)."""
    before = {t.sync_key for t in plan(s).tasks}
    extra_lead = "fresh.lead@zeta.example"
    extra_contact = "fresh.contact@zeta.example"
    directory = replace(
        s.directory,
        leads_by_email={
            **s.directory.leads_by_email,
            extra_lead: (LeadFact("00QFRESH", extra_lead),),
        },
        contacts_by_email={
            **s.directory.contacts_by_email,
            extra_contact: (ContactFact("003FRESH", extra_contact, None),),
        },
    )
    bigger = _append(s, extra_lead)
    assert before <= {
        t.sync_key for t in plan_activity(bigger.activity, directory, s.settings).tasks
    }
    if len(matched(s, "contact")) != 1:  # else a lone Contact may become a (new) shared batch
        bigger = _append(s, extra_contact)
        after = plan_activity(bigger.activity, directory, s.settings)
        assert before <= {t.sync_key for t in after.tasks}


def _append(s: Scenario, address: str) -> Scenario:
    a = s.activity
    if s.settings.include_bcc:
        return replace(s, activity=replace(a, bcc=(*a.bcc, address)))
    return replace(s, activity=replace(a, cc=(*a.cc, address)))


@given(scenarios(types=("reply", "open", "click", "download", "bounce", "meeting"), max_slots=40))
def test_engagements_and_meetings_are_never_shared(s: Scenario) -> None:
    """R11, R12: one person per record; engagements only about the actor; meetings are Events."""
    result = plan(s)
    assert not any(t.shared for t in result.tasks)
    assert all(len(t.who_ids) == 1 and t.batch_count == 1 for t in result.tasks)
    if s.activity.type != "meeting":
        assert [r.role for r in result.recipients] == (["actor"] if s.activity.actor else [])
        assert {t.who_id for t in result.tasks} <= {r.person_id for r in result.recipients}


@given(scenarios(types=("sent",), max_slots=60))
def test_custom_object_activities_are_never_shared(s: Scenario) -> None:
    """R13: with related_to, every matched person gets one Task related to the custom record."""
    record = RelatedRecord("Project__c", "a01P0000002")
    s = replace(s, activity=replace(s.activity, related_to=record))
    result = plan(s)
    people = matched(s, "contact") + matched(s, "lead")
    assert sorted(t.who_id or "" for t in result.tasks) == sorted(p.person_id or "" for p in people)
    assert all(not t.shared and t.what_rule == "R13" for t in result.tasks)
