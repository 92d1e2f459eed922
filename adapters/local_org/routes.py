"""The REST routes under /services/data/vXX.X/ and the dispatcher that composite reuses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from adapters.local_org import (
    rest_bulk,
    rest_collections,
    rest_composite,
    rest_query,
    rest_sobjects,
)
from adapters.local_org.errors import SfError, not_found
from adapters.local_org.protocol import Request, Response
from adapters.local_org.records import Writer

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp

DATA_PATH = re.compile(r"^/services/data/v(\d+\.\d)(/.*)?$")


@dataclass
class Ctx:
    """What a route needs: the org, the API version of the URL, and a writer in the transaction."""

    app: OrgApp
    version: str
    writer: Writer

    @property
    def shared(self) -> bool:
        return self.app.shared


Handler = Callable[..., Response]
_ROUTES: list[tuple[frozenset[str], re.Pattern[str], Handler]] = []


def _route(methods: str, pattern: str, handler: Handler) -> None:
    _ROUTES.append((frozenset(methods.split()), re.compile(f"^{pattern}/?$"), handler))


_NAME = r"(?P<sobject>[A-Za-z0-9_]+)"
_route("GET", "", rest_sobjects.resources)
_route("GET", "/sobjects", rest_sobjects.describe_global)
_route("GET POST", f"/sobjects/{_NAME}", rest_sobjects.object_root)
_route("GET", f"/sobjects/{_NAME}/describe", rest_sobjects.describe_object)
_route("GET PATCH DELETE", f"/sobjects/{_NAME}/(?P<record_id>[^/]+)", rest_sobjects.record)
_route(
    "GET PATCH DELETE",
    f"/sobjects/{_NAME}/(?P<field>[^/]+)/(?P<value>[^/]+)",
    rest_sobjects.by_external_id,
)
_route("GET", "/query", rest_query.query)
_route("GET", "/queryAll", rest_query.query_all)
_route("GET", "/(?:query|queryAll)/(?P<locator>[^/]+)", rest_query.query_more)
_route("POST PATCH DELETE", "/composite/sobjects", rest_collections.collection)
_route("GET", f"/composite/sobjects/{_NAME}", rest_collections.retrieve)
_route("PATCH", f"/composite/sobjects/{_NAME}/(?P<field>[^/]+)", rest_collections.upsert)
_route("POST", "/composite", rest_composite.composite)
_route("GET", "/limits", rest_sobjects.limits)
_JOB = "/jobs/ingest/(?P<job_id>[^/]+)"
_route("GET POST", "/jobs/ingest", rest_bulk.jobs)
_route("GET PATCH DELETE", _JOB, rest_bulk.job)
_route("PUT", f"{_JOB}/batches", rest_bulk.upload)
_route(
    "GET", f"{_JOB}/(?P<kind>successfulResults|failedResults|unprocessedrecords)", rest_bulk.results
)


def dispatch(ctx: Ctx, request: Request, rest: str) -> Response:
    """Run the route matching `rest` (the path after /services/data/vXX.X)."""
    allowed: set[str] = set()
    for methods, pattern, handler in _ROUTES:
        match = pattern.match(rest)
        if match is None:
            continue
        if request.method not in methods:
            allowed |= methods
            continue
        params: dict[str, Any] = {k: unquote(v) for k, v in match.groupdict().items()}
        return handler(ctx, request, **params)
    if allowed:
        raise SfError(
            "METHOD_NOT_ALLOWED",
            f"HTTP Method '{request.method}' not allowed. Allowed are {','.join(sorted(allowed))}",
            status=405,
        )
    raise not_found()
