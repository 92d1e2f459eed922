"""A plan's basis and its check: has the store or the org changed since the plan was made?

`replay apply` refuses a stale plan. Settings: the version in force must be the one the
plan was made under, and the plan's target settings those the store holds for their
version. Store: any activity or settings event after the plan's log position that is
not this replay's own (run bookkeeping such as sync and ingest runs does not count).
Org: the records read are read again and fingerprinted, and which activities a person
edited there (held) is decided from this reading, not from the plan.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from domain.activity import EmailActivity
from domain.errors import ActivitySyncError
from domain.settings import Settings
from projections.application import ActivitySyncApp
from replay.diff import held_in_org
from replay.drift import DEFAULT_SKEW
from replay.org_access import target_settings
from replay.org_state import Fingerprint, OrgReader, read_org, records_of
from replay.stream import CHUNK_SIZE, Scope, activity_chunks, load

MAKE_NEW = "make a new plan with `activity-sync replay plan`"

RELEVANT = ("activity_sync:EmailActivity.", "activity_sync:OrgSettings.")
TAGGED = (EmailActivity.BatchFormed.TOPIC, EmailActivity.BatchRetired.TOPIC)


class BasisChanged(ActivitySyncError):
    """The plan no longer describes the store or the org; make a new one. Exit code 1."""


@dataclass
class LogCheck:
    """Events after the basis: this replay's own (by activity) and everybody else's."""

    ours: set[str] = field(default_factory=set)  # aggregate ids (hex) this replay touched
    foreign: list[Any] = field(default_factory=list)


def check_log(app: ActivitySyncApp, position: int, replay_id: str) -> LogCheck:
    """Sort the events after `position` into this replay's own and the others."""
    check = LogCheck()
    resolved = []
    for notification in _after(app, position):
        topic = notification.topic
        if not topic.startswith(RELEVANT):
            continue
        if topic in TAGGED:
            event = app.mapper.to_domain_event(notification)
            if getattr(event, "replay_id", None) == replay_id:
                check.ours.add(notification.originator_id.hex)
                continue
        if topic == EmailActivity.RecipientsResolved.TOPIC:
            resolved.append(notification)  # ours when saved together with our batches
            continue
        check.foreign.append(notification)
    check.foreign += [n for n in resolved if n.originator_id.hex not in check.ours]
    check.foreign.sort(key=lambda n: n.id)
    return check


def require_settings(app: ActivitySyncApp, header: Mapping[str, Any]) -> Settings:
    """The plan's target settings as the store holds them, while the version in force is
    still the one the plan was made under (else BasisChanged)."""
    then, now = int(header["basis"]["settings_version"]), app.settings().version
    if now != then:
        raise BasisChanged(
            f"the settings changed since the plan was made (version {then} then, {now} now), "
            f"so the plan is stale; {MAKE_NEW}"
        )
    planned = header["settings"]
    version = int(planned["version"])
    if not 0 <= version <= now or target_settings(app, version).to_dict() != planned:
        raise BasisChanged(
            f"the plan's settings are not the store's settings version {version}; {MAKE_NEW}"
        )
    return target_settings(app, version)


def require_unchanged_log(check: LogCheck) -> None:
    if not check.foreign:
        return
    first = check.foreign[0]
    kind = first.topic.rsplit(".", 1)[-1]
    raise BasisChanged(
        f"the store changed since the plan was made: {len(check.foreign)} new event(s), "
        f"the first a {kind} of {first.originator_id}; {MAKE_NEW}"
    )


@dataclass
class OrgNow:
    """The org read again: its fingerprint, and the activities a person edited there."""

    fingerprint: Fingerprint = field(default_factory=Fingerprint)
    held: set[str] = field(default_factory=set)  # aggregate ids (hex)


def read_org_again(
    app: ActivitySyncApp,
    scope: Scope,
    reader: OrgReader,
    versions: dict[str, int],
    skew: timedelta = DEFAULT_SKEW,
    chunk_size: int = CHUNK_SIZE,
    support_disabled: bool = False,
) -> OrgNow:
    """Read the org again for the keys the plan read (activities as of the basis), noting
    which of the plan's activities hold a record a person edited or deleted (R28)."""
    now = OrgNow()
    for ids in activity_chunks(app, scope, chunk_size):
        loaded = load(app, ids, upto=versions)
        org = read_org(reader, loaded, now.fingerprint)
        for item in loaded:
            key = item.activity.id.hex
            if key in versions and held_in_org(
                item.activity, records_of(item, org), item.written_at, skew, support_disabled
            ):
                now.held.add(key)
    return now


def require_same_org(planned: str, now: Fingerprint) -> None:
    if now.value != planned:
        asked, found, _ = planned.split(":", 2)
        raise BasisChanged(
            "the org changed since the plan was made (records found then "
            f"{found} of {asked}, now {now.records_found} of {now.keys_asked}, or some were "
            f"modified); {MAKE_NEW}"
        )


def _after(app: ActivitySyncApp, position: int) -> Iterator[Any]:
    stop = app.recorder.max_notification_id() or 0
    start = position + 1
    while start <= stop:
        section = app.notification_log.select(start=start, limit=app.log_section_size, stop=stop)
        if not section:
            return
        yield from section
        start = section[-1].id + 1
