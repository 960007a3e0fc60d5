"""The board, the worklist, a plan and the registry forms as CSV and XLSX: hostile text
stays text, dates are real dates, and every file has its audit row."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.patients import save_patient
from planner.app.tables import (
    TABLE_KINDS,
    Table,
    board_table,
    export_table,
    forms_table,
    plan_table,
    worklist_table,
)
from planner.errors import ValidationError
from planner.export.spreadsheet import FORMULA_STARTS
from planner.records.ports import Repository
from planner.storage.memory import InMemoryRepository
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
CTX = Context(ACTOR, NOW)
HOSTILE_NAME = '=HYPERLINK("http://example.invalid","x")'
HOSTILE_GIVEN = "@SUM(1+1)"


@pytest.fixture(scope="module")
def clinic() -> Repository:
    """The demo clinic, one patient on today's worklist renamed as an attacker would."""
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    patient = repo.find_patient_by_mrn("DEMO-0011")
    assert patient is not None
    save_patient(
        repo,
        CTX,
        dataclasses.replace(patient, family_name=HOSTILE_NAME, given_name=HOSTILE_GIVEN),
    )
    return repo


def _plan_id(repo: Repository) -> str:
    patient = repo.find_patient_by_mrn("DEMO-0011")
    assert patient is not None
    return repo.list_transplants(patient.id)[-1].id


def _tables(repo: Repository) -> dict[str, Table]:
    return {
        "board": board_table(repo, CTX.today),
        "worklist": worklist_table(repo, CTX.today),
        "forms": forms_table(repo, CTX.today),
        "plan": plan_table(repo, _plan_id(repo), CTX.today),
    }


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _xlsx_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    return [cell for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_no_cell_of_any_export_is_a_formula(clinic: Repository, tmp_path: Path, kind: str) -> None:
    table = _tables(clinic)[kind]
    assert table.rows
    xlsx, csv_path = tmp_path / f"{kind}.xlsx", tmp_path / f"{kind}.csv"
    for out in (xlsx, csv_path):
        export_table(clinic, CTX, lambda table=table: table, out)
    for cell in _xlsx_cells(xlsx):
        assert cell.data_type != "f"
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_STARTS), cell.value
    text = csv_path.read_bytes().decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        for value in row:
            # A number ("-8", the day) is a number; any other such text is neutralised.
            assert not value.startswith(FORMULA_STARTS) or _is_number(value), value


@pytest.mark.parametrize("kind", ["board", "worklist"])
def test_the_hostile_name_is_shown_as_typed_but_inert(
    clinic: Repository, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / f"{kind}.xlsx"
    export_table(clinic, CTX, lambda: _tables(clinic)[kind], out)
    names = [
        c.value for c in _xlsx_cells(out) if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert names and all(n.startswith("'=HYPERLINK") for n in names)


def test_every_hostile_start_is_neutralised_in_both_formats(
    clinic: Repository, tmp_path: Path
) -> None:
    hostile = [f"{start}cmd|' /C calc'!A0" for start in FORMULA_STARTS]
    table = Table("Test", ("Text", "When"), [[h, dt.date(2026, 3, 1)] for h in hostile], ())
    for fmt in ("csv", "xlsx"):
        export_table(clinic, CTX, lambda: table, tmp_path / f"t.{fmt}")
    cells = [c for c in _xlsx_cells(tmp_path / "t.xlsx") if c.row > 1]
    texts = [c.value for c in cells if c.column == 1]
    # XML reads a carriage return back as a line feed (XML 1.0, 2.11): still text.
    assert texts == ["'" + h.replace("\r", "\n") for h in hostile]
    rows = list(csv.reader(io.StringIO((tmp_path / "t.csv").read_bytes().decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["'" + h for h in hostile]


def test_dates_are_dates_in_xlsx_and_iso_in_csv(clinic: Repository, tmp_path: Path) -> None:
    tid = _plan_id(clinic)
    export_table(clinic, CTX, lambda: plan_table(clinic, tid, CTX.today), tmp_path / "p.xlsx")
    export_table(clinic, CTX, lambda: plan_table(clinic, tid, CTX.today), tmp_path / "p.csv")
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert sheet is not None
    assert sheet["A1"].value == "Date"
    assert isinstance(sheet["A2"].value, dt.datetime) and sheet["A2"].is_date
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    rows = list(csv.reader(io.StringIO((tmp_path / "p.csv").read_bytes().decode("utf-8-sig"))))
    assert dt.date.fromisoformat(rows[1][0]) == sheet["A2"].value.date()


def test_a_plan_shows_every_occurrence_by_date_with_its_dose(clinic: Repository) -> None:
    tid = _plan_id(clinic)
    table = plan_table(clinic, tid, CTX.today)
    plan = clinic.get_plan(tid)
    assert plan is not None
    assert len(table.rows) == len(plan.sorted_occurrences())
    dates = [r[0] for r in table.rows]
    assert dates == sorted(dates)  # type: ignore[type-var]
    dosed = {s.title for s in plan.steps if s.dose is not None and s.status.value != "cancelled"}
    rows = [r for r in table.rows if r[5] in dosed]
    assert rows and all(r[8] for r in rows)


def test_the_export_is_audited_and_a_wrong_suffix_writes_nothing(
    clinic: Repository, tmp_path: Path
) -> None:
    result = export_table(clinic, CTX, lambda: board_table(clinic, CTX.today), tmp_path / "b.csv")
    assert result.change.description.startswith("Export board as CSV (")
    assert "patients)" in result.change.description
    with pytest.raises(ValidationError, match=r"\.csv or \.xlsx file, not b\.ods"):
        export_table(
            clinic, CTX, lambda: board_table(clinic, CTX.today), tmp_path / "b.ods", what="board"
        )
    assert not (tmp_path / "b.ods").exists()
