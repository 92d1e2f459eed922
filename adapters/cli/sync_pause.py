"""What `sync` does on a paused store: refuse by hand (exit 1), idle under `--follow`, `--force` runs."""

from __future__ import annotations

import click

from projections.application import ActivitySyncApp
from projections.sync_switch import SyncIsPaused, switch_state


class PauseGate:
    """Asked before each round: may it run? Says so once when the store is (still) paused."""

    def __init__(self, app: ActivitySyncApp, force: bool, follow: bool) -> None:
        self.app = app
        self.force = force
        self.follow = follow
        self._said: str | None = None

    def may_run(self) -> bool:
        """True to sync; False to idle this round (`--follow`); raises for a run by hand."""
        if self.force:
            return True
        state = switch_state(self.app)
        if not state.paused:
            if self._said is not None:
                click.echo("sync resumed; syncing again", err=True)
            self._said = None
            return True
        if not self.follow:
            raise SyncIsPaused(state.sentence())
        if self._said != state.at:
            click.echo(f"{state.sentence()}; waiting", err=True)
            self._said = state.at
        return False
