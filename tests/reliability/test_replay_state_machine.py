"""Replay is minimal and stable, whatever led here: a stateful model of replay (R18, R19, R28).

Hypothesis drives `ReplayMachine` (replay_machine.py) through random runs of settings
changes, support disabling and re-enabling shared activities, syncs and replays; the runs it
found wrong once are kept below as fixed examples, so they are checked on every run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from reliability_support import Folders, run_machine
from replay_machine import FIGURES, ReplayMachine

from adapters.local_org.launcher import LocalOrg, start_local_org


@pytest.fixture(scope="module")
def replay_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path_factory.mktemp("replay-org") / "org.db")
    yield org
    org.stop()


def examples() -> int:
    """About 6 under the dev profile, 10 under ci (HYPOTHESIS_PROFILE); a long hunt sets
    RELIABILITY_EXAMPLES (docs/reliability.md)."""
    wanted = os.environ.get("RELIABILITY_EXAMPLES")
    return int(wanted) if wanted else max(5, settings.default.max_examples // 10)


def test_replay_leaves_the_org_as_a_fresh_engine_would_whatever_led_here(
    replay_org: LocalOrg, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """R18, R19, R20: settings changes, support's disable and re-enable, syncs and replays in
    any order: after every replay the org is what a fresh engine plans for the history, no
    Task a surviving key names is replaced, and a second plan is empty."""
    ReplayMachine.org = replay_org
    ReplayMachine.folders = tmp_path_factory
    run_machine(ReplayMachine, examples(), 10, FIGURES, "replay machine")


# Runs the machine found, kept as fixed examples ------------------------------------------


@pytest.fixture
def machine(replay_org: LocalOrg, tmp_path: Path) -> Iterator[ReplayMachine]:
    ReplayMachine.org = replay_org
    ReplayMachine.folders = Folders(tmp_path)  # type: ignore[assignment]
    driven = ReplayMachine()
    yield driven
    driven.teardown()


def test_excluding_a_secondary_after_an_engine_switch_round_trip_only_unrelates_it(
    machine: ReplayMachine,
) -> None:
    """R19, issue 15: off, replay, auto, replay folds the individual Tasks back into the
    shared one (c0's Task kept); excluding c1 then unrelates c1 from it, as without the
    round trip, instead of deleting it and creating a new one."""
    machine.shared_history(more=None)
    machine.switch_engine("off", replay_now=True)
    machine.switch_engine("auto", replay_now=True)
    machine.toggle_exclusion("c1", replay_now=True)
    machine.one_task_per_sync_key_and_no_surviving_key_changes_its_id()


def test_the_engine_switched_off_again_after_a_round_trip_leaves_each_contact_alone(
    machine: ReplayMachine,
) -> None:
    """R14, R19, found by the machine: off, replay, auto, replay keeps the shared Task under
    c0's individual key; off and a replay again want c0's individual Task under that very
    key. It keeps its Id, and the write unrelates c1 and c2 (an individual Task is sent with
    TaskWhoIds when its org copy was written with others)."""
    machine.shared_history(more=None)
    machine.switch_engine("off", replay_now=True)
    machine.switch_engine("auto", replay_now=True)
    machine.switch_engine("off", replay_now=True)
    machine.one_task_per_sync_key_and_no_surviving_key_changes_its_id()
