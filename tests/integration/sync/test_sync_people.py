"""Who the Tasks are about, checked in the org: matching (R5), batches, primaries and Leads (R6-R9)."""

from __future__ import annotations

import time

from sync_e2e_support import KEY, SyncCase, people


def test_a_contact_wins_over_a_lead_and_the_most_recently_modified_duplicate_wins(
    case: SyncCase,
) -> None:
    """R5: Contact over Lead with the same address; of two Contacts, the newest modified."""
    case.seed(
        {
            "contacts": [
                {"ref": "older", "LastName": "Older", "Email": case.address("dup")},
                {"ref": "newer", "LastName": "Newer", "Email": case.address("DUP")},
                {"ref": "both", "LastName": "Contact", "Email": case.address("both")},
            ],
            "leads": [
                {"ref": "lead", "LastName": "Lead", "Company": "L", "Email": case.address("both")},
            ],
        }
    )
    time.sleep(0.01)  # the org stamps LastModifiedDate to the millisecond
    case.org.salesforce().Contact.update(case.ids["newer"], {"Title": "touched"})
    # "newer" has the larger id, so only its recency can make it win (ties go to the smaller).
    assert case.ids["newer"] > case.ids["older"]
    case.ingest(
        case.engaged("dup", "open", "dup"),
        case.engaged("both", "open", "both"),
    )

    summary = case.sync()

    assert summary.tasks_written == 2
    whos = {t["WhoId"] for t in case.tasks()}
    assert whos == {case.ids["newer"], case.ids["both"]}
    assert case.ids["lead"] not in whos and case.ids["older"] not in whos
    warnings = case.activity("dup", "open").warnings
    assert any(w.startswith("ambiguous_contact:") for w in warnings)


def test_sixty_contacts_make_two_shared_tasks_of_fifty_and_ten_and_each_lead_its_own(
    case: SyncCase,
) -> None:
    """R6, R7, R8, R9: batches of 50 in recipient order, first of each the primary; Leads apart."""
    case.seed(
        {
            "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
            "contacts": people("c", 60, case.domain, AccountId="@acme"),
            "leads": people("lead", 2, case.domain, Company="Prospect"),
        }
    )
    contacts = [f"c{n}" for n in range(60)]
    # An unknown address comes first: the first *matched* contact is the primary (R8).
    email = case.sent("sixty", ["stranger", "lead0", *contacts[:30]], cc=[*contacts[30:], "lead1"])
    case.ingest(email)

    summary = case.sync()

    assert summary.tasks_written == 4
    tasks = {t["WhoId"]: t for t in case.tasks()}
    first, second = tasks[case.ids["c0"]], tasks[case.ids["c50"]]
    assert first["WhoCount"] == 50 and set(first["people"]) == set(case.who(*contacts[:50]))
    assert second["WhoCount"] == 10 and set(second["people"]) == set(case.who(*contacts[50:]))
    assert first["WhatId"] == second["WhatId"] == case.ids["acme"]  # no Opportunity (R10c)
    relations = case.org.salesforce().query_all(
        f"SELECT RelationId, IsWhat FROM TaskRelation WHERE TaskId = '{first['Id']}'"
    )["records"]
    assert sorted(r["RelationId"] for r in relations if not r["IsWhat"]) == sorted(
        case.who(*contacts[:50])
    )
    assert [r["RelationId"] for r in relations if r["IsWhat"]] == [case.ids["acme"]]
    for lead in ("lead0", "lead1"):
        task = tasks[case.ids[lead]]
        assert task["WhoCount"] == 1 and task["people"] == [case.ids[lead]]
        assert task["WhatId"] is None  # R9: a Lead's Task has no WhatId
    assert len({t[KEY] for t in tasks.values()}) == 4


def test_only_a_sent_email_with_two_or_more_matched_contacts_is_shared(case: SyncCase) -> None:
    """R6: one matched Contact (and a Lead) is individual; an open is never shared."""
    case.seed(
        {
            "contacts": people("c", 2, case.domain),
            "leads": people("lead", 1, case.domain, Company="Prospect"),
        }
    )
    case.ingest(
        case.sent("one-contact", ["c0", "lead0", "nobody"]),
        case.engaged("opened", "open", "c1"),
    )

    case.sync()

    tasks = case.tasks()
    assert sorted(t["WhoId"] for t in tasks) == sorted(case.who("c0", "lead0", "c1"))
    assert all(t["WhoCount"] == 1 for t in tasks)
