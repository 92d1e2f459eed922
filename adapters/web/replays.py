"""Replay from the console: make a plan for the current settings, keep it, show it, apply it.

The very functions of `activity-sync replay plan|apply` (replay.make_plan, replay.apply);
plans are files in one folder named by their replay id, and an applied plan gets a
`<id>.applied.json` beside it. One replay operation runs at a time.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import orjson

from domain.errors import BadInput, NotFound
from projections.application import ActivitySyncApp
from replay.apply import carry_out_plan
from replay.make_plan import PlanRequest, make_plan
from replay.narrowing import Narrowing
from replay.org_access import observe_org, org_reader, target_settings
from replay.plan_file import read_entries, read_header
from replay.preflight import prepare
from replay.sealed_plan import open_plan

PLAN_ID = re.compile(r"replay-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{6}")


class PlanStore:
    """Plans made by this console, kept in `folder`; `gateway` reaches the org (None: no org)."""

    def __init__(self, folder: Path, gateway: Callable[[], Any] | None) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.gateway = gateway
        self.lock = threading.Lock()

    def make(self, app: ActivitySyncApp, use_org: bool) -> dict[str, Any]:
        """Plan the whole history under the current settings; returns the plan's header."""
        if use_org and self.gateway is None:
            raise BadInput("no Salesforce org is configured: make the plan without reading the org")
        with self.lock:
            reader = None
            if use_org:
                assert self.gateway is not None
                gateway = self.gateway()
                observe_org(app, gateway)
                reader = org_reader(gateway, bool(app.settings().org_shared_activities))
            request = PlanRequest(settings=target_settings(app, None), reader=reader)
            part = self.folder / f"making-{uuid.uuid4().hex}.json"
            header, _ = make_plan(app, request, part)
            part.replace(self._path(header["replay_id"]))
        return self._described(header)

    def plans(self) -> list[dict[str, Any]]:
        """Every kept plan, newest first."""
        found = [read_header(path) for path in self.folder.glob("replay-*.json") if _is_plan(path)]
        found.sort(key=lambda header: str(header["created_at"]), reverse=True)
        return [self._described(header) for header in found]

    def header(self, replay_id: str) -> dict[str, Any]:
        return self._described(read_header(self._existing(replay_id)))

    def entries(self, replay_id: str, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        """The activities the plan changes (each with its items), `limit` from `offset`."""
        entries = read_entries(self._existing(replay_id))
        return [entry.to_dict() for entry in islice(entries, offset, offset + limit)]

    def apply(self, app: ActivitySyncApp, replay_id: str, force: bool) -> dict[str, Any]:
        """Append the plan's events, through the same checks as `replay apply` (its digest:
        PlanChanged; the store, settings and org: BasisChanged). The console asked on its
        own confirmation page, so this is `--yes`."""
        path = self._existing(replay_id)
        with self.lock, open_plan(path) as plan:
            reader = None
            if plan.header["basis"].get("org_read"):
                if self.gateway is None:
                    raise BadInput("the plan was made from the org's records; no org is configured")
                shared = bool(plan.header["settings"].get("org_shared_activities"))
                reader = org_reader(self.gateway(), shared)
            prepared = prepare(app, plan, reader, Narrowing(force_all=force))
            result = dataclasses.asdict(carry_out_plan(app, prepared))
            result["at"] = datetime.now(UTC).isoformat(timespec="seconds")
            if not result["previously_applied"]:
                self._applied_path(replay_id).write_bytes(orjson.dumps(result))
        return result

    # Files -----------------------------------------------------------------------------

    def _described(self, header: dict[str, Any]) -> dict[str, Any]:
        applied = self._applied_path(header["replay_id"])
        return {
            **header,
            "applied": orjson.loads(applied.read_bytes()) if applied.exists() else None,
        }

    def _path(self, replay_id: str) -> Path:
        if not PLAN_ID.fullmatch(replay_id):
            raise NotFound(f"no replay plan '{replay_id}'")
        return self.folder / f"{replay_id}.json"

    def _existing(self, replay_id: str) -> Path:
        path = self._path(replay_id)
        if not path.exists():
            raise NotFound(f"no replay plan '{replay_id}'")
        return path

    def _applied_path(self, replay_id: str) -> Path:
        return self._path(replay_id).with_suffix(".applied.json")


def _is_plan(path: Path) -> bool:
    return PLAN_ID.fullmatch(path.stem) is not None
