"""API limits and injected faults over HTTPS (facts 3.5, 3.6; issue 3 items 6 and 7).

R25: the engine reads Sforce-Limit-Info, stays within its budget and retries retryable
refusals; these tests pin what the local org makes it see.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from typing import Any

import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceMalformedRequest,
    SalesforceRefusedRequest,
)

from adapters.local_org.launcher import LocalOrg


def _usage(response: requests.Response) -> tuple[int, int]:
    used, limit = response.headers["Sforce-Limit-Info"].removeprefix("api-usage=").split("/")
    return int(used), int(limit)


def _get(sf: Salesforce, path: str) -> requests.Response:
    return sf.session.get(sf.base_url + path, headers=sf.headers)


def test_every_call_counts_once_and_limits_reports_it(local_org: LocalOrg) -> None:
    sf = local_org.salesforce()
    local_org.set_usage(0)
    first = _get(sf, "limits/")
    second = _get(sf, "query/?q=SELECT+Id+FROM+Account")
    assert [_usage(first)[0], _usage(second)[0]] == [1, 2]
    assert first.json()["DailyApiRequests"] == {"Max": 15000, "Remaining": 14999}
    refused = requests.get(sf.base_url + "limits/", verify=local_org.ca_bundle, timeout=10)
    assert refused.status_code == 401 and _usage(refused)[0] == 2


def test_past_the_limit_calls_are_refused_with_403(local_org: LocalOrg) -> None:
    org = local_org
    org.set_usage(0, limit=3)
    try:
        sf = org.salesforce()
        for _ in range(3):
            sf.limits()
        with pytest.raises(SalesforceRefusedRequest) as caught:
            sf.Account.create({"Name": "over"})
        assert caught.value.content == [
            {
                "message": "TotalRequests Limit exceeded.",
                "errorCode": "REQUEST_LIMIT_EXCEEDED",
                "fields": [],
            }
        ]
        assert org.state()["api_usage"] == 3
    finally:
        org.set_usage(0, limit=15000)


@pytest.fixture
def faulty(local_org: LocalOrg) -> Any:
    yield local_org
    local_org.set_faults("")


@pytest.mark.parametrize(
    ("kind", "error", "status"),
    [
        ("REQUEST_LIMIT_EXCEEDED", SalesforceRefusedRequest, 403),
        ("HTTP_500", SalesforceGeneralError, 500),
        ("HTTP_503", SalesforceGeneralError, 503),
        ("INVALID_SESSION_ID", SalesforceExpiredSession, 401),
        ("UNABLE_TO_LOCK_ROW", SalesforceMalformedRequest, 400),
    ],
)
def test_each_refusal_fault_answers_as_salesforce(
    faulty: LocalOrg, kind: str, error: type, status: int
) -> None:
    faulty.set_faults(f"{kind}:1")
    with pytest.raises(error) as caught:
        faulty.salesforce().Account.create({"Name": "faulted"})
    assert caught.value.status == status
    if status != 500 and status != 503:
        assert caught.value.content[0]["errorCode"] == kind


def test_disconnect_drops_the_connection_without_a_reply(faulty: LocalOrg) -> None:
    faulty.set_faults("DISCONNECT:1")
    with pytest.raises(requests.ConnectionError):
        faulty.salesforce().limits()


def test_lock_errors_hit_single_records_of_a_collection(faulty: LocalOrg) -> None:
    faulty.set_faults("UNABLE_TO_LOCK_ROW:0.5,SEED:11")
    records = [{"attributes": {"type": "Account"}, "Name": f"Lock{i}"} for i in range(40)]
    results = faulty.salesforce().restful(
        "composite/sobjects", method="POST", json={"records": records}
    )
    failed = [r for r in results if not r["success"]]
    assert 0 < len(failed) < 40
    assert {r["errors"][0]["statusCode"] for r in failed} == {"UNABLE_TO_LOCK_ROW"}


def test_a_seed_repeats_the_same_faults(faulty: LocalOrg) -> None:
    def pattern() -> list[bool]:
        faulty.set_faults("HTTP_503:0.5,SEED:7")
        sf = faulty.salesforce()
        outcome = []
        for _ in range(12):
            outcome.append(_get(sf, "limits/").status_code == 503)
        return outcome

    first = pattern()
    assert any(first) and not all(first)
    assert pattern() == first


def test_latency_is_added_to_every_request(faulty: LocalOrg) -> None:
    faulty.set_faults("LATENCY_MS:300")
    started = time.monotonic()
    faulty.salesforce().limits()
    assert time.monotonic() - started >= 0.3


def test_admin_routes_need_the_session_id_and_ignore_faults(faulty: LocalOrg) -> None:
    faulty.set_faults("HTTP_500:1")
    assert faulty.state()["faults"] == "HTTP_500:1"
    response = requests.post(
        f"{faulty.instance_url}/__admin/faults",
        json={"spec": ""},
        verify=faulty.ca_bundle,
        timeout=10,
    )
    assert response.status_code == 401
    bad = requests.post(
        f"{faulty.instance_url}/__admin/faults",
        json={"spec": "NOPE:1"},
        headers={"Authorization": f"Bearer {faulty.session_id}"},
        verify=faulty.ca_bundle,
        timeout=10,
    )
    assert bad.status_code == 400 and "LATENCY_MS" in bad.json()[0]["message"]


def test_a_bad_fault_spec_is_refused_at_start_with_the_kinds(tmp_path: Any) -> None:
    command = [sys.executable, "-c", "from adapters.cli.main import main; main()", "org", "serve"]
    command += ["--db", str(tmp_path / "x.db"), "--faults", "HTTP_404:0.1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "REQUEST_LIMIT_EXCEEDED" in done.stderr and "DISCONNECT" in done.stderr
    assert done.stdout == ""


def test_a_taken_port_or_an_unwritable_db_is_one_sentence_and_leaves_nothing_behind(
    tmp_path: Any,
) -> None:
    """SPEC 4: `org serve` on a busy port, or with a db in a folder that does not exist,
    exits 1 with one sentence, no traceback, and no db or certificate files made."""
    command = [sys.executable, "-c", "from adapters.cli.main import main; main()", "org", "serve"]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = subprocess.run(
            [*command, "--port", str(port), "--db", str(tmp_path / "org.db")],
            capture_output=True,
            text=True,
            timeout=60,
        )
    nowhere = subprocess.run(
        [*command, "--db", str(tmp_path / "nowhere" / "org.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    for done in (busy, nowhere):
        assert done.returncode == 1 and done.stdout == "", done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert f"port {port}" in busy.stderr and "is taken" in busy.stderr
    assert "cannot start with the db" in nowhere.stderr
    assert list(tmp_path.iterdir()) == []
