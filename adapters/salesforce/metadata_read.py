"""The one Metadata API call the engine makes, `readMetadata` of ActivitiesSettings (R17), as a
small SOAP request of our own: no WSDL to parse, the client's own requests session (so its CA
bundle and proxies), and the answer read with the standard library's XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any
from xml.sax.saxutils import escape

from simple_salesforce.api import Salesforce

from adapters.salesforce.errors import from_status
from projections.ports import PermanentSyncError, RetryableSyncError, SyncError

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
MD = "http://soap.sforce.com/2006/04/metadata"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SETTING = "allowUsersToRelateMultipleContactsToTasksAndEvents"
MAX_ANSWER_BYTES = 1_000_000  # one settings record is a few hundred bytes
# Fault codes of the server's own failure (a REST 500): worth trying again.
SERVER_FAULTS = frozenset({"UNKNOWN_EXCEPTION", "Server"})


def envelope(session_id: str, kind: str, names: list[str]) -> bytes:
    """The readMetadata request, its SessionHeader in the Metadata API's namespace."""
    full_names = "".join(f"<md:fullNames>{escape(name)}</md:fullNames>" for name in names)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP}" '
        f'xmlns:md="{MD}"><soapenv:Header><md:SessionHeader><md:sessionId>{escape(session_id)}'
        "</md:sessionId></md:SessionHeader></soapenv:Header><soapenv:Body><md:readMetadata>"
        f"<md:type>{escape(kind)}</md:type>{full_names}</md:readMetadata></soapenv:Body>"
        "</soapenv:Envelope>"
    ).encode()


def read_activities_settings(
    sf: Salesforce, timeout: float, note_usage: Callable[[Mapping[str, Any]], None]
) -> bool:
    """`readMetadata('ActivitiesSettings', ['Activities'])`: the shared-activities flag.

    A SOAP fault or an unreadable answer raises our SyncError (Salesforce's code kept);
    requests' own failures are left to the transport, which translates them.
    """
    response = sf.session.post(
        sf.metadata_url,
        data=envelope(sf.session_id, "ActivitiesSettings", ["Activities"]),
        headers={"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": '""'},
        timeout=timeout,
    )
    limit_info = response.headers.get("Sforce-Limit-Info")
    if limit_info:
        note_usage(Salesforce.parse_api_usage(limit_info))
    body = parse(response.content, response.status_code)
    records = [r for r in body.iter(f"{{{MD}}}records") if r.findtext(f"{{{MD}}}fullName")]
    value = records[0].findtext(f"{{{MD}}}{SETTING}") if records else None
    if value not in ("true", "false"):
        raise PermanentSyncError(
            "NO_SETTING", "ActivitiesSettings came back without the shared-activities flag"
        )
    return value == "true"


def parse(content: bytes, status: int) -> ET.Element:
    """The SOAP Body of an answer; a Fault (or no envelope at all) raises our error."""
    if len(content) > MAX_ANSWER_BYTES or b"<!DOCTYPE" in content or b"<!ENTITY" in content:
        # Salesforce never sends a DTD; refusing one keeps entity expansion out of the parser.
        raise _unreadable(status)
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        raise _unreadable(status) from None
    body = root.find(f"{{{SOAP}}}Body") if root.tag == f"{{{SOAP}}}Envelope" else None
    if body is None:
        raise _unreadable(status)
    fault = body.find(f"{{{SOAP}}}Fault")
    if fault is not None:
        raise fault_error(fault, status)
    if status >= 300:
        raise _unreadable(status)
    return body


def fault_error(fault: ET.Element, status: int) -> SyncError:
    """Our error for a SOAP fault: Salesforce's code decides (every fault comes as HTTP 500,
    so the status says "retry" only for the server's own failures)."""
    code = (fault.findtext("faultcode") or "").strip().rpartition(":")[2] or None
    message = (fault.findtext("faultstring") or "").strip()
    if code and message.startswith(f"{code}: "):
        message = message[len(code) + 2 :]
    return from_status(status if code in SERVER_FAULTS else None, code, message)


def _unreadable(status: int) -> SyncError:
    message = f"the Metadata API answered HTTP {status} without a readable SOAP envelope"
    if status >= 500:
        return RetryableSyncError(f"HTTP_{status}", message)
    return PermanentSyncError("BAD_RESPONSE", message)
