"""sObject Collections: create, update, upsert by external id, delete and retrieve, 200 at a time."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from adapters.local_org import assumptions as a
from adapters.local_org.errors import SfError, not_found
from adapters.local_org.ids import canonical_id
from adapters.local_org.protocol import Request, Response
from adapters.local_org.rest.sobjects import body_object, shaped
from adapters.local_org.schema import catalog

if TYPE_CHECKING:
    from adapters.local_org.rest.dispatch import Ctx

Op = Callable[[], tuple[str | None, bool | None]]  # -> (id, created)
LOCK_MESSAGE = "unable to obtain exclusive access to this record or 1 records"


class _RollBack(Exception):
    pass


def collection(ctx: Ctx, request: Request) -> Response:
    if request.method == "DELETE":
        ids = [i for i in (request.param("ids") or "").split(",") if i]
        _check_count(len(ids))
        deletes: list[tuple[str | None, Op]] = [(i, _deleter(ctx, i)) for i in ids]
        return Response(200, run(ctx, deletes, request.param("allOrNone", "false") == "true"))
    body = body_object(request)
    records = _records(body)
    types = [_type_of(r) for r in records]
    _check_chunks(types)
    ops: list[tuple[str | None, Op]]
    if request.method == "POST":
        ops = [(None, _creator(ctx, t, r)) for t, r in zip(types, records, strict=True)]
    else:
        ops = [(_given_id(r), _updater(ctx, t, r)) for t, r in zip(types, records, strict=True)]
    return Response(200, run(ctx, ops, bool(body.get("allOrNone", False))))


def upsert(ctx: Ctx, request: Request, sobject: str, field: str) -> Response:
    obj = catalog.find(sobject, ctx.shared)
    f = obj.field(field, ctx.shared) if obj else None
    if obj is None or f is None or not f.external_id:
        raise not_found()
    body = body_object(request)
    records = _records(body)
    keys = [next((v for k, v in r.items() if k.lower() == f.name.lower()), None) for r in records]
    counts: dict[Any, int] = {}
    for key in keys:
        if isinstance(key, str):
            counts[key.lower()] = counts.get(key.lower(), 0) + 1
    ops = [
        (None, _upserter(ctx, obj.name, f.name, key, r, counts))
        for key, r in zip(keys, records, strict=True)
    ]
    return Response(200, run(ctx, ops, bool(body.get("allOrNone", False)), with_created=True))


def retrieve(ctx: Ctx, request: Request, sobject: str) -> Response:
    obj = catalog.find(sobject, ctx.shared)
    if obj is None:
        raise not_found()
    ids = [canonical_id(i) for i in (request.param("ids") or "").split(",") if i]
    fields = [f for f in (request.param("fields") or "").split(",") if f]
    if not fields:
        raise SfError("MISSING_ARGUMENT", "fields must be specified")
    found = {
        r["Id"]: r
        for r in ctx.app.source().records(
            obj.name, hint=("Id", frozenset(i for i in ids if i)), include_archived=True
        )
    }
    return Response(
        200, [shaped(ctx, obj.name, found[i], fields) if i in found else None for i in ids]
    )


def run(
    ctx: Ctx, ops: Sequence[tuple[str | None, Op]], all_or_none: bool, with_created: bool = False
) -> list[dict[str, Any]]:
    """Each op in its own savepoint, results in order; allOrNone undoes all when one fails."""
    results: list[dict[str, Any]] = []
    store = ctx.app.store
    try:
        with store.savepoint():
            for given_id, op in ops:
                results.append(_one(ctx, given_id, op, with_created))
            if all_or_none and not all(r["success"] for r in results):
                raise _RollBack
    except _RollBack:
        for result, (given_id, _op) in zip(results, ops, strict=True):
            if result["success"]:
                result.update(id=given_id, success=False, errors=[_rolled_back()])
                if with_created:
                    result["created"] = False
    return results


def _one(ctx: Ctx, given_id: str | None, op: Op, with_created: bool) -> dict[str, Any]:
    result: dict[str, Any] = {"id": given_id, "success": True, "errors": []}
    try:
        if ctx.app.faults.fires("UNABLE_TO_LOCK_ROW"):
            raise SfError("UNABLE_TO_LOCK_ROW", LOCK_MESSAGE)
        with ctx.app.store.savepoint():
            record_id, created = op()
        result["id"] = record_id
        if with_created:
            result["created"] = bool(created)
    except SfError as error:
        result.update(success=False, errors=[error.as_collection_item()])
        if with_created:
            result["created"] = False
    return result


def _rolled_back() -> dict[str, Any]:
    return {
        "statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK",
        "message": a.ROLLED_BACK_MESSAGE,
        "fields": [],
    }


def _records(body: dict[str, Any]) -> list[dict[str, Any]]:
    records = body.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SfError("JSON_PARSER_ERROR", "records must be a list of objects")
    _check_count(len(records))
    return records


def _check_count(count: int) -> None:
    if count > a.COLLECTION_MAX_RECORDS:
        raise SfError(
            a.COLLECTION_TOO_MANY_CODE,
            f"record limit reached. cannot submit more than {a.COLLECTION_MAX_RECORDS} records into this call",
        )


def _check_chunks(types: list[str | None]) -> None:
    chunks = sum(1 for i, t in enumerate(types) if i == 0 or t != types[i - 1])
    if chunks > a.COLLECTION_MAX_CHUNKS:
        raise SfError(
            a.COLLECTION_TOO_MANY_CHUNKS_CODE,
            "Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.",
        )


def _type_of(record: dict[str, Any]) -> str | None:
    attributes = record.get("attributes")
    return attributes.get("type") if isinstance(attributes, dict) else None


def _given_id(record: dict[str, Any]) -> str | None:
    value = record.get("id", record.get("Id"))
    return value if isinstance(value, str) else None


def _known(ctx: Ctx, sobject: str | None) -> str:
    if not sobject:
        raise SfError("INVALID_TYPE", "Must send a concrete entity type.")
    obj = catalog.find(sobject, ctx.shared)
    if obj is None:
        raise SfError("INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
    return obj.name


def _creator(ctx: Ctx, sobject: str | None, record: dict[str, Any]) -> Op:
    return lambda: (ctx.writer.create(_known(ctx, sobject), record), None)


def _updater(ctx: Ctx, sobject: str | None, record: dict[str, Any]) -> Op:
    def op() -> tuple[str | None, bool | None]:
        record_id = _given_id(record)
        if record_id is None:
            raise SfError("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"])
        ctx.writer.update(_known(ctx, sobject), record_id, record)
        return canonical_id(record_id), None

    return op


def _deleter(ctx: Ctx, record_id: str) -> Op:
    def op() -> tuple[str | None, bool | None]:
        ctx.writer.delete(None, record_id)
        return canonical_id(record_id), None

    return op


def _upserter(
    ctx: Ctx, sobject: str, field: str, key: Any, record: dict[str, Any], counts: dict[Any, int]
) -> Op:
    def op() -> tuple[str | None, bool | None]:
        if key is None or key == "":
            raise SfError(a.COLLECTION_MISSING_EXTERNAL_ID_CODE, f"{field} not specified", [field])
        if isinstance(key, str) and counts.get(key.lower(), 0) > 1:
            raise SfError(
                a.DUPLICATE_EXTERNAL_ID_CODE, f"Duplicate external id specified: {key}", [field]
            )
        given = _type_of(record)
        if given is not None and _known(ctx, given) != sobject:
            raise SfError("INVALID_TYPE", f"The record type {given} does not match {sobject}")
        return ctx.writer.upsert(sobject, field, key, record)

    return op
