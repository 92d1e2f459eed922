"""The query and queryAll routes: run the SOQL engine, page results with server-side cursors."""

from __future__ import annotations

import inspect
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from adapters.local_org import assumptions as a
from adapters.local_org.errors import SfError
from adapters.local_org.protocol import Request, Response

if TYPE_CHECKING:
    from adapters.local_org.rest.dispatch import Ctx

_BATCH = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)


@dataclass
class Cursor:
    rows: list[dict[str, Any]]
    batch: int


class Cursors:
    """Open query cursors by locator; the oldest are dropped past a bound."""

    def __init__(self, keep: int = a.QUERY_CURSORS_KEPT) -> None:
        self._keep = keep
        self._open: OrderedDict[str, Cursor] = OrderedDict()
        self._lock = threading.Lock()

    def open(self, cursor: Cursor) -> str:
        locator = "01g" + secrets.token_hex(8)[:15]
        with self._lock:
            self._open[locator] = cursor
            while len(self._open) > self._keep:
                self._open.popitem(last=False)
        return locator

    def get(self, locator: str) -> Cursor | None:
        with self._lock:
            return self._open.get(locator)

    def close(self, locator: str) -> None:
        with self._lock:
            self._open.pop(locator, None)


def query(ctx: Ctx, request: Request) -> Response:
    return _run(ctx, request, include_deleted=False)


def query_all(ctx: Ctx, request: Request) -> Response:
    return _run(ctx, request, include_deleted=True)


def query_more(ctx: Ctx, request: Request, locator: str) -> Response:
    name, _, offset = locator.rpartition("-")
    cursor = ctx.app.cursors.get(name) if offset.isdigit() else None
    if cursor is None:
        raise SfError("INVALID_QUERY_LOCATOR", "invalid query locator")
    return Response(200, _page(ctx, name, cursor, int(offset)))


def run_soql(ctx: Ctx, text: str, include_deleted: bool) -> list[dict[str, Any]] | int:
    """Call the SOQL engine on the org's records, mapping its errors to Salesforce's."""
    from adapters.local_org.soql import engine

    source = ctx.app.source()
    kwargs: dict[str, Any] = {"include_deleted": include_deleted}
    if "version" in inspect.signature(engine.execute_soql).parameters:
        kwargs["version"] = ctx.version
    try:
        return engine.execute_soql(text, source, **kwargs)
    except engine.SoqlError as error:
        raise SfError(error.code, error.message) from error


def query_body(ctx: Ctx, text: str | None, include_deleted: bool, batch: int) -> dict[str, Any]:
    """The first page of a query (also used by composite query subrequests)."""
    if not text:
        raise SfError("MALFORMED_QUERY", "A query string has to be specified")
    result = run_soql(ctx, text, include_deleted)
    if isinstance(result, int):
        return {"totalSize": result, "done": True, "records": []}
    cursor = Cursor(result, batch)
    if len(result) <= batch:
        return _page(ctx, None, cursor, 0)
    return _page(ctx, ctx.app.cursors.open(cursor), cursor, 0)


def batch_size(request: Request) -> int:
    match = _BATCH.search(request.headers.get("sforce-query-options", ""))
    if match is None:
        return a.QUERY_BATCH_DEFAULT
    return min(max(int(match.group(1)), a.QUERY_BATCH_MIN), a.QUERY_BATCH_DEFAULT)


def _run(ctx: Ctx, request: Request, include_deleted: bool) -> Response:
    body = query_body(ctx, request.param("q"), include_deleted, batch_size(request))
    return Response(200, body)


def _page(ctx: Ctx, locator: str | None, cursor: Cursor, offset: int) -> dict[str, Any]:
    end = offset + cursor.batch
    page: dict[str, Any] = {
        "totalSize": len(cursor.rows),
        "done": end >= len(cursor.rows),
        "records": cursor.rows[offset:end],
    }
    if page["done"]:
        if locator:
            ctx.app.cursors.close(locator)
    else:
        page["nextRecordsUrl"] = f"/services/data/v{ctx.version}/query/{locator}-{end}"
    return page
