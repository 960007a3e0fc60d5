"""Chimerism results recorded on the Counts tab of an allogeneic transplant: typed in the
Chimerism dialog, saved on the edit path (undoable), read with the ASTCT 2021 definitions
and the trend, and on the board when not full donor."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from tests.gui.conftest import NOW
from tests.gui.test_chimerism_dialog import _choose, _type
from ui.dialogs import calculator_dialogs as calc
from ui.dialogs.calculator_form import CalculatorDialog

TODAY = NOW.date()


def _counts(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    ws.tabs.setCurrentWidget(ws.counts_tab)
    return ws, ws.counts_tab


def _record(qtbot, monkeypatch, panel, lineage: str, percent: str, date: dt.date) -> str:
    seen: dict[str, str] = {}

    def run(dialog: CalculatorDialog) -> int:
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.date_edit.set_date(date)
        _choose(qtbot, dialog.editors["lineage"], lineage)
        _type(qtbot, dialog.editors["donor_percent"], percent)
        seen["button"] = dialog.save_button.text()
        dialog.save_button.setFocus()
        qtbot.keyClick(dialog.save_button, Qt.Key.Key_Space)
        seen["error"] = dialog.general_error.text() if dialog.general_error.isVisible() else ""
        return dialog.result()

    monkeypatch.setattr(calc, "run_dialog", run)
    panel.record_button.setFocus()
    qtbot.keyClick(panel.record_button, Qt.Key.Key_Space)
    return seen["error"]


def test_record_read_and_undo_chimerism(qtbot, demo_window, monkeypatch):
    demo_window.show()
    ws, tab = _counts(demo_window, "DEMO-0010")  # allogeneic, Day +21
    panel = tab.chimerism
    assert panel is not None and panel.table.rowCount() == 0
    week_ago = TODAY - dt.timedelta(days=7)
    assert _record(qtbot, monkeypatch, panel, "T cells (CD3+)", "98", week_ago) == ""
    assert _record(qtbot, monkeypatch, panel, "T cells (CD3+)", "80", TODAY) == ""
    assert panel.table.rowCount() == 2
    newest = panel.table.item(0, 4).text()
    assert newest == "mixed chimerism, falling 18 points"
    assert "Kharfan-Dabaja" in panel.table.item(0, 4).toolTip()
    row = next(r for r in demo_window.session.rows if r.mrn == "DEMO-0010")
    assert any(
        a.startswith("Chimerism T cells (CD3+) 80% donor") and "falling from 98%" in a
        for a in row.alerts
    )
    # The same lineage and date again is refused inside the dialog, which stays open.
    error = _record(qtbot, monkeypatch, panel, "T cells (CD3+)", "81", TODAY)
    assert "already recorded" in error and panel.table.rowCount() == 2
    # Undo (Ctrl+Z in the patient's tab) takes the last result away.
    assert ws.session.undo_stack.undoText() == "Record chimerism"
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    qtbot.keyClick(demo_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1)
    row = next(r for r in demo_window.session.rows if r.mrn == "DEMO-0010")
    assert not any(a.startswith("Chimerism") for a in row.alerts)  # 98% T cells: full


def test_autologous_counts_tab_has_no_chimerism_panel(demo_window):
    _, tab = _counts(demo_window, "DEMO-0001")
    assert tab.chimerism is None
