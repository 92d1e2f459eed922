"""Builds a simple-salesforce client from the environment: session id, password, or JWT bearer."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError

from domain.errors import ConfigurationError

API_VERSION = "59.0"
HOW_TO_AUTHENTICATE = (
    "Salesforce credentials are missing: set SALESFORCE_SESSION_ID (with SALESFORCE_INSTANCE_URL), "
    "or SALESFORCE_USERNAME with SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN, "
    "or SALESFORCE_USERNAME with SALESFORCE_CONSUMER_KEY and SALESFORCE_PRIVATE_KEY_FILE."
)


@dataclass(frozen=True)
class AuthPlan:
    """How to reach the org; secrets are kept out of repr."""

    kind: str  # session | password | jwt
    instance_url: str | None
    ca_bundle: str | None = None
    domain: str | None = None
    version: str = API_VERSION
    username: str | None = None
    consumer_key: str | None = None
    private_key_file: str | None = None
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)


def resolve(instance_url: str | None, env: Mapping[str, str]) -> AuthPlan:
    """Which auth the environment asks for, checked before any network call."""
    url = _instance_url(instance_url or env.get("SALESFORCE_INSTANCE_URL"))
    common: dict[str, Any] = {
        "instance_url": url,
        "ca_bundle": _ca_bundle(env.get("SALESFORCE_CA_BUNDLE")),
        "domain": env.get("SALESFORCE_DOMAIN") or None,
        "version": env.get("SALESFORCE_API_VERSION") or API_VERSION,
    }
    session_id = secret(env, "SALESFORCE_SESSION_ID")
    username = env.get("SALESFORCE_USERNAME") or None
    if session_id:
        if not url:
            raise ConfigurationError(
                "SALESFORCE_SESSION_ID needs the org's address: set SALESFORCE_INSTANCE_URL "
                "(or --salesforce) to its https:// URL."
            )
        return AuthPlan("session", secrets={"session_id": session_id}, **common)
    consumer_key = secret(env, "SALESFORCE_CONSUMER_KEY")
    key_file = env.get("SALESFORCE_PRIVATE_KEY_FILE") or None
    if username and consumer_key and key_file:
        _check_private(key_file, "SALESFORCE_PRIVATE_KEY_FILE")
        return AuthPlan(
            "jwt", username=username, consumer_key=consumer_key, private_key_file=key_file, **common
        )
    password = secret(env, "SALESFORCE_PASSWORD")
    if username and password:
        token = secret(env, "SALESFORCE_SECURITY_TOKEN") or ""
        return AuthPlan(
            "password",
            username=username,
            secrets={"password": password, "security_token": token},
            **common,
        )
    raise ConfigurationError(HOW_TO_AUTHENTICATE)


def connect(instance_url: str | None, env: Mapping[str, str]) -> Salesforce:
    """A ready client; bad or missing configuration raises ConfigurationError (one sentence)."""
    return login(resolve(instance_url, env))


def renewer(instance_url: str | None, env: Mapping[str, str]) -> Callable[[], Salesforce] | None:
    """A way to log in again after the session expires, when credentials allow it."""
    plan = resolve(instance_url, env)
    if plan.kind == "session":
        return None
    return lambda: login(plan)


def session_for(ca_bundle: str | None) -> requests.Session:
    """A requests session; with a CA bundle it trusts that file and ignores the environment."""
    session = requests.Session()
    if ca_bundle:
        session.verify = ca_bundle
        session.trust_env = False  # else REQUESTS_CA_BUNDLE from the environment wins
    return session


def login(plan: AuthPlan) -> Salesforce:
    """Builds the client; the password and JWT flows log in now."""
    session = session_for(plan.ca_bundle)
    options: dict[str, Any] = {"session": session, "version": plan.version}
    if plan.domain:
        options["domain"] = plan.domain
    try:
        if plan.kind == "session":
            return Salesforce(
                instance_url=plan.instance_url, session_id=plan.secrets["session_id"], **options
            )
        if plan.kind == "jwt":
            return Salesforce(
                username=plan.username,
                consumer_key=plan.consumer_key,
                privatekey_file=plan.private_key_file,
                instance_url=plan.instance_url,
                **options,
            )
        return Salesforce(
            username=plan.username,
            password=plan.secrets["password"],
            security_token=plan.secrets["security_token"],
            **options,
        )
    except SalesforceAuthenticationFailed as error:
        raise ConfigurationError(_refused(plan, error)) from None
    except (SalesforceError, requests.RequestException) as error:
        raise ConfigurationError(
            f"Could not reach the Salesforce login service at https://{plan.domain or 'login'}"
            f".salesforce.com ({type(error).__name__}): check SALESFORCE_DOMAIN and the network."
        ) from None


def _refused(plan: AuthPlan, error: SalesforceAuthenticationFailed) -> str:
    what = {
        "jwt": "SALESFORCE_CONSUMER_KEY, the private key and the connected app's pre-authorisation",
        "password": "SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN",
    }[plan.kind]
    return (
        f"Salesforce refused the {plan.kind} login of {plan.username} ({error.code}): check {what}."
    )


def secret(env: Mapping[str, str], name: str) -> str | None:
    """A secret from NAME, or from the file NAME_FILE points at (owner-only permissions)."""
    value = env.get(name)
    if value:
        return value
    path = env.get(f"{name}_FILE")
    if not path:
        return None
    _check_private(path, f"{name}_FILE")
    with open(path, encoding="utf-8") as handle:
        content = handle.read().strip()
    if not content:
        raise ConfigurationError(f"{path} (from {name}_FILE) is empty: put the secret in it.")
    return content


def _check_private(path: str, variable: str) -> None:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        raise ConfigurationError(
            f"{variable} names {path}, which cannot be read: point it at an existing file."
        ) from None
    if not stat.S_ISREG(mode):
        raise ConfigurationError(f"{variable} names {path}, which is not a file: point it at one.")
    if mode & 0o077:
        raise ConfigurationError(
            f"{path} (from {variable}) is readable by group or others: restrict it with "
            f"`chmod 600 {path}`."
        )


def _instance_url(url: str | None) -> str | None:
    if not url:
        return None
    if not url.startswith("https://"):
        raise ConfigurationError(
            f"The Salesforce instance URL must start with https:// (got {url.split('?')[0]}): "
            "simple-salesforce speaks HTTPS only."
        )
    return url.rstrip("/")


def _ca_bundle(path: str | None) -> str | None:
    if path and not os.path.isfile(path):
        raise ConfigurationError(
            f"SALESFORCE_CA_BUNDLE names {path}, which does not exist: point it at the "
            "certificate file (the local org prints it as ca_bundle)."
        )
    return path or None
