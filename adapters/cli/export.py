"""`activity-sync export failures|rejected|unmatched [--csv PATH]`: the views as CSV files.

An admin's habit from Data Loader: one file per kind, opened in a spreadsheet, filtered,
fixed in the org. Only reads: a store that does not exist is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from adapters.cli.config import Config
from adapters.views.csv_export import write_csv
from adapters.views.exports import EXPORTS, export_rows
from domain.errors import ActivitySyncError


@click.command("export")
@click.argument("kind", type=click.Choice(list(EXPORTS)))
@click.option(
    "--csv",
    "path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the CSV to this file (replaced if it exists); without it, to stdout.",
)
@click.pass_obj
def export(config: Config, kind: str, path: Path | None) -> None:
    """One CSV of failures (records Salesforce refused), rejected input lines, or unmatched
    addresses (candidates for new Contacts or Leads). Cells a spreadsheet would run as a
    formula (= + - @) start with an apostrophe."""
    chosen = EXPORTS[kind]
    with config.reader() as runtime:
        rows = export_rows(runtime.app, runtime.views, kind)
        if path is None:
            write_csv(sys.stdout, chosen.header, rows)
            return
        try:
            with path.open("w", encoding="utf-8", newline="") as stream:
                count = write_csv(stream, chosen.header, rows)
        except OSError as error:
            raise ActivitySyncError(f"cannot write {path}: {error.strerror}") from None
    click.echo(f"Wrote {count} {kind} row{'' if count == 1 else 's'} to {path}.")
