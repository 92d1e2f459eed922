"""Replay (R19): recompute what every Task should be from history, diff, plan, apply.

- `make_plan`: `replay plan` as a function: basis, survey, plan document.
- `survey`, `parallel`: stream the history and re-plan each activity (in several processes).
- `stream`: activity ids in chunks, aggregates loaded per chunk (HistoryReader).
- `diff`: desired Tasks vs what was recorded vs what the org holds (pure).
- `drift`: how the org's copy of a written Task differs from what was written.
- `org_access`, `org_state`: reading the org by sync key, fingerprinted.
- `plan_entries`, `plan_file`: the plan's items and its streamed JSON document.
- `basis`: has the store or the org changed since the plan was made?
- `apply`: append the events that carry a plan out, chunk by chunk, resumably.
"""
