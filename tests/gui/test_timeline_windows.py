"""PlanTimeline: visit windows (Day +30 +/-3) as light bands behind their markers.

A planned occurrence with a non-zero window gets a band from its date minus
``window_before`` to its date plus ``window_after`` on its own row; done occurrences and
steps without a window get none. The band is drawn (a pixel check against the same plan
without the window), named in the occurrence's tooltip and only looked at while in view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QPointF

from planner.domain.plans import Plan, instantiate, mark_done
from planner.domain.templates import parse_protocol
from ui.widgets.plan_timeline import PlanTimeline

D0 = dt.date(2026, 2, 8)
VISIT_DAY = dt.date(2026, 3, 10)  # Day +30
TODAY = dt.date(2026, 3, 9)

TEMPLATE = b"""
schema = 1
id = "win"
version = "1"
title = "Window test"
category = "follow-up"
transplant_types = ["allogeneic"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[[steps]]
id = "infusion"
title = "Infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "visit"
title = "Day +30 clinic visit"
phase = "follow-up"
kind = "visit"
day = 30
window = 3

[[steps]]
id = "lab"
title = "Blood count"
phase = "follow-up"
kind = "lab"
day = 36

[[steps]]
id = "late"
title = "Day +44 review"
phase = "follow-up"
kind = "visit"
day = 44
window_before = 2
window_after = 5
"""


@pytest.fixture
def plan() -> Plan:
    return instantiate(parse_protocol(TEMPLATE, "win.toml"), D0)


def _without_windows(plan: Plan) -> Plan:
    steps = tuple(dataclasses.replace(s, window_before=0, window_after=0) for s in plan.steps)
    return dataclasses.replace(plan, steps=steps)


def _view(qtbot, plan: Plan, ppd: float = 20.0) -> PlanTimeline:
    widget = PlanTimeline()
    qtbot.addWidget(widget)
    widget.resize(900, 320)
    widget.set_plan(plan, TODAY)
    widget._zoom(ppd / widget.px_per_day, 0)
    widget.show()
    qtbot.waitExposed(widget)
    # The visit in the middle of the chart, whatever the opening scroll.
    widget.select_step("win/visit")
    widget.select_step("")
    return widget


def _windows_of(view: PlanTimeline, step_id: str):
    return [(rect, occ) for rect, occ in view.window_rects() if occ.step_id == step_id]


def test_the_band_runs_from_the_first_to_the_last_day_of_the_window(qtbot, plan):
    view = _view(qtbot, plan)
    [(rect, occ)] = _windows_of(view, "win/visit")
    assert occ.date == VISIT_DAY
    ppd = view.px_per_day
    # Seven days: 7, 8, 9, 10, 11, 12 and 13 March.
    assert rect.width() == pytest.approx(7 * ppd)
    marker = view.bar_rect("win/visit")
    assert rect.contains(marker.center())
    assert rect.left() == pytest.approx(marker.center().x() - 3.5 * ppd, abs=0.6)
    assert rect.right() == pytest.approx(marker.center().x() + 3.5 * ppd, abs=0.6)
    # On the marker's own row, a little taller than the marker.
    assert rect.top() < marker.top() and rect.bottom() > marker.bottom()


def test_an_uneven_window_keeps_its_two_sides(qtbot, plan):
    view = _view(qtbot, plan, ppd=12.0)
    view.select_step("win/late")
    [(rect, _occ)] = _windows_of(view, "win/late")
    ppd = view.px_per_day
    marker = view.bar_rect("win/late")
    assert rect.width() == pytest.approx(8 * ppd)  # 2 days before, the day, 5 after
    assert marker.center().x() - rect.left() == pytest.approx(2.5 * ppd, abs=0.6)


def test_no_band_without_a_window_or_once_done(qtbot, plan):
    view = _view(qtbot, plan)
    steps = {occ.step_id for _rect, occ in view.window_rects()}
    assert "win/lab" not in steps and "win/infusion" not in steps
    done = mark_done(plan, "win/visit", 30, VISIT_DAY, by="u", at="t")
    view.set_plan(done, TODAY)
    assert _windows_of(view, "win/visit") == []
    view.set_plan(_without_windows(plan), TODAY)
    assert view.window_rects() == []


def test_the_band_is_painted_behind_the_marker(qtbot, plan):
    # Zoomed so that both plans fit the width: the same dates at the same place.
    with_window = _view(qtbot, plan, ppd=12.0)
    without = _view(qtbot, _without_windows(plan), ppd=12.0)
    with_window._h.setValue(0)
    without._h.setValue(0)
    assert without.bar_rect("win/visit") == with_window.bar_rect("win/visit")
    [(rect, _occ)] = _windows_of(with_window, "win/visit")
    marker = with_window.bar_rect("win/visit")
    image_with = with_window.grab().toImage()
    image_without = without.grab().toImage()
    inside = QPointF(rect.left() + 0.5 * with_window.px_per_day, marker.center().y()).toPoint()
    outside = QPointF(rect.left() - 1.5 * with_window.px_per_day, marker.center().y()).toPoint()
    # In the window, left of the marker: tinted; a day and a half before it: untouched.
    assert image_with.pixelColor(inside) != image_without.pixelColor(inside)
    assert image_with.pixelColor(inside).blue() > image_with.pixelColor(inside).red()
    assert image_with.pixelColor(outside) == image_without.pixelColor(outside)
    # The marker itself is drawn over the band: its centre looks the same either way.
    centre = marker.center().toPoint()
    assert image_with.pixelColor(centre) == image_without.pixelColor(centre)


def test_the_tooltip_says_the_window(qtbot, plan):
    view = _view(qtbot, plan)
    over_marker = view.tooltip_at(view.bar_rect("win/visit").center())
    assert "Window: 2026-03-07 to 2026-03-13" in over_marker
    # Over the band beside the marker: the same occurrence's tooltip.
    [(rect, _occ)] = _windows_of(view, "win/visit")
    beside = QPointF(rect.left() + 2, rect.center().y())
    assert view.tooltip_at(beside) == over_marker
    assert "Window" not in view.tooltip_at(view.bar_rect("win/lab").center())


def test_the_selected_occurrence_names_its_window_for_a_screen_reader(qtbot, plan):
    view = _view(qtbot, plan)
    view.select_step("win/visit")
    assert "Window: 2026-03-07 to 2026-03-13." in view.accessibleDescription()
    view.select_step("win/lab")
    assert "Window" not in view.accessibleDescription()


def test_only_the_windows_in_view_are_given_and_none_when_zoomed_out(qtbot, plan):
    view = _view(qtbot, plan, ppd=40.0)
    view.select_step("win/visit")
    shown = {occ.step_id for _rect, occ in view.window_rects()}
    assert shown == {"win/visit"}  # Day +44 is off the right edge at this zoom
    canvas = view._canvas()
    assert all(rect.intersects(canvas) for rect, _occ in view.window_rects())
    view._h.setValue(view._h.maximum())
    assert {occ.step_id for _rect, occ in view.window_rects()} == {"win/late"}
    view._zoom(1.0 / view.px_per_day, 0)  # phase bands only
    assert view.window_rects() == []


def test_a_window_past_the_last_step_is_inside_the_chart(qtbot, plan):
    view = _view(qtbot, plan)
    # Day +44 +5 is the last day anything is drawn on.
    assert view._last_date == D0 + dt.timedelta(days=49)
