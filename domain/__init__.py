"""The domain, pure: what the engine decides, with no I/O, no clock and no randomness.

Aggregates and their events (the audit trail):
- `activity`: EmailActivity, one input activity and every decision and write about it.
- `settings`: the engine's settings and OrgSettings, their history (each event a version).
- `sync_run`: SyncRun, one run of the sync worker.
- `rejection`: rejected input and the IngestRun that keeps it.
- `rules`, `rule_conditions`, `notices`: the admin's rules, their conditions, their notices.

The planner (R1-R15):
- `planner`: which Tasks and Events one activity should produce, and why.
- `people`: who is who (R1-R5); `addresses`: normalised, valid, excluded.
- `batching`: shared batches (R7, R8); `related`: WhatId (R10); `fields`: Task fields (R15).
- `sync_keys`: the deterministic external id of every planned record.

Values: `model` (activities, directory facts, planned Tasks, outcomes), `payloads` (the
shapes stored inside events), `errors` (the exception root and its exit codes).
"""
