"""Run the local org until stopped: announce one JSON line on stdout, log to stderr."""

from __future__ import annotations

import json
import logging
import signal
import socket
import sqlite3
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from adapters.local_org.app import OrgApp
from adapters.local_org.faults import Faults
from adapters.local_org.http_server import OrgServer
from adapters.local_org.tls import server_context


class CannotServe(Exception):
    """The org cannot start (its port is taken, its folder cannot be written): one sentence."""


def _port_free(port: int) -> None:
    """Refuse a taken port before anything is written (the db and its certificates)."""
    if not port:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise CannotServe(
                f"port {port} on 127.0.0.1 is taken ({error.strerror}); choose another "
                "--port, or 0 for any free one"
            ) from None


def _made_by(paths: list[Path]) -> list[Path]:
    return [path for path in paths if not path.exists()]


def serve(
    db_path: str,
    port: int = 0,
    shared: bool | None = None,
    session_id: str | None = None,
    api_limit: int | None = None,
    faults: Faults | None = None,
    user_sessions: list[tuple[str, str]] | None = None,
    denied: frozenset[str] = frozenset(),
    archive_after_days: int | None = None,
    on_ready: Callable[[dict[str, str]], None] | None = None,
) -> None:
    """Serve until SIGTERM/SIGINT; every request has committed by the time it was answered.
    A port that is taken or a db that cannot be made is CannotServe, and nothing this call
    made is left behind."""
    _port_free(port)
    new = _made_by([Path(db_path + suffix) for suffix in ("", ".ca.pem", ".server.pem")])
    try:
        app = OrgApp(
            db_path,
            session_id=session_id,
            shared=shared,
            api_limit=api_limit,
            faults=faults,
            user_sessions=user_sessions,
            denied=denied,
            archive_after_days=archive_after_days,
        )
        context, ca_bundle = server_context(db_path)
        server = OrgServer(app, port, context)
    except (OSError, sqlite3.Error, SQLAlchemyError) as error:
        for path in new:
            path.unlink(missing_ok=True)
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise CannotServe(
            f"the local org cannot start with the db {db_path}: {reason}; check that its "
            "folder exists and can be written"
        ) from None
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s local-org %(levelname)s %(message)s",
    )
    announce = {
        "instance_url": f"https://127.0.0.1:{server.port}",
        "session_id": app.session_id,
        "ca_bundle": ca_bundle,
    }
    sys.stdout.write(json.dumps(announce) + "\n")
    sys.stdout.flush()
    if on_ready is not None:
        on_ready(announce)
    logging.getLogger("local_org").info(
        "serving %s (db %s, shared activities %s, api limit %s, faults %r, people %s, "
        "denied %s, archive after %s days)",
        announce["instance_url"],
        db_path,
        "on" if app.shared else "off",
        app.api_limit,
        app.faults.spec(),
        sorted(app.sessions.names),
        sorted(denied),
        archive_after_days,
    )

    def stop(_signum: int, _frame: Any) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        with app.store.lock:
            app.store.close()
