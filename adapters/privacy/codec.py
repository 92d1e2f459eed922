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

import re
from collections.abc import Callable
from email.utils import parseaddr
from functools import lru_cache
from typing import Any

from adapters.privacy import seal
from adapters.privacy.vault import Vault
from domain.activity import EmailActivity
from domain.addresses import normalise
from domain.model import FORGOTTEN, FORGOTTEN_PERSON
from domain.rejection import IngestRun

ERASED = "(erased with a forgotten person)"
WITHHELD = "(withheld: names a forgotten person)"
ADDRESS_ROLES = ("sender", "actor")
ADDRESS_LISTS = ("to", "cc", "bcc")
CONTENT_FIELDS = ("subject", "body")
TASK_TEXT = ("Subject", "Description")
DIRECTORY_PEOPLE = ("contacts_by_email", "leads_by_email")
_ADDRESS = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")

RECORDED = EmailActivity.Recorded.TOPIC
RESOLVED = EmailActivity.RecipientsResolved.TOPIC
FORMED = EmailActivity.BatchFormed.TOPIC
ORG_CHANGED = EmailActivity.OrgChanged.TOPIC
REJECTED = IngestRun.LineRejected.TOPIC


class Codec:
    """Seals and opens the personal fields of the event types that carry them."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._seal: dict[str, Callable[[dict[str, Any]], None]] = {
            RECORDED: self._seal_recorded,
            RESOLVED: self._seal_resolved,
            FORMED: self._seal_formed,
            ORG_CHANGED: self._seal_org_changed,
            REJECTED: self._seal_line,
        }
        self._open: dict[str, Callable[[dict[str, Any]], None]] = {
            RECORDED: self._open_recorded,
            RESOLVED: self._open_resolved,
            FORMED: self._open_formed,
            ORG_CHANGED: self._open_org_changed,
            REJECTED: self._open_line,
        }
        self.topics = frozenset(self._seal)

    def seal(self, topic: str, state: dict[str, Any]) -> dict[str, Any]:
        """A copy of the event state with its personal fields sealed (the event is untouched)."""
        self._seal[topic](state)
        return state

    def open(self, topic: str, state: dict[str, Any]) -> None:
        """Open the sealed fields of decoded event state, in place."""
        self._open[topic](state)

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

    def _seal_content(self, activity: str, value: Any) -> Any:
        if not isinstance(value, str) or seal.is_sealed(value):
            return value
        key_id, aead = self.vault.content_for(activity)
        context = activity.encode()
        return f"{seal.CONTENT}{key_id}:{seal.encrypt(aead, value, context)}"

    def _open_content(self, activity: str, value: Any) -> Any:
        if not isinstance(value, str) or not value.startswith(seal.CONTENT):
            return value
        key_id, _, token = value[len(seal.CONTENT) :].partition(":")
        aead = self.vault.content_key(key_id, activity)
        opened = None if aead is None else seal.decrypt(aead, token, activity.encode())
        return ERASED if opened is None else opened

    def _fields(self, state: dict[str, Any], holder: dict[str, Any], change: Callable) -> None:
        fields = holder.get("fields")
        if isinstance(fields, dict) and any(name in fields for name in TASK_TEXT):
            activity = state["originator_id"].hex
            holder["fields"] = {
                k: change(activity, v) if k in TASK_TEXT else v for k, v in fields.items()
            }

    # Event types -----------------------------------------------------------------------

    def _seal_recorded(self, state: dict[str, Any]) -> None:
        data = dict(state["activity"])
        data["id"] = self._seal_id(data, state["originator_id"].hex)
        for role in ADDRESS_ROLES:
            data[role] = self.seal_address(data.get(role))
        for role in ADDRESS_LISTS:
            data[role] = [self.seal_address(a) for a in data.get(role) or ()]
        activity = state["originator_id"].hex
        for name in CONTENT_FIELDS:
            data[name] = self._seal_content(activity, data.get(name))
        state["activity"] = data

    def _open_recorded(self, state: dict[str, Any]) -> None:
        data = state["activity"]
        if seal.is_sealed(data.get("id")):
            data["id"] = self._open_id(data["id"], state["originator_id"].hex)
        for role in ADDRESS_ROLES:
            data[role] = self.open_address(data.get(role))
        for role in ADDRESS_LISTS:
            data[role] = [self.open_address(a) for a in data.get(role) or ()]
        activity = state["originator_id"].hex
        for name in CONTENT_FIELDS:
            data[name] = self._open_content(activity, data.get(name))

    def _seal_resolved(self, state: dict[str, Any]) -> None:
        state["recipients"] = [
            {
                **r,
                "address": self.seal_address(r.get("address")),
                "given": self.seal_address(r.get("address"), r.get("given")),
            }
            for r in state["recipients"]
        ]
        state["warnings"] = [self._seal_warning(w) for w in state.get("warnings") or ()]
        directory = dict(state.get("directory") or {})
        for name in DIRECTORY_PEOPLE:
            directory[name] = {
                self.seal_address(address): [
                    {**row, "email": self.seal_address(row.get("email"))} for row in rows
                ]
                for address, rows in (directory.get(name) or {}).items()
            }
        users = directory.get("users_by_email") or {}
        directory["users_by_email"] = {self.seal_address(a): u for a, u in users.items()}
        state["directory"] = directory

    def _open_resolved(self, state: dict[str, Any]) -> None:
        state["recipients"] = [self._open_recipient(r) for r in state["recipients"]]
        state["warnings"] = [
            w for w in map(self.open_address, state.get("warnings") or ()) if w != FORGOTTEN_PERSON
        ]
        directory = state.get("directory") or {}
        for name in DIRECTORY_PEOPLE:
            opened = {}
            for address, rows in (directory.get(name) or {}).items():
                plain = self.open_address(address)
                if plain != FORGOTTEN_PERSON:
                    opened[plain] = [
                        {**row, "email": self.open_address(row.get("email"))} for row in rows
                    ]
            directory[name] = opened
        users = directory.get("users_by_email") or {}
        if users:
            directory["users_by_email"] = {self.open_address(a): u for a, u in users.items()}

    def _open_recipient(self, recipient: dict[str, Any]) -> dict[str, Any]:
        address = self.open_address(recipient.get("address"))
        if address != FORGOTTEN_PERSON:
            recipient["address"] = address
            recipient["given"] = self.open_address(recipient.get("given"))
            return recipient
        return {
            **recipient,
            "address": FORGOTTEN_PERSON,
            "given": FORGOTTEN_PERSON,
            "outcome": FORGOTTEN,
            "reason": FORGOTTEN,
        }

    def _seal_id(self, data: dict[str, Any], activity: str) -> Any:
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

    def _open_id(self, value: str, activity: str) -> str:
        while seal.is_sealed(value):
            value = self.open_address(value)
        return erased_id(activity) if value == FORGOTTEN_PERSON else value

    def _seal_warning(self, warning: str) -> str:
        kind, _, rest = warning.partition(":")
        if not kind.startswith("ambiguous_"):
            return warning
        return str(self.seal_address(rest.partition(":")[0], warning))

    def _seal_formed(self, state: dict[str, Any]) -> None:
        task = dict(state["task"])
        self._fields(state, task, self._seal_content)
        state["task"] = task

    def _open_formed(self, state: dict[str, Any]) -> None:
        self._fields(state, state["task"], self._open_content)

    def _seal_org_changed(self, state: dict[str, Any]) -> None:
        observed = dict(state.get("observed") or {})
        self._fields(state, observed, self._seal_content)
        state["observed"] = observed

    def _open_org_changed(self, state: dict[str, Any]) -> None:
        self._fields(state, state.get("observed") or {}, self._open_content)

    def _seal_line(self, state: dict[str, Any]) -> None:
        for name in ("raw", "reason"):
            if self._names_forgotten(state.get(name)):
                state[name] = WITHHELD
        ref = line_ref(state)
        aead = self.vault.new_line_key(ref)
        for name in ("raw", "reason"):
            value = state.get(name)
            if isinstance(value, str):
                state[name] = seal.LINE + seal.encrypt(aead, value, ref.encode())

    def _names_forgotten(self, text: Any) -> bool:
        if not isinstance(text, str) or not self.vault.forgotten:
            return False
        return any(self.vault.is_forgotten(normalise(a)) for a in _ADDRESS.findall(text))

    def _open_line(self, state: dict[str, Any]) -> None:
        ref = line_ref(state)
        aead: Any = False
        for name in ("raw", "reason"):
            value = state.get(name)
            if isinstance(value, str) and value.startswith(seal.LINE):
                if aead is False:
                    aead = self.vault.line_key(ref)
                token = value[len(seal.LINE) :]
                opened = None if aead is None else seal.decrypt(aead, token, ref.encode())
                state[name] = WITHHELD if opened is None else opened


@lru_cache(maxsize=65536)
def address_of(value: str) -> str:
    """The normalised address of `ana@x` or of a display-name form `Ana Lee <ana@x>`."""
    if "<" in value:
        found = parseaddr(value)[1]
        if found:
            return normalise(found)
    return normalise(value)


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
