"""The plan timeline on paper: the layout of the exported timeline PDF, drawn with Qt.

A band per month across the page width (one column per day), a lane per step with its
label wrapped in a column of its own on the left, so no label is cut at the page edge;
the axis gives the weekday, the date and the transplant day, with Day 0 and today
marked. Bands follow one another down the page; a month that does not fit the rest of a
page starts the next one, and a month taller than a page continues on the next page
under its axis again. The months and lanes are ``planner.export.views``' (the same as
``transplant-planner export timeline``); the app prints landscape.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from planner.domain.days import short_day_label
from planner.domain.plans import Plan
from planner.export.views import Lane, month_days, month_lanes, months_with_steps
from ui.printing import page_of, pixel_font
from ui.translation import format_date

_INK = QColor("#1d3557")
_GRID = QColor("#8d99ae")
_LIGHT = QColor("#dee2e6")
_WEEKEND = QColor("#f1f3f5")
_CLOSED = QColor("#ffe8cc")
_DAY0 = QColor("#c1121f")
_TODAY = QColor("#1c7ed6")
_STATUS_INK: dict[str, tuple[QColor, QColor]] = {
    "done": (QColor("#2a9d8f"), QColor("#1b6b61")),
    "planned": (QColor("#a8dadc"), _INK),
    "overdue": (QColor("#f4a3a8"), _DAY0),
    "skipped": (QColor("white"), _GRID),
    "cancelled": (QColor("white"), _GRID),
}


_XOf = Callable[[dt.date], float]
"""The left edge of a day's column in a band."""


def _tr(text: str) -> str:
    return QCoreApplication.translate("printing", text)


@dataclass(frozen=True)
class _Band:
    """A month's band on one page: the lanes ``start:end`` of that month."""

    month: dt.date
    lanes: tuple[Lane, ...]
    heights: tuple[float, ...]
    continued: bool


class TimelineBandsPrint:
    """The plan's months as bands on pages of ``page`` size (logical pixels)."""

    LABEL_SHARE = 0.2
    """The share of the width the label column takes (between 150 and 260 pixels)."""
    MIN_ROW = 15.0

    def __init__(
        self,
        plan: Plan,
        today: dt.date,
        closures: frozenset[dt.date],
        page: QRectF,
        heading: str,
        font: QFont,
    ) -> None:
        self.plan, self.today, self.closures = plan, today, closures
        self.page = QRectF(page)
        self.heading = heading
        self.font = pixel_font(font)
        self.bold = QFont(self.font)
        self.bold.setBold(True)
        self.small = QFont(self.font)
        self.small.setPixelSize(max(7, round(self.font.pixelSize() * 0.8)))
        self.metrics = QFontMetricsF(self.font)
        self.line_h = self.metrics.height()
        self.head_h = self.line_h * 2
        self.title_h = self.line_h * 1.6
        self.axis_row = QFontMetricsF(self.small).height() + 1
        self.legend_h = self.axis_row + 6
        self.label_w = min(max(self.page.width() * self.LABEL_SHARE, 150.0), 260.0)
        self.pages = self._paginate()

    @property
    def count(self) -> int:
        """How many pages the timeline takes."""
        return len(self.pages)

    # -- layout ----------------------------------------------------------------------------
    @property
    def _furniture_h(self) -> float:
        return self.title_h + 3 * self.axis_row + 2 + self.legend_h

    def _lane_height(self, lane: Lane) -> float:
        box = QRectF(0, 0, self.label_w - 8, 100_000)
        flags = int(Qt.TextFlag.TextWordWrap)
        return max(self.MIN_ROW, self.metrics.boundingRect(box, flags, lane.label).height() + 4)

    def _paginate(self) -> list[list[_Band]]:
        room = self.page.height() - self.head_h
        pages: list[list[_Band]] = [[]]
        used = 0.0
        for month in months_with_steps(self.plan.occurrences()):
            lanes = month_lanes(self.plan, month, self.today)
            heights = [self._lane_height(lane) for lane in lanes]
            need = self._furniture_h + sum(heights) + self.line_h
            if pages[-1] and used + need > room and need <= room:
                pages.append([])  # the month fits a page of its own: it starts one
                used = 0.0
            start, continued = 0, False
            while start < len(lanes):
                left = room - used - self._furniture_h
                end = start
                while end < len(lanes) and left >= heights[end]:
                    left -= heights[end]
                    end += 1
                if end == start:  # not one lane fits the rest of this page
                    if not pages[-1]:
                        end = start + 1  # taller than a page: it goes alone
                    else:
                        pages.append([])
                        used = 0.0
                        continue
                band = _Band(month, tuple(lanes[start:end]), tuple(heights[start:end]), continued)
                pages[-1].append(band)
                used += self._furniture_h + sum(band.heights) + self.line_h
                start, continued = end, True
                if start < len(lanes):
                    pages.append([])
                    used = 0.0
        return pages

    # -- painting --------------------------------------------------------------------------
    def paint(self, p: QPainter, index: int, rect: QRectF) -> None:
        """Draw page ``index`` into ``rect`` (see ``ui.printing.print_pages``)."""
        p.save()
        p.translate(rect.topLeft())
        width = rect.width()
        p.setPen(QColor("black"))
        p.setFont(self.bold)
        head = QRectF(0, 0, width, self.head_h * 0.7)
        middle = Qt.AlignmentFlag.AlignVCenter
        right = page_of(index + 1, self.count)
        right_w = QFontMetricsF(self.font).horizontalAdvance(right) + 12
        p.drawText(
            QRectF(0, 0, width - right_w, head.height()),
            Qt.AlignmentFlag.AlignLeft | middle,
            QFontMetricsF(self.bold).elidedText(
                self.heading, Qt.TextElideMode.ElideRight, width - right_w
            ),
        )
        p.setFont(self.font)
        p.drawText(head, Qt.AlignmentFlag.AlignRight | middle, right)
        y = self.head_h
        for band in self.pages[index]:
            y = self._paint_band(p, band, y, width) + self.line_h
        p.restore()

    def _paint_band(self, p: QPainter, band: _Band, top: float, width: float) -> float:
        days = month_days(band.month)
        day_w = (width - self.label_w) / len(days)

        def x_of(day: dt.date) -> float:
            return self.label_w + (day - band.month).days * day_w

        day0 = self.plan.day0
        title = format_date(band.month, "%B %Y")
        if band.continued:
            title += " " + _tr("(continued)")
        span = (
            f"{short_day_label((days[0] - day0).days)} - {short_day_label((days[-1] - day0).days)}"
        )
        p.setFont(self.bold)
        p.setPen(QColor("black"))
        p.drawText(
            QRectF(0, top, width, self.title_h),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            f"{title}    {span}",
        )
        axis_top = top + self.title_h
        chart_top = axis_top + 3 * self.axis_row + 2
        bottom = chart_top + sum(band.heights)
        for day in days:  # weekends and closure days, shaded through the axis and lanes
            fill = _CLOSED if day in self.closures else (_WEEKEND if day.weekday() >= 5 else None)
            if fill is not None:
                p.fillRect(QRectF(x_of(day), axis_top, day_w, bottom - axis_top), fill)
        self._paint_axis(p, days, x_of, day_w, axis_top)
        y = chart_top
        for lane, height in zip(band.lanes, band.heights, strict=True):
            self._paint_lane(p, lane, x_of, day_w, y, height, width)
            y += height
        p.setPen(QPen(_LIGHT, 0.5))
        p.drawLine(QPointF(self.label_w, axis_top), QPointF(self.label_w, bottom))
        self._paint_marks(p, days, x_of, day_w, axis_top + 2 * self.axis_row, bottom)
        self._paint_legend(p, bottom + 3)
        return bottom + self.legend_h

    def _paint_axis(
        self, p: QPainter, days: list[dt.date], x_of: _XOf, day_w: float, top: float
    ) -> None:
        day0 = self.plan.day0
        small = QFont(self.small)
        widest = max(
            QFontMetricsF(small).horizontalAdvance(short_day_label((d - day0).days)) for d in days
        )
        label_font = QFont(small)
        if widest > day_w - 2:  # the day numbers shrink to fit their day, to 6 pixels
            label_font.setPixelSize(max(6, int(small.pixelSize() * (day_w - 2) / widest)))
        label_metrics = QFontMetricsF(label_font)
        centre = Qt.AlignmentFlag.AlignCenter
        rows = [QRectF(0, top + n * self.axis_row, 0, self.axis_row) for n in range(3)]
        p.setFont(small)
        p.setPen(QColor("black"))
        for row, caption in zip(
            rows, (_tr("Weekday"), _tr("Date"), _tr("Transplant day")), strict=True
        ):
            p.drawText(
                QRectF(0, row.top(), self.label_w - 4, row.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                caption,
            )
        for day in days:
            x = x_of(day)
            number = (day - day0).days
            cell = [QRectF(x, row.top(), day_w, row.height()) for row in rows]
            p.setFont(small)
            p.setPen(QColor("black"))
            p.drawText(cell[0], centre, format_date(day, "%a")[:2])
            if day == self.today:
                p.fillRect(cell[1].adjusted(0.5, 0.5, -0.5, -0.5), _TODAY)
                p.setPen(QColor("white"))
            p.drawText(cell[1], centre, str(day.day))
            label = short_day_label(number)
            if number == 0 or label_metrics.horizontalAdvance(label) <= day_w - 1:
                font = QFont(label_font)
                font.setBold(number == 0)
                p.setFont(font)
                p.setPen(_DAY0 if number == 0 else QColor("black"))
                p.drawText(cell[2], centre, label)
        p.setPen(QPen(_GRID, 0.5))
        line_y = top + 3 * self.axis_row + 1
        p.drawLine(QPointF(0, line_y), QPointF(x_of(days[-1]) + day_w, line_y))

    def _paint_lane(
        self,
        p: QPainter,
        lane: Lane,
        x_of: _XOf,
        day_w: float,
        y: float,
        height: float,
        width: float,
    ) -> None:
        p.setFont(self.font)
        p.setPen(QColor("black"))
        p.drawText(
            QRectF(4, y, self.label_w - 8, height),
            int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignVCenter),
            lane.label,
        )
        bar = min(10.0, height - 4)
        for day, status in lane.days.items():
            fill, stroke = _STATUS_INK[status]
            box = QRectF(x_of(day) + 1, y + (height - bar) / 2, day_w - 2, bar)
            p.setPen(QPen(stroke, 0.8))
            p.setBrush(fill)
            p.drawRect(box)
            if status in ("skipped", "cancelled"):
                p.drawLine(box.bottomLeft(), box.topRight())
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(_LIGHT, 0.5))
        p.drawLine(QPointF(0, y + height), QPointF(width, y + height))

    def _paint_marks(
        self,
        p: QPainter,
        days: list[dt.date],
        x_of: _XOf,
        day_w: float,
        top: float,
        bottom: float,
    ) -> None:
        day0 = self.plan.day0
        if days[0] <= day0 <= days[-1]:
            x = x_of(day0) + day_w / 2
            p.setPen(QPen(_DAY0, 1.6))
            p.drawLine(QPointF(x, top), QPointF(x, bottom))
        if days[0] <= self.today <= days[-1]:
            x = x_of(self.today) + day_w / 2
            pen = QPen(_TODAY, 1.3)
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x, top), QPointF(x, bottom))

    def _paint_legend(self, p: QPainter, y: float) -> None:
        metrics = QFontMetricsF(self.small)
        p.setFont(self.small)
        x = 0.0
        h = self.axis_row
        for status, word in (
            ("done", _tr("done")),
            ("planned", _tr("planned")),
            ("overdue", _tr("overdue")),
            ("skipped", _tr("skipped or cancelled")),
        ):
            fill, stroke = _STATUS_INK[status]
            box = QRectF(x, y + 2, 16, h - 4)
            p.setPen(QPen(stroke, 0.8))
            p.setBrush(fill)
            p.drawRect(box)
            if status == "skipped":
                p.drawLine(box.bottomLeft(), box.topRight())
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QColor("black"))
            p.drawText(QRectF(x + 20, y, metrics.horizontalAdvance(word) + 2, h), 0, word)
            x += 30 + metrics.horizontalAdvance(word)
        for colour, dashed, word in ((_DAY0, False, _tr("Day 0")), (_TODAY, True, _tr("today"))):
            pen = QPen(colour, 1.6)
            if dashed:
                pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x + 5, y), QPointF(x + 5, y + h))
            p.setPen(QColor("black"))
            p.drawText(QRectF(x + 12, y, metrics.horizontalAdvance(word) + 2, h), 0, word)
            x += 24 + metrics.horizontalAdvance(word)
        for fill, word in ((_WEEKEND, _tr("weekend")), (_CLOSED, _tr("clinic closed"))):
            box = QRectF(x, y + 2, 16, h - 4)
            p.fillRect(box, fill)
            p.setPen(QPen(_GRID, 0.8))
            p.drawRect(box)
            p.setPen(QColor("black"))
            p.drawText(QRectF(x + 20, y, metrics.horizontalAdvance(word) + 2, h), 0, word)
            x += 30 + metrics.horizontalAdvance(word)
