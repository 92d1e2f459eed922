"""The CLI's commands, one line each: where it lives and its one-line help (`--help` lists
them without importing any). Each command lives in its own module under adapters/cli/;
tests/unit/test_cli_commands.py checks that every line resolves and its help matches."""

from __future__ import annotations

from adapters.cli.lazy_group import Lazy

# fmt: off
COMMANDS: dict[str, Lazy] = {
    "alerts": Lazy("adapters.cli.alerts:alerts", "Alerts to the admin: refusal spikes, budget pauses, expired sessions, shared activities changes."),
    "demo": Lazy("adapters.cli.demo:demo", "Start a local org, seed it, ingest a sample day of email, sync it, explain a shared Task."),
    "doctor": Lazy("adapters.cli.doctor:doctor", "Check the store, the org connection, API access, the external id field, shared activities, the API budget and the console's secrets; exit 1 when any check fails."),
    "drift": Lazy("adapters.cli.drift:drift", "Read the org's changes since the last look and record each one on its activity."),
    "explain": Lazy("adapters.cli.audit:explain_command", "Why a Task looks like it does: ID is a Salesforce Task/Event id, a sync key or an activity id."),
    "export": Lazy("adapters.cli.export:export", "One CSV of failures (records Salesforce refused), rejected input lines, or unmatched addresses (candidates for new Contacts or Leads). Cells a spreadsheet would run as a formula (= + - @) start with an apostrophe."),
    "forget": Lazy("adapters.cli.forget:forget_command", "Forget a person: their address, names and the text only they held become unreadable in the store, and later input naming them is judged `forgotten` (see docs/privacy.md)."),
    "ingest": Lazy("adapters.cli.ingest:ingest", "Record activities from a JSON Lines FILE (or - for stdin); bad lines are kept."),
    "keys": Lazy("adapters.cli.keys:keys", "Keys for encrypting the event store at rest (ACTIVITY_SYNC_ENCRYPTION_KEY)."),
    "org": Lazy("adapters.cli.org:org", "The local org: an HTTPS emulator of the Salesforce REST API, backed by SQLite."),
    "pause": Lazy("adapters.cli.pause:pause", "Pause the sync: the console's background sync and `sync --follow` idle until `resume`."),
    "rejected": Lazy("adapters.cli.ingest:rejected", "List kept bad input lines (newest ingest first) with line, field, reason and raw text."),
    "replay": Lazy("adapters.cli.replay:replay", "Recompute every Task from the stored history under new settings, diff, and apply."),
    "resume": Lazy("adapters.cli.pause:resume", "Resume a paused sync: pending work is written by the next round."),
    "retry": Lazy("adapters.cli.retry:retry", "Re-queue failed records (a RetryRequested event each); `activity-sync sync` writes them."),
    "rules": Lazy("adapters.cli.rules:rules", "Post a signed JSON notice when a written Task matches a condition."),
    "serve": Lazy("adapters.cli.serve:serve", "Serve the admin console on HOST:PORT (127.0.0.1 by default) until interrupted."),
    "settings": Lazy("adapters.cli.settings:settings", "Show, change and trace the engine's settings (every change is a new version, R16)."),
    "stats": Lazy("adapters.cli.audit:stats_command", "Activities, Tasks written, Tasks avoided by sharing, failures, rejected input, API use."),
    "sync": Lazy("adapters.cli.sync:sync", "Process everything pending: look people up, plan Tasks, write them, record the outcome."),
    "timeline": Lazy("adapters.cli.timeline:timeline", "List the Tasks and Events whose Name (WhoId) is the person with EMAIL, newest first."),
    "unforget": Lazy("adapters.cli.forget:unforget_command", "Let a forgotten address be ingested again (what was erased stays erased)."),
    "views": Lazy("adapters.cli.audit:views_group", "The audit read model (the task view) kept in the store's database."),
}
# fmt: on
