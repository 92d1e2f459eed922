"""Puts the vault under an application: its codec in the mapper, its new keys written first."""

from __future__ import annotations

from typing import Any

from adapters.store.persistence import StoreLocation
from adapters.store.personal_codec import Codec
from adapters.store.private_mapper import PrivateMapper
from adapters.store.vault import Vault
from projections.application import ActivitySyncApp


def attach_vault(app: ActivitySyncApp, location: StoreLocation) -> Vault | None:
    """The store's vault, attached to `app` (None for a store in memory: no vault to keep)."""
    if location.sqlalchemy_url == "sqlite://" or not isinstance(app.mapper, PrivateMapper):
        return None
    from adapters.store.sql import engine_for

    vault = Vault(engine_for(location))
    app.mapper.codec = Codec(vault)
    recorder: Any = app.recorder
    insert_events = recorder.insert_events

    def insert_after_keys(stored_events: Any, **kwargs: Any) -> Any:
        vault.flush()  # the keys first: an event never refers to a key that was not written
        return insert_events(stored_events, **kwargs)

    recorder.insert_events = insert_after_keys
    return vault


def vault_of(app: ActivitySyncApp) -> Vault | None:
    mapper = app.mapper
    codec = mapper.codec if isinstance(mapper, PrivateMapper) else None
    return None if codec is None else codec.vault
