"""PlanTimeline: signals from simulated drags, keys and menus; a paint smoke test."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from planner.domain.plans import (
    StepStatus,
    instantiate,
    mark_done,
    set_step_status,
    skip_occurrence,
)
from planner.domain.templates import parse_protocol
from ui.widgets.plan_timeline import PlanTimeline, tick_days
from ui.widgets.status_style import STATUSES, status_icon

D0 = dt.date(2026, 3, 10)
TODAY = D0 - dt.timedelta(days=5)

TEMPLATE = b"""
schema = 1
id = "tl"
version = "1"
title = "Timeline test"
category = "conditioning"
transplant_types = ["allogeneic"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[[steps]]
id = "bu"
title = "Busulfan"
phase = "conditioning"
kind = "medication"
from = -7
to = -4
regimen_tied = true
dose = { amount = 3.2, unit = "mg", per = "kg", route = "IV", frequency = "once daily" }

[[steps]]
id = "cy"
title = "Cyclophosphamide"
phase = "conditioning"
kind = "medication"
days = [-3, -2]

[[steps]]
id = "seizure"
title = "Levetiracetam"
phase = "conditioning"
kind = "medication"
from = -8
to = -2

[[steps]]
id = "infusion"
title = "Infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "mtx"
title = "Methotrexate"
phase = "gvhd-prophylaxis"
kind = "medication"
days = [1, 3, 6, 11]

[[steps]]
id = "visit"
title = "Day +30 visit"
phase = "follow-up"
kind = "visit"
day = 30
"""


@pytest.fixture
def plan():
    plan = instantiate(parse_protocol(TEMPLATE, "tl.toml"), D0)
    # The whole of levetiracetam's first run is done; one cyclophosphamide day skipped.
    for day in range(-8, -5):
        plan = mark_done(plan, "tl/seizure", day, D0 + dt.timedelta(days=day), by="u", at="t")
    return skip_occurrence(plan, "tl/cy", -2, reason="toxicity", by="u", at="t")


@pytest.fixture
def view(qtbot, plan):
    widget = PlanTimeline()
    qtbot.addWidget(widget)
    widget.resize(760, 360)
    widget.set_plan(plan, TODAY, frozenset({D0 + dt.timedelta(days=2)}))
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def _centre(view, step_id):
    rect = view.bar_rect(step_id)
    assert not rect.isEmpty(), f"{step_id} is not on screen"
    return rect.center().toPoint()


def _drag(qtbot, view, start: QPoint, dx: float):
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    mid = start + QPoint(round(dx / 2), 0)
    end = start + QPoint(round(dx), 0)
    qtbot.mouseMove(view, mid)
    qtbot.mouseMove(view, end)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)


def test_paints_at_every_level_of_detail(view):
    for ppd in (40.0, 18.0, 3.0, 0.5):
        view._zoom(ppd / view.px_per_day, 0)
        pixmap = view.grab()
        assert not pixmap.isNull()
        assert pixmap.size() == view.size()
    view.fit()
    assert not view.grab().isNull()


def test_drag_snaps_to_days_and_moves_the_grabbed_bar_only(qtbot, view):
    start = _centre(view, "tl/bu")  # the first run: Days -7 and -6 (overdue)
    previews = []
    view.sig_step_drag_preview.connect(lambda s, d: previews.append((s, d)))
    with (
        qtbot.assertNotEmitted(view.sig_step_move_requested, wait=10),
        qtbot.waitSignal(view.sig_occurrences_move_requested, timeout=1000) as blocker,
    ):
        _drag(qtbot, view, start, 3 * view.px_per_day + 2)
    assert blocker.args == ["tl/bu", (-7, -6), 3]
    assert previews[-1] == ("tl/bu", 3)
    assert view.selected_step_id == "tl/bu"


def test_ctrl_drag_moves_the_whole_series(qtbot, view):
    start = _centre(view, "tl/bu")
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, start)
    end = start + QPoint(round(2 * view.px_per_day), 0)
    with qtbot.waitSignal(view.sig_step_move_requested, timeout=1000) as blocker:
        qtbot.mouseMove(view, end)
        qtbot.mouseRelease(
            view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, end
        )
    assert blocker.args == ["tl/bu", 2]


def test_drag_back_to_start_requests_nothing(qtbot, view):
    start = _centre(view, "tl/bu")
    with qtbot.assertNotEmitted(view.sig_step_move_requested, wait=50):
        _drag(qtbot, view, start, 0.3 * view.px_per_day)


def test_dragging_a_done_bar_is_refused(qtbot, view):
    start = _centre(view, "tl/seizure")  # first run is done
    with (
        qtbot.assertNotEmitted(view.sig_step_move_requested, wait=50),
        qtbot.assertNotEmitted(view.sig_step_drag_preview, wait=10),
        qtbot.waitSignal(view.sig_move_refused, timeout=1000) as refused,
    ):
        _drag(qtbot, view, start, 4 * view.px_per_day)
    assert refused.args[0] == "tl/seizure"
    assert "done" in refused.args[1]


def test_click_then_right_selects_the_next_bar_in_time_and_enter_activates(qtbot, view):
    with qtbot.waitActive(view):
        view.activateWindow()
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=_centre(view, "tl/bu"))
    assert view.selected_step_id == "tl/bu"
    qtbot.keyClick(view, Qt.Key.Key_Right)
    # Busulfan's overdue run (Day -7) is followed by levetiracetam's planned run (Day -5).
    assert view.selected_step_id == "tl/seizure"
    with qtbot.waitSignal(view.sig_step_activated, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    assert blocker.args == ["tl/seizure"]


@pytest.mark.parametrize(
    ("start", "key", "expected"),
    [
        ("tl/bu", Qt.Key.Key_Down, "tl/infusion"),
        ("tl/infusion", Qt.Key.Key_Down, "tl/mtx"),
        ("tl/mtx", Qt.Key.Key_Up, "tl/infusion"),
        ("tl/visit", Qt.Key.Key_Down, "tl/visit"),
        ("tl/infusion", Qt.Key.Key_Left, "tl/cy"),
    ],
    ids=["down-to-infusion", "down-to-prophylaxis", "up", "down-at-bottom", "left-in-time"],
)
def test_keyboard_navigation(qtbot, view, start, key, expected):
    view.select_step(start)
    qtbot.keyClick(view, key)
    assert view.selected_step_id == expected


def test_shift_arrow_moves_the_selected_occurrence_ctrl_the_series(qtbot, view):
    view.select_step("tl/mtx")  # Day +1, one of four single-day occurrences
    with qtbot.waitSignal(view.sig_occurrences_move_requested, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert blocker.args == ["tl/mtx", (1,), -1]
    both = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
    with qtbot.waitSignal(view.sig_step_move_requested, timeout=1000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Right, both)
    assert blocker.args == ["tl/mtx", 1]


def test_skip_and_mark_done_are_not_offered_on_a_recorded_occurrence(view):
    rect = view.bar_rect("tl/seizure")  # its first run is done
    menu = view._context_menu_at(rect.center())
    assert menu is not None
    state = {a.data(): a.isEnabled() for a in menu.actions() if a.data()}
    assert state["done"] is False and state["skip"] is False
    assert state["undo_record"] is True


def test_shift_arrow_on_a_done_bar_is_refused(qtbot, view):
    view.select_step("tl/seizure")
    with qtbot.assertNotEmitted(view.sig_step_move_requested, wait=50):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)


def test_double_click_activates(qtbot, view):
    with qtbot.waitSignal(view.sig_step_activated, timeout=1000) as blocker:
        qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=_centre(view, "tl/infusion"))
    assert blocker.args == ["tl/infusion"]


def test_plus_and_minus_zoom(qtbot, view):
    before = view.px_per_day
    qtbot.keyClick(view, Qt.Key.Key_Plus)
    assert view.px_per_day > before
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    qtbot.keyClick(view, Qt.Key.Key_Minus)
    assert view.px_per_day < before


def test_zoom_keeps_the_date_under_the_anchor(view):
    anchor = 200.0
    before = view._date_at(anchor + 140)
    view._zoom(2.0, anchor)
    assert view._date_at(anchor + 140) == before


def test_fit_shows_the_whole_plan(view):
    view.fit()
    assert view._h.maximum() == 0
    assert view.bar_rect("tl/visit").right() <= view._canvas().right()


@pytest.mark.parametrize(
    ("action", "expected"),
    [("done", "done"), ("skip", "skip"), ("note", "note"), ("cancel", "cancel"), ("open", "open")],
)
def test_context_menu_actions_name_the_occurrence(qtbot, view, action, expected):
    # The third methotrexate diamond is Day +6: anchor offset 6.
    rect = [view._bar_rect(i) for i, b in enumerate(view._bars) if b.step_id == "tl/mtx"][2]
    menu = view._context_menu_at(rect.center())
    assert menu is not None
    chosen = next(a for a in menu.actions() if a.data() == action)
    with qtbot.waitSignal(view.sig_step_action_requested, timeout=1000) as blocker:
        chosen.trigger()
    assert blocker.args == ["tl/mtx", expected, 6]


def test_a_cancelled_step_offers_to_plan_it_again(view):
    plan = set_step_status(view._plan, "tl/mtx", StepStatus.CANCELLED, "not needed")
    view.set_plan(plan, view._today)
    rect = next(view._bar_rect(i) for i, b in enumerate(view._bars) if b.step_id == "tl/mtx")
    menu = view._context_menu_at(rect.center())
    assert menu is not None
    keys = {a.data() for a in menu.actions() if a.data()}
    assert "replan" in keys and "cancel" not in keys


def test_context_menu_over_empty_space_is_none(view):
    assert view._context_menu_at(QPointF(view.width() - 30, view.height() - 30)) is None


def test_tooltip_names_day_date_status_and_order(view):
    text = view.tooltip_at(QPointF(_centre(view, "tl/bu")))
    assert "Busulfan" in text
    assert "Day -7" in text
    assert "2026" in text
    assert "3.2 mg/kg IV once daily" in text
    assert "regimen" in text


def test_tooltip_over_overdue_run_says_overdue(view):
    # Busulfan Days -7 and -6 passed without a record; today is Day -5.
    assert "Status: Overdue" in view.tooltip_at(QPointF(_centre(view, "tl/bu")))


def test_set_plan_keeps_selection_and_zoom(view, plan):
    view.select_step("tl/mtx")
    view.zoom_in()
    ppd = view.px_per_day
    view.set_plan(plan, TODAY + dt.timedelta(days=1))
    assert view.selected_step_id == "tl/mtx"
    assert view.px_per_day == ppd


def test_accessible_names_and_status_icons(view):
    assert view.accessibleName() == "Plan timeline"
    view.select_step("tl/infusion")
    assert "Infusion" in view.accessibleDescription()
    for status in STATUSES:
        assert not status_icon(status).isNull()


@pytest.mark.parametrize(
    ("ppd", "days"), [(120, 1), (30, 2), (10, 7), (2, 28), (1.5, 91), (0.25, 364)]
)
def test_tick_spacing(ppd, days):
    assert tick_days(ppd) == days


def test_paints_with_a_selection(view, tmp_path):
    view.select_step("tl/bu")
    assert view.grab().save(str(tmp_path / "plan_timeline.png"))


def _wheel(view, pos: QPointF, dy: int, modifiers):
    event = QWheelEvent(
        pos,
        view.mapToGlobal(pos),
        QPoint(),
        QPoint(0, dy),
        Qt.MouseButton.NoButton,
        modifiers,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(view, event)


def test_ctrl_wheel_zooms_and_plain_wheel_scrolls(view):
    before = view.px_per_day
    _wheel(view, QPointF(400, 100), 120, Qt.KeyboardModifier.ControlModifier)
    assert view.px_per_day > before
    start = view._h.value()
    _wheel(view, QPointF(400, 100), -120, Qt.KeyboardModifier.NoModifier)
    assert view._h.value() > start  # lanes fit the height, so the wheel scrolls in time


def test_selecting_a_step_out_of_view_brings_it_to_the_middle(view):
    for _ in range(8):  # zoomed in: Day +30 is far off to the right
        view.zoom_in()
    view._h.setValue(0)
    assert view.bar_rect("tl/visit").left() > view._canvas().right()
    view.select_step("tl/visit")
    rect, canvas = view.bar_rect("tl/visit"), view._canvas()
    assert not rect.isEmpty()
    assert abs(rect.center().x() - canvas.center().x()) < canvas.width() / 4


def test_titles_outside_their_bars_never_overlap_in_a_row(qtbot) -> None:
    """Every demo plan at the opening zoom: a title placed left or right of its marker
    keeps clear of every other title placed outside in the same row."""
    from planner.app.demo import build_demo_clinic

    widget = PlanTimeline()
    qtbot.addWidget(widget)
    widget.resize(1280, 600)
    fm = widget.fontMetrics()
    for _patient, _transplant, demo_plan in build_demo_clinic(TODAY):
        widget.set_plan(demo_plan, TODAY, frozenset())
        rows: dict[float, list[tuple[float, float]]] = {}
        for index, (side, room) in widget._labels.items():
            if side == "inside":
                continue
            rect = widget._content_rect(index)
            width = min(fm.horizontalAdvance(widget._bars[index].title) + 4, room) + 8
            span = (
                (rect.right(), rect.right() + width)
                if side == "right"
                else (
                    rect.left() - width,
                    rect.left(),
                )
            )
            rows.setdefault(rect.top(), []).append(span)
        for spans in rows.values():
            spans.sort()
            for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
                assert start >= end - 0.5, demo_plan.transplant_id
