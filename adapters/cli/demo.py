"""`activity-sync demo`: run the whole job on embedded defaults (local org + SQLite store)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option(
    "--dir",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for the demo's org and store (default: a new temporary folder).",
)
def demo(folder: Path | None) -> None:
    """Start a local org, seed it, ingest a sample day of email, sync it, explain a shared Task."""
    from adapters.demo.run import run_demo

    result = run_demo(folder)
    if result.summary.paused or result.summary.pending:
        raise SystemExit(1)
