"""The desktop board shows the most severe alerts first: a high alert in full, in red with
"!", without hovering; the tooltip lists every alert with its severity and rule; the
patient header repeats the board row's high alerts and its phase."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage

from planner.app.complications import save_assessment
from planner.clinical.grading import magic_grade_assessment
from tests.gui.conftest import NOW
from ui.models.board_model import ALERTS_COLUMN, ALERTS_ROLE
from ui.patient_workspace import PatientWorkspace
from ui.widgets.board_view import SEVERITY_COLOURS, alert_cell_lines

TODAY = NOW.date()
AGVHD = "aGVHD grade III since D+45"
RED = SEVERITY_COLOURS["high"].rgb()


@pytest.fixture
def window(qtbot, demo_window):
    """The demo clinic with an aGVHD grade III recorded today for DEMO-0011 (D+45, 5 steps
    overdue, two weekend clashes), through the app's edit path, on screen."""
    session = demo_window.session
    tid = next(r.transplant_id for r in session.rows if r.mrn == "DEMO-0011")
    session.perform(
        lambda repo, ctx: save_assessment(repo, ctx, tid, magic_grade_assessment(2, 2, 0, 0), TODAY)
    )
    demo_window.resize(1366, 800)
    with qtbot.waitExposed(demo_window):
        demo_window.show()
    return demo_window


def _fitted(view) -> bool:
    """Every row shown has the height its alerts need (the view fits them after changes)."""
    table, base = view.table, view.table.verticalHeader().defaultSectionSize()
    width, font = table.columnWidth(ALERTS_COLUMN), table.font()
    for r in range(view.proxy.rowCount()):
        alerts = view.proxy.index(r, ALERTS_COLUMN).data(ALERTS_ROLE) or ()
        need = view.alerts_delegate.row_height(alerts, width, font)
        high = any(a.severity == "high" for a in alerts)
        if table.rowHeight(r) != (max(base, need) if high else base):
            return False
    return True


def _search(qtbot, window, text: str) -> None:
    view = window.board
    view.search.setFocus()
    view.search.selectAll()
    qtbot.keyClick(view.search, Qt.Key.Key_Delete)
    qtbot.keyClicks(view.search, text)
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1 and _fitted(view))


def _red_pixels(window, row: int) -> int:
    table = window.board.table
    rect = table.visualRect(window.board.proxy.index(row, ALERTS_COLUMN))
    image = table.viewport().grab(rect).toImage().convertToFormat(QImage.Format.Format_RGB32)
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if QColor(image.pixel(x, y)).rgb() == RED
    )


def test_a_high_alert_comes_first_marked_and_in_full(qtbot, window):
    view = window.board
    _search(qtbot, window, "DEMO-0011")
    index = view.proxy.index(0, ALERTS_COLUMN)
    assert index.data().startswith(f"! {AGVHD}; 5 overdue; Registry forms due (CIBMTR and EBMT)")
    assert "; Weekend/closure: CMV blood test" in index.data()
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.index(f"HIGH: {AGVHD}\n    Why: An active complication") < tip.index(
        "MEDIUM: 5 overdue\n    Why:"
    )
    assert tip.index("MEDIUM: 5 overdue") < tip.index("LOW: Weekend/closure: CMV blood test")
    assert "CMV blood test (quantitative PCR) on Sat 14 Mar (weekend)" in tip  # each note
    # Painted: the red dot and text of the high alert, without hovering.
    assert _red_pixels(window, 0) > 0

    # A narrow column: the row grows until the whole high alert shows, the rest elided.
    header = view.table.horizontalHeader()
    header.resizeSection(ALERTS_COLUMN, 120)
    table, alerts = view.table, index.data(ALERTS_ROLE)
    base = table.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: table.rowHeight(0) > base)
    height = table.rowHeight(0)
    assert height == view.alerts_delegate.row_height(alerts, 120, table.font())
    font = table.font()
    width = view.alerts_delegate.text_width(120, font)
    capacity = height // table.fontMetrics().lineSpacing()
    lines = alert_cell_lines(alerts, font, width, capacity)
    assert " ".join(line.text for line in lines if line.high) == f"! {AGVHD}"
    assert len(lines) == capacity and lines[-1].text.endswith("…")
    # Wide again: back to the default height.
    header.resizeSection(ALERTS_COLUMN, 340)
    qtbot.waitUntil(lambda: table.rowHeight(0) == base)
    assert _fitted(view)


def test_a_row_without_high_alerts_has_no_red(qtbot, window):
    _search(qtbot, window, "DEMO-0004")  # an expiring checklist item: medium
    index = window.board.proxy.index(0, ALERTS_COLUMN)
    assert index.data() == "IDM tests expire 25 days before the planned collection"
    assert index.data(Qt.ItemDataRole.ToolTipRole).startswith("MEDIUM: IDM tests expire")
    assert _red_pixels(window, 0) == 0


def test_clicking_the_alerts_header_sorts_the_high_alerts_to_the_top(qtbot, window):
    view = window.board
    header = view.table.horizontalHeader()
    x = header.sectionViewportPosition(ALERTS_COLUMN) + header.sectionSize(ALERTS_COLUMN) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == ALERTS_COLUMN
    rows = [
        view.model.row_at(view.proxy.mapToSource(view.proxy.index(i, 0)).row())
        for i in range(view.proxy.rowCount())
    ]
    assert rows[0].mrn == "DEMO-0011"
    # Every row with a high alert comes before every row without one.
    high = [bool(r.high_alerts) for r in rows]
    assert 0 < high.count(True) < len(rows)
    assert high == sorted(high, reverse=True)


def test_the_patient_header_repeats_the_board_rows_high_alerts(qtbot, window):
    view = window.board
    _search(qtbot, window, "DEMO-0011")
    table = view.table
    rect = table.visualRect(view.proxy.index(0, ALERTS_COLUMN))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert table.currentIndex().row() == 0
    qtbot.keyClick(table, Qt.Key.Key_Return)
    ws = window.current_workspace()
    assert isinstance(ws, PatientWorkspace)
    assert ws.session.patient.mrn == "DEMO-0011"
    text = ws.header.text()
    assert "(engrafted)" in text
    assert text.endswith(f"\n! High alerts: {AGVHD}")
    assert f"HIGH: {AGVHD}\n    Why: An active complication" in ws.header.toolTip()
    assert "overdue" not in text  # medium alerts stay on the board


def test_the_patient_header_takes_the_board_rows_phase(qtbot, window):
    session = window.session
    _search(qtbot, window, "DEMO-0004")
    qtbot.keyClick(window.board.table, Qt.Key.Key_Down)
    qtbot.keyClick(window.board.table, Qt.Key.Key_Return)
    ws = window.current_workspace()
    assert isinstance(ws, PatientWorkspace)
    assert "(work-up)" in ws.header.text()
    assert "High alerts" not in ws.header.text()
    # The board row says otherwise (as when the live clinic knows more): the header follows.
    tid = ws.session.transplant.id
    session.rows = [
        dataclasses.replace(r, phase="mobilising", phase_rule="Rule of the board row.")
        if r.transplant_id == tid
        else r
        for r in session.rows
    ]
    ws._show_header()
    assert "(mobilising)" in ws.header.text()
    assert ws.header.toolTip() == "Rule of the board row."


def _tall_board(window, count: int = 200, every: int = 1) -> None:
    """Show a board of ``count`` rows, every ``every``-th with a long high alert."""
    session = window.session
    high = next(r for r in session.rows if "high" in r.alert_severities)
    low = next(r for r in session.rows if "high" not in r.alert_severities)
    rows = [
        dataclasses.replace(
            high if i % every == 0 else low,
            transplant_id=f"t{i:03d}",
            patient_id=f"p{i:03d}",
            name=f"PATIENT, Number {i:03d}",
            alerts=(f"{AGVHD}, note {i}: " + "a longer clinical note " * 4,)
            if i % every == 0
            else (),
            alert_rules=high.alert_rules[:1] if i % every == 0 else (),
            alert_severities=("high",) if i % every == 0 else (),
        )
        for i in range(count)
    ]
    session.rows = rows
    session.sig_board_changed.emit()


def test_rows_out_of_view_are_fitted_once_the_gui_is_quiet(qtbot, window):
    """A board of 200 rows with high alerts: the rows in view are fitted at once, the
    others (never measured) once the GUI is quiet, so a start measures a screenful before
    its first paint, not the whole board."""
    from ui.widgets.board_view import FIT_FIRST_ROWS

    view = window.board
    _tall_board(window)
    view.fit_alert_rows(first=FIT_FIRST_ROWS)  # what the board's change asks for
    table = view.table
    base = table.verticalHeader().defaultSectionSize()
    in_view = range(table.rowAt(0), table.rowAt(table.viewport().height() - 1) + 1)
    assert len(in_view) > 3 and all(table.rowHeight(r) > base for r in in_view)
    assert table.rowHeight(199) == base  # far below: not measured yet
    qtbot.waitUntil(lambda: _fitted(view), timeout=3000)
    assert table.rowHeight(199) > base


def test_the_rows_out_of_view_are_measured_and_set_a_slice_at_a_time(qtbot, window, monkeypatch):
    """The rest of the board is fitted in slices (one row measured, eight set, at least),
    each once the GUI is quiet: in one go, right after a start, that work ran beside the
    worker opening the database and stalled the window for 50-200 ms."""
    import ui.widgets.board_view as board_view

    monkeypatch.setattr(board_view, "FIT_SLICE_S", 0.0)
    slices: list[str] = []
    for name in ("_measure_some", "_set_heights_in_slices"):
        method = getattr(board_view.BoardView, name)

        def counted(self, *args, _method=method, _name=name):
            slices.append(_name)
            return _method(self, *args)

        monkeypatch.setattr(board_view.BoardView, name, counted)
    view = window.board
    _tall_board(window)
    view.fit_alert_rows(first=board_view.FIT_FIRST_ROWS)
    qtbot.waitUntil(lambda: _fitted(view), timeout=10_000)
    assert slices.count("_measure_some") > 20  # about one row a slice, at 0 s
    assert slices.count("_set_heights_in_slices") > 5  # eight rows a slice


def test_a_change_while_the_rest_is_fitted_leaves_every_row_its_own_height(
    qtbot, window, monkeypatch
):
    """Sorting the board while the rows out of view are still being fitted: the slices
    left of the older fit are dropped (they name rows by their place), and each row ends
    with the height of its own alerts."""
    import ui.widgets.board_view as board_view

    monkeypatch.setattr(board_view, "FIT_SLICE_S", 0.0)
    applied: list[int] = []
    method = board_view.BoardView._set_heights_in_slices

    def counted(self, pending, generation):
        applied.append(len(pending))
        return method(self, pending, generation)

    monkeypatch.setattr(board_view.BoardView, "_set_heights_in_slices", counted)
    view = window.board
    _tall_board(window, every=3)
    view.fit_alert_rows(first=board_view.FIT_FIRST_ROWS)
    qtbot.waitUntil(lambda: len(applied) >= 2, timeout=10_000)
    assert not _fitted(view)  # under way: heights set for some rows out of view only
    view.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # the rows' places change
    qtbot.waitUntil(lambda: _fitted(view), timeout=10_000)
    qtbot.wait(300)  # any slice of the older fit still queued would have run by now
    assert _fitted(view)


def test_fitting_the_rows_asks_the_model_for_no_row_headers(qtbot, window, monkeypatch):
    """The board has no row numbers: shown, the row header (an empty strip) measured its
    width again after each change of a row's height, asking the model for row headers
    some 1,700 times, each a call into Python (4 ms; 25-75 ms beside a worker thread)."""
    view = window.board
    _tall_board(window)
    asked: list[int] = []
    header_data = view.model.headerData

    def counted(section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            asked.append(section)
        return header_data(section, orientation, role)

    # On the instance: the binding looks a Python override up there at each call.
    monkeypatch.setattr(view.model, "headerData", counted)
    view.fit_alert_rows()  # the whole board at once
    qtbot.wait(50)  # the table's own updates after the new heights
    assert _fitted(view)
    assert asked == []


def test_a_row_that_loses_its_high_alert_and_moves_gets_the_default_height(qtbot, window):
    """The table carries a row's height along when the board is sorted again: a row that
    loses its high alert in the same change as it moves must still come back to the
    default height at its new place (tall rows are kept by transplant, not by place)."""
    view, session = window.board, window.session
    view.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by name: row i at place i
    _tall_board(window, every=3)
    view.fit_alert_rows()
    first = session.rows[0]
    assert view.table.rowHeight(0) > view.table.verticalHeader().defaultSectionSize()
    moved = dataclasses.replace(
        first, name="ZZ, Last", alerts=(), alert_rules=(), alert_severities=()
    )
    session.rows = [moved, *session.rows[1:]]
    session.sig_board_changed.emit()  # the same transplants: sorted again, data changed
    last = view.proxy.rowCount() - 1
    assert view.proxy.index(last, 0).data() == "ZZ, Last"
    qtbot.waitUntil(lambda: _fitted(view), timeout=10_000)
    assert view.table.rowHeight(last) == view.table.verticalHeader().defaultSectionSize()
