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

from adapters.store import seal
from adapters.store.vault import Vault
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
        self._recorded: set[str] = set()  # activities given a content key by this process

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

    def _seal_content(self, activity: str, value: Any, new: bool = False) -> Any:
        if not isinstance(value, str) or seal.is_sealed(value):
            return value
        key_id, aead = self.vault.content_for(activity, new and activity not in self._recorded)
        self._recorded.add(activity)
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
        activity = state["originator_id"].hex
        if "id" in data:
            data["id"] = self._seal_id(data, activity)
        _each_address(data, self.seal_address)
        for name in CONTENT_FIELDS:
            if name in data:
                data[name] = self._seal_content(activity, data[name], new=True)
        state["activity"] = data

    def _open_recorded(self, state: dict[str, Any]) -> None:
        data = state["activity"]
        activity = state["originator_id"].hex
        if seal.is_sealed(data.get("id")):
            data["id"] = self._open_id(data["id"], activity)
        _each_address(data, self.open_address)
        for name in CONTENT_FIELDS:
            if name in data:
                data[name] = self._open_content(activity, data[name])

    def _seal_resolved(self, state: dict[str, Any]) -> None:
        state["recipients"] = [self._seal_recipient(r) for r in state["recipients"]]
        if isinstance(state.get("warnings"), list):
            state["warnings"] = [self._seal_warning(w) for w in state["warnings"]]
        if isinstance(state.get("directory"), dict):
            state["directory"] = self._seal_directory(state["directory"])

    def _seal_directory(self, given: dict[str, Any]) -> dict[str, Any]:
        directory = dict(given)
        for name in DIRECTORY_PEOPLE:
            if not isinstance(directory.get(name), dict):
                continue
            directory[name] = {
                self.seal_address(address): [self._with_email(r, self.seal_address) for r in rows]
                for address, rows in directory[name].items()
            }
        users = directory.get("users_by_email")
        if isinstance(users, dict):
            directory["users_by_email"] = {self.seal_address(a): u for a, u in users.items()}
        return directory

    def _open_resolved(self, state: dict[str, Any]) -> None:
        state["recipients"] = [self._open_recipient(r) for r in state["recipients"]]
        if isinstance(state.get("warnings"), list):
            opened = map(self.open_address, state["warnings"])
            state["warnings"] = [w for w in opened if w != FORGOTTEN_PERSON]
        directory = state.get("directory")
        if not isinstance(directory, dict):
            return
        for name in DIRECTORY_PEOPLE:
            if isinstance(directory.get(name), dict):
                directory[name] = {
                    plain: [self._with_email(row, self.open_address) for row in rows]
                    for address, rows in directory[name].items()
                    if (plain := self.open_address(address)) != FORGOTTEN_PERSON
                }
        users = directory.get("users_by_email")
        if isinstance(users, dict):
            directory["users_by_email"] = {self.open_address(a): u for a, u in users.items()}

    @staticmethod
    def _with_email(row: Any, change: Callable[[Any], Any]) -> Any:
        if not isinstance(row, dict) or "email" not in row:
            return row
        return {**row, "email": change(row["email"])}

    def _seal_recipient(self, recipient: dict[str, Any]) -> dict[str, Any]:
        sealed = dict(recipient)
        if "given" in sealed:
            sealed["given"] = self.seal_address(recipient.get("address"), recipient["given"])
        if "address" in sealed:
            sealed["address"] = self.seal_address(recipient["address"])
        return sealed

    def _open_recipient(self, recipient: dict[str, Any]) -> dict[str, Any]:
        if "address" not in recipient:
            return recipient
        if not seal.is_sealed(recipient["address"]) and not self.vault.forgotten:
            return recipient  # plain (written before the vault), and nobody is forgotten
        address = self.open_address(recipient["address"])
        if address != FORGOTTEN_PERSON:
            recipient["address"] = address
            if "given" in recipient:
                recipient["given"] = self.open_address(recipient["given"])
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
        key_id, aead = self.vault.new_line_key(ref)
        for name in ("raw", "reason"):
            value = state.get(name)
            if isinstance(value, str):
                token = seal.encrypt(aead, value, ref.encode())
                state[name] = f"{seal.LINE}{key_id}:{token}"

    def _names_forgotten(self, text: Any) -> bool:
        if not isinstance(text, str) or not self.vault.forgotten:
            return False
        return any(self.vault.is_forgotten(normalise(a)) for a in _ADDRESS.findall(text))

    def _open_line(self, state: dict[str, Any]) -> None:
        ref = line_ref(state)
        for name in ("raw", "reason"):
            value = state.get(name)
            if isinstance(value, str) and value.startswith(seal.LINE):
                key_id, _, token = value[len(seal.LINE) :].partition(":")
                aead = self.vault.line_key(key_id)
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


def _each_address(data: dict[str, Any], change: Callable[[Any], Any]) -> None:
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
