"""Before a plan is applied: every check of what it assumed, and what it will change.

Nothing is appended until these pass: the flags name activities of the plan; the plan
was not applied already; the settings in force, the log and the org's records are those
the plan was made from. Which activities a person edited (held) is read from the org
here, never taken from the plan file (R19, R28).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.errors import BadInput
from domain.settings import Settings
from projections.application import ActivitySyncApp
from replay.basis import (
    BasisChanged,
    check_log,
    read_org_again,
    require_same_org,
    require_settings,
    require_unchanged_log,
)
from replay.narrowing import Narrowing, Tally
from replay.org_state import OrgReader
from replay.plan_entries import ActivityDiff
from replay.sealed_plan import SealedPlan
from replay.stream import CHUNK_SIZE, Scope


@dataclass
class Prepared:
    """A plan checked against the store and the org, ready to be carried out."""

    plan: SealedPlan
    narrowing: Narrowing
    settings: Settings | None = None
    held: frozenset[str] = frozenset()  # aggregate ids a person edited in the org, as read now
    tally: Tally = field(default_factory=Tally)
    previously_applied: int = 0  # when the whole plan was applied before: its activities


def prepare(
    app: ActivitySyncApp,
    plan: SealedPlan,
    reader: OrgReader | None,
    narrowing: Narrowing,
    chunk_size: int = CHUNK_SIZE,
) -> Prepared:
    """Every check, before anything is appended: the flags name activities of the plan; the
    plan was not applied already; the settings, the log and the org are as it assumed."""
    header = plan.header
    versions, wanted = _survey_entries(plan, narrowing)
    log = check_log(app, int(header["basis"]["max_notification_id"]), plan.replay_id)
    if wanted and wanted <= log.ours:
        return Prepared(plan, narrowing, previously_applied=len(wanted))
    settings = require_settings(app, header)
    require_unchanged_log(log)
    held: frozenset[str] = frozenset()
    if header["basis"].get("org_read"):
        if reader is None:
            raise BasisChanged("the plan was made from the org's records; apply needs the org too")
        skew = timedelta(seconds=float(header["skew_seconds"]))
        support_disabled = header["settings"].get("org_shared_activities") is False
        now = read_org_again(
            app,
            Scope.from_dict(header["scope"]),
            reader,
            versions,
            skew,
            chunk_size,
            support_disabled,
        )
        require_same_org(header["basis"]["org_fingerprint"], now.fingerprint)
        held = frozenset(now.held)
    prepared = Prepared(plan, narrowing, settings, held)
    for entry in plan.entries():
        if carried_out(entry, prepared):
            prepared.tally.add(entry)
    return prepared


def _survey_entries(plan: SealedPlan, narrowing: Narrowing) -> tuple[dict[str, int], set[str]]:
    """Each activity's version as planned, and those the flags and the plan's holds let
    through; BadInput when a flag names an activity the plan does not hold."""
    versions: dict[str, int] = {}
    wanted: set[str] = set()
    named = set(narrowing.named)
    for entry in plan.entries():
        versions[entry.aggregate_id] = entry.version
        named.discard(entry.activity_id)
        if narrowing.includes(entry.activity_id) and (
            not entry.held or narrowing.forces(entry.activity_id)
        ):
            wanted.add(entry.aggregate_id)
    if named:
        raise BadInput("the plan changes no activity " + ", ".join(repr(i) for i in sorted(named)))
    return versions, wanted


def carried_out(entry: ActivityDiff, prepared: Prepared) -> bool:
    """Selected by the flags, and not held by a person's edit in the org (unless forced)."""
    narrowing = prepared.narrowing
    if not narrowing.includes(entry.activity_id):
        return False
    return entry.aggregate_id not in prepared.held or narrowing.forces(entry.activity_id)
