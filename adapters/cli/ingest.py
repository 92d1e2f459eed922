"""`activity-sync ingest FILE|-` and `activity-sync rejected`: input in, bad input kept and listed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from adapters.cli.config import Config
from adapters.cli.zone import local_time
from adapters.input.ingest import IngestReport, ingest_stream
from adapters.views.rejections import KeptLine, newest_rejections
from domain.errors import BadInput

SHOWN_REJECTIONS = 10
EXCERPT = 60


@click.command("ingest")
@click.argument("file", metavar="FILE|-")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON document.")
@click.option("--chunk", default=1000, show_default=True, help="Activities recorded per write.")
@click.pass_context
def ingest(ctx: click.Context, file: str, as_json: bool, chunk: int) -> None:
    """Record activities from a JSON Lines FILE (or - for stdin); bad lines are kept.

    Exit code 0 when every line was accepted (re-delivered ids count as accepted),
    2 when any line was rejected or FILE cannot be read.
    """
    config: Config = ctx.obj
    with _opened(file) as (stream, source), config.runtime() as runtime:
        report = ingest_stream(runtime.app, stream, source, chunk=chunk)
    if as_json:
        click.echo(orjson.dumps(report.to_dict()).decode())
    else:
        _print_summary(file, report)
    if not report.all_accepted:
        ctx.exit(2)


@click.command("rejected")
@click.option("--json", "as_json", is_flag=True, help="Print the kept lines as one JSON document.")
@click.option(
    "--limit", default=50, show_default=True, help="Show the newest N lines (0 = all of them)."
)
@click.pass_obj
def rejected(config: Config, as_json: bool, limit: int) -> None:
    """List kept bad input lines (newest ingest first) with line, field, reason and raw text."""
    if limit < 0:
        raise BadInput("--limit must be 0 (all) or more")
    with config.reader() as runtime:
        kept = newest_rejections(runtime.app, limit or None)
    if as_json:
        document = {"total": kept.total, "rejected": [line.to_dict() for line in kept.lines]}
        click.echo(orjson.dumps(document).decode())
        return
    _print_rejected(kept.lines, kept.total)


@contextmanager
def _opened(file: str) -> Iterator[tuple[BinaryIO, str]]:
    if file == "-":
        yield sys.stdin.buffer, "stdin"
        return
    path = Path(file)
    if not path.exists():
        raise BadInput(f"no such file: {file}")
    if path.is_dir():
        raise BadInput(f"{file} is a directory; give a JSON Lines file (or - for stdin)")
    try:
        stream = path.open("rb")
    except OSError as error:
        raise BadInput(f"cannot read {file}: {error.strerror}") from None
    with stream:
        yield stream, f"file:{file}"


def _print_summary(file: str, report: IngestReport) -> None:
    name = "stdin" if file == "-" else file
    duplicates = "duplicate" if report.duplicates == 1 else "duplicates"
    click.echo(
        f"{name}: {report.accepted} accepted, {report.duplicates} {duplicates} "
        f"(already recorded), {len(report.rejected)} rejected"
    )
    if not report.rejected:
        return
    click.echo("Rejected lines (kept; list them again with `activity-sync rejected`):")
    for rejection in report.rejected[:SHOWN_REJECTIONS]:
        click.echo(f"  {rejection.message}")
    if len(report.rejected) > SHOWN_REJECTIONS:
        click.echo(f"  ... and {len(report.rejected) - SHOWN_REJECTIONS} more")


def _print_rejected(lines: list[KeptLine], total: int) -> None:
    if not lines:
        click.echo("No rejected input kept.")
        return
    table = Table(title=f"Rejected input: {total} lines kept, newest {len(lines)} shown")
    for column in ("source", "line", "field", "reason", "raw"):
        # a line number and a field name are never split; the rest wraps at words
        table.add_column(column, overflow="fold", no_wrap=column in ("line", "field"))
    for line in lines:
        source = f"{line.source}\n{local_time(line.ingested_at)[:16]}"
        cells = (source, str(line.line), line.field or "-", line.reason, _excerpt(line))
        table.add_row(*(Text(cell) for cell in cells))
    Console(soft_wrap=False).print(table)


def _excerpt(line: KeptLine) -> str:
    text = line.raw if len(line.raw) <= EXCERPT else line.raw[: EXCERPT - 1] + "…"
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in text)
    return shown + (f" ({line.raw_length:,} bytes)" if line.raw_truncated else "")
