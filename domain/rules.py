"""The admin's rules (R26): when a Task is written and its condition holds, post a notice.

One `Rules` aggregate holds them all; adding and removing are events, so the audit
shows who changed the rules and when. A rule only judges Tasks written after it was
added: `since` is the event log's position at that moment.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from eventsourcing.domain import Aggregate

from domain.errors import BadInput, NotFound
from domain.rule_conditions import Node, evaluate, parse

RULES_ID = uuid.uuid5(uuid.NAMESPACE_URL, "activity-sync:rules")
WHEN = ("task_created",)
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_parsed = lru_cache(maxsize=256)(parse)


@dataclass(frozen=True)
class Rule:
    """One rule as it stands; `condition` is parsed from `where` on demand."""

    name: str
    when: str
    where: str
    url: str
    since: int  # rules judge Tasks whose TaskCreated comes after this log position
    added_by: str = "cli"
    added_at: str = ""

    @property
    def condition(self) -> Node:
        return _parsed(self.where)

    def holds(self, facts: dict[str, str | None]) -> bool:
        return evaluate(self.condition, facts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "when": self.when,
            "where": self.where,
            "url": self.url,
            "since": self.since,
            "added_by": self.added_by,
            "added_at": self.added_at,
        }


def check_rule(name: str, when: str, where: str, url: str) -> None:
    """Refuse a rule that could never work (BadInput, exit 2); the condition must parse."""
    if not _NAME.match(name):
        raise BadInput(
            f"bad rule name {name!r}: use 1-64 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    if when not in WHEN:
        raise BadInput(f"unknown --when {when!r}: use one of {', '.join(WHEN)}")
    parse(where)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"bad --post URL {url!r}: use an http:// or https:// address")


class Rules(Aggregate):
    """Every rule of the store, by name."""

    TOPIC = "activity_sync:Rules"

    class Created(Aggregate.Created):
        TOPIC = "activity_sync:Rules.Created"

    class Event(Aggregate.Event):
        TOPIC = "activity_sync:Rules.Event"

        def apply(self, aggregate: Rules) -> None:
            aggregate.apply(self)

    class RuleAdded(Event):
        """An admin added a rule."""

        TOPIC = "activity_sync:Rules.RuleAdded"
        name: str
        when: str
        where: str
        url: str
        since: int
        added_by: str

    class RuleRemoved(Event):
        """An admin removed a rule; its notices not yet delivered are not sent."""

        TOPIC = "activity_sync:Rules.RuleRemoved"
        name: str
        removed_by: str

    def __init__(self) -> None:
        self.rules: dict[str, Rule] = {}

    def apply(self, event: Aggregate.Event) -> None:
        """The one mutator, by event type: rules come and go by name."""
        match event:
            case Rules.RuleAdded():
                self.rules[event.name] = Rule(
                    event.name,
                    event.when,
                    event.where,
                    event.url,
                    event.since,
                    event.added_by,
                    event.timestamp.isoformat(),
                )
            case Rules.RuleRemoved():
                self.rules.pop(event.name, None)

    @classmethod
    def create(cls) -> Rules:
        return cls._create(cls.Created, id=RULES_ID)

    def add(self, name: str, when: str, where: str, url: str, since: int, added_by: str) -> None:
        check_rule(name, when, where, url)
        if name in self.rules:
            raise BadInput(f"a rule named {name!r} exists already: remove it first")
        self.trigger_event(
            self.RuleAdded,
            name=name,
            when=when,
            where=where,
            url=url,
            since=since,
            added_by=added_by,
        )

    def remove(self, name: str, removed_by: str) -> None:
        if name not in self.rules:
            raise NotFound(f"no rule named {name!r} (see `activity-sync rules list`)")
        self.trigger_event(self.RuleRemoved, name=name, removed_by=removed_by)

    def active(self, when: str = "task_created") -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.when == when]
