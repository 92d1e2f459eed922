"""The local org's own request and response values, independent of the HTTP server."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import orjson

from adapters.local_org.errors import SfError


@dataclass
class Request:
    """One call: method, path without the query string, query parameters, headers, raw body."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    target: str = ""  # as received: path and query string, still percent-encoded

    @classmethod
    def from_target(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> Request:
        path, _, query = target.partition("?")
        query_values = parse_qs(query, keep_blank_values=True)
        return cls(method.upper(), path, query_values, headers, body, target)

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def json(self) -> Any:
        if not self.body.strip():
            return None
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError as error:
            raise SfError("JSON_PARSER_ERROR", f"Unexpected character: {error}") from error


@dataclass
class Response:
    """What goes back: a status, a JSON-able body (or raw bytes), extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json;charset=UTF-8"

    def payload(self) -> bytes:
        if self.body is None:
            return b""
        if isinstance(self.body, bytes):
            return self.body
        return orjson.dumps(self.body)


class Disconnect(Exception):
    """Drop the connection without a reply (the DISCONNECT fault)."""


def error_response(error: SfError) -> Response:
    if error.status == 300:
        return Response(300, error.fields)
    return Response(error.status, error.as_single())
