"""The Salesforce gateway on simple-salesforce, a stage of the flow: the org behind our ports.

- `gateway`: SimpleSalesforceGateway, every port in one object.
- `connect`: session id, password or JWT bearer; `readiness`: fails early in one sentence.
- `transport`: every call: budget, count, retry with back-off (`retry`), renewal, `errors`.
- `lookups`, `chunking`: who is who, one SOQL query per object type per chunk.
- `writes`, `composite`, `deletes`: sObject Collections in composite calls.
- `bulk_jobs`, `bulk_writes`: Bulk API 2.0 for many individual records.
- `reads`: Tasks read back by sync key and by person; `probe`: the shared-activities setting.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.salesforce.connect import connect, renewer
from adapters.salesforce.gateway import SimpleSalesforceGateway
from adapters.salesforce.readiness import check_ready
from adapters.salesforce.reads import TimelineEntry


def open_gateway(
    instance_url: str | None, env: Mapping[str, str], **options: Any
) -> SimpleSalesforceGateway:
    """connect() plus a gateway that can log in again when credentials allow it."""
    return SimpleSalesforceGateway(
        connect(instance_url, env), renew=renewer(instance_url, env), **options
    )


__all__ = [
    "SimpleSalesforceGateway",
    "TimelineEntry",
    "check_ready",
    "connect",
    "open_gateway",
]
