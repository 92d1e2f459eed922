"""`org seed`: create demo records from a JSON file through the REST API, resolving @refs to ids.

File shape (every section optional; "ref" names a record, "@name" in a value is its id):
{"users": [{"ref": "rep", "LastName": "Rep", "Email": "rep@x.test", "Username": "rep@x.test"}],
 "accounts": [{"ref": "acme", "Name": "Acme", "OwnerId": "@rep"}],
 "contacts": [{"ref": "ann", "LastName": "Lee", "Email": "ann@acme.test", "AccountId": "@acme"}],
 "leads": [...], "opportunities": [...], "contact_roles": [...], "projects": [...]}
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError

SECTIONS = (
    ("users", "User"),
    ("accounts", "Account"),
    ("contacts", "Contact"),
    ("leads", "Lead"),
    ("opportunities", "Opportunity"),
    ("contact_roles", "OpportunityContactRole"),
    ("projects", "Project__c"),
)
_BATCH = 200


class SeedError(ValueError):
    """The seed file is not usable."""


class SeedRefused(Exception):
    """The org refused the records, or could not be reached."""


@dataclass(frozen=True)
class SeedRecord:
    ref: str
    sobject: str
    fields: dict[str, Any]


def load_seed(data: Any) -> list[SeedRecord]:
    """The records of a parsed seed file, in creation order; refs checked."""
    if not isinstance(data, dict):
        raise SeedError("the seed file must hold a JSON object")
    unknown = set(data) - {name for name, _ in SECTIONS}
    if unknown:
        raise SeedError(f"unknown section(s) {sorted(unknown)}; use {[n for n, _ in SECTIONS]}")
    plan: list[SeedRecord] = []
    refs: set[str] = set()
    for section, sobject in SECTIONS:
        items = data.get(section) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SeedError(f"{section} must be a list of objects")
        for index, item in enumerate(items):
            fields = dict(item)
            ref = str(fields.pop("ref", f"{section}[{index}]"))
            if ref in refs:
                raise SeedError(f"ref {ref!r} is used twice")
            for name, value in fields.items():
                if _is_ref(value) and value[1:] not in refs:
                    raise SeedError(f"{section}[{index}].{name}: {value} names no earlier record")
            refs.add(ref)
            plan.append(SeedRecord(ref, sobject, fields))
    return plan


def seed(sf: Salesforce, plan: list[SeedRecord]) -> dict[str, dict[str, str]]:
    """Create the records in collections of 200 (all or none per call); {ref: {object, id}}."""
    created: dict[str, dict[str, str]] = {}
    for batch in _batches(plan):
        records = [
            {"attributes": {"type": r.sobject}}
            | {k: _resolve(v, created) for k, v in r.fields.items()}
            for r in batch
        ]
        try:
            results: list[dict[str, Any]] = sf.restful(  # type: ignore[assignment]
                "composite/sobjects", method="POST", json={"allOrNone": True, "records": records}
            )
        except SalesforceError as error:
            raise SeedRefused(
                f"seed refused by the org: {error.status} {error.content!r}"
            ) from error
        except requests.RequestException as error:
            raise SeedRefused(f"cannot reach the org: {error}") from error
        failures = [
            f"{r.ref}: {e.get('statusCode')} {e.get('message')}"
            for r, result in zip(batch, results, strict=True)
            for e in result.get("errors", [])
            if e.get("statusCode") != "ALL_OR_NONE_OPERATION_ROLLED_BACK"
        ]
        if failures:
            raise SeedRefused("seed refused: " + "; ".join(failures))
        for r, result in zip(batch, results, strict=True):
            created[r.ref] = {"object": r.sobject, "id": result["id"]}
    return created


def _batches(plan: list[SeedRecord]) -> list[list[SeedRecord]]:
    """Runs of at most 200 records, cut before a record that needs an id from its own run."""
    batches: list[list[SeedRecord]] = []
    current: list[SeedRecord] = []
    for record in plan:
        pending = {r.ref for r in current}
        needs = {v[1:] for v in record.fields.values() if _is_ref(v)}
        if len(current) == _BATCH or needs & pending:
            batches.append(current)
            current = []
        current.append(record)
    if current:
        batches.append(current)
    return batches


def _is_ref(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("@") and not value.startswith("@@")


def _resolve(value: Any, created: dict[str, dict[str, str]]) -> Any:
    if _is_ref(value):
        return created[value[1:]]["id"]
    if isinstance(value, str) and value.startswith("@@"):
        return value[1:]
    return value
