"""Reading never waits for a write; patient data leaves the window only with its audit row.

A patient opens while the database cannot be written (the view's row waits and is
written later with its own time); a document, a printout or the worklist is refused in a
dialog, leaving nothing behind, when its row cannot be written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtPrintSupport import QPrinter

from planner.app.events import record_event
from planner.errors import StorageError
from planner.records.documents import history
from tests.gui.conftest import ACTOR, NOW
from ui import main_window, session
from ui.dialogs import export_dialog
from ui.dialogs.export_dialog import ExportDialog
from ui.session import VIEW_WAITS, VIEWS_WRITTEN

FULL = "The disk is full, so the change was not saved; free some space and try again."
LATER = NOW + dt.timedelta(minutes=25)
RENDER_TIMEOUT = 20000


class Faults:
    """Makes the repository's commits fail while ``failing`` is set."""

    def __init__(self, repo, monkeypatch) -> None:
        self.failing = False
        real = repo.commit

        def commit(action):
            if self.failing:
                raise StorageError(FULL)
            return real(action)

        monkeypatch.setattr(repo, "commit", commit)


@pytest.fixture
def faults(demo_repo, monkeypatch) -> Faults:
    return Faults(demo_repo, monkeypatch)


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    """Every warning dialog's text, from the main window and the export dialog."""
    shown: list[str] = []

    def warn(_parent, _title, text, *_args):
        shown.append(text)

    monkeypatch.setattr(main_window.QMessageBox, "warning", staticmethod(warn))
    monkeypatch.setattr(export_dialog.QMessageBox, "warning", staticmethod(warn))
    return shown


@pytest.fixture
def clock():
    """A clock the test moves on."""
    return [NOW]


def _views(repo) -> list[tuple[str, str, str | None]]:
    return [
        (e.user, e.at_utc, e.patient_id)
        for e in repo.audit_log()
        if e.entity == "event" and "View patient" in e.new
    ]


def _events(repo) -> list[str]:
    return [e.new for e in repo.audit_log() if e.entity == "event"]


def _row(window, mrn: str):
    return next(r for r in window.session.rows if r.mrn == mrn)


def _pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


# --- opening a patient ---------------------------------------------------------------------------


def test_a_patient_opens_while_the_database_cannot_be_written(
    make_window, demo_repo, faults, clock
):
    window = make_window(demo_repo, clock=lambda: clock[0])
    row = _row(window, "DEMO-0003")
    faults.failing = True
    ws = window.open_transplant(row.transplant_id)
    assert ws is not None and ws.session.patient.mrn == "DEMO-0003"
    assert window.current_workspace() is ws
    assert window.statusBar().currentMessage() == VIEW_WAITS
    assert _views(demo_repo) == []
    assert len(window.session.views) == 1
    # The database takes writes again; the next edit that is saved writes the view too,
    # with the time it was opened, not the time it was written.
    faults.failing = False
    clock[0] = LATER
    window.session.perform(lambda r, c: record_event(r, c, "Print worklist (1 patient)", None))
    assert _views(demo_repo) == [(ACTOR.user, "2026-03-10T09:00:00.000000+00:00", row.patient_id)]
    assert len(window.session.views) == 0
    assert window.statusBar().currentMessage() == VIEWS_WRITTEN


def test_waiting_views_are_retried_on_a_timer(
    qtbot, make_window, demo_repo, faults, clock, monkeypatch
):
    monkeypatch.setattr(session, "VIEW_RETRY_MS", 20)
    window = make_window(demo_repo, clock=lambda: clock[0])
    faults.failing = True
    first, second = _row(window, "DEMO-0003"), _row(window, "DEMO-0005")
    window.open_transplant(first.transplant_id)
    clock[0] = NOW + dt.timedelta(minutes=3)
    window.open_transplant(second.transplant_id)
    assert len(window.workspaces()) == 2
    qtbot.wait(100)  # retries fail meanwhile: nothing is lost, nothing written
    assert _views(demo_repo) == [] and len(window.session.views) == 2
    faults.failing = False
    clock[0] = LATER
    qtbot.waitUntil(lambda: len(window.session.views) == 0, timeout=5000)
    assert [(at[11:16], patient) for _, at, patient in _views(demo_repo)] == [
        ("09:00", first.patient_id),
        ("09:03", second.patient_id),
    ]


def test_views_still_unwritten_at_the_close_are_reported(
    make_window, demo_repo, faults, warnings, caplog
):
    window = make_window(demo_repo)
    row = _row(window, "DEMO-0003")
    faults.failing = True
    window.open_transplant(row.transplant_id)
    window.close()
    assert len(warnings) == 1
    assert warnings[0].startswith("1 patient view opened at 2026-03-10 09:00 could not be recorded")
    patient = demo_repo.get_patient(row.patient_id)
    for text in (warnings[0], caplog.text):
        for word in (patient.mrn, patient.family_name, patient.given_name, row.patient_id):
            assert word not in text
    assert "1 patient view(s) not recorded" in caplog.text
    faults.failing = False  # a later close (the test's teardown) writes it: nothing stays


def test_a_view_written_at_once_needs_no_note(make_window, demo_repo, warnings):
    window = make_window(demo_repo)
    row = _row(window, "DEMO-0003")
    window.open_transplant(row.transplant_id)
    assert len(_views(demo_repo)) == 1
    assert window.statusBar().currentMessage() != VIEW_WAITS
    window.close()
    assert warnings == []


# --- documents: save and print ---------------------------------------------------------------


@pytest.fixture
def export(qtbot, open_session, settings):
    from planner.domain.patients import ClinicSettings

    dialog = ExportDialog(
        open_session("DEMO-0003"), ClinicSettings(phone_24h="+1 555 0100"), settings
    )
    qtbot.addWidget(dialog)
    qtbot.waitUntil(
        lambda: not dialog.is_rendering() and dialog.document.pageCount() > 0,
        timeout=RENDER_TIMEOUT,
    )
    return dialog


def _documents(repo) -> list[str]:
    patient = repo.find_patient_by_mrn("DEMO-0003")
    tid = repo.list_transplants(patient.id)[0].id
    return [e.output for e in history(repo.get_record(tid, "documents"))]


def test_a_document_is_not_saved_when_its_export_cannot_be_recorded(
    export, demo_repo, faults, warnings, tmp_path
):
    folder = tmp_path / "out"
    folder.mkdir()
    faults.failing = True
    assert not export.save_to(folder / "handout.pdf")
    assert list(folder.iterdir()) == []  # neither the file nor its temporary copy
    assert warnings == [
        "No file was written, because the export could not be recorded in the audit trail: "
        "the disk is full, so the change was not saved; free some space and try again."
    ]
    assert export.status.text() == warnings[0]
    assert export.produced == [] and _documents(demo_repo) == []
    faults.failing = False
    assert export.save_to(folder / "handout.pdf")
    assert (folder / "handout.pdf").read_bytes() == export._rendered.pdf
    assert [p.name for p in folder.iterdir()] == ["handout.pdf"]
    assert _documents(demo_repo) == ["file"]


def test_nothing_is_printed_when_the_print_cannot_be_recorded(
    export, demo_repo, faults, warnings, tmp_path
):
    faults.failing = True
    export.print_to(_pdf_printer(tmp_path / "printed.pdf"))
    assert not (tmp_path / "printed.pdf").exists()
    assert len(warnings) == 1 and warnings[0].startswith("Nothing was printed, because the print")
    assert export.produced == [] and _documents(demo_repo) == []
    faults.failing = False
    export.print_to(_pdf_printer(tmp_path / "printed.pdf"))
    assert (tmp_path / "printed.pdf").stat().st_size > 0
    assert _documents(demo_repo) == ["printer"]


# --- the worklist ---------------------------------------------------------------------------


def test_printing_the_worklist_is_audited(make_window, demo_repo, tmp_path):
    window = make_window(demo_repo)
    patients = {item.patient_id for item in window.session.worklist}
    assert patients  # the demo clinic has work today
    assert window.print_worklist_to(_pdf_printer(tmp_path / "worklist.pdf"))
    assert (tmp_path / "worklist.pdf").stat().st_size > 0
    [row] = [e for e in demo_repo.audit_log() if e.entity == "event"]
    assert row.new == f'"Print worklist ({len(patients)} patients)"'
    assert row.user == ACTOR.user and row.patient_id is None
    names = {demo_repo.get_patient(p).family_name for p in patients}
    assert not any(name in row.new for name in names)


def test_the_worklist_is_not_printed_when_its_row_cannot_be_written(
    make_window, demo_repo, faults, warnings, tmp_path
):
    window = make_window(demo_repo)
    faults.failing = True
    assert not window.print_worklist_to(_pdf_printer(tmp_path / "worklist.pdf"))
    assert not (tmp_path / "worklist.pdf").exists()
    assert warnings == [
        "The worklist was not printed, because the print could not be recorded in the audit "
        "trail: the disk is full, so the change was not saved; free some space and try again."
    ]
    assert _events(demo_repo) == []
