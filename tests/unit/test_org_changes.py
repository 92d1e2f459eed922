"""The org is alive (R27): what changed in a written record, told from its baseline, pure."""

from __future__ import annotations

from dataclasses import replace

from domain.model import PlannedTask
from domain.org_changes import (
    OrgChange,
    OrgState,
    PersonFate,
    changes_between,
    remapped_task,
)

ENGINE, PAT = "005ENGINE", "005PAT"
WRITTEN = OrgState(
    sync_key="as1_k",
    salesforce_id="00TA",
    who_id="003A",
    who_ids=("003A", "003B", "003C"),
    what_id="001X",
    fields={"Subject": "Sent (New): hi", "StartDateTime": "2026-11-02T09:00:00+02:00"},
    created_by=ENGINE,
    modified_by=ENGINE,
)


def now(**changes: object) -> OrgState:
    return replace(WRITTEN, modified_by=PAT, modified_at="2026-11-03T10:00:00Z", **changes)


def test_an_untouched_record_has_no_change_even_when_the_org_writes_times_its_own_way() -> None:
    same = replace(
        WRITTEN, fields={**WRITTEN.fields, "StartDateTime": "2026-11-02T07:00:00.000+0000"}
    )
    assert changes_between(WRITTEN, same, {}) == []


def test_an_edit_by_a_person_names_them_and_the_fields() -> None:
    edited = now(fields={**WRITTEN.fields, "Subject": "Renamed"}, what_id="001Y")
    assert changes_between(WRITTEN, edited, {}) == [
        OrgChange("edited", "2026-11-03T10:00:00Z", PAT, ("Subject", "WhatId"))
    ]


def test_a_difference_written_by_the_creating_user_is_not_a_persons_edit() -> None:
    own = replace(WRITTEN, fields={**WRITTEN.fields, "Subject": "Re-written"})
    assert changes_between(WRITTEN, own, {}) == []


def test_a_removed_relation_is_a_relations_change_with_who_left() -> None:
    found = changes_between(WRITTEN, now(who_ids=("003A", "003C")), {})
    assert [(c.kind, dict(c.detail)) for c in found] == [
        ("relations_changed", {"removed": ["003B"], "added": []})
    ]


def test_a_deletion_and_an_undeletion_are_told_alone() -> None:
    deleted = now(deleted=True)
    assert [c.kind for c in changes_between(WRITTEN, deleted, {})] == ["deleted"]
    assert [c.kind for c in changes_between(deleted, now(), {})] == ["undeleted"]


def test_a_merge_that_moved_a_secondary_to_an_existing_one_is_a_merge_not_a_removal() -> None:
    fates = {"003C": PersonFate("003C", "merged", "003B", at="t", by=PAT)}
    found = changes_between(WRITTEN, now(who_ids=("003A", "003B")), fates)
    assert [(c.kind, dict(c.detail)) for c in found] == [("merged", {"from": "003C", "to": "003B"})]


def test_a_converted_primary_lead_moves_the_record_to_its_contact() -> None:
    lead = replace(WRITTEN, who_id="00QL", who_ids=("00QL",))
    fates = {"00QL": PersonFate("00QL", "converted", "003N", "001N")}
    found = changes_between(lead, now(who_id="003N", who_ids=("003N",)), fates)
    assert [(c.kind, dict(c.detail)) for c in found] == [
        ("converted", {"from": "00QL", "to": "003N"})
    ]


def test_archiving_is_reported_once() -> None:
    archived = now(archived=True)
    assert [c.kind for c in changes_between(WRITTEN, archived, {})] == ["archived"]
    assert changes_between(archived, archived, {}) == []


def planned(*who: str) -> PlannedTask:
    return PlannedTask(
        sync_key="as1_k",
        sobject="Task",
        who_id=who[0],
        who_ids=who,
        what_id=None,
        what_rule="R9",
        account_id=None,
        shared=len(who) > 1,
        fields={"Subject": "hi"},
    )


def test_a_planned_record_names_who_the_org_holds_now_and_keeps_its_sync_key() -> None:
    """R27: never a reference to a converted, merged-away or deleted person."""
    fates = {
        "00QL": PersonFate("00QL", "converted", "003N", "001N"),
        "003B": PersonFate("003B", "merged", "003C"),
        "003D": PersonFate("003D", "deleted", None),
        "003C": PersonFate("003C", "merged", "003E"),  # the survivor merged again later
    }
    task = remapped_task(planned("00QL", "003B", "003D", "003E"), fates)
    assert task is not None
    assert (task.sync_key, task.who_id, task.who_ids, task.account_id) == (
        "as1_k",
        "003N",
        ("003N", "003E"),
        "001N",
    )
    assert remapped_task(planned("003D"), fates) is None
    untouched = planned("003Z")
    assert remapped_task(untouched, fates) is untouched
