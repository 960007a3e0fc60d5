"""The board, the worklist, a plan and the registry forms as spreadsheets (CSV or XLSX).

A spreadsheet is patient data leaving the app: each file is written all or nothing with
its audit row (``write_recorded_file``). Every text cell that a spreadsheet program would
read as a formula is neutralised and dates are real dates in XLSX
(``planner.export.spreadsheet``). Headers and texts are English, like the team documents
and the audit trail's export: a file for other programs and for the team, whose columns a
script can rely on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from planner.app.audited_output import patients_phrase, write_recorded_file
from planner.app.board import worklist
from planner.app.changes import Change
from planner.app.clinic import clinic_board
from planner.app.context import Context
from planner.app.forms import forms_due
from planner.clinical.plan_rules.facts import facts_of
from planner.clinical.step_doses import plan_dose_line
from planner.domain.i18n import english, tr
from planner.errors import ValidationError
from planner.export.atomic import export_target
from planner.export.spreadsheet import TABLE_FORMATS, Cell, table_bytes
from planner.records.ports import Repository, Scope

BOARD: Final = "board"
WORKLIST: Final = "worklist"
PLAN: Final = "plan"
FORMS: Final = "forms"
CLINIC_TABLES: Final = (BOARD, WORKLIST, FORMS)
TABLE_KINDS: Final = (*CLINIC_TABLES, PLAN)


@dataclass(frozen=True)
class Table:
    """A table to write: its sheet name, header, rows, and whose data it holds."""

    sheet: str
    header: tuple[str, ...]
    rows: list[list[Cell]]
    patient_ids: tuple[str, ...]


@dataclass(frozen=True)
class TableExport:
    """A written table: where, how many rows, and its audit row's change."""

    path: Path
    rows: int
    change: Change


def table_format(path: Path, what: str) -> str:
    """``csv`` or ``xlsx`` from the file's suffix.

    Raises:
        ValidationError: any other suffix.
    """
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in TABLE_FORMATS:
        raise ValidationError(
            "file",
            tr("Export the {what} as a .csv or .xlsx file, not {name}.").format(
                what=what, name=path.name
            ),
        )
    return fmt


def board_table(repo: Repository, today: dt.date, closures: Sequence[dt.date] = ()) -> Table:
    """The board as the desktop shows it today: one row per open transplant."""
    with english():
        rows = clinic_board(repo, today, closures)
    return Table(
        "Board",
        (
            "MRN",
            "Name",
            "Transplant type",
            "Coordinator",
            "Day",
            "Day label",
            "Phase",
            "Due today",
            "Overdue",
            "Alerts",
        ),
        [
            [
                r.mrn,
                r.name,
                r.transplant_type,
                r.coordinator,
                r.day,
                r.day_label,
                r.phase,
                "; ".join(r.due_today),
                "; ".join(r.overdue),
                "; ".join(a.marked for a in r.alert_items),
            ]
            for r in rows
        ],
        tuple(r.patient_id for r in rows),
    )


def worklist_table(repo: Repository, today: dt.date) -> Table:
    """Today's worklist: what is due today and overdue, overdue first."""
    # What the worklist reads, no more (the board's load also reads records and counts).
    items = worklist(
        repo.list_patients(Scope.OPEN),
        repo.list_transplants(scope=Scope.OPEN),
        repo.list_plans(Scope.OPEN),
        today,
    )
    return Table(
        "Worklist",
        ("MRN", "Name", "Day label", "Date", "Step", "Overdue"),
        [
            [i.mrn, i.name, i.day_label, i.date, i.title, "yes" if i.overdue else "no"]
            for i in items
        ],
        tuple(i.patient_id for i in items),
    )


def forms_table(repo: Repository, today: dt.date, *, everything: bool = False) -> Table:
    """The registry forms past due, in their window or due in the next 31 days."""
    found = forms_due(repo, today, everything=everything)
    return Table(
        "Registry forms",
        ("MRN", "Form", "Checklist", "Due", "Window end", "Status"),
        [[f.mrn, f.form, f.checklist, f.due, f.window_end, f.status] for f in found],
        tuple(f.patient_id for f in found),
    )


def plan_table(repo: Repository, transplant_id: str, today: dt.date) -> Table:
    """A transplant's plan, one row per occurrence by date, doses as the team summary
    prints them (after the plan rules, for the recorded weight, height and creatinine).

    Raises:
        ValidationError: the transplant has no plan.
    """
    transplant = repo.get_transplant(transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    plan = repo.get_plan(transplant_id)
    if plan is None:
        raise ValidationError("plan", tr("This transplant has no plan yet: nothing to export."))
    facts = facts_of(patient, transplant, today)
    rows: list[list[Cell]] = []
    with english():
        for occ in plan.sorted_occurrences():
            step = plan.step(occ.step_id)
            dose = plan_dose_line(step, plan, facts, on=occ.date) if step.dose else None
            rows.append(
                [
                    occ.date,
                    occ.day,
                    occ.label,
                    occ.phase.value,
                    occ.kind.value,
                    occ.title,
                    occ.shown_status(today),
                    step.drug,
                    dose.text if dose is not None else "",
                ]
            )
    return Table(
        "Plan",
        ("Date", "Day", "Day label", "Phase", "Kind", "Step", "Status", "Drug", "Dose"),
        rows,
        (patient.id,),
    )


def make_table(
    repo: Repository,
    kind: str,
    today: dt.date,
    *,
    closures: Sequence[dt.date] = (),
    transplant_id: str = "",
) -> Table:
    """The table of ``kind`` (one of ``TABLE_KINDS``; a plan needs ``transplant_id``)."""
    if kind == BOARD:
        return board_table(repo, today, closures)
    if kind == WORKLIST:
        return worklist_table(repo, today)
    if kind == FORMS:
        return forms_table(repo, today)
    if kind == PLAN:
        return plan_table(repo, transplant_id, today)
    raise ValueError(f"unknown table {kind!r}")


def export_table(
    repo: Repository,
    ctx: Context,
    make: Callable[[], Table],
    out: Path,
    *,
    overwrite: bool = False,
    patient_id: str | None = None,
    what: str = "table",
) -> TableExport:
    """Write the table ``make`` gives as CSV or XLSX (by ``out``'s suffix) with its audit
    row ("Export board as XLSX (12 rows, 12 patients)").

    Raises:
        ValidationError: not a .csv or .xlsx name.
        UnrecordedOutputError, TargetExistsError, ExportPathError, ExportWriteError: see
            ``write_recorded_file``; nothing is left on disk.
    """
    fmt = table_format(out, what)
    target = export_target(out.parent, out.name)
    table = make()
    data = table_bytes(table.header, table.rows, fmt, sheet=table.sheet)
    n = len(table.rows)
    event = (
        f"Export {table.sheet.lower()} as {fmt.upper()} "
        f"({n} row{'s' if n != 1 else ''}, {patients_phrase(table.patient_ids)})"
    )
    change = write_recorded_file(
        repo, ctx, target, data, event, overwrite=overwrite, patient_id=patient_id
    )
    return TableExport(target, n, change)
