"""Fails at start with one clear sentence when the org cannot be used as configured (issue 4.5)."""

from __future__ import annotations

from typing import Any

from adapters.salesforce.gateway import SimpleSalesforceGateway
from domain.errors import ConfigurationError
from projections.ports import BudgetExhausted, SyncError


class SessionRefused(ConfigurationError):
    """The org refused the session at start (INVALID_SESSION_ID): the admin is alerted."""


NO_API = ("API_DISABLED_FOR_ORG", "API_CURRENTLY_DISABLED", "FUNCTIONALITY_NOT_ENABLED")


def check_ready(gateway: SimpleSalesforceGateway) -> None:
    """The org answers, the user has API access, Task and Event carry the unique external id.

    At the API budget the check is skipped: its calls would pass the engine's share (R25),
    and the worker then pauses at the budget like any run, instead of failing to start.
    """
    for sobject in ("Task", "Event"):
        try:
            fields = gateway.describe(sobject)
        except BudgetExhausted:
            return
        except SyncError as error:
            refused = SessionRefused if error.code == "INVALID_SESSION_ID" else ConfigurationError
            raise refused(refusal_sentence(error, gateway.instance_url)) from None
        check_external_id(fields, sobject, gateway.external_id_field)


def check_external_id(fields: dict[str, dict[str, Any]], sobject: str, name: str) -> None:
    field = fields.get(name)
    if field and field.get("externalId") and field.get("unique"):
        return
    problem = "is missing" if not field else "is not marked External ID and Unique"
    raise ConfigurationError(
        f"The field {name} {problem} on {sobject}: create a unique External ID text field "
        f"{name} on Activity (Setup > Object Manager > Activity > Fields) and let the "
        "integration user edit it."
    )


def refusal_sentence(error: SyncError, url: str) -> str:
    """What the admin should do about the failure, without any secret."""
    code = error.code
    if code in ("CONNECTION_ERROR", "TIMEOUT", "BAD_RESPONSE"):
        return (
            f"Salesforce at {url} does not answer: check SALESFORCE_INSTANCE_URL (or --salesforce) "
            "and the network."
        )
    if code == "SSL_ERROR":
        return (
            f"The certificate of {url} is not trusted: set SALESFORCE_CA_BUNDLE to its CA file "
            "(the local org prints it as ca_bundle)."
        )
    if code == "INVALID_SESSION_ID":
        return (
            f"Salesforce at {url} refused the session: set a fresh SALESFORCE_SESSION_ID, or "
            "use username/password or JWT credentials."
        )
    if code in NO_API:
        return (
            f"The org at {url} refuses API calls ({code}): give the integration user the "
            "'API Enabled' permission in an edition with API access."
        )
    if code in ("INSUFFICIENT_ACCESS", "NOT_FOUND", "INVALID_TYPE"):
        return (
            f"The integration user cannot describe Tasks and Events at {url} ({code}): give it "
            "read, create and edit access to Tasks and Events."
        )
    return f"Salesforce at {url} refused the start-up check ({code}: {error.message})."
