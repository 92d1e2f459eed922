"""Named admin tokens: one per person, so every change made in the console names who made it.

`ACTIVITY_SYNC_ADMIN_TOKENS="ana:tok1,ben:tok2"`, or `ACTIVITY_SYNC_ADMIN_TOKENS_FILE`
naming a file of `name:token` lines (`#` starts a comment; owner-only, `chmod 600`). `ACTIVITY_SYNC_ADMIN_TOKEN`
keeps working beside them as the person `admin`. Names are recorded (`console:ana`);
tokens never are: a refusal names the entry (its position or line), never its token.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from domain.errors import BadInput

TOKENS_ENV = "ACTIVITY_SYNC_ADMIN_TOKENS"
TOKENS_FILE_ENV = "ACTIVITY_SYNC_ADMIN_TOKENS_FILE"
SINGLE_NAME = "admin"  # the person of ACTIVITY_SYNC_ADMIN_TOKEN
MIN_LENGTH = 16
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,39}$")

Named = tuple[tuple[str, str], ...]


def console_who(name: str | None) -> str:
    """What events record as the author of a console change: `console:<name>`, or `console`
    when the console has no token (open on this machine)."""
    return f"console:{name}" if name else "console"


def who(request: Any) -> str:
    """The author of a change made by this request (its admin's name, from the guard)."""
    return console_who(getattr(request.state, "admin", None))


def parse_entries(entries: list[tuple[str, str]]) -> Named:
    """(where, `name:token`) pairs -> (name, token) pairs, each checked."""
    found: dict[str, str] = {}
    tokens: set[str] = set()
    for where, entry in entries:
        name, colon, token = entry.strip().partition(":")
        name, token = name.strip().lower(), token.strip()
        if not colon or not _NAME.match(name):
            raise BadInput(
                f"{where}: expected name:token with a name of letters, digits, '.', '_' or '-' "
                "(at most 40)"
            )
        if len(token) < MIN_LENGTH:
            raise BadInput(
                f"{where}: the token of '{name}' is too short: use at least {MIN_LENGTH} characters"
            )
        if name in found:
            raise BadInput(f"{where}: '{name}' is named twice; give each person one token")
        if token in tokens:
            raise BadInput(
                f"{where}: the token of '{name}' is another person's too; give each their own"
            )
        found[name] = token
        tokens.add(token)
    return tuple(found.items())


def from_env(env: Mapping[str, str], single: str | None) -> Named:
    """Every named token the environment gives, with the single token as `admin` (if set)."""
    entries: list[tuple[str, str]] = []
    listed = env.get(TOKENS_ENV, "")
    for index, entry in enumerate(listed.split(","), start=1):
        if entry.strip():
            entries.append((f"{TOKENS_ENV} entry {index}", entry))
    if path := env.get(TOKENS_FILE_ENV):
        entries.extend(_file_entries(Path(path)))
    if single and entries:
        entries.append(("ACTIVITY_SYNC_ADMIN_TOKEN", f"{SINGLE_NAME}:{single}"))
    return parse_entries(entries)


def _file_entries(path: Path) -> list[tuple[str, str]]:
    mode = path.stat().st_mode if path.is_file() else 0
    if mode & 0o077:
        raise BadInput(
            f"{TOKENS_FILE_ENV}: {path} is readable by group or others: restrict it with "
            f"`chmod 600 {path}`"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BadInput(f"{TOKENS_FILE_ENV}: cannot read {path}: {error.strerror}") from None
    return [
        (f"{path} line {number}", line)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
