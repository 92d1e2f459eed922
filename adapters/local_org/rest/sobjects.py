"""sObject routes: create, retrieve, update, delete, upsert by external id, describe, limits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.local_org.assumptions import (
    LIMITS_DENIED_CODE,
    LIMITS_DENIED_MESSAGE,
    UPSERT_UPDATE_STATUS_FROM_VERSION,
)
from adapters.local_org.errors import SfError, not_found
from adapters.local_org.protocol import Request, Response
from adapters.local_org.schema import catalog
from adapters.local_org.schema.describe import describe_global as _global
from adapters.local_org.schema.describe import describe_object as _object

if TYPE_CHECKING:
    from adapters.local_org.rest.dispatch import Ctx


def record_url(version: str, sobject: str, record_id: str) -> str:
    return f"/services/data/v{version}/sobjects/{sobject}/{record_id}"


def shaped(
    ctx: Ctx, sobject: str, row: dict[str, Any], fields: list[str] | None = None
) -> dict[str, Any]:
    """A record as the REST API returns it: attributes first, then the fields."""
    obj = catalog.find(sobject, ctx.shared)
    assert obj is not None
    names = [f.name for f in obj.visible_fields(ctx.shared)]
    if fields:
        names = []
        for wanted in fields:
            f = obj.field(wanted.strip(), ctx.shared)
            if f is None:
                raise SfError("INVALID_FIELD", f"No such column '{wanted}' on entity '{obj.name}'")
            names.append(f.name)
    url = record_url(ctx.version, obj.name, row["Id"])
    record: dict[str, Any] = {"attributes": {"type": obj.name, "url": url}}
    record.update({n: row.get(n) for n in names})
    return record


def body_object(request: Request) -> dict[str, Any]:
    body = request.json()
    if not isinstance(body, dict):
        raise SfError("JSON_PARSER_ERROR", "The request body must be a JSON object")
    return body


def saved(ctx: Ctx, sobject: str, record_id: str, created: bool | None = None) -> Response:
    body: dict[str, Any] = {"id": record_id, "success": True, "errors": []}
    if created is not None:
        body["created"] = created
    obj = catalog.find(sobject, ctx.shared)
    location = record_url(ctx.version, obj.name if obj else sobject, record_id)
    return Response(201, body, {"Location": location})


def resources(ctx: Ctx, request: Request) -> Response:
    base = f"/services/data/v{ctx.version}"
    names = ("sobjects", "query", "queryAll", "composite", "limits", "jobs")
    return Response(200, {name: f"{base}/{name}" for name in names})


def describe_global(ctx: Ctx, request: Request) -> Response:
    return Response(200, _global(ctx.shared, ctx.version))


def describe_object(ctx: Ctx, request: Request, sobject: str) -> Response:
    obj = catalog.find(sobject, ctx.shared)
    if obj is None:
        raise not_found()
    return Response(200, _object(obj.name, ctx.shared, ctx.version))


def object_root(ctx: Ctx, request: Request, sobject: str) -> Response:
    obj = catalog.find(sobject, ctx.shared)
    if obj is None:
        raise not_found()
    if request.method == "GET":
        summary = next(
            o for o in _global(ctx.shared, ctx.version)["sobjects"] if o["name"] == obj.name
        )
        return Response(200, {"objectDescribe": summary, "recentItems": []})
    record_id = ctx.writer.create(obj.name, body_object(request))
    return saved(ctx, obj.name, record_id)


def record(ctx: Ctx, request: Request, sobject: str, record_id: str) -> Response:
    if request.method == "PATCH":
        ctx.writer.update(sobject, record_id, body_object(request))
        return Response(204)
    if request.method == "DELETE":
        ctx.writer.delete(sobject, record_id)
        return Response(204)
    obj = catalog.find(sobject, ctx.shared)
    if obj is None:
        raise not_found()
    row = _readable(ctx, obj.name, record_id)
    fields = request.param("fields")
    return Response(200, shaped(ctx, obj.name, row, fields.split(",") if fields else None))


def by_external_id(ctx: Ctx, request: Request, sobject: str, field: str, value: str) -> Response:
    obj = catalog.find(sobject, ctx.shared)
    if obj is None:
        raise not_found()
    if request.method == "PATCH":
        return _upsert(ctx, request, obj.name, field, value)
    f = obj.field(field, ctx.shared)
    if f is None or not (f.external_id or f.name == "Id"):
        raise not_found()
    matches = ctx.app.store.find(obj.name, f.name, [value])
    if not matches:
        raise not_found()
    if len(matches) > 1:
        return Response(300, [record_url(ctx.version, obj.name, m["Id"]) for m in matches])
    if request.method == "DELETE":
        ctx.writer.delete(obj.name, matches[0]["Id"])
        return Response(204)
    return Response(200, shaped(ctx, obj.name, _readable(ctx, obj.name, matches[0]["Id"])))


def _upsert(ctx: Ctx, request: Request, sobject: str, field: str, value: str) -> Response:
    body = body_object(request)
    if (request.param("updateOnly") or "false").lower() == "true":
        obj = catalog.find(sobject, ctx.shared)
        f = obj.field(field, ctx.shared) if obj else None
        if f is None or not ctx.app.store.find(sobject, f.name, [value]):
            raise not_found()
    try:
        record_id, created = ctx.writer.upsert(sobject, field, value, body)
    except SfError as error:
        if error.status == 300:
            return Response(300, [record_url(ctx.version, sobject, i) for i in error.fields])
        raise
    if created:
        return saved(ctx, sobject, record_id, created=True)
    if float(ctx.version) < UPSERT_UPDATE_STATUS_FROM_VERSION:
        return Response(204)
    return Response(200, {"id": record_id, "success": True, "errors": [], "created": False})


def limits(ctx: Ctx, request: Request) -> Response:
    if not ctx.caller.may("ViewSetup"):
        raise SfError(LIMITS_DENIED_CODE, LIMITS_DENIED_MESSAGE, status=403)
    used, limit = ctx.app.usage()
    return Response(
        200,
        {
            "DailyApiRequests": {"Max": limit, "Remaining": max(limit - used, 0)},
            "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
            "DailyBulkV2QueryJobs": {"Max": 10000, "Remaining": 10000},
            "DataStorageMB": {"Max": 5, "Remaining": 5},
        },
    )


def _readable(ctx: Ctx, sobject: str, record_id: str) -> dict[str, Any]:
    from adapters.local_org.ids import canonical_id

    rid = canonical_id(record_id)
    if rid is None:
        raise not_found()
    obj = catalog.find(sobject, ctx.shared)
    assert obj is not None
    rows = ctx.app.source().records(obj.name, hint=("Id", frozenset({rid})), include_archived=True)
    found = [r for r in rows if r["Id"] == rid]
    if not found:
        deleted = ctx.app.source().records(obj.name, True, hint=("Id", frozenset({rid})))
        if any(r["Id"] == rid for r in deleted):
            raise SfError("ENTITY_IS_DELETED", "entity is deleted", status=404)
        raise not_found()
    return found[0]
