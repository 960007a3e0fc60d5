"""File > Export calendar and File > Export data, from the keyboard: the dialog offers what
the open tab allows, shows each choice's options, saves with its audit row, and asks
before replacing a file."""

from __future__ import annotations

from pathlib import Path

import icalendar
import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from ui.dialogs import data_export_dialog as module
from ui.dialogs.data_export_dialog import DataExportDialog

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _choose_file(monkeypatch, path: Path) -> list[str]:
    asked: list[str] = []

    def save_name(parent, title, proposed, filters, options=None):
        asked.append(proposed)
        return str(path), filters.split(";;")[0]

    monkeypatch.setattr(module.QFileDialog, "getSaveFileName", save_name)
    return asked


def _press_save(qtbot, dialog: DataExportDialog) -> None:
    qtbot.keyClick(dialog.what, Qt.Key.Key_Return)  # Enter: the default button, Save


def test_the_patient_calendar_from_its_shortcut(
    shown_window, demo_repo, qtbot, monkeypatch, modals, tmp_path
):
    window = shown_window
    patient = demo_repo.find_patient_by_mrn("DEMO-0003")
    tid = demo_repo.list_transplants(patient.id)[-1].id
    window.open_transplant(tid)
    out = tmp_path / "mine.ics"
    asked = _choose_file(monkeypatch, out)
    seen: dict[str, object] = {}

    def look_and_save(dialog: QWidget) -> None:
        assert isinstance(dialog, DataExportDialog)
        seen.update(
            choice=dialog.choice,
            language=dialog.language.isVisibleTo(dialog),
            days=dialog.days.isVisibleTo(dialog),
            named=dialog.with_phi.isChecked(),
        )
        dialog.language.setCurrentIndex(dialog.language.findData("es"))
        _press_save(qtbot, dialog)

    answering = modals([look_and_save])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL_SHIFT)
    qtbot.waitUntil(out.exists, timeout=5000)
    answering.stop()
    assert seen == {"choice": "patient-calendar", "language": True, "days": False, "named": False}
    # The proposed name holds no patient data.
    assert Path(asked[0]).name.startswith("patient-calendar-") and "DEMO" not in asked[0]
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert str(cal["x-wr-calname"]) == "Su calendario de trasplante"
    assert patient.family_name.casefold() not in out.read_bytes().decode().casefold()
    assert window.statusBar().currentMessage() == "Saved mine.ics."


def test_without_a_patient_the_board_is_offered_and_saved_as_xlsx(
    shown_window, demo_repo, qtbot, monkeypatch, modals, tmp_path
):
    window = shown_window
    out = tmp_path / "board.xlsx"
    _choose_file(monkeypatch, out)
    seen: dict[str, object] = {}

    def look_and_save(dialog: QWidget) -> None:
        assert isinstance(dialog, DataExportDialog)
        model = dialog.what.model()
        offered = {
            dialog.what.itemData(i): model.item(i).isEnabled() for i in range(dialog.what.count())
        }
        seen.update(choice=dialog.choice, offered=offered)
        _press_save(qtbot, dialog)

    answering = modals([look_and_save])
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_X, CTRL_SHIFT)
    qtbot.waitUntil(out.exists, timeout=5000)
    answering.stop()
    assert seen["choice"] == "board"
    assert seen["offered"] == {
        "patient-calendar": False,
        "team-calendar": True,
        "fhir": False,
        "board": True,
        "worklist": True,
        "forms": True,
        "plan": False,
    }
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None and sheet["A1"].value == "MRN" and sheet.max_row > 5


def test_an_existing_file_is_replaced_only_when_the_user_says_so(
    demo_window, demo_repo, qtbot, monkeypatch, tmp_path
):
    window = demo_window
    out = tmp_path / "team.ics"
    out.write_text("keep me")
    dialog = DataExportDialog(
        window.session, None, window.session.centre, window._settings, "team-calendar", window
    )
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    monkeypatch.setattr(module.QMessageBox, "question", lambda *a, **k: next(answers))
    assert dialog.choice == "team-calendar"
    assert dialog.days.isVisibleTo(dialog) and not dialog.language.isVisibleTo(dialog)
    dialog.save_to(out)
    qtbot.waitUntil(lambda: not dialog.saving)
    assert out.read_text() == "keep me" and dialog.saved is None
    assert dialog.note.text() == "Not exported: the existing file was kept."
    dialog.save_to(out)
    assert dialog.saving and dialog.note.text() == "Exporting..."
    assert not dialog.save_button.isEnabled() and not dialog.what.isEnabled()
    qtbot.waitUntil(lambda: not dialog.saving)
    assert dialog.saved == out and dialog.result() == QDialog.DialogCode.Accepted
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_a_refusal_is_one_sentence_and_leaves_no_file(demo_window, qtbot, monkeypatch, tmp_path):
    window = demo_window
    dialog = DataExportDialog(
        window.session, None, window.session.centre, window._settings, "board", window
    )
    said: list[str] = []
    monkeypatch.setattr(module.QMessageBox, "warning", lambda _p, _t, text: said.append(text))
    dialog.save_to(tmp_path / "board.ods")
    qtbot.waitUntil(lambda: not dialog.saving)
    assert dialog.saved is None
    assert said == ["Export the board as a .csv or .xlsx file, not board.ods."]
    assert list(tmp_path.iterdir()) == []


def test_naming_patients_is_asked_anew_for_each_choice(demo_window, demo_repo):
    """A tick for one patient's calendar must not name every patient in the team's."""
    window = demo_window
    patient = demo_repo.find_patient_by_mrn("DEMO-0003")
    ws = window.open_transplant(demo_repo.list_transplants(patient.id)[-1].id)
    dialog = DataExportDialog(
        window.session, ws.session, window.session.centre, window._settings,
        "patient-calendar", window,
    )  # fmt: skip
    dialog.with_phi.setChecked(True)
    dialog.select("team-calendar")
    assert dialog.choice == "team-calendar" and not dialog.with_phi.isChecked()


def test_the_board_is_written_in_a_worker_and_the_dialog_stays_until_then(
    demo_window, qtbot, monkeypatch, tmp_path
):
    """The board's spreadsheet computes the whole clinic (about a second at 500 patients):
    in a worker thread, the dialog saying so; Escape does not leave a file half written
    behind the user's back."""
    import threading

    from planner.app import tables

    window = demo_window
    dialog = DataExportDialog(
        window.session, None, window.session.centre, window._settings, "board", window
    )
    with qtbot.waitExposed(dialog):
        dialog.show()
    threads: list[bool] = []
    gate = threading.Event()
    whole = tables.board_table

    def board_table(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        gate.wait(10)
        return whole(*args, **kwargs)

    monkeypatch.setattr(tables, "board_table", board_table)
    out = tmp_path / "board.csv"
    dialog.save_to(out)
    qtbot.waitUntil(lambda: bool(threads))
    assert threads == [False]  # not on the GUI thread
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.saving
    gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert dialog.saved == out and out.read_bytes().startswith(b"\xef\xbb\xbfMRN")
