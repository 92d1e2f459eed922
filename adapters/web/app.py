"""The ASGI application: routes, static files, error pages and the background sync's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import cast

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from adapters.web import alert_routes, api, login, pages, rendering, switch_routes, why_not_logged
from adapters.web.console import Console
from adapters.web.security import ConsoleGuard
from domain.errors import ActivitySyncError, BadInput, ConfigurationError, NotFound
from projections.ports import SyncError
from replay.basis import BasisChanged

STATIC = Path(__file__).with_name("static")


def create_app(console: Console) -> FastAPI:
    """The console as an ASGI app; the background sync starts and stops with it."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        console.sync.start()
        try:
            yield
        finally:
            console.sync.stop()

    app = FastAPI(
        title="activity-sync console",
        version="1",
        description="Sync health, failures, explain, replay and settings of activity-sync, "
        "and the signed webhook `POST /api/activities`. Every route but the webhook needs "
        "the admin token (Authorization: Bearer) whenever ACTIVITY_SYNC_ADMIN_TOKEN is set.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.console = console
    app.include_router(api.router)
    app.include_router(login.router)
    app.include_router(pages.router)
    app.include_router(why_not_logged.router)
    app.include_router(switch_routes.pages)  # the sync's pause switch
    app.include_router(switch_routes.api)
    app.include_router(alert_routes.pages)  # the alert settings
    app.include_router(alert_routes.api)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _handle_errors(app)
    app.add_middleware(ConsoleGuard, config=console.config, keys=console.keys)
    return app


def status_of(error: Exception) -> int:
    if isinstance(error, rendering.FormRefused):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, BasisChanged):
        return 409
    if isinstance(error, BadInput):
        return 400
    if isinstance(error, ConfigurationError):
        return 503
    if isinstance(error, SyncError):
        return 502
    return 500


def message_of(error: Exception) -> str:
    if isinstance(error, rendering.FormRefused):
        return "The form expired or did not come from this console; reload the page and try again."
    return str(error)


def _handle_errors(app: FastAPI) -> None:
    async def handle(request: Request, error: Exception) -> Response:
        status, message = status_of(error), message_of(error)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": message}, status_code=status)
        return rendering.render(
            request, "error.html", status=status, message=message, status_code=status
        )

    for kind in (ActivitySyncError, rendering.FormRefused):
        app.add_exception_handler(kind, handle)
    app.add_exception_handler(HTTPException, _not_found_page)


async def _not_found_page(request: Request, error: Exception) -> Response:
    """An unknown page gets the console's HTML error page; the API keeps its JSON errors."""
    refused = cast(HTTPException, error)
    if refused.status_code != 404 or request.url.path.startswith("/api/"):
        return await http_exception_handler(request, refused)
    message = f"No page at {request.url.path}: use the links above."
    return rendering.render(request, "error.html", status=404, message=message, status_code=404)
