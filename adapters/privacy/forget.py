"""Forget a person (R29): destroy their keys, re-plan the org without them, rewrite the views,
erase the files; and `unforget`, which lets an address be ingested again."""

from __future__ import annotations

from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from adapters.bootstrap import Runtime
from adapters.privacy.erase import erase_files, scrub
from adapters.privacy.finding import Appearances, find, records_of
from adapters.privacy.plans import drop_plans
from adapters.store.vault_wiring import vault_of
from domain.addresses import is_valid_address, normalise
from domain.errors import ActivitySyncError, BadInput, ConfigurationError
from domain.privacy import ERASURES_ID, Erasures
from projections.application import ActivitySyncApp
from projections.org_drift import people_gone
from projections.replan import plan_from_history, record_plan

IN_ORG = ("unrelate", "keep")
REASON = "forgotten"


@dataclass
class ForgetReport:
    """What `forget` found and did; never the address itself."""

    known: bool
    activities: int
    records: int  # Tasks and Events the engine wrote for those activities
    erased_texts: int = 0
    rejected_lines: int = 0
    view_rows: int = 0
    plans_deleted: list[str] = field(default_factory=list)
    org_replanned: int = 0
    org: dict[str, Any] = field(default_factory=dict)
    legacy_events: int = 0
    files: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))


def parse_address(raw: str) -> str:
    """The normalised address of `ana@x` or `Ana Lee <ana@x>`; BadInput when malformed."""
    _, address = parseaddr(raw)
    address = normalise(address or raw)
    if not is_valid_address(address):
        raise BadInput(
            f"'{raw}' is not an email address (e.g. ana@example.com or Ana <ana@example.com>)"
        )
    return address


def preview(runtime: Runtime, address: str) -> Appearances:
    vault = _vault(runtime.app)
    return find(runtime.app, runtime.views, vault, address)


def forget(
    runtime: Runtime, address: str, found: Appearances, in_org: str, requested_by: str
) -> ForgetReport:
    """Forget `address` everywhere the engine keeps it (R29); `found` comes from `preview`."""
    app, engine = runtime.app, runtime.views
    vault = _vault(app)
    if in_org == "unrelate" and found.activities:
        _org_ready(runtime)  # before anything is destroyed
    records = records_of(engine, found.activities)
    report = ForgetReport(
        known=bool(found.activities or found.lines),
        activities=len(found.activities),
        records=records,
    )
    report.legacy_events = legacy_events(app, found.activities, address)
    vault.forget(address)
    report.erased_texts = vault.destroy_content(found.sole_content)
    report.rejected_lines = vault.destroy_lines(found.lines)
    if in_org == "unrelate":
        report.org_replanned = replan(app, found.activities)
    done = scrub(engine, address, found.sole_content)
    report.view_rows = done.rows
    folder = runtime.location.sqlite_path
    if folder is not None:
        report.plans_deleted = drop_plans(folder.parent, address)
    _record(app, requested_by, in_org, report)
    if in_org == "unrelate" and report.org_replanned:
        report.org = carry_out(runtime)
    report.files = erase_files(runtime.location, done.tables)
    return report


def unforget(runtime: Runtime, address: str, requested_by: str) -> bool:
    """Lift the suppression of an address; whether it was suppressed."""
    lifted = _vault(runtime.app).unforget(address)
    if lifted:
        erasures = _erasures(runtime.app)
        erasures.lifted(requested_by)
        runtime.app.save(erasures)
    return lifted


def replan(app: ActivitySyncApp, ids: list[UUID]) -> int:
    """Plan each activity again with the person judged `forgotten` (as if excluded), under
    the settings it was planned with (nothing else changes); the writer then unrelates them
    and deletes the records nobody else is on."""
    fates = people_gone(app)
    versions: dict[int, Any] = {}
    changed, count = [], 0
    for uuid in ids:
        activity = app.activity_by_uuid(uuid)
        if activity is None or not activity.is_resolved:
            continue
        version = activity.settings_version
        if version not in versions:
            versions[version] = app.settings_at(version)
        settings = versions[version]
        plan = plan_from_history(activity, settings, fates)
        changes = record_plan(activity, plan, settings, None, REASON)
        count += len(changes.formed) + len(changes.retired)
        if activity.pending_events:
            changed.append(activity)
    if changed:
        app.save(*changed)
    return count


def _org_ready(runtime: Runtime) -> None:
    if not runtime.salesforce_url:
        raise BadInput(
            "no Salesforce org is configured to take the person off its Tasks: configure it "
            "(SALESFORCE_INSTANCE_URL), or pass --in-org keep"
        )
    runtime.worker()  # checks that the org can be used: one sentence if not


def carry_out(runtime: Runtime) -> dict[str, Any]:
    """Write the re-planned records now, through the usual writer and API budget; when the
    org cannot be reached, they stay queued for the next `activity-sync sync`."""
    gateway = runtime.gateway()
    before = int(gateway.calls_made)
    try:
        done = runtime.sync_round(runtime.worker(check=False), rules=False)
    except ActivitySyncError as error:
        return {"error": f"{error}; run `activity-sync sync` to carry it out"}
    summary = done.summary
    return {
        "records_written": summary.tasks_written + summary.events_written,
        "records_deleted": summary.deleted,
        "records_failed": summary.records_failed,
        "api_calls": int(gateway.calls_made) - before,
    }


def legacy_events(app: ActivitySyncApp, ids: list[UUID], address: str) -> int:
    """Events of these activities written before the vault, which hold the address in plain."""
    needle = address.encode()
    count = 0
    for uuid in ids:
        for stored in app.recorder.select_events(uuid):
            if needle in bytes(stored.state).lower():
                count += 1
    return count


def _record(app: ActivitySyncApp, requested_by: str, in_org: str, report: ForgetReport) -> None:
    erasures = _erasures(app)
    erasures.forgotten(requested_by, in_org, report.activities, report.org_replanned)
    app.save(erasures)


def _erasures(app: ActivitySyncApp) -> Erasures:
    try:
        found: Erasures = app.repository.get(ERASURES_ID)
    except AggregateNotFoundError:
        return Erasures.start()
    return found


def _vault(app: ActivitySyncApp) -> Any:
    vault = vault_of(app)
    if vault is None:
        raise ConfigurationError("this store keeps no vault (a store in memory): nothing to forget")
    return vault
