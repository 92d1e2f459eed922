"""The demo's realistic sample: an org (users, accounts, opportunities, 120 contacts, leads)
and a day of email activity that exercises every rule."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

OUR_DOMAIN = "northwind.example"
EXCLUDED_DOMAIN = "quotes-broker.example"

REPS = [
    ("Ana", "Lima", f"ana.lima@{OUR_DOMAIN}"),
    ("Ben", "Okafor", f"ben.okafor@{OUR_DOMAIN}"),
    ("Chloe", "Martin", f"chloe.martin@{OUR_DOMAIN}"),
]

# name, domain, contacts, opportunities: (name, stage, owner rep index, role holder index or None)
ACCOUNTS = [
    (
        "Acme Logistics",
        "acme-logistics.example",
        60,
        [
            ("Acme - Fleet Renewal", "Negotiation/Review", 0, 0),
            ("Acme - Warehouse Expansion", "Prospecting", 1, None),
            ("Acme - Pilot 2025", "Closed Won", 0, None),
        ],
    ),
    (
        "Globex Health",
        "globex.example",
        25,
        [
            ("Globex - Clinic Rollout", "Proposal/Price Quote", 1, 0),
            ("Globex - Lab Systems", "Closed Lost", 1, None),
        ],
    ),
    ("Initech Software", "initech.example", 15, []),
    ("Umbrella Retail", "umbrella-retail.example", 9, [("Umbrella - Stores", "Closed Won", 2, 1)]),
    (
        "Stark Energy",
        "stark-energy.example",
        8,
        [("Stark - Grid Analytics", "Qualification", 2, 2)],
    ),
]
UNATTACHED_CONTACTS = 3  # contacts with no Account (R10d)
LEADS = [
    ("Priya", "Raman", "priya.raman@wayne-ventures.example", "Wayne Ventures"),
    ("Tom", "Becker", "tom.becker@hooli.example", "Hooli"),
    ("Lena", "Fischer", "lena.fischer@hooli.example", "Hooli"),
    ("Omar", "Haddad", "omar.haddad@pied-piper.example", "Pied Piper"),
    ("Sofia", "Rossi", "sofia.rossi@vandelay.example", "Vandelay Industries"),
    ("Kenji", "Sato", "kenji.sato@tyrell.example", "Tyrell"),
]
FIRST = ["Maya", "Liam", "Noah", "Emma", "Ava", "Lucas", "Mia", "Ethan", "Zoe", "Ivan", "Nora"]
LAST = ["Silva", "Nguyen", "Kowalski", "Garcia", "Dubois", "Haas", "Moreau", "Park", "Costa"]


@dataclass
class Sample:
    """Seed rows (with local refs, `@ref` pointing at another row) and activity lines."""

    users: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, Any]] = field(default_factory=list)
    contacts: list[dict[str, Any]] = field(default_factory=list)
    leads: list[dict[str, Any]] = field(default_factory=list)
    opportunities: list[dict[str, Any]] = field(default_factory=list)
    contact_roles: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: list[str] = field(default_factory=list)

    def seed(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "users": self.users,
            "accounts": self.accounts,
            "contacts": self.contacts,
            "leads": self.leads,
            "opportunities": self.opportunities,
            "contact_roles": self.contact_roles,
        }

    def emails_of(self, account: str) -> list[str]:
        return [c["Email"] for c in self.contacts if c.get("AccountId") == f"@{account}"]


def build_sample(seed: int = 7) -> Sample:
    """The same sample every time (seeded), so the demo's story is repeatable."""
    rng = random.Random(seed)
    sample = Sample()
    for index, (first, last, email) in enumerate(REPS):
        sample.users.append(
            {
                "ref": f"rep{index}",
                "FirstName": first,
                "LastName": last,
                "Email": email,
                "Username": email,
            }
        )
    for a, (name, domain, count, opportunities) in enumerate(ACCOUNTS):
        _account(sample, rng, f"acct{a}", name, domain, count, opportunities)
    for index in range(UNATTACHED_CONTACTS):
        sample.contacts.append(_person(rng, f"free{index}", f"freelance{index}.example"))
    for index, (first, last, email, company) in enumerate(LEADS):
        sample.leads.append(
            {
                "ref": f"lead{index}",
                "FirstName": first,
                "LastName": last,
                "Email": email,
                "Company": company,
                "Status": "Open - Not Contacted",
            }
        )
    sample.activities = _activities(sample)
    sample.bad_lines = [
        '{"id": "bad-1", "type": "sent", "occurred_at": "yesterday", "sender": "x@y.example"}',
    ]
    return sample


def _account(
    sample: Sample,
    rng: random.Random,
    ref: str,
    name: str,
    domain: str,
    count: int,
    opportunities: list[tuple[str, str, int, int | None]],
) -> None:
    sample.accounts.append({"ref": ref, "Name": name, "Website": f"https://{domain}"})
    first_contact = len(sample.contacts)
    for index in range(count):
        contact = _person(rng, f"{ref}c{index}", domain)
        contact["AccountId"] = f"@{ref}"
        sample.contacts.append(contact)
    for o, (title, stage, owner, role_holder) in enumerate(opportunities):
        opp_ref = f"{ref}o{o}"
        sample.opportunities.append(
            {
                "ref": opp_ref,
                "Name": title,
                "StageName": stage,
                "CloseDate": "2026-12-31",
                "AccountId": f"@{ref}",
                "OwnerId": f"@rep{owner}",
            }
        )
        if role_holder is not None:
            holder = sample.contacts[first_contact + role_holder]["ref"]
            sample.contact_roles.append(
                {
                    "OpportunityId": f"@{opp_ref}",
                    "ContactId": f"@{holder}",
                    "Role": "Decision Maker",
                    "IsPrimary": True,
                }
            )


def _person(rng: random.Random, ref: str, domain: str) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    local = f"{first}.{last}.{ref[-3:]}".lower()
    return {"ref": ref, "FirstName": first, "LastName": last, "Email": f"{local}@{domain}"}


def _activities(sample: Sample) -> list[dict[str, Any]]:
    ana, ben, chloe = (rep[2] for rep in REPS)
    acme, globex, initech = (
        sample.emails_of("acct0"),
        sample.emails_of("acct1"),
        sample.emails_of("acct2"),
    )
    umbrella, stark = sample.emails_of("acct3"), sample.emails_of("acct4")
    free = [c["Email"] for c in sample.contacts if "AccountId" not in c]
    leads = [lead["Email"] for lead in sample.leads]
    day = "2026-11-24T"

    def sent(i: int, sender: str, hour: str, subject: str, to: list[str], cc=(), bcc=(), **extra):
        return {
            "id": f"<demo-{i}@{OUR_DOMAIN}>/sent",
            "type": "sent",
            "sender": sender,
            "occurred_at": f"{day}{hour}:00-05:00",
            "subject": subject,
            "to": list(to),
            "cc": list(cc),
            "bcc": list(bcc),
            "thread_id": f"thread-{i}",
            "body": f"Hello,\n\n{subject}. Details inside.\n\nBest,\n{sender.split('@')[0]}",
            **extra,
        }

    def engaged(i: int, kind: str, actor: str, hour: str, subject: str, **extra):
        return {
            "id": f"<demo-{i}@{OUR_DOMAIN}>/{kind}/{actor}",
            "type": kind,
            "sender": ana,
            "actor": actor,
            "occurred_at": f"{day}{hour}:00-05:00",
            "subject": subject,
            **extra,
        }

    return [
        # 60 Acme contacts: two batches (50 + 10) x two open Acme opportunities (R7, R10a);
        # a mailer address and a colleague are excluded (R4).
        sent(
            1,
            ana,
            "09:05",
            "Fleet renewal: Q1 rollout plan",
            acme[:10],
            cc=acme[10:] + ["noreply@acme-logistics.example", f"ben.okafor@{OUR_DOMAIN}"],
        ),
        # Mixed accounts: related to the primary's Account only, with a warning (R10e).
        sent(
            2, ben, "09:40", "Industry roundtable invitation", [globex[1], initech[0], umbrella[0]]
        ),
        # Contacts and Leads together: one shared Task for the contacts, one Task per Lead (R9).
        sent(3, chloe, "10:15", "Intro: Northwind analytics", initech[1:4] + leads[:2]),
        # First recipient excluded by the admin's list: the next contact is primary (R4, R8).
        sent(4, ana, "10:30", "Quote follow-up", [f"sales@{EXCLUDED_DOMAIN}", *globex[2:5]]),
        # Unknown people and a malformed address are recorded, not synced (R3, R5).
        sent(
            5,
            ben,
            "11:00",
            "Webinar recording",
            [stark[0], "not-an-address", "someone@unknown.example"],
        ),
        # Bcc is not synced unless include_bcc is on (R2).
        sent(6, chloe, "11:20", "Contract draft", [stark[1], stark[2]], bcc=[stark[3]]),
        # An internal reply on a thread (Sent (Reply)) to four Globex contacts (R6, R15).
        sent(7, ben, "13:10", "Re: Clinic rollout timeline", globex[0:4], is_reply=True),
        # One contact only, and a contact with no Account (R10d).
        sent(8, ana, "13:30", "Your question about invoices", [acme[12]]),
        sent(9, chloe, "14:00", "Freelance collaboration", free[:2]),
        engaged(10, "open", acme[0], "09:20", "Fleet renewal: Q1 rollout plan"),
        engaged(11, "open", acme[3], "09:45", "Fleet renewal: Q1 rollout plan"),
        engaged(
            12,
            "click",
            globex[2],
            "10:50",
            "Quote follow-up",
            url="https://northwind.example/pricing",
        ),
        engaged(
            13,
            "download",
            initech[1],
            "10:40",
            "Intro: Northwind analytics",
            file_name="Northwind-overview.pdf",
        ),
        engaged(
            14,
            "reply",
            acme[1],
            "11:45",
            "Re: Fleet renewal: Q1 rollout plan",
            body="Looks good, send the contract.",
        ),
        engaged(15, "bounce", "someone@unknown.example", "11:01", "Webinar recording"),
        engaged(16, "open", leads[0], "10:30", "Intro: Northwind analytics"),
        # A meeting: one Event per matched attendee, never shared (R12).
        {
            "id": f"<demo-17@{OUR_DOMAIN}>/meeting",
            "type": "meeting",
            "sender": ana,
            "occurred_at": f"{day}08:00:00-05:00",
            "subject": "Fleet renewal workshop",
            "to": [acme[0], acme[1], leads[2]],
            "starts_at": "2026-11-26T15:00:00-05:00",
            "ends_at": "2026-11-26T16:00:00-05:00",
        },
    ]
