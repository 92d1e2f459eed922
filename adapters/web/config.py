"""What the console is told at start: where it listens, its secrets, and its limits."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from adapters.web import admins
from domain.errors import BadInput

ADMIN_TOKEN_ENV = "ACTIVITY_SYNC_ADMIN_TOKEN"
WEBHOOK_SECRET_ENV = "ACTIVITY_SYNC_WEBHOOK_SECRET"
MAX_BODY_ENV = "ACTIVITY_SYNC_WEBHOOK_MAX_BYTES"
DEFAULT_MAX_BODY = 5 * 1024 * 1024
MIN_SECRET_LENGTH = 16
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1", "[::1]")


@dataclass(frozen=True)
class ConsoleConfig:
    """The console's settings; secrets are held here and never rendered."""

    host: str = "127.0.0.1"
    port: int = 8080
    admin_token: str | None = field(default=None, repr=False)
    admin_names: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (name, token)
    webhook_secret: str | None = field(default=None, repr=False)
    max_body_bytes: int = DEFAULT_MAX_BODY
    plans_dir: Path | None = None
    worker_interval: float = 10.0
    chunk_size: int = 200
    extra_hosts: tuple[str, ...] = ()  # more Host header values to accept (a proxy's name)

    @property
    def guarded(self) -> bool:
        """An admin token (single or named) guards the console."""
        return bool(self.admin_token or self.admin_names)

    @property
    def allowed_hosts(self) -> list[str] | None:
        """Host header values served (None: any). Without an admin token only this machine's
        names are, so a page that rebinds its name to 127.0.0.1 cannot drive the console;
        with the token, any name (a proxy's, the machine's) unless `extra_hosts` are given."""
        if self.guarded and not self.extra_hosts:
            return None
        names = {self.host, *self.extra_hosts}
        if is_loopback(self.host):
            names.update(LOOPBACK_NAMES)
        return sorted(names)


def from_env(env: Mapping[str, str], **values: object) -> ConsoleConfig:
    """The configuration from the environment's secrets and the given options."""
    limit = env.get(MAX_BODY_ENV)
    if limit is not None and "max_body_bytes" not in values:
        try:
            values["max_body_bytes"] = int(limit)
        except ValueError:
            raise BadInput(f"{MAX_BODY_ENV} must be a whole number of bytes") from None
    single = env.get(ADMIN_TOKEN_ENV) or None
    return ConsoleConfig(
        admin_token=single,
        admin_names=admins.from_env(env, single),
        webhook_secret=env.get(WEBHOOK_SECRET_ENV) or None,
        **values,  # type: ignore[arg-type]
    )


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_can_serve(config: ConsoleConfig) -> None:
    """Refuse to start unguarded beyond this machine, or with secrets too short to trust."""
    if not is_loopback(config.host) and not config.guarded:
        raise BadInput(
            f"refusing to serve on {config.host}, which is not a loopback address, without "
            f"{ADMIN_TOKEN_ENV}: set it to a long random value (e.g. `openssl rand -hex 32`) "
            "or serve on 127.0.0.1"
        )
    for name, value in (
        (ADMIN_TOKEN_ENV, config.admin_token),
        (WEBHOOK_SECRET_ENV, config.webhook_secret),
    ):
        if value is not None and len(value) < MIN_SECRET_LENGTH:
            raise BadInput(f"{name} is too short: use at least {MIN_SECRET_LENGTH} characters")
    if config.max_body_bytes < 1:
        raise BadInput("the webhook body limit must be at least 1 byte")
