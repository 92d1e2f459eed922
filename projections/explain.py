"""The explain document (R21): one activity's story from its events, for one Task or all of them.

Pure: it takes the activity's stored events and a way to read the settings at a version;
`docs/explain-schema.json` is the shape of what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import DomainEventProtocol

from domain.activity import EmailActivity
from domain.settings import OrgSettings, Settings
from projections.audit_view import (
    DELETED,
    FAILED,
    PLANNED,
    RETIRED,
    WRITTEN,
    activity_outcome,
)
from projections.explain_parts import (
    opportunity_entries,
    recipient_entry,
    settings_entry,
    sibling_entry,
    write_entry,
)
from projections.explain_text import batch_sentence, warning_entry, what_sentence

SCHEMA = "activity-sync/explain/1"
MATCHES = ("salesforce_id", "sync_key", "activity_id")


@dataclass(frozen=True)
class SettingsVersion:
    """The settings at one version, and the last observation of the org's shared-activities setting."""

    settings: Settings
    observed: dict[str, Any] | None = None


def settings_versions(events: Iterable[DomainEventProtocol[Any]]) -> dict[int, SettingsVersion]:
    """Every version of OrgSettings from its events (each event is one version, R16)."""
    versions: dict[int, SettingsVersion] = {}
    aggregate: Any = None
    observed: dict[str, Any] | None = None
    for event in events:
        aggregate = event.mutate(aggregate)
        assert isinstance(aggregate, OrgSettings)
        if isinstance(event, OrgSettings.SharedActivitiesObserved):
            observed = {"enabled": event.enabled, "source": event.source, "at": _at(event)}
        versions[aggregate.version] = SettingsVersion(aggregate.current, observed)
    return versions


@dataclass
class TaskStory:
    """One sync key's life: the latest plan, its status, writes and replays."""

    task: dict[str, Any]
    formed: dict[str, Any]
    status: str = PLANNED
    delete_in_org: bool = False
    salesforce_id: str | None = None
    writes: list[dict[str, Any]] = field(default_factory=list)
    replays: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Story:
    """The fold of one EmailActivity's events."""

    activity: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    recorded_at: str = ""
    resolved: EmailActivity.RecipientsResolved | None = None
    resolved_at: str | None = None
    tasks: dict[str, TaskStory] = field(default_factory=dict)


def _at(event: DomainEventProtocol[Any]) -> str:
    return event.timestamp.isoformat()


def fold(events: Sequence[DomainEventProtocol[Any]]) -> Story:
    story = Story()
    for e in events:
        if isinstance(e, EmailActivity.Recorded):
            story.activity, story.source, story.recorded_at = e.activity, e.source, _at(e)
        elif isinstance(e, EmailActivity.RecipientsResolved):
            story.resolved, story.resolved_at = e, _at(e)
        elif isinstance(e, EmailActivity.BatchFormed):
            _formed(story, e)
        elif isinstance(e, EmailActivity.BatchRetired):
            _retired(story.tasks.get(e.sync_key), e)
        elif (task := story.tasks.get(getattr(e, "sync_key", ""))) is not None:
            _written(task, e)
    return story


def _formed(story: Story, e: EmailActivity.BatchFormed) -> None:
    key = e.task["sync_key"]
    formed = {"at": _at(e), "settings_version": e.settings_version, "replay_id": e.replay_id}
    existing = story.tasks.get(key)
    if existing is None:
        story.tasks[key] = TaskStory(task=e.task, formed=formed)
        if e.replay_id is None:
            return
        existing = story.tasks[key]
    else:
        existing.task, existing.formed = e.task, formed
        existing.status, existing.delete_in_org = PLANNED, False
    existing.replays.append({"kind": "formed", "reason": None, **formed})


def _retired(task: TaskStory | None, e: EmailActivity.BatchRetired) -> None:
    if task is None:
        return
    task.status, task.delete_in_org = RETIRED, e.delete_in_org
    task.replays.append(
        {
            "kind": "retired",
            "at": _at(e),
            "replay_id": e.replay_id,
            "reason": e.reason,
            "settings_version": None,
        }
    )


def _written(task: TaskStory, e: DomainEventProtocol[Any]) -> None:
    entry = write_entry(e, _at(e))
    if entry is None:
        return
    task.writes.append(entry)
    if isinstance(e, EmailActivity.TaskCreated):
        task.status, task.salesforce_id = WRITTEN, e.salesforce_id
    elif isinstance(e, EmailActivity.SyncFailed) and not e.retryable:
        task.status = FAILED
    elif isinstance(e, EmailActivity.RetryRequested):
        task.status = PLANNED
    elif isinstance(e, EmailActivity.TaskDeleted):
        task.status, task.delete_in_org = DELETED, False


SettingsAt = Callable[[int], SettingsVersion | None]


def explain(
    events: Sequence[DomainEventProtocol[Any]],
    query: str,
    matched: str,
    sync_key: str | None,
    settings_at: SettingsAt,
) -> dict[str, Any]:
    """The explain document; `sync_key` puts that Task first and lists the others as siblings."""
    story = fold(events)
    recipients = list(story.resolved.recipients) if story.resolved else []
    people = {r.get("contact_id") or r.get("lead_id"): r for r in recipients}
    focus = [sync_key] if sync_key in story.tasks else list(story.tasks)
    statuses = [(t.status, t.delete_in_org) for t in story.tasks.values()]
    return {
        "schema": SCHEMA,
        "query": {"id": query, "matched": matched},
        "activity": _activity(story, activity_outcome(story.resolved is not None, statuses)),
        "resolution": _resolution(story),
        "recipients": [recipient_entry(r, _member_of(r, story)) for r in recipients],
        "tasks": [_task(story, story.tasks[k], people, settings_at) for k in focus if k],
        "siblings": [sibling_entry(k, t) for k, t in story.tasks.items() if k not in focus],
    }


def _member_of(recipient: dict[str, Any], story: Story) -> list[str]:
    person = recipient.get("contact_id") or recipient.get("lead_id")
    if not person:
        return []
    return [k for k, t in story.tasks.items() if person in (t.task.get("who_ids") or ())]


def _activity(story: Story, status: str) -> dict[str, Any]:
    a = story.activity
    names = (
        "id",
        "type",
        "sender",
        "occurred_at",
        "subject",
        "is_reply",
        "related_to",
        "thread_id",
    )
    return {
        **{n: a.get(n) for n in names},
        "source": story.source,
        "recorded_at": story.recorded_at,
        "status": status,
    }


def _resolution(story: Story) -> dict[str, Any] | None:
    if story.resolved is None:
        return None
    members = _accounts(story)
    return {
        "at": story.resolved_at,
        "settings_version": story.resolved.settings_version,
        "warnings": [warning_entry(w, members) for w in story.resolved.warnings],
    }


def _accounts(story: Story) -> list[str]:
    recipients = story.resolved.recipients if story.resolved else []
    return sorted({r["account_id"] for r in recipients if r.get("account_id")})


def _settings_for(story: Story, version: int, settings_at: SettingsAt) -> SettingsVersion:
    known = settings_at(version)
    if story.resolved is not None and story.resolved.settings_version == version:
        snapshot = Settings.from_dict(story.resolved.settings)
        return SettingsVersion(snapshot, known.observed if known else None)
    return known or SettingsVersion(Settings(version=version))


def _task(
    story: Story, t: TaskStory, people: dict[Any, dict[str, Any]], settings_at: SettingsAt
) -> dict[str, Any]:
    task = t.task
    version = t.formed["settings_version"]
    at_version = _settings_for(story, version, settings_at)
    settings = at_version.settings
    who_ids = list(task.get("who_ids") or ())
    members = [_person(i, people) for i in who_ids]
    primary_accounts = {task.get("account_id")}
    others = sorted(
        {
            m["account_id"]
            for m in members
            if m["account_id"] not in primary_accounts and m["account_id"]
        }
    )
    directory = story.resolved.directory if story.resolved else {}
    attempts = sum(1 for w in t.writes if w["kind"] in ("written", "refused"))
    return {
        "sync_key": task["sync_key"],
        "sobject": task.get("sobject"),
        "status": t.status,
        "salesforce_id": t.salesforce_id,
        "subject": (task.get("fields") or {}).get("Subject"),
        "batch": {
            "index": task.get("batch_index", 0),
            "count": task.get("batch_count", 1),
            "shared": bool(task.get("shared")),
            "explanation": batch_sentence(task, story.activity, settings),
        },
        "primary": members[0] if members else None,
        "members": members,
        "member_count": len(members),
        "what": {
            "id": task.get("what_id"),
            "rule": task.get("what_rule"),
            "account_id": task.get("account_id"),
            "explanation": what_sentence(task, story.activity, settings),
        },
        "opportunities_considered": opportunity_entries(task, directory, story.activity, settings),
        "warnings": [warning_entry(w, others) for w in task.get("warnings") or ()],
        "settings": settings_entry(settings, at_version.observed),
        "formed": t.formed,
        "writes": t.writes,
        "attempts": attempts,
        "retries": max(0, attempts - 1),
        "replays": t.replays,
    }


def _person(person_id: str, people: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    r = people.get(person_id, {})
    kind = "lead" if person_id.startswith("00Q") or r.get("lead_id") == person_id else "contact"
    return {
        "id": person_id,
        "kind": kind,
        "address": r.get("address"),
        "account_id": r.get("account_id"),
        "position": r.get("position"),
    }
