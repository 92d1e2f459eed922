"""The event mapper with the personal-data codec: sealing before encoding, opening after decoding.

It composes with eventsourcing's own compression and cipher (whole-event encryption at
rest), which work on the encoded bytes: this mapper works on the event state before them.
Without a codec (a store in memory, a benchmark's plain run) it is eventsourcing's Mapper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import get_topic

from adapters.store.personal_codec import Codec


class PrivateMapper(Mapper[Any]):
    """eventsourcing's Mapper, with the codec on the event types that carry personal data."""

    topics: frozenset[str] = frozenset()  # the event types that carry personal data
    build: Callable[[], Codec] | None = None  # makes the codec when first needed
    _codec: Codec | None = None

    @property
    def codec(self) -> Codec | None:
        """The codec, made on first use: a command whose events carry no personal data (the
        settings, say) never opens the vault."""
        if self._codec is None and self.build is not None:
            self._codec = self.build()
        return self._codec

    @codec.setter
    def codec(self, codec: Codec | None) -> None:
        self._codec = codec

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        topic = get_topic(type(domain_event)) if self.topics else None
        if topic in self.topics:
            codec = self.codec
            if codec is not None:
                sealed = object.__new__(type(domain_event))
                state = codec.seal(topic, dict(vars(domain_event)))
                object.__setattr__(sealed, "__dict__", state)
                domain_event = sealed
        return super().to_stored_event(domain_event)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        if stored_event.topic in self.topics and (codec := self.codec) is not None:
            codec.open(stored_event.topic, event.__dict__)
        return event
