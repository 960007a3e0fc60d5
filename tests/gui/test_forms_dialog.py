"""View > Registry forms due: the clinic's registry forms with their windows, opened from
the keyboard; a double click opens the patient on the Checklists tab."""

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
    rows = [
        [dialog.table.item(r, c).text() for c in range(5)] for r in range(dialog.table.rowCount())
    ]
    assert rows and all(r[4] in ("past due", "in window", "upcoming") for r in rows)
    assert all(f.due.toordinal() <= NOW.date().toordinal() + 31 for f in dialog.forms)
    assert "past due" in dialog.summary.text()
    shown = len(rows)
    dialog.every.setChecked(True)
    assert dialog.loading and "Reading" in dialog.summary.text()
    qtbot.waitUntil(lambda: not dialog.loading)
    assert dialog.table.rowCount() > shown  # done and later forms too
    first = dialog.forms[0]
    dialog._open(0)
    ws = window.current_workspace()
    assert ws is not None and ws.session.transplant.id == first.transplant_id
    assert ws.tabs.currentWidget() is ws.checklists  # where the form is ticked
