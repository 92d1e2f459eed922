"""`activity-sync keys new`: a fresh key for encrypting the event store at rest."""

from __future__ import annotations

import click
import orjson

from adapters.store.encryption import CIPHER_NAME, KEY_VARIABLE, NEW_KEY_BYTES, new_key


@click.group()
def keys() -> None:
    """Keys for encrypting the event store at rest (ACTIVITY_SYNC_ENCRYPTION_KEY)."""


@keys.command("new")
@click.option("--json", "as_json", is_flag=True, help="Print the key as one JSON document.")
def new(as_json: bool) -> None:
    """Print a fresh random key for ACTIVITY_SYNC_ENCRYPTION_KEY.

    The key (AES-256-GCM, base64) goes alone to stdout, a one-line hint to stderr. Set it
    before the store's first event: a store is encrypted from its start or not at all. Keep
    a copy where the store's backups are not: without the key the log cannot be read.
    """
    key = new_key()
    if as_json:
        document = {
            "key": key,
            "variable": KEY_VARIABLE,
            "cipher": CIPHER_NAME,
            "bits": NEW_KEY_BYTES * 8,
        }
        click.echo(orjson.dumps(document).decode())
        return
    click.echo(key)
    click.echo(
        f"# export {KEY_VARIABLE}='<the key above>' before the store's first ingest, "
        "and keep a copy apart from the store: a lost key cannot be recovered",
        err=True,
    )
