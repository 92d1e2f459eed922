"""The engine: the application service and what follows the event log, over ports.

- `application`: the event-sourced application (record activities and settings, read back).
- `ports`: what the engine needs from outside, in our words (DirectoryLookup, TaskWriter,
  OrgProbe, WorkQueue, NoticeQueue, HistoryReader).
- `worker`: pending activities -> lookups, plans, batched writes, recorded outcomes.
- `sync_round`: one round as every entry point runs it (worker, waiting, rules).
- `tracker`: the settings in force, re-reading the org's setting when due (R17).
- `replan`: bring an activity's planned Tasks in line with a new plan (R18, R19).
- `notifier`, `rule_facts`: rules judged on written Tasks, notices delivered (R26).
- `audit_view`, `audit_runs`, `view_changes`: what each event changes in the task view.
- `explain/`: the story of an activity (R21); `stats`: the counts (R23).
"""
