"""Back-off for retryable refusals: exponential ceiling, full jitter, injected dice (R25)."""

from __future__ import annotations

import pytest

from adapters.salesforce.retry import Backoff


def test_ceilings_double_up_to_the_cap() -> None:
    backoff = Backoff(max_attempts=8, base=0.5, cap=5.0)
    assert [backoff.ceiling(n) for n in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


@pytest.mark.parametrize("dice", [0.0, 0.25, 0.999])
def test_full_jitter_waits_a_random_share_of_the_ceiling(dice: float) -> None:
    """R25: the wait is uniform between nothing and the ceiling (dice injected)."""
    slept: list[float] = []
    backoff = Backoff(base=1.0, cap=60.0, sleep=slept.append, random=lambda: dice)
    backoff.wait(3)
    assert slept == [dice * 4.0]


def test_at_least_one_attempt() -> None:
    with pytest.raises(ValueError):
        Backoff(max_attempts=0)
