"""A plan is evidence, not a form (R19): its digest, the private copy applied, the tally."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from replay_fakes import contacts, make_rig, org_with
from sync_fakes import sent

from domain.errors import BadInput
from replay.make_plan import PlanRequest, make_plan
from replay.narrowing import Narrowing, Tally
from replay.plan_entries import ActivityDiff, Item
from replay.sealed_plan import PlanChanged, open_plan


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A plan of three shared emails after the engine's switch turned off."""
    folder = tmp_path_factory.mktemp("digest")
    rig = make_rig(folder, org_with(3))
    rig.app.record_activities([sent(f"m{n}", *contacts(3)) for n in range(3)])
    rig.sync()
    rig.app.change_setting("shared_activities", "off")
    make_plan(rig.app, PlanRequest(rig.app.settings(), reader=rig.org.fetch), folder / "plan.json")
    rig.app.close()
    return folder / "plan.json"


def changed_copy(made: Path, tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    document = json.loads(made.read_text())
    change(document)
    copy = tmp_path / "edited.json"
    copy.write_text(json.dumps(document))
    return copy


CHANGES: dict[str, Callable[[dict[str, Any]], None]] = {
    "replay id": lambda d: d.update(replay_id="replay-20990101T000000Z-000000"),
    "a count": lambda d: d["counts"].update(delete=0),
    "a total": lambda d: d["totals"].update(changed=0),
    "the basis position": lambda d: d["basis"].update(max_notification_id=10**6),
    "the org fingerprint": lambda d: d["basis"].update(org_fingerprint="0:0:0"),
    "the clock skew": lambda d: d.update(skew_seconds=1e9),
    "a new header field": lambda d: d.update(note="checked"),
    "a held flag": lambda d: d["activities"][0].update(held=True),
    "an adoption": lambda d: d["activities"][0].update(adopted={"a": "b"}),
    "an item's people": lambda d: d["activities"][0]["items"][0].update(who_ids=[]),
    "a removed item": lambda d: d["activities"][0]["items"].pop(),
    "a removed entry": lambda d: d["activities"].pop(),
    "a repeated entry": lambda d: d["activities"].append(d["activities"][0]),
    "the order of entries": lambda d: d["activities"].reverse(),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_the_digest_covers_every_field_of_the_header_and_of_each_entry(made, tmp_path, name):
    """R19: any change to the plan's content is refused (exit 2) before anything is read on."""
    edited = changed_copy(made, tmp_path, CHANGES[name])

    with pytest.raises(PlanChanged) as refused, open_plan(edited):
        pass

    assert refused.value.exit_code == 2 and "changed after it was made" in str(refused.value)


def test_a_plan_rewritten_as_other_valid_json_keeps_its_digest(made, tmp_path):
    """R19: pretty-printed with keys in another order, the content is the same plan."""
    document = json.loads(made.read_text())
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(dict(reversed(document.items())), indent=4, ensure_ascii=True))

    with open_plan(pretty) as plan:
        assert [e.activity_id for e in plan.entries()] == ["m0", "m1", "m2"]


def test_a_plan_file_changed_while_it_is_applied_is_not_read_again(made, tmp_path):
    """The checked copy is what is carried out, whatever happens to the file meanwhile."""
    path = tmp_path / "plan.json"
    path.write_bytes(made.read_bytes())

    with open_plan(path) as plan:
        path.write_text(path.read_text().replace('"m1"', '"mX"'))
        assert [e.activity_id for e in plan.entries()] == ["m0", "m1", "m2"]


def test_a_plan_of_an_older_format_is_refused_with_exit_two(made, tmp_path):
    edited = changed_copy(made, tmp_path, lambda d: d.update(format_version=1))

    with pytest.raises(BadInput) as refused, open_plan(edited):
        pass

    assert refused.value.exit_code == 2 and "make a new plan" in str(refused.value)


def test_only_adding_records_is_not_destructive_and_anything_else_is():
    """R19: without a terminal, only a plan that adds records goes without --yes."""
    adding, changing = Tally(), Tally()
    adding.add(ActivityDiff("a", "1", 1, (Item("create", "k1"), Item("missing_in_org", "k2"))))
    changing.add(ActivityDiff("b", "2", 1, (Item("create", "k1"), Item("relate", "k2"))))

    assert not adding.destructive and changing.destructive
    assert changing.sentence() == "create 1 Task, add contacts to 1 Task"


def test_force_alone_forces_every_held_activity_and_with_ids_only_those():
    every, some = Narrowing(force_all=True), Narrowing(force=frozenset({"a"}))

    assert every.forces("a") and every.forces("b")
    assert some.forces("a") and not some.forces("b")
    assert Narrowing(only=frozenset({"a"}), skip=frozenset({"a"})).includes("a") is False
