"""MonthCalendar: day numbers and steps in cells, keyboard and month navigation."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from planner.domain.plans import instantiate, mark_done
from planner.domain.templates import parse_protocol
from tests.gui.test_plan_timeline import D0, TEMPLATE
from ui.widgets.month_calendar import MonthCalendar, add_months

TODAY = D0 + dt.timedelta(days=12)


@pytest.fixture
def plan():
    plan = instantiate(parse_protocol(TEMPLATE, "tl.toml"), D0)
    return mark_done(plan, "tl/infusion", 0, D0, by="u", at="t")


@pytest.fixture
def calendar(qtbot, plan):
    widget = MonthCalendar()
    qtbot.addWidget(widget)
    widget.resize(760, 560)
    widget.set_plan(plan, TODAY)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def test_opens_on_todays_month_and_paints(calendar):
    assert (calendar.year, calendar.month) == (2026, 3)
    assert calendar.selected_date == TODAY
    pixmap = calendar.grab()
    assert not pixmap.isNull()
    assert pixmap.size() == calendar.size()


@pytest.mark.parametrize(("offset", "label"), [(0, "D0"), (12, "D+12"), (-7, "D-7")])
def test_cells_show_transplant_day_numbers(calendar, offset, label):
    date = D0 + dt.timedelta(days=offset)
    assert calendar.day_label(date) == label
    assert f"{label}:" in calendar.cell_summary(date)


def test_cells_list_the_days_steps_with_status(calendar):
    summary = calendar.cell_summary(D0 - dt.timedelta(days=3))
    assert "Cyclophosphamide (overdue)" in summary
    assert "Levetiracetam" in summary
    assert "Infusion (done)" in calendar.cell_summary(D0)
    assert "no steps" in calendar.cell_summary(D0 + dt.timedelta(days=2))


def test_cell_geometry_and_hit_test_agree(calendar):
    rect = calendar.cell_rect(D0)
    assert not rect.isEmpty()
    assert calendar.date_at(rect.center()) == D0
    # March 2026 starts on a Sunday: the grid starts on Monday 23 February.
    assert calendar.date_at(calendar.cell_rect(dt.date(2026, 2, 23)).center()) == dt.date(
        2026, 2, 23
    )
    assert calendar.cell_rect(dt.date(2026, 6, 1)).isEmpty()


def test_page_down_shows_the_next_month(qtbot, calendar):
    with qtbot.waitSignal(calendar.sig_month_changed, timeout=1000) as blocker:
        qtbot.keyClick(calendar, Qt.Key.Key_PageDown)
    assert blocker.args == [2026, 4]
    assert calendar.selected_date == dt.date(2026, 4, 22)
    qtbot.keyClick(calendar, Qt.Key.Key_PageUp)
    qtbot.keyClick(calendar, Qt.Key.Key_PageUp)
    assert (calendar.year, calendar.month) == (2026, 2)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (Qt.Key.Key_Right, dt.date(2026, 3, 23)),
        (Qt.Key.Key_Left, dt.date(2026, 3, 21)),
        (Qt.Key.Key_Down, dt.date(2026, 3, 29)),
        (Qt.Key.Key_Up, dt.date(2026, 3, 15)),
        (Qt.Key.Key_Home, dt.date(2026, 3, 1)),
        (Qt.Key.Key_End, dt.date(2026, 3, 31)),
    ],
    ids=["right", "left", "down", "up", "home", "end"],
)
def test_arrow_keys_move_the_selected_day(qtbot, calendar, key, expected):
    qtbot.keyClick(calendar, key)
    assert calendar.selected_date == expected


def test_arrows_across_the_month_end_change_month(qtbot, calendar):
    calendar.select_date(dt.date(2026, 3, 31))
    qtbot.keyClick(calendar, Qt.Key.Key_Right)
    assert calendar.selected_date == dt.date(2026, 4, 1)
    assert (calendar.year, calendar.month) == (2026, 4)


def test_enter_activates_the_selected_day(qtbot, calendar):
    qtbot.keyClick(calendar, Qt.Key.Key_Right)
    with qtbot.waitSignal(calendar.sig_day_activated, timeout=1000) as blocker:
        qtbot.keyClick(calendar, Qt.Key.Key_Return)
    assert blocker.args == [dt.date(2026, 3, 23)]


def test_click_selects_and_double_click_activates(qtbot, calendar):
    with qtbot.waitActive(calendar):
        calendar.activateWindow()
    pos = calendar.cell_rect(D0).center().toPoint()
    qtbot.mouseClick(calendar, Qt.MouseButton.LeftButton, pos=pos)
    assert calendar.selected_date == D0
    with qtbot.waitSignal(calendar.sig_day_activated, timeout=1000) as blocker:
        qtbot.mouseDClick(calendar, Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [D0]


def test_show_month_and_buttons(qtbot, calendar):
    calendar.show_month(2026, 5)
    assert calendar.selected_date == dt.date(2026, 5, 22)
    calendar._prev.click()
    assert (calendar.year, calendar.month) == (2026, 4)
    calendar._today_button.click()
    assert calendar.selected_date == TODAY


def test_set_plan_keeps_the_month_shown(calendar, plan):
    calendar.show_month(2026, 4)
    calendar.set_plan(plan, TODAY + dt.timedelta(days=1))
    assert (calendar.year, calendar.month) == (2026, 4)


def test_accessible_description_reads_the_selected_day(calendar):
    assert calendar.accessibleName() == "Plan month calendar"
    calendar.select_date(D0)
    assert "D0" in calendar.accessibleDescription()
    assert "Infusion" in calendar.accessibleDescription()


@pytest.mark.parametrize(
    ("date", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 15), -1, dt.date(2025, 12, 15)),
    ],
)
def test_add_months_clamps_to_month_end(date, months, expected):
    assert add_months(date, months) == expected


def test_paints_with_focus(calendar, tmp_path):
    calendar.setFocus()
    assert calendar.grab().save(str(tmp_path / "month_calendar.png"))
