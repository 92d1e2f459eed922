"""Who is who (R1-R5): every address of an activity, in order, with its outcome and the reason.

Checks run in this order for each address: Bcc not included (R2), repeated address (R1),
invalid syntax (R3), exclusion (R4), then matching to a Contact, else a Lead (R5). A person
already matched by an earlier address (two addresses, one record) counts as a duplicate too,
so no person is ever planned twice.

Reasons: `include_bcc_off`, `duplicate_of:<position>`, `same_person_as:<position>`,
`forgotten` (R29), `invalid`, the R4 rule (`sender`, `exclusion_list:<entry>`, `internal_domain:<domain>`,
`system_sender:<name>`), `no_contact_or_lead`; matched people have none. Warnings:
`ambiguous_contact:<address>:<chosen id>,<other ids>` (and `ambiguous_lead:` alike).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from domain.addresses import Exclusions, is_valid_address, normalise
from domain.model import (
    BCC_SKIPPED,
    CONTACT,
    DUPLICATE,
    ENGAGEMENT_TYPES,
    EXCLUDED,
    FORGOTTEN,
    FORGOTTEN_PERSON,
    INVALID,
    LEAD,
    UNMATCHED,
    Activity,
    ContactFact,
    Directory,
    LeadFact,
    Recipient,
)
from domain.settings import Settings

Slot = tuple[str, str, bool]  # (address as given, role, considered)

# The only settings R1-R5 read: when these are unchanged, so is every address's outcome.
PEOPLE_SETTINGS = ("include_bcc", "internal_domains", "excluded", "system_senders")
_DEFAULTS = {name: getattr(Settings(), name) for name in PEOPLE_SETTINGS}


class _Person(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def last_modified(self) -> str: ...


P = TypeVar("P", bound=_Person)


def resolve_people(
    activity: Activity, directory: Directory, settings: Settings
) -> tuple[tuple[Recipient, ...], tuple[str, ...]]:
    """The activity's recipients (R2 order, skipped ones included) and activity-level warnings."""
    recipients: list[Recipient] = []
    warnings: list[str] = []
    first_position: dict[str, int] = {}
    person_position: dict[str, int] = {}
    exclusions = Exclusions.of(activity.sender, settings)
    for position, (given, role, considered) in enumerate(address_slots(activity, settings)):
        address = normalise(given)
        base = Recipient(address=address, given=given, role=role, position=position, outcome="")
        if not considered:
            recipients.append(_skip(base, BCC_SKIPPED, "include_bcc_off"))
        elif address == FORGOTTEN_PERSON:  # R29: erased, judged as if excluded
            recipients.append(_skip(base, FORGOTTEN, FORGOTTEN))
        elif address in first_position:
            recipients.append(_skip(base, DUPLICATE, f"duplicate_of:{first_position[address]}"))
        else:
            first_position[address] = position
            recipient = _judge(base, exclusions, directory, warnings)
            earlier = person_position.get(recipient.person_id or "")
            if earlier is not None:
                recipient = _skip(base, DUPLICATE, f"same_person_as:{earlier}")
            elif recipient.person_id:
                person_position[recipient.person_id] = position
            recipients.append(recipient)
    return tuple(recipients), tuple(warnings)


def judged_alike(settings: Settings, stored: Mapping[str, Any]) -> bool:
    """Whether `settings` judge addresses exactly as the stored settings (a `to_dict`) did."""
    for name in PEOPLE_SETTINGS:
        value = stored.get(name, _DEFAULTS[name])
        if isinstance(value, list):
            value = tuple(value)
        if value != getattr(settings, name):
            return False
    return True


def address_slots(activity: Activity, settings: Settings) -> Iterator[Slot]:
    """R2: To, then Cc, then Bcc (considered only with `include_bcc`); engagements: the actor."""
    if activity.type in ENGAGEMENT_TYPES:
        if activity.actor is not None:
            yield (activity.actor, "actor", True)
        return
    meeting = activity.type == "meeting"
    for role, addresses in (("to", activity.to), ("cc", activity.cc), ("bcc", activity.bcc)):
        considered = role != "bcc" or settings.include_bcc
        for given in addresses:
            yield (given, "attendee" if meeting else role, considered)


def _skip(base: Recipient, outcome: str, reason: str) -> Recipient:
    return Recipient(
        address=base.address,
        given=base.given,
        role=base.role,
        position=base.position,
        outcome=outcome,
        reason=reason,
    )


def _judge(
    base: Recipient, exclusions: Exclusions, directory: Directory, warnings: list[str]
) -> Recipient:
    if not is_valid_address(base.address):
        return _skip(base, INVALID, "invalid")
    reason = exclusions.reason(base.address)
    if reason is not None:
        return _skip(base, EXCLUDED, reason)
    contacts = directory.contacts_by_email.get(base.address, ())
    if contacts:
        return _contact(base, contacts, warnings)
    leads = directory.leads_by_email.get(base.address, ())
    if leads:
        return _lead(base, leads, warnings)
    return _skip(base, UNMATCHED, "no_contact_or_lead")


def _contact(base: Recipient, facts: Sequence[ContactFact], warnings: list[str]) -> Recipient:
    chosen, others = _most_recent(base, facts, "contact", warnings)
    return replace(
        base,
        outcome=CONTACT,
        reason=None,
        contact_id=chosen.id,
        account_id=chosen.account_id or None,
        ambiguous_ids=others,
    )


def _lead(base: Recipient, facts: Sequence[LeadFact], warnings: list[str]) -> Recipient:
    chosen, others = _most_recent(base, facts, "lead", warnings)
    return replace(base, outcome=LEAD, reason=None, lead_id=chosen.id, ambiguous_ids=others)


def _most_recent(
    base: Recipient, facts: Sequence[P], kind: str, warnings: list[str]
) -> tuple[P, tuple[str, ...]]:
    """R5: the most recently modified record wins; the others are recorded as an ambiguity."""
    ranked = most_recent_first(facts)
    others = tuple(fact.id for fact in ranked[1:])
    if others:
        warnings.append(f"ambiguous_{kind}:{base.address}:{','.join((ranked[0].id, *others))}")
    return ranked[0], others


def most_recent_first(facts: Sequence[P]) -> list[P]:
    """R5: the greatest `last_modified` first (unreadable stamps last), ties by smallest id."""
    if len(facts) == 1:
        return [facts[0]]  # nothing to rank (and no stamp to read)
    unique = {fact.id: fact for fact in facts}.values()
    return sorted(unique, key=lambda fact: (-_timestamp(fact.last_modified), fact.id))


def _timestamp(stamp: str) -> float:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return float("-inf")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
