"""One exchange with the org about a sync key, and one change the org made (R21, R27)."""

from __future__ import annotations

from typing import Any

from eventsourcing.domain import Aggregate

from domain.activity import EmailActivity
from projections.explain.sentences import people


def write_entry(e: Aggregate.Event, at: str) -> dict[str, Any] | None:
    """One exchange with the org about a sync key, or None for events that are not writes."""
    base: dict[str, Any] = {
        "at": at,
        "salesforce_id": getattr(e, "salesforce_id", None),
        "attempt": getattr(e, "attempt", None),
        "code": None,
        "message": None,
        "retryable": None,
        "relation_id": None,
        "detail": None,
    }
    if isinstance(e, EmailActivity.TaskCreated):
        verb = {True: "created", False: "updated"}.get(e.created, "upserted")  # type: ignore[arg-type]
        return {
            **base,
            "kind": "written",
            "detail": f"{e.sobject} {verb} with {people(len(e.who_ids))}",
        }
    if isinstance(e, EmailActivity.RelationAdded):
        return {**base, "kind": "related", "relation_id": e.relation_id}
    if isinstance(e, EmailActivity.SyncFailed):
        detail = "will be retried" if e.retryable else "failed for good until retried"
        return {
            **base,
            "kind": "refused",
            "code": e.code,
            "message": e.message,
            "retryable": e.retryable,
            "detail": detail,
        }
    if isinstance(e, EmailActivity.RetryRequested):
        return {**base, "kind": "retry_requested", "detail": f"requested by {e.requested_by}"}
    if isinstance(e, EmailActivity.TaskDeleted):
        detail = "was already gone" if e.already_gone else "deleted from the org"
        return {**base, "kind": "deleted", "detail": detail}
    return None


_CHANGED = {
    "edited": "A person edited it in the org",
    "relations_changed": "Its people changed in the org",
    "deleted": "It was deleted in the org",
    "undeleted": "It was undeleted in the org",
    "converted": "Its Lead was converted; it moved to the new Contact",
    "merged": "Its Contact was merged; it moved to the surviving Contact",
    "archived": "The org archived it (gone from query, still in queryAll)",
}


def org_change_entry(e: EmailActivity.OrgChanged) -> dict[str, Any]:
    """One change the org made to a written record (R27), as explain lists it."""
    sentence = _CHANGED.get(e.kind, e.kind)
    if e.fields:
        sentence += f" ({', '.join(e.fields)})"
    detail = e.detail or {}
    if e.kind == "relations_changed":
        parts = [f"{len(detail.get(k) or [])} {k}" for k in ("removed", "added") if detail.get(k)]
        sentence += f": {', '.join(parts)}" if parts else ""
    by = f" by {e.by}" if e.by else ""
    return {
        "kind": e.kind,
        "at": e.at,
        "by": e.by,
        "fields": list(e.fields),
        "detail": dict(detail),
        "explanation": f"{sentence}{by}.",
    }


def grouped_relations(writes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The writes with each write's relations told once, with that write's own count: a
    `related` entry per write that related people (`count`), not one for the whole story."""
    shown: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for write in writes:
        if write["kind"] != "related":
            shown.append(write)
            current = None
        elif current is None:
            current = {**write, "count": 1}
            shown.append(current)
        else:
            current["count"] += 1
    return shown
