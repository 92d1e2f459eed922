"""Injected faults: which refusals to fake, how often, with a seed so a run can be repeated."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

RATE_KINDS = (
    "REQUEST_LIMIT_EXCEEDED",
    "UNABLE_TO_LOCK_ROW",
    "HTTP_500",
    "HTTP_503",
    "DISCONNECT",
    "INVALID_SESSION_ID",
)
KINDS = (*RATE_KINDS, "LATENCY_MS", "SEED")


class FaultSpecError(ValueError):
    """A --faults value that cannot be used; the message lists the kinds."""


@dataclass
class Faults:
    """Rates per kind (0..1), added latency, and the random generator drawing them."""

    rates: dict[str, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    seed: int | None = None
    _random: random.Random = field(default_factory=random.Random, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self._random.seed(self.seed)

    def fires(self, kind: str) -> bool:
        rate = self.rates.get(kind, 0.0)
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate

    def spec(self) -> str:
        parts = [f"{k}:{v:g}" for k, v in self.rates.items() if v]
        if self.latency_ms:
            parts.append(f"LATENCY_MS:{self.latency_ms:g}")
        if self.seed is not None:
            parts.append(f"SEED:{self.seed}")
        return ",".join(parts)


def parse_faults(spec: str | None) -> Faults:
    """`"REQUEST_LIMIT_EXCEEDED:0.1,HTTP_503:0.05,LATENCY_MS:20,SEED:7"` -> Faults."""
    rates: dict[str, float] = {}
    latency = 0.0
    seed: int | None = None
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        kind, sep, raw = part.strip().partition(":")
        kind = kind.strip().upper()
        if not sep or kind not in KINDS:
            raise FaultSpecError(
                f"bad fault {part.strip()!r}: use KIND:VALUE with KIND one of {', '.join(KINDS)}"
            )
        try:
            value = float(raw)
        except ValueError:
            raise FaultSpecError(f"bad value in {part.strip()!r}: a number is needed") from None
        if kind == "SEED":
            if not value.is_integer():
                raise FaultSpecError("SEED must be an integer")
            seed = int(value)
        elif kind == "LATENCY_MS":
            if value < 0:
                raise FaultSpecError("LATENCY_MS must be 0 or more")
            latency = value
        elif not 0 <= value <= 1:
            raise FaultSpecError(f"{kind} is a rate between 0 and 1, got {raw}")
        else:
            rates[kind] = value
    return Faults(rates=rates, latency_ms=latency, seed=seed)
