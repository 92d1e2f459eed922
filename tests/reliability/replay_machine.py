"""The stateful model of replay that `test_replay_state_machine.py` drives (R18, R19, R20, R28).

Hypothesis drives the REAL engine (SQLite store, the local org over HTTPS) through random
runs of settings changes (the engine's shared-activities switch, the exclusion list, the
opportunity mode, the batch size), Salesforce support disabling and re-enabling shared
activities, syncs, and replays (plan, apply, sync; in-process or through the CLI). The
history is small and fixed at the start: one Account with two open Opportunities, five
Contacts, one or two emails, all synced while the org shares.

After every step: at most one Task per sync key, and no sync key the org held before the
step and still holds changed its Salesforce Id. After every replay: the org holds exactly
what a FRESH engine would plan for the same history under the current settings (the
planner's answer, `plan_from_history`, under settings built from the model, not read from
the store); every Task the fresh plan wants under a key it also wanted at the previous
replay kept its Salesforce Id, whichever key the store keeps it under (replay may keep an
older key, see docs/replay.md, Adoption); and a second plan at once is empty.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from reliability_support import KEY, PERSON_REF, Scene, admin_query, duplicates, fast_options

from adapters.bootstrap import Runtime, build
from adapters.cli.main import _register, cli
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg
from domain.activity import EmailActivity
from domain.model import PlannedTask
from domain.settings import Settings
from projections.replan import plan_from_history
from replay.apply import apply_plan
from replay.make_plan import PlanRequest, make_plan
from replay.org_access import observe_org, org_reader

CONTACTS = ("c0", "c1", "c2", "c3", "c4")  # c0-c3 at Acme, c4 without an Account (R10d)
RECIPIENTS = st.lists(st.sampled_from(CONTACTS), min_size=1, max_size=5, unique=True)
SECONDARIES_FIRST = ("c1", "c2", "c3", "c4", "c0")
FIGURES: Counter[str] = Counter()  # what the runs did, for the report

Shape = tuple[str, str, str | None, str | None, tuple[str, ...]]


def seed_acme(scene: Scene) -> None:
    """One Account with two open Opportunities (R10a fans a Task out to both) and a
    contact role for c0 on one (R10b); c0-c3 at the Account, c4 without one; the sender."""
    contacts = []
    for n, ref in enumerate(CONTACTS):
        row = {"ref": ref, "LastName": ref.upper(), "Email": scene.address(ref)}
        contacts.append(row | ({"AccountId": "@acme"} if n < 4 else {}))
    opportunity = {"AccountId": "@acme", "StageName": "Prospecting", "CloseDate": "2026-12-31"}
    sender = {"ref": "rep", "LastName": "Rep", "Email": scene.sender, "Username": scene.sender}
    scene.seed(
        {
            "users": [sender],
            "accounts": [{"ref": "acme", "Name": f"Acme {scene.tag}"}],
            "contacts": contacts,
            "opportunities": [
                {"ref": "big", "Name": "big", **opportunity},
                {"ref": "small", "Name": "small", **opportunity},
            ],
            "contact_roles": [{"OpportunityId": "@small", "ContactId": "@c0", "Role": "Buyer"}],
        }
    )


class ReplayMachine(RuleBasedStateMachine):
    """One example: a scene of its own in the module's org, a fresh store, the settings as
    the admin and Salesforce support left them (the model)."""

    org: LocalOrg
    folders: pytest.TempPathFactory

    def __init__(self) -> None:
        super().__init__()
        if self.org.shared_activities is not True:
            self.org.restart(shared_activities=True)  # a previous example disabled it
        self.org.set_usage(0)  # a long hunt would spend the org's daily API limit (R25)
        self.scene = Scene(self.org, self.folders.mktemp("replay"))
        seed_acme(self.scene)
        self.engine = self._build()
        self.switch = "auto"
        self.excluded: set[str] = set()
        self.opportunity_mode = "account"
        self.batch_size = 50
        self.org_shares = True
        self.emails: list[str] = []
        self.plans = 0
        self.ids_by_key: dict[str, str] = {}  # the org's sync keys -> Ids, after the last step
        self.ids_by_planned_key: dict[str, str] = {}  # the fresh plan's keys, at the last replay
        self.steps: list[str] = []  # what this example did, for a failure's message
        FIGURES["examples"] += 1

    def teardown(self) -> None:
        self.engine.close()

    # Rules ------------------------------------------------------------------------------

    @initialize(more=st.one_of(st.none(), RECIPIENTS))
    def shared_history(self, more: list[str] | None) -> None:
        """An email to c0, c1, c2 (one shared Task per Opportunity) and maybe another, synced
        while the org shares; the first replay check fixes the Ids every later one keeps."""
        for to in [["c0", "c1", "c2"], *([more] if more else [])]:
            name = f"m{len(self.emails) + 1}"
            self._ingest(self.scene.sent(name, to))
            self.emails.append(name)
        self._sync()
        self.steps.append(f"history {self.emails} (second to {more})")
        self._check_replayed()

    @rule(value=st.sampled_from(("off", "auto")), replay_now=st.booleans())
    def switch_engine(self, value: str, replay_now: bool) -> None:
        """R17: the engine's switch; `on` has its own rule (it needs the org to share)."""
        self.switch = value
        self._setting("shared_activities", value, replay_now)

    @rule(person=st.sampled_from(SECONDARIES_FIRST), replay_now=st.booleans())
    def toggle_exclusion(self, person: str, replay_now: bool) -> None:
        """R4: one person added to, or taken off, the exclusion list."""
        self.excluded ^= {self.scene.address(person)}
        self._setting("excluded", ",".join(sorted(self.excluded)), replay_now)

    @rule(mode=st.sampled_from(("contact_role", "account")), replay_now=st.booleans())
    def opportunity_rule(self, mode: str, replay_now: bool) -> None:
        """R10a, R10b: every Task to each Opportunity of the Account, or of the contact role."""
        self.opportunity_mode = mode
        self._setting("opportunity_mode", mode, replay_now)

    @rule(size=st.sampled_from((1, 2, 50)), replay_now=st.booleans())
    def batch_size_rule(self, size: int, replay_now: bool) -> None:
        """R7: batches of 1, 2 or 50."""
        self.batch_size = size
        self._setting("batch_size", str(size), replay_now)

    @precondition(lambda self: self.org_shares)
    @rule(replay_now=st.booleans())
    def switch_engine_on(self, replay_now: bool) -> None:
        """`on` while the org shares (forced on in an org that refuses shared Tasks is an
        admin's mistake that fails visibly, R18, not something replay can repair)."""
        self.switch = "on"
        self._setting("shared_activities", "on", replay_now)

    @precondition(lambda self: self.org_shares and self.switch != "on")
    @rule()
    def support_disables_sharing(self) -> None:
        """R18: Salesforce support switches shared activities off; every shared Task keeps
        only its primary."""
        FIGURES["rule support_disables_sharing"] += 1
        self.steps.append("support disables sharing")
        self.engine.close()
        self.org.restart(shared_activities=False)
        self.org_shares = False
        self.engine = self._build()

    @precondition(lambda self: not self.org_shares)
    @rule()
    def support_enables_sharing(self) -> None:
        FIGURES["rule support_enables_sharing"] += 1
        self.steps.append("support enables sharing")
        self.engine.close()
        self.org.restart(shared_activities=True)
        self.org_shares = True
        self.engine = self._build()

    @rule()
    def sync(self) -> None:
        """A sync on its own: nothing new to write, but it repairs support's disable (R18)."""
        FIGURES["rule sync"] += 1
        self.steps.append("sync")
        self._sync()

    @rule(through_cli=st.booleans())
    def replay(self, through_cli: bool) -> None:
        """R19: plan under the current settings (reading the org), apply, sync; as the
        admin does with `replay plan --out`, `replay apply PLAN --yes --sync`, or in-process."""
        FIGURES["rule replay"] += 1
        self.steps.append("replay (CLI)" if through_cli else "replay")
        if through_cli:
            self._replay_through_cli()
        else:
            header = self._plan()
            if header["totals"]["changed"]:
                apply_plan(self.engine.app, str(self._plan_path()), self._reader())
                FIGURES["replays applied"] += 1
            self._sync()
        self._check_replayed()

    # Invariants -------------------------------------------------------------------------

    @invariant()
    def one_task_per_sync_key_and_no_surviving_key_changes_its_id(self) -> None:
        """R20: never two Tasks for one key; a key the org keeps keeps its Task's Id."""
        FIGURES["steps"] += 1
        tasks = self._org_tasks()
        assert not duplicates(tasks), (duplicates(tasks), self.steps)
        now = {t[KEY]: t["Id"] for t in tasks}
        changed = {
            k: (self.ids_by_key[k], i)
            for k, i in now.items()
            if k in self.ids_by_key and self.ids_by_key[k] != i
        }
        assert not changed, ("sync keys whose Task was replaced", changed, self.steps)
        self.ids_by_key = now

    def _check_replayed(self) -> None:
        """After a replay and its sync: the org is what a fresh engine plans, Tasks the
        fresh plan keeps keep their Ids, and a second plan finds nothing to do."""
        FIGURES["full org comparisons"] += 1
        self._settings_are_the_models()
        wanted = self.fresh_plan()
        tasks = self._org_tasks()
        found = Counter(_shape(t) for t in tasks)
        assert found == Counter(wanted.values()), self._difference(found, wanted)
        by_shape = {shape: key for key, shape in wanted.items()}
        planned = {by_shape[_shape(t)]: t["Id"] for t in tasks}
        replaced = {
            k: (self.ids_by_planned_key[k], i)
            for k, i in planned.items()
            if k in self.ids_by_planned_key and self.ids_by_planned_key[k] != i
        }
        assert not replaced, ("Tasks a fresh engine keeps were replaced", replaced, self.steps)
        self.ids_by_planned_key = planned
        recorded = Counter(
            _planned_shape(PlannedTask.from_dict(t))
            for a in self._stored()
            for t in a.batches.values()
        )
        assert recorded == Counter(wanted.values()), ("the store's plan", self.steps)
        again = self._plan()
        assert again["totals"]["changed"] == 0, ("a second plan", again["counts"], self.steps)

    def fresh_plan(self) -> dict[str, Shape]:
        """Planned key -> shape of every Task a fresh engine wants for the history under the
        model's settings (the org's state included)."""
        settings = Settings(
            shared_activities=self.switch,
            org_shared_activities=self.org_shares,
            opportunity_mode=self.opportunity_mode,
            batch_size=self.batch_size,
            excluded=tuple(sorted(self.excluded)),
        )
        wanted: dict[str, Shape] = {}
        for activity in self._stored():
            for task in plan_from_history(activity, settings).tasks:
                wanted[task.sync_key] = _planned_shape(task)
        assert len(set(wanted.values())) == len(wanted), "two planned Tasks of one shape"
        return wanted

    # Helpers ----------------------------------------------------------------------------

    def _build(self) -> Runtime:
        return build(self.scene.store_url, self.org.instance_url, env=self.org.environment())

    def _setting(self, key: str, value: str, replay_now: bool) -> None:
        """R16: a new settings version, through the application; maybe replayed at once."""
        FIGURES[f"setting {key}"] += 1
        self.steps.append(f"{key} = {value!r}")
        self.engine.app.change_setting(key, value, "test")
        if replay_now:
            self.replay(through_cli=False)

    def _ingest(self, activity: dict[str, Any]) -> None:
        line = (json.dumps(activity) + "\n").encode()
        report = ingest_stream(self.engine.app, io.BytesIO(line), f"test:{self.scene.tag}")
        assert (report.accepted, report.rejected) == (1, []), report.to_dict()

    def _sync(self) -> None:
        done = self.engine.sync_round(self.engine.worker(fast_options()))
        assert done.summary.records_failed == 0 and not done.summary.pending, done.summary

    def _reader(self) -> Any:
        return org_reader(self.engine.gateway(), self.org_shares)

    def _plan_path(self) -> Path:
        return self.scene.folder / f"plan-{self.plans}.json"

    def _plan(self) -> dict[str, Any]:
        """Observe the org (R17) and plan under the current settings; the plan's header."""
        app = self.engine.app
        observe_org(app, self.engine.gateway())
        self.plans += 1
        request = PlanRequest(settings=app.settings(), reader=self._reader())
        header, _ = make_plan(app, request, self._plan_path())
        return header

    def _replay_through_cli(self) -> None:
        self.engine.close()  # the CLI is another process on the same store
        self.plans += 1
        path = str(self._plan_path())
        self._cli("replay", "plan", "--out", path)
        self._cli("replay", "apply", path, "--yes", "--sync")
        FIGURES["replays through the CLI"] += 1
        self.engine = self._build()

    def _cli(self, *args: str) -> None:
        _register()
        env = {**self.org.environment(), "ACTIVITY_SYNC_STORE": self.scene.store_url}
        result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)

    def _stored(self) -> Iterator[EmailActivity]:
        for name in self.emails:
            found = self.engine.app.activity(f"<{name}@{self.scene.tag}>/sent")
            assert found is not None and found.is_settled and not found.failed, name
            yield found

    def _settings_are_the_models(self) -> None:
        current = self.engine.app.settings()
        assert (
            current.shared_activities,
            current.org_shared_activities,
            current.opportunity_mode,
            current.batch_size,
            set(current.excluded),
        ) == (self.switch, self.org_shares, self.opportunity_mode, self.batch_size, self.excluded)

    def _org_tasks(self) -> list[dict[str, Any]]:
        """Every Task whose primary is one of the scene's people, with all its people, as an
        admin reads them (relations only while the org has shared activities)."""
        people = ",".join(
            f"'{i}'" for ref, i in sorted(self.scene.ids.items()) if PERSON_REF.fullmatch(ref)
        )
        relations = ", (SELECT RelationId FROM TaskWhoRelations)" if self.org_shares else ""
        fields = f"Id, WhoId, WhatId, Subject, {KEY}{relations}"
        rows = admin_query(self.org, f"SELECT {fields} FROM Task WHERE WhoId IN ({people})")
        return [_with_people(row) for row in rows]

    def _difference(self, found: Counter[Shape], wanted: dict[str, Shape]) -> dict[str, Any]:
        names = {v: k for k, v in self.scene.ids.items()}

        def readable(shapes: Counter[Shape]) -> list[str]:
            return sorted(
                f"{s[0].split(':')[-1].split(' ')[1]} who={names.get(s[2] or '', s[2])} "
                f"what={names.get(s[3] or '', s[3])} "
                f"people={[names.get(p, p) for p in s[4]]}"
                for s in shapes.elements()
            )

        want = Counter(wanted.values())
        return {
            "steps": self.steps,
            "org holds, unwanted": readable(found - want),
            "fresh engine wants, missing": readable(want - found),
        }


def _with_people(row: dict[str, Any]) -> dict[str, Any]:
    relations = (row.get("TaskWhoRelations") or {}).get("records") or []
    row = {k: v for k, v in row.items() if k not in ("attributes", "TaskWhoRelations")}
    row["people"] = tuple(sorted(r["RelationId"] for r in relations)) or (row["WhoId"],)
    return row


def _planned_shape(task: PlannedTask) -> Shape:
    subject = str(task.fields.get("Subject"))
    return (subject, task.sobject, task.who_id, task.what_id, tuple(sorted(task.who_ids)))


def _shape(task: dict[str, Any]) -> Shape:
    return (task["Subject"], "Task", task["WhoId"], task["WhatId"], task["people"])
