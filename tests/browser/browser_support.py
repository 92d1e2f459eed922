"""A realistic console for the browser tests: local org, the demo's sample, refusals, a live server.

The store is filled the way an admin's would be: the demo's sample org and day of email,
ingested and synced against the local org, plus emails related to records that do not
exist in the org (refused for good: INVALID_CROSS_REFERENCE_KEY). The console then
serves over HTTP on 127.0.0.1 with its background sync running.
"""

from __future__ import annotations

import io
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import uvicorn

from adapters.bootstrap import build
from adapters.demo.sample import EXCLUDED_DOMAIN, OUR_DOMAIN, build_sample
from adapters.input.ingest import ingest_stream
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import load_seed, seed
from adapters.web.app import create_app
from adapters.web.config import ConsoleConfig
from adapters.web.console import Console, open_console
from replay.plan_entries import ActivityDiff, Item
from replay.plan_file import PlanWriter, encode_entry

TOKEN = "browser-admin-token-0123456789abcdef"
SECRET = "browser-webhook-secret-0123456789"
MISSING_RECORD = "a0B000000000042AAA"


@dataclass
class Site:
    """A running console: its URL, the org behind it, and the console's parts."""

    url: str
    org: LocalOrg
    console: Console


def refused_activities(sample: Any) -> list[dict[str, Any]]:
    """Emails related to a custom record the org does not hold: each Task is refused for good."""
    people = sample.emails_of("acct2")[:3]  # Initech Software
    return [
        {
            "id": f"<project-{n}@{OUR_DOMAIN}>:sent",
            "type": "sent",
            "occurred_at": f"2026-03-06T1{n}:00:00+01:00",
            "sender": f"ana.lima@{OUR_DOMAIN}",
            "to": [person],
            "subject": f"Project kickoff notes {n}",
            "related_to": {"object": "Project__c", "id": MISSING_RECORD},
        }
        for n, person in enumerate(people)
    ]


def fill_store(folder: Path, org: LocalOrg) -> str:
    """Seed the org, ingest the sample and the refused emails, sync everything once."""
    sample = build_sample()
    seed(org.salesforce(), load_seed(sample.seed()))
    store_url = f"sqlite:///{folder / 'store.db'}"
    engine = build(store_url, org.instance_url, env=org.environment())
    try:
        engine.app.change_setting("internal_domains", OUR_DOMAIN, "demo")
        engine.app.change_setting("excluded", EXCLUDED_DOMAIN, "demo")
        lines = [json.dumps(a) for a in [*sample.activities, *refused_activities(sample)]]
        lines += sample.bad_lines
        stream = io.BytesIO(("\n".join(lines) + "\n").encode())
        ingest_stream(engine.app, stream, "file:week.jsonl")
        engine.worker().run()
    finally:
        engine.close()
    return store_url


@contextmanager
def serving(folder: Path) -> Iterator[Site]:
    """The local org, a filled store, and the console serving it on a free port."""
    org = start_local_org(folder / "org.db", shared_activities=True)
    try:
        store_url = fill_store(folder, org)
        config = ConsoleConfig(
            admin_token=TOKEN,
            webhook_secret=SECRET,
            plans_dir=folder / "plans",
            worker_interval=0.5,
        )
        console = open_console(config, store_url, org.instance_url, env=org.environment())
        with _server(create_app(console)) as url:
            yield Site(url, org, console)
        console.runtime.close()
    finally:
        org.stop()


@contextmanager
def _server(app: Any) -> Iterator[str]:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


# One replay plan per kind of change, as `replay plan` writes them (item 9) --------------

CONTACTS = ("003000000000001AAA", "003000000000002AAA", "003000000000003AAA")
TASK_ID = "00T000000000009AAA"
ACCOUNT, OPPORTUNITY = "001000000000001AAA", "006000000000001AAA"
ITEMS: dict[str, Item] = {
    "create": Item("create", "as1_new", who_ids=CONTACTS, what_to=OPPORTUNITY),
    "delete": Item("delete", "as1_old", salesforce_id=TASK_ID, who_ids=CONTACTS),
    "relate": Item("relate", "as1_k", salesforce_id=TASK_ID, who_ids=CONTACTS[2:]),
    "unrelate": Item("unrelate", "as1_k", salesforce_id=TASK_ID, who_ids=CONTACTS[:1]),
    "rewhat": Item(
        "rewhat", "as1_k", salesforce_id=TASK_ID, what_from=ACCOUNT, what_to=OPPORTUNITY
    ),
    "update": Item("update", "as1_k", salesforce_id=TASK_ID, detail="changed: batch_index"),
    "adopt": Item(
        "adopt", "as1_k", salesforce_id=TASK_ID, who_ids=CONTACTS, detail="kept as the shared Task"
    ),
    "missing_in_org": Item(
        "missing_in_org", "as1_k", salesforce_id=TASK_ID, who_ids=CONTACTS, detail="re-create"
    ),
    "edited_in_org": Item(
        "edited_in_org",
        "as1_k",
        salesforce_id=TASK_ID,
        detail="modified by user 005000000000000PER, not the engine's user",
    ),
    "deleted_in_org": Item(
        "deleted_in_org",
        "as1_k",
        salesforce_id=TASK_ID,
        detail="deleted in the org; --force re-creates it",
    ),
}


def plan_of_one_kind(folder: Path, number: int, kind: str) -> str:
    """A plan in the console's folder whose one activity holds one `kind` of change."""
    replay_id = f"replay-20260307T10000{number}Z-00000{number}"
    writer = PlanWriter(folder / f"{replay_id}.json")
    held = kind in ("edited_in_org", "deleted_in_org")
    entry = ActivityDiff(f"<kind-{kind}@ours.example>:sent", f"{number:032x}", 6, (ITEMS[kind],))
    writer.add_lines(encode_entry(replace(entry, held=held)), 1)
    settings = {"version": 4, "shared_activities": "auto", "opportunity_mode": "account"}
    basis = {"org_read": True, "org_records_found": 1, "org_keys_asked": 1}
    totals = {"scanned": 1, "changed": 1, "held": int(held), "not_yet_synced": 0}
    header = {"replay_id": replay_id, "created_at": "2026-03-07T10:00:00+00:00"}
    writer.finish({**header, "settings": settings, "basis": basis, "totals": totals,
                   "counts": {kind: 1}})  # fmt: skip
    return replay_id
