"""The payload shapes (domain/payloads.py) are what `to_dict` writes into events (R21).

A key is NotRequired exactly when its field has a default: `from_dict` fills it in when
stored history lacks it, so readers must not index it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from domain.model import PlannedTask, Recipient
from domain.payloads import RecipientData, TaskData

RECIPIENT = Recipient("a@acme.example", "A@acme.example", "to", 0, "contact", contact_id="003A")
TASK = PlannedTask("as1_k", "Task", "003A", ("003A",), "001A", "R10c", "001A", True, 1, 2)
SHAPES = pytest.mark.parametrize(
    ("value", "shape"), [(RECIPIENT, RecipientData), (TASK, TaskData)], ids=["recipient", "task"]
)


def default_of(field: dataclasses.Field[Any]) -> Any:
    if field.default is not dataclasses.MISSING:
        return field.default
    assert field.default_factory is not dataclasses.MISSING, f"{field.name} has no default"
    return field.default_factory()


@SHAPES
def test_the_shape_declares_every_key_that_to_dict_writes(value: Any, shape: Any) -> None:
    assert shape.__required_keys__ | shape.__optional_keys__ == set(value.to_dict())


@SHAPES
def test_the_keys_stored_history_may_lack_are_the_fields_with_a_default(
    value: Any, shape: Any
) -> None:
    fields = {f.name: f for f in dataclasses.fields(value)}
    defaulted = {
        name
        for name, f in fields.items()
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
    }
    assert shape.__optional_keys__ == defaulted
    old = {key: v for key, v in value.to_dict().items() if key in shape.__required_keys__}
    expected = dataclasses.replace(value, **{name: default_of(fields[name]) for name in defaulted})
    assert type(value).from_dict(old) == expected
