"""Opens the event store named by a store URL (SQLite by default, PostgreSQL to scale)."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.persistence import PersistenceError
from eventsourcing.utils import get_topic

from adapters.store.encryption import cipher_env, store_key
from adapters.store.store_seal import verify
from adapters.store.transcoder import OrjsonTranscoder
from domain.errors import BadInput, ConfigurationError
from projections.application import ActivitySyncApp

DEFAULT_STORE = "sqlite:///activity-sync.db"
CREATION_LOCK = "activity-sync:create:"  # + schema: the advisory lock key (hashed)


@dataclass(frozen=True)
class StoreLocation:
    """A parsed store URL: the eventsourcing environment and the SQLAlchemy URL of the same database."""

    url: str
    kind: str  # sqlite | postgres
    env: dict[str, str]
    sqlalchemy_url: str
    schema: str | None = None

    @property
    def sqlite_path(self) -> Path | None:
        return Path(self.env["SQLITE_DBNAME"]) if self.kind == "sqlite" else None


def locate(url: str | None) -> StoreLocation:
    """Parse `sqlite:///path` or `postgresql://user:pw@host:port/db[?schema=name]`."""
    url = url or os.environ.get("ACTIVITY_SYNC_STORE") or DEFAULT_STORE
    parts = urlsplit(url)
    transcoder = {
        "TRANSCODER_TOPIC": get_topic(OrjsonTranscoder),
        "MAPPER_TOPIC": "adapters.store.private_mapper:PrivateMapper",  # R29: personal data sealed
    }
    if parts.scheme == "sqlite":
        raw_path = unquote(url[len("sqlite:///") :]) if url.startswith("sqlite:///") else ""
        if not raw_path:
            raise BadInput(f"store URL '{url}' names no file; use sqlite:///path/to/store.db")
        if raw_path == ":memory:":  # events only, in this process (tests, throwaway runs)
            env = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": ":memory:"}
            return StoreLocation(url, "sqlite", {**env, **transcoder}, "sqlite://")
        path = Path(raw_path).expanduser().resolve()
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": str(path),
            "SQLITE_LOCK_TIMEOUT": "30",
            **transcoder,
        }
        return StoreLocation(url, "sqlite", env, f"sqlite:///{path}")
    if parts.scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        schema = (parse_qs(parts.query).get("schema") or [""])[0] or None
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": parts.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_POOL_SIZE": "4",
            **transcoder,
        }
        if schema:
            env["POSTGRES_SCHEMA"] = schema
        netloc = parts.netloc
        options = f"?options=-csearch_path%3D{schema}" if schema else ""
        sa_url = f"postgresql+psycopg://{netloc}/{env['POSTGRES_DBNAME']}{options}"
        return StoreLocation(url, "postgres", env, sa_url, schema)
    raise BadInput(f"unsupported store URL '{url}': use sqlite:///path or postgresql://...")


def open_app(
    url: str | None = None,
    create: bool = True,
    env: Mapping[str, str] | None = None,
    check_key: bool = True,
    vault: bool = True,
) -> ActivitySyncApp:
    """The application on the store named by `url` (tables are created when missing).

    A store that cannot be opened is one sentence naming it and the fix (ConfigurationError,
    exit 1), never a traceback. With `create` False a SQLite store that does not exist yet
    is refused instead of made (commands that only read). With ACTIVITY_SYNC_ENCRYPTION_KEY
    in `env` (the process environment by default) events are stored encrypted; a key that
    does not fit the store is refused here, before anything is read or written. With `vault` (always, but for a benchmark's plain
    run) personal data is sealed with per-person keys (R29)."""
    from adapters.store.history import history_reader

    location = locate(url)
    cipher = cipher_env(store_key(env))
    path = location.sqlite_path
    if path is not None and str(path) != ":memory:":
        _check_sqlite_path(location, path, create)
    try:
        if location.kind != "postgres":
            app = _opened({**location.env, **cipher}, location, check_key)
        else:
            with creation_lock(location):
                app = _opened({**location.env, **cipher}, location, check_key)
    except (PersistenceError, OSError, sqlite3.Error, psycopg_errors()) as error:
        raise ConfigurationError(
            f"cannot open the store {shown(location)}: {_reason(error)}; check --store / "
            "ACTIVITY_SYNC_STORE (sqlite:///path or postgresql://user@host/db)"
        ) from None
    app.history_reader = history_reader(app)
    if vault:
        from adapters.store.vault_wiring import attach_vault

        attach_vault(app, location)
    return app


def _opened(env: dict[str, str], location: StoreLocation, check_key: bool) -> ActivitySyncApp:
    """The application, its key tried on the store's seal first (adapters/store/store_seal.py)."""
    app = ActivitySyncApp(env=env)
    finding = verify(app, shown(location))
    if check_key and finding.problem:
        app.close()
        raise ConfigurationError(finding.problem)
    return app


def _check_sqlite_path(location: StoreLocation, path: Path, create: bool) -> None:
    if path.is_dir():
        raise ConfigurationError(
            f"the store {shown(location)} is a folder; name a file: sqlite:///{path}/store.db"
        )
    if not path.parent.is_dir():
        raise ConfigurationError(
            f"no folder {path.parent} for the store {shown(location)}; create it first, or "
            "name a store in an existing folder"
        )
    if not create and not path.exists():
        raise ConfigurationError(
            f"no store at {path}; `activity-sync ingest` creates one (or check --store / "
            "ACTIVITY_SYNC_STORE)"
        )


def shown(location: StoreLocation) -> str:
    """The store URL as it may be shown: without a password."""
    parts = urlsplit(location.url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return location.url


def _reason(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


def psycopg_errors() -> type[Exception]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a dependency of the project
        return OSError
    return psycopg.Error


@contextmanager
def creation_lock(location: StoreLocation) -> Iterator[None]:
    """Hold the store's advisory lock while its schema, tables and functions are created.

    PostgreSQL's `CREATE ... IF NOT EXISTS` and `CREATE OR REPLACE FUNCTION` are not safe
    to run at the same moment from several sessions (duplicate pg_type rows, "tuple
    concurrently updated"), which is what several workers starting together do.
    """
    import psycopg

    env = location.env
    with psycopg.connect(
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"] or None,
        dbname=env["POSTGRES_DBNAME"],
        autocommit=True,
        connect_timeout=5,
    ) as connection:
        schema = location.schema or "public"
        connection.execute("SELECT pg_advisory_lock(hashtext(%s))", [CREATION_LOCK + schema])
        if location.schema:
            connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{location.schema}"')
        yield  # closing the connection releases the lock
