"""The fold behind `explain` (R21): one activity's events into its story, and the settings versions."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import Aggregate

from domain.activity import EmailActivity
from domain.settings import OrgSettings, Settings
from projections.explain.writes import org_change_entry, write_entry
from projections.view_changes import DELETED, FAILED, PLANNED, RETIRED, WRITTEN


@dataclass(frozen=True)
class SettingsVersion:
    """The settings at one version, and the last observation of the org's shared-activities setting."""

    settings: Settings
    observed: dict[str, Any] | None = None


def settings_versions(events: Iterable[Aggregate.Event]) -> dict[int, SettingsVersion]:
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
    org_changes: list[dict[str, Any]] = field(default_factory=list)  # R27
    salesforce_ids: list[str] = field(default_factory=list)  # every id the key ever had
    in_org: bool = False  # the org holds a record for the key, as the events tell
    status_detail: str | None = None  # e.g. a refused re-write left the written Task


@dataclass
class Story:
    """The fold of one EmailActivity's events."""

    activity: dict[str, Any] = field(default_factory=dict)
    source: str = ""
    recorded_at: str = ""
    resolved: EmailActivity.RecipientsResolved | None = None
    resolved_at: str | None = None
    tasks: dict[str, TaskStory] = field(default_factory=dict)
    conflicting_duplicates: list[dict[str, Any]] = field(default_factory=list)  # R20


def _at(event: Aggregate.Event) -> str:
    return event.timestamp.isoformat()


def fold(events: Sequence[Aggregate.Event]) -> Story:
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
        elif isinstance(e, EmailActivity.RedeliveryRefused):
            story.conflicting_duplicates.append(
                {"at": _at(e), "source": e.source, "line": e.line, "fields": list(e.fields)}
            )
        elif isinstance(e, EmailActivity.OrgChanged):
            if (changed := story.tasks.get(e.sync_key)) is not None:
                changed.org_changes.append(org_change_entry(e))
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
    existing.replays.append({"kind": "formed", "reason": e.reason, **formed})


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


def _written(task: TaskStory, e: Aggregate.Event) -> None:
    entry = write_entry(e, _at(e))
    if entry is None:
        return
    task.writes.append(entry)
    if isinstance(e, EmailActivity.TaskCreated):
        task.status, task.salesforce_id, task.in_org = WRITTEN, e.salesforce_id, True
        task.status_detail = None
        if e.salesforce_id not in task.salesforce_ids:
            task.salesforce_ids.append(e.salesforce_id)
    elif isinstance(e, EmailActivity.SyncFailed) and not e.retryable:
        if task.in_org:  # the org still holds what was written before (R21, R23)
            task.status, task.status_detail = WRITTEN, "a later re-write was refused"
        else:
            task.status = FAILED
    elif isinstance(e, EmailActivity.RetryRequested):
        task.status = PLANNED
    elif isinstance(e, EmailActivity.TaskDeleted):
        # Retired before any write reached the org: nothing was deleted, it was retired.
        task.status = DELETED if task.in_org or not e.already_gone else RETIRED
        task.delete_in_org, task.in_org = False, False
