"""Activities that are never shared, checked in the org: engagements (R11), meetings as
Events (R12), custom records (R13), and sent email without shared activities (R14)."""

from __future__ import annotations

from typing import Any

from sync_e2e_support import SyncCase, people

from adapters.views.documents import explain_document

KEY = "Activity_Sync_Key__c"


def _seed(case: SyncCase) -> None:
    """Acme (one open Opportunity) with 3 contacts, a Lead, a project record of Acme."""
    case.seed(
        {
            "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
            "contacts": people("c", 3, case.domain, AccountId="@acme"),
            "leads": people("lead", 1, case.domain, Company="Prospect"),
            "opportunities": [
                {
                    "ref": "deal",
                    "Name": "Deal",
                    "AccountId": "@acme",
                    "StageName": "Prospecting",
                    "CloseDate": "2026-12-31",
                }
            ],
            "projects": [{"ref": "rollout", "Name": "Rollout", "Account__c": "@acme"}],
        }
    )


def _by_subject(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["Subject"].split(" (")[0]: row for row in rows}


def test_each_engagement_is_one_task_about_its_actor_related_by_r10(case: SyncCase) -> None:
    """R11: open, click, download, bounce and reply each make ONE Task about the actor; an
    unmatched actor makes none (recorded)."""
    _seed(case)
    case.ingest(
        case.engaged("o", "open", "c0"),
        case.engaged("k", "click", "c1", url="https://ours.example/pricing"),
        case.engaged("d", "download", "c2", file_name="deck.pdf"),
        case.engaged("b", "bounce", "lead0"),
        case.engaged("r", "reply", "c0", body="Sounds good."),
        case.engaged("x", "open", "nobody"),
    )

    summary = case.sync()

    assert summary.activities == 6 and summary.tasks_written == 5
    tasks = {t["Subject"]: t for t in case.tasks()}
    deal, lead = case.ids["deal"], case.ids["lead0"]
    assert {s: (t["WhoId"], t["WhatId"], t["WhoCount"]) for s, t in tasks.items()} == {
        f"Opened: o ({case.tag})": (case.ids["c0"], deal, 1),
        "Clicked: https://ours.example/pricing": (case.ids["c1"], deal, 1),
        "Downloaded: deck.pdf": (case.ids["c2"], deal, 1),
        f"Bounced: b ({case.tag})": (lead, None, 1),
        f"Replied: r ({case.tag})": (case.ids["c0"], deal, 1),
    }
    (nobody,) = case.activity("x", "open").recipients
    assert nobody["outcome"] == "unmatched" and not case.activity("x", "open").batches


def test_a_meeting_is_one_event_per_matched_attendee(case: SyncCase) -> None:
    """R12: never shared; each Contact or Lead gets an Event with the meeting's start and end."""
    _seed(case)
    meeting = {
        **case.sent("workshop", ["c0", "c1", "lead0", "nobody"]),
        "id": f"<workshop@{case.tag}>/meeting",
        "type": "meeting",
        "starts_at": "2026-11-26T15:00:00Z",
        "ends_at": "2026-11-26T16:30:00Z",
    }
    case.ingest(meeting)

    summary = case.sync()

    assert summary.events_written == 3 and summary.tasks_written == 0
    assert case.tasks() == []
    events = case.events()
    assert sorted(e["WhoId"] for e in events) == sorted(case.who("c0", "c1", "lead0"))
    for event in events:
        assert event["Subject"] == f"Meeting: workshop ({case.tag})"
        assert event["StartDateTime"].startswith("2026-11-26T15:00:00")
        assert event["EndDateTime"].startswith("2026-11-26T16:30:00")
        assert event[KEY]
    whats = {e["WhoId"]: e["WhatId"] for e in events}
    assert whats[case.ids["c0"]] == case.ids["deal"] and whats[case.ids["lead0"]] is None


def test_an_email_about_a_custom_record_is_one_task_per_person_and_the_leads_has_no_what_id(
    case: SyncCase,
) -> None:
    """R13: `related_to` a Project__c record: never shared; each Contact's Task is related to
    the project; the Lead's Task is not (the org refuses a WhatId with a Lead's WhoId) and
    explain says which record it could not carry."""
    _seed(case)
    project = case.ids["rollout"]
    related = {"object": "Project__c", "id": project}
    case.ingest(case.sent("project", ["c0", "c1", "lead0"], related_to=related))

    summary = case.sync()

    assert summary.records_failed == 0
    tasks = {t["WhoId"]: t for t in case.tasks()}
    assert sorted(tasks) == sorted(case.who("c0", "c1", "lead0"))
    assert all(t["WhoCount"] == 1 for t in tasks.values())
    lead = case.who("lead0")[0]
    assert [tasks[who]["WhatId"] for who in case.who("c0", "c1")] == [project, project]
    assert tasks[lead]["WhatId"] is None
    with case.engine() as engine:
        story = explain_document(engine.app, engine.views, tasks[lead]["Id"])
    warnings = [w for t in story["tasks"] for w in t["warnings"]]
    assert [(w["code"], w["record"]) for w in warnings] == [
        ("lead_not_related", {"object": "Project__c", "id": project})
    ]


def test_without_shared_activities_a_sent_email_is_one_task_per_person(fresh_case: Any) -> None:
    """R14 (org has shared activities off): one Task per Contact and per Lead, each related
    by R10 for its own Contact; no TaskWhoIds is ever sent."""
    case: SyncCase = fresh_case(shared_activities=False)
    _seed(case)
    case.seed(
        {
            "accounts": [{"ref": "globex", "Name": f"Globex {case.tag}"}],
            "contacts": people("g", 1, case.domain, AccountId="@globex"),
        }
    )
    case.ingest(case.sent("no-sharing", ["c0", "g0", "c1", "lead0"]))

    summary = case.sync()

    assert summary.tasks_written == 4 and summary.records_failed == 0
    whats = {t["WhoId"]: t["WhatId"] for t in case.tasks(shared=False)}
    assert whats == {
        case.ids["c0"]: case.ids["deal"],
        case.ids["c1"]: case.ids["deal"],
        case.ids["g0"]: case.ids["globex"],
        case.ids["lead0"]: None,
    }
