"""Re-planning from history gives exactly the plan the planner gives from scratch (R19).

Replay reuses the recorded outcome of every address when the target settings judge
addresses as the recorded resolution did (R1-R5 read only the people settings), and
judges them anew otherwise. Either way the plan must be the one `plan_activity` gives.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st
from planner_strategies import Scenario, scenarios, settings_values

from domain.activity import EmailActivity
from domain.people import PEOPLE_SETTINGS, judged_alike
from domain.planner import plan_activity
from domain.settings import Settings
from projections.replan import plan_from_history


def recorded(s: Scenario) -> EmailActivity:
    """The activity as the worker leaves it: recorded, resolved under the scenario's settings."""
    activity = EmailActivity.record(s.activity, "test")
    plan = plan_activity(s.activity, s.directory, s.settings)
    activity.resolve(
        [r.to_dict() for r in plan.recipients],
        s.directory.to_dict(),
        s.settings.to_dict(),
        list(plan.warnings),
    )
    return activity


def people_settings_of(source: Settings, target: Settings) -> Settings:
    return replace(target, **{name: getattr(source, name) for name in PEOPLE_SETTINGS})


@given(scenarios(max_slots=80), settings_values())
def test_replanning_with_the_same_people_settings_reuses_outcomes_and_matches_a_fresh_plan(
    s: Scenario, other: Settings
) -> None:
    """R19: shared, opportunity and batch settings changed; who is who did not."""
    target = replace(people_settings_of(s.settings, other), version=s.settings.version + 1)
    activity = recorded(s)
    assert judged_alike(target, activity.resolved_with)
    assert plan_from_history(activity, target) == plan_activity(s.activity, s.directory, target)


@given(scenarios(max_slots=80), settings_values(), st.sampled_from(PEOPLE_SETTINGS))
def test_replanning_after_a_people_setting_changed_matches_a_fresh_plan(
    s: Scenario, other: Settings, changed: str
) -> None:
    """R19 with R2/R4: a changed exclusion list or Bcc rule re-judges every address."""
    target = people_settings_of(s.settings, other)
    target = replace(target, **{changed: getattr(other, changed)})
    activity = recorded(s)
    if getattr(other, changed) != getattr(s.settings, changed):
        assert not judged_alike(target, activity.resolved_with)
    assert plan_from_history(activity, target) == plan_activity(s.activity, s.directory, target)
