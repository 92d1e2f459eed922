"""Reads the org's shared-activities setting: Metadata API first, describe of Task after (R17)."""

from __future__ import annotations

import logging
from typing import Any

from simple_salesforce.api import Salesforce

from adapters.salesforce.metadata_read import read_activities_settings
from adapters.salesforce.transport import Transport
from projections.ports import BudgetExhausted, SessionExpired, SharedActivitiesState

log = logging.getLogger(__name__)


def task_has_who_ids(transport: Transport) -> bool:
    """Describe of Task: TaskWhoIds exists only when shared activities is enabled."""
    return "TaskWhoIds" in describe_fields(transport, "Task")


def describe_fields(transport: Transport, sobject: str) -> dict[str, dict[str, Any]]:
    """The object's fields by name, from `sf.<SObject>.describe()`."""

    def describe(sf: Salesforce) -> Any:
        sftype = getattr(sf, sobject)  # a fresh SFType: its usage lands on it, not on sf
        try:
            answer = sftype.describe()  # SFType.describe takes no time-out
        except RecursionError:
            # simple-salesforce's SFType re-logs-in without end while every new session is
            # refused (it does not count its retries there)
            raise SessionExpired("INVALID_SESSION_ID", "every new session was refused") from None
        transport.note_usage(sftype.api_usage)
        return answer

    answer = transport.call(describe)
    return {f["name"]: f for f in answer.get("fields", [])}


def shared_activities(transport: Transport) -> SharedActivitiesState:
    """Metadata API (needs Modify All Data); on any failure of that path, describe of Task."""
    try:
        enabled = transport.call(
            lambda sf: read_activities_settings(sf, transport.timeout, transport.note_usage)
        )
        return SharedActivitiesState(enabled=enabled, source="metadata_api")
    except BudgetExhausted:
        raise
    except Exception as error:  # any failure of this path means: ask describe instead
        log.info("Metadata API read of ActivitiesSettings failed (%s); using describe", error)
    return SharedActivitiesState(enabled=task_has_who_ids(transport), source="describe")
