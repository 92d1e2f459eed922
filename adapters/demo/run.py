"""`activity-sync demo`: the whole job on embedded defaults, told in a few screens."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from adapters.bootstrap import Runtime, build
from adapters.demo.sample import EXCLUDED_DOMAIN, OUR_DOMAIN, Sample, build_sample
from adapters.input.ingest import IngestReport, ingest_stream
from adapters.local_org.launcher import LocalOrg, start_local_org
from adapters.local_org.seed import SeedRefused, load_seed, seed
from adapters.store.encryption import key_env
from domain.errors import ActivitySyncError
from projections.worker import SyncSummary

# The written-records table shows "Related to" from this many columns on.
RELATED_FROM = 100


@dataclass
class DemoResult:
    folder: Path
    store_url: str
    ingest: IngestReport
    summary: SyncSummary
    tasks: list[dict[str, Any]]
    events: list[dict[str, Any]]
    explained: dict[str, Any] | None


def run_demo(folder: Path | None = None, console: Console | None = None) -> DemoResult:
    """Start a local org, seed it, ingest a day of email, sync it, and explain a shared Task."""
    console = console or Console()
    folder = Path(folder or tempfile.mkdtemp(prefix="activity-sync-demo-"))
    folder.mkdir(parents=True, exist_ok=True)
    sample = build_sample()
    console.rule("[bold]activity-sync demo")
    console.print(f"Working folder: {folder}")
    org = start_local_org(folder / "org.db", shared_activities=True)
    try:
        return _run(folder, sample, org, console)
    finally:
        org.stop()


def _run(folder: Path, sample: Sample, org: LocalOrg, console: Console) -> DemoResult:
    try:
        seed(org.salesforce(), load_seed(sample.seed()))
    except SeedRefused as error:
        raise ActivitySyncError(str(error)) from error
    console.print(
        f"Local org at {org.instance_url} (shared activities on), seeded with "
        f"{len(sample.accounts)} accounts, {len(sample.opportunities)} opportunities, "
        f"{len(sample.contacts)} contacts, {len(sample.leads)} leads, {len(sample.users)} users."
    )
    store_url = f"sqlite:///{folder / 'store.db'}"
    env = org.environment() | key_env()  # with a key set, the demo's store is encrypted too
    with build(store_url, org.instance_url, env=env) as runtime:
        runtime.app.change_setting("internal_domains", OUR_DOMAIN, "demo")
        runtime.app.change_setting("excluded", EXCLUDED_DOMAIN, "demo")
        report = _ingest(runtime, folder, sample)
        console.print(
            f"Ingested {report.accepted} activities; {len(report.rejected)} bad line kept "
            "for review (activity-sync rejected)."
        )
        summary = runtime.sync_round(runtime.worker()).summary
        tasks, events = _read_back(org)
        explained = _explain_first_shared(runtime, tasks)
    _print(console, summary, tasks, events, explained, store_url)
    return DemoResult(folder, store_url, report, summary, tasks, events, explained)


def _ingest(runtime: Runtime, folder: Path, sample: Sample) -> IngestReport:
    lines = [json.dumps(a) for a in sample.activities] + sample.bad_lines
    path = folder / "activities.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with path.open("rb") as stream:
        return ingest_stream(runtime.app, stream, f"file:{path.name}")


def _read_back(org: LocalOrg) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sf = org.salesforce()
    tasks = sf.query_all(
        "SELECT Id, Subject, Who.Name, What.Name, WhoCount, Activity_Sync_Key__c "
        "FROM Task ORDER BY CreatedDate, Id"
    )["records"]
    events = sf.query_all(
        "SELECT Id, Subject, Who.Name, What.Name FROM Event ORDER BY CreatedDate, Id"
    )["records"]
    return tasks, events


def _explain_first_shared(runtime: Runtime, tasks: list[dict[str, Any]]) -> dict[str, Any] | None:
    from adapters.views.documents import explain_document

    shared = next((t for t in tasks if (t.get("WhoCount") or 0) > 1), None)
    if shared is None:
        return None
    return explain_document(runtime.app, runtime.views, shared["Id"])


def _print(
    console: Console,
    summary: SyncSummary,
    tasks: list[dict[str, Any]],
    events: list[dict[str, Any]],
    explained: dict[str, Any] | None,
    store_url: str,
) -> None:
    console.print(_written_table(tasks + events, console.width))
    people = sum(int(t.get("WhoCount") or 1) for t in tasks)
    console.print(
        f"Sharing wrote {len(tasks)} Tasks where one Task per contact would have written "
        f"{people}: {people - len(tasks)} duplicates avoided. "
        f"API calls used by the sync: {summary.api_calls}."
    )
    if explained:
        _print_explained(console, explained)
    console.print(
        f"\nEverything is in {store_url.removeprefix('sqlite:///')}. Try:\n"
        f"  activity-sync --store {store_url} explain <Task/Event Id>\n"
        f"  activity-sync --store {store_url} stats\n"
        f"  activity-sync --store {store_url} rejected"
    )


def _written_table(records: list[dict[str, Any]], width: int) -> Table:
    """Every record the sync wrote with its whole Id; a narrow screen drops "Related to"."""
    tasks = sum(1 for r in records if str(r["Id"]).startswith("00T"))
    table = Table(title=f"What was written: {tasks} Tasks, {len(records) - tasks} Events")
    table.add_column("Task/Event Id", no_wrap=True, min_width=18)  # an id is never cut
    table.add_column("Subject", overflow="fold", ratio=3)
    table.add_column("Name (primary)", overflow="fold", ratio=2)
    table.add_column("Contacts", justify="right", no_wrap=True, min_width=len("Contacts"))
    related = width >= RELATED_FROM
    if related:
        table.add_column("Related to", overflow="fold", ratio=2)
    for record in records:
        who = (record.get("Who") or {}).get("Name") or ""
        what = (record.get("What") or {}).get("Name") or ""
        cells = [record["Id"], record["Subject"], who, str(record.get("WhoCount") or 1)]
        table.add_row(*cells, *([what] if related else []))
    return table


def _print_explained(console: Console, doc: dict[str, Any]) -> None:
    task = doc["tasks"][0]
    console.rule(f"Why does Task {task.get('salesforce_id')} look like this?")
    recipients = doc.get("recipients") or []
    outcomes: dict[str, int] = {}
    for person in recipients:
        outcomes[person["outcome"]] = outcomes.get(person["outcome"], 0) + 1
    activity = doc["activity"]
    console.print(
        f'Activity {activity["id"]} ({activity["type"]}, "{activity.get("subject")}") had '
        f"{len(recipients)} recipients: "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(outcomes.items()))
        + "."
    )
    primary = task.get("primary") or {}
    console.print(
        f"Batch {task['batch']['index'] + 1} of {task['batch']['count']}: "
        f"{task['member_count']} contacts, primary {primary.get('address')} ({primary.get('id')})."
    )
    console.print(f"Batch: {task['batch']['explanation']}")
    console.print(
        f"Related to {task['what']['id']} ({task['what']['rule']}): {task['what']['explanation']}"
    )
    for warning in task.get("warnings") or []:
        console.print(f"Warning: {warning}")
    console.print(f"Settings version {task['formed']['settings_version']} was in force.")
    writes = task.get("writes") or []
    related = sum(1 for w in writes if w.get("kind") == "related")
    for write in writes:
        if write.get("kind") != "related":
            outcome = write.get("code") or "ok"
            console.print(
                f"Write at {_local(write['at'])}: {write['kind']} {write.get('salesforce_id')} "
                f"({outcome})"
            )
    console.print(f"{related} secondary contacts were related in the same call (TaskWhoIds).")


def _local(at: str) -> str:
    """A stored UTC time as this machine's clock shows it, to the second."""
    return datetime.fromisoformat(at).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
