"""`activity-sync org seed FILE`: demo records created through the REST API (issue 3 item 8)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from adapters.local_org.launcher import LocalOrg

SEED = {
    "users": [
        {"ref": "rep", "LastName": "Rep", "Email": "rep@acme.test", "Username": "rep@acme.test"}
    ],
    "accounts": [{"ref": "acme", "Name": "Acme", "OwnerId": "@rep"}],
    "contacts": [
        {
            "ref": "ann",
            "FirstName": "Ann",
            "LastName": "Lee",
            "Email": "ann@acme.test",
            "AccountId": "@acme",
        },
        {"ref": "bob", "LastName": "Bob", "Email": "bob@acme.test", "AccountId": "@acme"},
    ],
    "leads": [{"ref": "lia", "LastName": "Lia", "Company": "Lia Co", "Email": "lia@lead.test"}],
    "opportunities": [
        {
            "ref": "deal",
            "Name": "Deal",
            "AccountId": "@acme",
            "StageName": "Prospecting",
            "CloseDate": "2026-09-30",
        }
    ],
    "contact_roles": [
        {"OpportunityId": "@deal", "ContactId": "@ann", "Role": "Decision Maker", "IsPrimary": True}
    ],
}


def _seed(org: LocalOrg, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-c",
        "from adapters.cli.main import main; main()",
        "org",
        "seed",
        str(path),
        *extra,
    ]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=os.environ | org.environment()
    )


def test_seed_creates_the_records_and_prints_their_ids(local_org: LocalOrg, tmp_path: Path) -> None:
    """R5/R10: the people, accounts, opportunities and roles the rules look up."""
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    done = _seed(local_org, path, "--json")
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert set(created) == {"rep", "acme", "ann", "bob", "lia", "deal", "contact_roles[0]"}
    sf = local_org.salesforce()
    assert sf.Contact.get(created["ann"]["id"])["AccountId"] == created["acme"]["id"]
    assert sf.Account.get(created["acme"]["id"])["OwnerId"] == created["rep"]["id"]
    role = sf.OpportunityContactRole.get(created["contact_roles[0]"]["id"])
    assert (role["OpportunityId"], role["IsPrimary"]) == (created["deal"]["id"], True)


def test_seed_refuses_an_unknown_reference_with_exit_code_2(
    local_org: LocalOrg, tmp_path: Path
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"contacts": [{"LastName": "x", "AccountId": "@nowhere"}]}))
    done = _seed(local_org, path)
    assert done.returncode == 2
    assert "@nowhere" in done.stderr
