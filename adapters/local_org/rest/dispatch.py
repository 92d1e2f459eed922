"""The REST dispatcher: the context a route gets, the route table, and the lookup composite reuses.

`rest.routes` fills the table (the one place that names every route, in the order they are
tried); a handler that dispatches again (composite) imports only this module, so no cycle.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from adapters.local_org.errors import SfError, not_found
from adapters.local_org.protocol import Request, Response
from adapters.local_org.records import Writer
from adapters.local_org.users import Caller

if TYPE_CHECKING:
    from adapters.local_org.app import OrgApp

DATA_PATH = re.compile(r"^/services/data/v(\d+\.\d)(/.*)?$")


@dataclass
class Ctx:
    """What a route needs: the org, the API version of the URL, and a writer in the transaction."""

    app: OrgApp
    version: str
    writer: Writer
    caller: Caller

    @property
    def shared(self) -> bool:
        return self.app.shared


Handler = Callable[..., Response]
_ROUTES: list[tuple[frozenset[str], re.Pattern[str], Handler]] = []


def route(methods: str, pattern: str, handler: Handler) -> None:
    """Add a route, tried after every route added before it."""
    _ROUTES.append((frozenset(methods.split()), re.compile(f"^{pattern}/?$"), handler))


def dispatch(ctx: Ctx, request: Request, rest: str) -> Response:
    """Run the route matching `rest` (the path after /services/data/vXX.X)."""
    allowed: set[str] = set()
    for methods, pattern, handler in _ROUTES:
        match = pattern.match(rest)
        if match is None:
            continue
        if request.method not in methods:
            allowed |= methods
            continue
        params: dict[str, Any] = {k: unquote(v) for k, v in match.groupdict().items()}
        return handler(ctx, request, **params)
    if allowed:
        raise SfError(
            "METHOD_NOT_ALLOWED",
            f"HTTP Method '{request.method}' not allowed. Allowed are {','.join(sorted(allowed))}",
            status=405,
        )
    raise not_found()
