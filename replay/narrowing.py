"""What the admin asks of a plan (`--only`, `--skip`, `--force`) and what applying it will do.

A plan is narrowed with flags, never by editing it (R19). The tally of what applying
will change in the org is what `replay apply` shows before it asks, and what tells
whether a plan deletes or overwrites records (then it needs `--yes` without a terminal).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from replay.plan_entries import ActivityDiff

# Changes that only add records; every other kind deletes or changes a record in the org.
ADDING = frozenset({"create", "missing_in_org"})
_PHRASES = {  # how each kind of change reads, for `n` records
    "delete": "delete {n}",
    "create": "create {n}",
    "missing_in_org": "re-create {n}",
    "adopt": "keep {n} under a new role",
    "relate": "add contacts to {n}",
    "unrelate": "remove contacts from {n}",
    "rewhat": "relate {n} to another record",
    "update": "update {n}",
    "edited_in_org": "overwrite a person's edit of {n}",
}


@dataclass(frozen=True)
class Narrowing:
    """Only some activities, some skipped, held ones forced (all of them, or those named)."""

    only: frozenset[str] = frozenset()
    skip: frozenset[str] = frozenset()
    force: frozenset[str] = frozenset()
    force_all: bool = False

    def includes(self, activity_id: str) -> bool:
        return (not self.only or activity_id in self.only) and activity_id not in self.skip

    def forces(self, activity_id: str) -> bool:
        return self.force_all or activity_id in self.force

    @property
    def named(self) -> frozenset[str]:
        return self.only | self.skip | self.force


@dataclass
class Tally:
    """The changes applying will carry out, by kind and object type, and for how many activities."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    activities: int = 0

    def add(self, entry: ActivityDiff) -> None:
        """An activity that will be carried out (a held one only when forced)."""
        self.activities += 1
        for item in entry.items:
            self.counts[(item.kind, item.sobject)] += 1

    @property
    def destructive(self) -> bool:
        """Whether it deletes a record or changes one the org holds (a person's edit included)."""
        return any(kind not in ADDING for kind, _ in self.counts)

    def sentence(self) -> str:
        """`delete 252 Tasks, create 153 Tasks`, in the order of the plan's kinds."""
        parts = [
            phrase.format(n=f"{n} {sobject}{'' if n == 1 else 's'}")
            for kind, phrase in _PHRASES.items()
            for (k, sobject), n in sorted(self.counts.items())
            if k == kind
        ]
        return ", ".join(parts) if parts else "change nothing"
