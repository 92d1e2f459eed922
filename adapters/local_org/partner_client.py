"""Calling an org's Partner SOAP API (convertLead, merge, undelete) with a simple-salesforce
client's session, for tests and demos: simple-salesforce has no such calls of its own.

    convert_lead(sf, lead_id, "Closed - Converted") -> {"success": True, "contactId": ..., ...}

Works against the local org and a real one (the same envelope and SessionHeader).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from xml.sax.saxutils import escape

from simple_salesforce.api import Salesforce

_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
_PARTNER = "urn:partner.soap.sforce.com"
_SOBJECT = "urn:sobject.partner.soap.sforce.com"
_LISTS = frozenset({"errors", "fields", "mergedRecordIds", "updatedRelatedIds"})


class PartnerFault(Exception):
    """A SOAP fault: `code` is its faultcode without the `sf:` prefix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def convert_lead(
    sf: Salesforce,
    lead_id: str,
    converted_status: str,
    *,
    account_id: str | None = None,
    contact_id: str | None = None,
    do_not_create_opportunity: bool = False,
    opportunity_name: str | None = None,
) -> dict[str, Any]:
    """One convertLead; the result as a dict (leadId, accountId, contactId, opportunityId,
    success, errors)."""
    fields: list[tuple[str, str | None]] = [("leadId", lead_id)]
    fields += [("convertedStatus", converted_status)]
    fields += [("accountId", account_id), ("contactId", contact_id)]
    fields += [("doNotCreateOpportunity", "true" if do_not_create_opportunity else "false")]
    fields += [("opportunityName", opportunity_name)]
    inner = "".join(f"<p:{n}>{escape(v)}</p:{n}>" for n, v in fields if v is not None)
    return call(sf, f"<p:convertLead><p:leadConverts>{inner}</p:leadConverts></p:convertLead>")[0]


def merge(
    sf: Salesforce,
    sobject: str,
    master_id: str,
    others: list[str],
    fields: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One merge of `others` into `master_id` (id, mergedRecordIds, updatedRelatedIds)."""
    master = f"<s:type>{escape(sobject)}</s:type><s:Id>{escape(master_id)}</s:Id>"
    master += "".join(f"<s:{k}>{escape(v)}</s:{k}>" for k, v in (fields or {}).items())
    ids = "".join(f"<p:recordToMergeIds>{escape(i)}</p:recordToMergeIds>" for i in others)
    request = f"<p:request><p:masterRecord>{master}</p:masterRecord>{ids}</p:request>"
    return call(sf, f"<p:merge>{request}</p:merge>")[0]


def undelete(sf: Salesforce, ids: list[str]) -> list[dict[str, Any]]:
    """One undelete of `ids`; a result (id, success, errors) per id, in order."""
    inner = "".join(f"<p:ids>{escape(i)}</p:ids>" for i in ids)
    return call(sf, f"<p:undelete>{inner}</p:undelete>")


def call(sf: Salesforce, body: str) -> list[dict[str, Any]]:
    """POST one Partner API call (`body` uses the prefixes p: and s:); its results."""
    envelope = (
        f'<?xml version="1.0" encoding="utf-8"?><soapenv:Envelope xmlns:soapenv="{_SOAP}" '
        f'xmlns:p="{_PARTNER}" xmlns:s="{_SOBJECT}"><soapenv:Header><p:SessionHeader>'
        f"<p:sessionId>{escape(sf.session_id)}</p:sessionId></p:SessionHeader></soapenv:Header>"
        f"<soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    )
    version = sf.sf_version
    response = sf.session.post(
        f"https://{sf.sf_instance}/services/Soap/u/{version}",
        data=envelope.encode(),
        headers={"Content-Type": "text/xml; charset=UTF-8", "SOAPAction": '""'},
        timeout=60,
    )
    root = ET.fromstring(response.content)
    found = root.find(f"{{{_SOAP}}}Body/{{{_SOAP}}}Fault")
    if found is not None:
        code = (found.findtext("faultcode") or "").rpartition(":")[2]
        raise PartnerFault(code, found.findtext("faultstring") or "")
    return [_as_dict(r) for r in root.iter(f"{{{_PARTNER}}}result")]


def _as_dict(element: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {"errors": []}
    for child in element:
        name = child.tag.rpartition("}")[2]
        nil = child.get("{http://www.w3.org/2001/XMLSchema-instance}nil") == "true"
        value: Any = _as_dict(child) if len(child) else (None if nil else child.text or "")
        if name == "errors":
            value = {
                "statusCode": value.get("statusCode"),
                "message": value.get("message"),
                "fields": [f.text for f in child if f.tag.endswith("fields") and f.text],
            }
        if value in ("true", "false"):
            value = value == "true"
        if name in _LISTS:
            out.setdefault(name, []).append(value)
        else:
            out[name] = value
    return out
