"""Every command family with `--store postgresql://...` (issue 8, SPEC section 4).

One story per module on one PostgreSQL schema: settings, ingest (with a bad line),
sync into the local org; then each family reads it back. Replay runs on a store of
its own because it changes what the others read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from scale_support import Backlog, invoke
from sqlalchemy import text

from adapters.local_org.launcher import LocalOrg
from adapters.store.persistence import locate
from adapters.store.sql import engine_for

pytestmark = pytest.mark.postgres
EMAILS = 30


@dataclass
class Story:
    store: str
    org: LocalOrg
    backlog: Backlog
    path: Path
    ingested: dict[str, Any]
    synced: dict[str, Any]

    def json(self, *args: str) -> Any:
        result = invoke(self.store, self.org, *args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.output)


@pytest.fixture(scope="module")
def story(
    module_store_url: str, org: LocalOrg, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Story]:
    backlog = Backlog(org).seed(accounts=3, contacts=12, leads=2).emails(EMAILS)
    path = backlog.write(tmp_path_factory.mktemp("story") / "in.jsonl")
    with path.open("a") as stream:
        stream.write('{"id": "bad", "type": "sent", "occurred_at": "yesterday"}\n')
    settings = invoke(module_store_url, org, "settings", "set", "internal_domains", "ours.example")
    ingested = invoke(module_store_url, org, "ingest", str(path), "--json")
    synced = invoke(module_store_url, org, "sync", "--json")
    assert settings.exit_code == 0, settings.output
    assert ingested.exit_code == 2, ingested.output  # one line refused
    assert synced.exit_code == 0, synced.output
    yield Story(
        module_store_url,
        org,
        backlog,
        path,
        json.loads(ingested.output),
        json.loads(synced.output),
    )


def test_ingest_and_rejected_on_postgresql(story: Story) -> None:
    """SPEC 2, R20: good lines recorded, the bad one kept; a second ingest finds duplicates."""
    again = invoke(story.store, story.org, "ingest", str(story.path), "--json")

    assert (story.ingested["accepted"], len(story.ingested["rejected"])) == (EMAILS, 1)
    assert again.exit_code == 2  # the bad line is still bad
    assert json.loads(again.output)["accepted"] == 0
    assert json.loads(again.output)["duplicates"] == EMAILS
    kept = story.json("rejected")
    assert kept["total"] == 2 and kept["rejected"][0]["field"] == "occurred_at"


def test_settings_show_and_history_on_postgresql(story: Story) -> None:
    """R16, R17: the change made before ingest and the org's state seen by sync are events."""
    shown = story.json("settings", "show")
    history = story.json("settings", "history")

    assert shown["settings"]["internal_domains"] == ["ours.example"]
    assert shown["org_shared_activities"] is True
    assert [v["key"] for v in history["versions"][1:]] == [
        "internal_domains",
        "org_shared_activities",
    ]


def test_sync_writes_every_task_once_with_read_models_in_the_same_schema(story: Story) -> None:
    """R20, issue 8: the org holds each planned Task once; queue and view live beside the events."""
    planned = story.backlog.planned_keys(story.store)
    in_org = story.backlog.org_keys()

    assert story.synced["activities"] == EMAILS and story.synced["pending"] == 0
    assert set(in_org) == planned and set(in_org.values()) == {1}
    story.json("stats")  # brings the task view up to date
    schema = locate(story.store).schema
    with engine_for(locate(story.store)).connect() as connection:
        tables = set(
            connection.execute(
                text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                {"s": schema},
            ).scalars()
        )
    assert {"activitysync_events", "work_items", "work_tracking", "view_tracking"} <= tables


def test_explain_stats_and_views_rebuild_on_postgresql(story: Story) -> None:
    """R21, R23: explain by activity id, stats from the view, and a rebuild reading the log."""
    explained = story.json("explain", story.backlog.activities[0]["id"])
    stats = story.json("stats")
    rebuilt = story.json("views", "rebuild")

    assert explained["query"]["matched"] == "activity_id"
    assert all(t["salesforce_id"] for t in explained["tasks"])
    assert stats["activities"]["total"] == EMAILS
    assert stats["rejected_lines"] == story.json("rejected")["total"] >= 1
    assert stats["written"]["tasks"] == len(story.backlog.org_keys())
    assert rebuilt["processed"] == rebuilt["position"] > EMAILS


def test_timeline_on_postgresql(story: Story) -> None:
    """R22: the Tasks whose Name is a contact are listed with the engine's sync keys."""
    planned = story.backlog.planned_keys(story.store)
    person = story.backlog.activities[0]["to"][0]

    listed = story.json("timeline", person)

    assert listed["records"] and {r["sync_key"] for r in listed["records"]} <= planned


def test_replay_plan_and_apply_on_postgresql(
    postgres_store_url: str, org: LocalOrg, tmp_path: Path
) -> None:
    """R14, R19: switching sharing off, the plan splits shared Tasks; apply and sync carry it out."""
    backlog = Backlog(org).seed(accounts=2, contacts=6, leads=0)
    backlog.activities = [
        {
            "id": f"{backlog.tag}-{n}",
            "type": "sent",
            "occurred_at": "2026-11-02T09:00:00Z",
            "sender": backlog.sender,
            "to": backlog.contacts[n : n + 3],
        }
        for n in range(3)
    ]
    store = postgres_store_url
    for args in (
        ("ingest", str(backlog.write(tmp_path / "in.jsonl"))),
        ("sync",),
        ("settings", "set", "shared_activities", "off"),
        ("replay", "plan", "--out", str(tmp_path / "plan.json")),
        ("replay", "apply", str(tmp_path / "plan.json"), "--yes", "--sync"),
    ):
        result = invoke(store, org, *args)
        assert result.exit_code == 0, (args, result.output)

    plan = json.loads((tmp_path / "plan.json").read_text())
    assert plan["counts"]["create"] > 0 and plan["counts"]["delete"] > 0
    assert set(backlog.org_keys().values()) == {1}
    assert set(backlog.org_keys()) == backlog.planned_keys(store)
    again = json.loads(invoke(store, org, "replay", "plan", "--json").output)
    assert again["totals"]["changed"] == 0
