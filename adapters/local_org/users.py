"""Who calls the org: each session's User, and the permissions the integration user lacks.

The session of `--session-id` is the integration user's; each `--user-session TOKEN[=NAME]`
is another person (a User of its own, e.g. "Pat Admin"), so a test can make a write that is
not the engine's. `--deny-permission NAME` takes a permission from the integration user.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from adapters.local_org.assumptions import PERMISSIONS
from adapters.local_org.settings_change import insert_user
from adapters.local_org.store import Store


class UserSpecError(ValueError):
    """A --user-session or --deny-permission value that cannot be used."""


@dataclass(frozen=True)
class Caller:
    """The User a request runs as, and the permissions that User lacks."""

    user_id: str
    denied: frozenset[str] = frozenset()

    def may(self, permission: str) -> bool:
        return permission not in self.denied


def parse_user_session(spec: str) -> tuple[str, str]:
    """`TOKEN[=NAME]` -> (token, name); the name defaults to the token."""
    token, _, name = spec.partition("=")
    token, name = token.strip(), name.strip() or token.strip()
    if not token or not re.fullmatch(r"[A-Za-z0-9._~!-]+", token):
        raise UserSpecError(f"bad --user-session {spec!r}: expected TOKEN[=NAME]")
    return token, name


def parse_permissions(names: tuple[str, ...] | list[str]) -> frozenset[str]:
    unknown = [n for n in names if n not in PERMISSIONS]
    if unknown:
        raise UserSpecError(
            f"unknown permission {', '.join(unknown)}: known are {', '.join(PERMISSIONS)}"
        )
    return frozenset(names)


def ensure_named_user(store: Store, name: str) -> str:
    """The User called `name` (made on first use, kept by the db across restarts)."""
    slug = re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".") or "user"
    username = f"{slug}@people.local-org.invalid"
    found = store.find("User", "Username", [username])
    if found:
        return str(found[0]["Id"])
    first, _, last = name.rpartition(" ")
    return insert_user(store, first or None, last, username, slug[:8])


class Sessions:
    """Session tokens and the Caller each one stands for."""

    def __init__(self, integration_token: str, integration_user: str) -> None:
        self.integration_token = integration_token
        self.integration_user = integration_user
        self.denied: frozenset[str] = frozenset()
        self._people: dict[str, str] = {}  # token -> user id
        self.names: dict[str, str] = {}  # name -> user id

    def add_person(self, token: str, name: str, user_id: str) -> None:
        if secrets.compare_digest(token, self.integration_token):
            raise UserSpecError("a --user-session token must differ from --session-id")
        self._people[token] = user_id
        self.names[name] = user_id

    def caller(self, token: str) -> Caller | None:
        """The Caller of a session token, None when no session has it."""
        if secrets.compare_digest(token, self.integration_token):
            return Caller(self.integration_user, self.denied)
        for known, user_id in self._people.items():
            if secrets.compare_digest(token, known):
                return Caller(user_id)
        return None
