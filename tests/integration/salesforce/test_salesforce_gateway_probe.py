"""Detection of shared activities, the start-up check, and the timeline (R17, R22)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from salesforce_org_helpers import admin, env_of, gateway_for, planned_task, seed

from adapters.salesforce import check_ready
from domain.model import PlannedTask
from projections.ports import SharedActivitiesState


def test_the_metadata_api_tells_and_describe_stands_in_when_refused(fresh_org: Any) -> None:
    """R17: readMetadata(ActivitiesSettings) over the org's own certificate, both ways; with
    INSUFFICIENT_ACCESS (no Modify All Data) describe of Task (TaskWhoIds) tells instead."""
    org = fresh_org(shared_activities=True)
    gateway = gateway_for(org)  # one client: the Metadata API's WSDL is parsed once
    assert gateway.shared_activities() == SharedActivitiesState(True, "metadata_api")
    org.set_metadata_readable(False)
    assert gateway.shared_activities() == SharedActivitiesState(True, "describe")
    org.restart(shared_activities=False)  # same port and session id
    assert gateway.shared_activities() == SharedActivitiesState(False, "metadata_api")
    org.set_metadata_readable(False)
    assert gateway.shared_activities() == SharedActivitiesState(False, "describe")


def test_describe_answers_when_the_metadata_api_is_unreachable(org: Any) -> None:
    """R17: any failure of the Metadata API path (here a wrong endpoint) falls back."""
    gateway = gateway_for(org)
    gateway.transport.sf.metadata_url = org.instance_url + "/services/Soap/nowhere/"
    assert gateway.shared_activities() == SharedActivitiesState(True, "describe")


def test_the_local_org_is_ready(org: Any) -> None:
    check_ready(gateway_for(org))


def task(
    key: str, who_ids: list[str], subject: str, date: str, what: str | None = None
) -> PlannedTask:
    fields = {"Subject": subject, "Status": "Completed", "ActivityDate": date}
    return planned_task(key, who_ids, fields, what)


def test_timeline_shows_a_shared_task_for_its_primary_only(org: Any) -> None:
    """R22: A is primary of a shared Task with B; B sees only the Task where B is primary."""
    sf = admin(org)
    (account,) = seed(sf, "Account", [{"Name": "Timeline Inc"}])
    a, b = seed(
        sf,
        "Contact",
        [
            {"LastName": "A", "Email": "a@timeline.example", "AccountId": account},
            {"LastName": "B", "Email": "b@timeline.example", "AccountId": account},
        ],
    )
    gateway = gateway_for(org)
    outcomes = gateway.write(
        [
            task("tl-shared", [a, b], "Sent (New): shared", "2026-03-01", account),
            task("tl-b", [b], "Opened: later", "2026-03-05"),
            task("tl-a-old", [a], "Opened: old", "2026-01-01"),
        ]
    )
    assert all(o.ok for o in outcomes)
    seed(
        sf,
        "Event",
        [
            {
                "Subject": "Meeting: kickoff",
                "WhoId": a,
                "StartDateTime": "2026-03-03T10:00:00.000+0000",
                "EndDateTime": "2026-03-03T11:00:00.000+0000",
            }
        ],
    )
    of_a = gateway.timeline("A@Timeline.example")
    assert [e.subject for e in of_a] == ["Meeting: kickoff", "Sent (New): shared", "Opened: old"]
    assert of_a[1].what_name == "Timeline Inc" and of_a[1].who_ids == (a,)
    of_b = gateway.timeline("b@timeline.example")
    assert [e.subject for e in of_b] == ["Opened: later"]


def test_the_timeline_command_prints_json(org: Any, tmp_path: Path) -> None:
    """R22: `activity-sync timeline EMAIL --json` through the CLI, configured by environment."""
    sf = admin(org)
    (contact,) = seed(sf, "Contact", [{"LastName": "Cli", "Email": "cli@timeline.example"}])
    gateway_for(org).write([task("tl-cli", [contact], "Clicked: https://x.example", "2026-02-02")])
    store = f"sqlite:///{tmp_path / 'store.db'}"
    env = {**os.environ, **env_of(org), "ACTIVITY_SYNC_STORE": store}
    made = subprocess.run(  # a store to read from (timeline refuses a missing one)
        [sys.executable, "-c", "from adapters.cli.main import main; main()", "ingest", "-"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from adapters.cli.main import main; main()",
            "timeline",
            "cli@timeline.example",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [r["subject"] for r in document["records"]] == ["Clicked: https://x.example"]
    unknown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from adapters.cli.main import main; main()",
            "timeline",
            "nobody@timeline.example",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert unknown.returncode == 1 and "no Contact or Lead" in unknown.stderr
