"""The window fits the screen it opens on (1366x768 included) and never grows past it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QGraphicsRectItem

from planner.app.patients import save_patient
from ui.main_window import FIRST_SIZE, MainWindow, client_area, first_geometry, fitted
from ui.models.worklist_model import COLUMNS as WORKLIST_COLUMNS

# A 1366x768 laptop with a 40-pixel task bar at the bottom; one with a top panel.
LAPTOP = QRect(0, 0, 1366, 728)
LAPTOP_TOP_PANEL = QRect(0, 27, 1366, 741)
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorff-Papadopoulou-Vanderheijden-" * 3


@pytest.mark.parametrize(
    "available",
    [LAPTOP, LAPTOP_TOP_PANEL, QRect(0, 0, 1920, 1040), QRect(0, 0, 1280, 680)],
    ids=["1366x768", "1366x768-top-panel", "1920x1080", "1280x720"],
)
def test_first_start_fits_the_free_area_of_the_screen(available):
    rect = first_geometry(available)
    area = client_area(available)
    assert area.contains(rect)
    assert rect.size() == FIRST_SIZE.boundedTo(area.size())


def test_a_window_saved_on_a_larger_screen_is_brought_back_inside():
    rect = fitted(QRect(300, 200, 1900, 1000), LAPTOP)
    assert client_area(LAPTOP).contains(rect)
    assert fitted(QRect(100, 100, 900, 500), LAPTOP) == QRect(100, 100, 900, 500)


@pytest.fixture
def laptop(monkeypatch):
    """The window opens on a 1366x768 screen (the offscreen screen is another size)."""
    monkeypatch.setattr(MainWindow, "available_geometry", lambda self: LAPTOP)
    return client_area(LAPTOP)


def _show(window, qtbot):
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def test_first_window_fits_a_1366x768_screen(demo_window, laptop, qtbot):
    demo_window.restore_layout()  # no geometry saved yet: the first start
    _show(demo_window, qtbot)
    assert laptop.contains(demo_window.geometry())
    # The status bar, where refusals are shown, is on screen.
    bar = demo_window.statusBar()
    bottom = bar.mapTo(demo_window, bar.rect().bottomLeft()).y() + demo_window.geometry().top()
    assert bottom <= laptop.bottom()


def test_saved_geometry_from_a_larger_screen_fits(make_window, demo_repo, laptop, qtbot):
    first = make_window(demo_repo)
    first.setGeometry(QRect(200, 100, 1900, 1100))
    first.save_state()
    second = make_window(demo_repo)
    second.restore_layout()
    assert laptop.contains(second.geometry())


def _lengthen_name(window, mrn):
    row = next(r for r in window.session.rows if r.mrn == mrn)
    patient = window.session.read(lambda repo, _ctx: repo.find_patient_by_mrn(mrn))
    long = replace(patient, family_name=LONG_NAME)
    window.session.perform(lambda repo, ctx: save_patient(repo, ctx, long))
    return row.transplant_id


def test_a_long_name_never_widens_the_window(demo_window, laptop, qtbot):
    demo_window.restore_layout()
    _show(demo_window, qtbot)
    tid = _lengthen_name(demo_window, "DEMO-0011")  # allogeneic PBSC: every tab
    ws = demo_window.open_transplant(tid)
    assert ws is not None
    for page in range(ws.tabs.count()):
        ws.tabs.setCurrentIndex(page)
        qtbot.wait(1)
        hint = demo_window.minimumSizeHint()
        name = ws.tabs.tabText(page)
        assert hint.width() <= laptop.width() and hint.height() <= laptop.height(), name
        assert laptop.contains(demo_window.geometry()), name
    # The header shows what fits and says the rest in its tooltip.
    assert LONG_NAME.upper() in ws.header.text()
    assert ws.header.is_elided()
    assert LONG_NAME.upper() in ws.header.full_tooltip()
    page = demo_window.tabs.currentWidget()
    assert ws.width() <= page.viewport().width()  # no sideways scrolling for the name


def test_every_tab_but_counts_fits_a_1366x768_screen_without_scrolling(demo_window, laptop, qtbot):
    """Only the page shown asks for room: the Counts page's height is not every page's."""
    demo_window.restore_layout()
    _show(demo_window, qtbot)
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0011")
    ws = demo_window.open_transplant(tid)
    assert ws is not None
    page = demo_window.tabs.currentWidget()
    for index in range(ws.tabs.count()):
        if ws.tabs.widget(index) is ws.counts_tab:
            continue
        ws.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        assert ws.height() <= page.viewport().height(), ws.tabs.tabText(index)
        assert ws.width() <= page.viewport().width(), ws.tabs.tabText(index)


def test_patient_tab_title_is_literal_and_elides(demo_window, qtbot):
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0009")
    ws = demo_window.open_transplant(tid)
    assert ws is not None
    index = demo_window.tabs.currentIndex()
    assert demo_window.tabs.elideMode() == Qt.TextElideMode.ElideRight
    assert demo_window.tabs.tabToolTip(index) == ws.title


def test_worklist_gives_the_step_the_room(demo_window, laptop, qtbot):
    demo_window.restore_layout()
    _show(demo_window, qtbot)
    demo_window.tabs.setCurrentIndex(1)
    view = demo_window.worklist_view
    qtbot.waitUntil(view.isVisible)
    widths = {name: view.columnWidth(i) for i, name in enumerate(WORKLIST_COLUMNS)}
    assert widths["Step"] == max(widths.values())
    assert widths["Step"] > laptop.width() // 3
    # Status is as wide as "OVERDUE" or "due today", no wider.
    status = WORKLIST_COLUMNS.index("Status")
    assert widths["Status"] <= view.sizeHintForColumn(status) + 24
    assert sum(widths.values()) <= view.viewport().width()


def test_board_columns_fit_1366_and_alerts_get_the_room(demo_window, laptop, qtbot):
    from ui.models.board_model import ALERTS_COLUMN

    demo_window.restore_layout()
    _show(demo_window, qtbot)
    table = demo_window.board.table
    widths = [table.columnWidth(i) for i in range(table.model().columnCount())]
    assert sum(widths) <= table.viewport().width()  # every column on screen
    assert widths[ALERTS_COLUMN] == max(widths)
    assert min(widths) >= table.horizontalHeader().minimumSectionSize()


def test_board_columns_keep_the_policy_after_an_old_saved_header(
    make_window, demo_repo, laptop, qtbot
):
    from ui.models.board_model import ALERTS_COLUMN

    first = make_window(demo_repo)
    header = first.board.table.horizontalHeader()
    header.setStretchLastSection(True)  # as an older version saved it
    header.setSectionResizeMode(ALERTS_COLUMN, header.ResizeMode.Interactive)
    first.save_state()
    second = make_window(demo_repo)
    second.restore_layout()
    restored = second.board.table.horizontalHeader()
    assert not restored.stretchLastSection()
    modes = {restored.sectionResizeMode(i) for i in range(restored.count())}
    assert modes == {restored.ResizeMode.Interactive}  # the user resizes every column


def test_alerts_follow_the_width_until_a_column_is_resized_by_hand(demo_window, laptop, qtbot):
    from ui.models.board_model import ALERTS_COLUMN

    demo_window.restore_layout()
    _show(demo_window, qtbot)
    table = demo_window.board.table
    header = table.horizontalHeader()
    before = header.sectionSize(ALERTS_COLUMN)
    demo_window.resize(demo_window.width() - 40, demo_window.height())
    qtbot.waitUntil(lambda: header.sectionSize(ALERTS_COLUMN) == before - 40)
    assert header.length() == table.viewport().width()  # still every column on screen
    header.resizeSection(ALERTS_COLUMN, 150)  # as by dragging the handle
    demo_window.resize(demo_window.width() + 40, demo_window.height())
    qtbot.wait(10)
    assert header.sectionSize(ALERTS_COLUMN) == 150


def test_counts_legend_fits_at_1366(demo_window, laptop, qtbot):
    demo_window.restore_layout()
    _show(demo_window, qtbot)
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0011")
    ws = demo_window.open_transplant(tid)
    assert ws is not None and ws.counts_tab is not None
    ws.tabs.setCurrentWidget(ws.counts_tab)
    qtbot.wait(10)
    chart = ws.counts_tab.chart.chart()
    legend = chart.legend()
    area = legend.sceneBoundingRect()
    swatches = [item for item in _descendants(legend) if isinstance(item, QGraphicsRectItem)]
    assert len(swatches) == len(legend.markers()) > 8
    assert all(area.contains(s.sceneBoundingRect()) for s in swatches)  # none cut off
    assert chart.rect().contains(area)


def _descendants(item):
    for child in item.childItems():
        yield child
        yield from _descendants(child)


def test_window_size_hint_never_exceeds_the_screen_with_every_patient_open(
    demo_window, laptop, qtbot
):
    demo_window.restore_layout()
    _show(demo_window, qtbot)
    for row in demo_window.session.rows:
        demo_window.open_transplant(row.transplant_id)
    qtbot.wait(1)
    hint = demo_window.minimumSizeHint()
    assert hint.boundedTo(laptop.size()) == hint
    assert demo_window.size().boundedTo(laptop.size()) == demo_window.size()
    assert QSize(0, 0) != hint
