"""The entries of the explain document: one recipient, the opportunities, the settings, a sibling."""

from __future__ import annotations

from typing import Any

from domain.addresses import normalise
from domain.settings import Settings
from projections.explain.names import Names
from projections.explain.sentences import recipient_sentence, shared_reason, split_reason
from projections.explain.story import TaskStory


def recipient_entry(r: dict[str, Any], tasks: list[str], names: Names) -> dict[str, Any]:
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
        "name": names.of_id(r.get("contact_id") or r.get("lead_id")),
        "account_id": r.get("account_id"),
        "account_name": names.of_id(r.get("account_id")),
        "ambiguous_ids": list(r.get("ambiguous_ids") or ()),
        "explanation": recipient_sentence(r),
        "tasks": tasks,
    }


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


def sibling_entry(sync_key: str, t: TaskStory, names: Names) -> dict[str, Any]:
    """Another record of the same activity, in one line."""
    task = t.task
    return {
        "sync_key": sync_key,
        "sobject": task.get("sobject"),
        "status": t.status,
        "salesforce_id": t.salesforce_id,
        "who_id": task.get("who_id"),
        "who_name": names.of_id(task.get("who_id")),
        "what_id": task.get("what_id"),
        "what_name": names.of_id(task.get("what_id")),
        "what_rule": task.get("what_rule"),
        "batch_index": task.get("batch_index", 0),
        "batch_count": task.get("batch_count", 1),
        "member_count": len(task.get("who_ids") or ()),
    }
