"""Human output of the audit commands: the explain story as a short timeline, stats as tables."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from adapters.cli.recipients_render import print_recipients
from adapters.cli.record_names import linked, named, person
from adapters.cli.zone import local_time
from projections.explain.sentences import people
from projections.explain.writes import grouped_relations

SHOWN_CONTACTS = 10


def _console() -> Console:
    """Lines wrap at spaces to the terminal's width, so no id is split by the terminal."""
    return Console(highlight=False, soft_wrap=False)


def print_explain(doc: dict[str, Any]) -> None:
    out = _console()
    a = doc["activity"]
    out.print(
        f"[bold]Activity {escape(str(a['id']))}[/] · {a['type']} · "
        f"{local_time(a['occurred_at'], True)} · "
        f"from {person(a.get('sender_name'), a['sender'])} · [bold]{a['status']}[/]"
    )
    out.print(
        f"  Subject: {escape(str(a.get('subject') or '(none)'))} · source {escape(a['source'])}"
    )
    out.print(f"  Found by {doc['query']['matched']} '{escape(doc['query']['id'])}'")
    _recipients(out, doc)
    for task in doc["tasks"]:
        _task(out, task)
    if doc["siblings"]:
        _siblings(out, doc["siblings"])


def _recipients(out: Console, doc: dict[str, Any]) -> None:
    recipients = doc["recipients"]
    resolution = doc["resolution"]
    if resolution is None:
        out.print("\n[bold]Recipients[/]: not resolved yet (the sync has not reached it).")
        return
    counts = Counter(r["outcome"] for r in recipients)
    summary = ", ".join(f"{n} {o}" for o, n in counts.items())
    out.print(
        f"\n[bold]Recipients[/] ({len(recipients)}: {summary}; settings v{resolution['settings_version']})"
    )
    contacts = 0
    for r in recipients:
        contacts += r["outcome"] == "contact"
        if r["outcome"] == "contact" and contacts > SHOWN_CONTACTS:
            continue
        role = r["role"]
        who = person(r.get("name"), r["address"])
        out.print(f"  #{r['position'] + 1} {who} ({role}) {escape(r['explanation'])}")
    if contacts > SHOWN_CONTACTS:
        out.print(f"  … and {contacts - SHOWN_CONTACTS} more matched Contacts (see --json)")
    for warning in resolution["warnings"]:
        out.print(f"  [yellow]warning[/] {escape(warning['explanation'])}")


def _task(out: Console, t: dict[str, Any]) -> None:
    sf = linked(t["salesforce_id"], t.get("url")) if t["salesforce_id"] else "not written"
    out.print(f"\n[bold]{t['sobject']} {sf}[/] · {t['status']} · sync key {t['sync_key']}")
    if t["subject"]:
        out.print(f"  Subject: {escape(t['subject'])}")
    batch, primary = t["batch"], t["primary"] or {}
    out.print(
        f"  Batch {batch['index'] + 1} of {batch['count']} · {people(t['member_count'])} · "
        f"primary {person(primary.get('name'), primary.get('address'))} ({primary.get('id')})"
    )
    out.print(f"  {escape(batch['explanation'])}")
    what = t["what"]
    out.print(
        f"  WhatId {named(what.get('name'), what['id'])} by {what['rule']}: "
        f"{escape(what['explanation'])}"
    )
    for o in t["opportunities_considered"]:
        state = (
            "chosen"
            if o["chosen"]
            else ("kept" if o["kept"] else f"dropped ({o['dropped_because']})")
        )
        out.print(f"    opportunity {o['id']} {escape(str(o['name'] or ''))} · {state}")
    for warning in t["warnings"]:
        out.print(f"  [yellow]warning[/] {escape(warning['explanation'])}")
    s = t["settings"]
    out.print(
        f"  Settings v{s['version']}: {escape(s['shared_reason'])} Mode {s['opportunity_mode']}, "
        f"closed {'included' if s['include_closed_opportunities'] else 'excluded'}, "
        f"owned only {'on' if s['owned_opportunities_only'] else 'off'}, batch size {s['batch_size']}, "
        f"split by account {'on' if s['split_by_account'] else 'off'}."
    )
    _timeline(out, t)


def _timeline(out: Console, t: dict[str, Any]) -> None:
    """Planned, written, related, refused, replayed, changed in the org: in time order."""
    lines: list[tuple[str, str]] = []
    formed = t["formed"]
    if not formed["replay_id"]:
        lines.append((formed["at"], f"planned (settings v{formed['settings_version']})"))
    for w in grouped_relations(t["writes"]):
        if w["kind"] == "related":
            text = f"related {people(w['count'])} more to {w['salesforce_id']}"
        else:
            text = w["kind"]
            if w["attempt"]:
                text += f" (attempt {w['attempt']})"
            if w["code"]:
                text += f" {escape(w['code'])}: {escape(str(w['message']))}"
            if w["salesforce_id"] and w["kind"] != "refused":
                text += f" {w['salesforce_id']}"
            text += f" · {escape(w['detail'])}" if w["detail"] else ""
        lines.append((w["at"], text))
    for r in t["replays"]:
        why = f" ({escape(r['reason'])})" if r["reason"] else ""
        kind = "planned" if r["kind"] == "formed" else r["kind"]
        lines.append((r["at"], f"replay {r['replay_id'] or '(re-planning)'}: {kind}{why}"))
    for change in t.get("org_changes") or ():
        lines.append(
            (change["at"] or "", f"[magenta]in the org[/] {escape(change['explanation'])}")
        )
    for at, text in sorted(lines, key=lambda line: line[0]):
        out.print(f"  {local_time(at) if at else '-'}  {text}")


def _siblings(out: Console, siblings: list[dict[str, Any]]) -> None:
    out.print(f"\n[bold]Other records of this activity[/] ({len(siblings)})")
    for s in siblings:
        out.print(
            f"  {s['sobject']} {s['salesforce_id'] or 'not written'} · {s['status']} · "
            f"WhoId {named(s.get('who_name'), s['who_id'])} · "
            f"WhatId {named(s.get('what_name'), s['what_id'])} by {s['what_rule']} · "
            f"batch {s['batch_index'] + 1}/{s['batch_count']} ({people(s['member_count'])}) · "
            f"{s['sync_key']}"
        )


def print_stats(doc: dict[str, Any]) -> None:
    out = _console()
    acts = doc["activities"]
    table = Table(title=f"Activities ({acts['total']})", title_justify="left")
    table.add_column("type")
    table.add_column("count", justify="right")
    for kind, count in acts["by_type"].items():
        table.add_row(kind, str(count))
    out.print(table)
    out.print(
        "Outcomes: "
        + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in acts["by_outcome"].items())
    )
    w, avoided = doc["written"], doc["avoided_by_sharing"]
    out.print(f"Written: {w['tasks']} Tasks ({w['shared_tasks']} shared), {w['events']} Events")
    out.print(
        f"Avoided by sharing: {avoided['tasks']} Tasks "
        f"(one Task per Contact would have written {avoided['one_task_per_contact_would_be']})"
    )
    f = doc["failures"]
    codes = ", ".join(f"{c} {v['events']}" for c, v in f["by_code"].items()) or "none"
    out.print(f"Failed records: {f['records_failed']} · refusals by code: {escape(codes)}")
    out.print(f"Rejected input lines: {doc['rejected_lines']}")
    print_recipients(out, doc)
    api = doc["api"]
    per = api["calls_per_email"] if api["calls_per_email"] is not None else "n/a"
    out.print(
        f"API calls: {api['calls']} for {api['synced_emails']} synced emails ({per} per email)"
    )
    latest = api["latest"]
    if latest:
        out.print(
            f"Org usage: {latest['used']} of {latest['limit']} daily calls at "
            f"{local_time(latest['at'], True)}; "
            f"budget {api['budget_percent']}% = {latest['budget_calls']} calls"
            + (" [red](over budget)[/]" if latest["over_budget"] else "")
        )
    else:
        out.print(f"Org usage: not seen yet; budget {api['budget_percent']}% of the daily limit")


def print_rebuild(doc: dict[str, Any]) -> None:
    _console().print(
        f"Task view rebuilt: {doc['processed']} notifications in {doc['seconds']} s "
        f"({doc['per_second']}/s), position {doc['position']}."
    )
