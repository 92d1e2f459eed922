"""Exponential back-off with full jitter for retryable refusals (R25), clock and dice injected."""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Backoff:
    """Attempt n (1-based) that failed waits uniform(0, min(cap, base * 2**(n-1))) seconds."""

    max_attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    random: Callable[[], float] = field(default=_random.random)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    def ceiling(self, attempt: int) -> float:
        """The longest wait after the given failed attempt."""
        return float(min(self.cap, self.base * 2.0 ** (attempt - 1)))

    def delay(self, attempt: int) -> float:
        """Full jitter: anywhere between no wait and the ceiling."""
        return self.random() * self.ceiling(attempt)

    def wait(self, attempt: int) -> float:
        """Sleep before the next attempt; returns the seconds slept."""
        seconds = self.delay(attempt)
        self.sleep(seconds)
        return seconds
