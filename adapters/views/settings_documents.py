"""The settings documents (R16, R17): read from the event log alone, so that `settings show`
and `settings history` load no SQL."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.settings import SETTABLE, OrgSettings, Settings

OBSERVED_KEY = "org_shared_activities"


def history_rows(events: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per settings version, with the value before and after the change."""
    values = Settings().to_dict()
    rows = []
    for event in events:
        key, new, by = _change_of(event)
        old = values.get(key) if key else None
        if key:
            values[key] = new
        rows.append(
            {
                "version": event.originator_version,
                "at": event.timestamp.isoformat(timespec="seconds"),
                "event": type(event).__name__,
                "key": key,
                "old": old,
                "new": new,
                "by": by,
            }
        )
    return rows


def _change_of(event: Any) -> tuple[str | None, Any, str]:
    if isinstance(event, OrgSettings.Changed):
        return event.key, event.value, event.changed_by
    if isinstance(event, OrgSettings.SharedActivitiesObserved):
        return OBSERVED_KEY, event.enabled, f"observed in the org ({event.source})"
    if isinstance(event, OrgSettings.Created):
        return None, None, "-"
    return None, None, type(event).__name__


def show_document(current: Settings, rows: list[dict[str, Any]]) -> dict[str, Any]:
    data = current.to_dict()
    defaults = Settings().to_dict()
    observed = next((row for row in reversed(rows) if row["key"] == OBSERVED_KEY), None)
    return {
        "version": current.version,
        "settings": {key: data[key] for key in SETTABLE},
        "defaults": {key: defaults[key] for key in SETTABLE},
        "shared_activities_in_effect": current.shared_in_effect,
        "org_shared_activities": current.org_shared_activities,
        "org_observed": {"at": observed["at"], "by": observed["by"]} if observed else None,
    }
