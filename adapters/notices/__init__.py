"""Rule notices (R26) and the admin's alerts: their queues, their HTTP delivery, their wiring.

- `queue`: the SQL queue of pending rule notices and its position in the log.
- `sender`: posts a signed notice over HTTP.
- `run`: builds the notifier on a store and runs it after a sync.
- `alert_queue`, `alert_sender`, `alert_history`, `alerts_run`: the same for the alerts
  (refusal spikes, budget pauses, an expired session, the org's shared activities).
- `outbox_rows`: what both queues share (settling a claimed row, counting what waits).
"""
