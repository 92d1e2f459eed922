"""What happens to a db when the local org starts: its integration user, and shared activities
being kept, enabled, or disabled the way Salesforce support disables it."""

from __future__ import annotations

import logging

from sqlalchemy import and_, func, select, update

from adapters.local_org.activities import KINDS
from adapters.local_org.store import Store
from adapters.local_org.values import now

log = logging.getLogger("local_org")


def settle_shared(store: Store, requested: bool | None) -> bool:
    """The setting in force: on for a new db, else the db's own unless `requested` changes it."""
    stored = store.get_meta("shared_activities")
    current = True if stored is None else stored == "on"
    wanted = current if requested is None else requested
    if stored is not None and current and not wanted:
        for kind in KINDS.values():
            dropped = _keep_only_primary(
                store, kind.name, kind.relation, kind.parent_field, kind.junction
            )
            log.info("shared activities disabled: %s %s relations dropped", dropped, kind.relation)
    store.set_meta("shared_activities", "on" if wanted else "off")
    return wanted


def _keep_only_primary(
    store: Store, sobject: str, relation: str, parent_field: str, junction: str
) -> int:
    """Support's disable: every activity keeps only its primary; other who-relations are dropped."""
    parents = store.tables[sobject]
    rows = store.tables[relation]
    primary = select(parents.c.WhoId).where(parents.c.Id == rows.c[parent_field]).scalar_subquery()
    stamp = now()
    condition = and_(
        rows.c.IsWhat == False,  # noqa: E712
        rows.c.IsDeleted == False,  # noqa: E712
        func.coalesce(primary, "") != rows.c.RelationId,
    )
    if relation == "EventRelation":
        condition = and_(condition, rows.c.IsParent == True)  # noqa: E712
    dropped = store.conn.execute(
        update(rows).where(condition).values(IsDeleted=True, SystemModstamp=stamp)
    ).rowcount
    store.conn.execute(
        update(parents)
        .where(parents.c.WhoCount > 1)
        .values(
            {junction: func.json_array(parents.c.WhoId), "WhoCount": 1, "SystemModstamp": stamp}
        )
    )
    return dropped


def ensure_user(store: Store) -> str:
    """The integration user every call runs as (created with a new db)."""
    users = store.tables["User"]
    found = store.conn.execute(select(users.c.Id).order_by(users.c.CreatedDate).limit(1)).first()
    if found is not None:
        return str(found[0])
    return insert_user(store, "Integration", "User", "integration@local-org.invalid", "integ")


def insert_user(store: Store, first: str | None, last: str, username: str, alias: str) -> str:
    """A new active User who made itself (the org's own users: no one else made them)."""
    stamp = now()
    user_id = store.new_id("005")
    store.insert(
        "User",
        {
            "Id": user_id,
            "IsDeleted": False,
            "CreatedDate": stamp,
            "CreatedById": user_id,
            "LastModifiedDate": stamp,
            "LastModifiedById": user_id,
            "SystemModstamp": stamp,
            "FirstName": first,
            "LastName": last,
            "Name": " ".join(p for p in (first, last) if p),
            "Username": username,
            "Email": username,
            "Alias": alias,
            "IsActive": True,
        },
    )
    return user_id
