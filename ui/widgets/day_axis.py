"""The transplant-day axis of the charts of an open transplant (counts, drug levels and
chimerism): days signed (+12, -3), ticks anchored on Day 0, a week apart past three
weeks, and half a day of room at each end so that the first and last points show whole.
"""

from __future__ import annotations

from PySide6.QtCharts import QChart, QValueAxis
from PySide6.QtCore import Qt


def add_day_axis(chart: QChart, first_day: int, last_day: int, title: str) -> QValueAxis:
    """Add the transplant-day axis from ``first_day`` to ``last_day`` at the chart's foot."""
    axis = QValueAxis()
    axis.setTitleText(title)
    axis.setLabelFormat("%+d")
    axis.setRange(first_day - 0.5, last_day + 0.5)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(7 if last_day - first_day > 21 else 2)
    chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom)
    return axis
