"""A plan's basis and its check: has the store or the org changed since the plan was made?

`replay apply` refuses a stale plan. Store: any activity or settings event after the
plan's log position that is not this replay's own (run bookkeeping such as sync and
ingest runs does not count). Org: the records read are read again and fingerprinted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from domain.activity import EmailActivity
from domain.errors import ActivitySyncError
from projections.application import ActivitySyncApp
from replay.org_state import Fingerprint, OrgReader, read_org
from replay.stream import CHUNK_SIZE, Scope, activity_chunks, load

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


def require_unchanged_log(check: LogCheck) -> None:
    if not check.foreign:
        return
    first = check.foreign[0]
    kind = first.topic.rsplit(".", 1)[-1]
    raise BasisChanged(
        f"the store changed since the plan was made: {len(check.foreign)} new event(s), "
        f"the first a {kind} of {first.originator_id}; make a new plan with "
        "`activity-sync replay plan`"
    )


def org_fingerprint(
    app: ActivitySyncApp,
    scope: Scope,
    reader: OrgReader,
    versions: dict[str, int],
    chunk_size: int = CHUNK_SIZE,
) -> Fingerprint:
    """Read the org again for the keys the plan read (activities as of the basis)."""
    fingerprint = Fingerprint()
    for ids in activity_chunks(app, scope, chunk_size):
        read_org(reader, load(app, ids, upto=versions), fingerprint)
    return fingerprint


def require_same_org(planned: str, now: Fingerprint) -> None:
    if now.value != planned:
        asked, found, _ = planned.split(":", 2)
        raise BasisChanged(
            "the org changed since the plan was made (records found then "
            f"{found} of {asked}, now {now.records_found} of {now.keys_asked}, or some were "
            "modified); make a new plan with `activity-sync replay plan`"
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
