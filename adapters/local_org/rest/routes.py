"""The REST routes under /services/data/vXX.X/, in the order they are tried.

Import `dispatch` from here (not from `rest.dispatch`) to be sure the table is filled.
"""

from __future__ import annotations

from adapters.local_org.rest import bulk, collections, composite, query, sobjects
from adapters.local_org.rest.dispatch import DATA_PATH, Ctx, dispatch, route

__all__ = ["DATA_PATH", "Ctx", "dispatch"]

_NAME = r"(?P<sobject>[A-Za-z0-9_]+)"
route("GET", "", sobjects.resources)
route("GET", "/sobjects", sobjects.describe_global)
route("GET POST", f"/sobjects/{_NAME}", sobjects.object_root)
route("GET", f"/sobjects/{_NAME}/describe", sobjects.describe_object)
route("GET PATCH DELETE", f"/sobjects/{_NAME}/(?P<record_id>[^/]+)", sobjects.record)
route(
    "GET PATCH DELETE",
    f"/sobjects/{_NAME}/(?P<field>[^/]+)/(?P<value>[^/]+)",
    sobjects.by_external_id,
)
route("GET", "/query", query.query)
route("GET", "/queryAll", query.query_all)
route("GET", "/(?:query|queryAll)/(?P<locator>[^/]+)", query.query_more)
route("POST PATCH DELETE", "/composite/sobjects", collections.collection)
route("GET", f"/composite/sobjects/{_NAME}", collections.retrieve)
route("PATCH", f"/composite/sobjects/{_NAME}/(?P<field>[^/]+)", collections.upsert)
route("POST", "/composite", composite.composite)
route("GET", "/limits", sobjects.limits)
_JOB = "/jobs/ingest/(?P<job_id>[^/]+)"
route("GET POST", "/jobs/ingest", bulk.jobs)
route("GET PATCH DELETE", _JOB, bulk.job)
route("PUT", f"{_JOB}/batches", bulk.upload)
route("GET", f"{_JOB}/(?P<kind>successfulResults|failedResults|unprocessedrecords)", bulk.results)
