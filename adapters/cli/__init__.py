"""The `activity-sync` command, an entry point: parse, build the runtime, call one thing, show it.

- `main`: the root command and the mapping of errors to exit codes.
- `config`: what the root command was told, and the runtime each command builds from it.
- `commands`: the table of commands, one line each; `lazy_group` imports a command on first use.
- `ingest`, `sync`, `settings`, `timeline`, `audit` (explain, stats, views), `replay`,
  `rules`, `doctor`, `serve`, `demo`, `org`: one module per command group.
- `audit_render`, `replay_render`, `sync_report`: their human output.
- `layout`, `zone`: tables that keep ids whole at any width; the time zone of shown times.
- `exits`, `interrupt`: exit codes and JSON errors; Ctrl-C during `sync`.
"""
