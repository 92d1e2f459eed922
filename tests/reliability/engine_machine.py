"""The stateful model of the whole engine that `test_engine_state_machine.py` drives (R20, R25).

Hypothesis drives the REAL engine (SQLite store, the local org over HTTPS) through random
runs of: ingest, re-deliver, change a setting, inject a transient fault, crash the worker
between a write and its record, run the worker, replay. After every step: at most one Task
per sync key, every Task the store says it wrote is in the org under that id, and nothing
recorded is ever dropped (settled, or still pending). After the worker catches up with no
faults: the org holds exactly what the planner says for the history.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from reliability_support import KEY, Scene, duplicates, fast_options
from sqlalchemy import text

from adapters.input.ingest import ingest_stream
from adapters.local_org.faults import RATE_KINDS
from adapters.local_org.launcher import LocalOrg
from adapters.store.sql import engine_for
from domain.activity import EmailActivity
from domain.model import PlannedTask, WriteOutcome
from domain.settings import Settings
from projections.ports import SyncError
from projections.replan import plan_from_history
from replay.apply import apply_plan
from replay.basis import BasisChanged
from replay.make_plan import PlanRequest, make_plan
from replay.org_access import observe_org, org_reader

PEOPLE = ("c0", "c1", "c2", "c3", "c4", "c5", "l0", "l1", "nobody", "not-an-address")
RECIPIENTS = st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=5)
CONTACTS = st.lists(st.sampled_from(PEOPLE[:6]), min_size=2, max_size=5, unique=True)
ENGAGEMENTS = ("open", "click", "download", "bounce", "reply")
SETTINGS = (
    ("batch_size", "1"),
    ("batch_size", "2"),
    ("batch_size", "50"),
    ("opportunity_mode", "contact_role"),
    ("opportunity_mode", "account"),
    ("include_closed_opportunities", "true"),
    ("shared_activities", "off"),
    ("shared_activities", "on"),
    ("shared_activities", "auto"),
    ("excluded", "c1@{domain}"),
    ("excluded", "c2@{domain},l0@{domain}"),
    ("excluded", ""),
)
FIGURES: Counter[str] = Counter()  # what the runs did, for the report


class Crash(BaseException):
    """The worker dies between the org's answer and the record of it (not an Exception:
    nothing in the engine may catch it)."""


class EngineMachine(RuleBasedStateMachine):
    """One example: a scene of its own in the module's org, a fresh store, a model of intent."""

    org: LocalOrg
    folders: pytest.TempPathFactory

    def __init__(self) -> None:
        super().__init__()
        self.scene = Scene(self.org, self.folders.mktemp("example"))
        self.scene.seed_people()
        self.org.set_faults("")
        self.engine = self.scene.engine()
        self.ingested: dict[str, dict[str, Any]] = {}
        self.faults = ""
        self.settings_changed = False  # since the last replay
        self.caught_up = False
        self.made = 0
        self.plans = 0
        FIGURES["examples"] += 1

    def teardown(self) -> None:
        """Every example ends caught up and compared with the planner, whatever it did."""
        try:
            self.org.set_faults("")
            self.faults = ""
            self._catch_up()
            self.after_catching_up_the_org_is_what_the_planner_says()
        finally:
            self.engine.close()

    # Rules ------------------------------------------------------------------------------

    @initialize(emails=st.lists(RECIPIENTS, max_size=2))
    def some_history(self, emails: list[list[str]]) -> None:
        """Every example starts with shared Tasks in the org (two emails to three Contacts
        each, one with a Lead) and maybe more, so later steps meet written Tasks."""
        for to in [["c0", "c1", "c2", "l0"], ["c3", "c4", "c5"], *emails]:
            self._ingest(self.scene.sent(self._name(), to))
        self._catch_up()

    @rule(
        to=RECIPIENTS,
        cc=st.lists(st.sampled_from(PEOPLE), max_size=2),
        is_reply=st.booleans(),
    )
    def ingest_sent(self, to: list[str], cc: list[str], is_reply: bool) -> None:
        FIGURES["rule ingest_sent"] += 1
        self._ingest(self.scene.sent(self._name(), to, cc, is_reply=is_reply))

    @rule(kind=st.sampled_from(ENGAGEMENTS), actor=st.sampled_from(PEOPLE))
    def ingest_engagement(self, kind: str, actor: str) -> None:
        FIGURES["rule ingest_engagement"] += 1
        self._ingest(self.scene.engaged(self._name(), kind, actor))

    @precondition(lambda self: self.ingested)
    @rule(data=st.data())
    def redeliver(self, data: st.DataObject) -> None:
        """R20: the same id again is a no-op, whatever state the first copy is in."""
        FIGURES["rule redeliver"] += 1
        activity = self.ingested[data.draw(st.sampled_from(sorted(self.ingested)))]
        report = self._feed([activity])
        assert (report.accepted, report.duplicates, report.rejected) == (0, 1, [])
        FIGURES["redeliveries"] += 1

    @rule(change=st.sampled_from(SETTINGS), replay_now=st.booleans())
    def change_setting(self, change: tuple[str, str], replay_now: bool) -> None:
        """R16: a new settings version; maybe replayed at once (R19), as an admin would."""
        FIGURES["rule change_setting"] += 1
        key, value = change
        before = self.engine.app.settings().version
        self.engine.app.change_setting(key, value.format(domain=self.scene.domain), "test")
        if self.engine.app.settings().version != before:
            self.settings_changed = True
            self.caught_up = False
        if replay_now:
            self._replay()

    @rule(
        kind=st.sampled_from(RATE_KINDS),
        rate=st.sampled_from((0.1, 0.2, 0.3)),
        seed=st.integers(0, 10**6),
    )
    def inject_fault(self, kind: str, rate: float, seed: int) -> None:
        FIGURES["rule inject_fault"] += 1
        self.faults = f"{kind}:{rate},SEED:{seed}"
        self.org.set_faults(self.faults)
        FIGURES["faults injected"] += 1

    @rule(to=CONTACTS, nth=st.integers(1, 2), chunk=st.sampled_from((1, 2, 50)))
    def crash_after_a_write(self, to: list[str], nth: int, chunk: int) -> None:
        """An email to several Contacts arrives; the nth batch of writes reaches the org
        (with anything else pending), then the process dies before recording it; the next
        process starts from the store alone."""
        FIGURES["rule crash_after_a_write"] += 1
        self._ingest(self.scene.sent(self._name(), to))
        calls = Counter[str]()

        def die(outcomes: list[WriteOutcome]) -> None:
            calls["writes"] += 1
            if calls["writes"] == nth:
                raise Crash

        try:
            self._worker(chunk, after_write=die).run()
        except Crash:
            FIGURES["crashes"] += 1
        self.engine.close()
        self.engine = self.scene.engine()
        self.caught_up = False

    @rule(clear_faults=st.booleans())
    def run_worker(self, clear_faults: bool) -> None:
        FIGURES["rule run_worker"] += 1
        if clear_faults:
            self.faults = ""
            self.org.set_faults("")
        if self.faults:
            summary = self._worker(2).run(max_chunks=25)
            self.caught_up = False
            FIGURES["runs under faults"] += 1
            assert summary.records_failed == 0, summary
            return
        self._catch_up()

    def _catch_up(self) -> None:
        for _ in range(5):
            summary = self._worker(3).run()
            assert summary.records_failed == 0 and summary.paused is None, summary
            if not summary.pending:
                break
        assert summary.pending == 0, summary
        self.caught_up = True
        FIGURES["catch-ups"] += 1

    @precondition(lambda self: self.settings_changed)
    @rule()
    def replay(self) -> None:
        """R19: plan under the current settings (reading the org), apply, as the CLI does."""
        FIGURES["rule replay"] += 1
        self._replay()

    def _replay(self) -> None:
        app = self.engine.app
        gateway = self.engine.gateway()
        self.plans += 1
        path = self.scene.folder / f"plan-{self.plans}.json"
        try:
            observe_org(app, gateway)
            reader = org_reader(gateway, bool(app.settings().org_shared_activities))
            header, _ = make_plan(app, PlanRequest(settings=app.settings(), reader=reader), path)
            if header["totals"]["changed"]:
                apply_plan(app, str(path), reader)
                self.caught_up = False
                FIGURES["replays applied"] += 1
        except (SyncError, BasisChanged):
            assert self.faults, "replay may only fail while the org is faulty"
            FIGURES["replays refused by faults"] += 1
            return
        self.settings_changed = False

    # Invariants -------------------------------------------------------------------------

    @invariant()
    def at_most_one_task_per_sync_key_and_every_recorded_write_is_in_the_org(self) -> None:
        """R20: never two Tasks for one key; a Task the store says it wrote exists, same id."""
        FIGURES["steps"] += 1
        tasks = self.scene.org_tasks()
        assert not duplicates(tasks)
        in_org = {t[KEY]: t["Id"] for t in tasks}
        for activity in self._stored():
            for key, salesforce_id in activity.written.items():
                assert in_org.get(key) == salesforce_id, (activity.activity["id"], key)

    @invariant()
    def nothing_recorded_is_ever_dropped(self) -> None:
        """Each ingested activity is stored, and is either settled (every planned record
        written or failed visibly) or still pending in the queue."""
        pending = self._pending_ids()
        for source_id in self.ingested:
            activity = self.engine.app.activity(source_id)
            assert activity is not None, source_id
            if activity.id.hex not in pending:
                assert activity.is_settled, (source_id, activity.pending_writes())
                assert set(activity.failed) <= set(activity.batches)

    @invariant()
    def after_catching_up_the_org_is_what_the_planner_says(self) -> None:
        """With no faults and nothing pending, every activity's Tasks in the org are its
        planned ones (keys, WhoId, WhatId, people), its plan is the planner's answer for its
        history, and the org holds no other Task of the scene's people."""
        if not self.caught_up:
            return
        FIGURES["full org comparisons"] += 1
        app = self.engine.app
        current = app.settings()
        in_org = {t[KEY]: t for t in self.scene.org_tasks()}
        wanted: set[str] = set()
        for activity in self._stored():
            assert activity.is_settled and not activity.failed, activity.activity["id"]
            batches = [PlannedTask.from_dict(t) for t in activity.batches.values()]
            for task in batches:
                found = in_org.get(task.sync_key)
                assert found is not None, (activity.activity["id"], task.sync_key)
                assert found["Id"] == activity.written[task.sync_key]
                assert (found["WhoId"], found["WhatId"]) == (task.who_id, task.what_id)
                assert found["people"] == sorted(task.who_ids)
            wanted |= {t.sync_key for t in batches}
            planned_with = app.settings_at(activity.settings_version or 0)
            assert _shapes(activity, planned_with) == _shapes_of(batches)
            if not self.settings_changed:
                assert _shapes(activity, current) == _shapes_of(batches)
        assert set(in_org) == wanted, "the org holds Tasks no activity plans"

    # Helpers ----------------------------------------------------------------------------

    def _name(self) -> str:
        self.made += 1
        return f"m{self.made}"

    def _ingest(self, activity: dict[str, Any]) -> None:
        report = self._feed([activity])
        assert (report.accepted, report.rejected) == (1, []), report.to_dict()
        self.ingested[activity["id"]] = activity
        self.caught_up = False
        FIGURES["activities"] += 1

    def _feed(self, activities: list[dict[str, Any]]) -> Any:
        lines = "".join(json.dumps(a) + "\n" for a in activities).encode()
        return ingest_stream(self.engine.app, io.BytesIO(lines), f"test:{self.scene.tag}")

    def _worker(self, chunk: int, after_write: Any = None) -> Any:
        return self.engine.worker(fast_options(chunk_size=chunk), after_write, check=False)

    def _stored(self) -> Iterator[EmailActivity]:
        for source_id in self.ingested:
            found = self.engine.app.activity(source_id)
            assert found is not None
            yield found

    def _pending_ids(self) -> set[str]:
        queue = self.engine.queue()
        queue.catch_up()
        with engine_for(self.engine.location).connect() as connection:
            rows = connection.execute(
                text("SELECT activity_id FROM work_items WHERE seen_version > settled_version")
            )
            return {row[0] for row in rows}


def _shapes(activity: EmailActivity, settings: Settings) -> Counter[tuple[Any, ...]]:
    return _shapes_of(plan_from_history(activity, settings).tasks)


def _shapes_of(tasks: Any) -> Counter[tuple[Any, ...]]:
    """What a Task is, whatever key it is kept under (replay may keep an older key)."""
    return Counter((t.sobject, t.who_id, t.what_id, tuple(sorted(t.who_ids))) for t in tasks)
