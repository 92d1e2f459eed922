"""The console's alert settings: shown on the settings page, changed there with a confirmation.

The same AlertSettings events as `activity-sync alerts set`, named after the admin
(`console:<name>`). An address is shown by its host only (its path may be a secret).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from adapters.notices.alert_history import alert_panel
from adapters.web.admins import who
from adapters.web.console import Console
from adapters.web.rendering import back, checked_form, confirm
from domain.alert_settings import ALERT_KEYS, parse_alert_setting, shown_url
from domain.errors import BadSetting
from projections.alerter import alert_config, change_alert_setting

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["settings"])


def _console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


@api.get("/alerts")
def alerts(request: Request) -> dict[str, Any]:
    """Alert settings in force (the address by its host), their history, alerts by state."""
    console = _console(request)
    return alert_panel(console.app, console.views)


@pages.post("/settings/alerts", response_model=None)
async def change_alert_form(request: Request) -> Response:
    fields = await checked_form(request)
    console = _console(request)
    key, value = fields.get("key", ""), fields.get("value", "")
    if fields.get("confirmed") != "yes":
        new = parse_alert_setting(key, value)
        old = getattr(alert_config(console.app), key)
        shown = (
            (shown_url(old) or "(off)", shown_url(new) or "(off)")
            if key == "alert_url"
            else (old, new)
        )
        return confirm(
            request,
            f"Change {key}?",
            "/settings/alerts",
            fields,
            detail=f"{key}: {shown[0]} → {shown[1]}. This appends an alert settings event "
            "naming you; it is no new settings version and changes no Task.",
            button="Yes, change it",
            cancel="/settings#alerts",
        )
    if key not in ALERT_KEYS:
        raise BadSetting(f"unknown alert setting '{key}'")
    change_alert_setting(console.app, key, value, who(request))
    return back("/settings", changed=key)
