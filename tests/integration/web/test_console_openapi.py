"""The OpenAPI document at /openapi.json is valid, and the API is fuzzed against it (schemathesis)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import schemathesis
from console_support import BEARER, Running, running_console
from hypothesis import HealthCheck, given, settings

# Per operation: enough to shake out crashes, quick on two cores (raise it for a deeper run).
EXAMPLES = int(os.environ.get("CONSOLE_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("openapi")
    with running_console(folder, extra_hosts=("testserver",)) as running:
        yield running


@pytest.fixture(scope="module")
def api_schema(running: Running) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", running.app, headers=BEARER)


OPERATIONS = [
    ("GET", "/api/health"),
    ("GET", "/api/stats"),
    ("GET", "/api/failures"),
    ("POST", "/api/failures/retry"),
    ("GET", "/api/search"),
    ("GET", "/api/explain/{ident}"),
    ("GET", "/api/rejected"),
    ("GET", "/api/settings"),
    ("POST", "/api/settings"),
    ("GET", "/api/replay/plans"),
    ("POST", "/api/replay/plans"),
    ("GET", "/api/replay/plans/{replay_id}"),
    ("POST", "/api/replay/plans/{replay_id}/apply"),
    ("POST", "/api/activities"),
    ("GET", "/api/sync"),
    ("POST", "/api/sync/pause"),
    ("POST", "/api/sync/resume"),
    ("GET", "/api/alerts"),
]


def test_the_openapi_document_is_valid_and_describes_every_api_route(
    api_schema: schemathesis.BaseSchema, running: Running
) -> None:
    api_schema.validate()
    document = running.client.get("/openapi.json", headers=BEARER).json()
    found = {(method.upper(), path) for path, item in document["paths"].items() for method in item}
    assert found == set(OPERATIONS)  # so the fuzzing below leaves no operation out
    webhook = document["paths"]["/api/activities"]["post"]
    assert {"202", "400", "401", "413", "503"} <= set(webhook["responses"])


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_the_api_answers_every_generated_request_as_documented(
    api_schema: schemathesis.BaseSchema, method: str, path: str
) -> None:
    """No server error, documented status codes, responses matching their schemas."""
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def answers(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=BEARER)

    answers()
