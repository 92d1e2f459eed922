"""The explain document (R21): one activity's story from its events, for one Task or all of them.

Pure: it takes the activity's stored events and a way to read the settings at a version;
`docs/explain-schema.json` is the shape of what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from eventsourcing.domain import Aggregate

from domain.addresses import normalise
from domain.settings import Settings
from projections.explain.entries import (
    opportunity_entries,
    recipient_entry,
    settings_entry,
    sibling_entry,
)
from projections.explain.names import Names
from projections.explain.sentences import batch_sentence, warning_entry, what_sentence
from projections.explain.story import (
    SettingsVersion,
    Story,
    TaskStory,
    fold,
    settings_versions,
)
from projections.view_changes import activity_outcome

__all__ = ["SCHEMA", "SettingsVersion", "explain", "fold", "settings_versions"]

SCHEMA = "activity-sync/explain/1"
MATCHES = ("salesforce_id", "sync_key", "activity_id")


SettingsAt = Callable[[int], SettingsVersion | None]


def explain(
    events: Sequence[Aggregate.Event],
    query: str,
    matched: str,
    sync_key: str | None,
    settings_at: SettingsAt,
) -> dict[str, Any]:
    """The explain document; `sync_key` puts that Task first and lists the others as siblings."""
    story = fold(events)
    recipients = list(story.resolved.recipients) if story.resolved else []
    people = {r.get("contact_id") or r.get("lead_id"): r for r in recipients}
    names = Names.of(story.resolved.directory if story.resolved else {})
    focus = [sync_key] if sync_key in story.tasks else list(story.tasks)
    statuses = [(t.status, t.delete_in_org) for t in story.tasks.values()]
    return {
        "schema": SCHEMA,
        "query": {"id": query, "matched": matched},
        "activity": _activity(story, activity_outcome(story.resolved is not None, statuses), names),
        "resolution": _resolution(story),
        "recipients": [recipient_entry(r, _member_of(r, story), names) for r in recipients],
        "tasks": [_task(story, story.tasks[k], people, settings_at, names) for k in focus if k],
        "siblings": [sibling_entry(k, t, names) for k, t in story.tasks.items() if k not in focus],
        "conflicting_duplicates": story.conflicting_duplicates,
    }


def _member_of(recipient: dict[str, Any], story: Story) -> list[str]:
    person = recipient.get("contact_id") or recipient.get("lead_id")
    if not person:
        return []
    return [k for k, t in story.tasks.items() if person in (t.task.get("who_ids") or ())]


def _activity(story: Story, status: str, names: Names) -> dict[str, Any]:
    a = story.activity
    keys = (
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
        **{n: a.get(n) for n in keys},
        "source": story.source,
        "recorded_at": story.recorded_at,
        "status": status,
        **_sender_user(story, names),
    }


def _sender_user(story: Story, names: Names) -> dict[str, Any]:
    """The Salesforce User the sender's address matched (the Task's owner, R15), if any."""
    directory = story.resolved.directory if story.resolved else {}
    users = directory.get("users_by_email") or {}
    user_id = users.get(normalise(str(story.activity.get("sender") or "")))
    return {"sender_user_id": user_id, "sender_name": names.of_id(user_id)}


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
    story: Story,
    t: TaskStory,
    people: dict[Any, dict[str, Any]],
    settings_at: SettingsAt,
    names: Names,
) -> dict[str, Any]:
    task = t.task
    version = t.formed["settings_version"]
    at_version = _settings_for(story, version, settings_at)
    settings = at_version.settings
    who_ids = list(task.get("who_ids") or ())
    members = [_person(i, people, names) for i in who_ids]
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
        "status_detail": t.status_detail,
        "salesforce_id": t.salesforce_id,
        "salesforce_ids": t.salesforce_ids,
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
            "name": names.of_id(task.get("what_id")),
            "rule": task.get("what_rule"),
            "account_id": task.get("account_id"),
            "account_name": names.of_id(task.get("account_id")),
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
        "org_changes": t.org_changes,
    }


def _person(person_id: str, people: dict[Any, dict[str, Any]], names: Names) -> dict[str, Any]:
    r = people.get(person_id, {})
    kind = "lead" if person_id.startswith("00Q") or r.get("lead_id") == person_id else "contact"
    return {
        "id": person_id,
        "kind": kind,
        "name": names.of_id(person_id),
        "address": r.get("address"),
        "account_id": r.get("account_id"),
        "account_name": names.of_id(r.get("account_id")),
        "position": r.get("position"),
    }
