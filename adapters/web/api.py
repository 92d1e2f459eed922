"""The JSON API under /api: health, failures and retries, search and explain, settings, replay, webhook."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from adapters.views import address_index
from adapters.views.documents import explain_document, history_rows, show_document, stats_for
from adapters.views.rejections import newest_rejections
from adapters.views.task_view import catch_up
from adapters.web import actions, queries, webhook
from adapters.web import request_bodies as req
from adapters.web import response_bodies as res
from adapters.web.admins import who
from adapters.web.console import Console, health_document

Responses = dict[int | str, dict[str, Any]]
AUTH: Responses = {
    401: {"model": res.Problem, "description": "the admin token is missing or wrong"}
}
CHANGE: Responses = {
    **AUTH,
    400: {"model": res.Problem, "description": "bad input"},
    403: {"model": res.Problem, "description": "missing CSRF token (send the bearer header)"},
}
MISSING: Responses = {404: {"model": res.Problem, "description": "nothing has that id"}}

router = APIRouter(prefix="/api", responses=AUTH)


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(console_of)]


@router.get("/health", response_model=res.Health, tags=["health"])
def health(console: ConsoleDep) -> dict[str, Any]:
    """Backlog, written today, Tasks avoided by sharing, API budget, failures by code, org state."""
    return health_document(console)


@router.get("/stats", tags=["health"])
def stats(console: ConsoleDep) -> dict[str, Any]:
    """The same document as `activity-sync stats --json` (R23)."""
    return stats_for(console.app, console.views)


@router.get(
    "/failures",
    response_model=res.FailureList,
    response_model_exclude_unset=True,  # a link that cannot be made is left out
    tags=["failures"],
)
def failures(
    console: ConsoleDep,
    code: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """Records Salesforce refused for good (with its code and message), newest first."""
    catch_up(console.app, console.views)
    instance = console.runtime.salesforce_url
    total, rows = queries.named_failures(
        console.app, console.views, instance, code or None, limit, offset
    )
    codes = queries.failure_codes(console.views)
    return {"total": total, "code": code or None, "codes": codes, "failures": rows}


@router.post(
    "/failures/retry",
    response_model=res.RetryReply,
    tags=["failures"],
    responses={**CHANGE, **MISSING},
)
def retry(console: ConsoleDep, order: req.RetryRequest, request: Request) -> dict[str, Any]:
    """Re-queue failed records (RetryRequested events): these sync keys, or every one of a code."""
    if isinstance(order, req.RetryKeys):
        result = actions.retry(console.runtime, who(request), sync_keys=order.sync_keys)
    else:
        result = actions.retry(console.runtime, who(request), code=order.code)
    console.sync.wake()
    return result.to_dict()


@router.get("/search", response_model=res.SearchReply, tags=["explain"])
def search(
    console: ConsoleDep, q: Annotated[str, Query(min_length=1, max_length=500)]
) -> dict[str, Any]:
    """Activities that name an email address; any other text is looked up as an id by explain."""
    query = q.strip()
    if "@" in query:
        matches = address_index.search(console.app, console.views, query)
        return {"query": query, "kind": "email", "matches": matches}
    return {"query": query, "kind": "id", "matches": []}


@router.get("/explain/{ident:path}", tags=["explain"], responses=MISSING)
def explain(console: ConsoleDep, ident: str) -> dict[str, Any]:
    """Exactly the document of `activity-sync explain ID --json` (R21, docs/explain-schema.json)."""
    return explain_document(
        console.app, console.views, ident, instance_url=console.runtime.salesforce_url
    )


@router.get("/rejected", tags=["failures"])
def rejected(
    console: ConsoleDep, limit: Annotated[int, Query(ge=0, le=10_000)] = 50
) -> dict[str, Any]:
    """Kept bad input (ingest lines and webhook items), newest first, as `rejected --json`."""
    kept = newest_rejections(console.app, limit or None)
    return {"total": kept.total, "rejected": [line.to_dict() for line in kept.lines]}


@router.get("/settings", response_model=res.SettingsDocument, tags=["settings"])
def settings(console: ConsoleDep) -> dict[str, Any]:
    """Current values, defaults, shared-activities state and every version (R16, R17)."""
    rows = history_rows(console.app.settings_history())
    return {**show_document(console.app.settings(), rows), "history": rows}


@router.post("/settings", response_model=res.SettingChanged, tags=["settings"], responses=CHANGE)
def change_setting(
    console: ConsoleDep,
    change: req.SettingChange,  # type: ignore[valid-type]
    request: Request,
) -> dict[str, Any]:
    """Change one setting: the same event as `activity-sync settings set` (R16)."""
    return actions.change_setting(console.app, change.key, change.value, who(request))  # type: ignore[attr-defined]


@router.get("/replay/plans", response_model=list[res.PlanSummary], tags=["replay"])
def plans(console: ConsoleDep) -> list[dict[str, Any]]:
    """Replay plans made by this console, newest first."""
    return console.plans.plans()


@router.post(
    "/replay/plans",
    response_model=res.PlanSummary,
    status_code=201,
    tags=["replay"],
    responses={**CHANGE, 502: {"model": res.Problem}, 503: {"model": res.Problem}},
)
def make_plan(
    console: ConsoleDep, order: Annotated[req.PlanOrder | None, Body()] = None
) -> dict[str, Any]:
    """Plan a replay of the whole history under the current settings (R19); nothing changes."""
    read_org = (order or req.PlanOrder()).read_org
    return console.plans.make(console.app, read_org and console.has_org)


@router.get(
    "/replay/plans/{replay_id}", response_model=res.PlanDetail, tags=["replay"], responses=MISSING
)
def plan(
    console: ConsoleDep,
    replay_id: str,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    """One plan: its basis, counts, and the activities it changes with each change."""
    header = console.plans.header(replay_id)
    entries = console.plans.entries(replay_id, limit, offset)
    return {"plan": header, "activities": entries, "offset": offset, "limit": limit}


@router.post(
    "/replay/plans/{replay_id}/apply",
    response_model=res.ApplyReply,
    tags=["replay"],
    responses={
        **CHANGE,
        **MISSING,
        409: {"model": res.Problem, "description": "the plan is stale"},
    },
)
def apply(console: ConsoleDep, replay_id: str, order: req.ApplyOrder) -> dict[str, Any]:
    """Append the plan's events; the background sync then writes them to the org."""
    result = console.plans.apply(console.app, replay_id, order.force)
    console.sync.wake()
    return result


@router.post(
    "/activities",
    status_code=202,
    response_model=res.WebhookReply,
    tags=["webhook"],
    responses={
        400: {"model": res.Problem, "description": "the body is not JSON at all"},
        401: {"model": res.Problem, "description": "missing or wrong X-Activity-Sync-Signature"},
        413: {"model": res.Problem, "description": "the body is over the size limit"},
        503: {"model": res.Problem, "description": "no webhook secret is configured"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        }
    },
)
async def receive_activities(request: Request) -> Any:
    """Webhook: a signed JSON array or JSON Lines of activities, recorded exactly like `ingest`.

    Sign the raw body: `X-Activity-Sync-Signature: sha256=<hex HMAC-SHA256>` with
    ACTIVITY_SYNC_WEBHOOK_SECRET. Re-delivering an activity id is a duplicate, never a copy.
    """
    console = console_of(request)
    secret = console.config.webhook_secret
    if secret is None:
        return _problem(503, "the webhook is off: set ACTIVITY_SYNC_WEBHOOK_SECRET and restart")
    limit = console.config.max_body_bytes
    try:
        body = await webhook.read_limited(
            request.stream(), request.headers.get("content-length"), limit
        )
    except webhook.TooLarge:
        return _problem(413, f"the body is over the limit of {limit:,} bytes; send fewer items")
    if not webhook.signature_ok(secret, body, request.headers.get(webhook.SIGNATURE_HEADER)):
        return _problem(
            401, "missing or wrong X-Activity-Sync-Signature (sha256=<hex HMAC of the body>)"
        )
    try:
        report = await run_in_threadpool(webhook.ingest_body, console.app, body)
    except webhook.NotJson as error:
        return _problem(400, f"{error}: send a JSON array of activities or JSON Lines")
    console.sync.wake()
    return JSONResponse(webhook.response_document(report), status_code=202)


def _problem(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status)
