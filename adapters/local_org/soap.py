"""The Metadata API's readMetadata of ActivitiesSettings, over SOAP as simple-salesforce sends it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from adapters.local_org.protocol import Request, Response

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp

_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
_MD = "http://soap.sforce.com/2006/04/metadata"
_XML = "text/xml; charset=utf-8"


def session_id(request: Request) -> str | None:
    """The sessionId of the SessionHeader, or None when the body has none."""
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return None
    found = root.find(f".//{{{_MD}}}SessionHeader/{{{_MD}}}sessionId")
    return found.text if found is not None else None


def fault(code: str, message: str) -> Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP}" '
        f'xmlns:sf="{_MD}"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode>'
        f"<faultstring>{escape(code)}: {escape(message)}</faultstring></soapenv:Fault>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    return Response(500, body.encode(), content_type=_XML)


def handle(app: OrgApp, request: Request) -> Response:
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return fault("INVALID_XML", "The request body is not well-formed XML")
    read = root.find(f".//{{{_MD}}}readMetadata")
    if read is None:
        return fault("INVALID_OPERATION", "Only readMetadata is supported by the local org")
    if not app.metadata_readable:
        return fault(
            "INSUFFICIENT_ACCESS",
            "use of the Metadata API requires a user with the ModifyAllData permission",
        )
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
    return Response(200, body.encode(), content_type=_XML)
