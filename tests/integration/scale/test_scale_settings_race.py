"""Several workers reading the org's setting at the same moment record it once (R17, issue 8).

Every worker observes shared activities on its first chunk. Two that loaded the settings
before either saved must not fail: the second finds the first one's event and stops.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.store.persistence import open_app
from domain.settings import OrgSettings
from projections.application import ActivitySyncApp


def loaded_before_the_other_saved(app: ActivitySyncApp, monkeypatch: pytest.MonkeyPatch) -> None:
    """`app` sees the settings as they were now, once: the other worker saves in between."""
    stale = app.settings_aggregate()
    fresh = app.settings_aggregate
    calls: list[OrgSettings] = []

    def first_stale() -> OrgSettings:
        calls.append(stale)
        return stale if len(calls) == 1 else fresh()

    monkeypatch.setattr(app, "settings_aggregate", first_stale)


@pytest.mark.parametrize("saved_before", [True, False], ids=["settings-exist", "first-run"])
def test_two_workers_observing_the_org_at_once_record_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, saved_before: bool
) -> None:
    """R17: the late worker's save conflicts; it looks again, sees the state known, and goes on."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    first, second = open_app(url), open_app(url)
    if saved_before:
        first.change_setting("batch_size", "50", "test")
    loaded_before_the_other_saved(second, monkeypatch)
    try:
        assert first.observe_shared_activities(True, "metadata_api") is True
        assert second.observe_shared_activities(True, "metadata_api") is False
        observed = [e for e in first.settings_history() if "SharedActivities" in type(e).__name__]
        assert len(observed) == 1 and first.settings().org_shared_activities is True
    finally:
        first.close()
        second.close()
