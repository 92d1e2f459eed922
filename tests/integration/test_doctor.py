"""`activity-sync doctor` against the local org, with each check made to fail in turn (issue 9)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from adapters.cli.main import _register, cli
from adapters.doctor import FAIL, PASS, WARN, run_checks
from adapters.local_org.launcher import start_local_org


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    with start_local_org(tmp_path_factory.mktemp("doctor") / "org.db") as running:
        yield running


@pytest.fixture()
def store(tmp_path):
    return f"sqlite:///{tmp_path / 'store.db'}"


def statuses(checks):
    return {check.name: check.status for check in checks}


def test_a_ready_org_passes_every_check(org, store):
    env = org.environment() | {
        "ACTIVITY_SYNC_WEBHOOK_SECRET": "w" * 32,
        "ACTIVITY_SYNC_ADMIN_TOKEN": "a" * 32,
    }
    checks = run_checks(store, None, env, serving=True)
    assert set(statuses(checks).values()) == {PASS}, checks


def test_missing_credentials_fail_with_what_to_set(store):
    checks = run_checks(store, None, {"SALESFORCE_INSTANCE_URL": "https://127.0.0.1:9"})
    connection = next(c for c in checks if c.name == "org connection")
    assert connection.status == FAIL and "SALESFORCE_SESSION_ID" in connection.detail


def test_an_unreachable_org_fails_the_connection_check(org, store):
    env = org.environment() | {"SALESFORCE_INSTANCE_URL": "https://127.0.0.1:1"}
    assert statuses(run_checks(store, None, env))["org connection"] == FAIL


def test_a_wrong_session_id_fails_without_showing_the_secret(org, store):
    env = org.environment() | {"SALESFORCE_SESSION_ID": "not-the-session-0123456789"}
    checks = run_checks(store, None, env)
    assert statuses(checks)["org connection"] == FAIL
    assert "not-the-session-0123456789" not in json.dumps([c.to_dict() for c in checks])


def test_an_unreadable_metadata_api_warns_and_uses_describe(org, store):
    """R17: without Modify All Data the describe fallback still tells the setting."""
    org.set_metadata_readable(False)
    try:
        checks = run_checks(store, None, org.environment())
    finally:
        org.set_metadata_readable(True)
    shared = next(c for c in checks if c.name == "shared activities")
    assert shared.status == WARN and "describe" in shared.detail and "enabled" in shared.detail


def test_a_missing_external_id_field_fails_with_how_to_create_it(org, tmp_path):
    store = f"sqlite:///{tmp_path / 'other.db'}"
    from adapters.store.persistence import open_app

    app = open_app(store)
    app.change_setting("external_id_field", "Missing_Key__c")
    app.close()
    checks = run_checks(store, None, org.environment())
    task = next(c for c in checks if c.name == "external id on Task")
    assert task.status == FAIL and "Missing_Key__c" in task.fix


def test_a_spent_budget_fails_the_budget_check(org, store):
    """R25: nothing left of the engine's share."""
    org.set_usage(used=14_000)
    try:
        checks = run_checks(store, None, org.environment())
    finally:
        org.set_usage(used=0)
    assert statuses(checks)["API budget"] == FAIL


def test_serving_without_secrets_fails(org, store):
    checks = run_checks(store, None, org.environment(), serving=True)
    found = statuses(checks)
    assert found["activity_sync_webhook_secret"] == FAIL
    assert found["activity_sync_admin_token"] == FAIL


def test_an_unusable_store_fails_the_store_check(org):
    checks = run_checks("mysql://nowhere/db", None, org.environment())
    assert statuses(checks)["store"] == FAIL


def test_the_command_exits_1_on_a_failure_and_prints_json(store):
    _register()
    result = CliRunner().invoke(
        cli,
        ["--store", store, "doctor", "--json"],
        env={"SALESFORCE_INSTANCE_URL": "", "SALESFORCE_SESSION_ID": ""},
        standalone_mode=True,
    )
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["ok"] is False and document["checks"][0]["name"] == "store"


def test_rules_without_their_signing_secret_fail_the_rules_check(org, tmp_path):
    """R26: notices of rules are signed; without the secret they would wait unsent."""
    from adapters.store.persistence import open_app
    from projections.notifier import add_rule

    store = f"sqlite:///{tmp_path / 'rules.db'}"
    app = open_app(store)
    add_rule(
        app,
        "big-deals",
        "task_created",
        "Subject contains 'pricing'",
        "https://127.0.0.1:9/hook",
        "test",
    )
    app.close()
    without = {c.name: c for c in run_checks(store, None, org.environment())}
    assert without["rules secret"].status == FAIL
    with_secret = org.environment() | {"ACTIVITY_SYNC_RULES_SECRET": "s" * 32}
    assert statuses(run_checks(store, None, with_secret))["rules secret"] == PASS


def test_each_missing_permission_is_named_with_what_it_costs(tmp_path, store):
    """R17, R25: without View Setup the budget is read from response headers; without
    Modify All Data the shared-activities setting comes from describe. Both warn, neither
    stops the engine."""
    denied = ("ViewSetup", "ModifyAllData")
    with start_local_org(tmp_path / "org.db", deny_permissions=denied) as running:
        checks = {c.name: c for c in run_checks(store, None, running.environment())}
    access, shared = checks["API access"], checks["shared activities"]
    assert access.status == WARN and "lacks View Setup and Configuration" in access.detail
    assert "response headers" in access.detail
    assert shared.status == WARN and "lacks Modify All Data" in shared.detail
    assert checks["API budget"].status == PASS and checks["org connection"].status == PASS
