"""Why wasn't it logged, as an admin asks it against the local org: `stats` counts every
recipient by outcome and each rep's figures, `export` writes failures, rejected lines and
unmatched addresses as CSV (R1-R5, R23, R25; SPEC section 4)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from replay_support import Case, new_case, run

from adapters.local_org.launcher import LocalOrg

REP = "rep@ourco.example"
REP2 = "Zoe Quinn-Abernathy <zoe.quinn-abernathy@ourco-international.example>"


def _line(ident: str, to: list[str], sender: str = REP, **more: Any) -> str:
    record = {"id": ident, "type": "sent", "occurred_at": "2026-11-02T09:00:00Z"}
    return json.dumps({**record, "sender": sender, "to": to, "subject": "Renewal", **more})


@dataclass
class Synced:
    case: Case
    folder: Path

    def run(self, *args: str) -> Any:
        return run(self.case, *args)


@pytest.fixture(scope="module")
def synced(shared_org: LocalOrg, tmp_path_factory: pytest.TempPathFactory) -> Synced:
    """Two reps (one written with a display name), Contacts in display-name form, a Lead,
    unmatched people on two domains, an invalid address, a refused record, bad lines."""
    folder = tmp_path_factory.mktemp("why-not-logged")
    case = new_case(shared_org, folder, "wnl", 3)
    shared_org.salesforce().Lead.create(
        {"LastName": "Ray", "Company": "Leadco", "Email": "lea@leadco.example"}
    )
    lines = [
        _line(
            "m1",
            ['"Lee, Ann" <wnl0@acme.example>', "Wnl One <wnl1@acme.example>", "x@newco.example"],
        ),
        _line("m2", ["wnl2@acme.example", "x@newco.example", "y@newco.example"], sender=REP2),
        _line(
            "m3",
            ["Lea Ray <lea@leadco.example>", "z@other.example", "Lee, Ann <wnl0@acme.example>"],
        ),
        _line(
            "m4",
            ["wnl0@acme.example"],
            related_to={"object": "Project__c", "id": "a0B000000000042AAA"},
        ),
        _line("m5", ["x@newco.example"], sender="Lee, Zoe <zoe@ourco.example>"),
        '=HYPERLINK("http://evil.example","click")',
    ]
    source = folder / "emails.jsonl"
    source.write_text("\n".join(lines) + "\n")
    run(case, "ingest", str(source))
    run(case, "sync")
    return Synced(case, folder)


def test_stats_json_counts_recipients_by_outcome_and_the_top_unmatched_domains(
    synced: Synced,
) -> None:
    """R3-R5, SPEC 4: display-name recipients match their Contact or Lead; the malformed one
    is invalid; unmatched domains come biggest first."""
    result = synced.run("stats", "--json")

    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["recipients"] == {
        "contact": 4,
        "lead": 1,
        "unmatched": 4,
        "excluded": 0,
        "invalid": 1,
        "skipped": 0,
    }
    assert stats["top_unmatched_domains"] == [
        {"domain": "newco.example", "count": 3},
        {"domain": "other.example", "count": 1},
    ]
    assert stats["top_unmatched_addresses"][0]["address"] == "x@newco.example"
    assert stats["top_unmatched_addresses"][0]["count"] == 2


def test_stats_json_breaks_the_work_down_per_rep_by_address(synced: Synced) -> None:
    """R1, R23, R25: the display-name sender is one rep; the refused record is its sender's."""
    senders = {s["sender"]: s for s in json.loads(synced.run("stats", "--json").stdout)["senders"]}

    assert senders[REP] == {
        "sender": REP,
        "activities": 3,
        "tasks": 2,
        "events": 0,
        "unmatched": 2,
        "failures": 1,
    }
    assert senders["zoe.quinn-abernathy@ourco-international.example"]["unmatched"] == 2
    assert "zoe@ourco.example" not in senders  # its line was refused: the sender is malformed


def test_stats_text_shows_candidates_and_a_senders_table_within_80_columns(synced: Synced) -> None:
    """R23: every line fits 80 columns, and no sender address is cut short."""
    result = synced.run("stats")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Candidates for new Contacts or Leads" in out and "x@newco.example" in out
    ours = out[out.index("Recipients:") : out.index("API calls")]
    assert "5 logged (4 contact, 1 lead)" in ours and "5 not logged" in ours
    assert max(len(line) for line in ours.splitlines()) <= 80
    table = ours[ours.index("Senders") :]
    assert "zoe.quinn-abernathy@ourco-international.example" in table.replace("\n", "")
    assert "…" not in table


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_export_unmatched_lists_each_address_with_times_seen_and_a_sample(synced: Synced) -> None:
    """R5: the candidates for new Contacts or Leads, most seen first, to stdout or a file."""
    printed = synced.run("export", "unmatched")
    path = synced.folder / "unmatched.csv"
    written = synced.run("export", "unmatched", "--csv", str(path))

    assert printed.returncode == 0 and written.returncode == 0, printed.stderr + written.stderr
    rows = _csv(printed.stdout)
    assert [(r["address"], r["domain"], r["times_seen"]) for r in rows] == [
        ("x@newco.example", "newco.example", "2"),
        ("y@newco.example", "newco.example", "1"),
        ("z@other.example", "other.example", "1"),
    ]
    assert rows[0]["sample_activity"] in ("m1", "m2") and rows[0]["last_seen"]
    assert path.read_bytes() == printed.stdout.replace("\n", "\r\n").encode()
    assert "Wrote 3 unmatched rows" in written.stdout


def test_export_failures_names_salesforces_code_the_sender_and_the_source_line(
    synced: Synced,
) -> None:
    """R25: one row per record refused for good, with what an admin filters on."""
    result = synced.run("export", "failures")

    assert result.returncode == 0, result.stderr
    (row,) = _csv(result.stdout)
    assert row["activity_id"] == "m4" and row["sender"] == REP
    assert row["source"].endswith("emails.jsonl:4") and row["subject"] == "Renewal"
    assert row["error_code"] and row["message"] and row["attempts"] == "1"
    assert row["last_attempt_at"]


def test_export_rejected_keeps_the_raw_line_with_formulas_defused(synced: Synced) -> None:
    """SPEC 2: line, source, field and reason; a raw line a spreadsheet would run is text."""
    result = synced.run("export", "rejected")

    assert result.returncode == 0, result.stderr
    rows = {r["line"]: r for r in _csv(result.stdout)}
    assert rows["5"]["field"] == "sender" and "unquoted comma" in rows["5"]["reason"]
    assert rows["6"]["raw_line"] == "'" + '=HYPERLINK("http://evil.example","click")'
    assert rows["6"]["source"].endswith("emails.jsonl")


def test_export_refuses_a_store_that_does_not_exist(tmp_path: Path, synced: Synced) -> None:
    """Read-only commands never create a store; one sentence, exit 1."""
    missing = tmp_path / "typo.db"
    result = run(synced.case, "--store", f"sqlite:///{missing}", "export", "failures")

    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "no store" in result.stderr
    assert not missing.exists()


def test_views_rebuild_gives_the_same_recipient_counts(synced: Synced) -> None:
    """R23: the recipients view is dropped and rebuilt from the log with the task view."""
    keys = ("recipients", "top_unmatched_domains", "top_unmatched_addresses", "senders")
    before = json.loads(synced.run("stats", "--json").stdout)
    rebuilt = synced.run("views", "rebuild")
    after = json.loads(synced.run("stats", "--json").stdout)

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert {k: after[k] for k in keys} == {k: before[k] for k in keys}
