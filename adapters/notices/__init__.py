"""Rule notices (R26): the queue of notices, their HTTP delivery, and the wiring of the notifier.

- `queue`: the SQL queue of pending notices and its position in the log.
- `sender`: posts a signed notice over HTTP.
- `run`: builds the notifier on a store and runs it after a sync.
"""
