"""`explain` (R21) on histories saved into a tmp SQLite store: every document matches its schema."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from audit_support import Org, Store, open_store, plan_activity, planned_activity, sent, write_all
from jsonschema import Draft202012Validator

from adapters.views.documents import explain_document
from domain.errors import NotFound

SCHEMA = json.loads((Path(__file__).parents[2] / "docs" / "explain-schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
ACME, GLOBEX, INITECH = "001000000000000ACM", "001000000000000GLX", "001000000000000INI"


def explained(store: Store, ident: str) -> dict[str, Any]:
    document = explain_document(store.app, store.engine, ident)
    VALIDATOR.validate(document)
    return document


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.app.close()


def test_each_task_of_a_sixty_recipient_email_tells_its_own_batch(store: Store) -> None:
    """R7, R8, R21: 60 Contacts -> two Tasks (50 + 10); each explains its batch, primary first."""
    org = Org()
    people = [f"p{i:02d}@acme.example" for i in range(60)]
    for address in people:
        org.contact(address, ACME)
    activity, plan = planned_activity(sent("m-60", people), org, store.app.settings())
    ids = write_all(activity, plan.tasks)
    store.app.save(activity)
    first, second = (ids[t.sync_key] for t in plan.tasks)

    one, two = explained(store, first), explained(store, second)

    assert one["query"]["matched"] == "salesforce_id"
    assert [len(one["tasks"]), len(one["siblings"])] == [1, 1]
    task = one["tasks"][0]
    assert (task["batch"]["index"], task["batch"]["count"], task["member_count"]) == (0, 2, 50)
    assert task["primary"]["address"] == "p00@acme.example"
    assert task["salesforce_id"] == first and task["status"] == "written"
    other = two["tasks"][0]
    assert (other["batch"]["index"], other["member_count"]) == (1, 10)
    assert other["primary"]["address"] == "p50@acme.example"
    assert "batch 2 of 2" in other["batch"]["explanation"]
    assert two["siblings"][0]["salesforce_id"] == first
    assert len(task["writes"]) == 50  # the create, then 49 relations
    assert task["writes"][0]["kind"] == "written" and task["attempts"] == 1


def test_an_excluded_first_recipient_is_named_with_its_rule_and_the_next_is_primary(
    tmp_path: Path,
) -> None:
    """R4, R8: an address on the exclusion list is recorded with the entry that matched."""
    store = open_store(tmp_path, excluded="partner.example")
    org = Org()
    for address in ("ceo@partner.example", "ann@acme.example", "bob@acme.example"):
        org.contact(address, ACME)
    activity, plan = planned_activity(
        sent("m-excl", ["ceo@partner.example", "ann@acme.example", "bob@acme.example"]),
        org,
        store.app.settings(),
    )
    store.app.save(activity)

    document = explained(store, "m-excl")

    first = document["recipients"][0]
    assert (first["outcome"], first["rule"], first["rule_value"]) == (
        "excluded",
        "exclusion_list",
        "partner.example",
    )
    assert "exclusion list" in first["explanation"] and first["tasks"] == []
    (task,) = document["tasks"]
    assert task["primary"]["address"] == "ann@acme.example"
    assert task["status"] == "planned" and document["activity"]["status"] == "pending"
    assert "partner.example" in task["settings"]["exclusions"]["excluded"]
    store.app.close()


def test_a_mixed_accounts_batch_names_the_other_accounts(store: Store) -> None:
    """R10e: the Task follows the primary's Account and warns naming the others."""
    org = Org()
    for address, account in (
        ("a@acme.example", ACME),
        ("g@globex.example", GLOBEX),
        ("i@initech.example", INITECH),
    ):
        org.contact(address, account)
    activity, plan = planned_activity(
        sent("m-mixed", ["a@acme.example", "g@globex.example", "i@initech.example"]),
        org,
        store.app.settings(),
    )
    store.app.save(activity)

    (task,) = explained(store, plan.tasks[0].sync_key)["tasks"]

    assert (task["what"]["id"], task["what"]["rule"]) == (ACME, "R10c")
    (warning,) = task["warnings"]
    assert warning["code"] == "mixed_accounts"
    assert sorted(warning["accounts"]) == [GLOBEX, INITECH]
    assert GLOBEX in warning["explanation"] and "R10e" in warning["explanation"]


def test_a_lead_gets_its_own_task_without_what_id(store: Store) -> None:
    """R9: a matched Lead is never batched and its Task has no WhatId."""
    org = Org()
    org.contact("a@acme.example", ACME)
    org.contact("b@acme.example", ACME)
    lead = org.lead("newbie@prospect.example")
    activity, plan = planned_activity(
        sent("m-lead", ["a@acme.example", "b@acme.example"], cc=["newbie@prospect.example"]),
        org,
        store.app.settings(),
    )
    store.app.save(activity)

    document = explained(store, "m-lead")

    lead_task = next(t for t in document["tasks"] if t["what"]["rule"] == "R9")
    assert lead_task["primary"] == {**lead_task["primary"], "id": lead, "kind": "lead"}
    assert lead_task["what"]["id"] is None and not lead_task["batch"]["shared"]
    assert "R9" in lead_task["batch"]["explanation"]
    recipient = document["recipients"][2]
    assert (recipient["outcome"], recipient["lead_id"]) == ("lead", lead)
    assert recipient["tasks"] == [lead_task["sync_key"]]


def test_an_opportunity_fan_out_explains_each_task_and_the_dropped_candidates(store: Store) -> None:
    """R10a: one Task per open Opportunity of the primary's Account; closed ones are dropped."""
    org = Org()
    org.contact("a@acme.example", ACME)
    org.contact("b@acme.example", ACME)
    renewal, expansion = org.opportunity(ACME, "Renewal"), org.opportunity(ACME, "Expansion")
    lost = org.opportunity(ACME, "Lost", closed=True)
    activity, plan = planned_activity(
        sent("m-opps", ["a@acme.example", "b@acme.example"]), org, store.app.settings()
    )
    write_all(activity, plan.tasks)
    store.app.save(activity)

    document = explained(store, "m-opps")

    assert sorted(t["what"]["id"] for t in document["tasks"]) == sorted([renewal, expansion])
    for task in document["tasks"]:
        assert task["what"]["rule"] == "R10a" and "R10a" in task["what"]["explanation"]
        considered = {o["id"]: o for o in task["opportunities_considered"]}
        assert set(considered) == {renewal, expansion, lost}
        assert considered[lost]["dropped_because"] == "closed"
        assert [o["id"] for o in considered.values() if o["chosen"]] == [task["what"]["id"]]


def test_a_refused_write_shows_salesforce_code_message_and_retries(store: Store) -> None:
    """R25: each refusal keeps Salesforce's own code and message; attempts are counted."""
    org = Org()
    org.contact("a@acme.example", ACME)
    activity, plan = planned_activity(
        sent("m-refused", ["a@acme.example"]), org, store.app.settings()
    )
    key = plan.tasks[0].sync_key
    activity.record_failure(key, "UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access", True, 1)
    message = "Subject: value too long for field"
    activity.record_failure(key, "FIELD_CUSTOM_VALIDATION_EXCEPTION", message, False, 2)
    store.app.save(activity)

    document = explained(store, key)

    (task,) = document["tasks"]
    assert task["status"] == "failed" and document["activity"]["status"] == "failed"
    refusals = [(w["code"], w["message"], w["retryable"]) for w in task["writes"]]
    assert refusals == [
        ("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access", True),
        ("FIELD_CUSTOM_VALIDATION_EXCEPTION", message, False),
    ]
    assert (task["attempts"], task["retries"]) == (2, 1)


def test_a_replay_under_new_settings_is_listed_with_the_settings_it_used(store: Store) -> None:
    """R19, R16: a replay's retire and re-form are listed; the new Task names its settings version."""
    org = Org()
    org.contact("a@acme.example", ACME)
    org.contact("b@acme.example", ACME)
    activity, plan = planned_activity(
        sent("m-replay", ["a@acme.example", "b@acme.example"]), org, store.app.settings()
    )
    write_all(activity, plan.tasks)
    store.app.save(activity)
    explained(store, "m-replay")  # the view is caught up before the replay
    after = store.app.change_setting("shared_activities", "off")
    old = plan.tasks[0]
    activity = store.app.activity("m-replay")
    activity.retire(old.sync_key, "shared activities disabled", "replay-7")
    replanned = plan_activity(activity.model, org.directory(), after)
    for task in replanned.tasks:
        activity.form_batch(task, after.version, "replay-7")
    store.app.save(activity)

    document = explained(store, "m-replay")

    by_key = {t["sync_key"]: t for t in document["tasks"]}
    assert by_key[old.sync_key]["status"] == "retired"
    assert by_key[old.sync_key]["replays"][-1]["replay_id"] == "replay-7"
    fresh = by_key[replanned.tasks[0].sync_key]
    assert fresh["formed"] == {
        **fresh["formed"],
        "replay_id": "replay-7",
        "settings_version": after.version,
    }
    assert fresh["settings"]["shared_in_effect"] is False
    assert "'off'" in fresh["settings"]["shared_reason"]
    assert document["activity"]["status"] == "pending"  # the old Task still has to be deleted


def test_a_fifteen_character_salesforce_id_finds_its_task(store: Store) -> None:
    """R21: a Salesforce id may be given in its 15-character form."""
    org = Org()
    org.contact("a@acme.example", ACME)
    activity, plan = planned_activity(sent("m-15", ["a@acme.example"]), org, store.app.settings())
    salesforce_id = write_all(activity, plan.tasks)[plan.tasks[0].sync_key]
    store.app.save(activity)

    document = explained(store, salesforce_id[:15])

    assert document["tasks"][0]["salesforce_id"] == salesforce_id


def test_an_unknown_id_is_not_found(store: Store) -> None:
    """R21: an id that names nothing raises NotFound (exit code 1)."""
    with pytest.raises(NotFound, match="00T000000000000XYZ"):
        explain_document(store.app, store.engine, "00T000000000000XYZ")


def test_an_activity_not_yet_resolved_is_explained_as_pending(store: Store) -> None:
    """R21: before the sync reaches it, an activity has no recipients or Tasks to explain yet."""
    store.app.record_activities([(sent("m-new", ["a@acme.example"]), "stdin:1")])

    document = explained(store, "m-new")

    assert document["resolution"] is None and document["tasks"] == []
    assert document["activity"]["status"] == "pending"
