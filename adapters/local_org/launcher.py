"""Start the local org as a subprocess (`activity-sync org serve`) for tests, demos and benchmarks."""

from __future__ import annotations

import json
import os
import secrets
import select
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from simple_salesforce.api import Salesforce

from adapters.local_org.client import DEFAULT_VERSION, connect

# The org runs in a child process as `activity-sync org serve`, started through its own
# module (adapters/cli/org.py) so the rest of the CLI is not imported (quicker). A process
# boundary, not an import: the local org's packages import nothing of the engine.
_START = "from adapters.cli.org import main; main()"
_READY_TIMEOUT = 30.0
_RESTART_CHANGES = frozenset(
    {
        "shared_activities",
        "api_limit",
        "faults",
        "session_id",
        "deny_permissions",
        "archive_after_days",
        "people",
    }
)


@dataclass
class LocalOrg:
    """A running local org: where it is, how to reach it, and how to stop or restart it."""

    db_path: str
    shared_activities: bool | None = True
    api_limit: int | None = None
    faults: str | None = None
    session_id: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    port: int = 0
    instance_url: str = ""
    ca_bundle: str = ""
    process: subprocess.Popen[bytes] | None = None
    deny_permissions: tuple[str, ...] = ()
    archive_after_days: int | None = None
    people: dict[str, str] = field(default_factory=dict)
    """Other people's sessions: a short key ("pat") -> the name of their User ("Pat Admin")."""
    people_tokens: dict[str, str] = field(default_factory=dict)

    def start(self) -> LocalOrg:
        command = [sys.executable, "-c", _START, "serve", "--port", str(self.port)]
        command += ["--db", self.db_path, "--session-id", self.session_id]
        if self.shared_activities is not None:
            command += ["--shared-activities", "on" if self.shared_activities else "off"]
        if self.api_limit is not None:
            command += ["--api-limit", str(self.api_limit)]
        if self.faults:
            command += ["--faults", self.faults]
        for permission in self.deny_permissions:
            command += ["--deny-permission", permission]
        if self.archive_after_days is not None:
            command += ["--archive-after-days", str(self.archive_after_days)]
        for key, name in self.people.items():
            token = self.people_tokens.setdefault(key, f"{key}-{secrets.token_urlsafe(18)}")
            command += ["--user-session", f"{token}={name}"]
        log = open(f"{self.db_path}.log", "ab")  # noqa: SIM115 (handed to the child)
        try:
            self.process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=log, env=_child_env()
            )
        finally:
            log.close()
        announced = self._read_announcement()
        self.instance_url = announced["instance_url"]
        self.ca_bundle = announced["ca_bundle"]
        self.port = int(self.instance_url.rsplit(":", 1)[1])
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout:
            self.process.stdout.close()
        self.process = None

    def restart(self, **changes: Any) -> LocalOrg:
        """Stop, apply changes (shared_activities, api_limit, faults, session_id,
        deny_permissions, archive_after_days, people), start on the same db and port.
        `shared_activities=False` does what Salesforce support's disable does."""
        self.stop()
        for name, value in changes.items():
            if name not in _RESTART_CHANGES:
                raise TypeError(f"restart() got an unexpected change {name!r}")
            setattr(self, name, value)
        return self.start()

    def salesforce(self, version: str = DEFAULT_VERSION, as_user: str | None = None) -> Salesforce:
        """A simple-salesforce client trusting this org's certificate; `as_user` ("pat") acts as
        that person of `people` instead of the integration user."""
        token = self.session_id if as_user is None else self.people_tokens[as_user]
        return connect(self.instance_url, token, self.ca_bundle, version)

    def user_id(self, as_user: str | None = None) -> str:
        """The id of the integration user's User, or of the person `as_user`."""
        state = self.state()
        return str(state["user_id"] if as_user is None else state["users"][self.people[as_user]])

    def environment(self) -> dict[str, str]:
        """SALESFORCE_* variables that point the CLI at this org."""
        return {
            "SALESFORCE_INSTANCE_URL": self.instance_url,
            "SALESFORCE_SESSION_ID": self.session_id,
            "SALESFORCE_CA_BUNDLE": self.ca_bundle,
        }

    # --- admin routes (not counted, no faults) -------------------------------------------------

    def admin(self, name: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        session = requests.Session()
        session.trust_env = False
        method = "GET" if body is None else "POST"
        response = session.request(
            method,
            f"{self.instance_url}/__admin/{name}",
            json=body,
            headers={"Authorization": f"Bearer {self.session_id}"},
            verify=self.ca_bundle,
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())

    def state(self) -> dict[str, Any]:
        return self.admin("state")

    def set_faults(self, spec: str) -> dict[str, Any]:
        return self.admin("faults", {"spec": spec})

    def set_usage(self, used: int = 0, limit: int | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"used": used}
        if limit is not None:
            body["limit"] = limit
        return self.admin("usage", body)

    def set_metadata_readable(self, readable: bool) -> dict[str, Any]:
        return self.admin("metadata", {"readable": readable})

    def deny(self, *permissions: str) -> dict[str, Any]:
        """The integration user lacks exactly these permissions from now on (none: all held)."""
        self.deny_permissions = tuple(permissions)
        return self.admin("permissions", {"denied": list(permissions)})

    def __enter__(self) -> LocalOrg:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _read_announcement(self) -> dict[str, Any]:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + _READY_TIMEOUT
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.1)
            if ready:
                line = self.process.stdout.readline()
                if line:
                    return dict(json.loads(line))
            if self.process.poll() is not None:
                break
        self.stop()
        tail = Path(f"{self.db_path}.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"the local org did not start (db {self.db_path}):\n{tail}")


def start_local_org(
    db_path: str | os.PathLike[str],
    shared_activities: bool | None = True,
    api_limit: int | None = None,
    faults: str | None = None,
    session_id: str | None = None,
    deny_permissions: tuple[str, ...] = (),
    archive_after_days: int | None = None,
    people: dict[str, str] | None = None,
) -> LocalOrg:
    """Start `activity-sync org serve --port 0 --db db_path` and wait for its JSON line.

    `people` maps a short key to a person's name ({"pat": "Pat Admin"}): each gets a session
    of their own (`org.salesforce(as_user="pat")`)."""
    org = LocalOrg(
        str(db_path),
        shared_activities,
        api_limit,
        faults,
        deny_permissions=tuple(deny_permissions),
        archive_after_days=archive_after_days,
        people=dict(people or {}),
    )
    if session_id:
        org.session_id = session_id
    return org.start()


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env
