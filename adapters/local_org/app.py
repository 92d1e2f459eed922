"""The local org as one object: authentication, API usage, faults, then the route in a transaction."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import UTC, datetime

from adapters.local_org import admin, partner_soap, record_page, settings_change, soap
from adapters.local_org.assumptions import DEFAULT_API_LIMIT, MAX_URI_BYTES
from adapters.local_org.errors import SfError
from adapters.local_org.faults import Faults
from adapters.local_org.org_source import StoreSource
from adapters.local_org.protocol import Disconnect, Request, Response, error_response
from adapters.local_org.records import Writer
from adapters.local_org.rest.bulk import Jobs
from adapters.local_org.rest.query import Cursors
from adapters.local_org.rest.routes import DATA_PATH, Ctx, dispatch
from adapters.local_org.store import Store
from adapters.local_org.users import Caller, Sessions, ensure_named_user

log = logging.getLogger("local_org")
PARTNER_PATH = "/services/Soap/u/"
VERSIONS = ("52.0", "55.0", "58.0", "59.0", "60.0", "61.0", "62.0", "63.0")


class OrgApp:
    """Everything one running local org knows; `handle` answers one request."""

    def __init__(
        self,
        db_path: str,
        session_id: str | None = None,
        shared: bool | None = None,
        api_limit: int | None = None,
        faults: Faults | None = None,
        user_sessions: list[tuple[str, str]] | None = None,
        denied: frozenset[str] = frozenset(),
        archive_after_days: int | None = None,
    ) -> None:
        self.store = Store(db_path)
        self.session_id = session_id or secrets.token_urlsafe(24)
        self.faults = faults or Faults()
        self.metadata_readable = True
        self.archive_after_days = archive_after_days
        self.cursors = Cursors()
        self.jobs = Jobs()
        with self.store.transaction():
            self.shared = settings_change.settle_shared(self.store, shared)
            self.user_id = settings_change.ensure_user(self.store)
            self.sessions = Sessions(self.session_id, self.user_id)
            self.sessions.denied = denied
            for token, name in user_sessions or []:
                self.sessions.add_person(token, name, ensure_named_user(self.store, name))
            stored_limit = self.store.get_meta("api_limit")
            self.api_limit = api_limit or int(stored_limit or DEFAULT_API_LIMIT)
            self.store.set_meta("api_limit", str(self.api_limit))
            self._used = int(self.store.get_meta("api_used", "0") or 0)
            self._day = self.store.get_meta("api_day", _today()) or _today()
        self._usage_lock = threading.Lock()

    # --- usage --------------------------------------------------------------------------------

    def usage(self) -> tuple[int, int]:
        with self._usage_lock:
            if self._day != _today():
                self._day, self._used = _today(), 0
            return self._used, self.api_limit

    def set_usage(self, used: int) -> None:
        with self._usage_lock:
            self._used = used
        self._save_usage()

    def _count(self) -> bool:
        """Count one call; False when the daily limit is already spent."""
        self.usage()  # rolls the day over
        with self._usage_lock:
            if self._used >= self.api_limit:
                return False
            self._used += 1
        self._save_usage()
        return True

    def _save_usage(self) -> None:
        with self.store.transaction():
            self.store.set_meta("api_used", str(self._used))
            self.store.set_meta("api_day", self._day)

    def limit_header(self) -> dict[str, str]:
        used, limit = self.usage()
        return {"Sforce-Limit-Info": f"api-usage={used}/{limit}"}

    # --- requests -----------------------------------------------------------------------------

    def source(self) -> StoreSource:
        return StoreSource(self.store, self.shared, self.archive_after_days)

    def caller(self, request: Request) -> Caller | None:
        """Who makes the request: the session's User, None for no or an unknown session."""
        if request.path.startswith("/services/Soap/"):
            token = soap.session_id(request)
        else:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            token = token if scheme.lower() in ("bearer", "oauth") else None
        return self.sessions.caller(token.strip()) if token else None

    def handle(self, request: Request) -> Response:
        if request.path.startswith("/__admin/"):
            return admin.handle(self, request)
        if record_page.handles(request.path):
            return record_page.handle(self, request)
        response = self._api(request)
        response.headers.update(self.limit_header())
        return response

    def _api(self, request: Request) -> Response:
        is_soap = request.path.startswith("/services/Soap/")
        if request.path.rstrip("/") == "/services/data":
            return Response(
                200, [{"label": v, "url": f"/services/data/v{v}", "version": v} for v in VERSIONS]
            )
        if len(request.target) > MAX_URI_BYTES:
            return error_response(SfError("URI_TOO_LONG", "URI Too Long", status=414))
        if self.faults.latency_ms:
            time.sleep(self.faults.latency_ms / 1000)
        caller = self.caller(request)
        if caller is None or self.faults.fires("INVALID_SESSION_ID"):
            return _refusal(
                is_soap,
                SfError("INVALID_SESSION_ID", "Session expired or invalid", status=401),
                request,
            )
        if self.faults.fires("DISCONNECT"):
            raise Disconnect
        for kind, status in (("HTTP_500", 500), ("HTTP_503", 503)):
            if self.faults.fires(kind):
                code = "UNKNOWN_EXCEPTION" if status == 500 else "SERVER_UNAVAILABLE"
                error = SfError(code, f"Injected fault {kind}", status=status)
                return _refusal(is_soap, error, request)
        if self.faults.fires("REQUEST_LIMIT_EXCEEDED") or not self._count():
            return _refusal(
                is_soap,
                SfError("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", status=403),
                request,
            )
        if request.path.startswith(PARTNER_PATH):
            return partner_soap.handle(self, request, caller)
        if is_soap:
            return soap.handle(self, request, caller)
        return self._rest(request, caller)

    def writer(self, caller: Caller) -> Writer:
        """A writer in the current transaction, stamping the caller's User on what it writes."""
        return Writer(self.store, self.shared, caller.user_id)

    def _rest(self, request: Request, caller: Caller) -> Response:
        match = DATA_PATH.match(request.path)
        if match is None:
            return error_response(
                SfError("NOT_FOUND", "The requested resource does not exist", status=404)
            )
        try:
            with self.store.transaction():
                ctx = Ctx(self, match.group(1), self.writer(caller), caller)
                writes = request.method in ("POST", "PATCH", "PUT", "DELETE")
                single = "/composite" not in request.path and "/jobs/" not in request.path
                if writes and single and self.faults.fires("UNABLE_TO_LOCK_ROW"):
                    raise SfError(
                        "UNABLE_TO_LOCK_ROW",
                        "unable to obtain exclusive access to this record or 1 records",
                    )
                return dispatch(ctx, request, match.group(2) or "")
        except SfError as error:
            return error_response(error)
        except Exception:
            log.exception("unexpected error on %s %s", request.method, request.path)
            return Response(
                500, [{"message": "An unexpected error occurred", "errorCode": "UNKNOWN_EXCEPTION"}]
            )


def _refusal(is_soap: bool, error: SfError, request: Request | None = None) -> Response:
    if is_soap:
        partner = request is not None and request.path.startswith(PARTNER_PATH)
        return soap.fault(error.code, error.message, partner=partner)
    return error_response(error)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()
