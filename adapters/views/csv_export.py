"""CSV as an admin's spreadsheet and Data Loader read it: one header row, every cell quoted as
needed by the csv module, and no cell that a spreadsheet would run as a formula.

A text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a
leading apostrophe (`'=HYPERLINK(...)`): Excel and LibreOffice show it as text instead of
evaluating it (CSV injection). Numbers are written as they are. Rows end in CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import Any, TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str | int | float:
    """A value as a safe CSV cell: None empty, booleans as true/false, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(stream: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write the header and every row; returns how many rows (the header not counted)."""
    writer = csv.writer(stream, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell(value) for value in row])
        count += 1
    return count
