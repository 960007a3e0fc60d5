"""Sorting the board in the window: the board's proxy over 5,000 rows vs a plain table.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python -m benchmarks.bench_board_sort``

Figure: the board's ``BoardFilter`` sorting its ``BoardTableModel`` by Day, then by
Alerts (what a click on a header does; the model sorts itself, see its docstring). Floor,
measured in the same run and interleaved: a ``QStandardItemModel`` holding the same cells
and sort values, sorted by a plain ``QSortFilterProxyModel`` (the plainest way Qt sorts a
table). Budget: within 3x the floor (issue 16: "sorted and filtered without a Python call
per comparison").
"""

from __future__ import annotations

import os
import random
import statistics
import time

from PySide6.QtCore import QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from benchmarks.common import Figure
from planner.app.board import BoardRow
from ui.models.board_model import ALERTS_COLUMN, COLUMNS, BoardTableModel, sort_key
from ui.widgets.board_view import BoardFilter

ROWS = 5000
BUDGET = 3.0
SORT_ROLE = Qt.ItemDataRole.UserRole + 3  # the plain table's sort values


class _Session(QObject):
    """What the board model reads of the clinic session: its rows and one signal."""

    sig_board_changed = Signal()

    def __init__(self, rows: list[BoardRow]) -> None:
        super().__init__()
        self.rows = rows
        self.closed_rows: list[BoardRow] = []
        self.found_rows: list[BoardRow] = []  # no search of the closed transplants
        self.found = None


def _rows(n: int) -> list[BoardRow]:
    rng = random.Random(16)
    severities = ("high", "medium", "low")
    out = []
    for i in range(n):
        day = rng.randint(-60, 900) if rng.random() > 0.02 else None
        k = rng.randint(0, 3)
        out.append(
            BoardRow(
                patient_id=f"p{i}",
                transplant_id=f"t{i:05d}",
                mrn=f"BENCH-{i:05d}",
                name=f"PATIENT {i:05d}, Given",
                transplant_type=rng.choice(("autologous", "allogeneic")),
                coordinator=rng.choice(("R. Patel", "J. Nguyen", "M. Rossi")),
                day=day,
                day_label="" if day is None else f"D{day:+d}",
                phase="recovery",
                phase_rule="",
                due_today=(),
                overdue=(),
                alerts=tuple(f"alert {j} of row {i}" for j in range(k)),
                alert_rules=("",) * k,
                alert_severities=tuple(rng.choice(severities) for _ in range(k)),
            )
        )
    return out


def _plain(rows: list[BoardRow]) -> QSortFilterProxyModel:
    model = QStandardItemModel(len(rows), len(COLUMNS))
    for r, row in enumerate(rows):
        for c, (key, _) in enumerate(COLUMNS):
            item = QStandardItem(str(sort_key(row, key)))
            item.setData(sort_key(row, key), SORT_ROLE)
            model.setItem(r, c, item)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy._model = model  # type: ignore[attr-defined]  # kept alive with the proxy
    return proxy


def _sort_twice(proxy: QSortFilterProxyModel) -> float:
    day = next(i for i, (key, _) in enumerate(COLUMNS) if key == "day_label")
    start = time.perf_counter()
    for column in (day, ALERTS_COLUMN):
        proxy.sort(-1)  # unsorted first: every round sorts from the model's order
        proxy.sort(column, Qt.SortOrder.AscendingOrder)
    return time.perf_counter() - start


def main(rows: int = ROWS, repeat: int = 7) -> Figure:
    """Measure and print the figure."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QApplication.instance() or QApplication([])
    data = _rows(rows)
    session = _Session(data)
    board = BoardFilter(BoardTableModel(session))  # type: ignore[arg-type]
    plain = _plain(data)
    figures, floors = [], []
    for _ in range(repeat):  # interleaved, so both see the same machine state
        figures.append(_sort_twice(board))
        floors.append(_sort_twice(plain))
    figure, floor = statistics.median(figures), statistics.median(floors)
    result = Figure(
        f"board sort by Day then Alerts, {rows} rows",
        figure,
        "plain table sort",
        floor,
        f"<= {BUDGET:g}x floor",
        figure <= BUDGET * floor,
    )
    print(result.line())
    return result


if __name__ == "__main__":
    main()
