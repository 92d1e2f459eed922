"""The local org's certificate: a CA and a server certificate for 127.0.0.1, kept beside the db."""

from __future__ import annotations

import ssl
from pathlib import Path


def paths(db_path: str) -> tuple[Path, Path]:
    """(CA bundle clients trust, server certificate chain + key)."""
    return Path(f"{db_path}.ca.pem"), Path(f"{db_path}.server.pem")


def server_context(db_path: str) -> tuple[ssl.SSLContext, str]:
    """A TLS context for the server, and the CA bundle path to hand to clients.

    The pair is made on first start and reused afterwards, so a client configured with the
    bundle keeps working across restarts; it is remade if unreadable.
    """
    ca_path, server_path = paths(db_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(server_path)
        if not ca_path.exists():
            raise FileNotFoundError(ca_path)
    except (OSError, ssl.SSLError):
        _make(ca_path, server_path)
        context.load_cert_chain(server_path)
    return context, str(ca_path.resolve())


def _make(ca_path: Path, server_path: Path) -> None:
    import trustme  # only needed for a new db: keeps restarts quick

    ca = trustme.CA(organization_name="activity-sync local org")
    leaf = ca.issue_cert("127.0.0.1", "localhost", "::1")
    ca.cert_pem.write_to_path(str(ca_path))
    with open(server_path, "wb") as out:
        out.write(leaf.private_key_pem.bytes())
        for blob in leaf.cert_chain_pems:
            out.write(blob.bytes())
    server_path.chmod(0o600)
