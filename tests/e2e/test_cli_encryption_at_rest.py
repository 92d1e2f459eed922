"""Encryption at rest (R29's groundwork): with ACTIVITY_SYNC_ENCRYPTION_KEY set, the stored events
hold no readable address or subject, and a store is opened only with its own key.

A wrong, missing or malformed key, or a key on a plaintext store, is one sentence at start
(exit 1, or 2 for a malformed key), and nothing is appended. The commands run as the
installed `activity-sync`, against the local org over HTTPS.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from replay_support import seed

from adapters.local_org.launcher import LocalOrg

EXECUTABLE = Path(sys.executable).with_name("activity-sync")
KEY = "ACTIVITY_SYNC_ENCRYPTION_KEY"
SUBJECT = "Zanzibar renewal pricing"
BASE_ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "COLUMNS": "120"}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), *args],
        capture_output=True,
        text=True,
        env={**BASE_ENV, **(env or {})},
        timeout=120,
    )


def new_key() -> str:
    made = cli("keys", "new")
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def emails(folder: Path, prefix: str, count: int) -> Path:
    """One JSON Lines file: an email to `count` of the seeded contacts."""
    line = {
        "id": f"{prefix}-mail-1",
        "type": "sent",
        "occurred_at": "2026-11-02T09:00:00Z",
        "sender": "rep@ourco.example",
        "to": [f"{prefix}{i}@acme.example" for i in range(count)],
        "subject": SUBJECT,
        "body": "Zanzibar terms attached",
    }
    path = folder / f"{prefix}.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def stored_bytes(path: Path) -> bytes:
    """The file's pages that hold the event tables and their indexes, as on disk (the log
    checkpointed into the file first); their rows where SQLite lacks the dbstat table."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
        try:
            pages = [
                n
                for (n,) in connection.execute(
                    "SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                    "WHERE tbl_name IN ('stored_events', 'stored_snapshots'))"
                )
            ]
        except sqlite3.OperationalError:  # built without SQLITE_ENABLE_DBSTAT_VTAB
            rows = [
                row
                for table in ("stored_events", "stored_snapshots")
                for row in connection.execute(f"SELECT * FROM {table}")
            ]
            return b"".join(v if isinstance(v, bytes) else str(v).encode() for r in rows for v in r)
    content = path.read_bytes()
    return b"".join(content[(n - 1) * size : n * size] for n in pages)


def events(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()[0])


def one_sentence(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    return lines[0]


def test_ingest_and_sync_with_a_key_leave_no_address_or_subject_readable_in_the_events(
    shared_org: LocalOrg, tmp_path: Path
) -> None:
    """R29: the events are encrypted at rest; sync, stats and explain read them back."""
    contacts, _ = seed(shared_org, "atrest", 2)
    env = {**shared_org.environment(), KEY: new_key()}
    store = tmp_path / "store.db"
    url = f"sqlite:///{store}"
    source = emails(tmp_path, "atrest", 2)

    assert cli("--store", url, "ingest", str(source), env=env).returncode == 0
    synced = cli("--store", url, "sync", "--json", env=env)
    explained = cli("--store", url, "explain", "atrest-mail-1", "--json", env=env)

    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["tasks_written"] >= 1
    document = json.loads(explained.stdout)
    assert {t["primary"]["id"] for t in document["tasks"]} == {contacts[0]}
    encrypted = stored_bytes(store).lower()
    assert events(store) > 0 and len(encrypted) >= 4096
    for secret in (b"atrest0@acme.example", b"atrest1@acme", b"zanzibar", b"atrest-mail-1"):
        assert secret not in encrypted

    plain = tmp_path / "plain.db"
    assert cli("--store", f"sqlite:///{plain}", "ingest", str(source)).returncode == 0
    # Without a key the addresses are still sealed per person (R29), but the rest of an
    # event, such as its activity id, is plain: what the key keeps out.
    assert b"atrest-mail-1" in stored_bytes(plain)


@pytest.mark.postgres
def test_a_postgresql_store_with_a_key_holds_no_readable_address_or_subject(
    shared_org: LocalOrg, tmp_path: Path, postgres_store_url: str
) -> None:
    """R29: the same on PostgreSQL, read back from its events table."""
    import psycopg

    seed(shared_org, "pgrest", 2)
    env = {**shared_org.environment(), KEY: new_key()}
    source = emails(tmp_path, "pgrest", 2)

    assert cli("--store", postgres_store_url, "ingest", str(source), env=env).returncode == 0
    synced = cli("--store", postgres_store_url, "sync", "--json", env=env)

    assert synced.returncode == 0, synced.stderr
    server, schema = postgres_store_url.split("?schema=")
    with psycopg.connect(server) as connection:
        rows = connection.execute(
            f'SELECT originator_id, topic, state FROM "{schema}".activitysync_events'
        ).fetchall()
    assert rows
    stored = b"".join(bytes(state) + topic.encode() for _, topic, state in rows).lower()
    for secret in (b"pgrest0@acme.example", b"zanzibar"):
        assert secret not in stored
    refused = cli("--store", postgres_store_url, "stats")
    assert "is encrypted; set ACTIVITY_SYNC_ENCRYPTION_KEY" in one_sentence(refused)


@pytest.fixture
def encrypted_store(tmp_path: Path) -> tuple[str, str, Path]:
    """A store holding one ingested email, encrypted with its key; (url, key, source)."""
    key = new_key()
    source = emails(tmp_path, "sealed", 2)
    url = f"sqlite:///{tmp_path / 'store.db'}"
    assert cli("--store", url, "ingest", str(source), env={KEY: key}).returncode == 0
    return url, key, source


@pytest.mark.parametrize(
    ("case", "code", "says"),
    [
        ("missing", 1, "is encrypted; set ACTIVITY_SYNC_ENCRYPTION_KEY to its key"),
        ("wrong", 1, "ACTIVITY_SYNC_ENCRYPTION_KEY does not open the store"),
        ("malformed", 2, "ACTIVITY_SYNC_ENCRYPTION_KEY is not a key"),
        ("truncated", 2, "ACTIVITY_SYNC_ENCRYPTION_KEY is not a key"),
    ],
)
def test_an_encrypted_store_refuses_any_other_key_in_one_sentence_and_appends_nothing(
    encrypted_store: tuple[str, str, Path], tmp_path: Path, case: str, code: int, says: str
) -> None:
    """R29: refused at start, never halfway through; the key itself is never shown."""
    url, key, _ = encrypted_store
    other = {"missing": {}, "wrong": {KEY: new_key()}, "malformed": {KEY: "not a key!"}}
    env = other.get(case, {KEY: key[:-8]})
    store = tmp_path / "store.db"
    before = events(store)
    more = tmp_path / "more.jsonl"
    more.write_text(emails(tmp_path, "more", 1).read_text(), encoding="utf-8")

    for command in (["ingest", str(more)], ["stats"], ["sync", "--json"]):
        done = cli("--store", url, *command, env=env)
        assert done.returncode == code, (command, done.stderr)
        assert says in one_sentence(done)
        assert key not in done.stderr + done.stdout
    assert events(store) == before


def test_a_key_on_a_plaintext_store_is_refused_rather_than_mixing(tmp_path: Path) -> None:
    """R29: a log half encrypted would be half readable; the store stays as it was."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    source = emails(tmp_path, "plain", 2)
    assert cli("--store", url, "ingest", str(source)).returncode == 0
    before = events(tmp_path / "store.db")

    done = cli("--store", url, "ingest", str(emails(tmp_path, "later", 1)), env={KEY: new_key()})

    assert done.returncode == 1
    assert "is not encrypted and already holds events" in one_sentence(done)
    assert events(tmp_path / "store.db") == before
    assert cli("--store", url, "stats").returncode == 0


def test_keys_new_prints_a_fresh_key_that_opens_a_new_store(tmp_path: Path) -> None:
    """R29: the key on stdout alone (for `$(...)`), a one-line hint on stderr, --json too."""
    made = cli("keys", "new")
    as_json = json.loads(cli("keys", "new", "--json").stdout)

    assert made.returncode == 0
    key = made.stdout.strip()
    assert len(made.stdout.splitlines()) == 1 and len(made.stderr.splitlines()) == 1
    assert "export ACTIVITY_SYNC_ENCRYPTION_KEY" in made.stderr
    assert as_json["variable"] == KEY and as_json["bits"] == 256 and as_json["key"] != key
    for given in (key, as_json["key"]):
        url = f"sqlite:///{tmp_path / (given[:6].replace('/', '_') + '.db')}"
        source = emails(tmp_path, "fresh", 1)
        assert cli("--store", url, "ingest", str(source), env={KEY: given}).returncode == 0
        assert cli("--store", url, "stats", "--json", env={KEY: given}).returncode == 0


def test_doctor_says_whether_the_store_is_encrypted_and_whether_the_key_opens_it(
    encrypted_store: tuple[str, str, Path], tmp_path: Path
) -> None:
    """R29: `doctor` names the store's encryption; a missing key fails the check."""
    url, key, source = encrypted_store
    plain = f"sqlite:///{tmp_path / 'plain.db'}"
    assert cli("--store", plain, "ingest", str(source)).returncode == 0

    def check(store: str, env: dict[str, str]) -> dict[str, str]:
        done = cli("--store", store, "doctor", "--json", env=env)
        assert key not in done.stdout + done.stderr
        document = json.loads(done.stdout)
        return next(c for c in document["checks"] if c["name"] == "encryption at rest")

    opened = check(url, {KEY: key})
    missing = check(url, {})
    unencrypted = check(plain, {})
    assert opened["status"] == "pass" and "events are encrypted at rest" in opened["detail"]
    assert missing["status"] == "fail" and "is encrypted" in missing["detail"]
    assert unencrypted["status"] == "pass" and "not encrypted" in unencrypted["detail"]


def test_the_demo_runs_with_a_key_set_and_encrypts_its_store(tmp_path: Path) -> None:
    """R29: the local-org demo works unchanged; its store is encrypted with the key."""
    key = new_key()
    done = cli("demo", "--dir", str(tmp_path), env={KEY: key})

    assert done.returncode == 0, done.stderr
    first = json.loads((tmp_path / "activities.jsonl").read_text().splitlines()[0])
    address = first["to"][0].encode()
    assert address not in stored_bytes(tmp_path / "store.db")
    stats = cli("--store", f"sqlite:///{tmp_path / 'store.db'}", "stats", "--json", env={KEY: key})
    assert stats.returncode == 0 and json.loads(stats.stdout)["written"]["tasks"] > 0
