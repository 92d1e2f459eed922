"""Value objects the planner reasons about: activities, directory facts, outcomes, planned Tasks.

Everything here is plain, frozen data with `to_dict`/`from_dict`, so it can ride
inside events (orjson encodes dicts, lists, str, int, bool and None natively).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

ACTIVITY_TYPES = ("sent", "reply", "open", "click", "download", "bounce", "meeting")
ENGAGEMENT_TYPES = ("reply", "open", "click", "download", "bounce")

# Outcomes of one address (R1-R5).
CONTACT = "contact"
LEAD = "lead"
UNMATCHED = "unmatched"
EXCLUDED = "excluded"
INVALID = "invalid"
BCC_SKIPPED = "bcc_skipped"
DUPLICATE = "duplicate"
FORGOTTEN = "forgotten"  # R29: an erased person, judged as if excluded
# R29: what an erased address reads as; never a valid address, so never a person again.
FORGOTTEN_PERSON = "(forgotten person)"


_NAMES: dict[type, frozenset[str]] = {}


def _from(cls: Any, data: Mapping[str, Any]) -> Any:
    """Build a value object from stored data, ignoring keys it does not know (older or newer)."""
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = frozenset(f.name for f in fields(cls))
    if names.issuperset(data):
        return cls(**data)
    return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True)
class RelatedRecord:
    """A custom-object record an activity belongs to (R13)."""

    object: str
    id: str


@dataclass(frozen=True)
class Activity:
    """One validated input record (SPEC section 2). Timestamps stay RFC 3339 strings."""

    id: str
    type: str
    occurred_at: str
    sender: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    actor: str | None = None
    subject: str | None = None
    body: str | None = None
    thread_id: str | None = None
    is_reply: bool = False
    url: str | None = None
    file_name: str | None = None
    related_to: RelatedRecord | None = None
    starts_at: str | None = None
    ends_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the Recorded event (no deep copy: every value is immutable)."""
        data = {name: getattr(self, name) for name in _ACTIVITY_FIELDS}
        for key in ("to", "cc", "bcc"):
            data[key] = list(data[key])
        if self.related_to is not None:
            data["related_to"] = {"object": self.related_to.object, "id": self.related_to.id}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Activity:
        values = dict(data)
        for key in ("to", "cc", "bcc"):
            values[key] = tuple(values.get(key) or ())
        related = values.get("related_to")
        values["related_to"] = RelatedRecord(**related) if related else None
        return _from(cls, values)  # type: ignore[no-any-return]


_ACTIVITY_FIELDS = tuple(f.name for f in fields(Activity))
_FIELD_ORDER: dict[type, tuple[str, ...]] = {}


def plain(value: Any) -> dict[str, Any]:
    """A flat frozen dataclass's fields as a dict, in field order: what `asdict` gives for
    values that are scalars, tuples and mappings of scalars, without its deep copy (callers
    turn the tuples and mappings they store into lists and dicts)."""
    kind = type(value)
    names = _FIELD_ORDER.get(kind)
    if names is None:
        names = _FIELD_ORDER[kind] = tuple(f.name for f in fields(kind))
    return {name: getattr(value, name) for name in names}


@dataclass(frozen=True)
class ContactFact:
    id: str
    email: str
    account_id: str | None = None
    last_modified: str = ""
    name: str = ""  # personal data, kept beside its address (docs/audit.md, Names)


@dataclass(frozen=True)
class LeadFact:
    id: str
    email: str
    last_modified: str = ""
    name: str = ""  # personal data, kept beside its address (docs/audit.md, Names)


@dataclass(frozen=True)
class OpportunityFact:
    id: str
    account_id: str | None
    owner_id: str | None = None
    is_closed: bool = False
    name: str = ""


@dataclass(frozen=True)
class Directory:
    """What the org said about the people of one (or many) activities.

    Lookups always fetch everything any setting could need (closed and open
    opportunities, contact roles, owners), so replay can re-plan from history
    under other settings without asking the org again.
    """

    contacts_by_email: Mapping[str, tuple[ContactFact, ...]] = field(default_factory=dict)
    leads_by_email: Mapping[str, tuple[LeadFact, ...]] = field(default_factory=dict)
    opportunities_by_account: Mapping[str, tuple[OpportunityFact, ...]] = field(
        default_factory=dict
    )
    roles_by_contact: Mapping[str, tuple[OpportunityFact, ...]] = field(default_factory=dict)
    users_by_email: Mapping[str, str] = field(default_factory=dict)
    # Names for reading only (the planner never looks at them): each User's name under
    # the User's address, each Account's under its id.
    user_names: Mapping[str, str] = field(default_factory=dict)
    account_names: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        def rows(mapping: Mapping[str, tuple[Any, ...]]) -> dict[str, list[dict[str, Any]]]:
            return {key: [plain(v) for v in values] for key, values in mapping.items()}

        return {
            "contacts_by_email": rows(self.contacts_by_email),
            "leads_by_email": rows(self.leads_by_email),
            "opportunities_by_account": rows(self.opportunities_by_account),
            "roles_by_contact": rows(self.roles_by_contact),
            "users_by_email": dict(self.users_by_email),
            "user_names": dict(self.user_names),
            "account_names": dict(self.account_names),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], people: bool = True) -> Directory:
        """The directory as stored; without `people`, its Contacts and Leads are left out."""

        def rows(key: str, kind: Any) -> dict[str, tuple[Any, ...]]:
            return {k: tuple(_from(kind, v) for v in vs) for k, vs in data.get(key, {}).items()}

        return cls(
            contacts_by_email=rows("contacts_by_email", ContactFact) if people else {},
            leads_by_email=rows("leads_by_email", LeadFact) if people else {},
            opportunities_by_account=rows("opportunities_by_account", OpportunityFact),
            roles_by_contact=rows("roles_by_contact", OpportunityFact),
            users_by_email=dict(data.get("users_by_email", {})),
            user_names=dict(data.get("user_names", {})),
            account_names=dict(data.get("account_names", {})),
        )

    def restricted_to(self, addresses: set[str], senders: set[str]) -> Directory:
        """The part of a many-activity directory that one activity needs (for its events)."""
        contacts = {a: self.contacts_by_email[a] for a in addresses if a in self.contacts_by_email}
        leads = {a: self.leads_by_email[a] for a in addresses if a in self.leads_by_email}
        accounts = {c.account_id for cs in contacts.values() for c in cs if c.account_id}
        contact_ids = {c.id for cs in contacts.values() for c in cs}
        return Directory(
            contacts_by_email=contacts,
            leads_by_email=leads,
            opportunities_by_account={
                a: self.opportunities_by_account[a]
                for a in accounts
                if a in self.opportunities_by_account
            },
            roles_by_contact={
                c: self.roles_by_contact[c] for c in contact_ids if c in self.roles_by_contact
            },
            users_by_email={s: self.users_by_email[s] for s in senders if s in self.users_by_email},
            user_names={s: self.user_names[s] for s in senders if s in self.user_names},
            account_names={a: self.account_names[a] for a in accounts if a in self.account_names},
        )


@dataclass(frozen=True)
class Recipient:
    """The outcome for one address of an activity, with the reason (R1-R5)."""

    address: str
    given: str
    role: str  # to | cc | bcc | actor | attendee
    position: int
    outcome: str  # CONTACT | LEAD | UNMATCHED | EXCLUDED | INVALID | BCC_SKIPPED | DUPLICATE
    reason: str | None = None  # e.g. "exclusion_list:acme.com", "internal_domain:ourco.com"
    contact_id: str | None = None
    lead_id: str | None = None
    account_id: str | None = None
    ambiguous_ids: tuple[str, ...] = ()

    @property
    def person_id(self) -> str | None:
        return self.contact_id or self.lead_id

    def to_dict(self) -> dict[str, Any]:
        data = plain(self)
        data["ambiguous_ids"] = list(self.ambiguous_ids)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Recipient:
        values = dict(data)
        values["ambiguous_ids"] = tuple(values.get("ambiguous_ids") or ())
        return _from(cls, values)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PlannedTask:
    """One Salesforce Task (or Event) that should exist, and why it looks like it does."""

    sync_key: str
    sobject: str  # "Task" | "Event"
    who_id: str | None
    who_ids: tuple[str, ...]  # every related person, primary first
    what_id: str | None
    what_rule: str  # R10a | R10b | R10c | R10d | R13
    account_id: str | None  # the primary's Account
    shared: bool
    batch_index: int = 0
    batch_count: int = 1
    opportunities_considered: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    fields: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = plain(self)
        for key in ("who_ids", "opportunities_considered", "warnings"):
            data[key] = list(data[key])
        data["fields"] = dict(self.fields)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlannedTask:
        values = dict(data)
        for key in ("who_ids", "opportunities_considered", "warnings"):
            values[key] = tuple(values.get(key) or ())
        values["fields"] = dict(values.get("fields") or {})
        return _from(cls, values)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Plan:
    """The planner's answer for one activity."""

    recipients: tuple[Recipient, ...]
    tasks: tuple[PlannedTask, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class WriteOutcome:
    """What the org answered for one planned record."""

    sync_key: str
    ok: bool
    salesforce_id: str | None = None
    created: bool | None = None
    code: str | None = None
    message: str | None = None
    retryable: bool = False
    shared_refused: bool = False  # refused because shared activities is not (or no longer) on
