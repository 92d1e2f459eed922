"""The JSON API's answers about the engine over time: daily trends and the sync's pause switch."""

from __future__ import annotations

from pydantic import BaseModel


class Day(BaseModel):
    """One UTC day of `stats --days N`."""

    date: str
    synced: int
    failed: int
    api_calls: int
    tasks_avoided: int
