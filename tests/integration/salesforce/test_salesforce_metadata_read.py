"""The Metadata API read of the org's shared-activities setting, over HTTPS against the local
org (R17): one SOAP call of our own on the client's session, its faults as our errors, and the
permissions it needs (SPEC section 4: `org serve --deny-permission`)."""

from __future__ import annotations

from typing import Any

import pytest
from salesforce_org_helpers import admin, env_of, gateway_for

from adapters.salesforce.connect import connect
from adapters.salesforce.gateway import SimpleSalesforceGateway
from adapters.salesforce.metadata_read import MD, SOAP, envelope, parse, read_activities_settings
from projections.ports import PermanentSyncError, SessionExpired, SharedActivitiesState, SyncError


def usage(org: Any) -> int:
    return int(org.state()["api_usage"])


@pytest.mark.parametrize("shared", [True, False])
def test_the_setting_is_read_in_one_counted_call_either_way(fresh_org: Any, shared: bool) -> None:
    """R17, R24: readMetadata says on or off, in one API call the org counts and reports."""
    org = fresh_org(shared_activities=shared)
    gateway = gateway_for(org)
    before = usage(org)
    assert gateway.shared_activities() == SharedActivitiesState(shared, "metadata_api")
    assert usage(org) == before + 1 and gateway.calls_made == 1
    assert gateway.transport.usage is not None and gateway.transport.usage.used == before + 1


def test_a_fault_from_the_org_is_one_of_our_errors(fresh_org: Any) -> None:
    """R25: the org's SOAP fault keeps its code: no Modify All Data is a permanent refusal,
    an unknown session an expired one (which the transport renews when it can)."""
    org = fresh_org(deny_permissions=("ModifyAllData",))
    gateway = gateway_for(org)
    with pytest.raises(PermanentSyncError) as refused:
        gateway.transport.call(lambda sf: read_activities_settings(sf, 30, lambda u: None))
    assert refused.value.code == "INSUFFICIENT_ACCESS" and "ModifyAllData" in str(refused.value)
    stranger = connect(org.instance_url, {**env_of(org), "SALESFORCE_SESSION_ID": "not-ours"})
    with pytest.raises(SessionExpired):
        SimpleSalesforceGateway(stranger, budget_percent=None).transport.call(
            lambda sf: read_activities_settings(sf, 30, lambda u: None)
        )


def test_without_modify_all_data_describe_of_task_tells(fresh_org: Any) -> None:
    """R17: the Metadata API refused (no Modify All Data), describe of Task stands in."""
    org = fresh_org(deny_permissions=("ModifyAllData",))
    assert gateway_for(org).shared_activities() == SharedActivitiesState(True, "describe")


def test_without_view_setup_the_read_works_and_the_budget_comes_from_headers(
    fresh_org: Any,
) -> None:
    """R25: no View Setup (no /limits): the budget is read from Sforce-Limit-Info, the
    setting from the Metadata API as usual."""
    org = fresh_org(deny_permissions=("ViewSetup",))
    gateway = gateway_for(org, budget_percent=70)
    assert gateway.shared_activities() == SharedActivitiesState(True, "metadata_api")
    assert gateway.transport.limits_denied and gateway.transport.usage is not None


def _post(org: Any, body: bytes, soap_action: bool = True) -> SyncError:
    """Post a hand-made request to the org's Metadata API; the fault as our error."""
    sf = admin(org)
    headers = {"Content-Type": "text/xml; charset=UTF-8"}
    if soap_action:
        headers["SOAPAction"] = '""'
    answer = sf.session.post(sf.metadata_url, data=body, headers=headers, timeout=30)
    assert answer.status_code == 500
    with pytest.raises(SyncError) as fault:
        parse(answer.content, answer.status_code)
    return fault.value


def test_the_local_org_refuses_a_malformed_request_as_a_soap_fault(org: Any) -> None:
    """At least as strict as Salesforce (adapters/local_org/assumptions.py): no SOAPAction,
    a session outside the envelope's Header, or a Body that is not one readMetadata."""
    good = envelope(org.session_id, "ActivitiesSettings", ["Activities"])
    assert _post(org, good, soap_action=False).code == "INVALID_SOAP_ACTION"
    misplaced = good.replace(b"<soapenv:Header>", b"<soapenv:Header/><soapenv:Body>", 1)
    misplaced = misplaced.replace(b"</soapenv:Header><soapenv:Body>", b"", 1)
    assert _post(org, misplaced).code == "INVALID_SESSION_ID"
    call = good.split(b"<soapenv:Body>")[1].split(b"</soapenv:Body>")[0]
    twice = good.replace(call, call + call, 1)
    assert _post(org, twice).code == "INVALID_OPERATION"
    partner_header = good.replace(
        f'xmlns:md="{MD}"'.encode(), b'xmlns:md="urn:partner.soap.sforce.com"', 1
    )
    assert _post(org, partner_header).code == "INVALID_SESSION_ID"
    assert _post(org, b"<not-soap/>").code == "INVALID_SESSION_ID"
    assert SOAP.encode() in good
