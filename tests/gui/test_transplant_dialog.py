"""The transplant record from the keyboard: Patient > Transplant record (Ctrl+Shift+E)
edits the donor and cancels a transplant, which leaves the board for its Closed filter
and comes back with Ctrl+Z; a refused change keeps the dialog open and says why."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from planner.domain.patients import DonorRelation, TransplantStatus
from tests.gui.conftest import NOW
from tests.gui.modals import press_ok, type_into
from ui.dialogs.transplant_dialog import TransplantDialog

TODAY = NOW.date()


@pytest.fixture
def window(shown_window):
    return shown_window


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def _choose(qtbot, box: QComboBox, data: str) -> None:
    """Pick the item holding ``data`` with the keyboard (Home, then Down)."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.findData(data)):
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentData() == data


def _press_record_key(qtbot, window) -> None:
    qtbot.keyClick(
        window,
        Qt.Key.Key_E,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )


def test_a_donor_is_edited_from_the_keyboard(window, qtbot, modals, demo_repo):
    ws = _open(window, "DEMO-0004")

    def edit(dialog):
        assert isinstance(dialog, TransplantDialog)
        w = dialog.widgets
        _choose(qtbot, w["relation"], "unrelated")
        type_into(qtbot, w["hla_match"], "10/10")
        _choose(qtbot, w["sex"], "female")
        _choose(qtbot, w["abo"], "A")
        type_into(qtbot, w["registry_id"], "9999-0001-2")
        press_ok(qtbot, dialog)

    answering = modals([edit])
    _press_record_key(qtbot, window)
    answering.stop()
    stored = demo_repo.get_transplant(ws.session.transplant.id)
    assert stored.donor is not None
    assert (stored.donor.relation, stored.donor.hla_match, stored.donor.sex) == (
        DonorRelation.UNRELATED,
        "10/10",
        "female",
    )
    assert (stored.donor.abo, stored.donor.registry_id) == ("A", "9999-0001-2")
    assert ws.session.transplant.donor == stored.donor  # the tab holds what was stored


def test_cancelling_takes_the_transplant_off_the_board_and_undo_brings_it_back(
    window, qtbot, modals, demo_repo
):
    ws = _open(window, "DEMO-0002")
    tid = ws.session.transplant.id
    refused: list[str] = []

    def cancel_without_reason(dialog):
        _choose(qtbot, dialog.widgets["status"], "cancelled")
        press_ok(qtbot, dialog)
        # Still open: the reason is required, and said under its field.
        assert dialog.isVisible()
        refused.append(dialog.errors._labels["status_reason"].text())
        type_into(qtbot, dialog.widgets["status_reason"], "patient declined")
        press_ok(qtbot, dialog)

    answering = modals([cancel_without_reason])
    _press_record_key(qtbot, window)
    answering.stop()
    assert refused == ["Give the reason for the change to cancelled."]
    assert demo_repo.get_transplant(tid).status is TransplantStatus.CANCELLED
    assert tid not in {r.transplant_id for r in window.session.rows}
    board = window.board
    shown = {board.model.row_at(i).transplant_id for i in range(board.model.rowCount())}
    assert tid not in shown
    board.show_closed.setFocus()
    qtbot.keyClick(board.show_closed, Qt.Key.Key_Space)

    def closed() -> list[str]:
        rows = (board.model.row_at(i) for i in range(board.model.rowCount()))
        return [r.phase for r in rows if r.transplant_id == tid]

    # The closed transplants are read when first asked for, in a worker thread.
    qtbot.waitUntil(lambda: closed() == ["cancelled"])
    window.tabs.setCurrentIndex(window.tabs.count() - 1)  # the patient's tab
    assert window.current_workspace() is ws
    # Xvfb has no window manager to hand activation back when the dialog closes.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert demo_repo.get_transplant(tid).status is not TransplantStatus.CANCELLED
    assert tid in {r.transplant_id for r in window.session.rows}
    assert tid not in {r.transplant_id for r in window.session.closed_rows}
    # Back on the board once, with its phase, and no longer among the closed rows.
    assert len(closed()) == 1 and closed() != ["cancelled"]
    assert QApplication.activeModalWidget() is None
