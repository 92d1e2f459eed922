"""The console's parts wired together: the runtime, the background sync, replay plans, the health document."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as SqlEngine

from adapters.bootstrap import Runtime, build
from adapters.notices.alert_history import alert_panel
from adapters.views.daily_trends import daily
from adapters.views.documents import history_rows, show_document, stats_for
from adapters.web import queries
from adapters.web.background import BackgroundSync, DisabledSync
from adapters.web.config import ConsoleConfig
from adapters.web.recipients import health_part
from adapters.web.replays import PlanStore
from adapters.web.security import Keys
from projections.application import ActivitySyncApp
from projections.sync_switch import switch_state
from projections.worker import WorkerOptions

# The background sync looks at what the org changed this often, as `sync` does (R27).
DRIFT_MINUTES = 5.0
TREND_DAYS = 30  # the health page's chart


@dataclass
class Console:
    """Everything a request needs; one per running console."""

    runtime: Runtime
    config: ConsoleConfig
    keys: Keys
    sync: BackgroundSync | DisabledSync
    plans: PlanStore

    @property
    def app(self) -> ActivitySyncApp:
        return self.runtime.app

    @property
    def views(self) -> SqlEngine:
        return self.runtime.views

    @property
    def has_org(self) -> bool:
        return bool(self.runtime.salesforce_url)

    def close(self) -> None:
        self.sync.stop()
        self.runtime.close()


def open_console(
    config: ConsoleConfig,
    store: str | None = None,
    salesforce: str | None = None,
    env: Mapping[str, str] | None = None,
    worker: bool = True,
    runtime: Runtime | None = None,
) -> Console:
    """Build the runtime and the console around it (nothing is started yet)."""
    runtime = runtime or build(store, salesforce, env)
    runtime.queue()  # creates the queue's tables, read by the health page
    org_runtime: list[Runtime] = []

    def replay_gateway() -> Any:
        # Replay gets its own gateway: the background worker's is busy in its own thread.
        if not org_runtime:
            org_runtime.append(
                build(runtime.location.url, runtime.salesforce_url, runtime.env, app=runtime.app)
            )
        return org_runtime[0].gateway()

    folder = config.plans_dir or Path(tempfile.mkdtemp(prefix="activity-sync-plans-"))
    plans = PlanStore(Path(folder), replay_gateway if runtime.salesforce_url else None)
    sync: BackgroundSync | DisabledSync = DisabledSync()
    if worker:
        sync = BackgroundSync(
            lambda: runtime.worker(WorkerOptions(chunk_size=config.chunk_size)),
            lambda: backlog(runtime).ready,
            interval=config.worker_interval,
            after_round=runtime.notify,
            look=lambda: runtime.look_if_due(DRIFT_MINUTES),
            held=lambda: held_by(runtime.app),
        )
    return Console(runtime, config, Keys(config.admin_token, config.admin_names), sync, plans)


def held_by(app: ActivitySyncApp) -> str | None:
    """Why the background sync idles: the pause switch's sentence, or None when it may run."""
    state = switch_state(app)
    return state.sentence() if state.paused else None


def backlog(runtime: Runtime) -> queries.Backlog:
    """The queue caught up with the log, then counted."""
    runtime.queue().catch_up()
    return queries.backlog(runtime.views)


def health_document(console: Console) -> dict[str, Any]:
    """Sync health: backlog, written today, sharing, API budget, failures, org state, worker."""
    app, views = console.app, console.views
    stats = stats_for(app, views)
    settings = show_document(app.settings(), history_rows(app.settings_history()))
    worker = console.sync.status()
    since = queries.start_of_today()
    codes = queries.failure_codes(views)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "backlog": backlog(console.runtime).to_dict(),
        "synced_today": {"since": since.isoformat(), **queries.written_since(views, since)},
        "avoided_by_sharing": {
            **stats["avoided_by_sharing"],
            "shared_tasks": stats["written"]["shared_tasks"],
        },
        "written": stats["written"],
        "api": _api(stats["api"]),
        "failures": {"records": sum(c["records"] for c in codes), "by_code": codes},
        "rejected_lines": stats["rejected_lines"],
        "org_changes": stats["org_changes"],
        "shared_activities": {
            "mode": settings["settings"]["shared_activities"],
            "in_effect": settings["shared_activities_in_effect"],
            "org_enabled": settings["org_shared_activities"],
            "last_change": settings["org_observed"],
            "last_read_at": worker["org_read_at"],
            "last_read_source": worker["org_read_source"],
        },
        "settings_version": settings["version"],
        "worker": worker,
        "webhook_enabled": console.config.webhook_secret is not None,
        "why_not_logged": health_part(stats),
        "days": daily(app, views, TREND_DAYS),  # the chart of the last 30 UTC days
        "sync_switch": switch_state(app).to_dict(),  # the admin's pause switch
        "alerts": _alerts(app, views),  # where alerts go, how many were sent
    }


def _alerts(app: ActivitySyncApp, views: SqlEngine) -> dict[str, Any]:
    panel = alert_panel(app, views)
    return {
        **panel["alerts"],
        "to": panel["settings"]["alert_url"],
        "format": panel["settings"]["alert_format"],
    }


def _api(api: dict[str, Any]) -> dict[str, Any]:
    latest = api.get("latest") or {}
    return {
        "budget_percent": api["budget_percent"],
        "used": latest.get("used"),
        "limit": latest.get("limit"),
        "budget_calls": latest.get("budget_calls"),
        "budget_used": latest.get("budget_used"),
        "over_budget": bool(latest.get("over_budget")),
        "at": latest.get("at"),
        "calls": api["calls"],
        "calls_per_email": api["calls_per_email"],
    }
