"""SOAP for the local org: session headers and faults, and the Metadata API's readMetadata of
ActivitiesSettings as simple-salesforce sends it (the Partner API is in partner_soap)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from adapters.local_org.assumptions import METADATA_DENIED_MESSAGE, METADATA_NO_SOAP_ACTION
from adapters.local_org.protocol import Request, Response
from adapters.local_org.users import Caller

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp

_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
_MD = "http://soap.sforce.com/2006/04/metadata"
_PARTNER = "urn:partner.soap.sforce.com"
_PARTNER_FAULT = "urn:fault.partner.soap.sforce.com"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML = "text/xml; charset=utf-8"


def session_id(request: Request) -> str | None:
    """The sessionId of the envelope's SessionHeader, in the namespace of the API the path
    names (Metadata or Partner); None without one, or for a body that is no SOAP envelope."""
    namespace = _PARTNER if request.path.startswith("/services/Soap/u/") else _MD
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return None
    if root.tag != f"{{{_SOAP}}}Envelope":
        return None
    found = root.findtext(
        f"{{{_SOAP}}}Header/{{{namespace}}}SessionHeader/{{{namespace}}}sessionId"
    )
    return (found or "").strip() or None


def fault(code: str, message: str, partner: bool = False) -> Response:
    """A SOAP fault (HTTP 500); the Partner API's carries an UnexpectedErrorFault detail."""
    namespace = _PARTNER_FAULT if partner else _MD
    detail = (
        '<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault">'
        f"<sf:exceptionCode>{escape(code)}</sf:exceptionCode>"
        f"<sf:exceptionMessage>{escape(message)}</sf:exceptionMessage>"
        "</sf:UnexpectedErrorFault></detail>"
        if partner
        else ""
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP}" '
        f'xmlns:sf="{namespace}" xmlns:xsi="{XSI}"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>sf:{code}</faultcode>"
        f"<faultstring>{escape(code)}: {escape(message)}</faultstring>{detail}</soapenv:Fault>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    return Response(500, body.encode(), content_type=XML)


def envelope(inner: str) -> Response:
    """A SOAP answer whose body holds `inner`."""
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP}" '
        f'xmlns:xsi="{XSI}"><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>'
    )
    return Response(200, body.encode(), content_type=XML)


def local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rpartition("}")[2]


def handle(app: OrgApp, request: Request, caller: Caller) -> Response:
    """Metadata API calls under /services/Soap/m/{version}."""
    if not request.path.startswith("/services/Soap/m/"):
        return fault("INVALID_OPERATION", "Only the Metadata API is served at this address")
    if "soapaction" not in request.headers:
        return fault("INVALID_SOAP_ACTION", METADATA_NO_SOAP_ACTION)
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return fault("INVALID_XML", "The request body is not well-formed XML")
    calls = root.find(f"{{{_SOAP}}}Body")
    read = calls.find(f"{{{_MD}}}readMetadata") if calls is not None else None
    if calls is None or read is None or len(calls) != 1:
        return fault("INVALID_OPERATION", "Only readMetadata is supported by the local org")
    if not (app.metadata_readable and caller.may("ModifyAllData")):
        return fault("INSUFFICIENT_ACCESS", METADATA_DENIED_MESSAGE)
    kind = (read.findtext(f"{{{_MD}}}type") or "").strip()
    names = [(n.text or "").strip() for n in read.findall(f"{{{_MD}}}fullNames")]
    records = ""
    if kind == "ActivitiesSettings":
        flag = "true" if app.shared else "false"
        for name in names:
            if name == "Activities":
                records += (
                    '<records xsi:type="ActivitiesSettings"><fullName>Activities</fullName>'
                    f"<allowUsersToRelateMultipleContactsToTasksAndEvents>{flag}"
                    "</allowUsersToRelateMultipleContactsToTasksAndEvents></records>"
                )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP}" '
        f'xmlns="{_MD}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>'
        f"<readMetadataResponse><result>{records}</result></readMetadataResponse>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    return Response(200, body.encode(), content_type=XML)
