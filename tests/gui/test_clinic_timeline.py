"""The clinic timeline: painting, culling, keys, clicks, zoom around the cursor, detail levels."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QWheelEvent
from PySide6.QtWidgets import QApplication

from planner.app.timeline import phase_bands, step_bars
from planner.domain.plans import instantiate
from planner.domain.templates import parse_protocol
from ui.widgets.clinic_timeline import (
    _STATUS,
    _STATUS_NAMES,
    AXIS_HEIGHT,
    NAME_WIDTH,
    ROW_HEIGHT,
    ClinicRow,
    ClinicTimeline,
    _RowGeometry,
)

TODAY = dt.date(2026, 3, 10)

TEMPLATE = b"""
schema = 1
id = "clinic"
version = "1"
title = "Clinic timeline test"
category = "conditioning"
transplant_types = ["allogeneic"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[[steps]]
id = "workup"
title = "Work-up visit"
phase = "work-up"
kind = "visit"
day = -30

[[steps]]
id = "flu"
title = "Fludarabine"
phase = "conditioning"
kind = "medication"
from = -6
to = -2

[[steps]]
id = "cells"
title = "Stem cell infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "csa"
title = "Ciclosporin"
phase = "gvhd-prophylaxis"
kind = "medication"
from = -1
to = 60

[[steps]]
id = "fbc"
title = "Blood count"
phase = "recovery"
kind = "lab"
from = 1
to = 30
every = 3

[[steps]]
id = "d100"
title = "Day +100 review"
phase = "follow-up"
kind = "visit"
days = [60, 100]
"""


def make_rows(count: int, *, without_plan: int | None = None) -> list[ClinicRow]:
    protocol = parse_protocol(TEMPLATE, "clinic.toml")
    rows = []
    for i in range(count):
        if i == without_plan:
            rows.append(ClinicRow(f"t{i}", f"NOPLAN{i}, Test", None))
            continue
        day0 = TODAY + dt.timedelta(days=20 - (i * 11) % 120)
        rows.append(
            ClinicRow(
                f"t{i}",
                f"PATIENT{i:03d}, Test · D{(TODAY - day0).days:+d}",
                instantiate(protocol, day0, transplant_id=f"t{i}"),
            )
        )
    return rows


@pytest.fixture
def timeline(qtbot) -> ClinicTimeline:
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(900, 420)
    widget.set_rows(make_rows(20), TODAY)
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def row_y(widget: ClinicTimeline, index: int) -> int:
    return AXIS_HEIGHT + index * ROW_HEIGHT + ROW_HEIGHT // 2 - widget.verticalScrollBar().value()


def test_grab_is_not_null_and_of_widget_size(timeline):
    image = timeline.grab()
    assert not image.isNull()
    assert image.size() == timeline.size()
    assert timeline.accessibleName() == "Clinic timeline"
    assert timeline.focusPolicy() == Qt.FocusPolicy.StrongFocus


def test_paints_only_the_rows_in_view(qtbot):
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    widget.set_rows(make_rows(100), TODAY)
    with qtbot.waitExposed(widget):
        widget.show()
    in_view = widget._rows_in_view()
    assert in_view.start == 0
    assert 0 < len(in_view) < 20
    widget.grab()
    assert widget.painted_rows == len(in_view)
    widget.verticalScrollBar().setValue(50 * ROW_HEIGHT)
    assert widget._rows_in_view().start == 50
    widget.grab()
    assert widget.painted_rows == len(widget._rows_in_view()) < 20


def test_down_moves_selection_and_enter_opens(timeline, qtbot):
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    assert timeline.selected_row() == 1
    qtbot.keyClick(timeline, Qt.Key.Key_Up)
    qtbot.keyClick(timeline, Qt.Key.Key_Down)
    with qtbot.waitSignal(timeline.sig_patient_activated, timeout=1000) as blocker:
        qtbot.keyClick(timeline, Qt.Key.Key_Return)
    assert blocker.args == ["t1"]


def test_down_scrolls_the_selection_into_view(timeline, qtbot):
    for _ in range(25):  # the first Down selects row 0; the last ones stop at the end
        qtbot.keyClick(timeline, Qt.Key.Key_Down)
    assert timeline.selected_row() == 19
    assert 19 in timeline._rows_in_view()


def test_enter_without_selection_emits_nothing(timeline, qtbot):
    with qtbot.assertNotEmitted(timeline.sig_patient_activated):
        qtbot.keyClick(timeline, Qt.Key.Key_Enter)


def test_click_selects_and_double_click_opens(timeline, qtbot):
    with qtbot.waitSignal(timeline.sig_patient_selected, timeout=1000) as blocker:
        qtbot.mouseClick(
            timeline.viewport(),
            Qt.MouseButton.LeftButton,
            pos=QPoint(NAME_WIDTH + 100, row_y(timeline, 3)),
        )
    assert blocker.args == ["t3"]
    assert timeline.selected_row() == 3
    with qtbot.waitSignal(timeline.sig_patient_activated, timeout=1000) as blocker:
        qtbot.mouseDClick(
            timeline.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(40, row_y(timeline, 2))
        )
    assert blocker.args == ["t2"]


def test_click_on_the_axis_selects_nothing(timeline, qtbot):
    qtbot.mouseClick(
        timeline.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(NAME_WIDTH + 100, AXIS_HEIGHT // 2),
    )
    assert timeline.selected_row() == -1


def test_zoom_in_and_out_change_px_per_day(timeline, qtbot):
    start = timeline.px_per_day
    with qtbot.waitSignal(timeline.sig_zoom_changed, timeout=1000):
        timeline.zoom_in()
    assert timeline.px_per_day > start
    timeline.zoom_out()
    timeline.zoom_out()
    assert timeline.px_per_day < start
    before = timeline.px_per_day
    qtbot.keyClick(timeline, Qt.Key.Key_Plus)
    assert timeline.px_per_day > before


def test_ctrl_wheel_zooms_around_the_cursor(timeline):
    timeline.set_px_per_day(4.0)
    timeline.scroll_to_today()
    # Half a day right of a day boundary, so float rounding cannot flip the day.
    x = NAME_WIDTH + 300 + 2.0 - timeline.horizontalScrollBar().value() % 4
    date = timeline.date_at(x)
    event = QWheelEvent(
        QPointF(x, 100),
        QPointF(x, 100),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.ControlModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(timeline.viewport(), event)
    assert timeline.px_per_day == pytest.approx(4.0 * 1.25**2)
    assert timeline.date_at(x) == date


def test_plain_wheel_scrolls_rows(timeline):
    timeline.resize(900, 200)
    event = QWheelEvent(
        QPointF(400, 100),
        QPointF(400, 100),
        QPoint(0, 0),
        QPoint(0, -120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(timeline.viewport(), event)
    assert timeline.verticalScrollBar().value() > 0


def test_detail_level_follows_zoom(timeline):
    for ppd, level in ((0.5, "phase"), (3.0, "step"), (12.0, "occurrence"), (60.0, "occurrence")):
        timeline.set_px_per_day(ppd)
        assert timeline.detail_level() == level
        assert not timeline.grab().isNull()


def test_fit_shows_every_plan(timeline):
    timeline.set_px_per_day(40.0)
    timeline.fit()
    dates = [d for r in timeline.rows() if r.plan for d in (o.date for o in r.plan.occurrences())]
    assert timeline.date_at(NAME_WIDTH) <= min(dates)
    assert timeline.date_at(timeline.viewport().width() - 1) >= max(dates)


def test_scroll_to_today_brings_today_into_view(timeline):
    timeline.set_px_per_day(20.0)
    timeline.scroll_to_date(TODAY - dt.timedelta(days=200))
    timeline.scroll_to_today()
    left = timeline.date_at(NAME_WIDTH)
    right = timeline.date_at(timeline.viewport().width() - 1)
    assert left <= TODAY <= right


def test_row_without_plan_draws(qtbot):
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(700, 300)
    widget.set_rows(make_rows(5, without_plan=2), TODAY)
    for ppd in (0.5, 3.0, 12.0):
        widget.set_px_per_day(ppd)
        assert not widget.grab().isNull()
    assert widget.painted_rows == 5


def test_empty_clinic_draws(qtbot):
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.set_rows([], TODAY)
    assert not widget.grab().isNull()
    qtbot.keyClick(widget, Qt.Key.Key_Down)
    assert widget.selected_row() == -1


def test_refresh_keeps_the_selected_patient(timeline):
    timeline.set_selected_row(4)
    rows = list(reversed(timeline.rows()))
    timeline.set_rows(rows, TODAY)
    assert timeline.selected_transplant_id() == "t4"
    assert timeline.selected_row() == 15


@pytest.mark.parametrize("shift", [-30, 0, 12, 60])
def test_row_geometry_marks_each_day_with_its_most_urgent_step_bar(shift):
    """The sketch-based geometry shows per day the worst status ``step_bars`` gives."""
    today = TODAY + dt.timedelta(days=shift)
    origin = TODAY - dt.timedelta(days=200)
    for row in make_rows(14):
        plan = row.plan
        assert plan is not None
        geometry = _RowGeometry(row.row_sketch(), origin, today)
        worst: dict[int, int] = {}
        for bar in step_bars(plan, today):
            for day in range((bar.start - origin).days, (bar.end - origin).days + 1):
                worst[day] = max(worst.get(day, -1), _STATUS[bar.status][0])
        shown = {d: _STATUS[_STATUS_NAMES[i]][0] for d, i in zip(*geometry.markers, strict=True)}
        assert shown == worst
        assert geometry.bands.starts == tuple(
            sorted((b.start - origin).days for b in phase_bands(plan))
        )


def grab_whole(widget: ClinicTimeline) -> QImage:
    """The widget once every row in view is drawn: a paint builds rows for at most
    PAINT_BUILD_S and leaves the rest to the frames that follow."""
    image = widget.grab().toImage()
    while widget.drawing_deferred:
        image = widget.grab().toImage()
    return image


def test_a_snapshot_row_paints_like_the_plan_row(qtbot):
    plan_rows = make_rows(20)
    sketch_rows = [ClinicRow(r.transplant_id, r.label, sketch=r.row_sketch()) for r in plan_rows]
    a, b = ClinicTimeline(), ClinicTimeline()
    for widget, rows in ((a, plan_rows), (b, sketch_rows)):
        qtbot.addWidget(widget)
        widget.resize(1200, 600)
        widget.set_rows(rows, TODAY)
    assert grab_whole(a) == grab_whole(b)


def test_a_page_of_new_rows_is_drawn_over_the_next_frames(qtbot, monkeypatch):
    """A frame builds rows for PAINT_BUILD_S at most (here none beyond the first), so a
    page of new plans never holds input back for the whole page; the event loop then
    paints the rest, and the page ends as drawn at once."""
    from ui.widgets import clinic_timeline

    rows = make_rows(30)
    reference = ClinicTimeline()
    qtbot.addWidget(reference)
    reference.resize(1200, 500)
    reference.set_rows([ClinicRow(r.transplant_id, r.label, r.plan) for r in rows], TODAY)
    whole = grab_whole(reference)
    monkeypatch.setattr(clinic_timeline, "PAINT_BUILD_S", 0.0)
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.set_rows(rows, TODAY)
    in_view = widget._rows_in_view()
    assert len(in_view) > 3
    first = widget.grab().toImage()
    assert widget.drawing_deferred
    assert [i for i in in_view if widget._geometry[i] is not None] == [in_view.start]
    assert first != whole  # the other rows are not drawn yet
    with qtbot.waitExposed(widget):
        widget.show()
    qtbot.waitUntil(lambda: not widget.drawing_deferred, timeout=5000)
    assert all(widget._geometry[i] is not None for i in in_view)
    widget.clearFocus()  # shown, it may have taken the focus, whose frame it draws
    assert widget.grab().toImage() == whole


def test_five_hundred_patients(qtbot):
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(1600, 900)
    widget.set_rows(make_rows(500), TODAY)
    assert len(widget.rows()) == 500
    widget.verticalScrollBar().setValue(widget.verticalScrollBar().maximum())
    assert widget._rows_in_view().stop == 500
    assert not widget.grab().isNull()


def test_before_any_rows_it_says_loading_not_a_placeholder_date(qtbot):
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(800, 300)
    image = widget.grab().toImage()
    # Nothing but the background and the centred message: no axis, no today line.
    colours = {image.pixel(x, y) for x in range(10, 790, 7) for y in range(6, 60, 3)}
    assert len(colours) == 1


def test_rows_out_of_view_are_prepared_while_idle_nearest_first(qtbot, monkeypatch):
    """Scrolling to a row not yet painted then costs no geometry building."""
    from ui.widgets import clinic_timeline

    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(800, 400)
    rows = make_rows(100)
    widget.set_rows(rows, TODAY)
    built: list[int] = []
    real = clinic_timeline._RowGeometry
    monkeypatch.setattr(
        clinic_timeline,
        "_RowGeometry",
        lambda sketch, origin, today: built.append(1) or real(sketch, origin, today),
    )
    assert not widget._pending  # nothing until the window says it is idle
    widget.prepare_while_idle()
    in_view = widget._rows_in_view()
    assert widget._pending and widget._pending[-1] in in_view  # the view's rows first
    qtbot.waitUntil(lambda: all(g is not None for g in widget._geometry))
    assert len(built) == len(rows)
    level = widget.detail_level()
    for i, row in enumerate(rows):  # as the first paint would have built them
        prepared, fresh = widget._geometry[i], real(row.row_sketch(), widget._origin, TODAY)
        assert (prepared.bands, prepared.day0) == (fresh.bands, fresh.day0)
        # What this zoom paints is made already; the markers wait for their zoom.
        assert (prepared._bars is not None) == (level == "step")
        assert (prepared._markers is not None) == (level == "occurrence")
        assert prepared.bars == fresh.bars and prepared.markers == fresh.markers
    widget.verticalScrollBar().setValue(80 * ROW_HEIGHT)
    widget.grab()
    assert len(built) == len(rows)  # nothing built on the way to row 80


@pytest.mark.parametrize(
    ("ppd", "bars", "markers"), [(0.5, False, False), (3.0, True, False), (20.0, False, True)]
)
def test_a_row_first_painted_makes_only_what_its_zoom_shows(qtbot, ppd, bars, markers):
    """Bands at every zoom, step bars at the step zoom, markers at the occurrence zoom: a
    page of rows first painted zoomed out does not walk every run day by day."""
    widget = ClinicTimeline()
    qtbot.addWidget(widget)
    widget.resize(1200, 400)
    widget.set_px_per_day(ppd)
    widget.set_rows(make_rows(30), TODAY)
    widget.grab()
    painted = [g for g in widget._geometry if g is not None]
    assert painted and all(g.bands.starts for g in painted)
    assert {g._bars is not None for g in painted} == {bars}
    assert {g._markers is not None for g in painted} == {markers}
