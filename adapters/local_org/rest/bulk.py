"""Bulk API 2.0 ingest (insert, update, upsert, delete) as simple-salesforce's bulk2 drives it.

A job is kept in memory (lost on restart); its CSV is processed when the client marks it
UploadComplete, record by record through the same writer as every other route.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adapters.local_org import assumptions as a
from adapters.local_org.errors import SfError
from adapters.local_org.protocol import Request, Response
from adapters.local_org.rest.collections import LOCK_MESSAGE
from adapters.local_org.rest.sobjects import body_object
from adapters.local_org.schema import catalog

if TYPE_CHECKING:
    from adapters.local_org.rest.dispatch import Ctx

OPERATIONS = ("insert", "update", "upsert", "delete", "hardDelete")
DELIMITERS = {
    "COMMA": ",",
    "SEMICOLON": ";",
    "TAB": "\t",
    "PIPE": "|",
    "CARET": "^",
    "BACKQUOTE": "`",
}
JUNCTION_SEPARATOR = a.BULK_JUNCTION_SEPARATOR
_CSV = "text/csv"


@dataclass
class Job:
    info: dict[str, Any]
    rows: list[dict[str, str]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    succeeded: list[tuple[str, bool, dict[str, str]]] = field(default_factory=list)
    failed: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)


class Jobs:
    """Ingest jobs by id (in memory)."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def add(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.info["id"]] = job

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise SfError("NOT_FOUND", "The requested resource does not exist", status=404)
        return job

    def drop(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def all(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())


def jobs(ctx: Ctx, request: Request) -> Response:
    if request.method == "GET":
        infos = [j.info for j in ctx.app.jobs.all()]
        return Response(200, {"done": True, "records": infos, "nextRecordsUrl": None})
    body = body_object(request)
    operation = body.get("operation")
    obj = catalog.find(str(body.get("object") or ""), ctx.shared)
    if operation not in OPERATIONS or obj is None:
        raise SfError(
            "INVALIDJOB", f"Invalid job: operation {operation!r} on {body.get('object')!r}"
        )
    external = body.get("externalIdFieldName")
    if operation == "upsert":
        f = obj.field(str(external or ""), ctx.shared)
        if f is None or not (f.external_id or f.name == "Id"):
            raise SfError("INVALIDJOB", f"External ID field {external!r} is not valid for upsert")
        external = f.name
    delimiter = str(body.get("columnDelimiter") or "COMMA")
    if delimiter not in DELIMITERS:
        raise SfError("INVALIDJOB", f"Invalid column delimiter {delimiter}")
    stamp = ctx.writer.now()
    info = {
        "id": ctx.app.store.new_id("750"),
        "operation": operation,
        "object": obj.name,
        "createdById": ctx.caller.user_id,
        "createdDate": stamp,
        "systemModstamp": stamp,
        "state": "Open",
        "externalIdFieldName": external,
        "concurrencyMode": "Parallel",
        "contentType": "CSV",
        "apiVersion": float(ctx.version),
        "jobType": "V2Ingest",
        "lineEnding": str(body.get("lineEnding") or "LF"),
        "columnDelimiter": delimiter,
        "numberRecordsProcessed": 0,
        "numberRecordsFailed": 0,
        "retries": 0,
        "totalProcessingTime": 0,
    }
    ctx.app.jobs.add(Job(info))
    return Response(200, info)


def job(ctx: Ctx, request: Request, job_id: str) -> Response:
    found = ctx.app.jobs.get(job_id)
    if request.method == "DELETE":
        ctx.app.jobs.drop(job_id)
        return Response(204)
    if request.method == "PATCH":
        state = body_object(request).get("state")
        if found.info["state"] != "Open" or state not in ("UploadComplete", "Aborted"):
            raise SfError(
                "INVALIDJOBSTATE", f"Job is {found.info['state']}, cannot set {state}", status=409
            )
        if state == "Aborted":
            found.info["state"] = "Aborted"
            return Response(200, found.info)
        _process(ctx, found)
        return Response(200, found.info | {"state": "UploadComplete"})
    return Response(200, found.info)


def upload(ctx: Ctx, request: Request, job_id: str) -> Response:
    found = ctx.app.jobs.get(job_id)
    if found.info["state"] != "Open":
        raise SfError("INVALIDJOBSTATE", f"Job is {found.info['state']}: no more data", status=409)
    text = request.body.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=DELIMITERS[found.info["columnDelimiter"]])
    if not found.header:
        found.header = list(reader.fieldnames or [])
    found.rows.extend(dict(row) for row in reader)
    return Response(201)


def results(ctx: Ctx, request: Request, job_id: str, kind: str) -> Response:
    found = ctx.app.jobs.get(job_id)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    if kind == "successfulResults":
        writer.writerow(["sf__Id", "sf__Created", *found.header])
        for record_id, created, row in found.succeeded:
            writer.writerow(
                [record_id, str(created).lower(), *(row.get(h, "") for h in found.header)]
            )
    elif kind == "failedResults":
        writer.writerow(["sf__Id", "sf__Error", *found.header])
        for record_id, error, row in found.failed:
            writer.writerow([record_id, error, *(row.get(h, "") for h in found.header)])
    else:
        writer.writerow(found.header)
    return Response(200, out.getvalue().encode(), content_type=_CSV)


def _process(ctx: Ctx, found: Job) -> None:
    info = found.info
    for row in found.rows:
        try:
            if ctx.app.faults.fires("UNABLE_TO_LOCK_ROW"):
                raise SfError("UNABLE_TO_LOCK_ROW", LOCK_MESSAGE)
            with ctx.app.store.savepoint():
                record_id, created = _write(ctx, info, row)
            found.succeeded.append((record_id, created, row))
        except SfError as error:
            message = f"{error.code}:{error.message}:{','.join(error.fields)} --"
            found.failed.append((row.get("Id") or row.get("id") or "", message, row))
    info.update(
        state="JobComplete",
        numberRecordsProcessed=len(found.rows),
        numberRecordsFailed=len(found.failed),
        systemModstamp=ctx.writer.now(),
    )
    found.rows = []  # everything was processed: unprocessedrecords is empty


def _write(ctx: Ctx, info: dict[str, Any], row: dict[str, str]) -> tuple[str, bool]:
    sobject, operation = info["object"], info["operation"]
    values = _values(ctx, sobject, row)
    if operation in ("delete", "hardDelete"):
        record_id = str(values.get("Id") or "")
        ctx.writer.delete(sobject, record_id)
        return record_id, False
    if operation == "insert":
        return ctx.writer.create(sobject, values), True
    if operation == "update":
        record_id = str(values.pop("Id", "") or "")
        ctx.writer.update(sobject, record_id, values)
        return record_id, False
    key = values.get(info["externalIdFieldName"])
    if key is None:
        raise SfError("MISSING_ARGUMENT", f"{info['externalIdFieldName']} not specified")
    return ctx.writer.upsert(sobject, info["externalIdFieldName"], key, values)


def _values(ctx: Ctx, sobject: str, row: dict[str, str]) -> dict[str, Any]:
    """CSV cells as record values: empty cells are left out, #N/A is null, junction lists split."""
    obj = catalog.find(sobject, ctx.shared)
    assert obj is not None
    values: dict[str, Any] = {}
    for name, cell in row.items():
        if name is None or cell is None or cell == "":
            continue
        f = obj.field(name, ctx.shared)
        canonical = f.name if f is not None else name
        if cell == "#N/A":
            values[canonical] = None
        elif f is not None and f.type == "junctionidlist":
            values[canonical] = [i for i in cell.split(JUNCTION_SEPARATOR) if i]
        else:
            values[canonical] = cell
    return values
