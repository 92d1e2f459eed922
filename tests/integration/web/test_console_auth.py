"""The console's guard (issue 9 item 3): admin token, login cookie, CSRF, host check, no secret shown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from console_support import (
    BEARER,
    SECRET,
    SESSION_ID,
    TOKEN,
    Running,
    csrf_of,
    running_console,
    sign_in,
    with_fresh_client,
)
from fastapi.testclient import TestClient

from adapters.cli.config import Config
from adapters.cli.serve import serve
from adapters.web.config import ConsoleConfig, check_can_serve, is_loopback
from adapters.web.security import SESSION_COOKIE
from domain.errors import BadInput

API_READS = [
    "/api/health",
    "/api/stats",
    "/api/failures",
    "/api/search?q=p01@acme.example",
    "/api/explain/e0",
    "/api/rejected",
    "/api/settings",
    "/api/replay/plans",
    "/openapi.json",
]
PAGES = ["/", "/failures", "/explain?q=e0", "/replay", "/settings"]


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    with running_console(tmp_path_factory.mktemp("console")) as running:
        yield running


@pytest.fixture
def running(shared: Running) -> Running:
    """One store for the module (these tests change at most a setting), a fresh client each."""
    return with_fresh_client(shared)


@pytest.mark.parametrize("path", API_READS)
def test_every_api_route_answers_401_without_the_admin_token(running: Running, path: str) -> None:
    response = running.client.get(path)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("path", API_READS)
def test_every_api_route_answers_with_the_bearer_token(running: Running, path: str) -> None:
    assert running.client.get(path, headers=BEARER).status_code == 200


@pytest.mark.parametrize("path", API_READS[:3])
def test_a_wrong_bearer_token_is_refused(running: Running, path: str) -> None:
    for wrong in (TOKEN[:-1], TOKEN + "x", "", TOKEN.upper()):
        response = running.client.get(path, headers={"Authorization": f"Bearer {wrong}"})
        assert response.status_code == 401


def test_changes_through_the_api_need_the_token_too(running: Running) -> None:
    before = running.console.app.settings().version
    body = {"key": "batch_size", "value": "10", "confirm": True}
    assert running.client.post("/api/settings", json=body).status_code == 401
    assert running.console.app.settings().version == before


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_a_visitor_without_the_token_to_the_login_form(
    running: Running, path: str
) -> None:
    response = running.client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_the_login_form_sets_an_httponly_samesite_strict_cookie_that_is_not_the_token(
    running: Running,
) -> None:
    page = running.client.get("/login")
    response = running.client.post(
        "/login",
        data={"token": TOKEN, "next": "/failures", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/failures"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert TOKEN not in cookie
    for path in PAGES:
        assert running.client.get(path).status_code == 200, path


def test_a_wrong_token_at_the_login_form_sets_no_cookie(running: Running) -> None:
    page = running.client.get("/login")
    response = running.client.post(
        "/login", data={"token": "nope", "next": "/", "csrf_token": csrf_of(page.text)}
    )
    assert response.status_code == 401
    assert SESSION_COOKIE not in running.client.cookies
    assert running.client.get("/", follow_redirects=False).status_code == 303


def test_login_never_sends_anyone_to_another_site(running: Running) -> None:
    page = running.client.get("/login")
    for target in ("//evil.example/", "https://evil.example/", "\\\\evil.example"):
        response = running.client.post(
            "/login",
            data={"token": TOKEN, "next": target, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        assert response.headers["location"] == "/"


def test_a_form_without_its_csrf_token_changes_nothing(running: Running) -> None:
    sign_in(running)
    before = running.console.app.settings().version
    for token in (None, "0" * 64):
        data = {"key": "batch_size", "value": "10", "confirmed": "yes"}
        if token:
            data["csrf_token"] = token
        response = running.client.post("/settings", data=data)
        assert response.status_code == 403
    assert running.console.app.settings().version == before


def test_the_login_form_itself_needs_its_csrf_token(running: Running) -> None:
    response = running.client.post("/login", data={"token": TOKEN, "next": "/"})
    assert response.status_code == 403
    assert SESSION_COOKIE not in running.client.cookies


def test_a_cookie_session_calling_the_api_must_send_the_csrf_header(running: Running) -> None:
    csrf = sign_in(running)
    before = running.console.app.settings().version
    body = {"key": "batch_size", "value": "10", "confirm": True}
    refused = running.client.post("/api/settings", json=body)
    assert refused.status_code == 403
    assert running.console.app.settings().version == before
    accepted = running.client.post("/api/settings", json=body, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 200
    assert running.console.app.settings().batch_size == 10


def test_signing_out_ends_the_session(running: Running) -> None:
    csrf = sign_in(running)
    response = running.client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert running.client.get("/", follow_redirects=False).status_code == 303


def test_no_secret_is_ever_rendered(running: Running) -> None:
    """Neither the admin token, the webhook secret nor the org's session id reaches a page."""
    sign_in(running)
    bodies = [running.client.get(path).text for path in PAGES]
    bodies += [running.client.get(path, headers=BEARER).text for path in API_READS]
    for body in bodies:
        for secret in (TOKEN, SECRET, SESSION_ID):
            assert secret not in body


def test_without_a_token_requests_naming_another_host_are_refused(tmp_path: Path) -> None:
    """A page on another site rebinding its name to 127.0.0.1 cannot drive an open console."""
    with running_console(tmp_path, token=None) as running:
        assert (
            running.client.get("/api/health", headers={"Host": "evil.example"}).status_code == 400
        )
        for name in ("localhost:8080", "127.0.0.1", "[::1]:8080"):
            assert running.client.get("/api/health", headers={"Host": name}).status_code == 200


def test_allowed_hosts_limit_the_names_a_guarded_console_answers(tmp_path: Path) -> None:
    with running_console(tmp_path, extra_hosts=("console.corp.example",)) as running:
        named = {**BEARER, "Host": "console.corp.example"}
        assert running.client.get("/api/health", headers=named).status_code == 200
        other = {**BEARER, "Host": "evil.example"}
        assert running.client.get("/api/health", headers=other).status_code == 400


def test_over_https_the_cookies_are_secure(running: Running) -> None:
    """Behind an HTTPS proxy (uvicorn trusts its X-Forwarded-Proto) both cookies say Secure."""
    client = TestClient(running.app, base_url="https://127.0.0.1")
    page = client.get("/login")
    assert "Secure" in page.headers["set-cookie"]
    response = client.post(
        "/login",
        data={"token": TOKEN, "next": "/", "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert "Secure" in response.headers["set-cookie"]
    plain = running.client.get("/login")
    assert "Secure" not in plain.headers["set-cookie"]


def test_every_response_carries_the_security_headers(running: Running) -> None:
    response = running.client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_without_an_admin_token_the_console_is_open_on_loopback(tmp_path: Path) -> None:
    with running_console(tmp_path, token=None) as running:
        assert running.client.get("/api/health").status_code == 200
        assert running.client.get("/", follow_redirects=False).status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "example.com"])
def test_serving_off_loopback_without_the_token_is_refused(host: str) -> None:
    assert not is_loopback(host)
    with pytest.raises(BadInput, match="ACTIVITY_SYNC_ADMIN_TOKEN"):
        check_can_serve(ConsoleConfig(host=host))
    check_can_serve(ConsoleConfig(host=host, admin_token=TOKEN))


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.1", "localhost", "::1", "[::1]"])
def test_loopback_hosts_may_serve_without_a_token(host: str) -> None:
    assert is_loopback(host)
    check_can_serve(ConsoleConfig(host=host))


def test_short_secrets_are_refused() -> None:
    with pytest.raises(BadInput, match="too short"):
        check_can_serve(ConsoleConfig(admin_token="short"))
    with pytest.raises(BadInput, match="too short"):
        check_can_serve(ConsoleConfig(webhook_secret="short"))


def test_the_serve_command_refuses_a_public_host_without_the_token(tmp_path: Path) -> None:
    """`activity-sync serve --host 0.0.0.0` stops with one sentence (BadInput: exit code 2)."""
    config = Config(store=f"sqlite:///{tmp_path}/s.db", salesforce=None)
    unset = {"ACTIVITY_SYNC_ADMIN_TOKEN": None}
    done = CliRunner().invoke(serve, ["--host", "0.0.0.0", "--port", "0"], obj=config, env=unset)
    assert isinstance(done.exception, BadInput) and done.exception.exit_code == 2
    assert "ACTIVITY_SYNC_ADMIN_TOKEN" in str(done.exception)
    assert not (tmp_path / "s.db").exists()  # refused before anything was opened
