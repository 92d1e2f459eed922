"""The HTTP notice sender against a local receiver: signature, answers, time-outs (R26)."""

from __future__ import annotations

import socket

import pytest
from rules_receiver import Receiver

from adapters.notices.sender import SIGNATURE_HEADER, HttpNoticeSender, encode, rules_secret, sign
from domain.errors import ConfigurationError

KEY = "k" * 32
BODY = {"notice_id": "n-1", "rule": "r", "task": {"subject": "Sent (New): é"}}


@pytest.fixture()
def receiver():
    with Receiver() as running:
        yield running


def test_a_2xx_is_delivered_and_the_receiver_can_verify_the_signature(receiver) -> None:
    result = HttpNoticeSender(KEY).send(receiver.url, BODY, attempt=1)
    assert result.delivered and result.status == 200
    (post,) = receiver.posts
    assert post.body == BODY and post.raw == encode(BODY)
    assert post.signed_with(KEY) and not post.signed_with("x" * 32)
    assert post.headers[SIGNATURE_HEADER] == sign(post.raw, KEY)
    assert post.headers["X-Activity-Sync-Notice"] == "n-1"
    assert post.headers["X-Activity-Sync-Attempt"] == "1"
    assert post.headers["Content-Type"] == "application/json"
    assert KEY not in str(post.headers) and KEY.encode() not in post.raw


@pytest.mark.parametrize(
    ("status", "retryable"), [(503, True), (500, True), (429, True), (408, True), (404, False)]
)
def test_5xx_and_throttling_are_retryable_other_refusals_are_not(
    receiver, status: int, retryable: bool
) -> None:
    receiver.script = [status]
    result = HttpNoticeSender(KEY).send(receiver.url, BODY, attempt=2)
    assert not result.delivered
    assert (result.status, result.code, result.retryable) == (status, f"http_{status}", retryable)


def test_a_slow_receiver_times_out_as_retryable(receiver) -> None:
    receiver.delay = 1.0
    result = HttpNoticeSender(KEY, timeout=0.2).send(receiver.url, BODY, attempt=1)
    assert (result.delivered, result.code, result.retryable) == (False, "timeout", True)


def test_a_closed_port_is_a_retryable_connection_failure_without_the_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook?token=receiver-secret"
    result = HttpNoticeSender(KEY, timeout=2).send(url, BODY, attempt=1)
    assert (result.delivered, result.code, result.retryable) == (False, "connection", True)
    assert "receiver-secret" not in result.message


def test_the_secret_comes_from_the_variable_or_a_private_file(tmp_path) -> None:
    assert rules_secret({}) is None
    assert rules_secret({"ACTIVITY_SYNC_RULES_SECRET": KEY}) == KEY
    path = tmp_path / "secret"
    path.write_text(KEY + "\n")
    path.chmod(0o600)
    assert rules_secret({"ACTIVITY_SYNC_RULES_SECRET_FILE": str(path)}) == KEY
    path.chmod(0o644)
    with pytest.raises(ConfigurationError, match="chmod 600"):
        rules_secret({"ACTIVITY_SYNC_RULES_SECRET_FILE": str(path)})
