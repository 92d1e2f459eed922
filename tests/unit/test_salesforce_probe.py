"""Detecting shared activities (R17) and the start-up check of the external id field."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest
from test_salesforce_fake_client import FakeClient, refusal

from adapters.salesforce import check_ready
from adapters.salesforce.gateway import SimpleSalesforceGateway
from adapters.salesforce.metadata_read import SETTING, read_activities_settings
from domain.errors import ConfigurationError
from projections.ports import (
    PermanentSyncError,
    RetryableSyncError,
    SessionExpired,
    SharedActivitiesState,
    SyncError,
)

KEY = {"name": "Activity_Sync_Key__c", "type": "string", "externalId": True, "unique": True}
WHO_IDS = {"name": "TaskWhoIds", "type": "junctionidlist"}


MD = "http://soap.sforce.com/2006/04/metadata"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def settings_answer(flag: str) -> tuple[int, bytes]:
    """readMetadata's answer as Salesforce words it (default namespace, xsi:type)."""
    return 200, (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP}" '
        f'xmlns="{MD}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        '<readMetadataResponse><result><records xsi:type="ActivitiesSettings">'
        f"<fullName>Activities</fullName><{SETTING}>{flag}</{SETTING}></records></result>"
        "</readMetadataResponse></soapenv:Body></soapenv:Envelope>"
    ).encode()


def fault_answer(code: str, message: str) -> tuple[int, bytes]:
    return 500, (
        f'<soapenv:Envelope xmlns:soapenv="{SOAP}" xmlns:sf="{MD}"><soapenv:Body>'
        f"<soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {message}"
        "</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    ).encode()


def gateway(client: FakeClient) -> SimpleSalesforceGateway:
    return SimpleSalesforceGateway(client, budget_percent=None, sleep=lambda s: None)  # type: ignore[arg-type]


@pytest.mark.parametrize("enabled", [True, False])
def test_the_metadata_api_answers_first(enabled: bool) -> None:
    """R17: one readMetadata of ActivitiesSettings, posted on the client's own session (its CA
    bundle) with the session id in the Metadata API's SessionHeader."""
    client = FakeClient(metadata=lambda body: settings_answer("true" if enabled else "false"))
    engine = gateway(client)
    state = engine.shared_activities()
    assert state == SharedActivitiesState(enabled=enabled, source="metadata_api")
    ((url, body, headers),) = client.session.posted
    assert url == "https://org.example/services/Soap/m/59.0/"
    assert headers["SOAPAction"] == '""' and headers["Content-Type"].startswith("text/xml")
    root = ET.fromstring(body)
    assert root.findtext(f"{{{SOAP}}}Header/{{{MD}}}SessionHeader/{{{MD}}}sessionId") == (
        "fake-session"
    )
    read = root.find(f"{{{SOAP}}}Body/{{{MD}}}readMetadata")
    assert read is not None and read.findtext(f"{{{MD}}}type") == "ActivitiesSettings"
    assert [n.text for n in read.findall(f"{{{MD}}}fullNames")] == ["Activities"]
    assert engine.transport.usage is not None and engine.transport.usage.used == 1  # its header


@pytest.mark.parametrize(("fields", "enabled"), [([KEY, WHO_IDS], True), ([KEY], False)])
def test_describe_of_task_is_the_fallback(fields: list[dict[str, Any]], enabled: bool) -> None:
    """R17: INSUFFICIENT_ACCESS on the Metadata API -> TaskWhoIds in describe tells."""
    denied = fault_answer("INSUFFICIENT_ACCESS", "use of the Metadata API requires ModifyAllData")
    client = FakeClient(metadata=lambda body: denied, describe_fields={"Task": fields})
    assert gateway(client).shared_activities() == SharedActivitiesState(enabled, "describe")
    assert client.calls == ["readMetadata", "describe Task"]


def test_a_refusal_worth_retrying_is_retried_like_any_call() -> None:
    """R25: REQUEST_LIMIT_EXCEEDED as a SOAP fault is retried with back-off, then answered."""
    answers = [
        fault_answer("REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded."),
        settings_answer("true"),
    ]
    client = FakeClient(metadata=lambda body: answers.pop(0))
    engine = gateway(client)
    assert engine.shared_activities() == SharedActivitiesState(True, "metadata_api")
    assert client.calls == ["readMetadata", "readMetadata"] and engine.retries == 1


@pytest.mark.parametrize(
    ("answer", "kind", "code"),
    [
        (fault_answer("INSUFFICIENT_ACCESS", "no"), PermanentSyncError, "INSUFFICIENT_ACCESS"),
        (fault_answer("INVALID_SESSION_ID", "expired"), SessionExpired, "INVALID_SESSION_ID"),
        (fault_answer("UNKNOWN_EXCEPTION", "oops"), RetryableSyncError, "UNKNOWN_EXCEPTION"),
        ((502, b"<html>Bad gateway</html>"), RetryableSyncError, "HTTP_502"),
        ((200, b"not xml"), PermanentSyncError, "BAD_RESPONSE"),
        ((200, b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), PermanentSyncError, "BAD_RESPONSE"),
        (
            (200, b"<soapenv:Envelope xmlns:soapenv='" + SOAP.encode() + b"'/>"),
            PermanentSyncError,
            "BAD_RESPONSE",
        ),
        (settings_answer("maybe"), PermanentSyncError, "NO_SETTING"),
    ],
)
def test_every_failed_read_is_one_of_our_errors(
    answer: tuple[int, bytes], kind: type[SyncError], code: str
) -> None:
    """A SOAP fault keeps Salesforce's code; an unreadable answer is ours; nothing vendor escapes."""
    client = FakeClient(metadata=lambda body: answer)
    with pytest.raises(SyncError) as caught:
        read_activities_settings(client, 10.0, lambda usage: None)  # type: ignore[arg-type]
    assert type(caught.value) is kind and caught.value.code == code


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
