"""The recipients section of `stats` (R23): an open set of outcomes, senders by address."""

from __future__ import annotations

from projections.recipient_stats import (
    RecipientFacts,
    SenderCounts,
    latest,
    outcome_counts,
    recipients_section,
)


def test_the_six_usual_outcomes_are_shown_at_zero_and_skips_are_folded() -> None:
    """R2, R3: Bcc not included and repeated addresses are both `skipped`."""
    assert outcome_counts({"bcc_skipped": 2, "duplicate": 1}) == {
        "contact": 0,
        "lead": 0,
        "unmatched": 0,
        "excluded": 0,
        "invalid": 0,
        "skipped": 3,
    }


def test_an_outcome_the_events_carry_is_counted_under_its_own_name() -> None:
    """R29: a later outcome (`forgotten`) shows up without a change here."""
    counts = outcome_counts({"contact": 4, "forgotten": 2})
    assert counts["forgotten"] == 2
    assert list(counts)[:6] == ["contact", "lead", "unmatched", "excluded", "invalid", "skipped"]


def test_senders_written_differently_are_one_rep_busiest_first() -> None:
    """R1: `Ann <ann@x>` and `ANN@x` are the same sender."""
    facts = RecipientFacts(
        senders=[
            SenderCounts("Ann Lee <ann@ourco.example>", activities=2, tasks=1, failures=1),
            SenderCounts("ANN@ourco.example", activities=1, unmatched=3),
            SenderCounts("bob@ourco.example", activities=5, events=2),
        ]
    )
    assert recipients_section(facts)["senders"] == [
        {
            "sender": "bob@ourco.example",
            "activities": 5,
            "tasks": 0,
            "events": 2,
            "unmatched": 0,
            "failures": 0,
        },
        {
            "sender": "ann@ourco.example",
            "activities": 3,
            "tasks": 1,
            "events": 0,
            "unmatched": 3,
            "failures": 1,
        },
    ]


def test_the_last_time_seen_compares_moments_not_text() -> None:
    """09:00+02:00 is before 08:00Z."""
    assert latest([("2026-03-05T08:00:00Z", "b"), ("2026-03-05T09:00:00+02:00", "a")]) == (
        "2026-03-05T08:00:00Z",
        "b",
    )
