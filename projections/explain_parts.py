"""The entries of the explain document: one recipient, one write, the opportunities, the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from eventsourcing.domain import Aggregate

from domain.activity import EmailActivity
from domain.addresses import normalise
from domain.settings import Settings
from projections.explain_text import people, recipient_sentence, shared_reason, split_reason

if TYPE_CHECKING:
    from projections.explain_story import TaskStory


def recipient_entry(r: dict[str, Any], tasks: list[str]) -> dict[str, Any]:
    """One address of the activity, its outcome, the reason and the Tasks it is on."""
    rule, value = split_reason(r.get("reason"))
    return {
        "position": r.get("position"),
        "address": r.get("address"),
        "given": r.get("given"),
        "role": r.get("role"),
        "outcome": r.get("outcome"),
        "reason": r.get("reason"),
        "rule": rule,
        "rule_value": value,
        "contact_id": r.get("contact_id"),
        "lead_id": r.get("lead_id"),
        "account_id": r.get("account_id"),
        "ambiguous_ids": list(r.get("ambiguous_ids") or ()),
        "explanation": recipient_sentence(r),
        "tasks": tasks,
    }


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


def opportunity_entries(
    task: dict[str, Any], directory: dict[str, Any], activity: dict[str, Any], settings: Settings
) -> list[dict[str, Any]]:
    """The candidate Opportunities (R10a/b) with whether each was kept and why not."""
    facts = _opportunity_facts(directory)
    user = (directory.get("users_by_email") or {}).get(normalise(str(activity.get("sender", ""))))
    entries = []
    for opportunity_id in task.get("opportunities_considered") or ():
        fact = facts.get(opportunity_id, {})
        dropped = None
        if fact.get("is_closed") and not settings.include_closed_opportunities:
            dropped = "closed"
        elif settings.owned_opportunities_only and (user is None or fact.get("owner_id") != user):
            dropped = "not_owned_by_sender"
        entries.append(
            {
                "id": opportunity_id,
                "name": fact.get("name"),
                "account_id": fact.get("account_id"),
                "owner_id": fact.get("owner_id"),
                "is_closed": fact.get("is_closed"),
                "kept": dropped is None,
                "dropped_because": dropped,
                "chosen": opportunity_id == task.get("what_id"),
            }
        )
    return entries


def _opportunity_facts(directory: dict[str, Any]) -> dict[str, dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {}
    for key in ("opportunities_by_account", "roles_by_contact"):
        for rows in (directory.get(key) or {}).values():
            for row in rows:
                facts.setdefault(row["id"], row)
    return facts


def settings_entry(settings: Settings, observed: dict[str, Any] | None) -> dict[str, Any]:
    """The settings version in force and the values that shaped the plan (R16, R17)."""
    return {
        "version": settings.version,
        "shared_activities": settings.shared_activities,
        "org_shared_activities": settings.org_shared_activities,
        "shared_in_effect": settings.shared_in_effect,
        "shared_reason": shared_reason(settings, observed),
        "opportunity_mode": settings.opportunity_mode,
        "include_closed_opportunities": settings.include_closed_opportunities,
        "owned_opportunities_only": settings.owned_opportunities_only,
        "batch_size": settings.batch_size,
        "split_by_account": settings.split_by_account,
        "include_bcc": settings.include_bcc,
        "exclusions": {
            "excluded": list(settings.excluded),
            "internal_domains": list(settings.internal_domains),
            "system_senders": list(settings.all_system_senders),
        },
    }


def sibling_entry(sync_key: str, t: TaskStory) -> dict[str, Any]:
    """Another record of the same activity, in one line."""
    task = t.task
    return {
        "sync_key": sync_key,
        "sobject": task.get("sobject"),
        "status": t.status,
        "salesforce_id": t.salesforce_id,
        "who_id": task.get("who_id"),
        "what_id": task.get("what_id"),
        "what_rule": task.get("what_rule"),
        "batch_index": task.get("batch_index", 0),
        "batch_count": task.get("batch_count", 1),
        "member_count": len(task.get("who_ids") or ()),
    }
