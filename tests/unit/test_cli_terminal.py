"""The pure parts of the terminal output: column widths, times in a zone, the follow line,
and the stop that waits for a chunk boundary (R20, R21)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import click
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.cli.interrupt import GracefulStop, Stop, left_to_do
from adapters.cli.layout import shared_widths, table_space
from adapters.cli.sync_report import did_something, round_line
from adapters.cli.zone import local_time, parse_zone
from domain.errors import BadInput
from projections.worker import SyncSummary


@given(
    space=st.integers(min_value=0, max_value=300),
    needs=st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=4),
    data=st.data(),
)
def test_prose_widths_fill_the_space_and_never_go_below_a_minimum(
    space: int, needs: list[int], data: st.DataObject
) -> None:
    minimums = data.draw(st.lists(st.integers(0, 30), min_size=len(needs), max_size=len(needs)))
    widths = shared_widths(space, needs, minimums)
    floors = [min(m, n) for m, n in zip(minimums, needs, strict=True)]
    assert all(w >= f for w, f in zip(widths, floors, strict=True))
    assert all(w <= n for w, n in zip(widths, needs, strict=True))
    if sum(needs) <= space:
        assert widths == needs
    elif sum(floors) <= space:
        assert sum(widths) <= space


def test_a_boxed_table_takes_three_characters_a_column_plus_one() -> None:
    assert table_space(80, [18, 10], 4) == 80 - 13 - 28


def in_zone(zone: str, value: Any, named: bool = False) -> str:
    with click.Context(click.Command("x")) as ctx:
        ctx.meta["activity_sync.zone"] = parse_zone(zone)
        return local_time(value, named)


def test_a_utc_time_is_shown_in_the_chosen_zone_without_microseconds() -> None:
    assert in_zone("Asia/Kolkata", "2026-12-06T05:21:02.862651+00:00") == "2026-12-06 10:51:02"
    assert in_zone("America/New_York", "2026-07-01T12:00:00Z", True) == "2026-07-01 08:00:00 EDT"


def test_a_date_without_a_time_and_a_value_that_is_not_a_time_are_shown_as_they_are() -> None:
    assert in_zone("Asia/Kolkata", "2026-11-24") == "2026-11-24"
    assert in_zone("Asia/Kolkata", "not a time at all") == "not a time at all"
    assert in_zone("Asia/Kolkata", None) == "-"


def test_an_unknown_zone_is_bad_input_naming_it() -> None:
    with pytest.raises(BadInput, match="'Mars/Olympus'"):
        parse_zone("Mars/Olympus")


def test_the_follow_line_counts_what_a_round_did() -> None:
    summary = SyncSummary(activities=40, tasks_written=12, api_calls=3)
    line = round_line(summary, datetime(2026, 12, 6, 10, 14, 3, tzinfo=UTC))
    assert line.endswith("  synced 40 activities, 12 Tasks written, 3 API calls")
    assert did_something(summary) and not did_something(SyncSummary(api_calls=1))
    one = round_line(SyncSummary(activities=1, tasks_written=1, api_calls=1))
    assert one.endswith("synced 1 activity, 1 Task written, 1 API call")


class FakeQueue:
    """Hands out one chunk, then nothing."""

    def __init__(self) -> None:
        self.chunks = [[uuid4()]]
        self.released: list[UUID] = []

    def claim(self, owner: str, limit: int, lease_seconds: float) -> list[UUID]:
        return self.chunks.pop() if self.chunks else []

    def release(self, owner: str, ids: list[UUID]) -> None:
        self.released += ids


def test_ctrl_c_while_a_chunk_is_in_flight_stops_at_the_next_claim() -> None:
    """R20: the chunk in flight is finished; the stop comes before the next is taken."""
    said: list[str] = []
    stop = GracefulStop(said.append)
    queue = stop.guard(FakeQueue())
    assert queue.claim("me", 10, 60.0)
    stop._on_signal(2, None)  # Ctrl-C mid-chunk: only asks
    assert stop.requested and said
    with pytest.raises(Stop):
        queue.claim("me", 10, 60.0)


def test_ctrl_c_with_nothing_in_flight_or_pressed_twice_stops_at_once() -> None:
    stop = GracefulStop(lambda _: None)
    with pytest.raises(Stop):
        stop._on_signal(2, None)
    queue = stop.guard(FakeQueue())
    queue.claim("me", 10, 60.0)
    stop._on_signal(2, None)
    with pytest.raises(KeyboardInterrupt):
        stop._on_signal(2, None)


def test_a_released_chunk_is_no_longer_in_flight() -> None:
    stop = GracefulStop(lambda _: None)
    queue = stop.guard(FakeQueue())
    ids = queue.claim("me", 10, 60.0)
    queue.release("me", ids)
    with pytest.raises(Stop):
        stop._on_signal(2, None)


def test_the_interrupted_sentence_counts_what_is_left_with_thousands_separators() -> None:
    assert left_to_do(lambda: 1240) == (
        "interrupted: 1,240 activities still pending; run `activity-sync sync` to go on"
    )
    assert left_to_do(lambda: 0) == "interrupted: nothing is pending"

    def broken() -> int:
        raise OSError("database is locked")

    assert left_to_do(broken) == "interrupted; run `activity-sync sync` to go on"


class SlowClaim(FakeQueue):
    """Ctrl-C arrives while the claim is being taken in the store."""

    def __init__(self, stop: GracefulStop) -> None:
        super().__init__()
        self.stop = stop

    def claim(self, owner: str, limit: int, lease_seconds: float) -> list[UUID]:
        self.stop._on_signal(2, None)
        return super().claim(owner, limit, lease_seconds)


def test_ctrl_c_during_a_claim_lets_the_claimed_chunk_finish() -> None:
    """R20: a lease taken as Ctrl-C arrives is not left behind: the chunk is worked."""
    stop = GracefulStop(lambda _: None)
    queue = stop.guard(SlowClaim(stop))
    assert queue.claim("me", 10, 60.0)  # the chunk is handed to the worker
    assert stop.requested
    with pytest.raises(Stop):
        queue.claim("me", 10, 60.0)


def test_ctrl_c_during_a_claim_that_takes_nothing_stops_right_after_it() -> None:
    """Idle (`--follow` between inputs): the stop does not wait for the next round."""
    stop = GracefulStop(lambda _: None)
    queue = SlowClaim(stop)
    queue.chunks = []
    with pytest.raises(Stop):
        stop.guard(queue).claim("me", 10, 60.0)
