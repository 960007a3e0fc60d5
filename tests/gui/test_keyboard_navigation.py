"""Keyboard: Tab leaves tables, the timeline shows focus, the search box leads to patients."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


@pytest.fixture
def window(demo_window, qtbot):
    demo_window.show()
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    return demo_window


def _focus(qtbot, widget):
    widget.setFocus(Qt.FocusReason.OtherFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def _inside(widget, container) -> bool:
    return widget is not None and (widget is container or container.isAncestorOf(widget))


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def test_tab_and_shift_tab_leave_the_board_table(window, qtbot):
    table = window.board.table
    table.setCurrentIndex(table.model().index(0, 0))
    _focus(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not _inside(QApplication.focusWidget(), table)
    assert QApplication.focusWidget() is window.clinic_timeline  # the next thing on the board
    _focus(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert QApplication.focusWidget() is window.board.show_closed  # back to the filters


def test_arrows_still_move_within_the_board_table(window, qtbot):
    table = window.board.table
    table.setCurrentIndex(table.model().index(0, 0))
    _focus(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 1
    assert QApplication.focusWidget() is table


def test_tab_leaves_the_today_worklist(window, qtbot):
    window.tabs.setCurrentIndex(1)
    view = window.worklist_view
    qtbot.waitUntil(view.isVisible)
    view.setCurrentIndex(view.model().index(0, 1))
    _focus(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not _inside(QApplication.focusWidget(), view)
    _focus(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert not _inside(QApplication.focusWidget(), view)


def test_tab_leaves_the_steps_table(window, qtbot):
    ws = _open(window, "DEMO-0009")
    ws.tabs.setCurrentWidget(ws.table)
    qtbot.waitUntil(ws.table.isVisible)
    ws.table.setCurrentIndex(ws.table.model().index(0, 0))
    _focus(qtbot, ws.table)
    qtbot.keyClick(ws.table, Qt.Key.Key_Tab)
    assert not _inside(QApplication.focusWidget(), ws.table)
    _focus(qtbot, ws.table)
    qtbot.keyClick(ws.table, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert not _inside(QApplication.focusWidget(), ws.table)


def test_timeline_shows_focus_before_a_bar_is_selected(window, qtbot):
    ws = _open(window, "DEMO-0009")
    timeline = ws.timeline
    highlight = timeline.palette().highlight().color()
    _focus(qtbot, window.tabs.tabBar())
    assert timeline.selected_step_id == ""
    unfocused = timeline.grab().toImage()
    _focus(qtbot, timeline)
    assert timeline.selected_step_id == ""  # nothing selected: the frame alone shows focus
    focused = timeline.grab().toImage()
    edge = [(0, timeline.height() // 2), (timeline.width() // 2, 0)]  # left and top edges
    assert all(focused.pixelColor(x, y) == highlight for x, y in edge)
    assert all(unfocused.pixelColor(x, y) != highlight for x, y in edge)


def test_down_in_the_search_box_goes_to_the_first_result(window, qtbot):
    board = window.board
    _focus(qtbot, board.search)
    qtbot.keyClicks(board.search, "demo-001")
    assert board.proxy.rowCount() > 1
    qtbot.keyClick(board.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is board.table
    assert board.table.currentIndex().row() == 0
    assert [i.row() for i in board.table.selectionModel().selectedRows()] == [0]


def test_enter_in_the_search_box_opens_the_first_patient_found(window, qtbot):
    board = window.board
    _focus(qtbot, board.search)
    qtbot.keyClicks(board.search, "DEMO-0009")
    with qtbot.waitSignal(board.sig_open_requested):
        qtbot.keyClick(board.search, Qt.Key.Key_Return)
    ws = window.current_workspace()
    assert ws is not None and ws.session.patient.mrn == "DEMO-0009"


def test_enter_in_the_search_box_opens_the_selected_patient(window, qtbot):
    board = window.board
    _focus(qtbot, board.search)
    qtbot.keyClicks(board.search, "demo-001")
    qtbot.keyClick(board.search, Qt.Key.Key_Down)
    qtbot.keyClick(board.table, Qt.Key.Key_Down)  # the second result
    chosen = board.selected_transplant_id()
    _focus(qtbot, board.search)
    qtbot.keyClick(board.search, Qt.Key.Key_Enter)
    ws = window.current_workspace()
    assert ws is not None and ws.session.transplant.id == chosen


def test_down_with_nothing_found_stays_in_the_search_box(window, qtbot):
    board = window.board
    _focus(qtbot, board.search)
    qtbot.keyClicks(board.search, "no such patient")
    qtbot.keyClick(board.search, Qt.Key.Key_Down)
    qtbot.keyClick(board.search, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is board.search
    assert window.current_workspace() is None


@pytest.mark.parametrize(
    ("mrn", "page", "table"),
    [
        ("DEMO-0001", "checklists", lambda ws: ws.checklists.table),
        ("DEMO-0003", "harvest_tab", lambda ws: ws.harvest_tab.table),
        ("DEMO-0011", "counts_tab", lambda ws: ws.counts_tab.grid),
        ("DEMO-0011", "counts_tab", lambda ws: ws.counts_tab.chimerism.table),
        ("DEMO-0005", "plan_checks", lambda ws: ws.plan_checks.table),
    ],
    ids=["checklist", "harvest", "counts-grid", "chimerism", "plan-checks"],
)
def test_tab_leaves_every_table_of_a_patient_page(window, qtbot, mrn, page, table):
    ws = _open(window, mrn)
    ws.tabs.setCurrentWidget(getattr(ws, page))
    view = table(ws)
    qtbot.waitUntil(view.isVisible)
    _focus(qtbot, view)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert not _inside(QApplication.focusWidget(), view)
