"""A forgotten person (R29) is judged `forgotten`, as if excluded: never on a Task."""

from __future__ import annotations

from domain.model import CONTACT, FORGOTTEN, FORGOTTEN_PERSON, Activity, ContactFact, Directory
from domain.planner import plan_activity
from domain.settings import Settings

ANA, BOB = "ana@acme.example", "bob@acme.example"


def sent(*to: str) -> Activity:
    return Activity(
        id="a-1", type="sent", occurred_at="2024-05-01T10:00:00Z", sender="rep@ours.example", to=to
    )


def directory() -> Directory:
    return Directory(
        contacts_by_email={
            a: (ContactFact(id=f"003{i:03}", email=a, account_id="001A"),)
            for i, a in enumerate((ANA, BOB))
        }
    )


def test_an_erased_address_is_judged_forgotten_and_planned_as_if_excluded() -> None:
    """R29: two forgotten people in one email are each `forgotten`, not duplicates."""
    plan = plan_activity(sent(FORGOTTEN_PERSON, BOB, FORGOTTEN_PERSON), directory(), Settings())
    judged = [(r.address, r.outcome, r.reason) for r in plan.recipients]
    assert judged == [
        (FORGOTTEN_PERSON, FORGOTTEN, FORGOTTEN),
        (BOB, CONTACT, None),
        (FORGOTTEN_PERSON, FORGOTTEN, FORGOTTEN),
    ]
    assert [task.who_ids for task in plan.tasks] == [("003001",)]


def test_an_engagement_by_a_forgotten_actor_creates_nothing() -> None:
    """R29 with R11: the actor is forgotten, so no Task is planned."""
    activity = Activity(
        id="a-2",
        type="open",
        occurred_at="2024-05-01T10:00:00Z",
        sender="rep@ours.example",
        actor=FORGOTTEN_PERSON,
    )
    plan = plan_activity(activity, directory(), Settings())
    assert [r.outcome for r in plan.recipients] == [FORGOTTEN] and plan.tasks == ()
