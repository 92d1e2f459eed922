"""The read side: SQL read models fed from the log, and the documents built on them.

- `task_view`: the task view (tasks, relations, failures), caught up from the log.
- `tables`: the task view's tables.
- `queries`: lookups on the task view (find a Task, stats facts).
- `rejections`: rejected input lines, newest first.
- `address_index`: which activities name an email address (the console's search).
- `recipient_view`: every address's outcome (stats' recipients, the unmatched export).
- `daily_trends`: figures per UTC day (`stats --days`, the health chart).
- `record_names`: the Name of each record id the lookups read (people by their address).
- `documents`: explain, stats, settings and history as the CLI, console and demo show them;
  `settings_documents`: the settings ones, which need no SQL.
"""
