"""Reaching the org for replay: observe its shared-activities state once, read by sync key."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from domain.errors import BadInput
from domain.settings import Settings
from projections.application import ActivitySyncApp
from projections.tracker import SettingsTracker
from replay.org_state import OrgReader


def observe_org(app: ActivitySyncApp, probe: Any) -> Settings:
    """Read the org's shared-activities setting now (R17), recording a change as usual.

    An org whose shared activities support disabled is then planned for as it is.
    """
    return SettingsTracker(app, probe).current()


def org_reader(gateway: Any, org_shared: bool) -> OrgReader:
    """Read Tasks by sync key, with their relations whenever the org has them.

    The gateway's own `fetch` asks for relations only while the engine shares (its
    `shared()`); replay must see them whatever the engine's switch says (a shared Task the
    engine no longer wants still holds its contacts in the org). So replay reads through a
    shallow copy of the gateway whose `shared()` answers the org's own state; the engine's
    gateway is left as it is. A reader without that switch (a fake) is used as it is.
    """
    if not callable(getattr(gateway, "shared", None)):
        return gateway.fetch  # type: ignore[no-any-return]
    reading = copy.copy(gateway)
    reading.shared = lambda: org_shared
    return reading.fetch  # type: ignore[no-any-return]


def target_settings(app: ActivitySyncApp, version: int | None) -> Settings:
    """The current settings, or those of `version` with the org's state as observed now."""
    current = app.settings()
    if version is None:
        return current
    if not 0 <= version <= current.version:
        raise BadInput(f"no settings version {version}; the current version is {current.version}")
    return replace(app.settings_at(version), org_shared_activities=current.org_shared_activities)
