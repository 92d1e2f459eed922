"""Who is who for many activities at once: one SOQL query per object type per chunk (R5, R10, R24)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from adapters.salesforce.chunking import in_statements
from adapters.salesforce.composite import run_queries
from adapters.salesforce.transport import Transport
from domain.model import ContactFact, Directory, LeadFact, OpportunityFact

# Name, Account.Name: read with the same queries, so explain and the console can say who
# and what an id is (docs/audit.md, Names); the planner never looks at them.
CONTACTS = (
    "SELECT Id, Email, AccountId, LastModifiedDate, Name, Account.Name FROM Contact WHERE Email IN "
)
LEADS = "SELECT Id, Email, LastModifiedDate, Name FROM Lead WHERE IsConverted = false AND Email IN "
USERS = "SELECT Id, Email, Name FROM User WHERE IsActive = true AND Email IN "
OPPORTUNITIES = "SELECT Id, AccountId, OwnerId, IsClosed, Name FROM Opportunity WHERE AccountId IN "
ROLES = (
    "SELECT ContactId, OpportunityId, Opportunity.AccountId, Opportunity.OwnerId, "
    "Opportunity.IsClosed, Opportunity.Name FROM OpportunityContactRole WHERE ContactId IN "
)

Row = Mapping[str, Any]


def normalised(addresses: Iterable[str]) -> list[str]:
    """Trimmed, lower-cased, without repeats or blanks (R1); Email compares case-insensitively."""
    return list(dict.fromkeys(a.strip().lower() for a in addresses if a and a.strip()))


def lookup(
    transport: Transport, addresses: Iterable[str], senders: Iterable[str], budget: int
) -> Directory:
    """People and users in one composite call, their opportunities and roles in a second."""
    people = normalised(addresses)
    users = normalised(senders)
    first = _statements(CONTACTS, people, budget), _statements(LEADS, people, budget)
    user_statements = _statements(USERS, users, budget)
    answers = run_queries(transport, [*first[0], *first[1], *user_statements])
    contacts = _flatten(answers[: len(first[0])])
    leads = _flatten(answers[len(first[0]) : len(first[0]) + len(first[1])])
    user_rows = _flatten(answers[len(first[0]) + len(first[1]) :])
    contact_facts = [_contact(r) for r in contacts]
    account_names = _account_names(contacts)
    accounts = sorted({c.account_id for c in contact_facts if c.account_id})
    contact_ids = sorted({c.id for c in contact_facts})
    opp_statements = _statements(OPPORTUNITIES, accounts, budget)
    role_statements = _statements(ROLES, contact_ids, budget)
    second = run_queries(transport, [*opp_statements, *role_statements])
    return Directory(
        contacts_by_email=_by_email(contact_facts),
        leads_by_email=_by_email([_lead(r) for r in leads]),
        opportunities_by_account=_opportunities(_flatten(second[: len(opp_statements)])),
        roles_by_contact=_roles(_flatten(second[len(opp_statements) :])),
        users_by_email=_users(user_rows),
        user_names=_user_names(user_rows),
        account_names=account_names,
    )


def _statements(head: str, values: list[str], budget: int) -> list[str]:
    return in_statements(head, values, budget=budget) if values else []


def _flatten(pages: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [row for page in pages for row in page]


def _contact(row: Row) -> ContactFact:
    return ContactFact(
        id=row["Id"],
        email=str(row.get("Email") or ""),
        account_id=row.get("AccountId"),
        last_modified=str(row.get("LastModifiedDate") or ""),
        name=str(row.get("Name") or ""),
    )


def _lead(row: Row) -> LeadFact:
    return LeadFact(
        id=row["Id"],
        email=str(row.get("Email") or ""),
        last_modified=str(row.get("LastModifiedDate") or ""),
        name=str(row.get("Name") or ""),
    )


def _account_names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each Account's Name as its Contacts' rows carried it (Account.Name)."""
    names: dict[str, str] = {}
    for row in rows:
        account = row.get("Account") or {}
        if row.get("AccountId") and account.get("Name"):
            names[row["AccountId"]] = str(account["Name"])
    return names


def _by_email(facts: list[Any]) -> dict[str, tuple[Any, ...]]:
    grouped: dict[str, dict[str, Any]] = defaultdict(dict)
    for fact in facts:
        grouped[fact.email.strip().lower()][fact.id] = fact
    return {email: tuple(sorted(f.values(), key=lambda f: f.id)) for email, f in grouped.items()}


def _opportunity(row: Row) -> OpportunityFact:
    return OpportunityFact(
        id=row["Id"],
        account_id=row.get("AccountId"),
        owner_id=row.get("OwnerId"),
        is_closed=bool(row.get("IsClosed")),
        name=str(row.get("Name") or ""),
    )


def _opportunities(rows: list[dict[str, Any]]) -> dict[str, tuple[OpportunityFact, ...]]:
    grouped: dict[str, dict[str, OpportunityFact]] = defaultdict(dict)
    for row in rows:
        fact = _opportunity(row)
        if fact.account_id:
            grouped[fact.account_id][fact.id] = fact
    return {k: tuple(sorted(v.values(), key=lambda f: f.id)) for k, v in grouped.items()}


def _roles(rows: list[dict[str, Any]]) -> dict[str, tuple[OpportunityFact, ...]]:
    grouped: dict[str, dict[str, OpportunityFact]] = defaultdict(dict)
    for row in rows:
        parent = row.get("Opportunity") or {}
        fact = _opportunity({**parent, "Id": row["OpportunityId"]})
        grouped[row["ContactId"]][fact.id] = fact
    return {k: tuple(sorted(v.values(), key=lambda f: f.id)) for k, v in grouped.items()}


def _users(rows: list[dict[str, Any]]) -> dict[str, str]:
    users: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: str(r["Id"])):
        users.setdefault(str(row.get("Email") or "").strip().lower(), row["Id"])
    return users


def _user_names(rows: list[dict[str, Any]]) -> dict[str, str]:
    """The Name of the User each address stands for (the one `_users` picks)."""
    chosen: dict[str, Row] = {}
    for row in sorted(rows, key=lambda r: str(r["Id"])):
        chosen.setdefault(str(row.get("Email") or "").strip().lower(), row)
    return {address: str(row["Name"]) for address, row in chosen.items() if row.get("Name")}
