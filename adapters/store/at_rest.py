"""What `doctor` says about encryption at rest: is the store encrypted, and does the key open it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from adapters.store.encryption import CIPHER_NAME, KEY_VARIABLE, store_key
from domain.errors import ActivitySyncError


@dataclass(frozen=True)
class AtRest:
    """One finding: ok True (fine), False (the store will not open), None (not checked)."""

    ok: bool | None
    detail: str
    fix: str = ""


def at_rest(store: str | None, env: Mapping[str, str]) -> AtRest:
    """Judge the store's encryption against the key in `env`, without refusing to open it."""
    from adapters.store.persistence import locate, open_app, shown
    from adapters.store.store_seal import verify

    try:
        key = store_key(env)
        location = locate(store or env.get("ACTIVITY_SYNC_STORE"))
    except ActivitySyncError as error:
        return AtRest(False, str(error), "make a key with `activity-sync keys new`")
    path = location.sqlite_path
    if path is not None and str(path) != ":memory:" and not path.exists():
        mode = f"encrypted ({CIPHER_NAME})" if key else f"not encrypted ({KEY_VARIABLE} is not set)"
        return AtRest(True, f"no store yet: it will be created {mode}")
    try:
        app = open_app(location.url, create=False, env=env, check_key=False)
    except ActivitySyncError:
        return AtRest(None, "not checked: the store did not open")
    try:
        finding = verify(app, shown(location))
    finally:
        app.close()
    if finding.problem:
        return AtRest(False, finding.problem, _fix(finding.encrypted))
    if finding.encrypted:
        return AtRest(
            True,
            f"events are encrypted at rest ({CIPHER_NAME}) and {KEY_VARIABLE} opens them; "
            "the read models are not (docs/privacy.md)",
        )
    return AtRest(True, f"events are not encrypted at rest ({KEY_VARIABLE} is not set)")


def _fix(encrypted: bool) -> str:
    if encrypted:
        return f"set {KEY_VARIABLE} to the key the store was created with"
    return (
        f"unset {KEY_VARIABLE} for this store; to encrypt, start a new store with the key "
        "(docs/privacy.md)"
    )
