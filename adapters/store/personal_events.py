"""The personal fields of each event type, and how the codec seals and opens them (R29)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from adapters.store import seal
from adapters.store.personal_codec import (
    CONTENT_FIELDS,
    DIRECTORY_PEOPLE,
    FORMED,
    NOTICE,
    ORG_CHANGED,
    RECORDED,
    REJECTED,
    RESOLVED,
    WITHHELD,
    Codec,
    each_address,
    line_ref,
)
from domain.addresses import normalise
from domain.model import FORGOTTEN, FORGOTTEN_PERSON

_ADDRESS = re.compile(r"[^\s<>\"',;:()\[\]]+@[^\s<>\"',;:()\[\]]+")
Step = Callable[[Codec, dict[str, Any]], None]


def seal_recorded(codec: Codec, state: dict[str, Any]) -> None:
    data = dict(state["activity"])
    activity = state["originator_id"].hex
    if "id" in data:
        data["id"] = codec.seal_id(data, activity)
    each_address(data, codec.seal_address)
    for name in CONTENT_FIELDS:
        if name in data:
            data[name] = codec.seal_content(activity, data[name], new=True)
    state["activity"] = data


def open_recorded(codec: Codec, state: dict[str, Any]) -> None:
    data = state["activity"]
    activity = state["originator_id"].hex
    if seal.is_sealed(data.get("id")):
        data["id"] = codec.open_id(data["id"], activity)
    each_address(data, codec.open_address)
    for name in CONTENT_FIELDS:
        if name in data:
            data[name] = codec.open_content(activity, data[name])


def seal_resolved(codec: Codec, state: dict[str, Any]) -> None:
    state["recipients"] = [seal_recipient(codec, r) for r in state["recipients"]]
    if isinstance(state.get("warnings"), list):
        state["warnings"] = [seal_warning(codec, w) for w in state["warnings"]]
    if isinstance(state.get("directory"), dict):
        state["directory"] = seal_directory(codec, state["directory"])


def seal_directory(codec: Codec, given: dict[str, Any]) -> dict[str, Any]:
    directory = dict(given)
    for name in DIRECTORY_PEOPLE:
        if not isinstance(directory.get(name), dict):
            continue
        directory[name] = {
            codec.seal_address(address): [
                with_name(
                    with_email(r, codec.seal_address), lambda n, a=address: codec.seal_address(a, n)
                )
                for r in rows
            ]
            for address, rows in directory[name].items()
        }
    users = directory.get("users_by_email")
    if isinstance(users, dict):
        directory["users_by_email"] = {codec.seal_address(a): u for a, u in users.items()}
    names = directory.get("user_names")  # a person's Name, sealed under their address
    if isinstance(names, dict):
        directory["user_names"] = {
            codec.seal_address(a): codec.seal_address(a, n) for a, n in names.items()
        }
    return directory


def open_resolved(codec: Codec, state: dict[str, Any]) -> None:
    state["recipients"] = [open_recipient(codec, r) for r in state["recipients"]]
    if isinstance(state.get("warnings"), list):
        opened = map(codec.open_address, state["warnings"])
        state["warnings"] = [w for w in opened if w != FORGOTTEN_PERSON]
    directory = state.get("directory")
    if not isinstance(directory, dict):
        return
    for name in DIRECTORY_PEOPLE:
        if isinstance(directory.get(name), dict):
            directory[name] = {
                plain: [
                    with_name(with_email(row, codec.open_address), codec.open_address)
                    for row in rows
                ]
                for address, rows in directory[name].items()
                if (plain := codec.open_address(address)) != FORGOTTEN_PERSON
            }
    users = directory.get("users_by_email")
    if isinstance(users, dict):
        directory["users_by_email"] = {codec.open_address(a): u for a, u in users.items()}
    names = directory.get("user_names")
    if isinstance(names, dict):
        directory["user_names"] = {
            plain: codec.open_address(n)
            for a, n in names.items()
            if (plain := codec.open_address(a)) != FORGOTTEN_PERSON
        }


def with_email(row: Any, change: Callable[[Any], Any]) -> Any:
    if not isinstance(row, dict) or "email" not in row:
        return row
    return {**row, "email": change(row["email"])}


def with_name(row: Any, change: Callable[[Any], Any]) -> Any:
    """A Contact's or Lead's Name read from the org: personal data of that person (R29)."""
    if not isinstance(row, dict) or not isinstance(row.get("name"), str):
        return row
    return {**row, "name": change(row["name"])}


def seal_recipient(codec: Codec, recipient: dict[str, Any]) -> dict[str, Any]:
    sealed = dict(recipient)
    if "given" in sealed:
        sealed["given"] = codec.seal_address(recipient.get("address"), recipient["given"])
    if "address" in sealed:
        sealed["address"] = codec.seal_address(recipient["address"])
    return sealed


def open_recipient(codec: Codec, recipient: dict[str, Any]) -> dict[str, Any]:
    if "address" not in recipient:
        return recipient
    if not seal.is_sealed(recipient["address"]) and not codec.vault.forgotten:
        return recipient  # plain (written before the vault), and nobody is forgotten
    address = codec.open_address(recipient["address"])
    if address != FORGOTTEN_PERSON:
        recipient["address"] = address
        if "given" in recipient:
            recipient["given"] = codec.open_address(recipient["given"])
        return recipient
    return {
        **recipient,
        "address": FORGOTTEN_PERSON,
        "given": FORGOTTEN_PERSON,
        "outcome": FORGOTTEN,
        "reason": FORGOTTEN,
    }


def seal_warning(codec: Codec, warning: str) -> str:
    kind, _, rest = warning.partition(":")
    if not kind.startswith("ambiguous_"):
        return warning
    return str(codec.seal_address(rest.partition(":")[0], warning))


def seal_formed(codec: Codec, state: dict[str, Any]) -> None:
    task = dict(state["task"])
    codec.fields(state, task, codec.seal_content)
    state["task"] = task


def open_formed(codec: Codec, state: dict[str, Any]) -> None:
    codec.fields(state, state["task"], codec.open_content)


def seal_org_changed(codec: Codec, state: dict[str, Any]) -> None:
    observed = dict(state.get("observed") or {})
    codec.fields(state, observed, codec.seal_content)
    state["observed"] = observed


def open_org_changed(codec: Codec, state: dict[str, Any]) -> None:
    codec.fields(state, state.get("observed") or {}, codec.open_content)


def seal_line(codec: Codec, state: dict[str, Any]) -> None:
    for name in ("raw", "reason"):
        if names_forgotten(codec, state.get(name)):
            state[name] = WITHHELD
    ref = line_ref(state)
    key_id, aead = codec.vault.new_line_key(ref)
    for name in ("raw", "reason"):
        value = state.get(name)
        if isinstance(value, str):
            token = seal.encrypt(aead, value, ref.encode())
            state[name] = f"{seal.LINE}{key_id}:{token}"


def names_forgotten(codec: Codec, text: Any) -> bool:
    if not isinstance(text, str) or not codec.vault.forgotten:
        return False
    return any(codec.vault.is_forgotten(normalise(a)) for a in _ADDRESS.findall(text))


def open_line(codec: Codec, state: dict[str, Any]) -> None:
    ref = line_ref(state)
    for name in ("raw", "reason"):
        value = state.get(name)
        if isinstance(value, str) and value.startswith(seal.LINE):
            key_id, _, token = value[len(seal.LINE) :].partition(":")
            aead = codec.vault.line_key(key_id)
            opened = None if aead is None else seal.decrypt(aead, token, ref.encode())
            state[name] = WITHHELD if opened is None else opened


def seal_notice(codec: Codec, state: dict[str, Any]) -> None:
    """A rule notice names the Task's primary: their address, and the subject and activity id
    it carries, are sealed under the primary's key (a notice is about one person)."""
    body = state.get("body")
    primary = body.get("primary") if isinstance(body, dict) else None
    email = primary.get("email") if isinstance(primary, dict) else None
    if not isinstance(email, str):
        return
    body = {**body, "primary": {**primary, "email": codec.seal_address(email)}}
    for part, key in (("task", "subject"), ("activity", "id")):
        inner = body.get(part)
        if isinstance(inner, dict) and isinstance(inner.get(key), str):
            body[part] = {**inner, key: codec.seal_address(email, inner[key])}
    state["body"] = body


def open_notice(codec: Codec, state: dict[str, Any]) -> None:
    body = state.get("body")
    for part, key in (("primary", "email"), ("task", "subject"), ("activity", "id")):
        inner = body.get(part) if isinstance(body, dict) else None
        if isinstance(inner, dict) and seal.is_sealed(inner.get(key)):
            inner[key] = codec.open_address(inner[key])


SEALERS: dict[str, Step] = {
    RECORDED: seal_recorded,
    RESOLVED: seal_resolved,
    FORMED: seal_formed,
    ORG_CHANGED: seal_org_changed,
    REJECTED: seal_line,
    NOTICE: seal_notice,
}
OPENERS: dict[str, Step] = {
    RECORDED: open_recorded,
    RESOLVED: open_resolved,
    FORMED: open_formed,
    ORG_CHANGED: open_org_changed,
    REJECTED: open_line,
    NOTICE: open_notice,
}
