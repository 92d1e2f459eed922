"""The log's followers are declared in one table in bootstrap, so the flow reads in one place."""

from __future__ import annotations

import gc

import adapters.web.app  # noqa: F401
from adapters.bootstrap import followers
from adapters.cli.main import _register
from adapters.store.followers import Follower

_register()  # imports every command's module, and so every module a command can reach
FOLLOWERS = followers()


def test_every_follower_in_the_code_is_in_the_bootstrap_table() -> None:
    declared = {id(f) for f in FOLLOWERS}
    found = [o for o in gc.get_objects() if isinstance(o, Follower)]
    # The notices and alerts followers run with their judge: a copy of the declared one.
    copies = ("rule_notices", "alerts")
    stray = [f.name for f in found if id(f) not in declared and f.name not in copies]
    assert stray == []


def test_each_follower_keeps_its_own_position_row() -> None:
    rows = [(f.positions.name, f.name) for f in FOLLOWERS]
    assert len(set(rows)) == len(rows)
    assert all(f.feeds for f in FOLLOWERS)
