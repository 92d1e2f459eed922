"""Composite: up to 25 subrequests in one call, with @{ref.path} references and allOrNone."""

from __future__ import annotations

import re
from typing import Any

import orjson

from adapters.local_org import assumptions as a
from adapters.local_org.errors import SfError
from adapters.local_org.protocol import Request, Response
from adapters.local_org.rest.collections import LOCK_MESSAGE
from adapters.local_org.rest.dispatch import DATA_PATH, Ctx, dispatch

_REFERENCE = re.compile(r"@\{([A-Za-z0-9_]+)\.([^}]+)\}")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_HEAVY = re.compile(r"/(composite/sobjects|query|queryAll)(/|\?|$)")


class _Halted(Exception):
    """A subrequest depends on one that failed or gave no such value."""


class _RollBack(Exception):
    pass


def composite(ctx: Ctx, request: Request) -> Response:
    body = request.json()
    if not isinstance(body, dict) or not isinstance(body.get("compositeRequest"), list):
        raise SfError("JSON_PARSER_ERROR", "compositeRequest must be a list")
    subrequests = body["compositeRequest"]
    _check_limits(subrequests)
    all_or_none = bool(body.get("allOrNone", False))
    results: dict[str, dict[str, Any]] = {}
    failed: set[str] = set()
    replies: list[dict[str, Any]] = []
    try:
        with ctx.app.store.savepoint():
            for sub in subrequests:
                reply = _run_one(ctx, request, sub, results, failed)
                replies.append(reply)
                if reply["httpStatusCode"] >= 400 and all_or_none:
                    raise _RollBack
    except _RollBack:
        failing = len(replies) - 1
        replies = [
            replies[i] if i == failing else _halted(sub.get("referenceId"))
            for i, sub in enumerate(subrequests)
        ]
    return Response(200, {"compositeResponse": replies})


def _check_limits(subrequests: list[Any]) -> None:
    if len(subrequests) > a.COMPOSITE_MAX_SUBREQUESTS:
        raise SfError(
            a.COMPOSITE_LIMIT_CODE,
            f"A composite request can have at most {a.COMPOSITE_MAX_SUBREQUESTS} subrequests",
        )
    heavy = sum(
        1 for s in subrequests if isinstance(s, dict) and _HEAVY.search(str(s.get("url", "")))
    )
    if heavy > a.COMPOSITE_MAX_COLLECTIONS_OR_QUERIES:
        raise SfError(
            a.COMPOSITE_LIMIT_CODE,
            f"A composite request can have at most {a.COMPOSITE_MAX_COLLECTIONS_OR_QUERIES} "
            "sObject Collections or query subrequests",
        )


def _run_one(
    ctx: Ctx, parent: Request, sub: Any, results: dict[str, Any], failed: set[str]
) -> dict[str, Any]:
    if not isinstance(sub, dict) or not {"method", "url", "referenceId"} <= sub.keys():
        raise SfError("JSON_PARSER_ERROR", "each subrequest needs method, url and referenceId")
    ref = sub["referenceId"]
    try:
        url = _resolve(sub["url"], results, failed)
        body = _resolve(sub.get("body"), results, failed)
    except _Halted as halted:
        failed.add(ref)
        return _reply(ref, 400, [{"errorCode": "PROCESSING_HALTED", "message": str(halted)}])
    headers = dict(parent.headers) | {
        k.lower(): v for k, v in (sub.get("httpHeaders") or {}).items()
    }
    raw = orjson.dumps(body) if body is not None else b""
    request = Request.from_target(sub["method"], url, headers, raw)
    match = DATA_PATH.match(request.path)
    try:
        if match is None or match.group(2) in (None, "/composite", "/composite/"):
            raise SfError("NOT_FOUND", f"unsupported subrequest url {url}", status=404)
        writes = request.method in ("POST", "PATCH", "PUT", "DELETE")
        if (
            writes
            and "/composite/sobjects" not in request.path
            and ctx.app.faults.fires("UNABLE_TO_LOCK_ROW")
        ):
            raise SfError("UNABLE_TO_LOCK_ROW", LOCK_MESSAGE)
        with ctx.app.store.savepoint():
            response = dispatch(_sub_ctx(ctx, match.group(1)), request, match.group(2))
    except SfError as error:
        failed.add(ref)
        return _reply(ref, error.status, error.as_single())
    results[ref] = response.body
    if response.status >= 400:
        failed.add(ref)
    return _reply(ref, response.status, response.body, response.headers)


def _sub_ctx(ctx: Ctx, version: str) -> Ctx:
    return Ctx(ctx.app, version, ctx.writer, ctx.caller)


def _reply(
    ref: str, status: int, body: Any, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "body": body,
        "httpHeaders": headers or {},
        "httpStatusCode": status,
        "referenceId": ref,
    }


def _halted(ref: str | None) -> dict[str, Any]:
    return _reply(
        ref or "", 400, [{"errorCode": "PROCESSING_HALTED", "message": a.PROCESSING_HALTED_MESSAGE}]
    )


def _resolve(value: Any, results: dict[str, Any], failed: set[str]) -> Any:
    """Replace every @{ref.path} in strings (recursively) by the referenced value."""
    if isinstance(value, str):
        return _REFERENCE.sub(lambda m: _lookup(m.group(1), m.group(2), results, failed), value)
    if isinstance(value, list):
        return [_resolve(v, results, failed) for v in value]
    if isinstance(value, dict):
        return {k: _resolve(v, results, failed) for k, v in value.items()}
    return value


def _lookup(ref: str, path: str, results: dict[str, Any], failed: set[str]) -> str:
    if ref in failed:
        raise _Halted(
            f"Invalid reference specified. No value for {path} found in {ref}. Provided referenceId ('{ref}') failed."
        )
    current: Any = results.get(ref)
    if ref not in results:
        raise _Halted(f"Invalid reference specified. No value for {path} found in {ref}.")
    for name, index in _STEP.findall(path):
        try:
            current = current[int(index)] if index else current[name]
        except (KeyError, IndexError, TypeError):
            raise _Halted(
                f"Invalid reference specified. No value for {path} found in {ref}."
            ) from None
    return current if isinstance(current, str) else orjson.dumps(current).decode()
