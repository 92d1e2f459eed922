"""The commands an admin reads, at 60, 80 and 120 columns: every line fits, every id is whole.

Ids (Salesforce ids, sync keys, activity ids) are what an admin copies into `explain` or
into Salesforce, so a table folds its prose or drops a minor column, never an id (R21, R22).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from replay_support import EXECUTABLE, Case, new_case

from adapters.local_org.launcher import start_local_org

WIDTHS = (60, 80, 120)
ACTIVITY = "<quarterly-review-2026@ourco.example>/sent"
# Any run of id characters that starts like a Salesforce id or a sync key.
ID_LIKE = re.compile(r"(?<![A-Za-z0-9_])(?:00T|00U|001|003|006|00Q|005)[A-Za-z0-9]*")
KEY_LIKE = re.compile(r"(?<![A-Za-z0-9_])as1_[0-9a-f]*")


@dataclass
class Synced:
    case: Case
    task_id: str
    contact_id: str
    sync_key: str

    def run(self, columns: int, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "COLUMNS": str(columns)}
        done = subprocess.run(
            [str(EXECUTABLE), *args],
            capture_output=True,
            text=True,
            timeout=120,
            env={**env, **self.case.env()},
        )
        assert done.returncode == 0, done.stderr
        return done


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    folder = tmp_path_factory.mktemp("widths")
    org = start_local_org(folder / "org.db", people={"pat": "Patricia Montgomery-Okonkwo"})
    try:
        case = new_case(org, folder, "wide", 3)
        case.setting("internal_domains", "a-rather-long-internal-domain-name.example")
        case.email(ACTIVITY, 3, "Quarterly review " * 4)
        bad = '{"id": "no-time", "type": "sent", "sender": "rep@ourco.example"}\n'
        subprocess.run(
            [str(EXECUTABLE), "ingest", "-"],
            input=bad,
            text=True,
            env=case.env(),
            capture_output=True,
            check=False,
        )
        case.sync()
        (task,) = case.tasks()
        yield Synced(case, task["Id"], task["WhoId"], task["key"])
    finally:
        org.stop()


def assert_fits_with_whole_ids(out: str, columns: int, ids: list[str]) -> None:
    """Every line fits; every id-like run is a whole 18-character id or a whole sync key;
    each expected id is on one line."""
    lines = out.splitlines()
    assert lines, "nothing printed"
    too_long = [line for line in lines if len(line) > columns]
    assert not too_long, f"{len(too_long)} lines wider than {columns}: {too_long[:3]}"
    cut = [m for m in ID_LIKE.findall(out) if len(m) != 18]
    cut += [m for m in KEY_LIKE.findall(out) if len(m) != 36]
    assert not cut, f"ids cut or wrapped: {cut}"
    for ident in ids:
        assert any(ident in line for line in lines), f"{ident} not whole on one line"


@pytest.mark.parametrize("columns", WIDTHS)
def test_explain_fits_the_terminal_and_keeps_every_id_whole(synced: Synced, columns: int) -> None:
    """R21: the story of a shared Task wraps at words; its ids and sync key stay whole."""
    out = synced.run(columns, "explain", synced.task_id).stdout
    ids = [synced.task_id, synced.contact_id, synced.sync_key]
    assert_fits_with_whole_ids(out, columns, ids)


@pytest.mark.parametrize("columns", WIDTHS)
def test_timeline_fits_the_terminal_and_keeps_the_task_id_on_one_line(
    synced: Synced, columns: int
) -> None:
    """R22: the primary's timeline lists the Task with its whole Id at any width."""
    out = synced.run(columns, "timeline", "wide0@acme.example").stdout
    assert_fits_with_whole_ids(out, columns, [synced.task_id, synced.case.account_id])


@pytest.mark.parametrize("columns", WIDTHS)
def test_settings_history_fits_the_terminal_without_breaking_words(
    synced: Synced, columns: int
) -> None:
    """R16: every version on its rows; a long domain name is never split in two."""
    out = synced.run(columns, "settings", "history").stdout
    assert_fits_with_whole_ids(out, columns, [])
    assert "a-rather-long-internal-domain-name.example" in out


@pytest.mark.parametrize("columns", WIDTHS)
def test_drift_lists_a_change_with_whole_ids_and_stats_fit_the_terminal(
    synced: Synced, columns: int
) -> None:
    """R27, R23: the change a person made is listed with its record id and activity id
    whole; the summaries wrap at words."""
    pat = synced.case.org.salesforce(as_user="pat")
    pat.Task.update(synced.task_id, {"Subject": f"Edited by hand at {columns} columns"})
    drift = synced.run(columns, "drift").stdout
    assert "changes recorded" in drift
    assert_fits_with_whole_ids(drift, columns, [synced.task_id, ACTIVITY])
    assert_fits_with_whole_ids(synced.run(columns, "stats").stdout, columns, [])


@pytest.mark.parametrize("columns", WIDTHS)
def test_settings_show_and_rejected_keep_keys_and_field_names_whole(
    synced: Synced, columns: int
) -> None:
    """R16, SPEC 2: a setting key is typed back into `settings set` and a field name names
    what to fix, so neither is split; the rest wraps to the terminal."""
    shown = synced.run(columns, "settings", "show").stdout
    assert_fits_with_whole_ids(shown, columns, [])
    assert "include_closed_opportunities" in shown and "api_budget_percent" in shown
    rejected = synced.run(columns, "rejected").stdout
    assert_fits_with_whole_ids(rejected, columns, [])
    assert "occurred_at" in rejected


def test_the_narrowest_timeline_drops_minor_columns_not_ids(synced: Synced) -> None:
    """R22: at 60 columns "by engine" and "type" give way; at 120 they are shown."""
    narrow = synced.run(60, "timeline", "wide0@acme.example").stdout
    wide = synced.run(120, "timeline", "wide0@acme.example").stdout
    assert "by engine" not in narrow and synced.task_id in narrow
    assert "by engine" in wide and "Task" in wide
