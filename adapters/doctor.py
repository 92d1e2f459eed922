"""`doctor`: every precondition of a working sync, each with a pass/fail line and the fix."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from adapters.bootstrap import Runtime, build
from domain.errors import ActivitySyncError
from projections.tracker import SettingsTracker

PASS, WARN, FAIL, SKIP = "pass", "warn", "fail", "skipped"


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report."""

    name: str
    status: str  # pass | warn | fail | skipped
    detail: str
    fix: str = ""

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def run_checks(
    store: str | None, salesforce: str | None, env: Mapping[str, str], serving: bool = False
) -> list[Check]:
    """Run every check in order; org checks are skipped when the org cannot be reached."""
    checks: list[Check] = []
    runtime = _store_check(store, salesforce, env, checks)
    checks.append(_encryption_check(store, env))
    if runtime is None:
        checks.append(Check("org", SKIP, "not checked: the store did not open"))
    else:
        try:
            rules = _rules_check(runtime, env)
            _org_checks(runtime, checks)
        finally:
            runtime.close()
        if rules:
            checks.append(rules)
    checks.extend(_serving_checks(env, serving))
    return checks


def _rules_check(runtime: Runtime, env: Mapping[str, str]) -> Check | None:
    """Rules post signed notices: with rules and no secret, notices wait undelivered (R26)."""
    from adapters.notices.sender import rules_secret
    from projections.notifier import load_rules

    rules = load_rules(runtime.app).active()
    if not rules:
        return None
    if rules_secret(env):
        return Check(
            "rules secret", PASS, f"{len(rules)} rule(s); ACTIVITY_SYNC_RULES_SECRET is set"
        )
    return Check(
        "rules secret",
        FAIL,
        f"{len(rules)} rule(s) but ACTIVITY_SYNC_RULES_SECRET is not set: notices wait unsent",
        "set ACTIVITY_SYNC_RULES_SECRET (or ACTIVITY_SYNC_RULES_SECRET_FILE) to sign rule notices",
    )


def _encryption_check(store: str | None, env: Mapping[str, str]) -> Check:
    """Whether the events are encrypted at rest, and whether the key opens them."""
    from adapters.store.at_rest import at_rest

    found = at_rest(store, env)
    status = {True: PASS, False: FAIL, None: SKIP}[found.ok]
    return Check("encryption at rest", status, found.detail, found.fix)


def _store_check(
    store: str | None, salesforce: str | None, env: Mapping[str, str], checks: list[Check]
) -> Runtime | None:
    try:
        runtime = build(store, salesforce, env)
        runtime.queue()  # opens the queue and creates the read models when missing
        events = runtime.app.recorder.max_notification_id() or 0
        version = runtime.app.settings().version
    except Exception as error:  # noqa: BLE001 - any failure to open is the finding itself
        checks.append(
            Check(
                "store",
                FAIL,
                f"the store does not open: {type(error).__name__}: {error}",
                "check --store / ACTIVITY_SYNC_STORE (sqlite:///path or postgresql://...) "
                "and that the database is reachable and writable",
            )
        )
        return None
    checks.append(
        Check(
            "store",
            PASS,
            f"{runtime.location.kind} store opens: {events} events, "
            f"settings version {version}, read models present",
        )
    )
    return runtime


def _org_checks(runtime: Runtime, checks: list[Check]) -> None:
    from adapters.salesforce.readiness import check_external_id, refusal_sentence
    from projections.ports import SyncError

    try:
        gateway = runtime.gateway()
        usage = gateway.api_usage()
    except ActivitySyncError as error:
        sentence = (
            refusal_sentence(error, runtime.salesforce_url or "")
            if isinstance(error, SyncError)
            else str(error)
        )
        checks.append(Check("org connection", FAIL, sentence, _connection_fix(runtime)))
        checks.append(Check("org", SKIP, "the other org checks need a connection"))
        return
    checks.append(
        Check("org connection", PASS, f"{gateway.instance_url} answers; the credentials work")
    )
    if getattr(gateway, "limits_denied", False):
        checks.append(
            Check(
                "API access",
                WARN,
                "the sync user lacks View Setup and Configuration: /limits is refused, so the "
                f"budget is read from response headers instead ({usage.used} of {usage.limit} "
                "daily calls used)",
                "grant View Setup and Configuration to read the org's limits directly; the "
                "budget works without it",
            )
        )
    else:
        checks.append(
            Check(
                "API access",
                PASS,
                f"the REST API answers (/limits: {usage.used} of {usage.limit} daily calls used)",
            )
        )
    settings = runtime.app.settings()
    for sobject in ("Task", "Event"):
        checks.append(
            _guarded(
                f"external id on {sobject}",
                lambda s=sobject: _external_id(
                    gateway, s, settings.external_id_field, check_external_id
                ),
            )
        )
    checks.append(_guarded("shared activities", lambda: _shared(gateway, runtime)))
    checks.append(_budget(usage.used, usage.limit, settings.api_budget_percent))


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except ActivitySyncError as error:
        return Check(name, FAIL, str(error), "see the message")


def _external_id(gateway: Any, sobject: str, field: str, verify: Callable[..., None]) -> Check:
    fields = gateway.describe(sobject)
    try:
        verify(fields, sobject, field)
    except ActivitySyncError as error:
        return Check(
            f"external id on {sobject}", FAIL, f"{field} is not usable on {sobject}", str(error)
        )
    return Check(f"external id on {sobject}", PASS, f"{field} exists, External ID and Unique")


def _shared(gateway: Any, runtime: Runtime) -> Check:
    from replay.support_repair import repair_pending

    tracker = SettingsTracker(runtime.app, gateway)
    settings = tracker.current()  # reads the org and records a change (R17), as sync does
    enabled = bool(settings.org_shared_activities)
    in_effect = "in effect" if settings.shared_in_effect else "not in effect"
    said = f"the org has shared activities {'enabled' if enabled else 'disabled'}"
    detail = f"{said}; runtime switch '{settings.shared_activities}', so sharing is {in_effect}"
    if repair_pending(runtime.app) is not None:
        return Check(
            "shared activities",
            WARN,
            f"{detail}: support disabled it, and the shared Tasks that lost their people are "
            "not repaired yet (R18)",
            "run `activity-sync sync`: it re-plans them as individual Tasks and writes them",
        )
    if tracker.last_source == "metadata_api":
        return Check("shared activities", PASS, f"{detail} (read from the Metadata API)")
    return Check(
        "shared activities",
        WARN,
        f"{detail}: the sync user lacks Modify All Data (or Modify Metadata), so the setting is "
        "read from describe of Task instead of the Metadata API",
        "grant the integration user Modify All Data (or Modify Metadata) so the setting is read "
        "from ActivitiesSettings; describe works meanwhile",
    )


def _budget(used: int, limit: int, percent: int) -> Check:
    share = limit * percent // 100
    detail = f"{used} of {limit} daily calls used; the runtime's share is {share} ({percent}%)"
    if used >= share:
        return Check(
            "API budget",
            FAIL,
            detail + ": nothing left to spend today",
            "wait for the rolling 24 hours to free calls, or raise api_budget_percent",
        )
    return Check("API budget", PASS, f"{detail}; {share - used} left")


def _connection_fix(runtime: Runtime) -> str:
    if not runtime.salesforce_url:
        return "set SALESFORCE_INSTANCE_URL (or --salesforce) and credentials"
    return (
        "check SALESFORCE_INSTANCE_URL and the credentials (SALESFORCE_SESSION_ID with "
        "SALESFORCE_CA_BUNDLE for the local org; username, password and security token; or the "
        "JWT bearer flow) and that the user has API Enabled"
    )


def _serving_checks(env: Mapping[str, str], serving: bool) -> list[Check]:
    missing = WARN if not serving else FAIL
    checks = []
    for variable, purpose in (
        ("ACTIVITY_SYNC_WEBHOOK_SECRET", "signs webhook deliveries"),
        ("ACTIVITY_SYNC_ADMIN_TOKEN", "guards the console and its API"),
    ):
        present = bool(env.get(variable) or env.get(f"{variable}_FILE"))
        status = PASS if present else missing
        detail = f"{variable} is {'set' if present else 'not set'} ({purpose})"
        fix = "" if present else f"set {variable} (or {variable}_FILE) before `activity-sync serve`"
        checks.append(Check(variable.lower(), status, detail, fix))
    return checks
