"""The engine's settings (R16, R17): validated values, and their history as an aggregate.

Every event of `OrgSettings` is one settings version; every planned Task names the
version it was planned with.
"""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from eventsourcing.domain import Aggregate

from domain.errors import BadSetting
from domain.model import plain

SETTINGS_ID = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:org-settings")

SHARED_MODES = ("auto", "on", "off")
OPPORTUNITY_MODES = ("account", "contact_role")
BUILTIN_SYSTEM_SENDERS = (
    "noreply",
    "no-reply",
    "donotreply",
    "do-not-reply",
    "notifications",
    "notification",
    "mailer-daemon",
    "postmaster",
    "bounce",
    "bounces",
)


@dataclass(frozen=True)
class Settings:
    """The values in force at one settings version."""

    shared_activities: str = "auto"
    org_shared_activities: bool | None = None  # last observed org state (R17); None = unknown
    opportunity_mode: str = "account"
    include_closed_opportunities: bool = False
    owned_opportunities_only: bool = False
    batch_size: int = 50
    split_by_account: bool = False
    include_bcc: bool = False
    internal_domains: tuple[str, ...] = ()
    excluded: tuple[str, ...] = ()
    system_senders: tuple[str, ...] = ()  # the admin's additions to BUILTIN_SYSTEM_SENDERS
    api_budget_percent: int = 70
    external_id_field: str = "Activity_Sync_Key__c"
    version: int = 0

    @property
    def shared_in_effect(self) -> bool:
        """R17: `on`, or `auto` and the org has shared activities enabled."""
        if self.shared_activities == "on":
            return True
        if self.shared_activities == "off":
            return False
        return bool(self.org_shared_activities)

    @property
    def all_system_senders(self) -> tuple[str, ...]:
        return BUILTIN_SYSTEM_SENDERS + tuple(
            s for s in self.system_senders if s not in BUILTIN_SYSTEM_SENDERS
        )

    def to_dict(self) -> dict[str, Any]:
        data = plain(self)
        for key in ("internal_domains", "excluded", "system_senders"):
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        for key in ("internal_domains", "excluded", "system_senders"):
            if key in values:
                values[key] = tuple(values[key])
        return cls(**values)


# Keys an admin may set, with a parser each; `org_shared_activities` and `version` are observed.
def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("true", "on", "yes", "1"):
        return True
    if lowered in ("false", "off", "no", "0"):
        return False
    raise ValueError("expected true or false")


def _choice(options: tuple[str, ...]) -> Any:
    def parse(value: str) -> str:
        if value.strip().lower() not in options:
            raise ValueError("expected one of " + ", ".join(options))
        return value.strip().lower()

    return parse


def _int_between(low: int, high: int) -> Any:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"expected a whole number from {low} to {high}") from None
        if not low <= number <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return number

    return parse


def _list(value: str) -> tuple[str, ...]:
    items = [item.strip().lower() for item in value.split(",")]
    return tuple(dict.fromkeys(item for item in items if item))


_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_LOCAL = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}$")


def _is_domain(text: str) -> bool:
    labels = text.split(".")
    return (
        len(text) <= 253
        and len(labels) >= 2
        and not labels[-1].isdigit()
        and all(_LABEL.match(label) for label in labels)
    )


def _checked_list(check: Any, what: str) -> Any:
    """A comma-separated list whose every item passes `check`; the first bad one is named."""

    def parse(value: str) -> tuple[str, ...]:
        items = _list(value)
        for item in items:
            if not check(item):
                raise ValueError(f"{item!r} is not {what}")
        return items

    return parse


def _domain_item(item: str) -> bool:
    return _is_domain(item.removeprefix("@"))


def _exclusion_item(item: str) -> bool:
    """R4: an exact address, or a domain (its subdomains too), `@` before it allowed."""
    local, at, domain = item.rpartition("@")
    if at and local:
        return bool(_LOCAL.match(local)) and _is_domain(domain)
    return _is_domain(domain)


def _local_part_item(item: str) -> bool:
    return bool(_LOCAL.match(item)) and "@" not in item


def _field_name(value: str) -> str:
    name = value.strip()
    if not name.endswith("__c") or not name.replace("_", "").isalnum():
        raise ValueError("expected a custom field API name ending in __c")
    return name


SETTABLE: dict[str, Any] = {
    "shared_activities": _choice(SHARED_MODES),
    "opportunity_mode": _choice(OPPORTUNITY_MODES),
    "include_closed_opportunities": _bool,
    "owned_opportunities_only": _bool,
    "batch_size": _int_between(1, 50),
    "split_by_account": _bool,
    "include_bcc": _bool,
    "internal_domains": _checked_list(_domain_item, "a domain (e.g. northwind.example)"),
    "excluded": _checked_list(
        _exclusion_item, "an address or a domain (e.g. ceo@acme.example, acme.example)"
    ),
    "system_senders": _checked_list(
        _local_part_item, "the local part of an address (e.g. noreply)"
    ),
    "api_budget_percent": _int_between(1, 100),
    "external_id_field": _field_name,
}


def parse_setting(key: str, raw: str) -> Any:
    """Validate one admin-given value; raise BadSetting naming the valid keys or values."""
    if key not in SETTABLE:
        close = difflib.get_close_matches(key, SETTABLE, n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise BadSetting(f"unknown setting '{key}'; {hint}valid settings: {', '.join(SETTABLE)}")
    try:
        return SETTABLE[key](raw)
    except ValueError as error:
        raise BadSetting(f"bad value '{raw}' for {key}: {error}") from None


class OrgSettings(Aggregate):
    """The settings history of the one org this store syncs into."""

    TOPIC = "activity_sync:OrgSettings"

    class Created(Aggregate.Created):
        TOPIC = "activity_sync:OrgSettings.Created"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:OrgSettings.Event"

        def apply(self, aggregate: OrgSettings) -> None:
            aggregate.apply(self)

    class Changed(Event):
        """An admin changed one setting (R16)."""

        TOPIC = "activity_sync:OrgSettings.Changed"
        key: str
        value: Any
        changed_by: str

    class SharedActivitiesObserved(Event):
        """The org's shared-activities setting was read and differs from before (R17)."""

        TOPIC = "activity_sync:OrgSettings.SharedActivitiesObserved"
        enabled: bool
        source: str  # metadata_api | describe | write_refused

    def __init__(self) -> None:
        self.values = Settings()

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type: every event is a new settings version."""
        match event:
            case OrgSettings.Changed():
                self.values = replace(self.values, **{event.key: _restore(event.value)})
            case OrgSettings.SharedActivitiesObserved():
                self.values = replace(self.values, org_shared_activities=event.enabled)

    @classmethod
    def create(cls) -> OrgSettings:
        return cls._create(cls.Created, id=SETTINGS_ID)

    @property
    def current(self) -> Settings:
        return replace(self.values, version=self.version)

    def change(self, key: str, raw: str, changed_by: str = "cli") -> None:
        value = parse_setting(key, raw)
        if getattr(self.values, key) == value:
            return
        stored = list(value) if isinstance(value, tuple) else value
        self.trigger_event(self.Changed, key=key, value=stored, changed_by=changed_by)

    def observe_shared_activities(self, enabled: bool, source: str) -> bool:
        """Record the org's state when it changed; True when an event was recorded."""
        if self.values.org_shared_activities == enabled:
            return False
        self.trigger_event(self.SharedActivitiesObserved, enabled=enabled, source=source)
        return True


def _restore(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
