"""The fields of written Tasks (R15) and the shared-activities setting (R17), checked in the org."""

from __future__ import annotations

from sync_e2e_support import SyncCase, people

from domain.settings import OrgSettings

KEY = "Activity_Sync_Key__c"


def test_task_fields_carry_subject_status_subtype_date_description_owner_and_sync_key(
    case: SyncCase,
) -> None:
    """R15: prefixes, 255-character subjects, Completed, Email subtype for sent and reply only,
    the date in the activity's own offset, the body cut to 32,000, OwnerId the sender's User
    (else the integration user), and the sync key in Activity_Sync_Key__c."""
    case.seed(
        {
            "users": [{"LastName": "Rep", "Email": case.sender, "Username": case.sender}],
            "contacts": people("c", 2, case.domain),
        }
    )
    rep = case.org.salesforce().query(f"SELECT Id FROM User WHERE Email = '{case.sender}'")
    long_subject = "Quarterly plan " + "x" * 300
    reply = case.sent(
        "reply",
        ["c0", "c1"],
        subject=long_subject,
        is_reply=True,
        body="b" * 40_000,
        occurred_at="2026-11-24T22:30:00-05:00",  # already the 25th in UTC
    )
    opened = case.engaged("opened", "open", "c1", sender=case.address("unknown-rep"))
    case.ingest(reply, opened)

    case.sync()

    tasks = {t["WhoId"]: t for t in case.tasks()}
    shared, single = tasks[case.ids["c0"]], tasks[case.ids["c1"]]
    assert shared["Subject"] == ("Sent (Reply): " + long_subject)[:255]
    assert shared["Status"] == single["Status"] == "Completed"
    assert shared["TaskSubtype"] == "Email" and single["TaskSubtype"] != "Email"
    assert shared["ActivityDate"] == "2026-11-24" and single["ActivityDate"] == "2026-11-24"
    assert shared["Description"] == "b" * 32_000 and single["Description"] is None
    assert shared["OwnerId"] == rep["records"][0]["Id"]
    assert single["OwnerId"] == case.org.state()["user_id"]  # the integration user
    assert single["Subject"] == f"Opened: opened ({case.tag})"
    planned = {
        t["who_id"]: t["sync_key"]
        for name, kind in (("reply", "sent"), ("opened", "open"))
        for t in case.activity(name, kind).batches.values()
    }
    assert {who: t[KEY] for who, t in tasks.items()} == planned


def test_the_org_setting_is_read_from_the_metadata_api_and_recorded(case: SyncCase) -> None:
    """R17: the first sync reads ActivitiesSettings through the Metadata API and records it."""
    case.seed({"contacts": people("c", 2, case.domain)})
    case.ingest(case.sent("detected", ["c0", "c1"]))

    case.sync()

    observed = [
        e for e in _settings_events(case) if isinstance(e, OrgSettings.SharedActivitiesObserved)
    ]
    assert [(e.enabled, e.source) for e in observed] == [(True, "metadata_api")]
    (task,) = case.tasks()
    assert task["WhoCount"] == 2


def test_without_metadata_access_the_setting_is_read_from_the_task_describe(
    case: SyncCase,
) -> None:
    """R17 fallback: readMetadata refused (no Modify All Data): TaskWhoIds on Task says it."""
    case.seed({"contacts": people("c", 2, case.domain)})
    case.ingest(case.sent("described", ["c0", "c1"]))
    case.org.set_metadata_readable(False)
    try:
        case.sync()
    finally:
        case.org.set_metadata_readable(True)

    observed = [
        e for e in _settings_events(case) if isinstance(e, OrgSettings.SharedActivitiesObserved)
    ]
    assert [(e.enabled, e.source) for e in observed] == [(True, "describe")]
    assert [t["WhoCount"] for t in case.tasks()] == [2]


def test_the_engine_switch_off_forces_individual_tasks_in_an_org_that_has_sharing(
    case: SyncCase,
) -> None:
    """R17: shared_activities = off wins over the org's setting: one Task per Contact."""
    case.seed({"contacts": people("c", 3, case.domain)})
    case.setting("shared_activities", "off")
    case.ingest(case.sent("forced-off", ["c0", "c1", "c2"]))

    case.sync()

    tasks = case.tasks()
    assert sorted(t["WhoId"] for t in tasks) == sorted(case.who("c0", "c1", "c2"))
    assert all(t["WhoCount"] == 1 for t in tasks)
    assert all(not t["shared"] for t in case.activity("forced-off").batches.values())


def _settings_events(case: SyncCase) -> list[object]:
    with case.engine() as engine:
        return list(engine.app.settings_history())
