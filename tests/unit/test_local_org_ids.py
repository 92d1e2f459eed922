"""Local org record ids: 18 characters with the case-safe suffix, as Salesforce makes them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.local_org.ids import canonical_id, case_suffix, make_id


def test_the_documented_example_gets_its_documented_suffix() -> None:
    assert case_suffix("001A0000006Vm9r") == "IAC"
    assert canonical_id("001A0000006Vm9r") == "001A0000006Vm9rIAC"


@settings(max_examples=50)
@given(st.integers(min_value=1, max_value=62**10 - 1))
def test_any_letter_case_of_an_18_character_id_is_the_same_id(number: int) -> None:
    record_id = make_id("00T", number)
    assert len(record_id) == 18 and record_id.startswith("00T")
    assert canonical_id(record_id.lower()) == record_id
    assert canonical_id(record_id.upper()) == record_id
    assert canonical_id(record_id[:15]) == record_id


def test_malformed_ids_are_rejected() -> None:
    assert canonical_id("short") is None
    assert canonical_id("001A0000006Vm9r!!!") is None
    assert canonical_id("001A0000006Vm9rZZZ") is None  # suffix does not match the case
