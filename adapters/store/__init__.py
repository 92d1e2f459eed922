"""The store: the event log and what follows it in SQL (SQLite or PostgreSQL).

- `persistence`: store URLs and opening the eventsourcing application on them.
- `transcoder`: the orjson transcoder of event state.
- `sql`: SQLAlchemy engines, race-tolerant table creation, ON CONFLICT inserts.
- `positions`: a follower's position in the notification log.
- `followers`: the one loop that feeds a chunk of the log to a read model or queue.
- `leases`: claiming rows for a while (the work queue, the notice queue).
- `work_queue`: which activities wait for the sync worker, and who holds them.
- `history`: replay's bulk read of the log, behind `replay`'s port.
"""
