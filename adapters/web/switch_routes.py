"""The console's pause switch for the background sync: a button on the health page, and the API.

Pausing and resuming append the same SyncSwitch events as `activity-sync pause|resume`,
named after the admin who pressed the button (`console:<name>`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.web.admins import who
from adapters.web.console import Console
from adapters.web.over_time_bodies import PauseRequest, SyncSwitchState
from adapters.web.rendering import back, checked_form
from projections.sync_switch import pause_sync, resume_sync, switch_state

pages = APIRouter(include_in_schema=False)
api = APIRouter(
    prefix="/api",
    tags=["health"],
    responses={401: {"description": "the admin token is missing or wrong"}},
)


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


def _pause(request: Request, reason: str) -> dict[str, Any]:
    console = _console(request)
    changed, state = pause_sync(console.app, who(request), reason.strip()[:500])
    console.sync.wake()  # the loop shows the pause at once
    return {"changed": changed, **state.to_dict()}


def _resume(request: Request) -> dict[str, Any]:
    console = _console(request)
    changed, state = resume_sync(console.app, who(request))
    console.sync.wake()  # pending work is written now, not after the interval
    return {"changed": changed, **state.to_dict()}


@pages.post("/sync/pause", response_model=None)
async def pause_form(request: Request) -> Response:
    fields = await checked_form(request)
    _pause(request, fields.get("reason", ""))
    return back("/", switched="paused")


@pages.post("/sync/resume", response_model=None)
async def resume_form(request: Request) -> Response:
    await checked_form(request)
    _resume(request)
    return back("/", switched="resumed")


@api.get("/sync", response_model=SyncSwitchState)
def switch(request: Request) -> dict[str, Any]:
    """The pause switch: paused or not, by whom, since when, why."""
    return switch_state(_console(request).app).to_dict()


@api.post("/sync/pause", response_model=SyncSwitchState)
def pause(request: Request, body: PauseRequest | None = None) -> dict[str, Any]:
    """Pause the background sync (a SyncPaused event naming the admin); idempotent."""
    return _pause(request, body.reason if body else "")


@api.post("/sync/resume", response_model=SyncSwitchState)
def resume(request: Request) -> dict[str, Any]:
    """Resume it (a SyncResumed event naming the admin); idempotent."""
    return _resume(request)
