"""`replay plan --workers`: a number, or auto (R19 planning on large stores)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from adapters.cli.main import main
from replay.parallel import AUTO_MIN_EVENTS, auto_workers, parse_workers


def test_auto_plans_a_small_store_in_one_process_whatever_the_cores() -> None:
    assert auto_workers(AUTO_MIN_EVENTS - 1, cores=8) == 1


def test_auto_uses_one_process_per_core_on_a_large_store_up_to_four() -> None:
    assert auto_workers(AUTO_MIN_EVENTS, cores=1) == 1
    assert auto_workers(AUTO_MIN_EVENTS, cores=2) == 2
    assert auto_workers(10 * AUTO_MIN_EVENTS, cores=16) == 4


def test_a_number_of_workers_is_taken_as_given() -> None:
    assert parse_workers("3", events=10) == 3
    assert parse_workers(" AUTO ", events=10) == 1


@pytest.mark.parametrize("text", ["0", "-2", "two", ""])
def test_a_worker_count_that_is_not_a_positive_number_or_auto_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_workers(text, events=10)


def test_replay_plan_names_the_flag_when_the_worker_count_is_bad(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad input names its field and exits 2; nothing is planned."""
    store = f"sqlite:///{tmp_path}/store.db"
    argv = sys.argv
    sys.argv = ["activity-sync", "--store", store, "replay", "plan", "--no-org", "--workers", "x"]
    try:
        with pytest.raises(SystemExit) as exited:
            main()
    finally:
        sys.argv = argv
    assert exited.value.code == 2
    assert "--workers: expected a whole number or auto, not 'x'" in capsys.readouterr().err
