"""Settles against a real org the local org's UNCONFIRMED choices that the engine relies on.

Run it as an admin against a sandbox, with any auth the engine supports (docs/salesforce.md):

    .venv/bin/python scripts/check_real_org.py --salesforce https://ORG.sandbox.my.salesforce.com
        [--external-id-field Activity_Sync_Key__c] [--json]
    .venv/bin/python scripts/check_real_org.py --salesforce URL --remove RUN   # a run's leftovers

It creates one Account, 51 Contacts and one Lead under a run tag (one composite call), writes a
few Tasks as the gateway does (sObject Collections upserts by external id inside composite),
reads /limits, prints what the local org answers (named as in adapters/local_org/assumptions.py)
against what the org answered, and deletes everything it created, also when a check fails.
Exit 0 when every applicable row matches, 1 when one does not (or something could not be
removed), 2 when the checks cannot run (usage, settings, or the org refused to start).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, NoReturn, TextIO
from urllib.parse import quote

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceRefusedRequest
from simple_salesforce.format import format_soql

from adapters.local_org import assumptions as local
from adapters.salesforce.connect import connect
from adapters.salesforce.errors import (
    GONE_CODES,
    TRANSLATED,
    first_error,
    from_status,
    is_retryable,
    translate,
)
from adapters.salesforce.readiness import check_external_id, refusal_sentence
from adapters.salesforce.writes import CREATE_ONLY_REFUSED
from domain.errors import ConfigurationError
from projections.ports import SyncError

EXIT_MATCH, EXIT_MISMATCH, EXIT_USAGE = 0, 1, 2
CONTACTS = 51
NOT_APPLICABLE = "not applicable: shared activities off"
API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
RUN_TAG = re.compile(r"ascheck-[0-9a-f]{10}\Z")
# Codes a record or subrequest gets because another one failed (all or none).
SIBLING_CODES = ("PROCESSING_HALTED", "ALL_OR_NONE_OPERATION_ROLLED_BACK")
# An answer the checks could not read is an observation too (it does not match).
UNREADABLE = (KeyError, IndexError, TypeError, ValueError, AttributeError)
LIMITS_ANSWERS = (
    "200 with DailyApiRequests: the user has View Setup",
    f"403 {local.LIMITS_DENIED_CODE}: the user lacks View Setup",
)


VERDICTS: dict[bool | None, str | Text] = {True: "yes", False: Text("NO", "bold red"), None: "n/a"}


class CannotRun(Exception):
    """The checks cannot run; the message is one sentence for the admin (exit 2)."""


@dataclass(frozen=True)
class Row:
    check: str
    what: str
    expected: str
    assumption: str
    observed: str
    match: bool | None  # None: not applicable in this org
    detail: str = ""


@dataclass
class Org:
    """The client, the run tag, and the records the checks relate Tasks to."""

    sf: Salesforce
    key_field: str
    tag: str
    shared: bool
    task_fields: dict[str, dict[str, Any]]
    contacts: list[str] = field(default_factory=list)
    lead: str = ""
    account: str = ""

    def path(self, relative: str) -> str:
        return f"/services/data/v{self.sf.sf_version}/{relative}"

    def key(self, name: str) -> str:
        return f"{self.tag}-{name}"

    def composite(
        self, subrequests: list[dict[str, Any]], all_or_none: bool = False
    ) -> list[tuple[int, Any]]:
        """ONE call; (status, body) of each subrequest, in order."""
        payload = {"allOrNone": all_or_none, "compositeRequest": subrequests}
        answer = self.sf.restful("composite", method="POST", json=payload) or {}
        by_ref = {item["referenceId"]: item for item in answer.get("compositeResponse", [])}
        found = [by_ref.get(request["referenceId"], {}) for request in subrequests]
        return [(int(item.get("httpStatusCode", 500)), item.get("body")) for item in found]

    def upsert(self, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Tasks upserted by external id in one collection inside composite, as the gateway
        writes them (adapters/salesforce/writes.py); one result per record."""
        url = self.path(f"composite/sobjects/Task/{self.key_field}")
        body = {"allOrNone": False, "records": records}
        [(status, answer)] = self.composite([sub("PATCH", url, "tasks", body)])
        if 200 <= status < 300 and isinstance(answer, list):
            return answer
        code, message = first_error(answer)
        error = {"statusCode": code or f"HTTP_{status}", "message": message, "fields": []}
        return [{"success": False, "errors": [error]} for _ in records]

    def task(
        self, key: str, who: str, who_ids: list[str] | None = None, **fields: Any
    ) -> dict[str, Any]:
        body = {
            "attributes": {"type": "Task"},
            "Subject": f"activity-sync check {self.tag}",
            "Status": "Completed",
            "ActivityDate": datetime.now(UTC).date().isoformat(),
            **fields,
            "WhoId": who,
            self.key_field: key,
        }
        if who_ids is not None:
            body["TaskWhoIds"] = who_ids
        return body

    def tasks_by_key(self, key: str) -> list[dict[str, Any]]:
        people = ", (SELECT RelationId FROM TaskWhoRelations)" if self.shared else ""
        statement = f"SELECT Id, WhoId{people} FROM Task WHERE {{:literal}} = {{}}"
        return list(self.sf.query(format_soql(statement, self.key_field, key))["records"])

    def label(self, record_id: str | None) -> str:
        names = {c[:15]: f"C{n}" for n, c in enumerate(self.contacts, 1)}
        names |= {self.lead[:15]: "the Lead", self.account[:15]: "the Account"}
        return names.get((record_id or "")[:15], record_id or "none")


def sub(method: str, url: str, ref: str, body: Any = None) -> dict[str, Any]:
    request = {"method": method, "url": url, "referenceId": ref}
    return request if body is None else request | {"body": body}


# --- the checks ---------------------------------------------------------------------------------


def outcome(result: dict[str, Any], with_fields: bool = True) -> str:
    """created / updated / refused CODE on FIELDS, as the tables compare them."""
    if result.get("success"):
        return "created" if result.get("created") else "updated"
    error = (result.get("errors") or [{}])[0]
    fields = error.get("fields") or []
    where = f" on {', '.join(fields)}" if with_fields and fields else ""
    return f"refused {error.get('statusCode') or error.get('errorCode')}{where}"


def message(*results: dict[str, Any]) -> str:
    errors = [e for r in results for e in (r.get("errors") or [])]
    return " / ".join(str(e.get("message") or "") for e in errors)


def people(org: Org, key: str) -> str:
    """WhoId and every who-relation of the Task with this key, by label (C1, C2, ...)."""
    tasks = org.tasks_by_key(key)
    if len(tasks) != 1:
        return f"{len(tasks)} Tasks with the key"
    relations = (tasks[0].get("TaskWhoRelations") or {}).get("records", [])
    order = {label: n for n, label in enumerate(map(org.label, org.contacts))}
    related = sorted(
        {org.label(r["RelationId"]) for r in relations}, key=lambda x: (order.get(x, len(order)), x)
    )
    return f"WhoId {org.label(tasks[0]['WhoId'])}; related {', '.join(related) or 'nobody'}"


def upsert_with_two(org: Org) -> tuple[str, str]:
    c = org.contacts
    [result] = org.upsert([org.task(org.key("shared"), c[0], [c[0], c[1]], TaskSubtype="Email")])
    return f"{outcome(result)}; {people(org, org.key('shared'))}", message(result)


def upsert_another_set(org: Org) -> tuple[str, str]:
    c = org.contacts
    [result] = org.upsert([org.task(org.key("shared"), c[2], [c[2], c[1]])])
    return f"{outcome(result)}; {people(org, org.key('shared'))}", message(result)


def create_only_field(org: Org) -> tuple[str, str]:
    record = org.task(org.key("subtype"), org.contacts[0], TaskSubtype="Email")
    [created] = org.upsert([record])
    [again] = org.upsert([record])
    names = ", message names it" if "TaskSubtype" in message(again) else ""
    subtype = org.task_fields.get("TaskSubtype", {})
    described = (
        f"describe: createable {json.dumps(subtype.get('createable'))}, "
        f"updateable {json.dumps(subtype.get('updateable'))}"
    )
    observed = f"{outcome(created)} with TaskSubtype; re-upsert {outcome(again)}{names}"
    return observed, "; ".join(filter(None, (described, message(created, again))))


def fifty_one_contacts(org: Org) -> tuple[str, str]:
    c = org.contacts
    fifty = org.task(org.key("fifty"), c[0], c[:50])
    fifty_one = org.task(org.key("fifty-one"), c[0], c[:51])
    results = org.upsert([fifty, fifty_one])
    written = len(org.tasks_by_key(org.key("fifty-one")))
    rest = "nothing written" if not written else f"{written} Task written"
    observed = f"50: {outcome(results[0], False)}; 51: {outcome(results[1], False)}, {rest}"
    fields = (results[1].get("errors") or [{}])[0].get("fields") or []
    return observed, f"fields {', '.join(fields) or 'none'}; {message(*results)}"


def lead_with_what(org: Org) -> tuple[str, str]:
    record = org.task(org.key("lead-what"), org.lead, WhatId=org.account)
    [result] = org.upsert([record])
    return outcome(result), message(result)


def limits(org: Org) -> tuple[str, str]:
    try:
        answer = org.sf.limits()
    except SalesforceRefusedRequest as error:
        code, text = first_error(error.content)
        known = code == local.LIMITS_DENIED_CODE
        return (LIMITS_ANSWERS[1] if known else f"403 {code}"), text
    daily = (answer or {}).get("DailyApiRequests")
    if not daily:
        return "200 without DailyApiRequests", ""
    return LIMITS_ANSWERS[0], f"DailyApiRequests Max {daily['Max']}, Remaining {daily['Remaining']}"


def limit_header(org: Org) -> tuple[str, str]:
    """The engine's fallback when /limits is refused: the header of GET /services/data/vNN.N/."""
    before = org.sf.api_usage
    org.sf.restful("")
    usage = org.sf.api_usage.get("api-usage") if org.sf.api_usage is not before else None
    where = f"on GET {org.path('')}"
    if usage is None:
        return f"no Sforce-Limit-Info {where}", ""
    return f"api-usage={usage.used}/{usage.total} {where}", ""


@dataclass(frozen=True)
class Check:
    number: str
    what: str
    assumption: str
    expected: str
    observe: Callable[[Org], tuple[str, str]]
    needs_shared: bool = False
    accepts: Callable[[str], bool] | None = None  # else: observed == expected


CHECKS = (
    Check(
        "1a",
        "upsert of a new Task with TaskWhoIds of 2 Contacts",
        "JUNCTION_LIST_BY_UPSERT_REPLACES",
        "created; WhoId C1; related C1, C2",
        upsert_with_two,
        needs_shared=True,
    ),
    Check(
        "1b",
        "re-upsert with TaskWhoIds C3, C2",
        "JUNCTION_LIST_BY_UPSERT_REPLACES",
        "updated; WhoId C3; related C2, C3",
        upsert_another_set,
        needs_shared=True,
    ),
    Check(
        "2",
        "re-upsert carrying TaskSubtype (createable, not updateable)",
        "UPSERT_REFUSES_CREATE_ONLY_FIELDS",
        f"created with TaskSubtype; re-upsert refused {CREATE_ONLY_REFUSED} on TaskSubtype, "
        "message names it",
        create_only_field,
    ),
    Check(
        "3",
        "Tasks with TaskWhoIds of 50 and of 51 Contacts",
        "SHARED_LIMIT_CODE",
        f"50: created; 51: refused {local.SHARED_LIMIT_CODE}, nothing written",
        fifty_one_contacts,
        needs_shared=True,
    ),
    Check(
        "4",
        "Task with WhoId a Lead and WhatId an Account",
        "LEAD_WITH_WHAT_CODE",
        f"refused {local.LEAD_WITH_WHAT_CODE} on WhatId",
        lead_with_what,
    ),
    Check(
        "5a",
        "GET /limits (needs View Setup and Configuration)",
        "LIMITS_DENIED_CODE",
        f"403 {local.LIMITS_DENIED_CODE} without View Setup, else 200 with DailyApiRequests",
        limits,
        accepts=lambda observed: observed in LIMITS_ANSWERS,
    ),
    Check(
        "5b",
        "Sforce-Limit-Info on other answers (the engine's fallback)",
        "facts 3.6 (confirmed)",
        "api-usage=USED/MAX on GET /services/data/vNN.N/",
        limit_header,
        accepts=lambda observed: re.match(r"api-usage=\d+/\d+ on GET ", observed) is not None,
    ),
)


def run_check(org: Org, check: Check) -> Row:
    """One row; a refused or failed call is an observation too (it does not match)."""
    row = Row(check.number, check.what, check.expected, check.assumption, NOT_APPLICABLE, None)
    if check.needs_shared and not org.shared:
        return row
    try:
        observed, detail = check.observe(org)
    except TRANSLATED as error:
        failure = translate(error)
        observed, detail, matches = f"error {failure.code}", failure.message, False
    except UNREADABLE as error:
        observed, detail, matches = "unreadable answer", f"{type(error).__name__}: {error}", False
    else:
        matches = check.accepts(observed) if check.accepts else observed == check.expected
    return Row(**asdict(row) | {"observed": observed, "match": matches, "detail": detail})


# --- the records the checks need, and removing them ----------------------------------------------


def create_records(org: Org) -> None:
    """One Account, the Contacts (51, or 1 without shared activities) and one Lead, in ONE
    composite call; every record carries the run tag, so removal finds it by that."""
    count = CONTACTS if org.shared else 1
    contacts = [
        {
            "attributes": {"type": "Contact"},
            "FirstName": "Check",
            "LastName": f"C{n}",
            "Email": f"{org.tag}-c{n}@example.com",
        }
        for n in range(1, count + 1)
    ]
    lead = {"LastName": "Check", "Company": org.tag, "Email": f"{org.tag}-lead@example.com"}
    requests = [
        sub("POST", org.path("sobjects/Account"), "account", {"Name": org.tag}),
        sub("POST", org.path("sobjects/Lead"), "lead", lead),
        sub(
            "POST",
            org.path("composite/sobjects"),
            "contacts",
            {"allOrNone": True, "records": contacts},
        ),
    ]
    try:
        answers = org.composite(requests, all_or_none=True)
    except TRANSLATED as error:
        failure = translate(error)
        answers = [(400, [{"errorCode": failure.code, "message": failure.message}])]
    refusals = [e for e in map(refusal, answers) if e]
    if refusals:
        code, text = next((e for e in refusals if e[0] not in SIBLING_CODES), refusals[0])
        todo = (
            "the org is busy or unreachable, run the check again"
            if is_retryable(code)
            else "give the user create, read and delete on Accounts, Contacts, Leads and Tasks"
        )
        raise CannotRun(f"The org refused to create the check's records ({code}: {text}): {todo}.")
    org.account, org.lead = answers[0][1]["id"], answers[1][1]["id"]
    org.contacts = [result["id"] for result in answers[2][1]]


def refusal(answer: tuple[int, Any]) -> tuple[str | None, str] | None:
    """(code, message) of a refused subrequest, or of the first refused record it holds."""
    status, body = answer
    if not 200 <= status < 300:
        return first_error(body)
    failed = [r for r in body if not r.get("success")] if isinstance(body, list) else []
    return first_error(failed[0].get("errors") or []) if failed else None


def tagged(org: Org) -> list[tuple[str, str]]:
    """(object, id) of every live record carrying the run tag, Tasks first: ONE call."""
    like = "SELECT Id FROM {} WHERE {} LIKE '{}%'"
    statements = {
        "Task": format_soql(like.format("Task", "{:literal}", "{:like}"), org.key_field, org.tag),
        "Contact": format_soql(like.format("Contact", "Email", "{:like}"), org.tag),
        "Lead": format_soql(like.format("Lead", "Email", "{:like}"), org.tag),
        "Account": format_soql("SELECT Id FROM Account WHERE Name = {}", org.tag),
    }
    queries = [
        sub("GET", org.path("query/?q=" + quote(s, safe="")), name)
        for name, s in statements.items()
    ]
    found = []
    for name, (status, body) in zip(statements, org.composite(queries), strict=True):
        if not 200 <= status < 300:
            raise from_status(status, *first_error(body))
        found += [(name, record["Id"]) for record in body.get("records", [])]
    return found


def remove_everything(org: Org) -> tuple[Counter[str], list[str]]:
    """Delete what the run created (found by its tag, also when an answer was lost):
    (removed per object, what could not be removed)."""
    records = tagged(org)
    kinds = {record_id: name for name, record_id in records}
    removed: Counter[str] = Counter()
    left: list[str] = []
    ids = [record_id for _, record_id in records]
    for start in range(0, len(ids), 200):
        chunk = ids[start : start + 200]
        params = {"ids": ",".join(chunk), "allOrNone": "false"}
        results = org.sf.restful("composite/sobjects", params=params, method="DELETE") or []
        for record_id, result in zip(chunk, results, strict=True):
            code, _ = first_error(result.get("errors") or [])
            if result.get("success") or code in GONE_CODES:
                removed[kinds[record_id]] += 1
            else:
                left.append(f"{kinds[record_id]} {record_id} ({code})")
    return removed, left


# --- entry point -----------------------------------------------------------------------------


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise CannotRun(f"{message[:1].upper()}{message[1:]} (see --help).")


def arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = Parser(description=__doc__.splitlines()[0])
    parser.add_argument("--salesforce", metavar="URL", help="the org (SALESFORCE_INSTANCE_URL)")
    parser.add_argument("--external-id-field", default="Activity_Sync_Key__c", metavar="NAME")
    parser.add_argument("--json", action="store_true", help="print the rows as a JSON list")
    parser.add_argument("--remove", metavar="RUN", help="only remove what run RUN left behind")
    args = parser.parse_args(argv)
    args.salesforce = args.salesforce or os.environ.get("SALESFORCE_INSTANCE_URL")
    if not args.salesforce:
        raise CannotRun(
            "Name the org to check with --salesforce https://... or SALESFORCE_INSTANCE_URL "
            "(a sandbox: the script writes and deletes records there)."
        )
    if not API_NAME.match(args.external_id_field):
        raise CannotRun(
            f"--external-id-field {args.external_id_field!r} is not a field's API name "
            "(e.g. Activity_Sync_Key__c)."
        )
    if args.remove and not RUN_TAG.match(args.remove):
        raise CannotRun(f"--remove {args.remove!r} is not a run of this script (ascheck-...).")
    return args


def open_org(args: argparse.Namespace) -> Org:
    """Connect as the engine does; describe Task (shared activities, the external id field)."""
    sf = connect(args.salesforce, os.environ)
    try:
        described = sf.restful("sobjects/Task/describe") or {}
    except TRANSLATED as error:
        raise CannotRun(refusal_sentence(translate(error), args.salesforce)) from None
    fields = {f["name"]: f for f in described.get("fields", [])}
    check_external_id(fields, "Task", args.external_id_field)
    tag = args.remove or f"ascheck-{secrets.token_hex(5)}"
    return Org(sf, args.external_id_field, tag, "TaskWhoIds" in fields, fields)


def print_table(rows: Sequence[Row], org: Org, console: Console) -> None:
    """One row per check: what, then expected (the local org's choice) above observed."""
    table = Table(title=f"{org.sf.sf_instance}, run {org.tag}", box=box.SIMPLE_HEAD)
    table.add_column("#")
    table.add_column("check: expected (local org) / observed", overflow="fold")
    table.add_column("match")
    for row in rows:
        cell = Text.assemble(
            (row.what, "bold"),
            "\nexpected ",
            row.expected,
            (f" ({row.assumption})", "dim"),
            "\nobserved ",
            row.observed,
        )
        if row.match is False and row.detail:
            cell.append(f"\n{row.detail}", "dim")
        table.add_row(row.check, cell, VERDICTS[row.match])
    console.print(table)


def report_removal(removed: Counter[str], left: list[str], tag: str) -> str:
    counts = ", ".join(f"{n} {name}{'s' if n != 1 else ''}" for name, n in removed.items())
    text = f"Removed {counts or 'nothing'} (run {tag})."
    if left:
        text += f" Could not remove {len(left)}: {'; '.join(left)}; try again with --remove {tag}."
    return text


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = arguments(argv)
        org = open_org(args)
    except (CannotRun, ConfigurationError) as error:
        print(error, file=sys.stderr)
        return EXIT_USAGE
    if args.remove:
        return EXIT_MISMATCH if remove(org, sys.stdout) else EXIT_MATCH
    rows: list[Row] = []
    try:
        create_records(org)
        rows = [run_check(org, check) for check in CHECKS]
        show(rows, org, args.json)
    except CannotRun as error:
        print(error, file=sys.stderr)
    finally:
        left = remove(org, sys.stderr if args.json else sys.stdout)
    if not rows:
        return EXIT_USAGE
    return EXIT_MISMATCH if left or any(row.match is False for row in rows) else EXIT_MATCH


def show(rows: Sequence[Row], org: Org, as_json: bool) -> None:
    if as_json:
        print(json.dumps([asdict(row) | {"applicable": row.match is not None} for row in rows]))
    else:
        print_table(rows, org, Console(width=min(Console().width, 80)))


def remove(org: Org, out: TextIO) -> bool:
    """Remove the run's records and say what was removed; whether something was left."""
    try:
        removed, left = remove_everything(org)
    except (SyncError, *TRANSLATED) as error:
        failure = translate(error)
        print(
            f"Could not remove the run's records ({failure.code}: {failure.message}): try "
            f"again with --remove {org.tag}.",
            file=sys.stderr,
        )
        return True
    print(report_removal(removed, left, org.tag), file=sys.stderr if left else out)
    return bool(left)


if __name__ == "__main__":
    sys.exit(main())
