"""Composite requests: up to five queries or collections in ONE API call, pages followed (R24)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from adapters.salesforce.errors import first_error, from_status, is_retryable
from adapters.salesforce.transport import Transport
from projections.ports import RetryableSyncError

# Salesforce: at most 25 subrequests, of which at most 5 are collections or queries.
HEAVY_PER_COMPOSITE = 5


@dataclass(frozen=True)
class SubResult:
    """One subrequest's answer: its HTTP status and body."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def subrequest(method: str, url: str, ref: str, body: Any = None) -> dict[str, Any]:
    request: dict[str, Any] = {"method": method, "url": url, "referenceId": ref}
    if body is not None:
        request["body"] = body
    return request


def run_composite(transport: Transport, requests: Sequence[dict[str, Any]]) -> list[SubResult]:
    """ONE call holding the given subrequests (allOrNone false); answers in request order."""
    payload = {"allOrNone": False, "compositeRequest": list(requests)}
    answer = transport.call(
        lambda sf: sf.restful("composite", method="POST", json=payload, timeout=transport.timeout)
    )
    by_ref = {item["referenceId"]: item for item in (answer or {}).get("compositeResponse", [])}
    results = []
    for request in requests:
        item = by_ref.get(request["referenceId"])
        if item is None:
            results.append(SubResult(500, [{"errorCode": "MISSING_SUBRESPONSE", "message": ""}]))
        else:
            results.append(SubResult(int(item.get("httpStatusCode", 500)), item.get("body")))
    return results


def run_batched(transport: Transport, requests: Sequence[dict[str, Any]]) -> list[SubResult]:
    """Any number of heavy subrequests, five per composite call, answers in order."""
    results: list[SubResult] = []
    for start in range(0, len(requests), HEAVY_PER_COMPOSITE):
        results.extend(run_composite(transport, requests[start : start + HEAVY_PER_COMPOSITE]))
    return results


def query_url(transport: Transport, statement: str, all_rows: bool = False) -> str:
    """`query`, or `queryAll` (also archived and deleted records) with `all_rows`."""
    resource = "queryAll" if all_rows else "query"
    return transport.data_path(f"{resource}/?q=" + quote(statement, safe=""))


def run_queries(
    transport: Transport, statements: Sequence[str], all_rows: bool = False
) -> list[list[dict[str, Any]]]:
    """Every record of every statement; statements and follow-up pages go five per call.
    `all_rows` asks queryAll, which also sees archived and deleted records.

    A subrequest refused with a transient code is sent again after a back-off wait; a
    permanent refusal raises with Salesforce's own code and message.
    """
    records: list[list[dict[str, Any]]] = [[] for _ in statements]
    pending = [(i, query_url(transport, s, all_rows)) for i, s in enumerate(statements)]
    failures = 0
    while pending:
        requests = [subrequest("GET", url, f"q{n}") for n, (_, url) in enumerate(pending)]
        answers = run_batched(transport, requests)
        retry: list[tuple[int, str]] = []
        refused: SubResult | None = None
        following: list[tuple[int, str]] = []
        for (index, url), answer in zip(pending, answers, strict=True):
            if not answer.ok:
                _raise_unless_transient(answer)
                retry.append((index, url))
                refused = answer
                continue
            records[index].extend(answer.body.get("records", []))
            if not answer.body.get("done", True) and answer.body.get("nextRecordsUrl"):
                following.append((index, answer.body["nextRecordsUrl"]))
        if refused is not None:
            failures += 1
            if failures >= transport.backoff.max_attempts:
                code, message = first_error(refused.body)
                raise RetryableSyncError(code or "QUERY_FAILED", message)
            transport.backoff.wait(failures)
        pending = retry + following
    return records


def _raise_unless_transient(answer: SubResult) -> None:
    code, message = first_error(answer.body)
    if not is_retryable(code, answer.status):
        raise from_status(answer.status, code, message)
