"""Rendering the console's pages: templates, CSRF-checked forms, confirmations, redirects."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from adapters.web.console import Console
from adapters.web.security import CSRF_FIELD, csrf_nonce, form_csrf_ok

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))


class FormRefused(Exception):
    """A form without a valid CSRF token (or expired: the console restarted)."""


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    console: Console = request.app.state.console
    context.update(
        csrf_token=console.keys.csrf_token(csrf_nonce(request)),
        guarded=console.keys.admin_token is not None,
        page=name.removesuffix(".html"),
        admin=getattr(request.state, "admin", None),  # the signed-in admin's name (named tokens)
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


def shown(value: Any) -> str:
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


templates.env.filters["shown"] = shown
templates.env.filters["when"] = _when
