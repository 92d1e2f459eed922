"""What the rule notices' and the alerts' queues share: settling a claimed row, counting what waits."""

from __future__ import annotations

from sqlalchemy import Engine, Table, func, select


def settle_row(
    engine: Engine, table: Table, key: str, value: str, state: str, attempts: int, not_before: float
) -> None:
    """The row's new state and attempts, its lease released (the next claim may take it)."""
    with engine.begin() as connection:
        connection.execute(
            table.update()
            .where(table.c[key] == value)
            .values(
                state=state,
                attempts=attempts,
                not_before=not_before,
                lease_owner=None,
                lease_token=None,
                lease_until=None,
            )
        )


def count_in_state(engine: Engine, table: Table, state: str) -> int:
    with engine.connect() as connection:
        found = connection.execute(select(func.count()).where(table.c.state == state)).scalar()
    return int(found or 0)
