"""Reads of the org's shared-activities setting kept on the OrgWatch aggregate (R17), and
snapshots written before they existed still load (class_version 2)."""

from __future__ import annotations

from datetime import UTC, datetime

from eventsourcing.domain import Snapshot

from domain.org_watch import ORG_WATCH_ID, OrgWatch


def test_the_last_read_is_what_the_watch_remembers() -> None:
    watch = OrgWatch.create()
    watch.record_shared_read(True, "metadata_api", "2026-12-01T09:00:00+00:00")
    watch.record_shared_read(False, "describe", "2026-12-01T09:05:00+00:00")
    assert watch.shared_read == {
        "enabled": False,
        "source": "describe",
        "at": "2026-12-01T09:05:00+00:00",
    }


def test_a_snapshot_from_before_the_reads_loads_with_no_read() -> None:
    """A version 1 snapshot (no `shared_read`, no class_version) is upcast on load."""
    state = {"repaired_version": 2, "until": "2026-11-30T00:00:00+00:00", "checked_at": None}
    state |= {"gone": {}, "_created_on": datetime.now(UTC), "_modified_on": datetime.now(UTC)}
    snapshot = Snapshot(
        originator_id=ORG_WATCH_ID,
        originator_version=7,
        timestamp=datetime.now(UTC),
        topic=OrgWatch.TOPIC,
        state=state,
    )
    watch = snapshot.mutate(None)
    assert isinstance(watch, OrgWatch)
    assert watch.shared_read is None and watch.repaired_version == 2 and watch.version == 7
