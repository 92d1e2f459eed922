"""The personal-data codec: seals the declared personal fields of events before they are encoded
and opens them after they are decoded (R29).

Addresses (and the display names given with them) are sealed under their person's key; an
activity's subject and body, and the Subject and Description planned from them, under the
activity's content key; a rejected line under its own key. A value whose key is gone opens
as `(forgotten person)` (or `ERASED` for text); a forgotten person's recipient entry opens
with the outcome `forgotten`, and their directory entries are left out. Plain values in
events written before the vault are read as they are, except that a suppressed address
reads as forgotten too.
"""

from __future__ import annotations

from collections.abc import Callable
from email.utils import parseaddr
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from adapters.store import seal
from domain.activity import EmailActivity
from domain.addresses import normalise
from domain.model import FORGOTTEN_PERSON
from domain.notices import RuleNotice
from domain.rejection import IngestRun

if TYPE_CHECKING:  # the vault (and SQLAlchemy) load only when a sealed value is met
    from adapters.store.vault import Vault

ERASED = "(erased with a forgotten person)"
WITHHELD = "(withheld: names a forgotten person)"
ADDRESS_ROLES = ("sender", "actor")
ADDRESS_LISTS = ("to", "cc", "bcc")
CONTENT_FIELDS = ("subject", "body")
TASK_TEXT = ("Subject", "Description")
DIRECTORY_PEOPLE = ("contacts_by_email", "leads_by_email")

RECORDED = EmailActivity.Recorded.TOPIC
RESOLVED = EmailActivity.RecipientsResolved.TOPIC
FORMED = EmailActivity.BatchFormed.TOPIC
ORG_CHANGED = EmailActivity.OrgChanged.TOPIC
REJECTED = IngestRun.LineRejected.TOPIC
NOTICE = RuleNotice.NoticeRaised.TOPIC


class Codec:
    """Seals and opens the personal fields of the event types that carry them."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        from adapters.store.personal_events import OPENERS, SEALERS

        self._seal, self._open = SEALERS, OPENERS
        self.topics = frozenset(SEALERS)
        self._recorded: set[str] = set()  # activities given a content key by this process

    def seal(self, topic: str, state: dict[str, Any]) -> dict[str, Any]:
        """A copy of the event state with its personal fields sealed (the event is untouched)."""
        self._seal[topic](self, state)
        return state

    def open(self, topic: str, state: dict[str, Any]) -> None:
        """Open the sealed fields of decoded event state, in place."""
        self._open[topic](self, state)

    # Addresses -------------------------------------------------------------------------

    def seal_address(self, value: Any, text: Any = None) -> Any:
        """`text` (default: the address itself) sealed under the address's person."""
        if not isinstance(value, str) or not value.strip() or seal.is_sealed(value):
            return value if text is None else text
        address = address_of(value)
        if address == FORGOTTEN_PERSON:
            return FORGOTTEN_PERSON
        person = self.vault.person_for(address)
        if person is None:
            return FORGOTTEN_PERSON
        return seal.seal_person(person[0], person[1], value if text is None else text)

    def open_address(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        parts = seal.person_of(value)
        if parts is None:
            if self.vault.forgotten and self.vault.is_forgotten(address_of(value)):
                return FORGOTTEN_PERSON  # a plain value from before the vault
            return value
        aead = self.vault.person_key(parts[0])
        opened = None if aead is None else seal.decrypt(aead, parts[1], parts[0].encode())
        return FORGOTTEN_PERSON if opened is None else opened

    # Content ---------------------------------------------------------------------------

    def seal_content(self, activity: str, value: Any, new: bool = False) -> Any:
        if not isinstance(value, str) or seal.is_sealed(value):
            return value
        key_id, aead = self.vault.content_for(activity, new and activity not in self._recorded)
        self._recorded.add(activity)
        context = activity.encode()
        return f"{seal.CONTENT}{key_id}:{seal.encrypt(aead, value, context)}"

    def open_content(self, activity: str, value: Any) -> Any:
        if not isinstance(value, str) or not value.startswith(seal.CONTENT):
            return value
        key_id, _, token = value[len(seal.CONTENT) :].partition(":")
        aead = self.vault.content_key(key_id, activity)
        opened = None if aead is None else seal.decrypt(aead, token, activity.encode())
        return ERASED if opened is None else opened

    def fields(self, state: dict[str, Any], holder: dict[str, Any], change: Callable) -> None:
        """A planned or observed record's Subject and Description, under the content key."""
        fields = holder.get("fields")
        if isinstance(fields, dict) and any(name in fields for name in TASK_TEXT):
            activity = state["originator_id"].hex
            holder["fields"] = {
                k: change(activity, v) if k in TASK_TEXT else v for k, v in fields.items()
            }

    def seal_id(self, data: dict[str, Any], activity: str) -> Any:
        """An id that names one of the activity's people (`<msg>/open/ana@x`) is sealed
        under each of them (one inside the other), so forgetting any one erases it."""
        value = data.get("id")
        if not isinstance(value, str) or "@" not in value:
            return value
        lowered = value.lower()
        named = [a for a in _people_of(data) if a in lowered]
        for address in dict.fromkeys(named):
            value = self.seal_address(address, value)
            if value == FORGOTTEN_PERSON:
                return erased_id(activity)
        return value

    def open_id(self, value: str, activity: str) -> str:
        while seal.is_sealed(value):
            value = self.open_address(value)
        return erased_id(activity) if value == FORGOTTEN_PERSON else value


@lru_cache(maxsize=65536)
def address_of(value: str) -> str:
    """The normalised address of `ana@x` or of a display-name form `Ana Lee <ana@x>`."""
    if "<" in value:
        found = parseaddr(value)[1]
        if found:
            return normalise(found)
    return normalise(value)


def each_address(data: dict[str, Any], change: Callable[[Any], Any]) -> None:
    """Apply `change` to every address an activity names, where it names one."""
    for role in ADDRESS_ROLES:
        if role in data:
            data[role] = change(data[role])
    for role in ADDRESS_LISTS:
        if isinstance(data.get(role), list):
            data[role] = [change(a) for a in data[role]]


def erased_id(activity: str) -> str:
    """What an activity id that named a forgotten person reads as: unique, and no address."""
    return f"{FORGOTTEN_PERSON} {activity}"


def _people_of(data: dict[str, Any]) -> list[str]:
    found = [data.get(role) for role in ADDRESS_ROLES]
    found += [a for role in ADDRESS_LISTS for a in data.get(role) or ()]
    return [address_of(a) for a in found if isinstance(a, str) and a.strip()]


def line_ref(state: dict[str, Any]) -> str:
    """The key reference of one rejected line: its run and its place in the run."""
    return f"{state['originator_id'].hex}:{state['originator_version']}"
