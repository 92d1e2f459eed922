"""Who may use the console: the admin token (bearer or login cookie), CSRF tokens, host and headers.

Every route but the webhook and the login page needs the admin token whenever one is
set: an `Authorization: Bearer` header, or the HttpOnly, SameSite=Strict cookie the login
form sets (an HMAC of the token, never the token itself). Forms that change something
carry a CSRF token (an HMAC of a per-browser nonce kept in its own cookie); the JSON API
asks for it in `X-CSRF-Token` unless the caller authenticated with the bearer header.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from adapters.web.config import ConsoleConfig

SESSION_COOKIE = "as_session"
CSRF_COOKIE = "as_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
WEBHOOK_PATH = "/api/activities"
PUBLIC_PREFIXES = ("/static/",)
PUBLIC_PATHS = ("/login", "/favicon.ico")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


class Keys:
    """The secrets derived for one console: session cookie values and the CSRF key.

    `people` maps each admin's name to their token (adapters/web/admins.py); the single
    `ACTIVITY_SYNC_ADMIN_TOKEN` alone is the unnamed person "" (recorded as `console`)."""

    def __init__(self, admin_token: str | None, named: tuple[tuple[str, str], ...] = ()) -> None:
        self.people = dict(named) if named else ({"": admin_token} if admin_token else {})
        self.admin_token = admin_token or next(iter(self.people.values()), None)
        material = "\n".join(sorted(self.people.values())).encode()
        self.session = self.session_for("") if "" in self.people else ""
        self.csrf_key = (
            hmac.new(material, b"activity-sync console csrf", hashlib.sha256).digest()
            if self.people
            else os.urandom(32)
        )

    def person_of(self, given: str) -> str | None:
        """The name whose token this is (constant-time, every token compared), else None."""
        found = None
        for name, token in self.people.items():
            if hmac.compare_digest(given.encode(), token.encode()):
                found = name
        return found

    def token_matches(self, given: str) -> bool:
        """Constant-time comparison with the admin tokens."""
        return self.person_of(given) is not None

    def session_for(self, name: str) -> str:
        """The login cookie of one person: an HMAC of their token (and their name)."""
        token = self.people[name].encode()
        digest = hmac.new(
            token, b"activity-sync console session" + name.encode(), hashlib.sha256
        ).hexdigest()
        return f"{name}.{digest}" if name else digest

    def person_of_session(self, cookie: str) -> str | None:
        name = cookie.partition(".")[0] if "." in cookie else ""
        if name not in self.people:
            return None
        return (
            name if hmac.compare_digest(cookie.encode(), self.session_for(name).encode()) else None
        )

    def csrf_token(self, nonce: str) -> str:
        return hmac.new(self.csrf_key, nonce.encode(), hashlib.sha256).hexdigest()

    def csrf_matches(self, nonce: str | None, given: str | None) -> bool:
        if not nonce or not given:
            return False
        return hmac.compare_digest(self.csrf_token(nonce).encode(), given.encode())


def authenticate(keys: Keys, conn: HTTPConnection) -> tuple[str | None, str | None]:
    """How the caller proved who they are (bearer, cookie, open, or None) and their name."""
    if keys.admin_token is None:
        return "open", None
    scheme, _, credentials = conn.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials:
        name = keys.person_of(credentials.strip())
        if name is not None:
            return "bearer", name
    cookie = conn.cookies.get(SESSION_COOKIE)
    if cookie and (name := keys.person_of_session(cookie)) is not None:
        return "cookie", name
    return None, None


def auth_method(keys: Keys, conn: HTTPConnection) -> str | None:
    """How the caller proved who they are: bearer, cookie, open (no token set), or None."""
    return authenticate(keys, conn)[0]


def csrf_nonce(conn: HTTPConnection) -> str:
    return str(conn.scope["state"]["csrf_nonce"])


def form_csrf_ok(keys: Keys, conn: HTTPConnection, given: str | None) -> bool:
    return keys.csrf_matches(conn.cookies.get(CSRF_COOKIE), given)


def safe_next(target: str | None) -> str:
    """A local path to go back to after login (never another site)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _host_name(header: str) -> str:
    header = header.strip().lower()
    if header.startswith("["):
        return header[: header.find("]") + 1] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class ConsoleGuard:
    """ASGI middleware: host check, authentication, API CSRF, CSRF cookie, security headers."""

    def __init__(self, app: Any, config: ConsoleConfig, keys: Keys) -> None:
        self.app = app
        self.keys = keys
        allowed = config.allowed_hosts
        self.hosts = None if allowed is None else {name.lower() for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        fresh = self._prepare_state(scope, conn)
        if scope["path"].startswith("/api/"):
            fresh = None  # API callers get the cookie from a page, never from the API
        refusal = self._refusal(scope, conn)
        wrapped = self._with_headers(send, fresh, secure=scope.get("scheme") == "https")
        if refusal is not None:
            await refusal(scope, receive, wrapped)
            return
        await self.app(scope, receive, wrapped)

    def _prepare_state(self, scope: Scope, conn: HTTPConnection) -> str | None:
        nonce = conn.cookies.get(CSRF_COOKIE)
        fresh = None
        if not nonce or len(nonce) < 32 or len(nonce) > 100:
            nonce = fresh = secrets.token_urlsafe(32)
        state = scope.setdefault("state", {})
        state["csrf_nonce"] = nonce
        state["auth"], state["admin"] = authenticate(self.keys, conn)
        return fresh

    def _refusal(self, scope: Scope, conn: HTTPConnection) -> Response | None:
        if self.hosts is not None and _host_name(conn.headers.get("host", "")) not in self.hosts:
            return PlainTextResponse("unknown host", status_code=400)
        path, method = scope["path"], scope["method"]
        if path == WEBHOOK_PATH and method == "POST":
            return None
        if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
            return None
        auth = scope["state"]["auth"]
        is_api = path.startswith("/api/") or path in ("/openapi.json", "/api")
        if auth is None:
            if is_api or method not in SAFE_METHODS:
                return JSONResponse(
                    {"detail": "the admin token is required (Authorization: Bearer <token>)"},
                    status_code=401,
                    headers={"www-authenticate": "Bearer"},
                )
            target = quote(
                path + (f"?{scope['query_string'].decode()}" if scope["query_string"] else "")
            )
            return RedirectResponse(f"/login?next={target}", status_code=303)
        if is_api and method not in SAFE_METHODS and auth != "bearer":
            given = conn.headers.get(CSRF_HEADER)
            if not self.keys.csrf_matches(conn.cookies.get(CSRF_COOKIE), given):
                return JSONResponse(
                    {"detail": "missing or wrong X-CSRF-Token (or use the bearer header)"},
                    status_code=403,
                )
        return None

    def _with_headers(self, send: Send, fresh_nonce: str | None, secure: bool) -> Send:
        async def sending(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("cache-control", "no-store")
                if fresh_nonce:
                    flags = "; Secure" if secure else ""
                    headers.append(
                        "set-cookie",
                        f"{CSRF_COOKIE}={fresh_nonce}; Path=/; HttpOnly; SameSite=Strict{flags}",
                    )
            await send(message)

        return sending
