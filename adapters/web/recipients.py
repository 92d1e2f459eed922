"""The health page's "why wasn't it logged?" part: recipients by outcome, the unmatched
candidates for new Contacts or Leads, and the busiest senders, taken from `stats`."""

from __future__ import annotations

from typing import Any

SHOWN_SENDERS = 20
KEYS = ("recipients", "top_unmatched_domains", "top_unmatched_addresses", "senders")


def health_part(stats: dict[str, Any]) -> dict[str, Any]:
    """What the health page shows of `stats`: recipients, candidates, the busiest senders."""
    part = {key: stats.get(key) or ([] if key != "recipients" else {}) for key in KEYS}
    senders = part["senders"]
    return {
        **part,
        "senders": senders[:SHOWN_SENDERS],
        "more_senders": len(senders[SHOWN_SENDERS:]),
    }
