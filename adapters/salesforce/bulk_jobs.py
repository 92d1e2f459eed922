"""One Bulk API 2.0 ingest job, each of its requests one counted, budgeted call (R24, R25).

Requests go through simple-salesforce's bulk2 handler (its session, endpoint and headers)
and `simple_salesforce.util.call_salesforce`, one `Transport.call` each, so every request
of a job (create, upload, close, every poll, every results download) is counted, budgeted,
retried and translated like any other call. The session id travels in a header only; no
error we raise names it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.util import call_salesforce

from adapters.salesforce.transport import Transport
from projections.ports import RetryableSyncError

# A job that completes by its first poll: create, upload, close, poll, three results files.
JOB_CALLS = 7
DONE = ("JobComplete", "Failed", "Aborted")
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv; charset=UTF-8"


@dataclass(frozen=True)
class Polling:
    """Waits between polls: first, doubling up to cap; past `limit` seconds, give up."""

    first: float = 1.0
    cap: float = 30.0
    limit: float = 1800.0


POLLING = Polling()


@dataclass
class JobResult:
    """How a job ended, and its results rows (the uploaded columns plus sf__ columns)."""

    job_id: str
    state: str
    message: str = ""
    refused_code: str | None = None  # the org refused the job itself for good (PermanentSyncError)
    successful: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    unprocessed: list[dict[str, str]] = field(default_factory=list)


def run_job(
    transport: Transport,
    sobject: str,
    operation: str,
    csv_text: str,
    rows: int,
    external_id_field: str | None = None,
    polling: Polling = POLLING,
) -> JobResult:
    """Create, upload, close, wait; then download only the results files that hold rows."""
    transport.check_budget(JOB_CALLS)  # R25: no job starts that the budget cannot finish
    spec: dict[str, Any] = {
        "object": sobject,
        "operation": operation,
        "contentType": "CSV",
        "columnDelimiter": "COMMA",
        "lineEnding": "LF",
    }
    if external_id_field:
        spec["externalIdFieldName"] = external_id_field
    job_id = str(_json(request(transport, "POST", "ingest", json.dumps(spec)))["id"])
    request(transport, "PUT", f"ingest/{job_id}/batches", csv_text.encode("utf-8"), CSV_TYPE)
    request(transport, "PATCH", f"ingest/{job_id}", json.dumps({"state": "UploadComplete"}))
    info = wait(transport, job_id, polling)
    if info.get("state") != "JobComplete":
        message = str(info.get("errorMessage") or f"the job ended {info.get('state')}")
        return JobResult(job_id, str(info.get("state")), message)
    processed, failed = info.get("numberRecordsProcessed"), info.get("numberRecordsFailed")
    known = processed is not None and failed is not None  # else read every results file
    result = JobResult(job_id, "JobComplete")
    if not known or int(processed) - int(failed) > 0:
        result.successful = results(transport, job_id, "successfulResults")
    if not known or int(failed) > 0:
        result.failed = results(transport, job_id, "failedResults")
    if not known or int(processed) < rows:
        result.unprocessed = results(transport, job_id, "unprocessedrecords")
    return result


def wait(transport: Transport, job_id: str, polling: Polling) -> dict[str, Any]:
    """Poll the job (each poll a call) after waits from the transport's sleep, until it ends."""
    waited, delay = 0.0, polling.first
    while True:
        transport.backoff.sleep(delay)
        waited += delay
        info = _json(request(transport, "GET", f"ingest/{job_id}"))
        if info.get("state") in DONE:
            return info
        if waited >= polling.limit:
            raise RetryableSyncError(
                "BULK_JOB_TIMEOUT",
                f"Bulk job {job_id} still {info.get('state')} after {waited:.0f} s",
            )
        delay = min(polling.cap, delay * 2)


def results(transport: Transport, job_id: str, kind: str) -> list[dict[str, str]]:
    """One results file of the job as rows keyed by column name."""
    answer = request(transport, "GET", f"ingest/{job_id}/{kind}", accept=CSV_TYPE)
    text = answer.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def request(
    transport: Transport,
    method: str,
    path: str,
    data: str | bytes | None = None,
    content_type: str = JSON_TYPE,
    accept: str = JSON_TYPE,
) -> requests.Response:
    """ONE call to <bulk2 endpoint>/<path>; usage is read from its Sforce-Limit-Info."""

    def action(sf: Salesforce) -> requests.Response:
        handler = sf.bulk2
        headers = {**handler.headers, "Content-Type": content_type, "Accept": accept}
        answer = call_salesforce(
            url=handler.bulk2_url + path,
            method=method,
            session=handler.session,
            headers=headers,
            data=data,
            timeout=transport.timeout,
        )
        limit_info = answer.headers.get("Sforce-Limit-Info")
        if limit_info:
            transport.note_usage(Salesforce.parse_api_usage(limit_info))
        return answer

    return transport.call(action)


def _json(answer: requests.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError as error:
        raise RetryableSyncError("BAD_RESPONSE", "the Bulk API answered no JSON") from error
    if not isinstance(body, dict):
        raise RetryableSyncError("BAD_RESPONSE", "the Bulk API answered no job")
    return body
