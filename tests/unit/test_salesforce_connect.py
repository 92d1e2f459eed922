"""Configuration: session id, password or JWT; secrets from files; one clear sentence when wrong."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from adapters.salesforce.connect import connect, resolve
from domain.errors import ConfigurationError

URL = "https://org.example:8443"


def private_file(tmp_path: Path, name: str, text: str, mode: int = 0o600) -> str:
    path = tmp_path / name
    path.write_text(text)
    os.chmod(path, mode)
    return str(path)


def refusal(instance_url: str | None, env: dict[str, str]) -> str:
    with pytest.raises(ConfigurationError) as refused:
        resolve(instance_url, env)
    return str(refused.value)


def test_a_session_id_builds_a_client_trusting_only_the_ca_bundle(tmp_path: Path) -> None:
    """The local org: session id plus its certificate; the environment's CA bundle is ignored."""
    bundle = private_file(tmp_path, "ca.pem", "-----BEGIN CERTIFICATE-----", 0o644)
    sf = connect(URL, {"SALESFORCE_SESSION_ID": "tok", "SALESFORCE_CA_BUNDLE": bundle})
    assert sf.base_url == "https://org.example:8443/services/data/v59.0/"
    assert sf.session.verify == bundle and sf.session.trust_env is False
    assert sf.session_id == "tok"


def test_the_instance_url_may_come_from_the_environment() -> None:
    plan = resolve(None, {"SALESFORCE_INSTANCE_URL": URL, "SALESFORCE_SESSION_ID": "tok"})
    assert plan.kind == "session" and plan.instance_url == URL


def test_a_secret_can_come_from_an_owner_only_file(tmp_path: Path) -> None:
    path = private_file(tmp_path, "sid", "tok-from-file\n")
    plan = resolve(URL, {"SALESFORCE_SESSION_ID_FILE": path})
    assert plan.secrets["session_id"] == "tok-from-file"
    assert "tok-from-file" not in repr(plan)


def test_a_secret_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = private_file(tmp_path, "pw", "hunter2", 0o644)
    message = refusal(URL, {"SALESFORCE_USERNAME": "u@x.com", "SALESFORCE_PASSWORD_FILE": path})
    assert "chmod 600" in message and "hunter2" not in message


def test_a_jwt_key_readable_by_group_is_refused(tmp_path: Path) -> None:
    key = private_file(tmp_path, "key.pem", "-----BEGIN PRIVATE KEY-----", 0o640)
    env = {
        "SALESFORCE_USERNAME": "u@x.com",
        "SALESFORCE_CONSUMER_KEY": "ck",
        "SALESFORCE_PRIVATE_KEY_FILE": key,
    }
    assert "readable by group or others" in refusal(URL, env)


def test_jwt_and_password_plans(tmp_path: Path) -> None:
    key = private_file(tmp_path, "key.pem", "-----BEGIN PRIVATE KEY-----")
    jwt = resolve(
        None,
        {
            "SALESFORCE_USERNAME": "u@x.com",
            "SALESFORCE_CONSUMER_KEY": "ck",
            "SALESFORCE_PRIVATE_KEY_FILE": key,
            "SALESFORCE_DOMAIN": "test",
        },
    )
    assert (jwt.kind, jwt.private_key_file, jwt.domain) == ("jwt", key, "test")
    password = resolve(
        None,
        {
            "SALESFORCE_USERNAME": "u@x.com",
            "SALESFORCE_PASSWORD": "pw",
            "SALESFORCE_SECURITY_TOKEN": "st",
        },
    )
    assert password.kind == "password"
    assert password.secrets == {"password": "pw", "security_token": "st"}
    assert "pw" not in repr(password) and "st'" not in repr(password)


@pytest.mark.parametrize(
    ("instance_url", "env", "says"),
    [
        (None, {}, "set SALESFORCE_SESSION_ID"),
        (None, {"SALESFORCE_SESSION_ID": "secret-tok"}, "set SALESFORCE_INSTANCE_URL"),
        ("http://127.0.0.1:1", {"SALESFORCE_SESSION_ID": "secret-tok"}, "must start with https://"),
        (
            URL,
            {"SALESFORCE_SESSION_ID": "secret-tok", "SALESFORCE_CA_BUNDLE": "/nope.pem"},
            "SALESFORCE_CA_BUNDLE",
        ),
        (URL, {"SALESFORCE_SESSION_ID_FILE": "/nope"}, "cannot be read"),
        (URL, {"SALESFORCE_USERNAME": "u@x.com"}, "set SALESFORCE_SESSION_ID"),
    ],
)
def test_wrong_configuration_says_what_to_do_in_one_sentence(
    instance_url: str | None, env: dict[str, str], says: str
) -> None:
    """Issue 4.5: one clear sentence, never the secret."""
    message = refusal(instance_url, env)
    assert says in message
    assert "secret-tok" not in message
    assert message.count(". ") == 0 and message.endswith(".")
