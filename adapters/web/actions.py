"""What the console changes: retries of failed records and settings, always through events."""

from __future__ import annotations

from typing import Any

from adapters.bootstrap import Runtime
from domain.errors import NotFound
from domain.settings import parse_setting
from projections.application import ActivitySyncApp
from projections.retries import RetryResult


def retry(
    runtime: Runtime,
    requested_by: str,
    code: str | None = None,
    sync_keys: list[str] | None = None,
) -> RetryResult:
    """Append RetryRequested for every failed record of `code` (or with these keys); keys
    the console showed that are no longer failed are NotFound."""
    result = runtime.retry(requested_by, code=code, sync_keys=sync_keys)
    if sync_keys is not None and not (result.requested or result.skipped):
        raise NotFound("no failed record has sync key " + ", ".join(sync_keys))
    return result


def change_setting(app: ActivitySyncApp, key: str, value: str, changed_by: str) -> dict[str, Any]:
    """Change one setting as `settings set` does (R16); returns old, new and the version."""
    key = key.strip().replace("-", "_")
    parse_setting(key, value)
    before = app.settings()
    after = app.change_setting(key, value, changed_by)
    return {
        "key": key,
        "old": _plain(getattr(before, key)),
        "new": _plain(getattr(after, key)),
        "version": after.version,
        "changed": after.version != before.version,
    }


def preview_setting(app: ActivitySyncApp, key: str, value: str) -> dict[str, Any]:
    """What a change would do, for the confirmation (raises BadSetting like the change)."""
    key = key.strip().replace("-", "_")
    new = parse_setting(key, value)
    old = getattr(app.settings(), key)
    return {"key": key, "value": value, "old": _plain(old), "new": _plain(new), "same": old == new}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
