"""In the window: dragging one weekly CMV test moves that test only (undo brings it back);
the Steps table edits one occurrence; a skip's reason shows in the timeline tooltip, the
Steps table and the calendar."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, QPointF, Qt

from planner.domain.plans import skip_occurrence
from tests.gui.conftest import NOW

TODAY = NOW.date()
CMV = "supportive-care-allo/cmv-pcr"


def _open(window, mrn):
    row = next(r for r in window.session.rows if r.mrn == mrn)
    return window.open_transplant(row.transplant_id)


def _future_cmv(ws):
    plan = ws.session.plan
    return [
        o for o in plan.step_occurrences(plan.step(CMV)) if o.date > TODAY + dt.timedelta(days=2)
    ]


def test_dragging_one_weekly_test_moves_only_it(demo_window, qtbot):
    demo_window.resize(1366, 768)
    demo_window.show()
    ws = _open(demo_window, "DEMO-0010")  # allogeneic, weekly CMV PCR to Day +100
    target = _future_cmv(ws)[0]
    others = [o.date for o in _future_cmv(ws)[1:]]
    timeline = ws.timeline
    timeline.zoom_in()
    timeline.zoom_in()
    index = next(
        i for i, b in enumerate(timeline._bars) if b.step_id == CMV and b.start == target.date
    )
    timeline._select(index)
    rect = timeline._bar_rect(index)
    start = rect.center().toPoint()
    end = start + QPoint(round(timeline.px_per_day), 0)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(timeline, end)
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=end)
    moved = next(o for o in _future_cmv(ws) if o.position == target.position)
    assert moved.date == target.date + dt.timedelta(days=1)
    assert [o.date for o in _future_cmv(ws) if o.position != target.position] == others
    demo_window.activateWindow()
    qtbot.waitUntil(demo_window.isActiveWindow)
    qtbot.keyClick(demo_window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _future_cmv(ws)[0].date == target.date)


def test_the_steps_table_moves_one_occurrence(demo_window):
    ws = _open(demo_window, "DEMO-0010")
    before = [o.date for o in _future_cmv(ws)]
    target = _future_cmv(ws)[1]
    model = ws.table_model
    row = next(
        r
        for r in range(model.rowCount())
        if model.occurrence(r).step_id == CMV and model.occurrence(r).position == target.position
    )
    assert model._move(model.occurrence(row), target.date + dt.timedelta(days=2))
    after = [o.date for o in _future_cmv(ws)]
    assert after[1] == target.date + dt.timedelta(days=2)
    assert after[:1] + after[2:] == before[:1] + before[2:]  # the rest of the series stays


def test_a_skip_reason_shows_where_colleagues_read(demo_window):
    ws = _open(demo_window, "DEMO-0010")
    target = _future_cmv(ws)[0]
    plan = skip_occurrence(
        ws.session.plan, CMV, target.anchor_day, reason="patient on holiday", by="rn", at="t"
    )
    ws.session.push(plan, "Skip CMV test", reason="patient on holiday")
    timeline = ws.timeline
    index = next(
        i for i, b in enumerate(timeline._bars) if b.step_id == CMV and b.start == target.date
    )
    timeline._select(index)
    rect = timeline._bar_rect(index)
    assert "Skipped: patient on holiday" in timeline.tooltip_at(QPointF(rect.center()))
    model = ws.table_model
    row = next(
        r
        for r in range(model.rowCount())
        if model.occurrence(r).step_id == CMV and model.occurrence(r).position == target.position
    )
    assert model.index(row, 5).data() == "skipped: patient on holiday"
    assert "patient on holiday" in ws.calendar.cell_summary(target.date)


def test_fit_shows_the_transplant_first_and_the_whole_plan_when_pressed_again(demo_window):
    from planner.app.timeline import WORKING_LAST_DAY

    ws = _open(demo_window, "DEMO-0010")
    timeline = ws.timeline
    timeline.resize(1200, 400)
    timeline.fit()
    day0 = ws.session.plan.day0
    _first_visible, last_visible = timeline._scale.visible_dates(
        timeline._h.value(), timeline._canvas().width()
    )
    assert last_visible >= day0 + dt.timedelta(days=WORKING_LAST_DAY)
    assert last_visible < day0 + dt.timedelta(days=WORKING_LAST_DAY + 30)  # not ten years
    working = timeline.px_per_day
    timeline.fit()
    assert timeline.px_per_day < working  # the whole plan, years of follow-up
    timeline.fit()
    assert timeline.px_per_day == working


def test_the_timeline_stays_where_it_was_after_edits_undo_and_redo(demo_window, qtbot):
    from planner.domain.plans import move_step, set_step_note

    demo_window.resize(1366, 768)
    demo_window.show()
    ws = _open(demo_window, "DEMO-0010")
    timeline = ws.timeline
    timeline.zoom_in()
    timeline._h.setValue(timeline._h.value() + 37)  # mid-day, as after a drag of the view
    left = timeline._scale.date_at(timeline._h.value())
    stack = ws.session.undo_stack
    ws.session.push(set_step_note(ws.session.plan, CMV, "morning bloods"), "note")
    after, _ = move_step(ws.session.plan, CMV, 1)
    ws.session.push(after, "move")
    stack.undo()
    stack.redo()
    stack.undo()
    assert timeline._scale.date_at(timeline._h.value()) == left
