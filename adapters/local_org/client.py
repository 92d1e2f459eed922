"""A simple-salesforce client for an org reached by session id (the local org or a real one)."""

from __future__ import annotations

import requests
from simple_salesforce.api import Salesforce

DEFAULT_VERSION = "59.0"


def connect(
    instance_url: str, session_id: str, ca_bundle: str | None = None, version: str = DEFAULT_VERSION
) -> Salesforce:
    """A ready client; with `ca_bundle` the session trusts only it and ignores the environment
    (REQUESTS_CA_BUNDLE would otherwise override `verify`, and proxies would catch 127.0.0.1)."""
    session = requests.Session()
    if ca_bundle:
        session.verify = ca_bundle
        session.trust_env = False
    return Salesforce(
        instance_url=instance_url, session_id=session_id, session=session, version=version
    )
