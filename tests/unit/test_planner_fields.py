"""Task fields (R15) and sync keys (R20) of planned records."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from domain.fields import cut, record_fields, utf16_length
from domain.model import Activity, ContactFact, Directory
from domain.planner import plan_activity
from domain.settings import Settings
from domain.sync_keys import sync_key

SENDER = "Rep@Ours.example"
DIRECTORY = Directory(
    contacts_by_email={"ann@alpha.example": (ContactFact("003A", "ann@alpha.example", "001A"),)},
    users_by_email={"rep@ours.example": "005R"},
)


def activity(type: str = "sent", **extra: object) -> Activity:
    base = Activity(
        id="f-1",
        type=type,
        occurred_at="2024-05-01T23:30:00-07:00",
        sender=SENDER,
        to=("ann@alpha.example",),
        actor="ann@alpha.example",
        subject="Quarterly plan",
        body="Hello Ann",
        url="https://docs.example/q",
        file_name="plan.pdf",
        starts_at="2024-05-02T09:00:00+02:00",
        ends_at="2024-05-02T09:30:00+02:00",
    )
    return replace(base, **extra)


def only_fields(item: Activity) -> dict[str, object]:
    (task,) = plan_activity(item, DIRECTORY, Settings()).tasks
    return dict(task.fields)


@pytest.mark.parametrize(
    ("item", "subject"),
    [
        (activity("sent"), "Sent (New): Quarterly plan"),
        (activity("sent", is_reply=True), "Sent (Reply): Quarterly plan"),
        (activity("reply"), "Replied: Quarterly plan"),
        (activity("open"), "Opened: Quarterly plan"),
        (activity("click"), "Clicked: https://docs.example/q"),
        (activity("download"), "Downloaded: plan.pdf"),
        (activity("bounce"), "Bounced: Quarterly plan"),
        (activity("meeting"), "Meeting: Quarterly plan"),
        (activity("sent", subject=None), "Sent (New): (no subject)"),
        (activity("open", subject=""), "Opened: (no subject)"),
    ],
)
def test_the_subject_carries_the_prefix_of_the_activity_type(item: Activity, subject: str) -> None:
    """R15: Sent (New)/(Reply), Replied, Opened, Clicked <url>, Downloaded <file>, Bounced, Meeting."""
    assert only_fields(item)["Subject"] == subject


def test_a_long_subject_is_cut_to_255_characters() -> None:
    """R15: Salesforce's Subject holds 255 characters; the prefix counts."""
    subject = only_fields(activity(subject="x" * 400))["Subject"]
    assert subject == ("Sent (New): " + "x" * 400)[:255]


def test_cutting_never_splits_a_character_outside_the_basic_plane() -> None:
    """R15: lengths count UTF-16 units; an emoji is two of them and is kept whole or dropped."""
    text = "a" + "\U0001f600" * 200
    assert cut(text, 6) == "a\U0001f600\U0001f600"
    assert utf16_length(cut(text, 255)) <= 255
    assert cut("short", 255) == "short"


def test_a_sent_task_is_completed_email_subtype_dated_in_its_own_offset() -> None:
    """R15: Status Completed, TaskSubtype Email, ActivityDate = the local date of occurred_at."""
    fields = only_fields(activity("sent"))
    assert fields == {
        "Subject": "Sent (New): Quarterly plan",
        "Status": "Completed",
        "TaskSubtype": "Email",
        "ActivityDate": "2024-05-01",
        "Description": "Hello Ann",
        "OwnerId": "005R",
    }


@pytest.mark.parametrize(("kind", "subtype"), [("reply", "Email"), ("open", None), ("click", None)])
def test_only_sent_and_reply_tasks_have_the_email_subtype(kind: str, subtype: str | None) -> None:
    """R15: TaskSubtype Email for sent and reply; engagements have none."""
    assert only_fields(activity(kind)).get("TaskSubtype") == subtype


def test_the_description_holds_the_body_cut_to_32000_and_is_omitted_without_one() -> None:
    """R15: Description = body snippet (at most 32,000 characters); no body, no Description."""
    assert len(str(only_fields(activity(body="b" * 40_000))["Description"])) == 32_000
    assert "Description" not in only_fields(activity(body=None))


def test_the_owner_is_the_senders_user_else_left_to_the_integration_user() -> None:
    """R15: OwnerId = the User whose Email is the sender (case-insensitive), else omitted."""
    assert only_fields(activity())["OwnerId"] == "005R"
    assert "OwnerId" not in only_fields(activity(sender="someone@ours.example"))


def test_an_event_has_its_times_and_no_task_only_fields() -> None:
    """R12, R15: Events carry StartDateTime/EndDateTime as given, no Status or TaskSubtype."""
    fields = record_fields(activity("meeting"), "Event", None)
    assert fields == {
        "Subject": "Meeting: Quarterly plan",
        "StartDateTime": "2024-05-02T09:00:00+02:00",
        "EndDateTime": "2024-05-02T09:30:00+02:00",
        "Description": "Hello Ann",
    }


def test_the_external_id_is_not_among_the_fields() -> None:
    """R15: the writer adds the external id field; the planner keeps the key in sync_key."""
    assert Settings().external_id_field not in only_fields(activity())


def test_the_sync_key_is_the_documented_hash_of_its_parts() -> None:
    """R20: as1_ + sha256(activity, sobject, kind, person, what) joined by 0x1f, first 32 hex."""
    (task,) = plan_activity(activity(), DIRECTORY, Settings()).tasks
    parts = "\x1f".join(["f-1", "Task", "single", "003A", "001A"])
    assert task.sync_key == "as1_" + hashlib.sha256(parts.encode()).hexdigest()[:32]
    assert sync_key("f-1", "Task", "single", "003A", None) == sync_key(
        "f-1", "Task", "single", "003A", ""
    )
    assert sync_key("f-1", "Task", "batch", "003A", None) != sync_key(
        "f-1", "Task", "single", "003A", None
    )


def test_an_unknown_sync_key_kind_is_refused() -> None:
    """R20: only batch, single and event keys exist."""
    with pytest.raises(ValueError, match="unknown sync key kind"):
        sync_key("f-1", "Task", "shared", "003A", None)
