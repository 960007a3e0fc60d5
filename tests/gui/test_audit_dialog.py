"""View > Audit trail (Ctrl+4): the trail filtered from the keyboard, a row in full, an
export that a spreadsheet cannot run, recorded before the file appears."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from planner.app.events import record_event
from planner.records.audit_query import AuditQuery
from tests.gui.conftest import ACTOR, NOW

HOSTILE = '=HYPERLINK("http://example.invalid","x")'


def _open(qtbot, window):
    qtbot.waitUntil(lambda: window.session.ready)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    dialog = window.audit_dialog
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.searching)  # read in a worker thread
    return dialog


def _type(qtbot, edit, text):
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def test_ctrl_4_shows_the_newest_rows_and_an_mrn_narrows_them(qtbot, demo_window, demo_repo):
    dialog = _open(qtbot, demo_window)
    lines = dialog.model.lines
    assert lines and [x.seq for x in lines] == sorted((x.seq for x in lines), reverse=True)
    assert "rows" in dialog.summary.text()
    _type(qtbot, dialog.mrn, "DEMO-0003")
    qtbot.waitUntil(lambda: not dialog.searching)
    assert dialog.model.lines and {x.mrn for x in dialog.model.lines} == {"DEMO-0003"}
    shown = dialog.model.index(0, 4).data()
    assert shown == "DEMO-0003"
    # One patient's changes on screen are a view of their record, recorded as such.
    pid = demo_repo.find_patient_by_mrn("DEMO-0003").id
    newest = demo_repo.search_audit(AuditQuery(patient_id=pid, limit=1))[0]
    assert newest.action == "View patient" and newest.user == ACTOR.user
    _type(qtbot, dialog.mrn, "NOPE-9")
    qtbot.waitUntil(lambda: not dialog.searching)
    assert "No patient has the MRN NOPE-9." in dialog.summary.text()
    assert dialog.model.rowCount() == 0 and not dialog.export_button.isEnabled()


def test_a_selected_row_shows_its_before_and_after_in_full(qtbot, demo_window):
    dialog = _open(qtbot, demo_window)
    _type(qtbot, dialog.action, "demo")  # the demo clinic was loaded: changes with values
    qtbot.waitUntil(lambda: not dialog.searching)
    row = next(i for i, x in enumerate(dialog.model.lines) if x.after)
    rect = dialog.table.visualRect(dialog.model.index(row, 3))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    text = dialog.detail.toPlainText()
    assert "Before:" in text and "After:" in text
    assert dialog.model.lines[row].action in text


def test_days_are_checked_before_the_search(qtbot, demo_window):
    dialog = _open(qtbot, demo_window)
    _type(qtbot, dialog.since.line_edit, "2026-02-30")
    assert "Correct the dates first" in dialog.summary.text()
    _type(qtbot, dialog.since.line_edit, "2026-03-11")
    _type(qtbot, dialog.until.line_edit, "2026-03-01")
    assert dialog.summary.text() == "The To day is before the From day."
    _type(qtbot, dialog.until.line_edit, "2026-03-12")
    qtbot.waitUntil(lambda: not dialog.searching)
    assert dialog.summary.text() == "No audit row matches these filters."  # all on 10 March
    dialog.clear_filters()
    qtbot.waitUntil(lambda: not dialog.searching)
    assert dialog.model.rowCount() > 0


def test_the_export_is_inert_and_recorded(qtbot, demo_window, demo_repo, tmp_path, monkeypatch):
    from planner.app.context import Context

    pid = demo_repo.find_patient_by_mrn("DEMO-0001").id
    record_event(demo_repo, Context(ACTOR, NOW), HOSTILE, pid)
    dialog = _open(qtbot, demo_window)
    _type(qtbot, dialog.mrn, "DEMO-0001")
    qtbot.waitUntil(lambda: not dialog.searching)
    target = tmp_path / "trail.xlsx"
    assert dialog.save_to(target)
    assert "Exported" in dialog.summary.text() and "trail.xlsx" in dialog.summary.text()
    sheet = load_workbook(io.BytesIO(target.read_bytes())).active
    assert sheet["F2"].value == "'" + HOSTILE and sheet["F2"].data_type == "s"
    newest = demo_repo.search_audit(AuditQuery(limit=1))[0]
    assert newest.action.startswith("Export audit trail as XLSX") and newest.user == ACTOR.user
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.No)
    before = target.read_bytes()
    assert not dialog.save_to(target)
    assert target.read_bytes() == before
    assert dialog.summary.text() == "Not exported: the existing file was kept."


def test_the_patient_menu_opens_the_trail_of_the_patient_on_screen(qtbot, demo_window):
    window = demo_window
    qtbot.waitUntil(lambda: window.session.ready)
    with qtbot.waitExposed(window):
        window.show()
    window.activateWindow()
    keys = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_H, keys)
    assert "Open a patient" in window.statusBar().currentMessage()  # the board: no patient
    row = next(r for r in window.session.rows if r.mrn == "DEMO-0005")
    window.open_transplant(row.transplant_id)
    qtbot.keyClick(window, Qt.Key.Key_H, keys)
    dialog = window.audit_dialog
    qtbot.waitUntil(lambda: not dialog.searching)
    assert dialog.mrn.text() == "DEMO-0005"
    assert dialog.model.lines and {x.mrn for x in dialog.model.lines} == {"DEMO-0005"}
