"""Deleting records the engine wrote: collections of 200 ids, five per composite call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adapters.salesforce.composite import SubResult, run_batched, subrequest
from adapters.salesforce.errors import GONE_CODES, first_error, is_retryable
from adapters.salesforce.transport import Transport
from adapters.salesforce.writes import COLLECTION_SIZE
from domain.model import WriteOutcome


def delete_round(transport: Transport, ids: Sequence[str]) -> list[WriteOutcome]:
    """One outcome per id, in order; an id already gone counts as deleted."""
    chunks = [list(ids[i : i + COLLECTION_SIZE]) for i in range(0, len(ids), COLLECTION_SIZE)]
    requests = [
        subrequest(
            "DELETE",
            transport.data_path(f"composite/sobjects?ids={','.join(chunk)}&allOrNone=false"),
            f"d{n}",
        )
        for n, chunk in enumerate(chunks)
    ]
    outcomes: list[WriteOutcome] = []
    for chunk, answer in zip(chunks, run_batched(transport, requests), strict=True):
        outcomes.extend(map_deletes(chunk, answer))
    return outcomes


def map_deletes(chunk: Sequence[str], answer: SubResult) -> list[WriteOutcome]:
    if not (answer.ok and isinstance(answer.body, list)):
        code, message = first_error(answer.body)
        retryable = is_retryable(code, answer.status)
        return [WriteOutcome(i, False, i, None, code, message, retryable) for i in chunk]
    results = answer.body  # DeleteResults come back in the order of the ids
    return [deleted(i, results[n] if n < len(results) else {}) for n, i in enumerate(chunk)]


def deleted(salesforce_id: str, result: Mapping[str, Any]) -> WriteOutcome:
    if result.get("success"):
        return WriteOutcome(salesforce_id, True, salesforce_id)
    code, message = first_error(result.get("errors") or [])
    if code in GONE_CODES:
        return WriteOutcome(salesforce_id, True, salesforce_id, code=code, message=message)
    if code is None and not result:
        return WriteOutcome(salesforce_id, False, salesforce_id, None, "MISSING_RESULT", "", True)
    return WriteOutcome(
        salesforce_id, False, salesforce_id, None, code, message, is_retryable(code)
    )
