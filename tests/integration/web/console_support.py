"""The console in-process for API tests: a tmp store with a realistic history, the app, a client."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from audit_support import Org, Store, first_part, open_store, planned_activity, sent
from fastapi import FastAPI
from fastapi.testclient import TestClient

from adapters.store.persistence import open_app
from adapters.views.task_view import view_engine
from adapters.web.app import create_app
from adapters.web.config import ConsoleConfig
from adapters.web.console import Console, open_console
from adapters.web.webhook import sign

TOKEN = "admin-token-for-tests-0123456789abcdef"
SECRET = "webhook-secret-for-tests-0123456789"
SESSION_ID = "salesforce-session-id-never-shown-0123"
BASE = "http://127.0.0.1"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@dataclass
class Running:
    """The store with its history, the console around it, and a client."""

    store: Store
    org: Org
    console: Console
    app: FastAPI
    client: TestClient

    def signed(self, body: bytes, secret: str = SECRET) -> dict[str, str]:
        return {"X-Activity-Sync-Signature": sign(secret, body), "Content-Type": "application/json"}

    def post_activities(self, items: list[dict[str, Any]] | bytes, **headers: str) -> Any:
        body = items if isinstance(items, bytes) else orjson.dumps(items)
        return self.client.post(
            "/api/activities", content=body, headers={**self.signed(body), **headers}
        )


def with_fresh_client(running: Running) -> Running:
    """The same console with a new client (no cookies): for tests sharing one store."""
    return dataclasses.replace(running, client=TestClient(running.app, base_url=BASE))


def refuse(store: Store, org: Org, source_id: str, to: list[str], code: str, message: str) -> str:
    """An email whose Task the org refused for good; returns the sync key."""
    activity, plan = planned_activity(sent(source_id, to), org, store.app.settings())
    key = plan.tasks[0].sync_key
    activity.record_failure(key, code, message, False, 1)
    store.app.save(activity)
    return key


_TEMPLATE: dict[str, Any] = {}


def _template() -> tuple[Path, Org]:
    """The history, built once per process in its own folder (tests get a copy of the file)."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="console-template-"))
        store = open_store(folder)
        org = first_part(store, emails=3)
        people = [f"p{i:02d}@acme.example" for i in range(60)]
        code, message = "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Subject is required"
        refuse(store, org, "locked-1", people[3:5], code, message)
        refuse(store, org, "locked-2", people[5:7], code, message)
        store.app.close()
        _TEMPLATE.update(folder=folder, org=org)
    return _TEMPLATE["folder"], _TEMPLATE["org"]


def copied_store(folder: Path) -> tuple[Store, Org]:
    """A fresh store in `folder` holding `first_part`'s history plus two refusals of another code."""
    template, org = _template()
    for name in ("store.db", "store.db-wal", "store.db-shm"):
        if (template / name).exists():
            shutil.copyfile(template / name, folder / name)
    url = f"sqlite:///{folder}/store.db"
    return Store(url, open_app(url), view_engine(url)), org


@contextmanager
def running_console(
    folder: Path,
    token: str | None = TOKEN,
    secret: str | None = SECRET,
    salesforce: str | None = None,
    **options: Any,
) -> Iterator[Running]:
    """A console on a copy of the test history (see `copied_store`); `salesforce` is the
    configured instance URL (never called: the background sync is off)."""
    store, org = copied_store(folder)
    config = ConsoleConfig(
        admin_token=token, webhook_secret=secret, plans_dir=folder / "plans", **options
    )
    env = {"SALESFORCE_SESSION_ID": SESSION_ID}
    console = open_console(config, store=store.url, salesforce=salesforce, env=env, worker=False)
    app = create_app(console)
    try:
        with TestClient(app, base_url=BASE) as client:
            yield Running(store, org, console, app, client)
    finally:
        console.close()
        store.app.close()


def csrf_of(html: str) -> str:
    """The CSRF token a page carries (its meta tag)."""
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def sign_in(running: Running) -> str:
    """Sign in through the login form; returns the CSRF token of the session's pages."""
    page = running.client.get("/login")
    response = running.client.post(
        "/login",
        data={"token": TOKEN, "next": "/", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return csrf_of(running.client.get("/").text)


def activity(source_id: str, **more: Any) -> dict[str, Any]:
    """A valid `sent` activity as a webhook sender posts it."""
    return {
        "id": source_id,
        "type": "sent",
        "occurred_at": "2026-03-05T09:00:00Z",
        "sender": "rep@ourco.example",
        "to": ["p01@acme.example", "p02@acme.example"],
        "subject": "Follow-up",
        **more,
    }
