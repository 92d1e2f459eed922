"""The store's encryption key: read from the environment, checked, and handed to eventsourcing's cipher.

Events are encrypted after encoding by the library's own mapper (AES-GCM from the
`cryptography` package); the key never goes into an event, a log line, an error or argv.
"""

from __future__ import annotations

import binascii
import os
import stat
from base64 import b64decode
from collections.abc import Mapping

from domain.errors import BadInput, ConfigurationError

KEY_VARIABLE = "ACTIVITY_SYNC_ENCRYPTION_KEY"
KEY_FILE_VARIABLE = KEY_VARIABLE + "_FILE"
CIPHER_NAME = "AES-GCM"
NEW_KEY_BYTES = 32  # AES-256
KEY_SIZES = (16, 24, 32)  # what the cipher accepts, in bytes
# eventsourcing's AES-GCM on the `cryptography` package; imported only when a key is used.
CIPHER_TOPIC = "eventsourcing.cryptography:AESCipher"
# The application's own prefixed names win over any CIPHER_* in the process environment,
# so only ACTIVITY_SYNC_ENCRYPTION_KEY decides whether the store is encrypted.
_TOPIC, _KEY = "ACTIVITYSYNC_CIPHER_TOPIC", "ACTIVITYSYNC_CIPHER_KEY"


def new_key() -> str:
    """A fresh random key in the form the cipher reads (base64 of 32 bytes)."""
    from eventsourcing.cryptography import AESCipher

    return AESCipher.create_key(NEW_KEY_BYTES)


def store_key(env: Mapping[str, str] | None = None) -> str | None:
    """The key set in the environment (or in the file its _FILE names), None when not set;
    a malformed one is bad input."""
    env = os.environ if env is None else env
    value = (env.get(KEY_VARIABLE) or "").strip() or _from_file(env.get(KEY_FILE_VARIABLE))
    if not value:
        return None
    try:
        size = len(b64decode(value.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeEncodeError):
        size = -1
    if size not in KEY_SIZES:
        raise BadInput(
            f"{KEY_VARIABLE} is not a key: it must be the base64 text of 16, 24 or 32 bytes, "
            "as `activity-sync keys new` prints"
        )
    return value


def _from_file(path: str | None) -> str:
    """The key kept in a file only its owner can read (as the other secrets' _FILE)."""
    if not path:
        return ""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISREG(mode) and not mode & 0o077:
            with open(path, encoding="ascii", errors="replace") as handle:
                return handle.read().strip()
    except OSError:
        raise ConfigurationError(
            f"{KEY_FILE_VARIABLE} names {path}, which cannot be read: point it at the key's file"
        ) from None
    raise ConfigurationError(
        f"{KEY_FILE_VARIABLE} names {path}, which is not a file only its owner can read: "
        f"point it at one (`chmod 600 {path}`)"
    )


def key_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Just the key's variables, when set: for runtimes built on an environment of their own."""
    env = os.environ if env is None else env
    return {name: env[name] for name in (KEY_VARIABLE, KEY_FILE_VARIABLE) if env.get(name)}


def cipher_env(key: str | None) -> dict[str, str]:
    """The eventsourcing settings that turn the cipher on with `key`, or off without one."""
    if key is None:
        return {_TOPIC: "", _KEY: ""}
    return {_TOPIC: CIPHER_TOPIC, _KEY: key}
