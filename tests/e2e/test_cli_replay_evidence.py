"""A plan is evidence, not a form (R19, R28): `replay apply` against the local org.

An admin can edit a plan file. `apply` refuses a changed plan (exit 2, one sentence,
nothing appended), checks again what the plan assumed (the settings in force, the org's
records and which of them a person edited), and is narrowed with flags instead:
`--only`, `--skip`, `--force [ACTIVITY]`, `--yes`.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from replay_support import EXECUTABLE, Case, new_case, run

EDIT = "Notes typed by a person"


def emails(org: Any, tmp_path: Path, prefix: str, edited: tuple[str, ...] = ()) -> Case:
    """Emails a1, a2 (and a3) to two contacts, synced as shared Tasks; a person then edits
    the Subject of the Tasks of `edited`; then the engine's switch turns off."""
    case = new_case(org, tmp_path, prefix, 2)
    for name in ("a1", "a2", "a3"):
        case.email(f"{prefix}-{name}", 2, subject=f"{prefix} {name}")
    case.sync()
    for name in edited:
        org.salesforce().Task.update(task_of(case, name)["Id"], {"Subject": EDIT})
    case.setting("shared_activities", "off")
    return case


def task_of(case: Case, name: str) -> dict[str, Any]:
    (task,) = [t for t in case.tasks() if t["Subject"].endswith(f"{case.prefix} {name}")]
    return task


def people_of(case: Case) -> dict[str, int]:
    """How many Tasks each email has in the org (shared: 1, after the replay: 2)."""
    counts: dict[str, int] = {}
    for task in case.tasks():
        name = task["Subject"].rsplit(" ", 1)[-1] if task["Subject"] != EDIT else "edited"
        counts[name] = counts.get(name, 0) + 1
    return counts


def make_plan(case: Case, tmp_path: Path) -> Path:
    path = tmp_path / f"plan-{len(list(tmp_path.glob('plan-*')))}.json"
    case.cli("replay", "plan", "--out", str(path))
    return path


def edit(path: Path, change: Callable[[dict[str, Any]], None], reseal: bool = False) -> None:
    """Change the plan as an admin with an editor would (`reseal`: and recompute its digest)."""
    document = json.loads(path.read_text())
    change(document)
    if reseal:
        from replay.plan_digest import PlanDigest

        digest = PlanDigest()
        for entry in document["activities"]:
            digest.add_entry(entry)
        document["digest"] = digest.value({k: v for k, v in document.items() if k != "activities"})
    path.write_text(json.dumps(document, indent=1))


def entry(document: dict[str, Any], activity_id: str) -> dict[str, Any]:
    (found,) = [a for a in document["activities"] if a["activity_id"] == activity_id]
    return found


def one_sentence(stderr: str) -> bool:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return len(lines) == 1 and lines[0].rstrip().endswith(tuple("abcdefghijklmnopqrstuvwxyz.)`"))


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "held set to false": lambda d: entry(d, "ed-held-a1").update(held=False),
    "org check switched off": lambda d: d["basis"].update(org_read=False),
    "settings changed": lambda d: d["settings"].update(excluded=["ed-settings0@acme.example"]),
    "a delete removed": lambda d: entry(d, "ed-delete-a2").update(
        items=[i for i in entry(d, "ed-delete-a2")["items"] if i["kind"] != "delete"]
    ),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_a_plan_changed_after_it_was_made_is_refused_with_exit_two_and_nothing_appended(
    shared_org, tmp_path, name
):
    """R19: `"held": false`, `"org_read": false`, other settings or a removed delete: the
    digest no longer matches; apply says so in one sentence and the org keeps every Task."""
    prefix = "ed-" + name.split()[0 if name != "a delete removed" else 1]
    case = emails(shared_org, tmp_path, prefix, edited=("a1",))
    path = make_plan(case, tmp_path)
    edit(path, EDITS[name])
    before, tasks = case.position(), case.tasks()

    refused = run(case, "replay", "apply", str(path), "--yes")

    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "was changed after it was made" in refused.stderr and one_sentence(refused.stderr)
    assert case.position() == before
    case.sync()
    assert case.tasks() == tasks and people_of(case) == {"edited": 1, "a2": 1, "a3": 1}


def test_a_plan_whose_digest_was_recomputed_still_holds_what_a_person_edited(shared_org, tmp_path):
    """R19, R28: which activities are held is read from the org at apply time, not from the
    plan: a forged `"held": false` (digest recomputed) still leaves the person's edit."""
    case = emails(shared_org, tmp_path, "forged", edited=("a1",))
    path = make_plan(case, tmp_path)
    edit(path, lambda d: entry(d, "forged-a1").update(held=False), reseal=True)

    applied = case.cli("replay", "apply", str(path), "--yes", "--json")
    case.sync()

    assert json.loads(applied.output)["held"] == 1
    assert people_of(case) == {"a2": 2, "a3": 2, "edited": 1}


def test_settings_forged_in_a_resealed_plan_are_refused_as_not_the_stores(shared_org, tmp_path):
    """R19, R16: apply takes the target settings from the store, for the plan's version;
    a plan carrying other settings is refused (exit 1) and nothing is appended."""
    case = emails(shared_org, tmp_path, "forgeset")
    path = make_plan(case, tmp_path)
    edit(path, lambda d: d["settings"].update(excluded=["acme.example"]), reseal=True)
    before = case.position()

    refused = run(case, "replay", "apply", str(path), "--yes")

    assert refused.returncode == 1
    assert "not the store's settings version" in refused.stderr
    assert case.position() == before


def test_a_plan_made_under_other_settings_is_stale_with_exit_one(shared_org, tmp_path):
    """R19, R16: the settings version in force must still be the plan's; else one sentence
    says the plan is stale and to make a new one."""
    case = emails(shared_org, tmp_path, "setver")
    path = make_plan(case, tmp_path)
    case.setting("batch_size", "7")
    before = case.position()

    stale = run(case, "replay", "apply", str(path), "--yes")

    assert stale.returncode == 1 and one_sentence(stale.stderr)
    assert "the settings changed since the plan was made" in stale.stderr
    assert "stale" in stale.stderr and "make a new plan" in stale.stderr
    assert case.position() == before


def test_only_and_skip_narrow_a_plan_without_editing_it(shared_org, tmp_path):
    """R19: `--only a1` applies a1 alone; `--skip a2` then applies the rest (a3); a2 keeps
    its shared Task. An id the plan does not change is bad usage (exit 2)."""
    case = emails(shared_org, tmp_path, "narrow")
    path = make_plan(case, tmp_path)

    unknown = run(case, "replay", "apply", str(path), "--yes", "--only", "nobody")
    case.cli("replay", "apply", str(path), "--yes", "--only", "narrow-a1")
    rest = case.cli("replay", "apply", str(path), "--yes", "--skip", "narrow-a2", "--json")
    case.sync()

    assert unknown.returncode == 2 and "'nobody'" in unknown.stderr
    outcome = json.loads(rest.output)
    assert (outcome["applied"], outcome["already_applied"], outcome["skipped"]) == (1, 1, 1)
    assert people_of(case) == {"a1": 2, "a2": 1, "a3": 2}


def test_force_with_an_activity_overwrites_that_ones_edit_only(shared_org, tmp_path):
    """R19, R28: two activities a person edited; `--force a1` carries a1 out over the edit,
    a2 stays held with its edit."""
    case = emails(shared_org, tmp_path, "forceone", edited=("a1", "a2"))
    path = make_plan(case, tmp_path)

    applied = case.cli("replay", "apply", str(path), "--yes", "--force", "forceone-a1", "--json")
    case.sync()

    outcome = json.loads(applied.output)
    assert (outcome["applied"], outcome["forced"], outcome["held"]) == (2, 1, 1)
    assert people_of(case) == {"a1": 2, "a3": 2, "edited": 1}


def test_without_a_terminal_a_plan_that_deletes_needs_yes(shared_org, tmp_path):
    """R19: no terminal to ask on: a plan that deletes Tasks is refused without --yes
    (exit 2, saying what it would do), nothing appended."""
    case = emails(shared_org, tmp_path, "noyes")
    path = make_plan(case, tmp_path)
    before = case.position()

    refused = run(case, "replay", "apply", str(path))

    assert refused.returncode == 2 and one_sentence(refused.stderr)
    assert "delete 3 Tasks, create 6 Tasks in https://127.0.0.1:" in refused.stderr
    assert "--yes" in refused.stderr
    assert case.position() == before


def test_on_a_terminal_apply_shows_the_counts_and_asks_first(shared_org, tmp_path):
    """R19: on a terminal apply says what it will change in which org and asks; "n" appends
    nothing (exit 1), "y" applies."""
    case = emails(shared_org, tmp_path, "tty")
    path = make_plan(case, tmp_path)
    before = case.position()

    declined = on_terminal(case, "n\n", "replay", "apply", str(path))
    after_no = case.position()
    accepted = on_terminal(case, "y\n", "replay", "apply", str(path))

    assert declined.returncode == 1 and after_no == before
    shown = f"delete 3 Tasks, create 6 Tasks in {case.org.instance_url}"
    assert shown in declined.stderr and "Apply it?" in declined.stderr
    assert "nothing was applied" in declined.stderr
    assert accepted.returncode == 0 and case.position() > before
    assert "3 activities re-planned" in accepted.stdout


def test_applying_an_applied_plan_says_so_and_appends_nothing(shared_org, tmp_path):
    """R19, R20: once applied and synced, the same plan again: exit 0, it says the plan was
    already applied, and the store is as it was."""
    case = emails(shared_org, tmp_path, "twice")
    path = make_plan(case, tmp_path)
    case.cli("replay", "apply", str(path), "--yes")
    case.sync()
    before = case.position()

    again = run(case, "replay", "apply", str(path), "--yes")

    assert again.returncode == 0, again.stderr
    assert "was already applied: nothing was appended" in again.stdout
    assert case.position() == before


def on_terminal(case: Case, answer: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command with a terminal as its input, typed `answer`."""
    leader, follower = pty.openpty()
    try:
        os.write(leader, answer.encode())
        return subprocess.run(
            [str(EXECUTABLE), *args],
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", **case.env()},
        )
    finally:
        os.close(leader)
        os.close(follower)
