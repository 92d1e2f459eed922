"""Fuzzing `parse_line` (SPEC section 2): any bytes give an Activity or a Rejection, never an error.

A Rejection names the line, a known field (or None for the whole line) and a reason; an
Activity is plain, encodable data that parses back to itself; every valid record is kept.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from adapters.input.ingest import parse_line
from adapters.input.schema import MAX_RECIPIENTS
from domain.addresses import is_valid_address, normalise
from domain.model import ACTIVITY_TYPES, ENGAGEMENT_TYPES, Activity
from domain.rejection import Rejection

FIELD = re.compile(
    r"(id|type|occurred_at|sender|actor|subject|body|thread_id|is_reply|url|file_name"
    r"|starts_at|ends_at|related_to(\.object|\.id)?|(to|cc|bcc)(\[\d+\])?)"
)
KEYS = (
    "id",
    "type",
    "occurred_at",
    "sender",
    "to",
    "cc",
    "bcc",
    "actor",
    "subject",
    "body",
    "thread_id",
    "is_reply",
    "url",
    "file_name",
    "related_to",
    "starts_at",
    "ends_at",
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
TRICKY_CHARS = st.sampled_from(list("\"\\%_'+.-@ \t\u00e9\u00df\u4e2d\u0301\U0001f600\u2028"))
ADDRESSES = st.text(alphabet=TRICKY_CHARS | st.characters(codec="utf-8"), max_size=40)


def check_outcome(result: Activity | Rejection, line_no: int) -> None:
    """The contract of parse_line, whatever it was given."""
    if isinstance(result, Rejection):
        assert result.line == line_no
        assert result.field is None or FIELD.fullmatch(result.field), result.field
        assert isinstance(result.reason, str) and result.reason.strip()
        return
    assert isinstance(result, Activity)
    assert all(isinstance(a, str) for a in result.to + result.cc + result.bcc)
    again = parse_line(orjson.dumps(result.to_dict()), line_no)
    assert again == result, "an accepted activity must parse back to itself"


@given(raw=st.binary(max_size=300), line_no=st.integers(1, 10**9))
def test_random_bytes_never_raise(raw: bytes, line_no: int) -> None:
    check_outcome(parse_line(raw, line_no), line_no)


@given(record=st.dictionaries(st.sampled_from(KEYS), JSON, max_size=len(KEYS)))
def test_known_fields_with_any_json_values_never_raise(record: dict[str, Any]) -> None:
    check_outcome(parse_line(json.dumps(record).encode(), 3), 3)


@given(
    record=st.dictionaries(st.sampled_from(KEYS), JSON, max_size=len(KEYS)),
    cut=st.integers(0, 400),
    junk=st.binary(min_size=1, max_size=4),
)
def test_damaged_json_and_invalid_utf8_never_raise(
    record: dict[str, Any], cut: int, junk: bytes
) -> None:
    raw = json.dumps(record).encode()
    check_outcome(parse_line(raw[:cut] + junk + raw[cut:], 5), 5)


@given(depth=st.integers(1, 3000), opener=st.sampled_from(["[", '{"to":']))
def test_deep_nesting_never_raises(depth: int, opener: str) -> None:
    closer = "]" if opener == "[" else "}"
    raw = (opener * depth + "null" + closer * depth).encode()
    result = parse_line(raw, 1)
    check_outcome(result, 1)
    assert isinstance(result, Rejection)


# Valid records ----------------------------------------------------------------------


def timestamps(low: datetime, high: datetime) -> st.SearchStrategy[datetime]:
    offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
        lambda m: timezone(timedelta(minutes=m))
    )
    naive = st.datetimes(min_value=low, max_value=high)
    return st.builds(lambda moment, zone: moment.replace(tzinfo=zone), naive, offsets)


def rfc3339(moment: datetime) -> str:
    text = moment.isoformat()
    return (
        text[:-6] + "Z" if moment.utcoffset() == timedelta(0) and text.endswith("+00:00") else text
    )


SENDERS = st.builds(
    "{}@{}".format,
    st.text(
        alphabet=TRICKY_CHARS.filter(lambda c: not c.isspace())
        | st.characters(categories=("L", "N")),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["ourco.example", "mail.ourco.example", "bücher.example"]),
).filter(lambda a: is_valid_address(normalise(a)))


@st.composite
def valid_records(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(ACTIVITY_TYPES))
    occurred = draw(timestamps(datetime(1970, 1, 1), datetime(2100, 1, 1)))
    record: dict[str, Any] = {
        "id": draw(st.text(min_size=1, max_size=255).filter(str.strip)),
        "type": kind,
        "occurred_at": rfc3339(occurred),
        "sender": draw(SENDERS),
    }
    for key in ("to", "cc", "bcc"):
        if draw(st.booleans()):
            record[key] = draw(st.lists(ADDRESSES, max_size=5))
    if kind in ("sent", "meeting"):
        record.setdefault("to", []).append(draw(ADDRESSES.filter(str.strip)))
    if kind in ENGAGEMENT_TYPES or draw(st.booleans()):
        record["actor"] = draw(ADDRESSES.filter(str.strip))
    if kind == "meeting":
        start = draw(timestamps(datetime(2000, 1, 1), datetime(2090, 1, 1)))
        record["starts_at"] = rfc3339(start)
        record["ends_at"] = rfc3339(start + draw(st.timedeltas(timedelta(0), timedelta(days=3))))
    for key in ("subject", "body", "thread_id", "url", "file_name"):
        if draw(st.booleans()):
            record[key] = draw(st.text(max_size=50))
    if draw(st.booleans()):
        record["is_reply"] = draw(st.booleans())
    if draw(st.booleans()):
        record["related_to"] = {
            "object": draw(st.sampled_from(["Project__c", "ns__Deal_Room__c", "Case"])),
            "id": draw(st.from_regex(r"[A-Za-z0-9]{15}([A-Za-z0-9]{3})?", fullmatch=True)),
        }
    return record


@given(record=valid_records(), ascii_only=st.booleans())
def test_every_valid_record_is_accepted_with_its_fields_as_given(
    record: dict[str, Any], ascii_only: bool
) -> None:
    raw = json.dumps(record, ensure_ascii=ascii_only).encode()
    result = parse_line(raw, 9)
    assert isinstance(result, Activity), result
    check_outcome(result, 9)
    kept = result.to_dict()
    # R20: the id is kept without surrounding white space (a re-delivery compares trimmed)
    assert {key: kept[key] for key in record} == {**record, "id": record["id"].strip()}


@given(record=valid_records())
def test_occurred_at_parses_to_the_same_moment(record: dict[str, Any]) -> None:
    result = parse_line(json.dumps(record).encode(), 1)
    assert isinstance(result, Activity)
    moment = datetime.fromisoformat(result.occurred_at)
    assert moment.tzinfo is not None
    assert moment.astimezone(UTC) == datetime.fromisoformat(record["occurred_at"]).astimezone(UTC)


@settings(max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(
    total=st.integers(MAX_RECIPIENTS - 3, MAX_RECIPIENTS + 3),
    split=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    address=st.text(alphabet=TRICKY_CHARS | st.characters(codec="utf-8"), max_size=12),
)
def test_recipient_counts_around_the_limit(
    total: int, split: tuple[float, float], address: str
) -> None:
    """At most 10,000 recipients in to+cc+bcc together; more is a refused line.

    Addresses are short here so the line stays under the 1 MB limit, a refusal of its own.
    """
    assume(address.strip())
    first = int(total * split[0])
    second = int((total - first) * split[1])
    counts = (first, second, total - first - second)
    record = {
        "id": "big",
        "type": "sent",
        "occurred_at": "2026-11-26T10:00:00Z",
        "sender": "ann@ourco.example",
        **{key: [address] * n for key, n in zip(("to", "cc", "bcc"), counts, strict=True)},
    }
    result = parse_line(json.dumps(record, ensure_ascii=False).encode(), 2)
    if total <= MAX_RECIPIENTS:
        assert isinstance(result, Activity)
        assert len(result.to + result.cc + result.bcc) == total
    else:
        assert isinstance(result, Rejection) and result.field in ("to", "cc", "bcc")
        assert "at most 10,000" in result.reason
