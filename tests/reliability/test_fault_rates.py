"""Every fault kind at 10%, then all of them together: every activity is synced exactly once
in the end, and the one record the org refuses for good fails alone, visibly (R20, R25).

The worker is re-run until nothing is pending, as a scheduler would; its gateway retries
without sleeping (the back-off itself is unit-tested). `scripts/fault_trials.py` pushes the
rates higher and prints the ones survived.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_trials import FaultTrial

from adapters.cli.main import _register, cli
from adapters.local_org.faults import RATE_KINDS
from adapters.local_org.launcher import LocalOrg, start_local_org

ALL_TOGETHER = ",".join(f"{kind}:0.1" for kind in RATE_KINDS)


@pytest.fixture(scope="module")
def faulty_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path_factory.mktemp("fault-org") / "org.db")
    yield org
    org.stop()


@pytest.mark.parametrize("spec", [f"{kind}:0.1" for kind in RATE_KINDS] + [ALL_TOGETHER])
def test_at_ten_percent_faults_every_record_lands_once_and_only_the_refused_one_fails(
    faulty_org: LocalOrg, tmp_path: Path, spec: str
) -> None:
    """R25, R20: rate limits, lock errors, 500s, 503s, dropped connections and expired
    sessions at 10% (one kind, or all at once): re-running the sync until nothing is pending
    writes each planned record exactly once; the Task related to a deleted custom record
    fails alone with Salesforce's own code."""
    trial = FaultTrial(spec, activities=40, seed=7).run(faulty_org, tmp_path)
    outcome = trial.outcome

    assert trial.runs < trial.max_runs, trial.figures()
    assert outcome.duplicates == outcome.missing == outcome.extra == 0, trial.figures()
    assert outcome.settled == outcome.activities, trial.figures()
    assert outcome.failed == 1 and trial.doomed_failure == "ENTITY_IS_DELETED", trial.figures()
    assert trial.retries + trial.paused_runs + trial.deferred > 0, "no fault ever fired"


def test_the_refused_record_shows_in_stats_and_explain_with_salesforces_code(
    faulty_org: LocalOrg, tmp_path: Path
) -> None:
    """R25, R21, R23: after a faulty run, `stats` counts one failed record by its code and
    `explain` of the activity tells the refusal with Salesforce's code and message."""
    trial = FaultTrial(ALL_TOGETHER, activities=10, seed=3).run(faulty_org, tmp_path)
    store = f"sqlite:///{tmp_path / 'store.db'}"
    _register()
    runner = CliRunner()

    stats = runner.invoke(cli, ["--store", store, "stats", "--json"])
    explained = runner.invoke(cli, ["--store", store, "explain", "--json", trial.doomed_id])

    assert stats.exit_code == 0, stats.output
    failures = json.loads(stats.output)["failures"]
    assert failures["records_failed"] == 1
    assert failures["by_code"]["ENTITY_IS_DELETED"]["permanent"] == 1
    assert explained.exit_code == 0, explained.output
    assert "ENTITY_IS_DELETED" in explained.output and "entity is deleted" in explained.output
