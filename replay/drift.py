"""How the org's copy of a written Task differs from what the engine wrote (R19).

Three questions about one record: did a person edit it after the engine's last write,
which people does it hold now, and which Task of the new plan may keep it (adoption).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from domain.model import PlannedTask
from domain.salesforce_ids import canonical_id
from projections.ports import OrgRecord

DEFAULT_SKEW = timedelta(seconds=5)


def same_id(left: str | None, right: str | None) -> bool:
    """Ids compare in their 18-character form; None equals only None."""
    if left is None or right is None:
        return left is None and right is None
    return canonical_id(left) == canonical_id(right)


def id_set(ids: Iterable[str]) -> set[str]:
    return {canonical_id(i) for i in ids if i}


def org_time(value: str | None) -> datetime | None:
    """A Salesforce datetime (`2026-11-26T10:00:00.000+0000`) as an aware datetime."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def edited_reason(
    record: OrgRecord,
    recorded: Mapping[str, Any] | None,
    written_at: datetime | None,
    skew: timedelta = DEFAULT_SKEW,
    support_disabled: bool = False,
) -> str | None:
    """Why the org record looks edited by someone other than the engine, or None.

    A changed Name, Related To or Subject is an edit. Otherwise, once the engine has seen
    the org's shared-activities setting off (`support_disabled`), a record that kept only
    its primary out of several people is what Salesforce support's disabling leaves behind
    (R18): not an edit, whatever stamps that left, and replay repairs it. While the setting
    is on, a person removed them: that is their decision (R28). Otherwise another user than
    the creator (the engine), or a modification after the engine's last write (beyond
    `skew`), is an edit.
    """
    if recorded is not None:
        changed = _content_change(record, recorded)
        if changed or (support_disabled and _kept_only_primary(record, recorded)):
            return changed
    if (
        record.last_modified_by_id
        and record.created_by_id
        and not same_id(record.last_modified_by_id, record.created_by_id)
    ):
        return f"modified by user {record.last_modified_by_id}, not the engine's user"
    modified = org_time(record.last_modified)
    if modified and written_at and modified > written_at + skew:
        return f"modified at {record.last_modified}, after the engine's last write"
    return None


def _kept_only_primary(record: OrgRecord, recorded: Mapping[str, Any]) -> bool:
    return len(recorded.get("who_ids") or ()) > 1 and id_set(record.who_ids) <= id_set(
        [record.who_id or ""]
    )


def _content_change(record: OrgRecord, recorded: Mapping[str, Any]) -> str | None:
    if not same_id(record.who_id, recorded.get("who_id")):
        return f"Name (WhoId) changed to {record.who_id}"
    if not same_id(record.what_id, recorded.get("what_id")):
        return f"Related To (WhatId) changed to {record.what_id}"
    subject = (recorded.get("fields") or {}).get("Subject")
    if subject is not None and record.subject is not None and record.subject != subject:
        return "Subject changed"
    return None


def adoptable(
    candidate: PlannedTask, held_people: tuple[str, ...], recorded: Mapping[str, Any]
) -> bool:
    """May the new Task keep this existing Task (and its Salesforce id)?

    Same object, same primary, same WhatId, and either the existing Task holds no one the
    new Task does not want (the support-disabled shared Task that kept only its primary
    becomes that primary's individual Task; an individual Task becomes the shared Task of
    its primary), or both are shared Tasks: the new one sends its whole people list, so
    the others are unrelated, as they would be under the Task's own key. That is the case
    of a shared Task kept under an earlier key (an individual Task folded into it) when a
    secondary is excluded or the batches change: without it the Task would be deleted and
    created again, which it is not when it never changed keys.
    """
    return (
        candidate.sobject == recorded.get("sobject")
        and same_id(candidate.who_id, recorded.get("who_id"))
        and same_id(candidate.what_id, recorded.get("what_id"))
        and (
            id_set(held_people) <= id_set(candidate.who_ids)
            or (candidate.shared and bool(recorded.get("shared")))
        )
    )
