"""Whether a store is encrypted, recorded beside its events, so a wrong or missing key is refused at open.

One row in `store_encryption` says `none` or `AES-GCM` and, when encrypted, holds a known
text encrypted with the store's key. Opening tries the key on it before anything is read
or written, so a bad key is one sentence at start, never a failure halfway through a sync.
A store without the row (older, or the row dropped) is judged by its first event and the
row written; a store still empty is encrypted when first opened with a key. Mixing is
refused: a key on a plaintext store, or none on an encrypted one, would leave the log half
readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from eventsourcing.persistence import Cipher, PersistenceError

from adapters.store.encryption import CIPHER_NAME, KEY_VARIABLE

TABLE = "store_encryption"
CHECK_TEXT = b"activity-sync: this key opens the store"


@dataclass(frozen=True)
class Seal:
    """What the store records: encrypted or not, and the check value of its key."""

    encrypted: bool
    check: bytes | None = None


@dataclass(frozen=True)
class Finding:
    """What opening the store with the given key would meet (doctor prints it)."""

    encrypted: bool
    opens: bool
    problem: str | None = None


def verify(app: Any, shown: str) -> Finding:
    """The store's seal judged against the app's cipher; recorded first when missing."""
    table = _table(app)
    if table is None:  # a recorder without SQL (in-memory objects): nothing to protect
        return Finding(app.mapper.cipher is not None, True)
    cipher = app.mapper.cipher
    seal = table.read()
    if seal is None or (not seal.encrypted and cipher is not None and _empty(app)):
        seal = _recorded(app, table, seal, cipher)
    return _judge(seal, cipher, shown)


def _recorded(app: Any, table: _Table, seal: Seal | None, cipher: Cipher | None) -> Seal:
    """Record the seal of a store that has none, or of a plaintext one still empty (a store
    opened first without a key, say by `doctor`, may still be encrypted from its start)."""
    if _empty(app):
        chosen = _current(cipher)
        table.write(chosen, replace=seal is not None)
    else:
        chosen = _inferred(app, cipher)
        if chosen.check is not None or not chosen.encrypted:
            table.write(chosen, replace=False)
    return table.read() or chosen


def _current(cipher: Cipher | None) -> Seal:
    return Seal(True, cipher.encrypt(CHECK_TEXT)) if cipher else Seal(False)


def _inferred(app: Any, cipher: Cipher | None) -> Seal:
    """Judge a store without a seal by its first event: JSON is plaintext."""
    (first,) = app.recorder.select_notifications(start=None, limit=1)
    try:
        orjson.loads(first.state)
    except orjson.JSONDecodeError:
        pass
    else:
        return Seal(False)
    if cipher is not None and _opens(cipher, first.state, None):
        return Seal(True, cipher.encrypt(CHECK_TEXT))
    return Seal(True)  # encrypted with a key we do not have: nothing to record


def _judge(seal: Seal, cipher: Cipher | None, shown: str) -> Finding:
    if seal.encrypted and cipher is None:
        return Finding(
            True, False, f"the store {shown} is encrypted; set {KEY_VARIABLE} to its key"
        )
    if seal.encrypted and not (seal.check and _opens(cipher, seal.check, CHECK_TEXT)):
        return Finding(
            True,
            False,
            f"{KEY_VARIABLE} does not open the store {shown}; set it to the key the store was "
            "created with",
        )
    if not seal.encrypted and cipher is not None:
        return Finding(
            False,
            False,
            f"the store {shown} is not encrypted and already holds events; unset "
            f"{KEY_VARIABLE} to open it, or start a new store with the key (a key added to an "
            "existing store would leave its log half readable)",
        )
    return Finding(seal.encrypted, True)


def _opens(cipher: Cipher | None, ciphertext: bytes, expected: bytes | None) -> bool:
    try:
        plain = cipher.decrypt(ciphertext) if cipher else None
    except ValueError:
        return False
    return plain is not None and (expected is None or plain == expected)


def _empty(app: Any) -> bool:
    return not app.recorder.max_notification_id()


def _table(app: Any) -> _Table | None:
    recorder = app.recorder
    module = type(recorder).__module__
    if module == "eventsourcing.sqlite":
        return _Table(recorder.datastore, TABLE, "?", "BLOB")
    if module == "eventsourcing.postgres":
        schema = recorder.datastore.schema.replace('"', '""')
        return _Table(recorder.datastore, f'"{schema}"."{TABLE}"', "%s", "BYTEA")
    return None


@dataclass(frozen=True)
class _Table:
    """The one-row table, in the SQL of the store's database."""

    datastore: Any
    name: str
    mark: str
    blob: str

    def read(self) -> Seal | None:
        try:
            with self.datastore.transaction(commit=False) as cursor:
                cursor.execute(f"SELECT cipher, key_check FROM {self.name} WHERE id = 1")
                row = cursor.fetchone()
        except PersistenceError:  # no table yet
            return None
        if row is None:
            return None
        check = row["key_check"]
        return Seal(row["cipher"] != "none", None if check is None else bytes(check))

    def write(self, seal: Seal, replace: bool) -> None:
        values = [CIPHER_NAME if seal.encrypted else "none", seal.check]
        m = self.mark
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                f"CREATE TABLE IF NOT EXISTS {self.name} (id INTEGER PRIMARY KEY CHECK (id = 1), "
                f"cipher TEXT NOT NULL, key_check {self.blob})"
            )
            if replace:
                cursor.execute(
                    f"UPDATE {self.name} SET cipher = {m}, key_check = {m} WHERE id = 1", values
                )
            else:
                cursor.execute(
                    f"INSERT INTO {self.name} (id, cipher, key_check) VALUES (1, {m}, {m}) "
                    "ON CONFLICT (id) DO NOTHING",
                    values,
                )
