"""The chart of calcineurin-inhibitor levels and donor chimerism on an allogeneic
transplant's Counts tab: tacrolimus and ciclosporin in ng/mL on the left axis, donor
chimerism by lineage in percent on the right, both by transplant day; hovering a point
says its value, day and date. The data is ``planner.records.levels_chart``.
"""

from __future__ import annotations

from PySide6.QtCharts import QChart, QChartView, QLineSeries, QValueAxis
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QWidget

from planner.clinical.chimerism import LINEAGES
from planner.domain.days import short_day_label
from planner.domain.i18n import tr
from planner.domain.labs import CANONICAL_UNIT, DRUG_LEVEL_ANALYTES, analyte_label
from planner.records.levels_chart import LevelsChart, LevelSeries
from ui.translation import format_date
from ui.widgets.day_axis import add_day_axis

COLORS = {
    "tacrolimus": "#1f6fb2",
    "ciclosporin": "#b23a1f",
    "whole_blood": "#6a6a6a",
    "t_cell": "#0b7a2a",
    "myeloid": "#7a4fa0",
}


class LevelsChartView(QChartView):
    """Drug levels and donor chimerism by transplant day.

    Attributes:
        hover_text: the text of the last hovered point ("Tacrolimus D+12 (Sat 14 Feb): 9.5").
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(220)
        self.setAccessibleName(self.tr("Drug levels and donor chimerism"))
        self.hover_text = ""
        self.data: LevelsChart | None = None
        self.setChart(QChart())

    def series_name(self, series: LevelSeries) -> str:
        """The legend's name of a series, in the interface's language."""
        if series.key in DRUG_LEVEL_ANALYTES:
            return f"{analyte_label(series.key)} ({CANONICAL_UNIT[series.key]})"
        lineage = tr(LINEAGES.get(series.key, series.key))
        return self.tr("Donor chimerism, {lineage} (%)").format(lineage=lineage)

    def set_data(self, data: LevelsChart | None) -> None:
        """Draw ``data`` (None or empty: a chart that says there is nothing yet)."""
        self.data = data
        chart = QChart()
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        chart.legend().setShowToolTips(True)
        if data is None or data.empty:
            chart.setTitle(self.tr("No drug levels or chimerism results yet"))
            self.setChart(chart)
            return
        chart.setTitle(self.tr("Drug levels and donor chimerism by transplant day"))
        x = add_day_axis(chart, data.first_day, data.last_day, self.tr("Transplant day"))
        levels = QValueAxis()
        top = max([10.0, *(p[2] for s in data.levels for p in s.points)])
        levels.setRange(0, top * 1.1)
        levels.applyNiceNumbers()
        levels.setTitleText(self.tr("Level, ng/mL"))
        chart.addAxis(levels, Qt.AlignmentFlag.AlignLeft)
        percent = QValueAxis()
        percent.setRange(0, 100)
        percent.setTitleText(self.tr("Donor cells, %"))
        chart.addAxis(percent, Qt.AlignmentFlag.AlignRight)
        for series, axis in (
            *((s, levels) for s in data.levels),
            *((s, percent) for s in data.chimerism),
        ):
            chart.addSeries(self._line(series))
            line = chart.series()[-1]
            line.attachAxis(x)
            line.attachAxis(axis)
        self.setChart(chart)

    def _line(self, series: LevelSeries) -> QLineSeries:
        line = QLineSeries()
        line.setName(self.series_name(series))
        line.setPointsVisible(True)
        dashed = series.key not in DRUG_LEVEL_ANALYTES
        line.setPen(
            QPen(
                QColor(COLORS.get(series.key, "#333")),
                2,
                Qt.PenStyle.DashLine if dashed else Qt.PenStyle.SolidLine,
            )
        )
        for day, _, value, _ in series.points:
            line.append(day, value)
        line.hovered.connect(lambda point, state, s=series: self._on_hovered(s, point, state))
        return line

    def _on_hovered(self, series: LevelSeries, point: QPointF, state: bool) -> None:
        if not state:
            return
        day = round(point.x())
        found = next((p for p in series.points if p[0] == day), None)
        if found is None:
            return
        _, when, value, qualifier = found
        name = self.series_name(series)
        self.hover_text = (
            f"{name} {short_day_label(day)} ({format_date(when, '%a %d %b')}): {qualifier}{value:g}"
        )
        self.setToolTip(self.hover_text)
