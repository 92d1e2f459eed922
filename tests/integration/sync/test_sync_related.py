"""What each Task is related to (WhatId), checked in the org (R10a-e)."""

from __future__ import annotations

from typing import Any

from sync_e2e_support import SyncCase, people


def _opportunity(ref: str, account: str, stage: str = "Prospecting", **more: Any) -> dict[str, Any]:
    return {
        "ref": ref,
        "Name": ref,
        "AccountId": f"@{account}",
        "StageName": stage,
        "CloseDate": "2026-12-31",
        **more,
    }


def _acme(case: SyncCase) -> None:
    """Acme: two open Opportunities (one owned by the case's rep), one closed; 3 contacts;
    Globex: one contact, no Opportunity; one contact with no Account."""
    other = case.address("other-rep")
    case.seed(
        {
            "users": [
                {"ref": "rep", "LastName": "Rep", "Email": case.sender, "Username": case.sender},
                {"ref": "other", "LastName": "Other", "Email": other, "Username": other},
            ],
            "accounts": [
                {"ref": "acme", "Name": f"Acme {case.tag}"},
                {"ref": "globex", "Name": f"Globex {case.tag}"},
            ],
            "contacts": [
                *people("a", 3, case.domain, AccountId="@acme"),
                *people("g", 1, case.domain, AccountId="@globex"),
                *people("free", 1, case.domain),
            ],
            "opportunities": [
                _opportunity("mine", "acme", OwnerId="@rep"),
                _opportunity("theirs", "acme", "Negotiation/Review", OwnerId="@other"),
                _opportunity("lost", "acme", "Closed Lost", OwnerId="@rep"),
            ],
            "contact_roles": [
                {"OpportunityId": "@theirs", "ContactId": "@a1", "Role": "Decision Maker"},
                {"OpportunityId": "@lost", "ContactId": "@a1", "Role": "Evaluator"},
            ],
        }
    )


def _whats(case: SyncCase, name: str, kind: str = "sent") -> dict[str | None, list[str]]:
    """WhatId -> the people of each Task the activity `name` produced."""
    keys = {t["sync_key"] for t in case.activity(name, kind).batches.values()}
    return {t["WhatId"]: sorted(t["people"]) for t in case.tasks() if t[KEY] in keys}


KEY = "Activity_Sync_Key__c"


def test_account_mode_makes_one_shared_task_per_open_opportunity_of_the_primarys_account(
    case: SyncCase,
) -> None:
    """R10a: each open Opportunity of the primary's Account gets the whole batch; closed
    ones only with include_closed_opportunities."""
    _acme(case)
    case.ingest(case.sent("open-only", ["a0", "a1", "a2"]))
    case.sync()
    case.setting("include_closed_opportunities", "true")
    case.ingest(case.sent("with-closed", ["a0", "a1", "a2"]))
    case.sync()

    batch = sorted(case.who("a0", "a1", "a2"))
    opened = case.who("mine", "theirs")
    assert _whats(case, "open-only") == {o: batch for o in opened}
    assert _whats(case, "with-closed") == {o: batch for o in [*opened, case.ids["lost"]]}


def test_contact_role_mode_follows_the_primarys_roles_only(case: SyncCase) -> None:
    """R10b: Opportunities where the primary has a contact role; a secondary's roles do not
    count, and a primary without a role falls back to the Account (R10c)."""
    _acme(case)
    case.setting("opportunity_mode", "contact_role")
    case.ingest(
        case.sent("a1-first", ["a1", "a0"]),
        case.sent("a0-first", ["a0", "a1"]),
    )
    case.sync()

    pair = sorted(case.who("a0", "a1"))
    assert _whats(case, "a1-first") == {case.ids["theirs"]: pair}  # the closed role is left out
    assert _whats(case, "a0-first") == {case.ids["acme"]: pair}


def test_owned_opportunities_only_keeps_those_of_the_senders_user(case: SyncCase) -> None:
    """R10a with owned_opportunities_only: only Opportunities the sender's User owns."""
    _acme(case)
    case.setting("owned_opportunities_only", "true")
    case.ingest(case.sent("owned", ["a2", "a0"]))
    case.sync()

    assert _whats(case, "owned") == {case.ids["mine"]: sorted(case.who("a0", "a2"))}


def test_no_opportunity_relates_to_the_account_and_no_account_leaves_whatid_empty(
    case: SyncCase,
) -> None:
    """R10c, R10d: Globex has no Opportunity; a contact without an Account still gets a Task."""
    _acme(case)
    case.ingest(
        case.engaged("globex", "open", "g0"),
        case.engaged("loner", "open", "free0"),
    )
    case.sync()

    assert _whats(case, "globex", "open") == {case.ids["globex"]: [case.ids["g0"]]}
    assert _whats(case, "loner", "open") == {None: [case.ids["free0"]]}


def test_a_batch_across_accounts_follows_its_primary_and_records_a_warning(
    case: SyncCase,
) -> None:
    """R10e: the Globex primary decides; Acme contacts ride along; a mixed_accounts warning."""
    _acme(case)
    case.ingest(case.sent("mixed", ["g0", "a0", "a1"]))
    case.sync()

    assert _whats(case, "mixed") == {case.ids["globex"]: sorted(case.who("g0", "a0", "a1"))}
    (task,) = case.activity("mixed").batches.values()
    assert any("mixed_accounts" in w and case.ids["acme"] in w for w in task["warnings"])
