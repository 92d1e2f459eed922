"""Rules end to end: the CLI, the local org over HTTPS, and a receiver on 127.0.0.1 (R26).

A shared Task whose primary is at one Account and whose secondary is at another: rules
on the Name field judge the primary only. Rules fire once per Task across re-runs and
re-ingests; a 503 is retried on a later run, and the receiver can verify every post.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rules_receiver import Receiver

from adapters.cli.main import main
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.store.persistence import open_app
from domain.notices import RuleNotice, notice_uuid

KEY = "rules-secret-" + "s" * 24


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    with start_local_org(tmp_path_factory.mktemp("rules-org") / "org.db") as running:
        ids = seed(
            running.salesforce(),
            load_seed(
                {
                    "accounts": [{"ref": "one", "Name": "One"}, {"ref": "other", "Name": "Other"}],
                    "contacts": [
                        {"ref": "ann", "LastName": "Ann", "Email": "ann@one.example",
                         "AccountId": "@one"},
                        {"ref": "bob", "LastName": "Bob", "Email": "bob@other.example",
                         "AccountId": "@other"},
                    ],
                }
            ),
        )  # fmt: skip
        running.ids = {ref: made["id"] for ref, made in ids.items()}  # type: ignore[attr-defined]
        yield running


@pytest.fixture()
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


class Cli:
    """`activity-sync --store <tmp> ...` in-process: (exit code, stdout, stderr)."""

    def __init__(self, store: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.store = store
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        argv = sys.argv
        sys.argv = ["activity-sync", "--store", self.store, *args]
        try:
            with pytest.raises(SystemExit) as exited:
                main()
        finally:
            sys.argv = argv
        captured = self.capsys.readouterr()
        return int(exited.value.code or 0), captured.out, captured.err

    def ok(self, *args: str) -> str:
        code, out, err = self(*args)
        assert code == 0, (out, err)
        return out


@pytest.fixture()
def cli(org, tmp_path, capsys, monkeypatch) -> Cli:
    for name, value in org.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ACTIVITY_SYNC_RULES_SECRET", KEY)
    return Cli(f"sqlite:///{tmp_path / 'store.db'}", capsys)


def write_activities(path: Path, *activities: dict[str, Any]) -> str:
    path.write_text("".join(json.dumps(a) + "\n" for a in activities))
    return str(path)


def sent(activity_id: str, *to: str) -> dict[str, Any]:
    return {
        "id": activity_id,
        "type": "sent",
        "occurred_at": "2026-11-24T09:30:00Z",
        "sender": "rep@ours.example",
        "to": list(to),
        "subject": "Pricing",
    }


def notice(store: str, rule: str, sync_key: str) -> tuple[RuleNotice, list[str]]:
    app = open_app(store)
    try:
        found = app.repository.get(notice_uuid(rule, sync_key))
        return found, [type(e).__name__ for e in app.history(found.id)]
    finally:
        app.close()


def test_rules_fire_once_per_task_and_judge_only_the_primary(cli, org, receiver, tmp_path):
    """R26: the shared Task's primary is ann@one.example, bob@other.example is related;
    the rule on bob's domain stays silent, the rule on ann's fires, once."""
    cli.ok(
        "rules",
        "add",
        "other-domain",
        "--when",
        "task_created",
        "--where",
        "Name.Email endswith '@other.example'",
        "--post",
        receiver.url,
    )
    cli.ok(
        "rules",
        "add",
        "other-account",
        "--when",
        "task_created",
        "--where",
        f"Name.AccountId = '{org.ids['other']}'",
        "--post",
        receiver.url,
    )
    cli.ok("rules", "add", "primary-domain", "--when", "task_created",
           "--where", "Name endswith '@one.example' and Shared = true", "--post", receiver.url)  # fmt: skip
    emails = write_activities(
        tmp_path / "a.jsonl", sent("m1", "ann@one.example", "bob@other.example")
    )
    cli.ok("ingest", emails)
    cli.ok("sync")

    (post,) = receiver.posts
    assert post.signed_with(KEY)
    body = post.body
    assert body["rule"] == "primary-domain"
    assert body["primary"] == {
        "id": org.ids["ann"],
        "email": "ann@one.example",
        "account_id": org.ids["one"],
        "type": "Contact",
    }
    assert body["task"]["member_count"] == 2 and body["task"]["sobject"] == "Task"
    (task,) = org.salesforce().query(
        f"SELECT Id, WhoId, WhoCount FROM Task WHERE Id = '{body['task']['salesforce_id']}'"
    )["records"]
    assert (task["WhoId"], task["WhoCount"]) == (org.ids["ann"], 2)

    cli.ok("ingest", emails)  # re-ingested: duplicates
    cli.ok("sync")
    cli.ok("rules", "deliver", "--all")
    assert len(receiver.posts) == 1
    listed = {
        r["name"]: r["notices"] for r in json.loads(cli.ok("rules", "list", "--json"))["rules"]
    }
    assert listed["primary-domain"] == {"delivered": 1, "pending": 0, "failed": 0}
    assert listed["other-domain"] == listed["other-account"] == {"delivered": 0, "pending": 0, "failed": 0}  # fmt: skip


def test_a_503_is_retried_on_a_later_run_then_delivered(cli, receiver, tmp_path):
    """Every attempt is an event; the same signed bytes are posted again."""
    receiver.script = [503]
    cli.ok("rules", "add", "all-sent", "--when", "task_created", "--where", "Type = 'sent'",
           "--post", receiver.url)  # fmt: skip
    cli.ok("ingest", write_activities(tmp_path / "a.jsonl", sent("m2", "ann@one.example")))
    code, out, _ = cli("sync")
    assert code == 0 and "1 to retry" in out
    code, out, _ = cli("rules", "deliver", "--json")  # the back-off is not over yet
    assert code == 0 and json.loads(out)["delivered"] == 0 and len(receiver.posts) == 1
    report = json.loads(cli.ok("rules", "deliver", "--all", "--json"))
    assert report["delivered"] == 1

    first, second = receiver.posts
    assert first.raw == second.raw and first.signed_with(KEY) and second.signed_with(KEY)
    assert [p.headers["X-Activity-Sync-Attempt"] for p in receiver.posts] == ["1", "2"]
    found, kinds = notice(cli.store, "all-sent", first.body["task"]["sync_key"])
    assert kinds == ["NoticeRaised", "NoticeFailed", "NoticeDelivered"]
    assert found.attempts == 2 and found.last_error.startswith("http_503")
    assert KEY not in json.dumps(found.body)
