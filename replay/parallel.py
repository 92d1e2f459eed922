"""Planning with several processes: chunks of activities surveyed in parallel, in order.

The planner and the decoding of the log are CPU-bound; on a machine with spare cores the
plan of a large history is made by N worker processes, each with its own connection to
the store and to the org. The parent streams the activity ids, writes the diffs in the
order of the log and sums the fingerprints (order-independent), so the plan document is
the same as a single process would write.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from projections.application import ActivitySyncApp
from replay.org_state import OrgReader
from replay.plan_file import PlanWriter
from replay.stream import activity_chunks
from replay.survey import ChunkResult, Survey, SurveyOptions, survey_chunk

_STATE: dict[str, Any] = {}
# `auto`: one process below this many stored events (start-up would cost more than it
# saves), else one per core, at most MAX_AUTO.
AUTO_MIN_EVENTS = 50_000
MAX_AUTO = 4


def auto_workers(events: int, cores: int | None = None) -> int:
    """How many planning processes `--workers auto` uses for a store of `events` events."""
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if events < AUTO_MIN_EVENTS:
        return 1
    return max(1, min(cores or 1, MAX_AUTO))


def parse_workers(text: str, events: int) -> int:
    """`--workers`: a whole number of at least 1, or `auto`."""
    if text.strip().lower() == "auto":
        return auto_workers(events)
    try:
        count = int(text)
    except ValueError:
        raise ValueError(f"expected a whole number or auto, not {text!r}") from None
    if count < 1:
        raise ValueError("must be at least 1")
    return count


@dataclass(frozen=True)
class Workers:
    """How to set a worker process up: picklable factories of the store and the org reader."""

    count: int
    open_store: Callable[[], ActivitySyncApp]
    reader_factory: Callable[[], OrgReader] | None = None


def survey_in_parallel(
    app: ActivitySyncApp,
    options: SurveyOptions,
    workers: Workers,
    writer: PlanWriter,
    progress: Callable[[int], None] | None = None,
) -> Survey:
    """The same survey as `survey.survey`, its chunks done by `workers.count` processes."""
    result = Survey()
    shared = replace(options, reader=None)
    context = multiprocessing.get_context("spawn")
    setup = (workers.open_store, shared, workers.reader_factory)
    with context.Pool(workers.count, _start, setup) as pool:
        for chunk in pool.imap(_survey, _hex_chunks(app, options)):
            result.add(chunk, writer, options.sample)
            if progress:
                progress(result.scanned)
    return result


def _hex_chunks(app: ActivitySyncApp, options: SurveyOptions) -> Iterator[list[str]]:
    for ids in activity_chunks(app, options.scope, options.chunk_size):
        yield [i.hex for i in ids]


def _start(
    open_store: Callable[[], ActivitySyncApp],
    options: SurveyOptions,
    reader_factory: Callable[[], OrgReader] | None,
) -> None:
    _STATE["app"] = open_store()
    reader = reader_factory() if reader_factory else None
    _STATE["options"] = replace(options, reader=reader)


def _survey(hexes: list[str]) -> ChunkResult:
    return survey_chunk(_STATE["app"], _STATE["options"], [UUID(hex=h) for h in hexes])
