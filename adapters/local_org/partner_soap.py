"""The Partner SOAP API at /services/Soap/u/{version}: convertLead, merge and undelete.

The session is the SessionHeader's sessionId (checked by the app: a bad one is the SOAP fault
INVALID_SESSION_ID). Each item of a call runs in its own savepoint and gets its own result
(success, or errors with statusCode, message, fields), as the Partner API answers.
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from adapters.local_org import assumptions as a
from adapters.local_org.convert import LeadConvert, convert_lead
from adapters.local_org.errors import SfError
from adapters.local_org.merge import MergeRequest, merge
from adapters.local_org.protocol import Request, Response
from adapters.local_org.records import Writer
from adapters.local_org.soap import envelope, fault, local
from adapters.local_org.users import Caller

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp

log = logging.getLogger("local_org")
_PARTNER = "urn:partner.soap.sforce.com"
_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
Item = Callable[[Writer], str]  # runs one item, returns its result's inner XML


def handle(app: OrgApp, request: Request, caller: Caller) -> Response:
    try:
        root = ET.fromstring(request.body)
    except ET.ParseError:
        return fault("INVALID_XML", "The request body is not well-formed XML", partner=True)
    body = next((e for e in root if local(e.tag) == "Body"), None)
    call = next(iter(body), None) if body is not None else None
    name = local(call.tag) if call is not None else ""
    if call is None or name not in _CALLS:
        return fault(
            "INVALID_OPERATION",
            f"The local org's Partner API answers {', '.join(_CALLS)}, not {name or 'nothing'}",
            partner=True,
        )
    parse, run, failed = _CALLS[name]
    items = parse(call)
    if len(items) > a.PARTNER_SOAP_MAX_ITEMS:
        return fault(
            "EXCEEDED_ID_LIMIT",
            f"{name} takes at most {a.PARTNER_SOAP_MAX_ITEMS} items",
            partner=True,
        )
    try:
        with app.store.transaction():
            writer = app.writer(caller)
            results = [_one(app, writer, item, run, failed) for item in items]
    except Exception:
        log.exception("unexpected error in the Partner API's %s", name)
        return fault("UNKNOWN_EXCEPTION", "An unexpected error occurred", partner=True)
    inner = "".join(f"<result>{r}</result>" for r in results)
    return envelope(f'<{name}Response xmlns="{_PARTNER}">{inner}</{name}Response>')


def _one(
    app: OrgApp,
    writer: Writer,
    item: Any,
    run: Callable[[Writer, Any], str],
    failed: Callable[[Any, SfError], str],
) -> str:
    try:
        with app.store.savepoint():
            return run(writer, item)
    except SfError as error:
        return failed(item, error)


# --- reading the request ---------------------------------------------------------------------


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element if local(e.tag) == name]


def _text(element: ET.Element, name: str) -> str | None:
    found = _children(element, name)
    if not found or found[0].get(_NIL) == "true":
        return None
    return (found[0].text or "").strip() or None


def _flag(element: ET.Element, name: str) -> bool:
    return (_text(element, name) or "false").lower() == "true"


def _lead_converts(call: ET.Element) -> list[LeadConvert]:
    return [
        LeadConvert(
            lead_id=_text(e, "leadId"),
            converted_status=_text(e, "convertedStatus"),
            account_id=_text(e, "accountId"),
            contact_id=_text(e, "contactId"),
            do_not_create_opportunity=_flag(e, "doNotCreateOpportunity"),
            opportunity_name=_text(e, "opportunityName"),
            owner_id=_text(e, "ownerId"),
        )
        for e in _children(call, "leadConverts")
    ]


def _merge_requests(call: ET.Element) -> list[MergeRequest]:
    requests = []
    for e in _children(call, "request"):
        master = next(iter(_children(e, "masterRecord")), ET.Element("masterRecord"))
        fields: dict[str, Any] = {}
        for child in master:
            name = local(child.tag)
            if name == "fieldsToNull":
                fields[(child.text or "").strip()] = None
            elif name not in ("type", "Id"):
                fields[name] = None if child.get(_NIL) == "true" else (child.text or "")
        others = tuple((o.text or "").strip() for o in _children(e, "recordToMergeIds"))
        requests.append(MergeRequest(_text(master, "type"), _text(master, "Id"), fields, others))
    return requests


def _ids(call: ET.Element) -> list[str]:
    return [(e.text or "").strip() for e in _children(call, "ids")]


# --- running one item and writing its result -------------------------------------------------


def _value(name: str, value: str | None) -> str:
    if value is None:
        return f'<{name} xsi:nil="true"/>'
    return f"<{name}>{escape(value)}</{name}>"


def _errors(error: SfError) -> str:
    fields = "".join(_value("fields", f) for f in error.fields)
    return (
        f"<errors>{fields}{_value('message', error.message)}"
        f"{_value('statusCode', error.code)}</errors>"
    )


def _run_convert(writer: Writer, item: LeadConvert) -> str:
    done = convert_lead(writer, item)
    return (
        f"{_value('accountId', done.account_id)}{_value('contactId', done.contact_id)}"
        f"{_value('leadId', done.lead_id)}{_value('opportunityId', done.opportunity_id)}"
        "<success>true</success>"
    )


def _failed_convert(item: LeadConvert, error: SfError) -> str:
    return (
        f"{_value('accountId', None)}{_value('contactId', None)}{_errors(error)}"
        f"{_value('leadId', item.lead_id)}{_value('opportunityId', None)}<success>false</success>"
    )


def _run_merge(writer: Writer, item: MergeRequest) -> str:
    done = merge(writer, item)
    merged = "".join(_value("mergedRecordIds", i) for i in done.merged_ids)
    updated = "".join(_value("updatedRelatedIds", i) for i in done.updated_related_ids)
    return f"{_value('id', done.master_id)}{merged}<success>true</success>{updated}"


def _failed_merge(item: MergeRequest, error: SfError) -> str:
    return f"{_errors(error)}{_value('id', item.master_id)}<success>false</success>"


def _run_undelete(writer: Writer, record_id: str) -> str:
    return f"{_value('id', writer.undelete(record_id))}<success>true</success>"


def _failed_undelete(record_id: str, error: SfError) -> str:
    return f"{_errors(error)}{_value('id', record_id or None)}<success>false</success>"


_CALLS: dict[str, tuple[Callable[[ET.Element], list[Any]], Any, Any]] = {
    "convertLead": (_lead_converts, _run_convert, _failed_convert),
    "merge": (_merge_requests, _run_merge, _failed_merge),
    "undelete": (_ids, _run_undelete, _failed_undelete),
}
