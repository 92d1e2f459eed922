"""The rules' notifier: follows TaskCreated events, raises notices where a rule holds, delivers them.

Judging (R26): each TaskCreated after a rule's `since` position is judged against the
activity as it stood when the Task was written; `Name.*` conditions see the primary
only. A notice is an aggregate with a deterministic id, saved before the queue's
position moves, so a crash repeats judging but never raises a notice twice.

Delivering: pending notices are leased, posted through the `NoticeSender` port, and
every attempt is recorded as an event before the queue row changes. Retryable failures
wait an exponential back-off (with jitter) and are tried on later runs, up to
`max_attempts`; a delivered notice is never sent again.
"""

from __future__ import annotations

import os
import random
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.activity import EmailActivity
from domain.notices import DELIVERED, FAILED, RuleNotice, notice_uuid
from domain.rules import RULES_ID, Rule, Rules
from projections.application import ActivitySyncApp
from projections.ports import NoticeQueue, NoticeSender
from projections.rule_facts import notice_body, task_facts


@dataclass
class NotifierOptions:
    retry_base_seconds: float = 30.0
    retry_cap_seconds: float = 3600.0
    max_attempts: int = 8
    claim_size: int = 100
    lease_seconds: float = 300.0
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


@dataclass
class NotifyReport:
    """What one run did; `failures` lists this run's failed attempts (no secrets in them)."""

    tasks_judged: int = 0
    raised: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0  # still pending after the run (no sender yet, or in back-off)
    failures: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Raise:
    """A notice a rule raises about one written Task (not saved yet)."""

    rule: str
    sync_key: str
    url: str
    body: dict[str, Any]

    @property
    def notice_id(self) -> UUID:
        return notice_uuid(self.rule, self.sync_key)

    def notice(self) -> RuleNotice:
        return RuleNotice.raise_notice(self.rule, self.sync_key, self.url, self.body)


def load_rules(app: ActivitySyncApp) -> Rules:
    try:
        found: Rules = app.repository.get(RULES_ID)
    except AggregateNotFoundError:
        return Rules.create()
    return found


def add_rule(
    app: ActivitySyncApp, name: str, when: str, where: str, url: str, added_by: str
) -> Rule:
    """Add a rule that judges Tasks written from now on (BadInput when it cannot work)."""
    rules = load_rules(app)
    since = app.recorder.max_notification_id() or 0
    rules.add(name, when, where, url, since, added_by)
    app.save(rules)
    return rules.rules[name]


def remove_rule(app: ActivitySyncApp, name: str, removed_by: str) -> None:
    """Remove a rule (NotFound when there is none by that name)."""
    rules = load_rules(app)
    rules.remove(name, removed_by)
    app.save(rules)


class Notifier:
    """Judges written Tasks against the rules and delivers what they raise."""

    def __init__(
        self,
        app: ActivitySyncApp,
        queue: NoticeQueue,
        sender: NoticeSender | None,
        options: NotifierOptions | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.queue = queue
        self.sender = sender
        self.options = options or NotifierOptions()
        self.clock = clock

    def run(self, due_only: bool = True) -> NotifyReport:
        """Judge what was written since the last run, then deliver pending notices."""
        report = NotifyReport()
        rules = load_rules(self.app).active()
        if rules:
            self.judge(rules, report)
        self.deliver({rule.name: rule for rule in rules}, report, due_only)
        report.waiting = self.queue.pending_count()
        return report

    # Judging -----------------------------------------------------------------------------

    def judge(self, rules: list[Rule], report: NotifyReport) -> None:
        """Judge every Task written since the queue's position; notices are saved before it moves."""

        def chunk(written: Sequence[tuple[int, Any]]) -> list[tuple[UUID, str, str]]:
            raised: list[Raise] = []
            for notification_id, event in written:
                assert isinstance(event, EmailActivity.TaskCreated)
                due = [rule for rule in rules if notification_id > rule.since]
                raised.extend(self._judge_one(event, due))
            report.raised += self._save_new(raised)
            return [(r.notice_id, r.rule, r.sync_key) for r in raised]

        since = min(rule.since for rule in rules)
        report.tasks_judged += self.queue.judge_new_tasks(since, chunk)

    def _judge_one(self, event: EmailActivity.TaskCreated, rules: list[Rule]) -> list[Raise]:
        if not rules:
            return []
        activity: EmailActivity = self.app.repository.get(
            event.originator_id, version=event.originator_version
        )
        facts = task_facts(activity, event)
        return [
            Raise(rule.name, event.sync_key, rule.url, notice_body(activity, event))
            for rule in rules
            if rule.holds(facts)
        ]

    def _save_new(self, raised: list[Raise]) -> int:
        """Save freshly raised notices in one transaction; on a conflict (a Task written
        again: its notice exists), bisect to save the others. Returns how many were new.
        Notices are built anew for each attempt: a failed save has taken their events."""
        if not raised:
            return 0
        try:
            self.app.save(*(r.notice() for r in raised))
        except IntegrityError:
            if len(raised) == 1:
                return 0
            middle = len(raised) // 2
            return self._save_new(raised[:middle]) + self._save_new(raised[middle:])
        return len(raised)

    # Delivering ----------------------------------------------------------------------------

    def deliver(self, rules: dict[str, Rule], report: NotifyReport, due_only: bool) -> None:
        """One pass over the pending notices in id order: each is tried at most once a run."""
        if self.sender is None:
            return
        options, after = self.options, ""
        while ids := self.queue.claim(
            options.owner, options.claim_size, options.lease_seconds, due_only, after
        ):
            for notice_id in ids:
                self._deliver_one(notice_id, rules, report)
            after = ids[-1].hex

    def _deliver_one(self, notice_id: UUID, rules: dict[str, Rule], report: NotifyReport) -> None:
        assert self.sender is not None
        notice: RuleNotice = self.app.repository.get(notice_id)
        if not notice.is_settled:
            attempt = notice.attempts + 1
            if notice.rule not in rules:
                message = "the rule was removed before this notice was delivered"
                notice.record_failure("rule_removed", None, message, attempt, retryable=False)
            else:
                self._attempt(notice, attempt, report)
            self.app.save(notice)
        self._settle(notice, report)

    def _attempt(self, notice: RuleNotice, attempt: int, report: NotifyReport) -> None:
        assert self.sender is not None
        result = self.sender.send(notice.url, notice.body, attempt)
        if result.delivered:
            notice.mark_delivered(result.status or 200, attempt)
            return
        retryable = result.retryable and attempt < self.options.max_attempts
        message = result.message
        if result.retryable and not retryable:
            message = f"{message} (gave up after {attempt} attempts)"
        notice.record_failure(result.code, result.status, message, attempt, retryable)
        report.failures.append(
            {
                "notice_id": str(notice.id),
                "rule": notice.rule,
                "sync_key": notice.sync_key,
                "attempt": attempt,
                "code": result.code,
                "message": message,
                "retryable": retryable,
            }
        )

    def _settle(self, notice: RuleNotice, report: NotifyReport) -> None:
        not_before = 0.0
        if notice.state == DELIVERED:
            report.delivered += 1
        elif notice.state == FAILED:
            report.failed += 1
        else:
            report.retrying += 1
            not_before = self.clock() + self._delay(notice.attempts)
        self.queue.settle(notice.id, notice.state, notice.attempts, not_before)

    def _delay(self, attempt: int) -> float:
        base = self.options.retry_base_seconds * 2.0 ** max(0, attempt - 1)
        capped = min(self.options.retry_cap_seconds, base)
        return capped * random.uniform(0.8, 1.2)
