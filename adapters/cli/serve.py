"""`activity-sync serve`: the admin console, its JSON API and the signed webhook, with the sync worker."""

from __future__ import annotations

import contextlib
import os
import socket
from pathlib import Path

import click

from adapters.cli.config import Config
from adapters.web.config import DEFAULT_MAX_BODY, check_can_serve, from_env, is_loopback
from domain.errors import BadInput


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, help="Port (0 picks a free one).")
@click.option("--no-worker", is_flag=True, help="Do not run the sync worker in the background.")
@click.option(
    "--interval", default=10.0, show_default=True, help="Seconds between sync rounds when idle."
)
@click.option("--chunk-size", default=200, show_default=True, help="Activities per sync chunk.")
@click.option(
    "--max-body-bytes",
    type=int,
    default=None,
    help=f"Webhook body limit [default: ACTIVITY_SYNC_WEBHOOK_MAX_BYTES or {DEFAULT_MAX_BODY}].",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="Only answer requests for this host name (repeatable; e.g. a proxy's name).",
)
@click.option(
    "--plans-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Keep replay plans here [default: a new temporary folder].",
)
@click.pass_obj
def serve(
    config: Config,
    host: str,
    port: int,
    no_worker: bool,
    interval: float,
    chunk_size: int,
    max_body_bytes: int | None,
    allowed_hosts: tuple[str, ...],
    plans_dir: str | None,
) -> None:
    """Serve the admin console on HOST:PORT (127.0.0.1 by default) until interrupted.

    Pages and API need ACTIVITY_SYNC_ADMIN_TOKEN whenever it is set (required off
    loopback); the webhook POST /api/activities needs ACTIVITY_SYNC_WEBHOOK_SECRET.
    """
    import uvicorn

    from adapters.web.app import create_app
    from adapters.web.console import open_console

    options: dict[str, object] = {
        "host": host,
        "port": port,
        "worker_interval": max(interval, 0.1),
        "chunk_size": max(chunk_size, 1),
        "plans_dir": Path(plans_dir) if plans_dir else None,
        "extra_hosts": tuple(name.strip().lower() for name in allowed_hosts),
    }
    if max_body_bytes is not None:
        options["max_body_bytes"] = max_body_bytes
    settings = from_env(os.environ, **options)
    check_can_serve(settings)
    listener = _listen(host, port)
    console = open_console(settings, config.store, config.salesforce, worker=not no_worker)
    try:
        app = create_app(console)
        bound = listener.getsockname()
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        click.echo(f"activity-sync console on http://{shown}:{bound[1]}/", err=True)
        _describe(settings.guarded, settings.webhook_secret, no_worker, host)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        # Ctrl+C is how a server stops: uvicorn has shut down gracefully when it re-raises it.
        with contextlib.suppress(KeyboardInterrupt):
            server.run(sockets=[listener])
        click.echo("activity-sync console stopped.", err=True)
    finally:
        console.close()
        listener.close()


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host.strip("[]"), port))
    except OSError as error:
        listener.close()
        raise BadInput(f"cannot listen on {host}:{port}: {error.strerror}") from None
    listener.listen(128)
    return listener


def _describe(token: bool, secret: str | None, no_worker: bool, host: str) -> None:
    guard = "admin token required" if token else f"no admin token: open to whoever can reach {host}"
    if not is_loopback(host):
        guard += " (plain HTTP: put an HTTPS proxy in front)"
    hook = "webhook on" if secret else "webhook off (set ACTIVITY_SYNC_WEBHOOK_SECRET)"
    worker = "sync worker off" if no_worker else "sync worker on"
    click.echo(f"{guard}; {hook}; {worker}. Stop with Ctrl+C.", err=True)
