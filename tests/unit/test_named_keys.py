"""Named admin tokens: each person's login cookie is theirs alone, and the single token still works."""

from __future__ import annotations

from adapters.web.admins import console_who
from adapters.web.security import Keys
from domain.sync_switch import SyncSwitch

ANA = "ana-token-0123456789abcdef-0001"
BEN = "ben-token-0123456789abcdef-0002"


def test_each_token_names_its_person_and_a_wrong_one_none() -> None:
    keys = Keys(None, (("ana", ANA), ("ben", BEN)))
    assert keys.person_of(ANA) == "ana" and keys.person_of(BEN) == "ben"
    assert keys.person_of("ana") is None and keys.person_of("") is None


def test_a_cookie_names_its_person_and_cannot_be_relabelled() -> None:
    keys = Keys(None, (("ana", ANA), ("ben", BEN)))
    cookie = keys.session_for("ana")
    assert keys.person_of_session(cookie) == "ana"
    assert ANA not in cookie
    relabelled = "ben." + cookie.partition(".")[2]
    assert keys.person_of_session(relabelled) is None
    assert keys.person_of_session("nobody.abc") is None


def test_the_single_token_alone_is_the_unnamed_admin_recorded_as_console() -> None:
    keys = Keys("single-token-0123456789abcdef")
    assert keys.person_of("single-token-0123456789abcdef") == ""
    assert keys.person_of_session(keys.session_for("")) == ""
    assert console_who("") == "console" and console_who("ana") == "console:ana"


def test_pausing_twice_or_resuming_a_running_sync_records_nothing() -> None:
    switch = SyncSwitch.create()
    assert switch.resume("cli:ana") is False
    assert switch.pause("cli:ana", "migration") is True
    assert switch.pause("cli:ben") is False
    assert (switch.paused, switch.by, switch.reason) == (True, "cli:ana", "migration")
    assert switch.resume("cli:ben") is True and switch.paused is False
    names = [type(e).__name__ for e in switch.collect_events()]
    assert names == ["Created", "SyncPaused", "SyncResumed"]
