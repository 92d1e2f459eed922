"""Input validation of one JSON line (SPEC section 2): what is accepted, and each refusal's words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from adapters.input.ingest import MAX_LINE_BYTES, parse_line
from domain.model import Activity, RelatedRecord
from domain.rejection import Rejection

SENT: dict[str, Any] = {
    "id": "<m1@mail.ourco.example>",
    "type": "sent",
    "occurred_at": "2026-11-26T10:00:00+01:00",
    "sender": "ann@ourco.example",
    "to": ["bob@alpha.example", "cleo@alpha.example"],
    "cc": ["dan@beta.example"],
    "subject": "Renewal",
}
OPEN: dict[str, Any] = {
    "id": "<m1@mail.ourco.example>/open/1",
    "type": "open",
    "occurred_at": "2026-11-26T11:00:00Z",
    "sender": "ann@ourco.example",
    "actor": "bob@alpha.example",
}
MEETING: dict[str, Any] = {
    "id": "mtg-1",
    "type": "meeting",
    "occurred_at": "2026-11-26T09:00:00Z",
    "sender": "ann@ourco.example",
    "to": ["bob@alpha.example"],
    "starts_at": "2026-11-27T14:00:00+01:00",
    "ends_at": "2026-11-27T15:00:00+01:00",
}


def line(base: dict[str, Any], **changes: Any) -> bytes:
    record = {**base, **changes}
    kept = {k: v for k, v in record.items() if v is not _DROP}
    return json.dumps(kept, ensure_ascii=False).encode()


_DROP = object()


def parsed(raw: bytes) -> Activity:
    result = parse_line(raw, 1)
    assert isinstance(result, Activity), result
    return result


def refused(raw: bytes, line_no: int = 12) -> Rejection:
    result = parse_line(raw, line_no)
    assert isinstance(result, Rejection), result
    return result


class TestAccepted:
    """Valid records of every type become Activities, fields kept as given (SPEC section 2)."""

    def test_a_sent_email_keeps_its_recipients_in_order(self) -> None:
        activity = parsed(line(SENT))
        assert activity.to == ("bob@alpha.example", "cleo@alpha.example")
        assert activity.cc == ("dan@beta.example",)
        assert (activity.type, activity.subject, activity.is_reply) == ("sent", "Renewal", False)

    def test_every_engagement_type_with_an_actor_is_accepted(self) -> None:
        for kind in ("reply", "open", "click", "download", "bounce"):
            assert parsed(line(OPEN, type=kind)).actor == "bob@alpha.example"

    def test_a_meeting_with_ordered_times_is_accepted(self) -> None:
        activity = parsed(line(MEETING))
        assert (activity.starts_at, activity.ends_at) == (MEETING["starts_at"], MEETING["ends_at"])

    def test_a_meeting_may_start_and_end_at_the_same_moment(self) -> None:
        parsed(line(MEETING, ends_at="2026-11-27T13:00:00Z"))

    @pytest.mark.parametrize(
        ("given", "kept"),
        [
            ("2026-11-26T10:00:00Z", "2026-11-26T10:00:00Z"),
            ("2026-11-26T10:00:00.123456789-05:30", "2026-11-26T10:00:00.123456789-05:30"),
            ("2026-11-26t10:00:00z", "2026-11-26T10:00:00Z"),
            ("2026-11-26 10:00:00+00:00", "2026-11-26T10:00:00+00:00"),
            ("2028-02-29T23:59:59+14:00", "2028-02-29T23:59:59+14:00"),
        ],
    )
    def test_rfc3339_timestamps_with_an_offset_are_kept_in_canonical_spelling(
        self, given: str, kept: str
    ) -> None:
        assert parsed(line(SENT, occurred_at=given)).occurred_at == kept

    def test_unknown_extra_fields_are_ignored(self) -> None:
        activity = parsed(line(SENT, campaign={"id": 7, "tags": ["q4"]}, score=10**30))
        assert activity == parsed(line(SENT))

    def test_optional_fields_may_be_null(self) -> None:
        activity = parsed(line(SENT, cc=None, subject=None, is_reply=None, related_to=None))
        assert (activity.cc, activity.subject, activity.is_reply) == ((), None, False)

    def test_unusable_recipient_addresses_are_left_to_the_planner(self) -> None:
        """R3: an invalid address is the planner's `invalid` outcome, not a refused line."""
        odd = [
            "not-an-address",
            "",
            '"quoted"@alpha.example',
            "back\\slash@x.example",
            "ü@ß.example",
        ]
        assert parsed(line(SENT, to=odd)).to == tuple(odd)

    def test_a_related_custom_record_is_kept(self) -> None:
        """R13: related_to names the custom record by object API name and Salesforce id."""
        related = {"object": "ns__Project__c", "id": "a01000000000001AAA"}
        assert parsed(line(SENT, related_to=related)).related_to == RelatedRecord(
            "ns__Project__c", "a01000000000001AAA"
        )

    def test_a_byte_order_mark_and_crlf_line_ending_are_tolerated(self) -> None:
        assert parsed(b"\xef\xbb\xbf" + line(SENT) + b"\r\n") == parsed(line(SENT))

    def test_ten_thousand_recipients_are_allowed(self) -> None:
        to = [f"p{i}@alpha.example" for i in range(6000)]
        cc = [f"q{i}@alpha.example" for i in range(4000)]
        assert len(parsed(line(SENT, to=to, cc=cc)).cc) == 4000


REFUSALS: list[tuple[str, bytes, str | None, str]] = [
    ("not json", b'{"id": "x", ', None, "not valid JSON"),
    ("not an object", b'["sent"]', None, "expected a JSON object, got a list"),
    ("invalid utf-8", b'{"id": "\xff"}', None, "not valid UTF-8 (byte 9)"),
    ("lone surrogate", b'{"id": "\\ud800"}', None, "not valid JSON"),
    ("deep nesting", b"[" * 5000 + b"]" * 5000, None, "not valid JSON"),
    ("missing id", line(SENT, id=_DROP), "id", "missing (required)"),
    ("blank id", line(SENT, id="  "), "id", "must not be empty"),
    ("numeric id", line(SENT, id=12), "id", "expected a string, got a number"),
    ("long id", line(SENT, id="x" * 256), "id", "256 characters, at most 255"),
    ("missing type", line(SENT, type=_DROP), "type", "missing (required)"),
    ("unknown type", line(SENT, type="fax"), "type", "unknown type 'fax'; known: sent, reply"),
    ("missing time", line(SENT, occurred_at=_DROP), "occurred_at", "missing (required)"),
    (
        "naive time",
        line(SENT, occurred_at="2026-11-26T10:00:00"),
        "occurred_at",
        "needs an offset or Z",
    ),
    ("date only", line(SENT, occurred_at="2026-11-26"), "occurred_at", "a date alone"),
    ("impossible day", line(SENT, occurred_at="2026-02-30T10:00:00Z"), "occurred_at", "impossible"),
    ("hour 24", line(SENT, occurred_at="2026-02-03T24:00:00Z"), "occurred_at", "impossible"),
    (
        "offset 24h",
        line(SENT, occurred_at="2026-02-03T10:00:00+24:00"),
        "occurred_at",
        "impossible",
    ),
    ("epoch number", line(SENT, occurred_at=1764151200), "occurred_at", "got a number"),
    ("prose time", line(SENT, occurred_at="yesterday"), "occurred_at", "not an RFC 3339 timestamp"),
    ("unicode digits", line(SENT, occurred_at="٢٠٢٦-11-26T10:00:00Z"), "occurred_at", "not an RFC"),
    ("missing sender", line(SENT, sender=_DROP), "sender", "missing (required)"),
    ("bad sender", line(SENT, sender="ann at ourco"), "sender", "not a valid email address"),
    (
        "sender, unquoted comma",
        line(SENT, sender="Lee, Ann <ann@ourco.example>"),
        "sender",
        "not a valid email address: the display name has an unquoted comma",
    ),
    (
        "sender, unclosed",
        line(SENT, sender="Ann Lee <ann@ourco.example"),
        "sender",
        "exactly one address in <...>",
    ),
    ("to not a list", line(SENT, to="bob@alpha.example"), "to", "expected a list of email"),
    ("number in cc", line(SENT, cc=["a@b.example", 7]), "cc[1]", "expected a string, got a number"),
    ("null in bcc", line(SENT, bcc=[None]), "bcc[0]", "expected a string, got null"),
    ("no recipients", line(SENT, to=[], cc=_DROP), "to", "needs at least one address"),
    ("blank recipients", line(SENT, to=[" "], cc=[]), "to", "needs at least one address"),
    ("meeting alone", line(MEETING, to=_DROP), "to", "a meeting activity needs at least one"),
    ("too many", line(SENT, to=["a@b.example"] * 10_000), "cc", "10,001 recipients"),
    ("missing actor", line(OPEN, actor=_DROP), "actor", "missing (required)"),
    ("actor list", line(OPEN, actor=["bob@alpha.example"]), "actor", "got a list"),
    ("long subject", line(SENT, subject="s" * 10_001), "subject", "at most 10,000"),
    ("subject object", line(SENT, subject={"t": 1}), "subject", "got an object"),
    ("body number", line(SENT, body=3.5), "body", "got a number"),
    (
        "reply string",
        line(SENT, is_reply="yes"),
        "is_reply",
        "expected true or false, got a string",
    ),
    ("url number", line(OPEN, type="click", url=1), "url", "got a number"),
    ("file list", line(OPEN, type="download", file_name=[]), "file_name", "got a list"),
    ("thread bool", line(SENT, thread_id=True), "thread_id", "got a boolean"),
    ("related string", line(SENT, related_to="a01"), "related_to", "got a string"),
    (
        "related no object",
        line(SENT, related_to={"id": "a01000000000001"}),
        "related_to.object",
        "missing",
    ),
    (
        "related bad object",
        line(SENT, related_to={"object": "1x", "id": "a01000000000001"}),
        "related_to.object",
        "not an object API name",
    ),
    (
        "related short id",
        line(SENT, related_to={"object": "P__c", "id": "a01"}),
        "related_to.id",
        "not a Salesforce id",
    ),
    (
        "related 16 id",
        line(SENT, related_to={"object": "P__c", "id": "a" * 16}),
        "related_to.id",
        "not a Salesforce id",
    ),
    ("meeting no start", line(MEETING, starts_at=_DROP), "starts_at", "missing (required)"),
    ("meeting no end", line(MEETING, ends_at=_DROP), "ends_at", "missing (required)"),
    (
        "meeting backwards",
        line(MEETING, ends_at="2026-11-27T12:59:59Z"),
        "ends_at",
        "ends before it starts",
    ),
    ("start naive", line(SENT, starts_at="2026-11-27T14:00:00"), "starts_at", "needs an offset"),
]


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_a_bad_line_is_refused_naming_its_line_field_and_reason(
    raw: bytes, field: str | None, reason: str
) -> None:
    """SPEC section 2: the message names the line number and the field."""
    rejection = refused(raw, line_no=12)
    assert (rejection.line, rejection.field) == (12, field)
    assert reason in rejection.reason
    where = "line 12" + (f", field {field}" if field else "")
    assert rejection.message == f"{where}: {rejection.reason}"


def test_the_message_reads_as_the_spec_example() -> None:
    rejection = refused(line(SENT, occurred_at="2026-11-26T10:00:00"), line_no=12)
    assert rejection.message == "line 12, field occurred_at: timestamp needs an offset or Z"


def test_a_line_over_one_megabyte_is_refused_whole() -> None:
    raw = line(SENT, body="b" * MAX_LINE_BYTES)
    rejection = refused(raw)
    assert rejection.field is None
    assert f"{len(raw):,} bytes, at most {MAX_LINE_BYTES:,}" in rejection.reason


def test_the_first_fault_in_field_order_is_reported() -> None:
    rejection = refused(line(SENT, id=_DROP, occurred_at="soon", sender=None))
    assert rejection.field == "id"


def test_display_name_addresses_are_accepted_in_every_address_field_as_given() -> None:
    """SPEC 2, R1: `Name <address>` in sender, to, cc, bcc and actor is kept as given."""
    sent = parsed(
        line(
            SENT,
            sender='"Lee, Ann" <ann@ourco.example>',
            to=["Bob Ray <bob@alpha.example>"],
            cc=["<dan@beta.example>"],
            bcc=["Eve <eve@beta.example>"],
        )
    )
    assert sent.sender == '"Lee, Ann" <ann@ourco.example>'
    assert (sent.to, sent.cc, sent.bcc) == (
        ("Bob Ray <bob@alpha.example>",),
        ("<dan@beta.example>",),
        ("Eve <eve@beta.example>",),
    )
    opened = parsed(line(OPEN, sender="Ann <ann@ourco.example>", actor="Bob <bob@alpha.example>"))
    assert opened.actor == "Bob <bob@alpha.example>"
