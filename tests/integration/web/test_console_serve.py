"""`activity-sync serve` as an admin runs it: listens, guards, takes the webhook, stops on Ctrl+C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import orjson
from console_support import BEARER, SECRET, TOKEN, activity

from adapters.web.webhook import sign

ROOT = Path(__file__).resolve().parents[3]


def test_serve_answers_guards_records_webhook_items_and_stops_cleanly(tmp_path: Path) -> None:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ACTIVITY_SYNC_", "SALESFORCE_"))
        },
        "ACTIVITY_SYNC_ADMIN_TOKEN": TOKEN,
        "ACTIVITY_SYNC_WEBHOOK_SECRET": SECRET,
    }
    command = [sys.executable, "-c", "from adapters.cli.main import main; main()"]
    command += ["--store", f"sqlite:///{tmp_path}/store.db", "serve", "--port", "0", "--no-worker"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stderr is not None
        first = server.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, first
        url = found.group(0)
        assert "admin token required; webhook on; sync worker off" in server.stderr.readline()
        with httpx.Client(base_url=url, timeout=10) as client:
            assert client.get("/api/health").status_code == 401
            health = client.get("/api/health", headers=BEARER).json()
            assert health["worker"]["state"] == "disabled" and health["webhook_enabled"]
            body = orjson.dumps([activity("served-1")])
            hook = client.post(
                "/api/activities",
                content=body,
                headers={"X-Activity-Sync-Signature": sign(SECRET, body)},
            )
            assert hook.status_code == 202 and hook.json()["accepted"] == 1
            assert client.get("/api/health", headers=BEARER).json()["backlog"]["pending"] == 1
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()
