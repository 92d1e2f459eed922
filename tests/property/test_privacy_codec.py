"""The vault and the personal-data codec (R29): what is sealed, what opens, what forgetting shuts.

The vault lives in a SQLite file per test; the codec is driven with event state as the
mapper hands it over (a dict with `originator_id`), as in production.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, select

from adapters.store.personal_codec import (
    ERASED,
    NOTICE,
    RECORDED,
    REJECTED,
    RESOLVED,
    WITHHELD,
    Codec,
)
from adapters.store.vault import Vault, people
from domain.model import FORGOTTEN, FORGOTTEN_PERSON

ANA = "ana.lee@acme.example"
BOB = "bob@beta.example"
local = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=3, max_size=12)
addresses = st.builds(lambda a, b: f"{a}@{b}.example", local, local)


@pytest.fixture
def codec(tmp_path: Path) -> Iterator[Codec]:
    engine = create_engine(f"sqlite:///{tmp_path / 'vault.db'}")
    yield Codec(Vault(engine))
    engine.dispose()


def recorded(to: list[str], subject: str = "Renewal plan", actor: str | None = None) -> dict:
    activity = {
        "id": "<m1@ourco.example>/sent",
        "type": "sent",
        "sender": "rep@ourco.example",
        "to": to,
        "cc": [],
        "bcc": [],
        "actor": actor,
        "subject": subject,
        "body": "Hello there",
    }
    return {"originator_id": uuid.uuid4(), "originator_version": 1, "activity": activity}


def sealed_and_opened(codec: Codec, topic: str, state: dict[str, Any]) -> tuple[dict, dict]:
    sealed = codec.seal(topic, _copy(state))
    codec.vault.flush()
    opened = _copy(sealed)
    codec.open(topic, opened)
    return sealed, opened


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


@settings(max_examples=40, deadline=None)
@given(to=st.lists(addresses, min_size=1, max_size=6), subject=st.text(min_size=8, max_size=40))
def test_a_recorded_activity_opens_as_it_was_and_its_sealed_form_holds_no_address(
    tmp_path_factory: pytest.TempPathFactory, to: list[str], subject: str
) -> None:
    """R29: addresses, subject and body are sealed (no plain trace) and open unchanged."""
    engine = create_engine(f"sqlite:///{tmp_path_factory.mktemp('v') / 'vault.db'}")
    codec = Codec(Vault(engine))
    state = recorded(to, subject)
    sealed, opened = sealed_and_opened(codec, RECORDED, state)
    assert opened == state
    text = repr(sealed).lower()
    assert not any(address in text for address in to)
    assert subject not in repr(sealed) and "Hello there" not in repr(sealed)
    engine.dispose()


def test_a_forgotten_person_opens_as_forgotten_and_everyone_else_as_before(codec: Codec) -> None:
    """R29: destroying one person's key shuts only what was sealed under it."""
    sealed, _ = sealed_and_opened(codec, RECORDED, recorded([ANA, BOB]))
    codec.vault.forget(ANA)
    opened = _copy(sealed)
    codec.open(RECORDED, opened)
    assert opened["activity"]["to"] == [FORGOTTEN_PERSON, BOB]
    assert opened["activity"]["subject"] == "Renewal plan"


def test_the_subject_is_erased_when_the_activity_content_key_is_destroyed(codec: Codec) -> None:
    """R29: the subject and body go with the content key (forget destroys it when every
    matched recipient is forgotten)."""
    state = recorded([ANA])
    sealed, _ = sealed_and_opened(codec, RECORDED, state)
    codec.vault.destroy_content([state["originator_id"].hex])
    opened = _copy(sealed)
    codec.open(RECORDED, opened)
    assert (opened["activity"]["subject"], opened["activity"]["body"]) == (ERASED, ERASED)


def test_a_display_name_address_is_sealed_under_the_persons_own_key(codec: Codec) -> None:
    """R29: `Ana Lee <ana@x>` and `ana@x` are one person: forgetting the address shuts both."""
    sealed, opened = sealed_and_opened(codec, RECORDED, recorded([f"Ana Lee <{ANA.upper()}>"]))
    assert opened["activity"]["to"] == [f"Ana Lee <{ANA.upper()}>"]
    codec.vault.forget(ANA)
    codec.open(RECORDED, sealed)
    assert sealed["activity"]["to"] == [FORGOTTEN_PERSON]


def test_a_forgotten_recipient_opens_with_the_outcome_forgotten_and_keeps_salesforce_ids(
    codec: Codec,
) -> None:
    """R29: replay plans a forgotten person as if excluded, with the reason `forgotten`."""
    recipient = {"address": ANA, "given": ANA, "outcome": "contact", "contact_id": "003A"}
    directory = {"contacts_by_email": {ANA: [{"id": "003A", "email": ANA}]}}
    state = {
        "originator_id": uuid.uuid4(),
        "recipients": [recipient],
        "directory": directory,
        "warnings": [f"ambiguous_contact:{ANA}:003A,003B"],
    }
    sealed, opened = sealed_and_opened(codec, RESOLVED, state)
    assert opened == state and ANA not in repr(sealed)
    codec.vault.forget(ANA)
    codec.open(RESOLVED, sealed)
    assert sealed["recipients"][0] | {"contact_id": "003A"} == sealed["recipients"][0]
    assert (sealed["recipients"][0]["outcome"], sealed["recipients"][0]["reason"]) == (
        FORGOTTEN,
        FORGOTTEN,
    )
    assert sealed["directory"]["contacts_by_email"] == {} and sealed["warnings"] == []


def test_a_suppressed_address_is_stored_as_forgotten_until_it_is_unforgotten(
    codec: Codec,
) -> None:
    """R29: the salted hash on the suppression list keeps the person out of new events."""
    codec.vault.forget(ANA)
    sealed, _ = sealed_and_opened(codec, RECORDED, recorded([ANA]))
    assert sealed["activity"]["to"] == [FORGOTTEN_PERSON]
    assert codec.vault.unforget(ANA) and not codec.vault.unforget(ANA)
    _, opened = sealed_and_opened(codec, RECORDED, recorded([ANA]))
    assert opened["activity"]["to"] == [ANA]


def test_a_person_forgotten_elsewhere_before_the_keys_are_written_gets_no_key(
    tmp_path: Path,
) -> None:
    """R29: another process's forget between sealing and writing wins: no row, shut for good."""
    engine = create_engine(f"sqlite:///{tmp_path / 'vault.db'}")
    writer, other = Codec(Vault(engine)), Vault(engine)
    sealed = writer.seal(RECORDED, recorded([ANA]))
    other.forget(ANA)
    writer.vault.flush()
    with engine.connect() as conn:
        lookups = {row.lookup for row in conn.execute(select(people))}
    assert len(lookups) == 1 and writer.vault.lookup(ANA) not in lookups  # the sender's only
    opener = Codec(Vault(engine))
    opener.open(RECORDED, sealed)
    assert sealed["activity"]["to"] == [FORGOTTEN_PERSON]


def test_a_rejected_line_naming_a_forgotten_person_is_withheld(codec: Codec) -> None:
    """R29: a line naming a suppressed address keeps its number and field, not its text."""
    codec.vault.forget(ANA)
    line = {
        "originator_id": uuid.uuid4(),
        "originator_version": 2,
        "raw": f'{{"to": ["{ANA.upper()}"]}}',
        "reason": "timestamp needs an offset",
    }
    sealed, opened = sealed_and_opened(codec, REJECTED, line)
    assert ANA not in repr(sealed).lower()
    assert opened["raw"] == WITHHELD and opened["reason"] == "timestamp needs an offset"


def test_a_rejected_line_opens_until_its_key_is_destroyed(codec: Codec) -> None:
    """R29: forget destroys the key of each kept line that names the person."""
    line = {"originator_id": uuid.uuid4(), "originator_version": 3, "raw": ANA, "reason": "x"}
    sealed, opened = sealed_and_opened(codec, REJECTED, line)
    assert opened == line
    codec.vault.destroy_lines([f"{line['originator_id'].hex}:3"])
    codec.open(REJECTED, sealed)
    assert (sealed["raw"], sealed["reason"]) == (WITHHELD, WITHHELD)


def test_a_rule_notice_about_a_forgotten_primary_loses_their_address_and_subject(
    codec: Codec,
) -> None:
    """R29 with R26: a notice names its Task's primary; forgetting them shuts what it says."""
    body = {
        "primary": {"id": "003A", "email": ANA},
        "task": {"subject": "Sent (New): Renewal", "sync_key": "as1_x"},
        "activity": {"id": f"<m1@ourco.example>/open/{ANA}", "type": "open"},
    }
    state = {"originator_id": uuid.uuid4(), "body": body}
    sealed, opened = sealed_and_opened(codec, NOTICE, state)
    assert opened == state and ANA not in repr(sealed) and "Renewal" not in repr(sealed)
    codec.vault.forget(ANA)
    codec.open(NOTICE, sealed)
    shown = sealed["body"]
    assert shown["primary"] == {"id": "003A", "email": FORGOTTEN_PERSON}
    assert shown["task"]["subject"] == shown["activity"]["id"] == FORGOTTEN_PERSON
