"""The org is alive (R27): people edit, delete, undelete, convert and merge after the engine
writes. `activity-sync drift` records each change on its activity, `explain` shows it, and
later writes (sync, replay) never reference a converted, merged-away or deleted record.

Each case syncs with the real worker into the local org over HTTPS; a second User ("Pat
Admin", a session of its own) makes the changes a person would make, through the REST API
and the partner SOAP API (convertLead, merge, undelete).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sync_e2e_support import SyncCase, people, store_url_in

from adapters.cli.main import _register, cli
from adapters.local_org import partner_client as partner
from adapters.local_org.launcher import LocalOrg, start_local_org

CONVERTED = "Closed - Converted"


@pytest.fixture(scope="module")
def alive_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    """An org with shared activities on and a second person, Pat, who changes things."""
    org = start_local_org(tmp_path_factory.mktemp("alive-org") / "org.db", people={"pat": "Pat"})
    yield org
    org.stop()


@pytest.fixture
def case(alive_org: LocalOrg, tmp_path: Path) -> SyncCase:
    case = SyncCase(alive_org, store_url_in(tmp_path))
    case.seed(
        {
            "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
            "contacts": people("c", 4, case.domain, AccountId="@acme"),
            "leads": people("lead", 1, case.domain, Company=f"Prospect {case.tag}"),
        }
    )
    return case


def run(case: SyncCase, *args: str) -> Any:
    """The installed command, in this process, with the case's store and org."""
    _register()
    env = {**case.org.environment(), "ACTIVITY_SYNC_STORE": case.store_url}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.output) if "--json" in args else result.output


def changes_of(case: SyncCase, task_id: str) -> list[dict[str, Any]]:
    document = run(case, "explain", task_id, "--json")
    (task,) = [t for t in document["tasks"] if t["salesforce_id"] == task_id]
    return [(c["kind"], c["by"], c["fields"]) for c in task["org_changes"]]


def synced(case: SyncCase, name: str, to: list[str]) -> dict[str, Any]:
    case.ingest(case.sent(name, to))
    summary = run(case, "sync", "--json", "--drift-minutes", "0")
    assert summary["records_failed"] == 0, summary
    (task,) = [t for t in case.tasks() if t["Subject"].startswith(f"Sent (New): {name}")]
    return task


def test_a_persons_edit_is_recorded_once_and_explained_with_who_and_which_fields(
    case: SyncCase,
) -> None:
    """R27: Pat edits the Subject of a shared Task; drift records an `edited` change by
    Pat's User naming the field, explain shows it, and a second look adds nothing."""
    task = synced(case, "edit", ["c0", "c1"])
    pat = case.org.salesforce(as_user="pat")
    pat.Task.update(task["Id"], {"Subject": "Renamed by Pat"})

    found = run(case, "drift", "--json")
    again = run(case, "drift", "--json")

    pat_id = case.org.user_id("pat")
    assert [(c["kind"], c["by"], c["fields"]) for c in found["changes"]] == [
        ("edited", pat_id, ["Subject"])
    ]
    assert again["changes"] == []
    assert changes_of(case, task["Id"]) == [("edited", pat_id, ["Subject"])]
    pages = f"{case.org.instance_url}/lightning/r"  # R21: each record and User has its page
    (change,) = found["changes"]
    assert change["url"] == f"{pages}/Task/{task['Id']}/view"
    assert change["by_url"] == f"{pages}/User/{pat_id}/view"
    explained = run(case, "explain", task["Id"], "--json")["tasks"][0]["org_changes"]
    assert [c["by_url"] for c in explained] == [change["by_url"]]


def test_a_deletion_and_an_undelete_are_each_recorded_in_order(case: SyncCase) -> None:
    """R27: a Task deleted in the org (to the recycle bin), then undeleted."""
    task = synced(case, "bin", ["c2"])
    pat = case.org.salesforce(as_user="pat")
    pat.Task.delete(task["Id"])
    assert [c["kind"] for c in run(case, "drift", "--json")["changes"]] == ["deleted"]
    assert partner.undelete(pat, [task["Id"]])[0]["success"] is True
    assert [c["kind"] for c in run(case, "drift", "--json")["changes"]] == ["undeleted"]
    pat_id = case.org.user_id("pat")
    assert changes_of(case, task["Id"]) == [("deleted", pat_id, []), ("undeleted", pat_id, [])]


def test_a_converted_leads_task_is_recorded_and_a_replay_never_names_the_lead_again(
    case: SyncCase,
) -> None:
    """R27, R9: Pat converts the Lead; its Task moves to the new Contact. Drift records
    `converted` and the person gone; a replay after a settings change plans with the
    Contact, and the org refuses nothing (no CANNOT_UPDATE_CONVERTED_LEAD)."""
    lead = case.ids["lead0"]
    case.ingest(case.sent("convert", ["lead0"]))
    run(case, "sync", "--json", "--drift-minutes", "0")
    pat = case.org.salesforce(as_user="pat")
    converted = partner.convert_lead(pat, lead, CONVERTED, do_not_create_opportunity=True)
    contact = converted["contactId"]

    found = run(case, "drift", "--json")

    assert [(c["kind"], c["detail"]) for c in found["changes"]] == [
        ("converted", {"from": lead, "to": contact})
    ]
    assert [(p["kind"], p["person_id"], p["now_id"]) for p in found["people"]] == [
        ("converted", lead, contact)
    ]
    (fate,) = found["people"]  # R21: the Lead and the Contact it became, each with its page
    assert fate["now_url"] == f"{case.org.instance_url}/lightning/r/Contact/{contact}/view"
    assert fate["url"] == f"{case.org.instance_url}/lightning/r/Lead/{lead}/view"
    run(case, "settings", "set", "opportunity_mode", "contact_role")
    plan = str(Path(case.store_url.removeprefix("sqlite:///")).with_name("plan.json"))
    run(case, "replay", "plan", "--out", plan)
    applied = run(case, "replay", "apply", plan, "--yes", "--sync", "--json")
    assert applied["sync"]["records_failed"] == 0, applied
    stats = run(case, "stats", "--json")
    assert stats["failures"]["by_code"] == {}
    assert stats["org_changes"]["by_kind"]["converted"] == 1
    rows = case.org.salesforce().query_all(
        f"SELECT WhoId FROM Task WHERE Subject LIKE 'Sent (New): convert%' AND WhoId = '{contact}'"
    )["records"]
    assert len(rows) == 1


def test_merged_contacts_move_to_the_survivor_and_later_writes_relate_only_the_survivor(
    case: SyncCase,
) -> None:
    """R27: Pat merges c2 into c1 (both on one shared Task). Drift records `merged`; a
    replay after a settings change relates c0 and c1 only, and nothing is refused (no
    ENTITY_IS_DELETED for the merged-away Contact)."""
    task = synced(case, "merge", ["c0", "c1", "c2"])
    c0, c1, c2 = case.who("c0", "c1", "c2")
    pat = case.org.salesforce(as_user="pat")
    assert partner.merge(pat, "Contact", c1, [c2])["success"] is True

    found = run(case, "drift", "--json")

    assert ("merged", {"from": c2, "to": c1}) in [
        (c["kind"], c["detail"]) for c in found["changes"]
    ]
    run(case, "settings", "set", "batch_size", "2")
    plan = str(Path(case.store_url.removeprefix("sqlite:///")).with_name("plan.json"))
    run(case, "replay", "plan", "--out", plan)
    applied = run(case, "replay", "apply", plan, "--yes", "--sync", "--json")
    assert applied["sync"]["records_failed"] == 0, applied
    key = task["Activity_Sync_Key__c"]
    people_now = sorted(
        p for t in case.tasks() if t["Activity_Sync_Key__c"] == key for p in t["people"]
    )
    assert c2 not in people_now and set(people_now) <= {c0, c1}


def test_a_deleted_contact_is_left_out_of_a_later_write(case: SyncCase) -> None:
    """R27: a Contact deleted in the org after the engine planned for it: the next write
    leaves them out instead of failing with ENTITY_IS_DELETED."""
    synced(case, "first", ["c0", "c3"])
    c0, c3 = case.who("c0", "c3")
    case.org.salesforce(as_user="pat").Contact.delete(c3)
    run(case, "drift", "--json")
    run(case, "settings", "set", "batch_size", "1")
    plan = str(Path(case.store_url.removeprefix("sqlite:///")).with_name("plan.json"))
    run(case, "replay", "plan", "--out", plan)
    applied = run(case, "replay", "apply", plan, "--yes", "--sync", "--json")
    assert applied["sync"]["records_failed"] == 0, applied
    assert c3 not in {p for t in case.tasks() for p in t["people"]}


def test_an_org_without_view_setup_and_archiving_old_tasks_syncs_replays_and_explains(
    tmp_path: Path,
) -> None:
    """R25, R27: the sync user may not read /limits (the budget comes from response headers)
    and the org archives Tasks older than a year (gone from query, in queryAll). Sync writes
    an old and a new email, replay after a settings change re-creates nothing (the archived
    Task is not "missing"), explain tells both stories and the archiving is recorded once."""
    org = start_local_org(
        tmp_path / "org.db", deny_permissions=("ViewSetup",), archive_after_days=365
    )
    try:
        case = SyncCase(org, store_url_in(tmp_path))
        case.seed(
            {
                "accounts": [{"ref": "acme", "Name": f"Acme {case.tag}"}],
                "contacts": people("c", 2, case.domain, AccountId="@acme"),
            }
        )
        old = case.sent("old", ["c0", "c1"], occurred_at="2024-03-04T09:00:00Z")
        case.ingest(old, case.sent("new", ["c0", "c1"]))
        summary = run(case, "sync", "--json", "--drift-minutes", "0")
        assert (summary["records_failed"], summary["tasks_written"]) == (0, 2)
        visible = org.salesforce().query_all("SELECT Id FROM Task")["records"]
        assert len(visible) == 1  # the old Task is archived: only queryAll sees it

        run(case, "settings", "set", "opportunity_mode", "contact_role")
        plan = str(tmp_path / "plan.json")
        run(case, "replay", "plan", "--out", plan)
        counts = json.loads(Path(plan).read_text())["counts"]
        applied = run(case, "replay", "apply", plan, "--yes", "--sync", "--json")

        assert counts.get("create", 0) == 0, counts
        assert applied["sync"] is None or applied["sync"]["records_failed"] == 0
        # replay plan looked at the org first and recorded the archiving: nothing new now
        assert run(case, "drift", "--json")["changes"] == []
        story = run(case, "explain", old["id"], "--json")
        assert [c["kind"] for t in story["tasks"] for c in t["org_changes"]] == ["archived"]
        assert run(case, "stats", "--json")["api"]["calls"] > 0
    finally:
        org.stop()
