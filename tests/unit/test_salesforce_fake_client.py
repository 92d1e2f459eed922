"""A stand-in for the simple-salesforce client (subclassing nothing of it) for the gateway's units.

It answers `restful('composite', ...)`, `limits()`, `query_more`, `sf.<SObject>.describe()` and
the Metadata API's SOAP post (`session.post(metadata_url, ...)`) from plain Python handlers, reports usage the way simple-salesforce stores it
(`api_usage['api-usage'] = Usage(used, total)`, a new dict per answer), and raises the real
simple-salesforce exception classes when told to fail. No test lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)
from simple_salesforce.format import format_soql
from simple_salesforce.util import Usage

QueryHandler = Callable[[str], list[dict[str, Any]]]


def refusal(status: int, code: str, message: str = "") -> Exception:
    """The exception simple-salesforce raises for this status and Salesforce error body."""
    kinds = {
        400: SalesforceMalformedRequest,
        401: SalesforceExpiredSession,
        403: SalesforceRefusedRequest,
    }
    kind = kinds.get(status, SalesforceGeneralError)
    return kind("https://org.example/x", status, "x", [{"errorCode": code, "message": message}])


def quoted_in(value: str, statement: str) -> bool:
    """Whether the statement names this value as an escaped SOQL literal."""
    return format_soql("{}", value) in statement


@dataclass
class FakeSFType:
    name: str
    client: FakeClient
    api_usage: dict[str, Any] = field(default_factory=dict)

    def describe(self, **_: Any) -> dict[str, Any]:
        self.client.step(f"describe {self.name}")
        self.api_usage = self.client.usage_dict()
        return {"name": self.name, "fields": self.client.describe_fields.get(self.name, [])}


# The Metadata API's answer to one SOAP request: (HTTP status, body).
SoapHandler = Callable[[bytes], tuple[int, bytes]]


@dataclass
class FakeSoapAnswer:
    """The parts of a requests response the Metadata API read looks at."""

    status_code: int
    content: bytes
    headers: dict[str, str]


@dataclass
class FakeSoapSession:
    """The client's session as the Metadata API read uses it: one `post` per call."""

    client: FakeClient
    posted: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def post(self, url: str, data: bytes, headers: dict[str, str], timeout: float) -> Any:
        assert self.client.metadata is not None
        self.client.step("readMetadata")
        self.posted.append((url, data, headers))
        status, content = self.client.metadata(data)
        limit = {"Sforce-Limit-Info": f"api-usage={self.client.used}/{self.client.total}"}
        return FakeSoapAnswer(status, content, limit)


@dataclass
class FakeClient:
    """What the gateway asked, in order, and scripted answers."""

    query: QueryHandler = lambda statement: []
    collection: Callable[[str, list[dict[str, Any]]], list[dict[str, Any]]] | None = None
    used: int = 0
    total: int = 15000
    page_size: int = 0  # > 0: query answers come in pages of this size
    failures: list[Exception] = field(default_factory=list)
    describe_fields: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    metadata: SoapHandler | None = None
    deny_limits: bool = False  # the user lacks View Setup: /limits answers 403
    sf_version: str = "59.0"
    sf_instance: str = "org.example"
    session_id: str = "fake-session"
    session: Any = None
    calls: list[str] = field(default_factory=list)
    bodies: list[Any] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # each subrequest's resource: query, ...
    api_usage: dict[str, Any] = field(default_factory=dict)
    _pages: dict[str, list[list[dict[str, Any]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.metadata is not None and self.session is None:
            self.session = FakeSoapSession(self)

    @property
    def metadata_url(self) -> str:
        return f"https://{self.sf_instance}/services/Soap/m/{self.sf_version}/"

    # -- bookkeeping ---------------------------------------------------------------------
    def step(self, name: str) -> None:
        self.calls.append(name)
        if self.failures:
            raise self.failures.pop(0)
        self.used += 1

    def usage_dict(self) -> dict[str, Any]:
        return {"api-usage": Usage(self.used, self.total)}

    def _answered(self, result: Any) -> Any:
        self.api_usage = self.usage_dict()
        return result

    # -- simple-salesforce surface -------------------------------------------------------
    def __getattr__(self, name: str) -> FakeSFType:
        if name.startswith("_") or not name[:1].isupper():
            raise AttributeError(name)
        return FakeSFType(name, self)

    def limits(self, **_: Any) -> dict[str, Any]:
        self.step("limits")
        if self.deny_limits:
            self.api_usage = self.usage_dict()  # a refused call still reports usage
            raise refusal(403, "INSUFFICIENT_ACCESS", "insufficient access rights on object id")
        return self._answered(
            {"DailyApiRequests": {"Max": self.total, "Remaining": self.total - self.used}}
        )

    def restful(self, path: str, method: str = "GET", json: Any = None, **_: Any) -> Any:
        self.step(f"{method} {path}")
        self.bodies.append(json)
        if path == "" and method == "GET":  # the version's resources list
            return self._answered({"sobjects": "/services/data/v59.0/sobjects"})
        assert path == "composite", path
        answers = [self._sub(request) for request in json["compositeRequest"]]
        return self._answered({"compositeResponse": answers})

    # -- composite subrequests -----------------------------------------------------------
    def _sub(self, request: dict[str, Any]) -> dict[str, Any]:
        status, body = self._dispatch(request)
        return {
            "body": body,
            "httpHeaders": {},
            "httpStatusCode": status,
            "referenceId": request["referenceId"],
        }

    def _dispatch(self, request: dict[str, Any]) -> tuple[int, Any]:
        parts = urlsplit(request["url"])
        self.resources.append(parts.path.split("/")[4] if parts.path.count("/") > 4 else "")
        querying = "/query/" in parts.path or "/queryAll/" in parts.path
        if querying and parts.query:
            return 200, self._first_page(parse_qs(parts.query)["q"][0])
        if querying:
            return 200, self._next_page(parts.path.rsplit("/", 1)[-1])
        if parts.path.endswith("composite/sobjects") and request["method"] == "DELETE":
            ids = parse_qs(parts.query)["ids"][0].split(",")
            return 200, [{"id": i, "success": True, "errors": []} for i in ids]
        sobject = parts.path.split("/composite/sobjects/")[1].split("/")[0]
        records = request["body"]["records"]
        assert len(records) <= 200
        if self.collection is None:
            return 200, [
                {"id": f"00T{n:015d}", "success": True, "errors": [], "created": True}
                for n, _ in enumerate(records)
            ]
        return 200, self.collection(sobject, records)

    def _first_page(self, statement: str) -> dict[str, Any]:
        rows = self.query(statement)
        if not self.page_size or len(rows) <= self.page_size:
            return {"totalSize": len(rows), "done": True, "records": rows}
        pages = [rows[i : i + self.page_size] for i in range(0, len(rows), self.page_size)]
        cursor = f"01g{len(self._pages):04d}"
        self._pages[cursor] = pages[1:]
        return self._page(cursor, pages[0], len(rows))

    def _next_page(self, locator: str) -> dict[str, Any]:
        cursor = locator.split("-")[0]
        page = self._pages[cursor].pop(0)
        return self._page(cursor, page, 0)

    def _page(self, cursor: str, rows: list[dict[str, Any]], total: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "totalSize": total,
            "done": not self._pages[cursor],
            "records": rows,
        }
        if self._pages[cursor]:
            body["nextRecordsUrl"] = f"/services/data/v59.0/query/{cursor}-{len(rows)}"
        return body
