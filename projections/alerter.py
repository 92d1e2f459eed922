"""Alerts to the admin: follows the log, raises what the rules say (`alert_rules`), delivers them.

Raising: every followed event after the queue's position is judged; an alert is an
aggregate with a deterministic id, saved before the position moves, so a crash repeats
judging but never raises an alert twice. Delivering: pending alerts are leased, sent
through the `AlertSender` port, every attempt recorded as an event before the queue row
changes; retryable failures wait an exponential back-off, up to `max_attempts`. A
delivered alert is never sent again; an undelivered one is never dropped.
"""

from __future__ import annotations

import os
import random
import socket
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import IntegrityError

from domain.alert_settings import ALERT_SETTINGS_ID, AlertConfig, AlertSettings
from domain.alerts import Alert, alert_uuid
from domain.notices import DELIVERED, FAILED
from projections.alert_rules import AlertState, Draft, judge
from projections.application import ActivitySyncApp
from projections.ports import DeliveryResult

JudgeChunk = Callable[[Sequence[tuple[int, Any]], AlertState], list[UUID]]


class AlertQueue(ABC):
    """Which alerts wait for delivery, how far judging read the log, and the rules' memory."""

    @abstractmethod
    def judge_new(self, judge: JudgeChunk) -> int:
        """Hand each chunk of followed events after the position to `judge` with the rules'
        state; add the alerts it returns as pending and keep the state and the new position,
        in one transaction. Returns how many events were judged."""

    @abstractmethod
    def claim(self, owner: str, limit: int, lease_seconds: float, after: str = "") -> list[UUID]:
        """Lease due pending alerts whose id (hex) sorts after `after`, in id order."""

    @abstractmethod
    def settle(self, alert_id: UUID, state: str, attempts: int, not_before: float) -> None: ...

    @abstractmethod
    def pending_count(self) -> int: ...


class AlertSender(ABC):
    """Sends one alert to the admin's address; never raises for the receiver's answer."""

    @abstractmethod
    def send(self, alert: Alert, config: AlertConfig, attempt: int) -> DeliveryResult: ...

    def problem(self, config: AlertConfig) -> str | None:
        """Why nothing can be sent at all now (alerts then wait, no attempt is recorded)."""
        return None


@dataclass
class AlertOptions:
    retry_base_seconds: float = 30.0
    retry_cap_seconds: float = 3600.0
    max_attempts: int = 8
    claim_size: int = 50
    lease_seconds: float = 300.0
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")


@dataclass
class AlertReport:
    raised: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    waiting: int = 0
    problem: str | None = None  # why alerts wait unsent (no address, no secret)
    failures: list[dict[str, object]] = field(default_factory=list)


def alert_config(app: ActivitySyncApp) -> AlertConfig:
    return alert_settings(app).config


def alert_settings(app: ActivitySyncApp) -> AlertSettings:
    try:
        found: AlertSettings = app.repository.get(ALERT_SETTINGS_ID)
    except AggregateNotFoundError:
        return AlertSettings.create()
    return found


def change_alert_setting(app: ActivitySyncApp, key: str, raw: str, changed_by: str) -> bool:
    """Change one alert setting (BadSetting when invalid); False when unchanged."""
    aggregate = alert_settings(app)
    changed = aggregate.change(key, raw, changed_by)
    if changed:
        app.save(aggregate)
    return changed


class Alerter:
    """Raises alerts from the log and delivers them."""

    def __init__(
        self,
        app: ActivitySyncApp,
        queue: AlertQueue,
        sender: AlertSender | None,
        options: AlertOptions | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.app = app
        self.queue = queue
        self.sender = sender
        self.options = options or AlertOptions()
        self.clock = clock

    def run(self) -> AlertReport:
        report = AlertReport()
        config = alert_config(self.app)
        now = self.clock()

        def chunk(events: Sequence[tuple[int, Any]], state: AlertState) -> list[UUID]:
            drafts = [d for position, e in events for d in judge(e, position, state, config, now)]
            report.raised += self._save_new(drafts)
            return [alert_uuid(d.kind, d.key) for d in drafts]

        self.queue.judge_new(chunk)
        if self.sender is not None and config.enabled:
            report.problem = self.sender.problem(config)
            if report.problem is None:
                self._deliver(config, report)
        report.waiting = self.queue.pending_count()
        return report

    def _save_new(self, drafts: list[Draft]) -> int:
        """Save new alerts together; an existing one (judged again) is skipped by bisection."""
        if not drafts:
            return 0
        try:
            self.app.save(*(Alert.raise_alert(**_fields(d)) for d in drafts))
        except IntegrityError:
            if len(drafts) == 1:
                return 0
            middle = len(drafts) // 2
            return self._save_new(drafts[:middle]) + self._save_new(drafts[middle:])
        return len(drafts)

    def _deliver(self, config: AlertConfig, report: AlertReport) -> None:
        options, after = self.options, ""
        while ids := self.queue.claim(
            options.owner, options.claim_size, options.lease_seconds, after
        ):
            for alert_id in ids:
                self._deliver_one(alert_id, config, report)
            after = ids[-1].hex

    def _deliver_one(self, alert_id: UUID, config: AlertConfig, report: AlertReport) -> None:
        assert self.sender is not None
        alert: Alert = self.app.repository.get(alert_id)
        if not alert.is_settled:
            attempt = alert.attempts + 1
            result = self.sender.send(alert, config, attempt)
            if result.delivered:
                alert.mark_delivered(result.status or 200, attempt)
            else:
                self._failed(alert, result, attempt, report)
            self.app.save(alert)
        not_before = 0.0
        if alert.state == DELIVERED:
            report.delivered += 1
        elif alert.state == FAILED:
            report.failed += 1
        else:
            report.retrying += 1
            not_before = self.clock() + self._delay(alert.attempts)
        self.queue.settle(alert.id, alert.state, alert.attempts, not_before)

    def _failed(
        self, alert: Alert, result: DeliveryResult, attempt: int, report: AlertReport
    ) -> None:
        retryable = result.retryable and attempt < self.options.max_attempts
        message = result.message
        if result.retryable and not retryable:
            message = f"{message} (gave up after {attempt} attempts)"
        alert.record_failure(result.code, result.status, message, attempt, retryable)
        report.failures.append(
            {
                "alert_id": str(alert.id),
                "kind": alert.kind,
                "attempt": attempt,
                "code": result.code,
                "message": message,
                "retryable": retryable,
            }
        )

    def _delay(self, attempt: int) -> float:
        base = self.options.retry_base_seconds * 2.0 ** max(0, attempt - 1)
        return min(self.options.retry_cap_seconds, base) * random.uniform(0.8, 1.2)


def _fields(draft: Draft) -> dict[str, Any]:
    return {
        "kind": draft.kind,
        "key": draft.key,
        "summary": draft.summary,
        "detail": draft.detail,
        "happened_at": draft.happened_at,
    }
