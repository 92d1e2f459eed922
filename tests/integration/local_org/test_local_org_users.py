"""Who calls the org and what they may do, over HTTPS (issue 14 items c and g).

R17 and R24: the engine reads ActivitiesSettings (Metadata API, needs Modify All Data) and the
daily usage (GET /limits, needs View Setup and Configuration); a Sync User without them gets
Salesforce's refusals. R20 and R27: another person may edit a synced Task; every write records
the User whose session made it (LastModifiedById, SystemModstamp).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import requests
from simple_salesforce.exceptions import SalesforceExpiredSession

from adapters.local_org.launcher import LocalOrg


@pytest.fixture(scope="module")
def two_people(local_org_factory) -> LocalOrg:  # type: ignore[no-untyped-def]
    return local_org_factory(people={"pat": "Pat Admin", "sam": "Sam Rep"})


def _audit(org: LocalOrg, sobject: str, record_id: str) -> dict[str, str]:
    found = org.salesforce().query_all(
        f"SELECT CreatedById, LastModifiedById, LastModifiedDate, SystemModstamp, IsDeleted "
        f"FROM {sobject} WHERE Id = '{record_id}'",
        include_deleted=True,
    )
    return dict(found["records"][0])


# --- (g) attribution ---------------------------------------------------------------------------


def test_each_person_is_a_user_of_their_own_distinct_from_the_integration_user(
    two_people: LocalOrg,
) -> None:
    sf = two_people.salesforce()
    users = sf.query("SELECT Id, Name, FirstName, LastName FROM User ORDER BY Name")["records"]
    by_name = {u["Name"]: u["Id"] for u in users}
    assert {"Integration User", "Pat Admin", "Sam Rep"} <= set(by_name)
    pat = two_people.user_id("pat")
    assert pat == by_name["Pat Admin"] and pat.startswith("005")
    assert len({two_people.user_id(), pat, two_people.user_id("sam")}) == 3


def test_r27_every_write_records_the_user_whose_session_made_it(two_people: LocalOrg) -> None:
    engine, pat = two_people.salesforce(), two_people.salesforce(as_user="pat")
    engine_id, pat_id = two_people.user_id(), two_people.user_id("pat")
    task = engine.Task.upsert("Activity_Sync_Key__c/attributed", {"Subject": "by the engine"})
    assert task == 201
    task_id = engine.query("SELECT Id FROM Task WHERE Subject = 'by the engine'")["records"][0][
        "Id"
    ]
    created = _audit(two_people, "Task", task_id)
    assert (created["CreatedById"], created["LastModifiedById"]) == (engine_id, engine_id)
    assert pat.Task.update(task_id, {"Subject": "edited by Pat"}) == 204
    edited = _audit(two_people, "Task", task_id)
    assert (edited["CreatedById"], edited["LastModifiedById"]) == (engine_id, pat_id)
    assert edited["SystemModstamp"] >= created["SystemModstamp"]
    assert edited["LastModifiedDate"] == edited["SystemModstamp"]
    contact = pat.Contact.create({"LastName": "Made by Pat"})["id"]
    assert _audit(two_people, "Contact", contact)["CreatedById"] == pat_id
    assert engine.Contact.delete(contact) == 204
    deleted = _audit(two_people, "Contact", contact)
    assert (deleted["IsDeleted"], deleted["LastModifiedById"]) == (True, engine_id)


def test_r27_relations_written_by_a_person_carry_their_user(two_people: LocalOrg) -> None:
    pat, pat_id = two_people.salesforce(as_user="pat"), two_people.user_id("pat")
    engine = two_people.salesforce()
    contacts = [engine.Contact.create({"LastName": f"R{i}"})["id"] for i in range(2)]
    task = engine.Task.create({"Subject": "relations", "TaskWhoIds": contacts[:1]})["id"]
    relation = pat.TaskRelation.create({"TaskId": task, "RelationId": contacts[1]})["id"]
    assert _audit(two_people, "TaskRelation", relation)["CreatedById"] == pat_id
    assert _audit(two_people, "Task", task)["LastModifiedById"] == pat_id


def test_a_session_nobody_holds_is_refused_and_a_restart_keeps_the_people(
    local_org_factory,  # type: ignore[no-untyped-def]
) -> None:
    org = local_org_factory(people={"pat": "Pat Admin"})
    pat_id = org.user_id("pat")
    stranger = org.salesforce(as_user="pat")
    stranger.session_id = "nobody"
    stranger.headers["Authorization"] = "Bearer nobody"
    with pytest.raises(SalesforceExpiredSession):
        stranger.query("SELECT Id FROM Account")
    org.restart()
    assert org.user_id("pat") == pat_id
    assert org.salesforce(as_user="pat").Account.create({"Name": "after"})["success"] is True


# --- (c) permissions -------------------------------------------------------------------------


def test_r24_without_view_setup_limits_answers_403_and_still_counts(
    local_org_factory,  # type: ignore[no-untyped-def]
) -> None:
    org = local_org_factory(deny_permissions=("ViewSetup",), people={"pat": "Pat Admin"})
    sf = org.salesforce()
    org.set_usage(0)
    response = sf.session.get(sf.base_url + "limits/", headers=sf.headers)
    assert response.status_code == 403
    [error] = response.json()
    assert error["errorCode"] == "INSUFFICIENT_ACCESS" and error["message"]
    assert response.headers["Sforce-Limit-Info"] == "api-usage=1/15000"
    query = sf.session.get(sf.base_url + "query/?q=SELECT+Id+FROM+Account", headers=sf.headers)
    assert query.status_code == 200
    assert query.headers["Sforce-Limit-Info"] == "api-usage=2/15000"
    assert org.salesforce(as_user="pat").limits()["DailyApiRequests"]["Remaining"] == 15000 - 3
    assert org.state()["denied_permissions"] == ["ViewSetup"]


def test_r17_without_modify_all_data_read_metadata_is_a_soap_fault(
    local_org_factory,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from zeep.exceptions import Fault

    org = local_org_factory(deny_permissions=("ModifyAllData",))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", org.ca_bundle)
    with pytest.raises(Fault, match="INSUFFICIENT_ACCESS") as caught:
        org.salesforce().mdapi.ActivitiesSettings.read("Activities")
    assert caught.value.code.endswith("INSUFFICIENT_ACCESS")
    assert "ModifyAllData" in caught.value.message
    assert org.salesforce().limits()["DailyApiRequests"]["Max"] == 15000  # ViewSetup still held
    org.deny()  # the admin route gives the permission back
    settings = org.salesforce().mdapi.ActivitiesSettings.read("Activities")
    assert settings.allowUsersToRelateMultipleContactsToTasksAndEvents is True
    org.deny("ModifyAllData", "ViewSetup")
    with pytest.raises(Fault, match="INSUFFICIENT_ACCESS"):
        org.salesforce().mdapi.ActivitiesSettings.read("Activities")


def _serve(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [str(Path(sys.executable).parent / "activity-sync"), "org", "serve", "--port", "0"]
    command += ["--db", str(tmp_path / "cli.db"), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--deny-permission", "ViewAllTheThings"), "unknown permission ViewAllTheThings"),
        (("--user-session", "=Pat"), "bad --user-session"),
        (("--session-id", "same", "--user-session", "same=Pat"), "must differ"),
    ],
)
def test_org_serve_refuses_bad_people_and_permissions_at_start(
    tmp_path: Path, options: tuple[str, ...], message: str
) -> None:
    finished = _serve(tmp_path, *options)
    assert finished.returncode == 2
    assert message in finished.stderr


def test_org_serve_takes_people_permissions_and_archiving_on_its_command_line(
    tmp_path: Path,
) -> None:
    """SPEC section 4: new flags are added, the announced line is unchanged."""
    import json

    command = [str(Path(sys.executable).parent / "activity-sync"), "org", "serve", "--port", "0"]
    command += ["--db", str(tmp_path / "flags.db"), "--session-id", "engine-token"]
    command += ["--user-session", "pat-token=Pat Admin", "--deny-permission", "ViewSetup"]
    command += ["--archive-after-days", "365"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        announced = json.loads(process.stdout.readline())
        assert set(announced) == {"instance_url", "session_id", "ca_bundle"}
        url = announced["instance_url"] + "/services/data/v59.0/limits/"
        answers = [
            requests.get(
                url,
                headers={"Authorization": f"Bearer {token}"},
                verify=announced["ca_bundle"],
                timeout=30,
            ).status_code
            for token in ("engine-token", "pat-token")
        ]
        assert answers == [403, 200]
    finally:
        process.terminate()
        process.wait(timeout=30)
