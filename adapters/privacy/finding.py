"""Where a person appears before they are forgotten: activities, whose content only they held,
and rejected lines naming them (R29). Read while their key still opens what they are in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import Engine, or_, select

from adapters.store.personal_codec import REJECTED, address_of, line_ref
from adapters.store.vault import Vault
from adapters.views import address_index
from adapters.views import task_view as views
from adapters.views.tables import tasks
from domain.model import CONTACT, LEAD
from projections.application import ActivitySyncApp


@dataclass
class Appearances:
    """What forgetting one address touches."""

    activities: list[UUID] = field(default_factory=list)
    sole_content: list[str] = field(default_factory=list)  # activities (hex) to erase text of
    lines: list[str] = field(default_factory=list)  # rejected lines' key references


def find(app: ActivitySyncApp, engine: Engine, vault: Vault, address: str) -> Appearances:
    views.catch_up(app, engine)
    address_index.catch_up(app, engine)
    table = address_index.addresses
    with engine.connect() as conn:
        named = or_(table.c.address == address, table.c.address.like(f"%<{address}>%"))
        rows = conn.execute(select(table.c.activity_uuid).where(named))
        ids = sorted({UUID(row.activity_uuid) for row in rows})
    found = Appearances(activities=ids)
    for uuid in ids:
        activity = app.activity_by_uuid(uuid)
        if activity is not None and _only_them(activity, vault, address):
            found.sole_content.append(uuid.hex)
    found.lines = list(rejected_lines(app, address))
    return found


def records_of(engine: Engine, ids: list[UUID]) -> int:
    """How many Tasks and Events the engine planned for these activities."""
    table = tasks
    with engine.connect() as conn:
        count = 0
        for start in range(0, len(ids), 500):
            part = [str(i) for i in ids[start : start + 500]]
            count += len(
                conn.execute(select(table.c.sync_key).where(table.c.activity_uuid.in_(part))).all()
            )
    return count


def _only_them(activity: object, vault: Vault, address: str) -> bool:
    """Whether every matched recipient (or, none matched, every address) is forgotten once
    `address` is: then no remembered person is left to keep the subject and body readable."""
    recipients = getattr(activity, "recipients", [])
    matched = [r["address"] for r in recipients if r.get("outcome") in (CONTACT, LEAD)]
    if not matched:
        model = activity.model  # type: ignore[attr-defined]
        matched = [a for a in (*model.to, *model.cc, *model.bcc, model.actor) if a]
    others = {address_of(a) for a in matched} - {address}
    return all(vault.is_forgotten(other) for other in others)


def rejected_lines(app: ActivitySyncApp, address: str) -> Iterable[str]:
    """The key references of kept rejected lines whose text or reason names the address."""
    start = 1
    while section := app.notification_log.select(start, app.log_section_size, topics=[REJECTED]):
        for notification in section:
            event = app.mapper.to_domain_event(notification)
            text = f"{getattr(event, 'raw', '')}\n{getattr(event, 'reason', '')}".lower()
            if address in text:
                yield line_ref(vars(event))
        start = section[-1].id + 1
