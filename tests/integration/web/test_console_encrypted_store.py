"""The console on an encrypted store (R29): the webhook records, search and explain read back,
and the stored events hold no readable address."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import orjson
import pytest
from console_support import BASE, BEARER, SECRET, TOKEN, activity
from fastapi.testclient import TestClient

from adapters.store.encryption import KEY_VARIABLE, new_key
from adapters.web.app import create_app
from adapters.web.config import ConsoleConfig
from adapters.web.console import open_console
from adapters.web.webhook import sign
from domain.errors import ConfigurationError


def test_the_console_records_and_reads_back_through_an_encrypted_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    config = ConsoleConfig(admin_token=TOKEN, webhook_secret=SECRET, plans_dir=tmp_path)
    console = open_console(config, store=url, env={KEY_VARIABLE: new_key()}, worker=False)
    body = orjson.dumps([activity("vault-1", to=["vault.person@acme.example"])])
    try:
        with TestClient(create_app(console), base_url=BASE) as client:
            posted = client.post(
                "/api/activities",
                content=body,
                headers={"X-Activity-Sync-Signature": sign(SECRET, body)},
            )
            found = client.get("/api/search?q=vault.person@acme.example", headers=BEARER)
            explained = client.get("/api/explain/vault-1", headers=BEARER)
    finally:
        console.close()

    assert posted.status_code == 202 and posted.json()["accepted"] == 1
    assert [m["activity_id"] for m in found.json()["matches"]] == ["vault-1"]
    assert explained.status_code == 200
    with sqlite3.connect(tmp_path / "store.db") as connection:
        states = [row[0] for row in connection.execute("SELECT state FROM stored_events")]
    assert states and not any(b"vault.person" in state for state in states)


def test_the_console_does_not_open_an_encrypted_store_without_its_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    config = ConsoleConfig(admin_token=TOKEN, webhook_secret=SECRET, plans_dir=tmp_path)
    open_console(config, store=url, env={KEY_VARIABLE: new_key()}, worker=False).close()
    with pytest.raises(ConfigurationError, match="does not open the store"):
        open_console(config, store=url, env={KEY_VARIABLE: new_key()}, worker=False)
