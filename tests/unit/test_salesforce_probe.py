"""Detecting shared activities (R17) and the start-up check of the external id field."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from test_salesforce_fake_client import FakeClient, refusal

from adapters.salesforce import check_ready
from adapters.salesforce.gateway import SimpleSalesforceGateway
from domain.errors import ConfigurationError
from projections.ports import SharedActivitiesState

KEY = {"name": "Activity_Sync_Key__c", "type": "string", "externalId": True, "unique": True}
WHO_IDS = {"name": "TaskWhoIds", "type": "junctionidlist"}


class FakeMetadataApi:
    """The shape `sf.mdapi` has: a zeep client with a transport, and typed readers."""

    def __init__(self, value: Any) -> None:
        self._client = SimpleNamespace(
            transport=SimpleNamespace(session=None, operation_timeout=None)
        )
        self.value = value

    @property
    def ActivitiesSettings(self) -> Any:  # noqa: N802 - the Metadata API type's name
        def read(names: list[str]) -> Any:
            assert names == ["Activities"]
            if isinstance(self.value, Exception):
                raise self.value
            return SimpleNamespace(allowUsersToRelateMultipleContactsToTasksAndEvents=self.value)

        return SimpleNamespace(read=read)


def gateway(client: FakeClient) -> SimpleSalesforceGateway:
    return SimpleSalesforceGateway(client, budget_percent=None, sleep=lambda s: None)  # type: ignore[arg-type]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_metadata_api_answers_first(enabled: bool) -> None:
    """R17: ActivitiesSettings read through mdapi, sharing the caller's requests session."""
    mdapi = FakeMetadataApi(enabled)
    client = FakeClient(mdapi_factory=lambda: mdapi, session=object())
    state = gateway(client).shared_activities()
    assert state == SharedActivitiesState(enabled=enabled, source="metadata_api")
    assert mdapi._client.transport.session is client.session


@pytest.mark.parametrize(("fields", "enabled"), [([KEY, WHO_IDS], True), ([KEY], False)])
def test_describe_of_task_is_the_fallback(fields: list[dict[str, Any]], enabled: bool) -> None:
    """R17: INSUFFICIENT_ACCESS on the Metadata API -> TaskWhoIds in describe tells."""
    mdapi = FakeMetadataApi(
        PermissionError("INSUFFICIENT_ACCESS: use of the Metadata API requires ModifyAllData")
    )
    client = FakeClient(mdapi_factory=lambda: mdapi, describe_fields={"Task": fields})
    assert gateway(client).shared_activities() == SharedActivitiesState(enabled, "describe")
    assert client.calls == ["describe Task"]


def test_ready_when_task_and_event_carry_the_unique_external_id() -> None:
    client = FakeClient(describe_fields={"Task": [KEY], "Event": [KEY]})
    check_ready(gateway(client))
    assert client.calls == ["describe Task", "describe Event"]


@pytest.mark.parametrize(
    "event_fields",
    [[], [{**KEY, "unique": False}], [{**KEY, "externalId": False}]],
)
def test_a_missing_or_loose_external_id_fails_the_start(event_fields: list[dict[str, Any]]) -> None:
    """Issue 4.5: missing field -> one sentence saying to create it."""
    client = FakeClient(describe_fields={"Task": [KEY], "Event": event_fields})
    with pytest.raises(ConfigurationError) as refused:
        check_ready(gateway(client))
    assert "create a unique External ID text field Activity_Sync_Key__c on Activity" in str(
        refused.value
    )
    assert "Event" in str(refused.value)


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (refusal(403, "API_DISABLED_FOR_ORG", "The REST API is not enabled"), "'API Enabled'"),
        (refusal(401, "INVALID_SESSION_ID", "Session expired"), "fresh SALESFORCE_SESSION_ID"),
    ],
)
def test_refusals_at_start_say_what_to_do(failure: Exception, says: str) -> None:
    client = FakeClient(failures=[failure])
    with pytest.raises(ConfigurationError) as refused:
        check_ready(gateway(client))
    assert says in str(refused.value)
