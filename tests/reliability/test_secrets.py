"""Security basics: secrets come only from the environment or an owner-only file, and never
leave it: not in events, the store, logs, `explain`, `stats`, plans or error text.

A full run (ingest, a sync that fails one record for good, stats, explain, rejected,
replay plan, timeline) and failing runs (a wrong session id, an org refusing every
session, an unreadable or too open secret file) are grepped for the session id, the
password and the security token. The local org refuses a wrong session id as Salesforce does.
"""

from __future__ import annotations

import os
import random
import secrets
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from reliability_support import Scene
from reliability_trials import doomed_activity, mixed_activities, run_cli
from simple_salesforce.exceptions import SalesforceExpiredSession

from adapters.local_org.client import connect
from adapters.local_org.launcher import LocalOrg, start_local_org

PASSWORD = f"pw-{secrets.token_urlsafe(12)}"
TOKEN = f"tok-{secrets.token_urlsafe(12)}"
CREDENTIALS = {
    "SALESFORCE_USERNAME": "integration@ours.example",
    "SALESFORCE_PASSWORD": PASSWORD,
    "SALESFORCE_SECURITY_TOKEN": TOKEN,
}


@pytest.fixture(scope="module")
def guarded_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path_factory.mktemp("secret-org") / "org.db")
    yield org
    org.stop()


def _leaks(text: bytes, org: LocalOrg, *more: str) -> list[str]:
    names = {"session id": org.session_id, "password": PASSWORD, "token": TOKEN}
    names |= {f"secret {n}": value for n, value in enumerate(more)}
    return [name for name, value in names.items() if value.encode() in text]


def _said(done: subprocess.CompletedProcess[str]) -> bytes:
    return (done.stdout + done.stderr).encode()


def test_a_full_run_and_failing_runs_never_show_a_secret_anywhere(
    guarded_org: LocalOrg, tmp_path: Path
) -> None:
    """Secrets stay in the environment: every output of every command, the store's raw
    bytes (events and views), the plan file and the local org's log are free of them."""
    scene = Scene(guarded_org, tmp_path)
    scene.seed_people(contacts=6)
    doomed = doomed_activity(scene)
    path = scene.write_jsonl(
        "in.jsonl", [*mixed_activities(scene, 12, 6, random.Random(9)), doomed]
    )
    path.write_text(path.read_text() + "{not json\n")
    wrong = f"wrong-{secrets.token_urlsafe(16)}"
    plan = tmp_path / "plan.json"

    runs = [
        run_cli(scene, "ingest", str(path), **CREDENTIALS),
        run_cli(scene, "sync", **CREDENTIALS),
        run_cli(scene, "stats", **CREDENTIALS),
        run_cli(scene, "stats", "--json", **CREDENTIALS),
        run_cli(scene, "explain", doomed["id"], **CREDENTIALS),
        run_cli(scene, "explain", "--json", doomed["id"], **CREDENTIALS),
        run_cli(scene, "rejected", **CREDENTIALS),
        run_cli(scene, "replay", "plan", "--out", str(plan), **CREDENTIALS),
        run_cli(scene, "timeline", scene.address("c0"), **CREDENTIALS),
    ]
    refused = run_cli(scene, "sync", SALESFORCE_SESSION_ID=wrong, **CREDENTIALS)
    guarded_org.set_faults("INVALID_SESSION_ID:1")
    try:
        expired = run_cli(scene, "sync", **CREDENTIALS)
    finally:
        guarded_org.set_faults("")

    assert [r.returncode for r in runs] == [2, 1, 0, 0, 0, 0, 0, 0, 0], [
        r.stderr[-300:] for r in runs
    ]
    assert "ENTITY_IS_DELETED" in runs[4].stdout
    assert refused.returncode == 1 and "refused the session" in refused.stderr
    assert expired.returncode == 1 and "refused the session" in expired.stderr
    for done in [*runs, refused, expired]:
        assert not _leaks(_said(done), guarded_org, wrong), (done.args[3:], _said(done)[-500:])
    for stored in sorted(tmp_path.rglob("*")):
        if stored.is_file():
            assert not _leaks(stored.read_bytes(), guarded_org, wrong), stored
    org_log = Path(f"{guarded_org.db_path}.log")
    assert not _leaks(org_log.read_bytes(), guarded_org, wrong), org_log


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604], ids=["644", "640", "604"])
def test_a_secret_file_others_can_read_is_refused_without_showing_the_secret(
    guarded_org: LocalOrg, tmp_path: Path, mode: int
) -> None:
    """SALESFORCE_SESSION_ID_FILE must be owner-only: otherwise one clear sentence naming
    the file and `chmod 600`, exit 1, and nothing of its content."""
    scene = Scene(guarded_org, tmp_path)
    secret_file = tmp_path / "session"
    secret_file.write_text(guarded_org.session_id + "\n")
    secret_file.chmod(mode)

    done = run_cli(
        scene, "sync", SALESFORCE_SESSION_ID="", SALESFORCE_SESSION_ID_FILE=str(secret_file)
    )

    assert done.returncode == 1
    assert "chmod 600" in done.stderr and str(secret_file) in done.stderr
    assert not _leaks(_said(done), guarded_org)


def test_an_owner_only_secret_file_is_used(guarded_org: LocalOrg, tmp_path: Path) -> None:
    """SALESFORCE_SESSION_ID_FILE with mode 600 (and no SALESFORCE_SESSION_ID) connects."""
    scene = Scene(guarded_org, tmp_path)
    secret_file = tmp_path / "session"
    secret_file.write_text(guarded_org.session_id + "\n")
    os.chmod(secret_file, 0o600)

    done = run_cli(
        scene,
        "sync",
        "--json",
        SALESFORCE_SESSION_ID="",
        SALESFORCE_SESSION_ID_FILE=str(secret_file),
    )

    assert done.returncode == 0, done.stderr
    assert not _leaks(_said(done), guarded_org)


def test_the_local_org_refuses_a_wrong_session_id_as_salesforce_does(
    guarded_org: LocalOrg,
) -> None:
    """SPEC section 4: 401 INVALID_SESSION_ID for a wrong, an empty or a missing session id,
    on the REST API and on the admin routes; simple-salesforce sees an expired session."""
    session = requests.Session()
    session.trust_env = False
    url = f"{guarded_org.instance_url}/services/data/v59.0/limits"
    for headers in (
        {"Authorization": f"Bearer {guarded_org.session_id}x"},
        {"Authorization": "Bearer "},
        {},
    ):
        for target in (url, f"{guarded_org.instance_url}/__admin/state"):
            answer = session.get(target, headers=headers, verify=guarded_org.ca_bundle, timeout=30)
            assert answer.status_code == 401, target
            assert answer.json()[0]["errorCode"] == "INVALID_SESSION_ID"
            assert guarded_org.session_id not in answer.text
    wrong = connect(guarded_org.instance_url, "not-the-session", guarded_org.ca_bundle)
    with pytest.raises(SalesforceExpiredSession):
        wrong.query("SELECT Id FROM Contact LIMIT 1")
