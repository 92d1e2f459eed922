"""Puts the vault under an application: its codec in the mapper, its new keys written first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from adapters.store.persistence import StoreLocation
from adapters.store.personal_codec import Codec
from adapters.store.private_mapper import PrivateMapper
from projections.application import ActivitySyncApp

if TYPE_CHECKING:
    from adapters.store.vault import Vault


def attach_vault(app: ActivitySyncApp, location: StoreLocation) -> None:
    """The store's vault under `app`, opened when a personal field is first met (none for a
    store in memory: no vault to keep)."""
    if location.sqlalchemy_url == "sqlite://" or not isinstance(app.mapper, PrivateMapper):
        return None
    from adapters.store.personal_events import SEALERS

    mapper = app.mapper
    mapper.topics = frozenset(SEALERS)
    mapper.build = lambda: Codec(_vault(location))
    recorder: Any = app.recorder
    insert_events = recorder.insert_events

    def insert_after_keys(stored_events: Any, **kwargs: Any) -> Any:
        if mapper._codec is not None:  # the keys first: no event names a key not yet written
            mapper._codec.vault.flush()
        return insert_events(stored_events, **kwargs)

    recorder.insert_events = insert_after_keys
    return None


def _vault(location: StoreLocation) -> Vault:
    from adapters.store.sql import engine_for
    from adapters.store.vault import Vault

    return Vault(engine_for(location))


def vault_of(app: ActivitySyncApp) -> Vault | None:
    mapper = app.mapper
    codec = mapper.codec if isinstance(mapper, PrivateMapper) else None
    return None if codec is None else codec.vault
