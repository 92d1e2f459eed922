"""Many records by Bulk API 2.0: upserts by sync key, deletes by Id, one outcome each (R20, R24, R25).

Used only where it costs fewer API calls than composite: a job is about `JOB_CALLS` calls
whatever its size, composite one call per `COMPOSITE_RECORDS_PER_CALL` records. Records that
carry TaskWhoIds stay on composite: a JunctionIdList in a Bulk CSV is unconfirmed for real
Salesforce (adapters/local_org/assumptions.py). Results come back by the sync key (upserts) or
the Id (deletes), never by row order, which Salesforce does not promise.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from adapters.salesforce.bulk_jobs import JOB_CALLS, POLLING, JobResult, Polling, run_job
from adapters.salesforce.composite import HEAVY_PER_COMPOSITE
from adapters.salesforce.errors import GONE_CODES, is_retryable
from adapters.salesforce.transport import Transport
from adapters.salesforce.writes import COLLECTION_SIZE, Item, failed
from domain.model import WriteOutcome
from projections.ports import PermanentSyncError

COMPOSITE_RECORDS_PER_CALL = COLLECTION_SIZE * HEAVY_PER_COMPOSITE  # 1,000
# From this many records of one object composite needs JOB_CALLS + 1 calls or more: 8,000.
DEFAULT_THRESHOLD = COMPOSITE_RECORDS_PER_CALL * (JOB_CALLS + 1)
# Salesforce takes up to 150 MB (base64) per job upload, about 100 MB of CSV: keep a margin.
JOB_BYTES = 90_000_000
NULL_CELL = "#N/A"  # a Bulk CSV cell that sets the field to null; an empty cell changes nothing
ID_PREFIXES = {"00T": "Task", "00U": "Event"}

T = TypeVar("T")


# -- the choice ------------------------------------------------------------------------------
def split(
    pending: Sequence[T], threshold: int | None, sobject_of: Callable[[T], str | None]
) -> tuple[list[T], list[T]]:
    """(by Bulk, by composite): the eligible records of each object that reach the threshold go
    by Bulk, one job each; the rest (and everything when `threshold` is None) by composite."""
    if threshold is None:
        return [], list(pending)
    counts: dict[str, int] = {}
    for one in pending:
        sobject = sobject_of(one)
        if sobject is not None:
            counts[sobject] = counts.get(sobject, 0) + 1
    chosen = {sobject for sobject, count in counts.items() if count >= threshold}
    bulk = [one for one in pending if sobject_of(one) in chosen]
    rest = [one for one in pending if sobject_of(one) not in chosen]
    return bulk, rest


def item_sobject(item: Item) -> str | None:
    """The item's object when a Bulk CSV carries it faithfully: no TaskWhoIds, plain values."""
    if item.sends_who_ids:
        return None
    values = [v for k, v in item.body.items() if k != "attributes"]
    if not all(_plain(v) for v in values):
        return None
    return str(item.body["attributes"]["type"])


def id_sobject(salesforce_id: str) -> str | None:
    """Task or Event by the id's key prefix; anything else stays on composite."""
    return ID_PREFIXES.get(salesforce_id[:3])


def _plain(value: Any) -> bool:
    """A value one CSV cell holds as it is (a text of exactly "#N/A" would become null)."""
    if value is None or isinstance(value, (bool, int, float)):
        return True
    return isinstance(value, str) and value != NULL_CELL


# -- upserts ---------------------------------------------------------------------------------
def upsert(
    transport: Transport,
    items: Sequence[Item],
    external_id_field: str,
    polling: Polling = POLLING,
) -> dict[int, WriteOutcome]:
    """Upsert by the external id field, one job per object (more when the CSV is too big)."""
    outcomes: dict[int, WriteOutcome] = {}
    for sobject, group in _by_object(items, item_sobject).items():
        rows = [{k: v for k, v in item.body.items() if k != "attributes"} for item in group]
        for part, text in tables(group, rows):
            result = _run(transport, sobject, "upsert", text, len(part), external_id_field, polling)
            answers = by_column(result, external_id_field)
            for item in part:
                outcomes[item.position] = upsert_outcome(item, answers.get(item.key), result)
    return outcomes


def upsert_outcome(
    item: Item, answer: tuple[str, Mapping[str, str]] | None, result: JobResult
) -> WriteOutcome:
    """One results row to our outcome; anything not written is retryable (the upsert by sync
    key never duplicates, R20)."""
    if result.refused_code:
        return failed(item, result.refused_code, result.message, False)
    if result.state != "JobComplete":
        return failed(item, f"BULK_JOB_{result.state.upper()}", result.message, True)
    if answer is None:
        return failed(item, "MISSING_RESULT", f"Bulk job {result.job_id} gave no result", True)
    kind, row = answer
    if kind == "successful":
        created = row.get("sf__Created", "").lower() == "true"
        return WriteOutcome(item.key, True, row.get("sf__Id") or None, created=created)
    if kind == "failed":
        code, message = parse_error(row.get("sf__Error", ""))
        return failed(item, code, message, is_retryable(code))
    return failed(item, "BULK_UNPROCESSED", f"Bulk job {result.job_id} did not process it", True)


# -- deletes ---------------------------------------------------------------------------------
def delete(
    transport: Transport, ids: Sequence[str], polling: Polling = POLLING
) -> list[WriteOutcome]:
    """Delete Tasks and Events by Id, one job per object; an id already gone counts as deleted."""
    outcomes: dict[str, WriteOutcome] = {}
    for sobject, group in _by_object(list(dict.fromkeys(ids)), id_sobject).items():
        for part, text in tables(group, [{"Id": i} for i in group]):
            result = _run(transport, sobject, "delete", text, len(part), None, polling)
            answers = by_column(result, "Id")
            outcomes.update({i: delete_outcome(i, answers.get(i), result) for i in part})
    return [outcomes[i] for i in ids]


def delete_outcome(
    salesforce_id: str, answer: tuple[str, Mapping[str, str]] | None, result: JobResult
) -> WriteOutcome:
    def retry(code: str, message: str) -> WriteOutcome:
        return WriteOutcome(salesforce_id, False, salesforce_id, None, code, message, True)

    if result.refused_code:
        return WriteOutcome(
            salesforce_id, False, salesforce_id, None, result.refused_code, result.message
        )
    if result.state != "JobComplete":
        return retry(f"BULK_JOB_{result.state.upper()}", result.message)
    if answer is None:
        return retry("MISSING_RESULT", f"Bulk job {result.job_id} gave no result")
    kind, row = answer
    if kind == "successful":
        return WriteOutcome(salesforce_id, True, salesforce_id)
    if kind == "unprocessed":
        return retry("BULK_UNPROCESSED", f"Bulk job {result.job_id} did not process it")
    code, message = parse_error(row.get("sf__Error", ""))
    if code in GONE_CODES:
        return WriteOutcome(salesforce_id, True, salesforce_id, code=code, message=message)
    return WriteOutcome(
        salesforce_id, False, salesforce_id, None, code, message, is_retryable(code)
    )


def _run(
    transport: Transport,
    sobject: str,
    operation: str,
    text: str,
    rows: int,
    external_id_field: str | None,
    polling: Polling,
) -> JobResult:
    """The job; a permanent refusal of the job itself (a permission, the object or field) is
    recorded on each of its records with the org's code, so the composite part still goes."""
    try:
        return run_job(transport, sobject, operation, text, rows, external_id_field, polling)
    except PermanentSyncError as refused:
        return JobResult("", "Refused", refused.message, refused.code)


# -- CSV in, results out ---------------------------------------------------------------------
def tables(
    group: Sequence[T], rows: Sequence[Mapping[str, Any]], limit: int = JOB_BYTES
) -> list[tuple[list[T], str]]:
    """The rows as CSV texts of at most `limit` bytes, each with the records it holds."""
    header = list(dict.fromkeys(name for row in rows for name in row))
    head = _line(header)
    parts: list[tuple[list[T], str]] = []
    members: list[T] = []
    lines: list[str] = []
    size = len(head.encode("utf-8"))
    for one, row in zip(group, rows, strict=True):
        line = _line([_cell(row[name]) if name in row else "" for name in header])
        cost = len(line.encode("utf-8"))
        if lines and size + cost > limit:
            parts.append((members, head + "".join(lines)))
            members, lines, size = [], [], len(head.encode("utf-8"))
        members.append(one)
        lines.append(line)
        size += cost
    if lines:
        parts.append((members, head + "".join(lines)))
    return parts


def by_column(result: JobResult, column: str) -> dict[str, tuple[str, Mapping[str, str]]]:
    """Results rows by the value of `column`; a success outranks a failure, which outranks
    'unprocessed' (a request sent twice after a lost answer may report both)."""
    found: dict[str, tuple[str, Mapping[str, str]]] = {}
    for kind, rows in (
        ("unprocessed", result.unprocessed),
        ("failed", result.failed),
        ("successful", result.successful),
    ):
        for row in rows:
            found[row.get(column, "")] = (kind, row)
    return found


def parse_error(text: str) -> tuple[str, str]:
    """sf__Error "CODE:message:fields --" to (code, message)."""
    code, _, rest = text.partition(":")
    message = rest.strip().removesuffix("--").rstrip().removesuffix(":")
    return (code.strip() or "UNKNOWN_ERROR"), message


def _cell(value: Any) -> str:
    if value is None or value == "":
        return NULL_CELL  # the JSON body's null (or empty text): clear the field
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _line(cells: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(list(cells))
    return out.getvalue()


def _by_object(pending: Iterable[T], sobject_of: Callable[[T], str | None]) -> dict[str, list[T]]:
    groups: dict[str, list[T]] = {}
    for one in pending:
        sobject = sobject_of(one)
        if sobject is not None:
            groups.setdefault(sobject, []).append(one)
    return groups
