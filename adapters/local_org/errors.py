"""A refusal as Salesforce words it: status code, error code, message and the fields involved."""

from __future__ import annotations

from typing import Any


class SfError(Exception):
    """Raised anywhere in the local org; the HTTP layer turns it into Salesforce's error JSON."""

    def __init__(
        self, code: str, message: str, fields: list[str] | None = None, status: int = 400
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.fields = fields or []
        self.status = status

    def as_single(self) -> list[dict[str, Any]]:
        """The single-resource shape: a list of {message, errorCode, fields}."""
        return [{"message": self.message, "errorCode": self.code, "fields": self.fields}]

    def as_collection_item(self) -> dict[str, Any]:
        """The shape inside a collection result's `errors` list."""
        return {"statusCode": self.code, "message": self.message, "fields": self.fields}


def not_found() -> SfError:
    return SfError("NOT_FOUND", "The requested resource does not exist", status=404)


def unknown_field(name: str, sobject: str) -> SfError:
    return SfError("INVALID_FIELD", f"No such column '{name}' on sobject of type {sobject}", [name])
