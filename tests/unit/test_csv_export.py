"""CSV files an admin opens in a spreadsheet or loads with Data Loader: quoting and formulas."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.views.csv_export import FORMULA_START, cell, write_csv


def written(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    write_csv(buffer, ["a", "b"], rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example")', "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1"],
)
def test_a_cell_a_spreadsheet_would_run_starts_with_an_apostrophe(text: str) -> None:
    """CSV injection: the cell reads as text in Excel and LibreOffice."""
    assert cell(text) == "'" + text


def test_numbers_booleans_and_missing_values_are_plain_cells() -> None:
    assert [cell(v) for v in (-3, 1.5, True, False, None)] == [-3, 1.5, "true", "false", ""]


def test_commas_quotes_and_line_breaks_are_quoted_and_rows_end_in_crlf() -> None:
    """RFC 4180: a reader gets every cell back whole."""
    text = written([['Lee, "Ana"', "line one\nline two"]])
    assert text == 'a,b\r\n"Lee, ""Ana""","line one\nline two"\r\n'


@given(st.lists(st.lists(st.text(), min_size=2, max_size=2), max_size=5))
def test_every_cell_reads_back_as_written_but_for_the_formula_guard(
    rows: list[list[str]],
) -> None:
    """Whatever the text, the csv module reads back the same cells (defused ones with `'`)."""
    back = list(csv.reader(io.StringIO(written(rows), newline="")))
    expected = [["'" + c if c.startswith(FORMULA_START) else c for c in row] for row in rows]
    assert back == [["a", "b"], *expected]
