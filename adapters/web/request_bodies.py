"""What the JSON API's changes take (request bodies); each change needs `"confirm": true`."""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from domain.settings import SETTABLE


class RetryKeys(BaseModel):
    """Retry these failed records."""

    model_config = ConfigDict(extra="forbid")

    sync_keys: list[str] = Field(min_length=1, max_length=1000)
    confirm: Literal[True] = Field(description="must be true: the retry is deliberate")


class RetryCode(BaseModel):
    """Retry every record the org refused with this error code."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=200)
    confirm: Literal[True] = Field(description="must be true: the retry is deliberate")


RetryRequest = RetryKeys | RetryCode


_BOOLEAN = "^(true|false)$"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,20}[A-Za-z0-9])?"
_DOMAIN = f"(?:{_LABEL}\\.){{1,4}}[A-Za-z](?:[A-Za-z0-9-]{{0,20}}[A-Za-z0-9])?"
_LOCAL = "[A-Za-z0-9._%+-]{1,30}"


def _listed(item: str) -> str:
    """A comma-separated list of `item`s (empty items skipped), spaces around them allowed."""
    return f"^ *(?:{item})?(?: *, *(?:{item})?)* *$"


# Values the schema promises to accept (the settings parser accepts a few more spellings).
VALUE_PATTERNS: dict[str, str | None] = {
    "shared_activities": "^(auto|on|off)$",
    "opportunity_mode": "^(account|contact_role)$",
    "include_closed_opportunities": _BOOLEAN,
    "owned_opportunities_only": _BOOLEAN,
    "batch_size": "^([1-9]|[1-4][0-9]|50)$",
    "split_by_account": _BOOLEAN,
    "include_bcc": _BOOLEAN,
    "internal_domains": _listed(f"@?{_DOMAIN}"),
    "excluded": _listed(f"(?:{_LOCAL}@|@)?{_DOMAIN}"),
    "system_senders": _listed(_LOCAL),
    "api_budget_percent": "^([1-9]|[1-9][0-9]|100)$",
    "external_id_field": "^[A-Za-z][A-Za-z0-9_]{0,36}__c$",
}


def _change_model(key: str) -> type[BaseModel]:
    pattern = VALUE_PATTERNS[key]
    description = "comma-separated" if pattern is None else f"matching {pattern}"
    return create_model(
        f"Change_{key}",
        __config__=ConfigDict(extra="forbid"),
        key=(Literal[key], ...),  # type: ignore[arg-type]
        value=(str, Field(max_length=100_000, pattern=pattern, description=description)),
        confirm=(Literal[True], Field(description="must be true: the change is deliberate")),
    )


SettingChange = Annotated[  # type: ignore[valid-type]
    Union[tuple(_change_model(key) for key in SETTABLE)],  # noqa: UP007 - built at run time
    Field(discriminator="key"),
]


class PlanOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    read_org: bool = Field(default=True, description="compare with the org's records (R19)")


class ApplyOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm: Literal[True] = Field(description="must be true: applying appends the plan's events")
    force: bool = Field(
        default=False, description="also overwrite Tasks a person edited in the org"
    )
