"""The local org's --faults spec (issue 3 item 7): kinds, rates, latency and seed."""

from __future__ import annotations

import pytest

from adapters.local_org.faults import KINDS, FaultSpecError, parse_faults


def test_the_example_spec_parses() -> None:
    faults = parse_faults("REQUEST_LIMIT_EXCEEDED:0.1,HTTP_503:0.05,LATENCY_MS:20,SEED:7")
    assert faults.rates == {"REQUEST_LIMIT_EXCEEDED": 0.1, "HTTP_503": 0.05}
    assert (faults.latency_ms, faults.seed) == (20, 7)
    assert faults.spec() == "REQUEST_LIMIT_EXCEEDED:0.1,HTTP_503:0.05,LATENCY_MS:20,SEED:7"


@pytest.mark.parametrize(
    "spec", ["HTTP_404:0.1", "HTTP_500", "HTTP_500:1.5", "SEED:x", "LATENCY_MS:-1"]
)
def test_a_bad_spec_is_refused_naming_the_problem(spec: str) -> None:
    with pytest.raises(FaultSpecError):
        parse_faults(spec)


def test_an_unknown_kind_lists_every_kind() -> None:
    with pytest.raises(FaultSpecError) as caught:
        parse_faults("NOPE:1")
    assert all(kind in str(caught.value) for kind in KINDS)


def test_the_same_seed_draws_the_same_faults() -> None:
    def draws() -> list[bool]:
        faults = parse_faults("HTTP_500:0.5,SEED:3")
        return [faults.fires("HTTP_500") for _ in range(30)]

    assert draws() == draws()
    assert 0 < sum(draws()) < 30
