"""The console's HTML pages: health, failures, explain, replay, settings (server-rendered)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from adapters.cli.audit import explain_document
from adapters.cli.settings import history_rows, show_document
from adapters.views import catch_up
from adapters.web import actions, address_index, queries, story
from adapters.web.console import Console, health_document
from adapters.web.security import CSRF_FIELD, csrf_nonce, form_csrf_ok
from domain.errors import NotFound
from domain.settings import SETTABLE

WHO = "console"
SHOWN_FAILURES = 200
SHOWN_PLAN_ACTIVITIES = 200

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
router = APIRouter(include_in_schema=False)


class FormRefused(Exception):
    """A form without a valid CSRF token (or expired: the console restarted)."""


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    console: Console = request.app.state.console
    context.update(
        csrf_token=console.keys.csrf_token(csrf_nonce(request)),
        guarded=console.keys.admin_token is not None,
        page=name.removesuffix(".html"),
    )
    return templates.TemplateResponse(request, name, context, status_code=status)


async def checked_form(request: Request) -> dict[str, str]:
    """The posted fields, once the CSRF token is verified."""
    console: Console = request.app.state.console
    form = await request.form()
    fields = {key: str(value) for key, value in form.items()}
    if not form_csrf_ok(console.keys, request, fields.get(CSRF_FIELD)):
        raise FormRefused
    return fields


def confirm(
    request: Request, title: str, action: str, fields: dict[str, str], **context: Any
) -> HTMLResponse:
    """The explicit confirmation step every change goes through."""
    hidden = {k: v for k, v in fields.items() if k not in (CSRF_FIELD, "confirmed")}
    return render(request, "confirm.html", title=title, action=action, hidden=hidden, **context)


def back(path: str, **query: Any) -> RedirectResponse:
    shown = {k: v for k, v in query.items() if v is not None}
    return RedirectResponse(path + (f"?{urlencode(shown)}" if shown else ""), status_code=303)


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


# Health --------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def health_page(request: Request) -> HTMLResponse:
    return render(request, "health.html", health=health_document(_console(request)))


# Failures ------------------------------------------------------------------------------


@router.get("/failures", response_class=HTMLResponse)
def failures_page(
    request: Request, code: str | None = None, retried: int | None = None
) -> HTMLResponse:
    console = _console(request)
    catch_up(console.app, console.views)
    total, rows = queries.failures(console.views, code or None, SHOWN_FAILURES, 0)
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
        console.app,
        console.views,
        WHO,
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
            doc = explain_document(console.app, console.views, query)
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
            detail=f"{preview['key']}: {_shown(preview['old'])} → {_shown(preview['new'])}. "
            "This appends a settings event (a new settings version); Tasks already written "
            "keep their shape until you replay.",
            button="Yes, change it",
            cancel="/settings",
        )
    done = actions.change_setting(console.app, key, value, WHO)
    return back("/settings", changed=done["key"])


def _shown(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(value) if value else "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "unknown" if value is None else str(value)


def _when(value: str | None) -> str:
    """An ISO timestamp in UTC as `2026-03-02 09:30 UTC` (the view stores them in UTC)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


templates.env.filters["shown"] = _shown
templates.env.filters["when"] = _when
