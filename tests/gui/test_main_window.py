"""The main window on the demo clinic: board, filters, keyboard, worklist, no PHI in titles."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from tests.gui.conftest import NOW


def test_board_lists_every_demo_patient(demo_window, qtmodeltester):
    model = demo_window.model
    assert model.rowCount() == 18  # a tandem: two rows; a cancelled transplant: none
    qtmodeltester.check(model)
    labels = {model.index(r, 3).data() for r in range(model.rowCount())}
    assert {"D+12", "D0", "D-3", "M-Day 3"} <= labels


def test_search_is_case_and_accent_insensitive(demo_window):
    board = demo_window.board
    board.search.setText("DEMO-0009")
    assert board.proxy.rowCount() == 1
    board.search.setText("lukasz")  # matches "Łukasz"
    assert board.proxy.rowCount() == 1
    board.search.setText("zoe")  # matches "Zoë"
    assert board.proxy.rowCount() == 1
    board.search.clear()
    assert board.proxy.rowCount() == 18


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        (lambda b: b.phase.setCurrentText("conditioning"), {"conditioning"}),
        (lambda b: b.coordinator.setCurrentText("R. Patel"), None),
        (lambda b: b.overdue_only.setChecked(True), None),
        (lambda b: b.this_week.setChecked(True), None),
    ],
    ids=["phase", "coordinator", "overdue-only", "this-week"],
)
def test_filters_narrow_the_board(demo_window, setup, expected):
    board = demo_window.board
    setup(board)
    shown = [
        board.model.row_at(board.proxy.mapToSource(board.proxy.index(r, 0)).row())
        for r in range(board.proxy.rowCount())
    ]
    assert 0 < len(shown) < 14
    assert all(board.proxy.accepts(row) for row in shown)
    if expected is not None:
        assert {r.phase for r in shown} == expected


def test_day_column_sorts_by_number(demo_window):
    board = demo_window.board
    board.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    days = [
        board.model.row_at(board.proxy.mapToSource(board.proxy.index(r, 0)).row()).day
        for r in range(board.proxy.rowCount())
    ]
    assert days == sorted(days)


def test_enter_on_board_opens_patient(demo_window, qtbot):
    demo_window.show()
    with qtbot.waitActive(demo_window):
        demo_window.activateWindow()
    board = demo_window.board
    board.search.setText("DEMO-0009")
    board.table.setFocus()
    board.table.setCurrentIndex(board.proxy.index(0, 0))
    with qtbot.waitSignal(board.sig_open_requested) as blocker:
        qtbot.keyClick(board.table, Qt.Key.Key_Return)
    ws = demo_window.current_workspace()
    assert ws is not None and ws.session.patient.mrn == "DEMO-0009"
    assert blocker.args == [ws.session.transplant.id]
    # the tab shows the MRN, never the name; the window title stays generic
    assert demo_window.tabs.tabText(demo_window.tabs.currentIndex()) == "DEMO-0009"
    assert "Papadopoulos" not in demo_window.windowTitle()


def test_opening_a_patient_is_audited(demo_window, demo_repo):
    tid = demo_window.session.rows[0].transplant_id
    demo_window.open_transplant(tid)
    events = [e for e in demo_repo.audit_log() if e.entity == "event"]
    assert events and "View patient" in events[-1].new


def test_demo_banner_and_window_grab(demo_window, qtbot):
    with qtbot.waitExposed(demo_window):
        demo_window.show()
    assert demo_window.banner.isVisible()
    assert "DEMO" in demo_window.windowTitle()
    assert not demo_window.grab().isNull()


def test_empty_database_offers_the_demo_clinic(make_window, qtbot, monkeypatch):
    from planner.storage.memory import InMemoryRepository
    from ui.dialogs.step_dialogs import StepDialogs

    repo = InMemoryRepository()
    window = make_window(repo, demo=False)
    assert "load_demo" not in window.actions_by_name  # never in a real clinic's menu
    with qtbot.waitExposed(window):
        window.show()
    assert window.empty_panel.isVisible()
    monkeypatch.setattr(StepDialogs, "confirm", lambda parent, title, text: False)
    qtbot.mouseClick(window.load_demo_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 0  # declined: nothing added
    monkeypatch.setattr(StepDialogs, "confirm", lambda parent, title, text: True)
    qtbot.mouseClick(window.load_demo_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == 18
    assert not window.empty_panel.isVisible()
    window.load_demo()  # a clinic with patients refuses a second load
    assert window.model.rowCount() == 18


def test_worklist_check_off_marks_done_and_undoes(demo_window, demo_repo):
    model = demo_window.worklist_model
    assert model.rowCount() > 0
    first = model.item(0)
    assert model.setData(model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    plan = demo_repo.get_plan(first.transplant_id)
    rec = plan.step(first.step_id).record_for(first.offset)
    assert rec is not None and rec.actual_date == NOW.date()
    assert all(
        (i.step_id, i.offset) != (first.step_id, first.offset)
        or i.transplant_id != first.transplant_id
        for i in demo_window.session.worklist
    )
    demo_window.actions_by_name["undo"].trigger()
    plan = demo_repo.get_plan(first.transplant_id)
    assert plan.step(first.step_id).record_for(first.offset) is None


def test_worklist_print_document_escapes_text(demo_window):
    html = demo_window.worklist_document().toHtml()
    assert "Worklist" in html
    assert "<script" not in html


def test_phase_tooltip_states_the_rule(demo_window):
    model = demo_window.model
    tips = [model.index(r, 4).data(Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())]
    assert all(tips)


def test_workspace_header_uses_recorded_engraftment(demo_window):
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0011")
    row = next(r for r in demo_window.session.rows if r.transplant_id == tid)
    assert row.phase == "engrafted"  # from the demo's synthetic counts
    ws = demo_window.open_transplant(tid)
    assert "(engrafted)" in ws.header.text()
    assert "Neutrophil engraftment recorded" in ws.header.toolTip()


def test_engraftment_day_is_marked_on_the_patient_timeline(demo_window):
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0011")
    ws = demo_window.open_transplant(tid)
    engrafted = demo_window.session.engrafted[tid]
    assert ws.timeline.events() == [(engrafted, "ANC engraftment")]
    day = (engrafted - ws.session.plan.day0).days
    assert f"ANC engraftment Day +{day}" in ws.timeline.accessibleDescription()
    assert not ws.timeline.grab().isNull()


def test_bad_centre_settings_show_a_persistent_banner(demo_window, qtbot):
    with qtbot.waitExposed(demo_window):
        demo_window.show()
    assert not demo_window.settings_banner.isVisible()
    demo_window.show_settings_problem("centre.toml, field 'closures': must be a list of dates.")
    assert demo_window.settings_banner.isVisible()
    assert "closures" in demo_window.settings_banner.text()


def test_board_follows_the_date_on_a_workstation_left_open(make_window, demo_repo, qtbot):
    import datetime as _dt

    clock = {"now": NOW}
    window = make_window(demo_repo, clock=lambda: clock["now"])
    day = {r.transplant_id: r.day for r in window.session.rows}
    assert window.session.refresh_if_new_day() is False
    clock["now"] = NOW + _dt.timedelta(days=1)
    assert window.session.refresh_if_new_day() is True  # in a worker thread
    qtbot.waitUntil(lambda: window.session.computed_for == clock["now"].date())
    assert all(r.day == day[r.transplant_id] + 1 for r in window.session.rows if r.day is not None)


def _full_board(repo, day=None):
    """The board a full recompute gives."""
    from planner.app.clinic import clinic_view

    return clinic_view(repo, day or NOW.date())


def test_an_edit_recomputes_only_its_transplant_and_equals_a_full_refresh(
    demo_window, demo_repo, monkeypatch
):
    import planner.app.clinic as services

    parts: list[set[str] | None] = []
    real = services.load_clinic
    monkeypatch.setattr(
        services,
        "load_clinic",
        lambda repo, ids=None, known=None: parts.append(ids) or real(repo, ids, known),
    )
    item = demo_window.worklist_model.item(0)
    model = demo_window.worklist_model
    assert model.setData(model.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert parts and all(ids == {item.transplant_id} for ids in parts)
    full = _full_board(demo_repo)
    assert demo_window.session.rows == full.rows
    assert demo_window.session.worklist == full.worklist
    demo_window.actions_by_name["undo"].trigger()
    assert demo_window.session.worklist == _full_board(demo_repo).worklist
    assert demo_window.session.worklist[0] == item


def test_a_new_day_takes_the_full_refresh(make_window, demo_repo):
    clock = {"now": NOW}
    window = make_window(demo_repo, clock=lambda: clock["now"])
    tid = window.session.rows[0].transplant_id
    clock["now"] = NOW + dt.timedelta(days=1)
    window.session.refresh_transplants({tid})
    assert window.session.computed_for == clock["now"].date()
    assert window.session.rows == _full_board(demo_repo, clock["now"].date()).rows


def test_alert_tooltip_gives_the_rule_of_each_alert(demo_window):
    model = demo_window.model
    column = next(
        i
        for i in range(model.columnCount())
        if model.headerData(i, Qt.Orientation.Horizontal) == "Alerts"
    )
    row = next(i for i in range(model.rowCount()) if model.row_at(i).mrn == "DEMO-0004")
    tip = model.data(model.index(row, column), Qt.ItemDataRole.ToolTipRole)
    assert "IDM tests expire" in tip
    assert "Why: A checklist item with a validity period" in tip


def test_counts_saved_from_a_patient_tab_recompute_that_patients_rows(demo_window, monkeypatch):
    """A count changes the board's engraftment alerts: the patient's rows follow at once."""
    import planner.app.clinic as services

    parts: list[object] = []
    real = services.load_clinic
    monkeypatch.setattr(
        services,
        "load_clinic",
        lambda repo, ids=None, known=None: parts.append(ids) or real(repo, ids, known),
    )
    row = next(r for r in demo_window.session.rows if r.mrn == "DEMO-0009")
    ws = demo_window.open_transplant(row.transplant_id)
    counts = ws.counts_tab
    day = ws.session.plan.day0 + dt.timedelta(days=2)
    counts.add_counts(day, {"anc": 0.2})
    assert parts == [{row.transplant_id}]
    assert demo_window.session.rows == _full_board(demo_window.session.repo).rows


def test_a_board_index_that_cannot_be_stored_does_not_stop_the_close(
    make_window, demo_repo, settings, qtbot, monkeypatch
):
    from planner.errors import StorageError
    from tests.gui.conftest import ACTOR
    from ui.app import create_main_window

    tried: list[object] = []

    def full_disk(entries):
        tried.append(entries)
        raise StorageError("The disk is full.")

    monkeypatch.setattr(demo_repo, "store_board_entries", full_disk)
    window = create_main_window(
        demo_repo, actor=ACTOR, clock=lambda: NOW, demo=True, settings=settings, keep_snapshot=True
    )
    qtbot.addWidget(window)
    window.close()  # no exception out of closeEvent
    assert not window.isVisible()
    assert tried, "the close tried to store the entries: not vacuous"
    index = demo_repo.board_index()
    assert index and all(i.entry is None for i in index)
