"""The pages "open in Salesforce" links land on: `/lightning/r/<Object>/<Id>/view`.

A read-only page of one record's fields, for a browser signed in the way Salesforce signs a
session id in: `/secur/frontdoor.jsp?sid=<session id>&retURL=<path>` sets the `sid` cookie
and goes on to `retURL`. A page without a known session answers 401 with how to sign in
(assumptions.RECORD_PAGE_WITHOUT_SESSION). Pages are not API calls: they count no usage.
"""

from __future__ import annotations

import html
import re
from http.cookies import CookieError, SimpleCookie
from typing import TYPE_CHECKING, Any

from adapters.local_org.assumptions import RECORD_PAGE_VERSION, RECORD_PAGE_WITHOUT_SESSION
from adapters.local_org.errors import SfError
from adapters.local_org.protocol import Request, Response
from adapters.local_org.rest import sobjects
from adapters.local_org.rest.dispatch import Ctx
from adapters.local_org.users import Caller

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp

PAGE = re.compile(r"^/lightning/r/(?P<sobject>[A-Za-z0-9_]+)/(?P<record_id>[A-Za-z0-9]+)/view/?$")
FRONTDOOR = "/secur/frontdoor.jsp"
HTML = "text/html; charset=utf-8"


def handles(path: str) -> bool:
    return path == FRONTDOOR or PAGE.match(path) is not None


def handle(app: OrgApp, request: Request) -> Response:
    if request.method not in ("GET", "HEAD"):
        return _page(405, "Method not allowed", "<p>Record pages are read-only.</p>")
    if request.path == FRONTDOOR:
        return _frontdoor(app, request)
    found = PAGE.match(request.path)
    assert found is not None
    caller = _caller(app, request)
    if caller is None:
        return _sign_in(request.path)
    return _record(app, caller, found["sobject"], found["record_id"])


def _frontdoor(app: OrgApp, request: Request) -> Response:
    sid = request.param("sid") or ""
    target = request.param("retURL") or "/"
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    if not sid or app.sessions.caller(sid) is None:
        return _sign_in(target)
    cookie = f"sid={sid}; Path=/; Secure; HttpOnly; SameSite=Lax"
    return Response(302, b"", {"Location": target, "Set-Cookie": cookie}, HTML)


def _caller(app: OrgApp, request: Request) -> Caller | None:
    try:
        jar = SimpleCookie(request.headers.get("cookie", ""))
    except CookieError:
        return None
    morsel = jar.get("sid")
    return app.sessions.caller(morsel.value) if morsel and morsel.value else None


def _record(app: OrgApp, caller: Caller, sobject: str, record_id: str) -> Response:
    request = Request("GET", f"/sobjects/{sobject}/{record_id}")
    try:
        with app.store.transaction():
            ctx = Ctx(app, RECORD_PAGE_VERSION, app.writer(caller), caller)
            fields = sobjects.record(ctx, request, sobject, record_id).body
    except SfError as error:
        return _page(error.status, f"{sobject} {record_id}", f"<p>{html.escape(error.message)}</p>")
    kind = fields["attributes"]["type"]
    title = f"{kind}: {fields.get('Name') or fields.get('Subject') or fields['Id']}"
    return _page(200, title, _table(fields))


def _table(fields: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(_shown(value))}</td></tr>"
        for name, value in fields.items()
        if name != "attributes" and value not in (None, "")
    )
    return f'<table class="record">{rows}</table>'


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _sign_in(target: str) -> Response:
    hint = html.escape(f"{FRONTDOOR}?sid=<session id>&retURL={target}")
    body = (
        f"<p>Not signed in to the local org. Sign in with the session id: <code>{hint}</code></p>"
    )
    return _page(RECORD_PAGE_WITHOUT_SESSION, "Sign in", body)


def _page(status: int, title: str, body: str) -> Response:
    text = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)} | local org</title></head>"
        f"<body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return Response(status, text.encode(), {}, HTML)
