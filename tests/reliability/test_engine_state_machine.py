"""The heart of the suite: a stateful model of the whole engine against the local org (R20, R25).

Hypothesis drives `EngineMachine` (engine_machine.py) through random runs; the runs it
found wrong once are kept below as fixed examples, so they are checked on every run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_machine import FIGURES, EngineMachine
from hypothesis import settings
from reliability_support import Folders, run_machine

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def machine_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path_factory.mktemp("machine-org") / "org.db")
    yield org
    org.stop()


def examples() -> int:
    """About 10 under the dev profile, more under ci (HYPOTHESIS_PROFILE); a long hunt sets
    RELIABILITY_EXAMPLES (scripts and docs/reliability.md)."""
    wanted = os.environ.get("RELIABILITY_EXAMPLES")
    return int(wanted) if wanted else max(5, settings.default.max_examples // 6)


def test_the_engine_never_loses_or_duplicates_a_task_whatever_happens(
    machine_org: LocalOrg, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """R20, R25: ingest, re-deliver, settings changes, transient faults, crashes between
    write and record, runs and replays in any order: at most one Task per sync key, nothing
    pending dropped, and once caught up the org equals the planner's answer for the history."""
    EngineMachine.org = machine_org
    EngineMachine.folders = tmp_path_factory
    run_machine(EngineMachine, examples(), 12, FIGURES, "state machine")


# Runs the machine found, kept as fixed examples ------------------------------------------


def _check(machine: EngineMachine) -> None:
    machine.at_most_one_task_per_sync_key_and_every_recorded_write_is_in_the_org()
    machine.nothing_recorded_is_ever_dropped()
    machine.after_catching_up_the_org_is_what_the_planner_says()


@pytest.fixture
def machine(machine_org: LocalOrg, tmp_path: Path) -> Iterator[EngineMachine]:
    EngineMachine.org = machine_org
    EngineMachine.folders = Folders(tmp_path)  # type: ignore[assignment]
    driven = EngineMachine()
    yield driven
    driven.teardown()


def test_a_replay_to_batches_of_one_leaves_each_shared_task_with_its_primary_only(
    machine: EngineMachine,
) -> None:
    """R19, found by the machine: shared Tasks written, batch size set to 1, replayed and
    synced; the primary's Task must lose its former secondaries in the org (TaskWhoIds is
    sent for a shared batch of one too)."""
    machine.some_history(emails=[])
    machine.change_setting(("batch_size", "1"), replay_now=True)
    machine.run_worker(clear_faults=True)
    _check(machine)


@pytest.mark.parametrize(
    "change", [("shared_activities", "off"), ("opportunity_mode", "contact_role")]
)
def test_a_crash_after_the_write_then_a_replay_leaves_no_orphan_task_in_the_org(
    machine: EngineMachine, change: tuple[str, str]
) -> None:
    """R20, R19, found by the machine: a shared email is written but the process dies before
    recording it; a settings change is replayed before the next sync, retiring that never
    recorded Task. The next sync finds it in the org by its sync key and deletes it."""
    machine.some_history(emails=[])
    machine.crash_after_a_write(["c0", "c1", "c2"], nth=1, chunk=50)
    machine.change_setting(change, replay_now=True)
    machine.run_worker(clear_faults=True)
    _check(machine)
