"""The console's HTML pages: health, failures, explain, replay, settings (server-rendered)."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from adapters.notices.alert_history import alert_panel
from adapters.views import address_index
from adapters.views.documents import explain_document, history_rows, show_document
from adapters.views.task_view import catch_up
from adapters.web import actions, queries, story, trend_chart
from adapters.web.admins import who
from adapters.web.console import Console, health_document
from adapters.web.rendering import back, checked_form, confirm, render, shown
from domain.errors import NotFound
from domain.settings import SETTABLE

SHOWN_FAILURES = 200
SHOWN_PLAN_ACTIVITIES = 200
# A plan item leaves out the fields its kind does not use (an update names no people).
ITEM_FIELDS = {
    "salesforce_id": None,
    "who_ids": [],
    "what_from": None,
    "what_to": None,
    "detail": None,
}

router = APIRouter(include_in_schema=False)


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


# Health --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def health_page(request: Request) -> HTMLResponse:
    health = health_document(_console(request))
    return render(request, "health.html", health=health, trends=trend_chart.charts(health["days"]))


# Failures ------------------------------------------------------------------------------


@router.get("/failures", response_class=HTMLResponse)
def failures_page(
    request: Request, code: str | None = None, retried: int | None = None
) -> HTMLResponse:
    console = _console(request)
    catch_up(console.app, console.views)
    instance = console.runtime.salesforce_url
    total, rows = queries.named_failures(
        console.app, console.views, instance, code or None, SHOWN_FAILURES, 0
    )
    codes = queries.failure_codes(console.views)
    return render(
        request,
        "failures.html",
        code=code or None,
        total=total,
        rows=rows,
        codes=codes,
        retried=retried,
    )


@router.post("/failures/retry", response_model=None)
async def retry_form(request: Request) -> Response:
    fields = await checked_form(request)
    console = _console(request)
    code, key = fields.get("code") or None, fields.get("sync_key") or None
    if fields.get("confirmed") != "yes":
        if key:
            what = f"Retry the failed record {key}?"
            count = 1
        else:
            count = sum(
                c["records"] for c in queries.failure_codes(console.views) if c["code"] == code
            )
            what = f"Retry all {count} records refused with {code}?"
        return confirm(
            request,
            what,
            "/failures/retry",
            fields,
            detail="Each record gets a RetryRequested event and goes back to the sync queue; "
            "the background sync writes it again. Fix the cause in Salesforce first.",
            button=f"Yes, retry {count}",
            cancel=f"/failures?{urlencode({'code': code})}" if code else "/failures",
        )
    result = actions.retry(
        console.runtime,
        who(request),
        code=None if key else code,
        sync_keys=[key] if key else None,
    )
    console.sync.wake()
    return back("/failures", code=code, retried=len(result.requested))


# Explain -------------------------------------------------------------------------------


@router.get("/explain", response_class=HTMLResponse)
def explain_page(request: Request, q: str = "") -> HTMLResponse:
    console = _console(request)
    query = q.strip()[:500]
    context: dict[str, Any] = {"q": query, "doc": None, "matches": None, "missing": None}
    context["timelines"] = {}
    if "@" in query:
        context["matches"] = address_index.search(console.app, console.views, query)
    elif query:
        try:
            doc = explain_document(
                console.app, console.views, query, instance_url=console.runtime.salesforce_url
            )
            context["doc"] = doc
            context["timelines"] = {t["sync_key"]: story.timeline(t) for t in doc["tasks"]}
            context["outcomes"] = Counter(r["outcome"] for r in doc["recipients"]).most_common()
        except NotFound as error:
            context["missing"] = str(error)
    return render(request, "explain.html", status=404 if context["missing"] else 200, **context)


# Replay --------------------------------------------------------------------------------


@router.get("/replay", response_class=HTMLResponse)
def replay_page(request: Request) -> HTMLResponse:
    console = _console(request)
    return render(
        request,
        "replay.html",
        plans=console.plans.plans(),
        has_org=console.has_org,
        settings=console.app.settings(),
    )


@router.post("/replay/plans", response_model=None)
async def make_plan_form(request: Request) -> Response:
    fields = await checked_form(request)
    console = _console(request)
    header = console.plans.make(console.app, fields.get("read_org") == "yes" and console.has_org)
    return back(f"/replay/{header['replay_id']}")


@router.get("/replay/{replay_id}", response_class=HTMLResponse)
def plan_page(request: Request, replay_id: str, error: str | None = None) -> HTMLResponse:
    console = _console(request)
    header = console.plans.header(replay_id)
    entries = console.plans.entries(replay_id, SHOWN_PLAN_ACTIVITIES)
    for entry in entries:
        entry["kinds"] = list(Counter(item["kind"] for item in entry["items"]).items())
        entry["items"] = [{**ITEM_FIELDS, **item} for item in entry["items"]]
    return render(request, "replay_plan.html", plan=header, entries=entries, error=error)


@router.post("/replay/{replay_id}/apply", response_model=None)
async def apply_form(request: Request, replay_id: str) -> Response:
    fields = await checked_form(request)
    console = _console(request)
    header = console.plans.header(replay_id)
    if fields.get("confirmed") != "yes":
        totals = header["totals"]
        return confirm(
            request,
            f"Apply replay plan {replay_id}?",
            f"/replay/{replay_id}/apply",
            fields,
            detail=f"{totals['changed']} activities will be re-planned: the plan's events are "
            "appended to the store and the background sync then creates, relates, unrelates "
            "and deletes Tasks in the org. The plan is refused if the store or the org changed "
            "since it was made.",
            counts=header["counts"],
            button="Yes, apply the plan",
            cancel=f"/replay/{replay_id}",
        )
    console.plans.apply(console.app, replay_id, fields.get("force") == "yes")
    console.sync.wake()
    return back(f"/replay/{replay_id}")


# Settings ------------------------------------------------------------------------------


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, changed: str | None = None) -> HTMLResponse:
    console = _console(request)
    rows = history_rows(console.app.settings_history())
    document = show_document(console.app.settings(), rows)
    return render(
        request,
        "settings.html",
        doc=document,
        history=list(reversed(rows)),
        keys=list(SETTABLE),
        changed=changed,
        alerts=alert_panel(console.app, console.views),  # templates/alert_settings.html
    )


@router.post("/settings", response_model=None)
async def change_setting_form(request: Request) -> Response:
    fields = await checked_form(request)
    console = _console(request)
    key, value = fields.get("key", ""), fields.get("value", "")
    if fields.get("confirmed") != "yes":
        preview = actions.preview_setting(console.app, key, value)
        return confirm(
            request,
            f"Change {preview['key']}?",
            "/settings",
            fields,
            detail=f"{preview['key']}: {shown(preview['old'])} → {shown(preview['new'])}. "
            "This appends a settings event (a new settings version); Tasks already written "
            "keep their shape until you replay.",
            button="Yes, change it",
            cancel="/settings",
        )
    done = actions.change_setting(console.app, key, value, who(request))
    return back("/settings", changed=done["key"])
