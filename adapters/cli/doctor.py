"""`activity-sync doctor`: says exactly what is missing before a first sync."""

from __future__ import annotations

import os

import click
import orjson
from rich.console import Console
from rich.markup import escape

from adapters.doctor import FAIL, PASS, WARN, run_checks

MARKS = {PASS: "[green]PASS[/]", WARN: "[yellow]WARN[/]", FAIL: "[red]FAIL[/]"}


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as one JSON document.")
@click.option(
    "--serving", is_flag=True, help="Also require the webhook secret and admin token (for serve)."
)
@click.pass_obj
def doctor(config, as_json: bool, serving: bool) -> None:
    """Check the store, the org connection, API access, the external id field, shared
    activities, the API budget and the console's secrets; exit 1 when any check fails."""
    checks = run_checks(config.store, config.salesforce, dict(os.environ), serving)
    failed = any(c.status == FAIL for c in checks)
    if as_json:
        document = {"ok": not failed, "checks": [c.to_dict() for c in checks]}
        click.echo(orjson.dumps(document).decode())
    else:
        console = Console(highlight=False)
        for check in checks:
            mark = MARKS.get(check.status, "[dim]SKIP[/]")
            console.print(f"{mark} {check.name}: {escape(check.detail)}")
            if check.fix and check.status != PASS:
                console.print(f"     fix: {escape(check.fix)}")
    if failed:
        raise SystemExit(1)
