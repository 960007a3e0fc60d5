"""Tables written as CSV or XLSX that a spreadsheet opens as data, never as formulas.

A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read by spreadsheet programs as a formula (``=HYPERLINK(...)`` sends data away when
clicked, a DDE formula runs a program): such text gets a leading apostrophe, which the
programs show as text (OWASP, "CSV Injection"). Dates and times go to XLSX as real dates
(openpyxl writes them with a number format), to CSV as ISO 8601 text. Pure: bytes out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Final

TABLE_FORMATS: Final = ("csv", "xlsx")
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | dt.datetime | dt.date | None


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet must show it: with a leading apostrophe when it would
    otherwise be read as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    return str(value)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        raise ValueError("XLSX has no time zones: give the local time and its offset apart")
    return neutralise(value) if isinstance(value, str) else value


def xlsx_bytes(header: Sequence[str], rows: Sequence[Sequence[Cell]], sheet: str) -> bytes:
    """One sheet, the header in bold and frozen, dates as dates."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append([neutralise(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for number, row in enumerate(rows, start=2):
        ws.append([_xlsx_cell(v) for v in row])
        # The row by its number: ``ws[ws.max_row]`` scans every cell written so far, so
        # a 5,000-row worklist took 9 s and the forms of a long history hours.
        for column in range(1, len(row) + 1):
            cell = ws.cell(row=number, column=column)
            if isinstance(cell.value, str):
                # Never a formula, whatever the text: openpyxl would store "=..." as one.
                cell.data_type = "s"
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm:ss"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_bytes(
    header: Sequence[str], rows: Sequence[Sequence[Cell]], fmt: str, sheet: str = "Sheet1"
) -> bytes:
    """The table in ``fmt`` (one of ``TABLE_FORMATS``)."""
    if fmt == "csv":
        return csv_bytes(header, rows)
    if fmt == "xlsx":
        return xlsx_bytes(header, rows, sheet)
    raise ValueError(f"unknown table format {fmt!r}")
