"""R18: after Salesforce support disables shared activities, the engine repairs on its own.

Support's disable leaves every shared Task with only its primary; no person chose that, so
the engine does not wait for an admin's replay (R28 holds a person's decisions only). The
sync that observes the setting off re-plans every activity as individual Tasks under the
current settings (a replay with the reason `support_disable`, in chunks), and the worker
writes them within the budget. Activities a person edited stay held.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from domain.settings import OrgSettings
from projections.application import ActivitySyncApp
from projections.org_drift import load_watch
from replay.apply import apply_plan
from replay.make_plan import PlanRequest, make_plan
from replay.org_state import OrgReader

REASON = "support_disable"


@dataclass(frozen=True)
class Repair:
    """What one repair did: the replay it was, and the activities it re-planned and held."""

    replay_id: str
    settings_version: int
    applied: int
    held: int


def repair_pending(app: ActivitySyncApp) -> int | None:
    """The settings version at which the org's setting was seen going from on to off, while
    no repair has been made for it; None when there is nothing to repair."""
    settings = app.settings()
    if settings.org_shared_activities is not False or settings.shared_activities == "on":
        return None
    seen_off: int | None = None
    was_on = False
    for event in app.settings_history():
        if isinstance(event, OrgSettings.SharedActivitiesObserved):
            if event.enabled:
                was_on, seen_off = True, None
            elif was_on and seen_off is None:
                seen_off = event.originator_version
    if seen_off is None or load_watch(app).repaired_version >= seen_off:
        return None
    return seen_off


def repair(app: ActivitySyncApp, reader: OrgReader, version: int) -> Repair:
    """Plan every activity under the current settings against the org, and apply it."""
    with tempfile.TemporaryDirectory(prefix="support-repair-") as folder:
        path = Path(folder) / "plan.json"
        header, _ = make_plan(app, PlanRequest(settings=app.settings(), reader=reader), path)
        result = apply_plan(app, str(path), reader, reason=REASON)
    watch = load_watch(app)
    watch.record_repair(version, result.replay_id, result.applied)
    app.save(watch)
    return Repair(result.replay_id, version, result.applied, result.held)
