"""Sealed values: AES-GCM ciphertext inside an event's plain data, named by the key that opens it.

A sealed value is a string, so it sits wherever the plain value did (a list item, a dict
key): `\x1fp1:<person>:<b64>` under a person's key, `\x1fc1:<b64>` under the activity's
content key, `\x1fl1:<b64>` under a rejected line's own key. The leading unit separator
never occurs in an address or in text a user typed into a JSON field unescaped.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MARK = "\x1f"
PERSON = MARK + "p1:"
CONTENT = MARK + "c1:"
LINE = MARK + "l1:"
KEY_BYTES = 32
_NONCE = 12


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def new_person_id() -> str:
    return os.urandom(8).hex()


def encrypt(aead: AESGCM, text: str, context: bytes) -> str:
    """Nonce and ciphertext of `text`, base64 (url-safe, unpadded); `context` is bound to it."""
    nonce = os.urandom(_NONCE)
    sealed = nonce + aead.encrypt(nonce, text.encode("utf-8"), context)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode("ascii")


def decrypt(aead: AESGCM, token: str, context: bytes) -> str | None:
    """The plain text, or None when the key does not open it (never an exception)."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        return aead.decrypt(raw[:_NONCE], raw[_NONCE:], context).decode("utf-8")
    except (InvalidTag, ValueError):
        return None


def seal_person(person_id: str, aead: AESGCM, text: str) -> str:
    return f"{PERSON}{person_id}:{encrypt(aead, text, person_id.encode())}"


def person_of(value: str) -> tuple[str, str] | None:
    """(person id, token) of a value sealed under a person's key, else None."""
    if not value.startswith(PERSON):
        return None
    person_id, _, token = value[len(PERSON) :].partition(":")
    return person_id, token


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(MARK)
