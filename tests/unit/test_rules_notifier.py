"""The rules' notifier against an in-memory org and a recording sender (R26).

Tasks are written by the real sync worker; the notifier judges them, raises notices once
per (rule, Task), and records every delivery attempt as an event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest
from sqlalchemy import text
from sync_fakes import FakeOrg

from adapters.notices.queue import SqlNoticeQueue
from adapters.store.persistence import locate, open_app
from adapters.store.sql import engine_for
from adapters.store.work_queue import SqlWorkQueue
from domain.activity import EmailActivity
from domain.errors import BadInput, NotFound
from domain.model import Activity, PlannedTask
from domain.notices import DELIVERED, FAILED, PENDING, RuleNotice, notice_uuid
from domain.rules import Rules
from projections.application import ActivitySyncApp
from projections.notifier import Notifier, NotifierOptions, add_rule, remove_rule
from projections.ports import DeliveryResult, NoticeSender
from projections.tracker import SettingsTracker
from projections.worker import SyncWorker, WorkerOptions

URL = "https://receiver.example/hook"


@dataclass
class RecordingSender(NoticeSender):
    """Answers with the scripted results in turn (then delivered), remembering each post."""

    script: list[DeliveryResult] = field(default_factory=list)
    posts: list[tuple[str, dict, int]] = field(default_factory=list)

    def send(self, url: str, body: Mapping[str, object], attempt: int) -> DeliveryResult:
        self.posts.append((url, dict(body), attempt))
        return self.script.pop(0) if self.script else DeliveryResult(True, 200)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Store:
    app: ActivitySyncApp
    url: str
    org: FakeOrg
    sender: RecordingSender
    clock: Clock

    def add_rule(self, name: str, where: str) -> None:
        add_rule(self.app, name, "task_created", where, URL, "test")

    def sync(self, *activities: Activity) -> None:
        self.app.record_activities([(a, "test") for a in activities])
        queue = SqlWorkQueue(self.app, engine_for(locate(self.url)))
        options = WorkerOptions(retry_base_seconds=0, retry_cap_seconds=0)
        worker = SyncWorker(
            self.app, queue, self.org, self.org, SettingsTracker(self.app, self.org),
            calls=lambda: self.org.calls_made, options=options,
        )  # fmt: skip
        worker.run()

    def notifier(self, max_attempts: int = 8) -> Notifier:
        queue = SqlNoticeQueue(self.app, engine_for(locate(self.url)), clock=self.clock)
        options = NotifierOptions(retry_base_seconds=60, max_attempts=max_attempts)
        return Notifier(self.app, queue, self.sender, options, clock=self.clock)

    def notice(self, rule: str, sync_key: str) -> RuleNotice:
        found = self.app.repository.get(notice_uuid(rule, sync_key))
        assert isinstance(found, RuleNotice)
        return found


@pytest.fixture()
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    app = open_app(url)
    org = FakeOrg()
    org.add_contact("ann@one.example", "001ONE")
    org.add_contact("bob@other.example", "001OTHER")
    org.add_contact("cat@one.example", "001ONE")
    yield Store(app, url, org, RecordingSender(), Clock())
    app.close()


def sent(activity_id: str, *to: str, subject: str = "Pricing") -> Activity:
    return Activity(
        id=activity_id,
        type="sent",
        occurred_at="2026-11-02T09:30:00+01:00",
        sender="rep@ourco.example",
        to=tuple(to),
        subject=subject,
    )


def written(store: Store, activity_id: str) -> list[str]:
    activity = store.app.activity(activity_id)
    assert activity is not None
    return list(activity.written)


def test_name_conditions_judge_the_primary_never_a_secondary(store: Store) -> None:
    """R26: a shared Task, primary at one account and a secondary at another: rules on
    the secondary's address or account do not fire, rules on the primary's do."""
    store.add_rule("other-email", "Name.Email endswith '@other.example'")
    store.add_rule("other-account", "Name.AccountId = '001OTHER'")
    store.add_rule("primary-email", "Name endswith '@one.example' and Shared = true")
    store.add_rule("primary-account", "Name.AccountId = '001ONE' and Name.Type = 'Contact'")
    store.sync(sent("m1", "ann@one.example", "bob@other.example"))
    report = store.notifier().run()
    assert report.raised == 2 and report.delivered == 2
    assert sorted(body["rule"] for _, body, _ in store.sender.posts) == [
        "primary-account",
        "primary-email",
    ]
    (key,) = written(store, "m1")
    body = store.notice("primary-email", key).body
    ann = store.org.contacts["ann@one.example"]
    assert body["primary"] == {
        "id": ann.id,
        "email": "ann@one.example",
        "account_id": "001ONE",
        "type": "Contact",
    }
    assert body["task"]["member_count"] == 2 and body["task"]["shared"] is True


def test_a_secondary_matching_rule_fires_when_that_person_is_primary(store: Store) -> None:
    """R26, the other way round: the same person as primary of their own Task fires."""
    store.add_rule("other-email", "Name.Email endswith '@other.example'")
    store.sync(sent("m1", "bob@other.example", "ann@one.example"))
    assert store.notifier().run().delivered == 1


def test_the_notice_body_names_rule_task_primary_activity_and_time(store: Store) -> None:
    store.add_rule("pricing", "Subject contains 'pricing'")
    store.sync(sent("m1", "ann@one.example"))
    store.notifier().run()
    (_, body, attempt), = store.sender.posts  # fmt: skip
    (key,) = written(store, "m1")
    assert attempt == 1
    assert body["rule"] == "pricing" and body["event"] == "task_created"
    assert body["notice_id"] == str(notice_uuid("pricing", key))
    assert body["task"]["sync_key"] == key
    assert body["task"]["salesforce_id"] == store.org.records[key]["Id"]
    assert body["task"]["sobject"] == "Task"
    assert body["task"]["subject"] == "Sent (New): Pricing"
    assert body["activity"] == {
        "id": "m1",
        "type": "sent",
        "occurred_at": "2026-11-02T09:30:00+01:00",
    }
    assert body["time"].startswith("20")


def test_a_rule_fires_once_per_task_across_runs_and_rewrites(store: Store) -> None:
    """R26 with R20: a TaskCreated recorded again for the same sync key (an upsert re-run)
    raises nothing new, and a delivered notice is never posted again."""
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("m1", "ann@one.example"))
    assert store.notifier().run().delivered == 1
    activity = store.app.activity("m1")
    assert activity is not None
    (task,) = activity.planned()
    activity.record_write(task, activity.written[task.sync_key], False, attempt=1)
    store.app.save(activity)
    store.sync(sent("m1", "ann@one.example"))  # re-ingested: a duplicate
    again = store.notifier().run()
    assert again.tasks_judged == 1 and again.raised == 0 and again.delivered == 0
    assert len(store.sender.posts) == 1


def test_rules_judge_only_tasks_written_after_they_were_added(store: Store) -> None:
    store.sync(sent("before", "ann@one.example"))
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("after", "cat@one.example"))
    report = store.notifier().run()
    assert report.tasks_judged == 1 and report.raised == 1
    assert [body["activity"]["id"] for _, body, _ in store.sender.posts] == ["after"]


def test_a_retryable_failure_waits_its_back_off_then_is_delivered(store: Store) -> None:
    """Every attempt is an event: NoticeFailed (retryable) then NoticeDelivered."""
    store.sender.script = [DeliveryResult(False, 503, "http_503", "answered 503", True)]
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("m1", "ann@one.example"))
    first = store.notifier().run()
    assert (first.retrying, first.waiting, first.failures[0]["code"]) == (1, 1, "http_503")
    assert store.notifier().run().delivered == 0  # the back-off is not over
    store.clock.now += 3600
    assert store.notifier().run().delivered == 1
    (key,) = written(store, "m1")
    notice = store.notice("all", key)
    assert notice.state == DELIVERED and notice.attempts == 2
    kinds = [type(e).__name__ for e in store.app.history(notice.id)]
    assert kinds == ["NoticeRaised", "NoticeFailed", "NoticeDelivered"]
    assert [attempt for _, _, attempt in store.sender.posts] == [1, 2]


def test_a_refusal_fails_for_good_and_retries_stop_at_the_limit(store: Store) -> None:
    store.add_rule("gone", "Type = 'sent'")
    store.sender.script = [DeliveryResult(False, 410, "http_410", "answered 410", False)]
    store.sync(sent("m1", "ann@one.example"))
    assert store.notifier().run().failed == 1
    store.sender.script = [DeliveryResult(False, None, "timeout", "no answer", True)] * 2
    store.sync(sent("m2", "cat@one.example"))
    store.notifier(max_attempts=2).run()
    store.clock.now += 3600
    report = store.notifier(max_attempts=2).run()
    assert report.failed == 1 and "gave up after 2 attempts" in report.failures[0]["message"]
    (key,) = written(store, "m2")
    assert store.notice("gone", key).state == FAILED
    store.clock.now += 86400
    assert store.notifier().run().delivered == 0 and len(store.sender.posts) == 3


def test_a_removed_rule_sends_none_of_its_waiting_notices(store: Store) -> None:
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("m1", "ann@one.example"))
    Notifier(store.app, store.notifier().queue, None).run()  # judged, no sender yet
    remove_rule(store.app, "all", "test")
    report = store.notifier().run()
    assert report.failed == 1 and not store.sender.posts
    (key,) = written(store, "m1")
    assert store.notice("all", key).state == FAILED


def test_without_a_sender_notices_wait_and_are_not_lost(store: Store) -> None:
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("m1", "ann@one.example"))
    waiting = Notifier(store.app, store.notifier().queue, None).run()
    assert (waiting.raised, waiting.waiting, waiting.delivered) == (1, 1, 0)
    (key,) = written(store, "m1")
    assert store.notice("all", key).state == PENDING
    assert store.notifier().run().delivered == 1


def test_a_lost_queue_row_never_causes_a_second_post(store: Store) -> None:
    """The queue is a view: a pending row for a delivered notice is settled without posting."""
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("m1", "ann@one.example"))
    store.notifier().run()
    (key,) = written(store, "m1")
    queue = store.notifier().queue
    queue.settle(notice_uuid("all", key), PENDING, 0, 0.0)
    assert store.notifier().run().delivered == 1
    assert len(store.sender.posts) == 1


def test_rule_names_conditions_and_urls_are_checked() -> None:
    rules = Rules.create()
    with pytest.raises(BadInput, match="unknown --when"):
        rules.add("r", "task_updated", "Type = 'sent'", URL, 0, "t")
    with pytest.raises(BadInput, match="column"):
        rules.add("r", "task_created", "Type = ", URL, 0, "t")
    with pytest.raises(BadInput, match="bad --post URL"):
        rules.add("r", "task_created", "Type = 'sent'", "ftp://x.example/", 0, "t")
    with pytest.raises(BadInput, match="bad rule name"):
        rules.add("no spaces", "task_created", "Type = 'sent'", URL, 0, "t")
    rules.add("r", "task_created", "Type = 'sent'", URL, 0, "t")
    with pytest.raises(BadInput, match="exists already"):
        rules.add("r", "task_created", "Type = 'open'", URL, 0, "t")
    with pytest.raises(NotFound):
        rules.remove("nope", "t")


def test_a_lead_primary_is_judged_as_a_lead(store: Store) -> None:
    """R9 with R26: a Lead's own Task has the Lead as its Name."""
    store.add_rule("leads", "Name.Type = 'Lead'")
    activity = EmailActivity.record(sent("m1", "lee@lead.example"), "test")
    task = PlannedTask("k1", "Task", "00Q000000000001", ("00Q000000000001",), None, "R9", None,
                       False, fields={"Subject": "Sent (New): Pricing"})  # fmt: skip
    recipient = {"address": "lee@lead.example", "outcome": "lead", "lead_id": "00Q000000000001"}
    activity.resolve([recipient], {}, {"version": 1}, [])
    activity.form_batch(task, 1, None)
    activity.record_write(task, "00T000000000009", True, 1)
    store.app.save(activity)
    store.notifier().run()
    ((_, body, _),) = store.sender.posts
    assert body["primary"]["type"] == "Lead" and body["primary"]["email"] == "lee@lead.example"


def test_one_run_tries_each_notice_once_even_ignoring_back_off(store: Store) -> None:
    """`rules deliver --all` walks the queue once: a receiver that is down gets one post per
    notice per run, not a burst that spends every attempt."""
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("m1", "ann@one.example"), sent("m2", "cat@one.example"))
    store.sync(sent("m3", "bob@other.example"))
    down = DeliveryResult(False, 503, "http_503", "answered 503", True)
    store.sender.script = [down] * 10
    notifier = store.notifier()
    notifier.options.claim_size = 1
    report = notifier.run(due_only=False)
    assert (report.retrying, len(store.sender.posts)) == (3, 3)
    assert store.notifier().run(due_only=False).retrying == 3
    assert len(store.sender.posts) == 6


def test_judging_again_after_a_crash_raises_only_what_is_new(store: Store) -> None:
    """R20 for notices: the position lost (a crash before it moved) means judging again;
    existing notices are found, new ones saved, nothing is posted twice."""
    store.add_rule("all", "Type = 'sent'")
    store.sync(sent("m1", "ann@one.example"), sent("m2", "cat@one.example"))
    assert store.notifier().run().raised == 2
    with engine_for(locate(store.url)).begin() as connection:
        connection.execute(text("UPDATE rule_notice_tracking SET notification_id = 0"))
    store.sync(sent("m3", "bob@other.example"))
    report = store.notifier().run()
    assert (report.tasks_judged, report.raised, report.delivered) == (3, 1, 1)
    assert sorted(body["activity"]["id"] for _, body, _ in store.sender.posts) == ["m1", "m2", "m3"]
