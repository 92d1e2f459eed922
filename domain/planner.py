"""The planner: which Salesforce Tasks (and Events) one activity should produce, and why (R1-R15).

`plan_activity` is pure and deterministic: no I/O, clock or randomness; the same activity,
directory facts and settings always give the same plan, in the same order.

Task order: shared batch Tasks in batch order (each batch's related records by id), then
one Task per Lead in recipient order; without sharing, one group of Tasks per matched
person in recipient order. Plan warnings are those of `domain.people`, plus
`missing_actor` for an engagement without an actor.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from domain.batching import Batch, form_batches, mixed_accounts_warning
from domain.fields import record_fields
from domain.model import (
    CONTACT,
    ENGAGEMENT_TYPES,
    LEAD,
    Activity,
    Directory,
    Plan,
    PlannedTask,
    Recipient,
)
from domain.people import resolve_people
from domain.related import Relation, owner_of, relate
from domain.settings import Settings
from domain.sync_keys import sync_key

MISSING_ACTOR = "missing_actor"
# R13: `lead_not_related:<object>:<record id>`, the custom record a Lead's Task cannot carry.
LEAD_NOT_RELATED = "lead_not_related"


@dataclass(frozen=True)
class _Context:
    activity: Activity
    directory: Directory
    settings: Settings
    owner: str | None
    sobject: str
    fields: Mapping[str, Any]


def plan_activity(activity: Activity, directory: Directory, settings: Settings) -> Plan:
    """Plan one activity: its recipients with outcomes (R1-R5) and the records to write (R6-R15)."""
    recipients, warnings = resolve_people(activity, directory, settings)
    return plan_for_people(activity, directory, settings, recipients, warnings)


def plan_for_people(
    activity: Activity,
    directory: Directory,
    settings: Settings,
    recipients: tuple[Recipient, ...],
    warnings: tuple[str, ...],
) -> Plan:
    """R6-R15 for recipients already judged (R1-R5) under settings that judge them alike.

    Reads the directory's opportunities, contact roles and users only, never its Contacts
    or Leads; `warnings` are those of `resolve_people`.
    """
    sobject = "Event" if activity.type == "meeting" else "Task"
    owner = owner_of(directory, activity.sender)
    context = _Context(
        activity, directory, settings, owner, sobject, record_fields(activity, sobject, owner)
    )
    people = [r for r in recipients if r.outcome in (CONTACT, LEAD)]
    contacts = [p for p in people if p.outcome == CONTACT]
    if is_shared(activity, settings, len(contacts)):
        tasks = _shared_tasks(contacts, context)
        tasks += [t for p in people if p.outcome == LEAD for t in _individual_tasks(p, context)]
    else:
        tasks = [t for p in people for t in _individual_tasks(p, context)]
    if activity.type in ENGAGEMENT_TYPES and activity.actor is None:
        warnings += (MISSING_ACTOR,)
    return Plan(recipients=recipients, tasks=tuple(tasks), warnings=warnings)


def is_shared(activity: Activity, settings: Settings, matched_contacts: int) -> bool:
    """R6: shared in effect (R17), a sent email, no custom record (R13), two or more Contacts."""
    return (
        settings.shared_in_effect
        and activity.type == "sent"
        and activity.related_to is None
        and matched_contacts >= 2
    )


def _shared_tasks(contacts: Sequence[Recipient], context: _Context) -> list[PlannedTask]:
    """R7-R8, R10: one Task per batch and related record of the batch's primary."""
    settings = context.settings
    batches = form_batches(contacts, settings.batch_size, settings.split_by_account)
    return [
        task
        for index, batch in enumerate(batches)
        for task in _batch_tasks(batch, index, len(batches), context)
    ]


def _batch_tasks(batch: Batch, index: int, count: int, context: _Context) -> list[PlannedTask]:
    primary = batch[0]
    relation = relate(primary, context.directory, context.settings, context.owner)
    warning = mixed_accounts_warning(batch)
    return _tasks_for(
        primary,
        tuple(c.contact_id or "" for c in batch),
        relation,
        context,
        kind="batch",
        shared=True,
        batch=(index, count),
        warnings=(warning,) if warning else (),
    )


def _individual_tasks(person: Recipient, context: _Context) -> list[PlannedTask]:
    """R9 (Leads), R11-R14: one record per related record of this one person, never shared."""
    related_to = context.activity.related_to
    warnings: tuple[str, ...] = ()
    if related_to is not None and person.outcome == LEAD:
        # Salesforce refuses a WhatId on a Task or Event whose WhoId is a Lead (R13).
        relation = Relation(((None, "R13"),), ())
        warnings = (f"{LEAD_NOT_RELATED}:{related_to.object}:{related_to.id}",)
    elif related_to is not None:
        relation = Relation(((related_to.id, "R13"),), ())
    elif person.outcome == LEAD:
        relation = Relation(((None, "R9"),), ())
    else:
        relation = relate(person, context.directory, context.settings, context.owner)
    kind = "event" if context.sobject == "Event" else "single"
    who = (person.person_id or "",)
    return _tasks_for(person, who, relation, context, kind=kind, shared=False, warnings=warnings)


def _tasks_for(
    primary: Recipient,
    who_ids: tuple[str, ...],
    relation: Relation,
    context: _Context,
    *,
    kind: str,
    shared: bool,
    batch: tuple[int, int] = (0, 1),
    warnings: tuple[str, ...] = (),
) -> list[PlannedTask]:
    person_id = who_ids[0]
    return [
        PlannedTask(
            sync_key=sync_key(context.activity.id, context.sobject, kind, person_id, what_id),
            sobject=context.sobject,
            who_id=person_id,
            who_ids=who_ids,
            what_id=what_id,
            what_rule=rule,
            account_id=primary.account_id,
            shared=shared,
            batch_index=batch[0],
            batch_count=batch[1],
            opportunities_considered=relation.considered,
            warnings=warnings,
            fields=dict(context.fields),
        )
        for what_id, rule in relation.targets
    ]
