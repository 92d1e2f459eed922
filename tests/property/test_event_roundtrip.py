"""Every stored event class survives the orjson transcoder unchanged (DESIGN: the log is the truth).

Events are built from generated plain data (Unicode text, 64-bit integers, nested lists
and dicts, None), encoded by the real mapper of an app opened on a SQLite store, stored,
read back and decoded, then compared field by field.
"""

from __future__ import annotations

import dataclasses
import types
import typing
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.domain import Aggregate, CanInitAggregate, DomainEvent
from eventsourcing.utils import resolve_topic
from hypothesis import given
from hypothesis import strategies as st

from adapters.store.persistence import open_app
from domain.activity import EmailActivity
from domain.rejection import IngestRun
from domain.settings import OrgSettings
from domain.sync_run import SyncRun
from projections.application import ActivitySyncApp

AGGREGATES: tuple[type[Aggregate], ...] = (EmailActivity, OrgSettings, SyncRun, IngestRun)
BASE_FIELDS = {"originator_id", "originator_version", "timestamp", "originator_topic"}
# orjson encodes integers of 64 bits (signed or unsigned), floats as IEEE doubles.
INTS = st.integers(min_value=-(2**63), max_value=2**64 - 1)
PLAIN = st.recursive(
    st.none() | st.booleans() | INTS | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def event_classes(aggregate: type[Aggregate]) -> list[type[DomainEvent]]:
    """The nested event classes an aggregate can store (not its abstract `Event` base)."""
    return [
        value
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, DomainEvent) and name != "Event"
    ]


STORED_EVENTS = [cls for aggregate in AGGREGATES for cls in event_classes(aggregate)]


def strategy_for(annotation: Any) -> st.SearchStrategy[Any]:
    """Plain data of the annotated type (str, int, bool, list[...], dict[str, ...], X | None, Any)."""
    origin = typing.get_origin(annotation)
    if annotation is Any:
        return PLAIN
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(strategy_for(arg) for arg in typing.get_args(annotation)))
    if origin is list:
        return st.lists(strategy_for(typing.get_args(annotation)[0]), max_size=5)
    if origin is dict:
        key, value = typing.get_args(annotation)
        return st.dictionaries(strategy_for(key), strategy_for(value), max_size=5)
    simple = {str: st.text(), int: INTS, bool: st.booleans(), type(None): st.none()}
    return simple[annotation]


def event_of(cls: type[DomainEvent]) -> st.SearchStrategy[DomainEvent]:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in BASE_FIELDS]
    base = {
        "originator_id": st.uuids(),
        "originator_version": st.integers(1, 2**31),
        "timestamp": st.datetimes(timezones=st.just(UTC)),
    }
    if issubclass(cls, CanInitAggregate):
        base["originator_topic"] = st.just(cls.TOPIC.rsplit(".", 1)[0])
    return st.builds(cls, **base, **{name: strategy_for(hints[name]) for name in names})


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActivitySyncApp]:
    store = tmp_path_factory.mktemp("roundtrip") / "store.db"
    application = open_app(f"sqlite:///{store}")
    yield application
    application.close()


def test_the_property_covers_every_event_class_of_the_four_aggregates() -> None:
    """Each class's explicit topic resolves to the class itself, so stored history decodes."""
    for cls in STORED_EVENTS:
        assert cls.TOPIC.startswith("activity_sync:")
        assert resolve_topic(cls.TOPIC) is cls, f"{cls.__qualname__} does not own {cls.TOPIC}"
    covered = {cls.__qualname__ for cls in STORED_EVENTS}
    assert {
        "EmailActivity.Recorded",
        "EmailActivity.TaskDeleted",
        "OrgSettings.Created",
        "OrgSettings.Changed",
        "SyncRun.ChunkSynced",
        "IngestRun.Started",
        "IngestRun.LineRejected",
        "IngestRun.Finished",
    } <= covered


@pytest.mark.parametrize("event_class", STORED_EVENTS, ids=lambda cls: cls.TOPIC)
@given(data=st.data())
def test_an_event_round_trips_through_the_orjson_mapper_and_the_store(
    app: ActivitySyncApp, event_class: type[DomainEvent], data: st.DataObject
) -> None:
    event = data.draw(event_of(event_class))
    stored = app.mapper.to_stored_event(event)
    assert stored.topic == event_class.TOPIC
    decoded = app.mapper.to_domain_event(stored)
    assert type(decoded) is event_class
    assert dataclasses.asdict(decoded) == dataclasses.asdict(event)


def test_stored_events_decode_from_the_database_too(app: ActivitySyncApp, tmp_path: Path) -> None:
    """The mapper's bytes are what the SQLite recorder keeps; read them back from the table."""
    run = IngestRun.start("file:é\u2028\U0001f600.jsonl")
    app.save(run)
    (stored,) = app.recorder.select_events(run.id)
    assert app.mapper.to_domain_event(stored).source == "file:é\u2028\U0001f600.jsonl"


@pytest.mark.parametrize(
    ("aggregate", "arguments"),
    [
        (EmailActivity, {"activity": {"id": "m1"}, "source": "stdin:1"}),
        (SyncRun, {"worker": "w1", "settings_version": 1}),
        (IngestRun, {"source": "stdin"}),
    ],
    ids=["EmailActivity", "SyncRun", "IngestRun"],
)
def test_an_aggregate_constructed_directly_stores_a_readable_history(
    app: ActivitySyncApp, aggregate: type[Aggregate], arguments: dict[str, Any]
) -> None:
    """Direct construction (not the named factory) must also store a decodable created event."""
    instance = aggregate(**arguments)
    app.save(instance)
    assert type(app.repository.get(instance.id)) is aggregate


def test_uuid_and_datetime_fields_are_restored_by_the_mapper() -> None:
    """The envelope (id, version, time) is not plain data; it must come back typed."""
    event = IngestRun.Finished(
        originator_id=uuid.uuid4(),
        originator_version=3,
        timestamp=datetime(2026, 11, 26, 10, tzinfo=UTC),
        accepted=1,
        duplicates=0,
        rejected=2,
    )
    application = open_app("sqlite:///:memory:")
    try:
        decoded = application.mapper.to_domain_event(application.mapper.to_stored_event(event))
    finally:
        application.close()
    assert isinstance(decoded.originator_id, uuid.UUID)
    assert decoded.timestamp == event.timestamp
