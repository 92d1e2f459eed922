"""`stats` (R23, R24, R25): the task view's counts shaped into one document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.org_changes import KINDS
from projections.audit_view import ACTIVITY_OUTCOMES


@dataclass(frozen=True)
class StatsFacts:
    """The raw counts the task view answers with (see `adapters.views.queries.stats_facts`)."""

    activities_by_type: dict[str, int] = field(default_factory=dict)
    activities_by_outcome: dict[str, int] = field(default_factory=dict)
    written_by_sobject: dict[str, int] = field(default_factory=dict)
    shared_tasks: int = 0
    shared_members: int = 0  # people on written shared Tasks, all of them
    records_failed: int = 0
    failures_by_code: dict[str, tuple[int, int]] = field(
        default_factory=dict
    )  # code -> (events, permanent)
    rejected_lines: int = 0
    runs: int = 0
    pauses: int = 0
    api_calls: int = 0
    synced_emails: int = 0
    latest_usage: tuple[int, int | None, str] | None = None  # used, limit, seen at
    org_changes_by_kind: dict[str, int] = field(default_factory=dict)  # R27
    resynced: int = 0  # activities synced again (replays, retries)
    resync_api_calls: int = 0  # the calls they took


def stats_document(facts: StatsFacts, budget_percent: int, position: int) -> dict[str, Any]:
    """The `stats --json` document; `docs/audit.md` describes every field."""
    return {
        "view_position": position,
        "activities": {
            "total": sum(facts.activities_by_type.values()),
            "by_type": dict(sorted(facts.activities_by_type.items())),
            "by_outcome": {o: facts.activities_by_outcome.get(o, 0) for o in ACTIVITY_OUTCOMES},
        },
        "written": {
            "tasks": facts.written_by_sobject.get("Task", 0),
            "events": facts.written_by_sobject.get("Event", 0),
            "shared_tasks": facts.shared_tasks,
        },
        "avoided_by_sharing": {
            "tasks": facts.shared_members - facts.shared_tasks,
            "one_task_per_contact_would_be": facts.shared_members,
        },
        "failures": {
            "records_failed": facts.records_failed,
            "by_code": {
                code: {"events": events, "permanent": permanent}
                for code, (events, permanent) in sorted(facts.failures_by_code.items())
            },
        },
        "rejected_lines": facts.rejected_lines,
        "api": _api(facts, budget_percent),
        "org_changes": {
            "total": sum(facts.org_changes_by_kind.values()),
            "by_kind": {kind: facts.org_changes_by_kind.get(kind, 0) for kind in KINDS},
        },
    }


def _api(facts: StatsFacts, budget_percent: int) -> dict[str, Any]:
    first_calls = facts.api_calls - facts.resync_api_calls  # R24: first syncs only
    per_email = round(first_calls / facts.synced_emails, 3) if facts.synced_emails else None
    latest: dict[str, Any] | None = None
    if facts.latest_usage is not None:
        used, limit, seen_at = facts.latest_usage
        share = limit * budget_percent // 100 if limit else None
        latest = {
            "used": used,
            "limit": limit,
            "at": seen_at,
            "budget_calls": share,
            "budget_used": round(used / share, 3) if share else None,
            "over_budget": bool(share is not None and used >= share),
        }
    return {
        "calls": facts.api_calls,
        "synced_emails": facts.synced_emails,
        "calls_per_email": per_email,
        "resync": {"activities": facts.resynced, "calls": facts.resync_api_calls},
        "runs": facts.runs,
        "pauses": facts.pauses,
        "budget_percent": budget_percent,
        "latest": latest,
    }
