"""One exchange with the org about a sync key, as the explain document lists it (R21)."""

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
