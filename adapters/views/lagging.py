"""Finding what explain's id names without waiting for the task view to follow the whole log.

The view is only explain's index from ids to activities; the story itself is the
activity's own events. After a bulk load the view can be hundreds of thousands of events
behind, so an id is looked up in the view as it stands, then as an activity id straight in
the log, then in the part of the log the view has not read yet, reading only the events
that carry sync keys and Salesforce ids. A view only a little behind is caught up first.
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any
from uuid import UUID

from sqlalchemy import Engine

from adapters.store.followers import position
from adapters.views import task_view
from adapters.views.queries import Located, find
from domain.activity import EmailActivity, activity_uuid
from domain.salesforce_ids import case_safe_id
from projections.application import ActivitySyncApp

_TAIL_TOPICS = (EmailActivity.BatchFormed.TOPIC, EmailActivity.TaskCreated.TOPIC)


# A view at most this many notifications behind is simply brought up to date first (a
# moment's work, and it keeps the view moving for a store that is explained often).
CATCH_UP_BELOW = 5_000


def locate(app: ActivitySyncApp, engine: Engine, ident: str) -> Located | None:
    """What `ident` names, as `find` answers once the view has caught up (None: nothing)."""
    ident = ident.strip()
    if not ident:
        return None
    behind = position(engine, task_view.FOLLOWER)  # also makes the view's tables
    if (app.recorder.max_notification_id() or 0) - behind < CATCH_UP_BELOW:
        task_view.catch_up(app, engine)
        return find(engine, ident)
    located = find(engine, ident)
    if located is not None:
        return located
    return _activity(app, ident) or _in_tail(app, ident, behind)


def _activity(app: ActivitySyncApp, ident: str) -> Located | None:
    """An activity id (or the activity's uuid), read from the log by its aggregate id."""
    candidates = [activity_uuid(ident)]
    with suppress(ValueError):
        candidates.append(UUID(ident))
    for aggregate_id in candidates:
        first = app.recorder.select_events(aggregate_id, limit=1)
        if first and first[0].topic == EmailActivity.Recorded.TOPIC:
            return Located("activity_id", aggregate_id)
    return None


def _in_tail(app: ActivitySyncApp, ident: str, after: int) -> Located | None:
    """A sync key or a Salesforce id in the log past the view's position (the latest wins,
    as the view answers with the most recently updated record)."""
    salesforce = _salesforce_id(ident)
    found: Located | None = None
    start, stop = after + 1, app.recorder.max_notification_id() or 0
    while start <= stop:
        section = app.notification_log.select(
            start=start, limit=app.log_section_size, stop=stop, topics=_TAIL_TOPICS
        )
        if not section:
            break
        for notification in section:
            found = _matched(app.mapper.to_domain_event(notification), ident, salesforce) or found
        start = section[-1].id + 1
    return found


def _matched(event: Any, ident: str, salesforce: str | None) -> Located | None:
    if isinstance(event, EmailActivity.BatchFormed):
        if event.task.get("sync_key") == ident:
            return Located("sync_key", event.originator_id, ident)
        return None
    if event.sync_key == ident:
        return Located("sync_key", event.originator_id, ident)
    if salesforce is not None and _same_id(event.salesforce_id, salesforce):
        return Located("salesforce_id", event.originator_id, event.sync_key)
    return None


def _salesforce_id(ident: str) -> str | None:
    """The id `ident` names, when it can be a Salesforce id (18 characters in their case)."""
    if len(ident) not in (15, 18) or not ident.isalnum():
        return None
    return (case_safe_id(ident) or ident) if len(ident) == 18 else ident


def _same_id(stored: str, wanted: str) -> bool:
    """As the view compares: an 18-character id whole, a 15-character one as a prefix."""
    return stored == wanted if len(wanted) == 18 else stored[:15] == wanted
