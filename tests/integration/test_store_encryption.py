"""The store's seal in-process (R29): an empty store takes the mode it is opened with, a store
whose seal was dropped is judged by its first event, and snapshots are encrypted too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from adapters.store.encryption import KEY_FILE_VARIABLE, KEY_VARIABLE, new_key
from adapters.store.persistence import open_app
from domain.errors import BadInput, ConfigurationError
from domain.model import Activity
from domain.org_changes import PersonFate
from domain.org_watch import ORG_WATCH_ID, OrgWatch


def record(url: str, env: dict[str, str], source_id: str = "mail-1") -> None:
    app = open_app(url, env=env)
    try:
        email = Activity(
            source_id, "sent", "2026-11-02T09:00:00Z", "rep@ourco.example", ("x@acme.example",)
        )
        app.record_activities([(email, "test")])
    finally:
        app.close()


def seal_of(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("SELECT cipher FROM store_encryption").fetchone()[0])


def test_an_empty_store_opened_without_a_key_can_still_be_encrypted(tmp_path: Path) -> None:
    """Opening a new store without a key (doctor, a read) does not stop encrypting it; once
    encrypted, even while empty, it is not opened without its key."""
    url, key = f"sqlite:///{tmp_path / 'store.db'}", {KEY_VARIABLE: new_key()}
    open_app(url, env={}).close()
    assert seal_of(tmp_path / "store.db") == "none"

    record(url, key)

    assert seal_of(tmp_path / "store.db") == "AES-GCM"
    with pytest.raises(ConfigurationError, match="is encrypted; set ACTIVITY_SYNC_ENCRYPTION_KEY"):
        open_app(url, env={})
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    open_app(empty, env=key).close()
    with pytest.raises(ConfigurationError, match="is encrypted; set ACTIVITY_SYNC_ENCRYPTION_KEY"):
        open_app(empty, env={})


@pytest.mark.parametrize("encrypted", [True, False], ids=["encrypted", "plaintext"])
def test_a_store_whose_seal_was_dropped_is_judged_by_its_first_event(
    tmp_path: Path, encrypted: bool
) -> None:
    """Stores older than the seal, or with its table dropped, keep being refused or opened."""
    path, key = tmp_path / "store.db", new_key()
    url, own = f"sqlite:///{path}", {KEY_VARIABLE: key} if encrypted else {}
    record(url, own)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP TABLE store_encryption")

    other = {} if encrypted else {KEY_VARIABLE: key}
    with pytest.raises(ConfigurationError):
        open_app(url, env=other)
    if encrypted:
        with pytest.raises(ConfigurationError, match="does not open"):
            open_app(url, env={KEY_VARIABLE: new_key()})
    app = open_app(url, env=own)
    assert app.activity("mail-1") is not None
    app.close()
    assert seal_of(path) == ("AES-GCM" if encrypted else "none")


def test_snapshots_are_encrypted_with_the_events(tmp_path: Path) -> None:
    """The org watch is snapshotted every 50 looks (R27): its snapshot is as unreadable."""
    path, env = tmp_path / "store.db", {KEY_VARIABLE: new_key()}
    app = open_app(f"sqlite:///{path}", env=env)
    watch = OrgWatch.create()
    watch.record_person_gone(PersonFate("003HUSHHUSH0000001", "deleted", None))
    app.save(watch)
    app.take_snapshot(ORG_WATCH_ID)
    app.close()

    with sqlite3.connect(path) as connection:
        (state,) = connection.execute("SELECT state FROM stored_snapshots").fetchone()
    assert b"HUSHHUSH" not in state and state[:1] != b"{"
    reopened = open_app(f"sqlite:///{path}", env=env)
    assert "003HUSHHUSH0000001" in reopened.repository.get(ORG_WATCH_ID).gone
    reopened.close()


@pytest.mark.parametrize("value", ["abc", "!!!!", "c2hvcnQ=", "x" * 44])
def test_a_malformed_key_is_bad_input_that_does_not_show_the_key(
    tmp_path: Path, value: str
) -> None:
    with pytest.raises(BadInput) as refused:
        open_app(f"sqlite:///{tmp_path / 'store.db'}", env={KEY_VARIABLE: value})
    assert value not in str(refused.value)
    assert not (tmp_path / "store.db").exists()


def test_only_activity_sync_encryption_key_decides_whether_the_store_is_encrypted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """eventsourcing's own CIPHER_* variables in the environment change nothing."""
    monkeypatch.setenv("CIPHER_KEY", new_key())
    monkeypatch.setenv("CIPHER_TOPIC", "eventsourcing.cryptography:AESCipher")
    record(f"sqlite:///{tmp_path / 'store.db'}", {})
    assert seal_of(tmp_path / "store.db") == "none"
    with sqlite3.connect(tmp_path / "store.db") as connection:
        states = [row[0] for row in connection.execute("SELECT state FROM stored_events")]
    assert any(b'"mail-1"' in state for state in states)  # plain: no cipher was applied


def test_the_cipher_named_is_eventsourcings_aes_gcm_with_the_sizes_it_accepts() -> None:
    """The topic and key sizes are written out (no import at start-up): they must stay true."""
    from eventsourcing.cryptography import AESCipher
    from eventsourcing.utils import get_topic

    from adapters.store.encryption import CIPHER_TOPIC, KEY_SIZES

    assert get_topic(AESCipher) == CIPHER_TOPIC and AESCipher.KEY_SIZES == KEY_SIZES


def test_the_key_may_come_from_a_file_only_its_owner_can_read(tmp_path: Path) -> None:
    """As the other secrets' _FILE: a file readable by others is refused, naming the fix."""
    key, keyfile = new_key(), tmp_path / "store.key"
    keyfile.write_text(key + "\n", encoding="ascii")
    keyfile.chmod(0o640)
    url, from_file = f"sqlite:///{tmp_path / 'store.db'}", {KEY_FILE_VARIABLE: str(keyfile)}
    with pytest.raises(ConfigurationError, match="chmod 600") as refused:
        open_app(url, env=from_file)
    assert key not in str(refused.value)

    keyfile.chmod(0o600)
    record(url, from_file)

    assert seal_of(tmp_path / "store.db") == "AES-GCM"
    open_app(url, env={KEY_VARIABLE: key}).close()  # the same key, either way
