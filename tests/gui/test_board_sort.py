"""The board model sorts itself (a header click reaches ``BoardTableModel.sort`` through
the proxy): Day by number with rows without a day last, Alerts most severe first then most
alerts, other columns by their text; an edit that moves a row keeps the sort and the
selection on its transplant."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ui.models.board_model import ALERTS_COLUMN, COLUMNS


def _column(name: str) -> int:
    return next(i for i, (key, _) in enumerate(COLUMNS) if key == name)


def _sorted_rows(window, column: int, order=Qt.SortOrder.AscendingOrder):
    board = window.board
    board.table.sortByColumn(column, order)
    proxy = board.proxy
    return [
        board.model.row_at(proxy.mapToSource(proxy.index(r, 0)).row())
        for r in range(proxy.rowCount())
    ]


def test_day_sorts_by_number_with_rows_without_a_day_last(demo_window) -> None:
    rows = _sorted_rows(demo_window, _column("day_label"))
    days = [r.day for r in rows]
    numbered = [d for d in days if d is not None]
    assert numbered == sorted(numbered)
    assert days[: len(numbered)] == numbered  # None only at the end
    # by number, not by text: D-52 before D-5, D+9 before D+12
    labels = [r.day_label for r in rows]
    assert labels.index("D-52") < labels.index("D-5")


def test_alerts_sort_most_severe_then_most_alerts(demo_window) -> None:
    from planner.app import alert_rules

    rows = _sorted_rows(demo_window, ALERTS_COLUMN)
    keys = [
        (
            alert_rules.severity_rank(r.alert_items[0].severity)
            if r.alert_items
            else len(alert_rules.SEVERITIES),
            -len(r.alert_items),
        )
        for r in rows
    ]
    assert keys == sorted(keys)
    assert len(set(keys)) > 2  # several severities and counts: the order is tested


def test_text_columns_sort_by_their_text(demo_window) -> None:
    rows = _sorted_rows(demo_window, _column("mrn"), Qt.SortOrder.DescendingOrder)
    mrns = [r.mrn for r in rows]
    assert mrns == sorted(mrns, reverse=True)


def test_an_edit_keeps_the_sort_and_the_selected_transplant(demo_window, qtbot) -> None:
    import dataclasses

    board = demo_window.board
    _sorted_rows(demo_window, _column("day_label"))
    proxy = board.proxy
    first = board.model.row_at(proxy.mapToSource(proxy.index(0, 0)).row())
    board.table.selectRow(0)
    assert board.selected_transplant_id() == first.transplant_id
    session = demo_window.session
    # The first row's day becomes the largest: it must move to the end, selection with it.
    moved = dataclasses.replace(first, day=10_000, day_label="D+10000")
    session.rows = [moved if r.transplant_id == first.transplant_id else r for r in session.rows]
    session.sig_board_changed.emit()
    last = board.model.row_at(proxy.mapToSource(proxy.index(proxy.rowCount() - 1, 0)).row())
    assert last.transplant_id == first.transplant_id
    assert board.selected_transplant_id() == first.transplant_id
