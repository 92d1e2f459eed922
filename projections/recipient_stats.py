"""Why wasn't it logged: recipients by outcome, unmatched addresses and domains, each sender.

Pure: the rows the recipients view keeps for one `RecipientsResolved`, and the parts of the
`stats` document built from that view's counts (`docs/audit.md` describes every field).
The outcome set is open: whatever outcome the events carry is counted under its own name,
and the six an admin always looks for are shown even at 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.addresses import domain_of, normalise
from domain.model import BCC_SKIPPED, CONTACT, DUPLICATE, EXCLUDED, INVALID, LEAD, UNMATCHED
from domain.payloads import RecipientData

SKIPPED = "skipped"
SHOWN_OUTCOMES = (CONTACT, LEAD, UNMATCHED, EXCLUDED, INVALID, SKIPPED)
# Addresses the rules set aside before judging them (Bcc not included, a repeat): `skipped`.
FOLDED = {BCC_SKIPPED: SKIPPED, DUPLICATE: SKIPPED}
TOP = 10


def activity_facts(activity_uuid: str, activity: Mapping[str, Any]) -> dict[str, Any]:
    """What the view keeps of a recorded activity: its sender's address (R1), time and id."""
    return {
        "uuid": activity_uuid,
        "sender": normalise(str(activity.get("sender") or "")),
        "occurred_at": activity.get("occurred_at"),
        "activity_id": activity.get("id"),
    }


def recipient_rows(
    activity_uuid: str, about: Mapping[str, Any], recipients: Iterable[RecipientData]
) -> list[dict[str, Any]]:
    """One view row per address of a resolved activity, keyed by its position (R2), with
    the activity's sender, time and id (`activity_facts`) beside it."""
    return [
        {
            "activity_uuid": activity_uuid,
            "position": r["position"],
            "address": r["address"],
            "domain": domain_of(r["address"]),
            "role": r["role"],
            "outcome": r["outcome"],
            "reason": r.get("reason"),
            "sender": about.get("sender"),
            "occurred_at": about.get("occurred_at"),
            "activity_id": about.get("activity_id"),
        }
        for r in recipients
    ]


def shown_outcome(outcome: str) -> str:
    return FOLDED.get(outcome, outcome)


@dataclass(frozen=True)
class Unmatched:
    """One address no Contact or Lead has: how often it came, when last, in which activity."""

    address: str
    count: int
    last_seen: str | None
    sample_activity: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "domain": domain_of(self.address),
            "count": self.count,
            "last_seen": self.last_seen,
            "sample_activity": self.sample_activity,
        }


@dataclass(frozen=True)
class SenderCounts:
    """One sender's figures, as the view groups them (the sender as given)."""

    sender: str
    activities: int = 0
    tasks: int = 0
    events: int = 0
    unmatched: int = 0
    failures: int = 0


@dataclass(frozen=True)
class RecipientFacts:
    """What the recipients view answers with (see `adapters.views.recipient_queries`)."""

    by_outcome: Mapping[str, int] = field(default_factory=dict)
    unmatched_domains: Sequence[tuple[str, int]] = ()
    unmatched_addresses: Sequence[Unmatched] = ()
    senders: Sequence[SenderCounts] = ()


def recipients_section(facts: RecipientFacts) -> dict[str, Any]:
    """The keys `stats --json` gains: `recipients`, the top unmatched, `senders`."""
    return {
        "recipients": outcome_counts(facts.by_outcome),
        "top_unmatched_domains": [
            {"domain": domain, "count": count} for domain, count in facts.unmatched_domains
        ],
        "top_unmatched_addresses": [u.to_dict() for u in facts.unmatched_addresses],
        "senders": [_sender(s) for s in merged_senders(facts.senders)],
    }


def outcome_counts(by_outcome: Mapping[str, int]) -> dict[str, int]:
    """The six usual outcomes (0 when absent) first, then any other outcome by name."""
    counts = dict.fromkeys(SHOWN_OUTCOMES, 0)
    for outcome, count in sorted(by_outcome.items()):
        key = shown_outcome(outcome)
        counts[key] = counts.get(key, 0) + count
    return counts


def merged_senders(rows: Iterable[SenderCounts]) -> list[SenderCounts]:
    """Senders by address (R1: `Ann <ann@x>` and `ANN@x` are one rep), busiest first."""
    merged: dict[str, SenderCounts] = {}
    for row in rows:
        key = normalise(row.sender)
        seen = merged.get(key, SenderCounts(key))
        merged[key] = SenderCounts(
            key,
            seen.activities + row.activities,
            seen.tasks + row.tasks,
            seen.events + row.events,
            seen.unmatched + row.unmatched,
            seen.failures + row.failures,
        )
    return sorted(merged.values(), key=lambda s: (-s.activities, s.sender))


def _sender(s: SenderCounts) -> dict[str, Any]:
    return {
        "sender": s.sender,
        "activities": s.activities,
        "tasks": s.tasks,
        "events": s.events,
        "unmatched": s.unmatched,
        "failures": s.failures,
    }


def latest(stamps: Iterable[tuple[str | None, str | None]]) -> tuple[str | None, str | None]:
    """The (timestamp, activity) pair that happened last; stamps carry their own offsets."""
    best: tuple[datetime, str | None, str | None] | None = None
    for stamp, activity in stamps:
        moment = _moment(stamp)
        if best is None or moment > best[0]:
            best = (moment, stamp, activity)
    return (best[1], best[2]) if best else (None, None)


def _moment(stamp: str | None) -> datetime:
    try:
        moment = datetime.fromisoformat(stamp or "")
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
