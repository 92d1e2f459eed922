"""The sentences and entries of `explain` (R21), from plain recorded data."""

from __future__ import annotations

import pytest

from domain.settings import OrgSettings, Settings
from projections.explain import settings_versions
from projections.explain.entries import opportunity_entries
from projections.explain.sentences import (
    batch_sentence,
    recipient_sentence,
    shared_reason,
    warning_entry,
    what_sentence,
)


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("sender", "own sender"),
        ("exclusion_list:partner.example", "exclusion list (entry 'partner.example')"),
        ("internal_domain:ourco.example", "internal domain 'ourco.example'"),
        ("system_sender:noreply", "system sender (local part 'noreply')"),
    ],
)
def test_an_exclusion_names_the_rule_that_matched(reason: str, words: str) -> None:
    """R4: excluded addresses say which rule excluded them."""
    sentence = recipient_sentence({"outcome": "excluded", "reason": reason})
    assert words in sentence and "R4" in sentence


def test_skipped_and_matched_recipients_each_say_why() -> None:
    """R1, R2, R3, R5: duplicates, Bcc, invalid, unmatched, ambiguity are explained."""
    assert "#2" in recipient_sentence({"outcome": "duplicate", "reason": "duplicate_of:1"})
    assert "include_bcc" in recipient_sentence(
        {"outcome": "bcc_skipped", "reason": "include_bcc_off"}
    )
    assert "R3" in recipient_sentence({"outcome": "invalid", "reason": "invalid"})
    assert "R5" in recipient_sentence({"outcome": "unmatched", "reason": "no_contact_or_lead"})
    ambiguous = recipient_sentence(
        {
            "outcome": "contact",
            "contact_id": "003A",
            "account_id": "001X",
            "ambiguous_ids": ["003B"],
        }
    )
    assert "003A" in ambiguous and "001X" in ambiguous and "003B" in ambiguous


def test_mixed_accounts_warning_lists_the_other_accounts() -> None:
    """R10e: the warning names every other Account of the batch."""
    entry = warning_entry("mixed_accounts:001B,001C", [])
    assert entry["accounts"] == ["001B", "001C"]
    assert "001B, 001C" in entry["explanation"]


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("R10a", "each open Opportunity of the primary's Account 001X"),
        ("R10b", "contact role"),
        ("R10c", "WhatId is the primary's Account 001X"),
        ("R10d", "no Opportunity and no Account"),
        ("R9", "Lead"),
    ],
)
def test_the_what_id_rule_is_one_sentence(rule: str, words: str) -> None:
    """R10a-d, R9: the rule that chose WhatId is explained."""
    task = {
        "what_rule": rule,
        "what_id": "006A",
        "account_id": "001X",
        "opportunities_considered": [],
    }
    assert words in what_sentence(task, {"type": "sent"}, Settings())


def test_closed_and_foreign_opportunities_say_why_they_were_dropped() -> None:
    """R10a with owned_opportunities_only: closed and not-owned candidates are dropped."""
    directory = {
        "opportunities_by_account": {
            "001X": [
                {
                    "id": "006A",
                    "account_id": "001X",
                    "owner_id": "005ME",
                    "is_closed": False,
                    "name": "A",
                },
                {
                    "id": "006B",
                    "account_id": "001X",
                    "owner_id": "005ME",
                    "is_closed": True,
                    "name": "B",
                },
                {
                    "id": "006C",
                    "account_id": "001X",
                    "owner_id": "005YOU",
                    "is_closed": False,
                    "name": "C",
                },
            ]
        },
        "users_by_email": {"rep@ourco.example": "005ME"},
    }
    task = {"what_id": "006A", "opportunities_considered": ["006A", "006B", "006C"]}
    settings = Settings(owned_opportunities_only=True)

    entries = opportunity_entries(task, directory, {"sender": "Rep@ourco.example"}, settings)

    assert [(e["id"], e["kept"], e["dropped_because"], e["chosen"]) for e in entries] == [
        ("006A", True, None, True),
        ("006B", False, "closed", False),
        ("006C", False, "not_owned_by_sender", False),
    ]


def test_settings_versions_remember_how_the_org_setting_was_observed() -> None:
    """R16, R17: every settings event is a version; 'auto' explains the org's observed state."""
    settings = OrgSettings.create()
    settings.change("opportunity_mode", "contact_role")
    settings.observe_shared_activities(True, "metadata_api")
    settings.change("batch_size", "20")

    versions = settings_versions(settings.collect_events())

    assert sorted(versions) == [1, 2, 3, 4]
    assert versions[2].settings.opportunity_mode == "contact_role" and versions[2].observed is None
    four = versions[4]
    assert (four.settings.batch_size, four.settings.version) == (20, 4)
    reason = shared_reason(four.settings, four.observed)
    assert "enabled" in reason and "metadata_api" in reason


@pytest.mark.parametrize(
    ("task", "activity", "rule"),
    [
        ({"sobject": "Event", "what_rule": "R10c"}, {"type": "meeting"}, "R12"),
        ({"sobject": "Task", "what_rule": "R10c"}, {"type": "open"}, "R11"),
        (
            {"sobject": "Task", "what_rule": "R13"},
            {"type": "sent", "related_to": {"object": "P__c", "id": "a01"}},
            "R13",
        ),
        ({"sobject": "Task", "what_rule": "R10c"}, {"type": "sent"}, "R14"),
    ],
)
def test_an_individual_record_says_why_it_is_not_shared(
    task: dict[str, object], activity: dict[str, object], rule: str
) -> None:
    """R11-R14: meetings, engagements, custom records and shared-off emails are individual."""
    assert rule in batch_sentence(task, activity, Settings(shared_activities="off"))
