"""The Salesforce gateway on simple-salesforce: connect, check, look up, write, read, probe."""

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
