"""View > Registry forms due: the clinic's registry forms with their windows, opened from
the keyboard; a double click or Enter opens the patient on the Checklists tab."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui.conftest import NOW


def test_ctrl_3_lists_the_past_due_forms_and_a_double_click_opens_the_patient(qtbot, demo_window):
    window = demo_window
    qtbot.waitUntil(lambda: window.session.ready)
    with qtbot.waitExposed(window):
        window.show()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    dialog = window.forms_dialog
    assert dialog.isVisible()
    # Read in a worker thread (the window does not freeze on a long history).
    qtbot.waitUntil(lambda: not dialog.loading)
    model = dialog.table.model()
    rows = [[model.index(r, c).data() for c in range(5)] for r in range(model.rowCount())]
    assert rows and all(r[4] in ("past due", "in window", "upcoming") for r in rows)
    assert all(f.due.toordinal() <= NOW.date().toordinal() + 31 for f in dialog.forms)
    assert "past due" in dialog.summary.text()
    view = dialog.table
    metrics = view.fontMetrics()
    for column in (2, 3):  # a date is on one line, whole
        assert not view.wordWrap()
        assert view.columnWidth(column) > metrics.horizontalAdvance(model.index(0, column).data())
    shown = len(rows)
    dialog.every.setChecked(True)
    assert dialog.loading and "Reading" in dialog.summary.text()
    qtbot.waitUntil(lambda: not dialog.loading)
    assert model.rowCount() > shown  # done and later forms too
    first = dialog.forms[0]
    view = dialog.table
    spot = view.visualRect(model.index(0, 1)).center()
    # QTest's double click alone does not reach an item view: a click comes first, as
    # with a real mouse.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    ws = window.current_workspace()
    assert ws is not None and ws.session.transplant.id == first.transplant_id
    assert ws.tabs.currentWidget() is ws.checklists  # where the form is ticked


def test_enter_on_a_form_opens_its_patient_and_the_list_stays_open(qtbot, demo_window):
    window = demo_window
    qtbot.waitUntil(lambda: window.session.ready)
    with qtbot.waitExposed(window):
        window.show()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    dialog = window.forms_dialog
    qtbot.waitUntil(lambda: not dialog.loading)
    view = dialog.table
    # The first row of another transplant than the first row's: the keys must move there.
    other = next(
        r for r, f in enumerate(dialog.forms) if f.transplant_id != dialog.forms[0].transplant_id
    )
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 0))
    for _ in range(other):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    ws = window.current_workspace()
    assert ws is not None and ws.session.transplant.id == dialog.forms[other].transplant_id
    assert dialog.isVisible()  # Enter opened the patient, it did not close the list


def test_the_status_is_coloured_and_a_long_list_is_not_measured_row_by_row(qtbot, monkeypatch):
    import datetime as dt

    from PySide6.QtGui import QColor

    from planner.app.forms import DONE, PAST_DUE, FormDue
    from ui.dialogs.forms_dialog import FormsDialog
    from ui.models.forms_model import FormsModel

    day = dt.date(2026, 12, 7)
    forms = [
        FormDue(f"M{i:05d}", "p", "t", "Form", "List", day, day, PAST_DUE if i % 2 else DONE)
        for i in range(50_000)
    ]
    asked: list[int] = []
    cells = FormsModel.cells
    monkeypatch.setattr(
        FormsModel, "cells", lambda self, row: (asked.append(row), cells(self, row))[1]
    )
    monkeypatch.setattr(FormsDialog, "reload", lambda self: None)
    dialog = FormsDialog(session=None, open_patient=lambda tid: None)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    dialog._fill(forms)
    qtbot.waitUntil(lambda: dialog.table.viewport().isVisible())
    dialog.table.viewport().repaint()  # painted, sized
    model = dialog.model
    assert model.rowCount() == 50_000
    assert asked and max(asked) < 1_000  # the first rows only, never all 50,000
    assert model.index(1, 4).data(Qt.ItemDataRole.ForegroundRole) == QColor("#b91c1c")
    assert model.index(0, 4).data(Qt.ItemDataRole.ForegroundRole) == QColor("#15803d")
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(3, 2).data() == "Mon 07 Dec 2026"
