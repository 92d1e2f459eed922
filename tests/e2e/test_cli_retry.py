"""`activity-sync retry` against the local org: a record refused for good, its cause fixed,
re-queued from the command line, then written by `sync` (R25; the console's retry, issue 4).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from replay_support import Case, new_case, run

from adapters.bootstrap import build
from adapters.local_org import partner_client as partner
from domain.model import Activity, RelatedRecord

CODE = "ENTITY_IS_DELETED"


@pytest.fixture
def refused(shared_org, tmp_path: Path) -> tuple[Case, str]:
    """An email about a project someone deleted in the org: its Task is refused for good."""
    case = new_case(shared_org, tmp_path, "retry", 1)
    sf = shared_org.salesforce()
    project = sf.restful("sobjects/Project__c", method="POST", json={"Name": "Retry"})["id"]
    sf.restful(f"sobjects/Project__c/{project}", method="DELETE")
    engine = build(case.store, shared_org.instance_url, env=shared_org.environment())
    about = RelatedRecord("Project__c", project)
    email = Activity(
        "retry-1", "sent", "2026-11-02T09:00:00Z", "rep@ourco.example",
        ("retry0@acme.example",), subject="Retry me", related_to=about,
    )  # fmt: skip
    engine.app.record_activities([(email, "test")])
    engine.close()
    synced = run(case, "sync", "--json")
    assert synced.returncode == 1 and json.loads(synced.stdout)["records_failed"] == 1
    return case, project


def written(case: Case, project: str) -> list[dict[str, Any]]:
    query = f"SELECT Id, WhatId FROM Task WHERE WhatId = '{project}'"
    return list(case.org.salesforce().query_all(query)["records"])


def test_a_failed_record_is_retried_by_the_cli_and_written_by_the_next_sync(refused):
    """R25: after the project is restored, `retry --code` re-queues the refused record
    (exit 0, one JSON document) and `sync` writes it."""
    case, project = refused
    partner.undelete(case.org.salesforce(), [project])

    retried = run(case, "retry", "--code", CODE, "--json")
    synced = run(case, "sync", "--json")

    assert retried.returncode == 0, retried.stderr
    document = json.loads(retried.stdout)
    assert document["requested"] == 1 and len(document["sync_keys"]) == 1
    assert synced.returncode == 0, synced.stdout
    assert [t["WhatId"] for t in written(case, project)] == [project]
    story = json.loads(run(case, "explain", "retry-1", "--json").stdout)
    kinds = [w["kind"] for t in story["tasks"] for w in t["writes"]]
    assert "retry_requested" in kinds


def test_retry_by_activity_and_a_filter_that_matches_nothing(refused):
    """R25: `--activity` picks one activity's failed records; a filter that matches nothing
    says so and exits 0, appending nothing."""
    case, project = refused
    partner.undelete(case.org.salesforce(), [project])

    nothing = run(case, "retry", "--code", "UNABLE_TO_LOCK_ROW")
    other = run(case, "retry", "--activity", "no-such-email", "--json")
    mine = run(case, "retry", "--activity", "retry-1")
    run(case, "sync", "--json")

    assert nothing.returncode == 0 and "No failed record refused with UNABLE_TO_LOCK_ROW" in (
        nothing.stdout
    )
    assert other.returncode == 0 and json.loads(other.stdout)["requested"] == 0
    assert mine.returncode == 0 and "1 failed record re-queued" in mine.stdout
    assert [t["WhatId"] for t in written(case, project)] == [project]
