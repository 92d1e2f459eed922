"""Bad input end to end (SPEC section 2, R1, R5, R20): fuzzed bad lines among good ones.

Every bad line (random bytes, invalid UTF-8, a line over 1 MiB, deep nesting, wrong types,
10,001 recipients) is refused with its line number and a reason and kept for
`activity-sync rejected`; the good lines around it are recorded and synced; addresses with
quotes, backslashes, `%`, `_` and Unicode match exactly their own Contact, never a
look-alike (no SOQL injection, no LIKE wildcards).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import KEY, Scene, admin_query
from reliability_trials import run_cli

from adapters.input.ingest import MAX_LINE_BYTES, ingest_stream
from adapters.input.schema import MAX_RECIPIENTS
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.store.persistence import open_app
from adapters.views.rejections import newest_rejections
from projections.application import ActivitySyncApp

FUZZED: Counter[str] = Counter()
_ids = itertools.count()
GOOD = {
    "type": "sent",
    "occurred_at": "2026-11-24T09:30:00Z",
    "sender": "rep@ours.example",
    "to": ["ann@customer.example"],
    "subject": "hello",
}
WRONG = (
    ("type", "sentx"),
    ("type", 7),
    ("occurred_at", "yesterday"),
    ("occurred_at", "2026-13-40T25:61:00Z"),
    ("sender", 42),
    ("sender", None),
    ("to", "ann@customer.example"),
    ("to", [1, 2]),
    ("to", []),
    ("is_reply", "yes"),
    ("id", ""),
    ("id", {"nested": True}),
    ("related_to", "Project__c"),
    ("subject", ["a", "list"]),
)


def _one_line(raw: bytes) -> bytes:
    return raw.replace(b"\n", b" ").replace(b"\r", b" ")


def _wrong(change: tuple[str, Any]) -> bytes:
    key, value = change
    return json.dumps({**GOOD, "id": f"wrong-{next(_ids)}", key: value}).encode()


def _nested(depth: int) -> bytes:
    deep = "[" * depth + "]" * depth
    return b'{"id": "deep-%d", "type": "sent", "subject": %s}' % (next(_ids), deep.encode())


HUGE = b'{"id": "huge", "type": "sent", "body": "' + b"x" * MAX_LINE_BYTES + b'"}'
CROWD = json.dumps(
    {**GOOD, "id": "crowd", "to": [f"p{n}@crowd.example" for n in range(MAX_RECIPIENTS + 1)]}
).encode()


@dataclass(frozen=True)
class Bad:
    """One hostile line; its repr stays short in hypothesis' reports (some are megabytes)."""

    kind: str
    raw: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"Bad({self.kind!r}, {len(self.raw):,} bytes: {self.raw[:60]!r})"


BAD_LINES = {
    "random bytes": st.binary(min_size=1, max_size=300).map(_one_line).filter(bytes.strip),
    "invalid UTF-8": st.tuples(st.binary(max_size=30), st.binary(max_size=30)).map(
        lambda parts: _one_line(b'{"id": "' + parts[0] + b"\xff\xc0" + parts[1] + b'"}')
    ),
    "deep nesting": st.integers(1, 200_000).map(lambda n: b"[" * n + b"]" * n)
    | st.integers(2_000, 100_000).map(_nested),
    "wrong types": st.sampled_from(WRONG).map(_wrong),
    "huge line": st.just(HUGE),
    "10,001 recipients": st.just(CROWD),
}
BAD = st.one_of(
    *(strategy.map(lambda raw, kind=kind: Bad(kind, raw)) for kind, strategy in BAD_LINES.items())
)


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActivitySyncApp]:
    app = open_app(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'store.db'}")
    yield app
    app.close()
    print(
        f"\nfuzzed bad lines by kind: {dict(sorted(FUZZED.items()))}, {sum(FUZZED.values())} in all"
    )


@settings(
    max_examples=int(os.environ.get("RELIABILITY_FUZZ_EXAMPLES") or 25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(layout=st.lists(st.none() | BAD, min_size=2, max_size=10))
def test_fuzzed_bad_lines_are_each_refused_with_a_reason_and_kept_and_good_ones_recorded(
    fuzz_app: ActivitySyncApp, layout: list[Bad | None]
) -> None:
    """SPEC section 2: one bad line never stops the file; each is kept with its line number."""
    lines, good, bad = [], [], []
    for number, line in enumerate(layout, start=1):
        if line is None:
            good.append(f"good-{next(_ids)}")
            lines.append(json.dumps({**GOOD, "id": good[-1]}).encode())
        else:
            bad.append(number)
            lines.append(line.raw)
            FUZZED[line.kind] += 1
    report = ingest_stream(fuzz_app, io.BytesIO(b"\n".join(lines) + b"\n"), "fuzz")

    assert report.accepted == len(good) and report.duplicates == 0
    assert [r.line for r in report.rejected] == bad
    assert all(r.reason.strip() for r in report.rejected)
    kept = [k for k in newest_rejections(fuzz_app, None).lines if k.run_id == str(report.run_id)]
    assert sorted(k.line for k in kept) == bad
    assert all(k.reason and (k.raw or k.raw_sha256) for k in kept)
    for number, source_id in zip(
        [n for n, k in enumerate(layout, 1) if k is None], good, strict=True
    ):
        found = fuzz_app.activity(source_id)
        assert found is not None and found.source == f"fuzz:{number}"


# End to end: the CLI, the org, look-alike addresses -------------------------------------

TRICKY = {  # target local part -> a look-alike that must never be matched instead
    "o'hara": "ohara",
    "o''hara": "o'hara'",
    'say"hi"': "sayhi",
    "back\\slash": "backslash",
    "back\\\\slash": "back\\slash\\",
    "a_b": "axb",
    "100%": "1000",
    "%_%": "x_x",
    "zoë": "zoe",
    "名前": "名",
    "x')OR(Id!=null)OR('": "xoridnullor",
}


@pytest.fixture(scope="module")
def input_org(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalOrg]:
    org = start_local_org(tmp_path_factory.mktemp("input-org") / "org.db")
    yield org
    org.stop()


def _tricky_people(scene: Scene) -> dict[str, str]:
    """Seed a Contact for every tricky address and its look-alike; their ids by address."""
    addresses = [scene.address(p) for pair in TRICKY.items() for p in pair]
    rows = [
        {"ref": f"t{n}", "LastName": f"T{n}", "Email": address}
        for n, address in enumerate(addresses)
    ]
    scene.seed({"contacts": rows})
    return {address: scene.ids[f"t{n}"] for n, address in enumerate(addresses)}


def _file(scene: Scene, rng: random.Random) -> tuple[bytes, list[dict[str, Any]], list[int]]:
    """Good emails to each tricky address (one to all of them, upper-cased), with a bad line
    of every kind between them."""
    good = [scene.sent(f"to{n}", [target]) for n, target in enumerate(TRICKY)]
    good.append(scene.sent("all", [t.upper() for t in TRICKY]))
    bad = [
        bytes(rng.randrange(256) for _ in range(200)).replace(b"\n", b" "),
        b'{"id": "bad-utf8-\xff\xfe", "type": "sent"}',
        HUGE,
        b"[" * 100_000 + b"]" * 100_000,
        _nested(50_000),
        *(_wrong(change) for change in WRONG),
        CROWD,
    ]
    lines, bad_numbers = [], []
    for n in range(max(len(good), len(bad))):
        if n < len(good):
            lines.append(json.dumps(good[n], ensure_ascii=False).encode())
        if n < len(bad):
            lines.append(bad[n])
            bad_numbers.append(len(lines))
    return b"\n".join(lines) + b"\n", good, bad_numbers


def test_a_file_of_good_and_hostile_lines_syncs_the_good_ones_to_exactly_the_right_contacts(
    input_org: LocalOrg, tmp_path: Path
) -> None:
    """SPEC section 2, R1, R5: `ingest` exits 2 and names every bad line, `rejected` keeps
    them all, `sync` writes the good ones; each email's Task is related to its own Contact
    (quotes, backslashes, %, _, Unicode, an injection attempt), no look-alike ever."""
    scene = Scene(input_org, tmp_path)
    ids = _tricky_people(scene)
    content, good, bad_numbers = _file(scene, random.Random(11))
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(content)

    ingested = run_cli(scene, "ingest", "--json", str(path))
    kept = run_cli(scene, "rejected", "--json", "--limit", "0")
    synced = run_cli(scene, "sync", "--json")

    assert ingested.returncode == 2, ingested.stderr
    report = json.loads(ingested.stdout)
    assert report["accepted"] == len(good)
    assert [r["line"] for r in report["rejected"]] == bad_numbers
    assert all(r["reason"] for r in report["rejected"])
    assert kept.returncode == 0, kept.stderr
    assert sorted(line["line"] for line in json.loads(kept.stdout)["rejected"]) == bad_numbers
    assert synced.returncode == 0, synced.stderr
    assert json.loads(synced.stdout)["pending"] == 0

    people = ",".join(f"'{i}'" for i in ids.values())
    tasks = admin_query(
        input_org,
        f"SELECT WhoId, Subject, {KEY}, (SELECT RelationId FROM TaskWhoRelations) "
        f"FROM Task WHERE WhoId IN ({people})",
    )
    by_subject = {t["Subject"]: t for t in tasks}
    for n, target in enumerate(TRICKY):
        task = by_subject[f"Sent (New): to{n} ({scene.tag})"]
        assert task["WhoId"] == ids[scene.address(target)], target
    shared = by_subject[f"Sent (New): all ({scene.tag})"]
    related = {r["RelationId"] for r in shared["TaskWhoRelations"]["records"]}
    assert related == {ids[scene.address(t)] for t in TRICKY}
    look_alikes = {ids[scene.address(v)] for v in TRICKY.values()}
    assert not look_alikes & ({t["WhoId"] for t in tasks} | related)
