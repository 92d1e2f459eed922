"""Reading the recipients view: outcomes, the top unmatched domains and addresses, each sender.

A handful of GROUP BY queries on the view's own tables (indexed by outcome with domain,
address or sender); only the records written and failed per sender join the task view's
Tasks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select

from adapters.views.recipient_view import catch_up, recipients, senders
from adapters.views.tables import task_ids, tasks
from domain.model import UNMATCHED
from projections.application import ActivitySyncApp
from projections.audit_view import FAILED, WRITTEN
from projections.recipient_stats import (
    TOP,
    RecipientFacts,
    SenderCounts,
    Unmatched,
    latest,
    recipients_section,
)

_UNMATCHED = recipients.c.outcome == UNMATCHED


def recipient_facts(engine: Engine, top: int = TOP) -> RecipientFacts:
    """Every count the `stats` recipients section shows."""
    with engine.connect() as conn:
        by_outcome = {
            str(outcome): int(n)
            for outcome, n in conn.execute(
                select(recipients.c.outcome, func.count()).group_by(recipients.c.outcome)
            )
        }
        domains = conn.execute(
            select(recipients.c.domain, func.count())
            .where(_UNMATCHED)
            .group_by(recipients.c.domain)
            .order_by(func.count().desc(), recipients.c.domain)
            .limit(top)
        ).all()
        addresses = conn.execute(
            select(recipients.c.address, func.count())
            .where(_UNMATCHED)
            .group_by(recipients.c.address)
            .order_by(func.count().desc(), recipients.c.address)
            .limit(top)
        ).all()
        seen = _last_seen(conn, [a for a, _ in addresses])
        return RecipientFacts(
            by_outcome=by_outcome,
            unmatched_domains=[(str(d), int(n)) for d, n in domains],
            unmatched_addresses=[
                Unmatched(a, int(n), *seen.get(a, (None, None))) for a, n in addresses
            ],
            senders=_senders(conn),
        )


def unmatched_addresses(engine: Engine) -> Iterator[Unmatched]:
    """Every unmatched address, most seen first (one ordered read of the view)."""
    query = (
        select(recipients.c.address, recipients.c.occurred_at, recipients.c.activity_id)
        .where(_UNMATCHED)
        .order_by(recipients.c.address)
    )
    by_address: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    with engine.connect() as conn:
        for address, at, source_id in conn.execute(query):
            by_address[str(address)].append((at, source_id))
    found = [Unmatched(a, len(seen), *latest(seen)) for a, seen in by_address.items()]
    yield from sorted(found, key=lambda u: (-u.count, u.address))


def _last_seen(conn: Connection, addresses: Sequence[str]) -> dict[str, tuple[Any, Any]]:
    if not addresses:
        return {}
    query = select(recipients.c.address, recipients.c.occurred_at, recipients.c.activity_id).where(
        _UNMATCHED, recipients.c.address.in_(list(addresses))
    )
    seen: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    for address, at, source_id in conn.execute(query):
        seen[str(address)].append((at, source_id))
    return {address: latest(stamps) for address, stamps in seen.items()}


def _senders(conn: Connection) -> list[SenderCounts]:
    """Per sender: activities, records in the org, unmatched recipients, records failed."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    by_sender = select(senders.c.sender, func.count()).group_by(senders.c.sender)
    for name, n in conn.execute(by_sender):
        counts[str(name)]["activities"] = int(n)
    unmatched = select(recipients.c.sender, func.count()).where(_UNMATCHED)
    for name, n in conn.execute(unmatched.group_by(recipients.c.sender)):
        counts[str(name)]["unmatched"] = int(n)
    was_written = tasks.c.sync_key.in_(select(task_ids.c.sync_key))
    in_org = or_(tasks.c.status == WRITTEN, and_(tasks.c.status == FAILED, was_written))
    by_task = tasks.join(senders, senders.c.uuid == tasks.c.activity_uuid)
    sender = senders.c.sender
    written = select(sender, tasks.c.sobject, func.count()).select_from(by_task).where(in_org)
    for name, sobject, n in conn.execute(written.group_by(sender, tasks.c.sobject)):
        counts[str(name)]["events" if sobject == "Event" else "tasks"] = int(n)
    failed = select(sender, func.count()).select_from(by_task).where(tasks.c.status == FAILED)
    for name, n in conn.execute(failed.group_by(sender)):
        counts[str(name)]["failures"] = int(n)
    return [SenderCounts(name, **values) for name, values in counts.items()]


def recipients_document(app: ActivitySyncApp, engine: Engine) -> dict[str, Any]:
    """The view caught up, then the keys `stats` gains (`projections.recipient_stats`)."""
    catch_up(app, engine)
    return recipients_section(recipient_facts(engine))
