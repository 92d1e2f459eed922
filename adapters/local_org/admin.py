"""Admin routes for tests and benchmarks (no faults, not counted), guarded by the session id.

GET  /__admin/state                   -> {"shared_activities", "faults", "api_usage", "api_limit", ...}
POST /__admin/faults    {"spec": "HTTP_503:0.1,SEED:3"}  -> replaces the injected faults
POST /__admin/usage     {"used": 0, "limit": 15000}      -> sets the daily usage (and limit)
POST /__admin/metadata  {"readable": false}               -> readMetadata answers INSUFFICIENT_ACCESS
POST /__admin/permissions {"denied": ["ViewSetup"]}       -> the integration user lacks these
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from adapters.local_org.errors import SfError
from adapters.local_org.faults import FaultSpecError, parse_faults
from adapters.local_org.protocol import Request, Response, error_response
from adapters.local_org.users import UserSpecError, parse_permissions

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp


def handle(app: OrgApp, request: Request) -> Response:
    _, _, token = request.headers.get("authorization", "").partition(" ")
    if not secrets.compare_digest(token.strip(), app.session_id):
        return error_response(
            SfError("INVALID_SESSION_ID", "Session expired or invalid", status=401)
        )
    name = request.path.removeprefix("/__admin/").strip("/")
    try:
        body = request.json() or {}
        if request.method == "POST" and name == "faults":
            app.faults = parse_faults(str(body.get("spec") or ""))
        elif request.method == "POST" and name == "usage":
            if "limit" in body:
                app.api_limit = int(body["limit"])
            app.set_usage(int(body.get("used", 0)))
        elif request.method == "POST" and name == "metadata":
            app.metadata_readable = bool(body.get("readable", True))
        elif request.method == "POST" and name == "permissions":
            app.sessions.denied = parse_permissions(list(body.get("denied") or []))
        elif not (request.method == "GET" and name == "state"):
            return Response(
                404,
                [{"message": f"no admin route {request.method} {name}", "errorCode": "NOT_FOUND"}],
            )
    except (FaultSpecError, UserSpecError, ValueError, TypeError) as error:
        return Response(400, [{"message": str(error), "errorCode": "BAD_ADMIN_REQUEST"}])
    except SfError as error:
        return error_response(error)
    return Response(200, state(app))


def state(app: OrgApp) -> dict[str, Any]:
    used, limit = app.usage()
    return {
        "shared_activities": app.shared,
        "faults": app.faults.spec(),
        "api_usage": used,
        "api_limit": limit,
        "metadata_readable": app.metadata_readable,
        "user_id": app.user_id,
        "denied_permissions": sorted(app.sessions.denied),
        "users": dict(app.sessions.names),
        "archive_after_days": app.archive_after_days,
    }
