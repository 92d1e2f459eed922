"""The vault: mutable tables beside the append-only log holding the keys that open sealed values.

`privacy_people` maps a salted lookup hash of a normalised address to a pseudonymous
person id and that person's AES-GCM key; `privacy_content` holds content keys (an
activity's subject and body), `privacy_lines` one key per rejected input line, and
`privacy_forgotten` the lookup hashes of forgotten people (the suppression list, R29).
Rows are keyed by fresh random ids, so writers never conflict: new rows wait in memory and
are written just before the events sealed with them (`flush`). Forgetting deletes rows;
the events that referred to them can no longer be opened.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Engine, Table, delete, select

from adapters.store.seal import new_key, new_person_id
from adapters.store.sql import create_missing_tables, dialect_insert
from adapters.store.vault_tables import (
    LOOKUPS_KEPT,
    Key,
    Person,
    content,
    forgotten,
    insert_many,
    lines,
    metadata,
    people,
    salt_table,
)


class Vault:
    """The vault of one store, with in-process caches (keys are only ever added or destroyed)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        create_missing_tables(engine, metadata.sorted_tables)
        self._salt = self._load_salt()
        self._lookups: dict[str, str] = {}  # address -> its lookup hash, for people who recur
        self._by_lookup: dict[str, Person] | None = None
        self._by_id: dict[str, AESGCM] = {}
        self._gone: set[str] = set()  # ids known to have no key any more
        self._content: dict[str, Key | None] = {}  # activity -> a key of it
        self._content_by_id: dict[str, AESGCM] = {}
        self._content_loaded = False
        self._lines: dict[str, AESGCM] = {}
        self.forgotten: set[str] = self._load_forgotten()
        self._pending: dict[Table, list[dict[str, Any]]] = {}

    # Lookups ---------------------------------------------------------------------------

    def lookup(self, address: str) -> str:
        """The salted hash of a normalised address: how the vault finds a person."""
        found = self._lookups.get(address)
        if found is None:
            found = hmac.new(self._salt, address.encode("utf-8"), hashlib.sha256).hexdigest()
            if len(self._lookups) >= LOOKUPS_KEPT:
                self._lookups.clear()
            self._lookups[address] = found
        return found

    def person_for(self, address: str) -> Person | None:
        """The person of a normalised address (made when new); None for a forgotten one."""
        lookup = self.lookup(address)
        cache = self._people()
        found = cache.get(lookup)
        if found is not None or lookup in self.forgotten:
            return found
        person = (new_person_id(), AESGCM(key := new_key()))
        self._add(people, {"person_id": person[0], "lookup": lookup, "key": key})
        cache[lookup] = person
        self._by_id[person[0]] = person[1]
        return person

    def person_key(self, person_id: str) -> AESGCM | None:
        if person_id in self._by_id:
            return self._by_id[person_id]
        if person_id in self._gone:
            return None
        self._people()
        if person_id not in self._by_id:
            with self.engine.connect() as conn:
                row = conn.execute(select(people).where(people.c.person_id == person_id)).first()
            if row is None:
                self._gone.add(person_id)
                return None
            self._remember(row.lookup, row.person_id, row.key)
        return self._by_id[person_id]

    def content_for(self, activity: str, new: bool = False) -> Key:
        """A content key of the activity, made when it has none yet (or `new`: a recorded
        activity, whose earlier keys if any are as good)."""
        found = None if new else self._content.get(activity) or self._stored_content(activity)
        if found is None:
            found = (new_person_id(), AESGCM(key := new_key()))
            self._add(content, {"key_id": found[0], "activity": activity, "key": key})
            self._content_by_id[found[0]] = found[1]
        self._content[activity] = found
        return found

    def content_key(self, key_id: str, activity: str) -> AESGCM | None:
        if key_id in self._content_by_id:
            return self._content_by_id[key_id]
        if key_id in self._gone:
            return None
        if not self._content_loaded:  # reading history: every key at once, not one by one
            self._content_loaded = True
            with self.engine.connect() as conn:
                for row in conn.execute(select(content)):
                    self._content_by_id[row.key_id] = AESGCM(row.key)
            return self.content_key(key_id, activity)
        with self.engine.connect() as conn:
            rows = conn.execute(select(content).where(content.c.activity == activity)).all()
        for row in rows:
            self._content_by_id[row.key_id] = AESGCM(row.key)
        if key_id not in self._content_by_id:
            self._gone.add(key_id)
            return None
        self._content.setdefault(activity, (key_id, self._content_by_id[key_id]))
        return self._content_by_id[key_id]

    def new_line_key(self, ref: str) -> Key:
        """A new key for one rejected line (`ref`: its run and place in the run)."""
        found = (new_person_id(), AESGCM(key := new_key()))
        self._add(lines, {"key_id": found[0], "ref": ref, "key": key})
        self._lines[found[0]] = found[1]
        return found

    def line_key(self, key_id: str) -> AESGCM | None:
        if key_id not in self._lines:
            with self.engine.connect() as conn:
                row = conn.execute(select(lines.c.key).where(lines.c.key_id == key_id)).first()
            if row is None:
                return None
            self._lines[key_id] = AESGCM(row.key)
        return self._lines[key_id]

    def is_forgotten(self, address: str) -> bool:
        return self.lookup(address) in self.forgotten

    # Writing ---------------------------------------------------------------------------

    def flush(self) -> None:
        """Write the new keys before the events sealed with them; a person forgotten in the
        meantime (by another process) gets no row, so what was sealed for them stays shut."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        with self.engine.begin() as conn:
            fresh = pending.get(people, [])
            if fresh:
                wanted = {row["lookup"] for row in fresh}
                barred = {
                    row.lookup
                    for row in conn.execute(
                        select(forgotten.c.lookup).where(forgotten.c.lookup.in_(wanted))
                    )
                }
                pending[people] = [row for row in fresh if row["lookup"] not in barred]
                if barred:
                    self.forgotten |= barred
                    self._by_lookup = None
            for table in metadata.sorted_tables:
                if pending.get(table):
                    insert_many(conn, table, pending[table])

    def _add(self, table: Table, row: dict[str, Any]) -> None:
        self._pending.setdefault(table, []).append(row)

    # Forgetting ------------------------------------------------------------------------

    def forget(self, address: str) -> list[str]:
        """Destroy the person's keys and mapping, suppress the address; their old person ids."""
        lookup = self.lookup(address)
        with self.engine.begin() as conn:
            ids = [
                r.person_id for r in conn.execute(select(people).where(people.c.lookup == lookup))
            ]
            conn.execute(delete(people).where(people.c.lookup == lookup))
            insert = dialect_insert(conn, forgotten).on_conflict_do_nothing()
            conn.execute(insert, {"lookup": lookup, "at": datetime.now(UTC).isoformat()})
        self.forgotten.add(lookup)
        self._by_lookup = None
        self._by_id.clear()
        self._gone.update(ids)
        return ids

    def unforget(self, address: str) -> bool:
        """Lift the suppression of an address; whether it was suppressed."""
        lookup = self.lookup(address)
        with self.engine.begin() as conn:
            done = conn.execute(delete(forgotten).where(forgotten.c.lookup == lookup))
        self.forgotten.discard(lookup)
        return bool(done.rowcount)

    def destroy_content(self, activities: Iterable[str]) -> int:
        keys = list(activities)
        if not keys:
            return 0
        with self.engine.begin() as conn:
            done = conn.execute(delete(content).where(content.c.activity.in_(keys)))
        for key in keys:
            self._content.pop(key, None)
        self._content_by_id.clear()
        self._content_loaded = False
        return int(done.rowcount or 0)

    def destroy_lines(self, refs: Iterable[str]) -> int:
        keys = list(refs)
        if not keys:
            return 0
        with self.engine.begin() as conn:
            done = conn.execute(delete(lines).where(lines.c.ref.in_(keys)))
        self._lines.clear()
        return len(keys) if done.rowcount else 0

    # Inside ----------------------------------------------------------------------------

    def _stored_content(self, activity: str) -> Key | None:
        if activity in self._content:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(content).where(content.c.activity == activity)).first()
        if row is None:
            return None
        self._content_by_id[row.key_id] = AESGCM(row.key)
        return row.key_id, self._content_by_id[row.key_id]

    def _people(self) -> dict[str, Person]:
        if self._by_lookup is None:
            self._by_lookup = {}
            with self.engine.connect() as conn:
                for row in conn.execute(select(people)):
                    self._remember(row.lookup, row.person_id, row.key)
        return self._by_lookup

    def _remember(self, lookup: str, person_id: str, key: bytes) -> None:
        aead = AESGCM(key)
        if self._by_lookup is not None:
            self._by_lookup[lookup] = (person_id, aead)
        self._by_id[person_id] = aead

    def _load_forgotten(self) -> set[str]:
        with self.engine.connect() as conn:
            return {row.lookup for row in conn.execute(select(forgotten.c.lookup))}

    def _load_salt(self) -> bytes:
        with self.engine.begin() as conn:
            insert = dialect_insert(conn, salt_table).on_conflict_do_nothing()
            conn.execute(insert, {"name": "lookup", "salt": os.urandom(32)})
            return bytes(conn.execute(select(salt_table.c.salt)).scalar_one())
