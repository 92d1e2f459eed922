"""The Metadata API's readMetadata of ActivitiesSettings, over SOAP as simple-salesforce sends it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from adapters.local_org.assumptions import METADATA_DENIED_MESSAGE
from adapters.local_org.protocol import Request, Response
from adapters.local_org.users import Caller

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp

_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
_MD = "http://soap.sforce.com/2006/04/metadata"
_XML = "text/xml; charset=utf-8"


def session_id(request: Request) -> str | None:
    """The sessionId of the SessionHeader (Metadata or Partner namespace), None without one."""
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return None
    for header in root.iter():
        if _local(header.tag) == "SessionHeader":
            for child in header:
                if _local(child.tag) == "sessionId":
                    return (child.text or "").strip() or None
    return None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def fault(code: str, message: str) -> Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP}" '
        f'xmlns:sf="{_MD}"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode>'
        f"<faultstring>{escape(code)}: {escape(message)}</faultstring></soapenv:Fault>"
        "</soapenv:Body></soapenv:Envelope>"
    )
    return Response(500, body.encode(), content_type=_XML)


def handle(app: OrgApp, request: Request, caller: Caller) -> Response:
    """Metadata API calls under /services/Soap/m/{version}."""
    if not request.path.startswith("/services/Soap/m/"):
        return fault("INVALID_OPERATION", "Only the Metadata API is served at this address")
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return fault("INVALID_XML", "The request body is not well-formed XML")
    read = root.find(f".//{{{_MD}}}readMetadata")
    if read is None:
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
    return Response(200, body.encode(), content_type=_XML)
