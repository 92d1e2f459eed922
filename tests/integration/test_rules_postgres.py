"""Rules on a PostgreSQL store: notices raised once, leased without overlap, retried (R26)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

import pytest

from adapters.notices.queue import SqlNoticeQueue
from adapters.store.persistence import locate, open_app
from adapters.store.sql import engine_for
from domain.activity import EmailActivity
from domain.model import Activity, PlannedTask
from domain.notices import DELIVERED, RuleNotice, notice_uuid
from projections.application import ActivitySyncApp
from projections.notifier import Notifier, NotifierOptions, add_rule
from projections.ports import DeliveryResult, NoticeSender

pytestmark = pytest.mark.postgres
PRIMARY, SECONDARY = "003000000000001AAA", "003000000000002AAA"


class Sender(NoticeSender):
    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.posts: list[dict[str, object]] = []

    def send(self, url: str, body: Mapping[str, object], attempt: int) -> DeliveryResult:
        self.posts.append(dict(body))
        status = self.statuses.pop(0) if self.statuses else 200
        if status < 300:
            return DeliveryResult(True, status)
        return DeliveryResult(False, status, f"http_{status}", "answered", status >= 500)


@pytest.fixture()
def app(postgres_store_url: str) -> Iterator[tuple[ActivitySyncApp, str]]:
    opened = open_app(postgres_store_url)
    yield opened, postgres_store_url
    opened.close()


def write_shared_task(app: ActivitySyncApp, n: int) -> str:
    """A shared Task written for (primary at one.example, secondary at other.example)."""
    email = Activity(f"m{n}", "sent", "2026-11-24T09:30:00Z", "rep@ours.example",
                     to=("ann@one.example", "bob@other.example"), subject="Pricing")  # fmt: skip
    activity = EmailActivity.record(email, "test")
    recipients = [
        {"address": "ann@one.example", "outcome": "contact", "contact_id": PRIMARY,
         "account_id": "001ONE"},
        {"address": "bob@other.example", "outcome": "contact", "contact_id": SECONDARY,
         "account_id": "001OTHER"},
    ]  # fmt: skip
    key = f"key-{n}"
    task = PlannedTask(key, "Task", PRIMARY, (PRIMARY, SECONDARY), "001ONE", "R10c", "001ONE",
                       True, fields={"Subject": "Sent (New): Pricing"})  # fmt: skip
    activity.resolve(recipients, {}, {"version": 1}, [])
    activity.form_batch(task, 1, None)
    activity.record_write(task, f"00T00000000000{n}AAA", True, 1)
    app.save(activity)
    return key


def test_postgres_notices_judge_the_primary_fire_once_and_retry(app) -> None:
    store, url = app
    add_rule(store, "other", "task_created", "Name.Email endswith '@other.example'", "http://r.example/", "t")  # fmt: skip
    add_rule(store, "one", "task_created", "Name.AccountId = '001ONE'", "http://r.example/", "t")
    keys = [write_shared_task(store, n) for n in range(3)]
    queue = SqlNoticeQueue(store, engine_for(locate(url)))
    sender = Sender([503])
    options = NotifierOptions(retry_base_seconds=0, retry_cap_seconds=0, claim_size=2)
    first = Notifier(store, queue, sender, options).run()
    assert (first.raised, first.delivered, first.retrying) == (3, 2, 1)
    second = Notifier(store, queue, sender, options).run()
    assert (second.raised, second.delivered, second.tasks_judged) == (0, 1, 0)
    posted = Counter(p["task"]["sync_key"] for p in sender.posts)
    assert set(posted) == set(keys) and sorted(posted.values()) == [1, 1, 2]  # one 503, retried
    assert all(p["rule"] == "one" for p in sender.posts)
    for key in keys:
        notice = store.repository.get(notice_uuid("one", key))
        assert isinstance(notice, RuleNotice) and notice.state == DELIVERED


def test_postgres_leases_never_hand_one_notice_to_two_runs(app) -> None:
    store, url = app
    add_rule(store, "all", "task_created", "Type = 'sent'", "http://r.example/", "t")
    for n in range(4):
        write_shared_task(store, n)
    Notifier(store, SqlNoticeQueue(store, engine_for(locate(url))), None).run()
    queue = SqlNoticeQueue(store, engine_for(locate(url)))
    first = queue.claim("a", 3, 60, due_only=True)
    second = queue.claim("b", 3, 60, due_only=True)
    assert len(first) == 3 and len(second) == 1 and not set(first) & set(second)
