"""Bring an activity's planned Tasks in line with a new plan (R18 re-planning, R19 replay)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from domain.activity import EmailActivity
from domain.model import Directory, Plan, Recipient
from domain.org_changes import PersonFate, remapped_task
from domain.people import judged_alike
from domain.planner import MISSING_ACTOR, plan_activity, plan_for_people
from domain.settings import Settings


@dataclass
class Changes:
    """What re-planning one activity did to its batches."""

    formed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.formed or self.retired)


def plan_from_history(
    activity: EmailActivity, settings: Settings, fates: Mapping[str, PersonFate] | None = None
) -> Plan:
    """The plan for a recorded activity from its stored facts, under `settings` (pure).

    When `settings` judge addresses as the recorded resolution did (R1-R5 read only the
    people settings), the recorded outcomes are the ones the planner would give again, so
    they are reused and only R6-R15 run; otherwise every address is judged anew. People
    the org converted, merged away or deleted since (`fates`, R27) are replaced by who the
    org holds now, or left out; a record with nobody left is not planned.
    """
    if activity.recipients and judged_alike(settings, activity.resolved_with):
        recipients = tuple(Recipient.from_dict(r) for r in activity.recipients)
        warnings = tuple(w for w in activity.warnings if w != MISSING_ACTOR)
        directory = Directory.from_dict(activity.directory, people=False)
        plan = plan_for_people(activity.model, directory, settings, recipients, warnings)
    else:
        plan = plan_activity(activity.model, Directory.from_dict(activity.directory), settings)
    if not fates:
        return plan
    tasks = [now for task in plan.tasks if (now := remapped_task(task, fates)) is not None]
    return replace(plan, tasks=tuple(tasks))


def record_plan(
    activity: EmailActivity,
    plan: Plan,
    settings: Settings,
    replay_id: str | None = None,
    reason: str = "replanned",
) -> Changes:
    """Append the events that turn the activity's batches into `plan`'s Tasks."""
    changes = Changes()
    recipients = [r.to_dict() for r in plan.recipients]
    if recipients != activity.recipients or activity.settings_version != settings.version:
        activity.resolve(recipients, activity.directory, settings.to_dict(), list(plan.warnings))
    desired = {task.sync_key: task for task in plan.tasks}
    for key in list(activity.batches):
        if key not in desired:
            activity.retire(key, reason, replay_id)
            changes.retired.append(key)
    for key, task in desired.items():
        if activity.batches.get(key) != task.to_dict():
            activity.form_batch(task, settings.version, replay_id, reason)
            changes.formed.append(key)
    return changes
