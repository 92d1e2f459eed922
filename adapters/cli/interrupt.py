"""Ctrl-C during `sync`: the records in flight are written and recorded, the rest stays queued.

The first Ctrl-C while a chunk is being written asks the worker to stop at the next chunk
boundary (after the chunk's outcomes are stored and settled); pressed while nothing is in
flight (between rounds, waiting for other workers) it stops at once. A second Ctrl-C stops
at once in any case: the worker hands its chunk back to the queue and the next sync redoes
it as upserts by sync key, so nothing is duplicated (R20).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any
from uuid import UUID


class Stop(KeyboardInterrupt):
    """Raised at a safe point once the user has asked to stop."""


class GracefulStop:
    """Turns SIGINT into a stop at the next chunk boundary while a chunk is in flight."""

    def __init__(self, say: Callable[[str], None]) -> None:
        self.say = say
        self.requested = False
        self.in_flight = False
        self._previous: Any = None

    def __enter__(self) -> GracefulStop:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._on_signal)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)

    def _on_signal(self, _signum: int, _frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        if not self.in_flight:
            raise Stop
        self.requested = True
        self.say(
            "stopping once the records in flight are written and recorded "
            "(Ctrl-C again to stop at once)"
        )

    def checkpoint(self) -> None:
        """A chunk boundary: nothing is in flight; stop here if asked to."""
        self.in_flight = False
        if self.requested:
            raise Stop

    def guard(self, queue: Any) -> Any:
        """The worker's queue, with a checkpoint before each claim of a chunk."""
        return _Guarded(queue, self)


class _Guarded:
    """A work queue whose claims pass the stop's checkpoint and mark the chunk in flight."""

    def __init__(self, queue: Any, stop: GracefulStop) -> None:
        self._queue = queue
        self._stop = stop

    def claim(self, owner: str, limit: int, lease_seconds: float) -> list[UUID]:
        self._stop.checkpoint()
        self._stop.in_flight = True  # from here a lease may be taken: the chunk must finish
        ids: list[UUID] = self._queue.claim(owner, limit, lease_seconds)
        if not ids:
            self._stop.checkpoint()  # nothing taken: a Ctrl-C meanwhile stops here
        return ids

    def release(self, owner: str, ids: Any) -> None:
        """A chunk handed back (a pause, a conflict): nothing of this worker is in flight."""
        self._queue.release(owner, ids)
        self._stop.checkpoint()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._queue, name)


def left_to_do(pending: Callable[[], int]) -> str:
    """The sentence of an interrupted sync: how much is still pending and how to go on."""
    try:
        count = pending()
    except Exception:  # noqa: BLE001 - the store may be mid-call; the advice stands without the count
        return "interrupted; run `activity-sync sync` to go on"
    if not count:
        return "interrupted: nothing is pending"
    noun = "activity" if count == 1 else "activities"
    return f"interrupted: {count:,} {noun} still pending; run `activity-sync sync` to go on"
