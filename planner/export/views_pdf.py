"""The patient's views as PDF: the timeline, the month calendar and the checklists.

Pure writers (domain objects in, PDF bytes out on a stream, no Qt), drawn with reportlab
through ``planner.export.pdfkit``, so every text is plain text, glyph-checked and
escaped, and every page has the title, the patient banner, "Page x of y" and the plan
version. The desktop app prints the same views through Qt; these are the command
line's (``transplant-planner export timeline|calendar|checklists``).

* Timeline: landscape A4, one month across the page width (one column per day), a lane
  per step with its label wrapped in a column of its own on the left, so no label runs
  past the page edge; lanes that do not fit the page height continue on the next page
  under the same axis. The axis gives the weekday, the date and the transplant day
  (D-7, D0, D+14); Day 0 and today are marked.
* Calendar: landscape A4, one month per page, each day's box with its date, its
  transplant day and its steps; a day with more steps than its box holds says so and is
  listed in full on a page after the month.
* Checklists: portrait A4, each checklist with its items, due day, status and who ticked
  them when, a box to tick by hand for every open item.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any, BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, PageTemplate, Paragraph

from planner.domain.days import short_day_label
from planner.domain.patients import ClinicSettings, Patient
from planner.domain.plans import Occurrence, Plan
from planner.export.pdfkit import (
    FONT,
    FONT_BOLD,
    BuildInfo,
    DocMeta,
    PdfDocument,
)
from planner.export.views import (
    VIEW_TITLE,
    Lane,
    month_days,
    month_lanes,
    months_with_steps,
    shown_status,
)
from planner.records.checklists import ChecklistView, ItemView

_INK = colors.HexColor("#1d3557")
_GRID = colors.HexColor("#8d99ae")
_LIGHT = colors.HexColor("#dee2e6")
_WEEKEND = colors.HexColor("#f1f3f5")
_CLOSED = colors.HexColor("#ffe8cc")
_DAY0 = colors.HexColor("#c1121f")
_TODAY = colors.HexColor("#1c7ed6")
# A step's window (Day +28 +/-3): a light band behind its day, outlined to read in grey;
# a weekend in it a shade darker, a closure day keeps its own colour.
_WINDOW_FILL = colors.HexColor("#e3ecf9")
_WINDOW_WEEKEND = colors.HexColor("#d3dded")
_WINDOW_EDGE = colors.HexColor("#7f9cc7")
# Fill and outline of a step's day by what was recorded (see _LEGEND).
_STATUS_INK: dict[str, tuple[colors.Color, colors.Color]] = {
    "done": (colors.HexColor("#2a9d8f"), colors.HexColor("#1b6b61")),
    "planned": (colors.HexColor("#a8dadc"), _INK),
    "overdue": (colors.HexColor("#f4a3a8"), _DAY0),
    "skipped": (colors.white, _GRID),
    "cancelled": (colors.white, _GRID),
}
_LEGEND = (("done", "done"), ("planned", "planned"), ("overdue", "overdue"))
_WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_MONTHS = tuple(calendar.month_name[1:])


class _LandscapeDocument(PdfDocument):
    """A ``PdfDocument`` whose every page is landscape A4.

    The facade starts on its portrait template and switches only at a page break; the
    timeline and the calendar are landscape from the first page, so both of its
    templates get the landscape size here.
    """

    def _template(self, name: str, size: tuple[float, float]) -> PageTemplate:
        return super()._template(name, landscape(A4))


def _meta(
    kind: str,
    patient: Patient,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    no_phi: bool,
) -> DocMeta:
    """Title, banner and footer: identifiers in the page banner only, never in the PDF
    metadata (which file browsers show)."""
    version = f"Plan version {plan.version}"
    day0 = f"Day 0 {plan.day0:%d %b %Y}"
    banner = (
        f"{day0} · {version}"
        if no_phi
        else f"{patient.display_name} · MRN {patient.mrn} · "
        f"DOB {patient.date_of_birth.isoformat()} · {day0} · {version}"
    )
    return DocMeta(
        title=VIEW_TITLE[kind],
        author=settings.centre_name,
        subject=f"{VIEW_TITLE[kind]} for local review",
        keywords="stem cell transplant, care plan",
        lang="en",
        footer=f"{version} · Printed {printed_on.isoformat()}",
        banner=banner,
    )


# --- timeline --------------------------------------------------------------------------------


class _MonthBand(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """One month of the timeline across the width: title, axis, lanes, legend.

    Splits between lanes when the page is full; the rest continues on the next page
    with the title and the axis again.
    """

    TITLE_H = 16.0
    AXIS_ROW = 8.0
    LEGEND_H = 14.0
    MIN_ROW = 11.0
    LABEL_SIZE = 7.5

    def __init__(
        self,
        doc: PdfDocument,
        month: dt.date,
        lanes: Sequence[Lane],
        day0: dt.date,
        today: dt.date,
        closures: frozenset[dt.date],
        *,
        page_h: float,
        continued: bool = False,
    ) -> None:
        super().__init__()
        self.doc, self.month, self.lanes = doc, month, list(lanes)
        self.page_h = page_h
        self.day0, self.today, self.closures = day0, today, closures
        self.continued = continued
        self.days = month_days(month)
        self.style = doc.styles["cell"].clone("lane", fontSize=self.LABEL_SIZE, leading=9)
        self.width = self.label_w = self.day_w = 0.0
        self.rows: list[tuple[Paragraph, float]] = []

    # -- layout ----------------------------------------------------------------------------
    @property
    def _axis_h(self) -> float:
        return 3 * self.AXIS_ROW + 2

    @property
    def _furniture_h(self) -> float:
        return self.TITLE_H + self._axis_h + self.LEGEND_H

    def _layout(self, width: float) -> None:
        self.width = width
        # The label column takes a fifth of the width: a 96-character title wraps onto
        # three lines there and the month keeps about 19 pt a day.
        self.label_w = min(max(width * 0.2, 110.0), 190.0)
        self.day_w = (width - self.label_w) / len(self.days)
        self.rows = []
        for lane in self.lanes:
            para = Paragraph(self.doc.text(lane.label), self.style)
            _w, h = para.wrap(self.label_w - 6, 10_000)
            self.rows.append((para, max(self.MIN_ROW, h + 3)))

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self._layout(avail_width)
        self.height = self._furniture_h + sum(h for _p, h in self.rows)
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        self._layout(avail_width)
        room = avail_height - self._furniture_h
        fit, used = 0, 0.0
        for _para, h in self.rows:
            if used + h > room:
                break
            fit, used = fit + 1, used + h
        # A month that fits a page of its own moves there whole rather than split.
        whole = self._furniture_h + sum(h for _p, h in self.rows)
        fresh = avail_height >= self.page_h - 1
        if fit == 0 or fit == len(self.lanes) or (whole <= self.page_h and not fresh):
            return []
        return [self._part(self.lanes[:fit], self.continued), self._part(self.lanes[fit:], True)]

    def _part(self, lanes: Sequence[Lane], continued: bool) -> _MonthBand:
        return _MonthBand(
            self.doc,
            self.month,
            lanes,
            self.day0,
            self.today,
            self.closures,
            page_h=self.page_h,
            continued=continued,
        )

    # -- drawing ---------------------------------------------------------------------------
    def _x(self, day: dt.date) -> float:
        return self.label_w + (day - self.month).days * self.day_w

    def draw(self) -> None:
        c = self.canv
        top = self.height
        c.saveState()
        c.setFillColor(colors.black)
        c.setFont(FONT_BOLD, 11)
        first, last = self.days[0], self.days[-1]
        span = (
            f"{short_day_label((first - self.day0).days)} to "
            f"{short_day_label((last - self.day0).days)}"
        )
        title = f"{_MONTHS[self.month.month - 1]} {self.month.year}"
        if self.continued:
            title += " (continued)"
        c.drawString(0, top - 11, f"{title}   {span}")
        axis_top = top - self.TITLE_H
        chart_top = axis_top - self._axis_h
        chart_bottom = self.LEGEND_H
        self._shade_days(axis_top, chart_bottom)
        self._draw_axis(axis_top)
        self._drawmonth_lanes(chart_top)
        self._draw_marks(axis_top, chart_bottom)
        self._draw_legend()
        c.restoreState()

    def _shade_days(self, top: float, bottom: float) -> None:
        c = self.canv
        for day in self.days:
            fill = _CLOSED if day in self.closures else (_WEEKEND if day.weekday() >= 5 else None)
            if fill is not None:
                c.setFillColor(fill)
                c.rect(self._x(day), bottom, self.day_w, top - bottom, stroke=0, fill=1)

    def _axis_font(self) -> float:
        """The largest size (7 pt down to 4.5 pt) at which every day label fits its day."""
        widest = max(
            float(pdfmetrics.stringWidth(short_day_label((d - self.day0).days), FONT, 1))
            for d in self.days
        )
        return max(4.5, min(7.0, (self.day_w - 2) / widest))

    def _draw_axis(self, top: float) -> None:
        c = self.canv
        size = self._axis_font()
        rows = [top - self.AXIS_ROW * (n + 1) + 2 for n in range(3)]
        for day in self.days:
            middle = self._x(day) + self.day_w / 2
            number = (day - self.day0).days
            label = short_day_label(number)
            if day == self.today:
                c.setFillColor(_TODAY)
                c.rect(self._x(day) + 0.5, rows[1] - 1.5, self.day_w - 1, 7.5, stroke=0, fill=1)
                c.setFillColor(colors.white)
            else:
                c.setFillColor(colors.black)
            c.setFont(FONT, 6)
            c.drawCentredString(middle, rows[1], str(day.day))
            c.setFillColor(colors.black)
            c.drawCentredString(middle, rows[0], _WEEKDAYS[day.weekday()])
            # A label wider than its day (D+3650 on a narrow page) is left out but for
            # Day 0; every other day keeps its date.
            if pdfmetrics.stringWidth(label, FONT, size) <= self.day_w - 1 or number == 0:
                c.setFillColor(_DAY0 if number == 0 else colors.black)
                c.setFont(FONT_BOLD if number == 0 else FONT, size)
                c.drawCentredString(middle, rows[2], label)
        c.setFillColor(colors.black)
        c.setFont(FONT, 6)
        c.drawString(0, rows[0], "Weekday")
        c.drawString(0, rows[1], "Date")
        c.drawString(0, rows[2], "Transplant day")
        c.setStrokeColor(_GRID)
        c.setLineWidth(0.5)
        c.line(0, top - self._axis_h, self.width, top - self._axis_h)

    def _drawmonth_lanes(self, top: float) -> None:
        c = self.canv
        y = top
        for lane, (para, h) in zip(self.lanes, self.rows, strict=True):
            y -= h
            para.drawOn(c, 2, y + (h - para.height) / 2)
            bar = min(7.0, h - 4)
            self._draw_windows(lane, y, h, bar)
            for day, status in lane.days.items():
                fill, stroke = _STATUS_INK[status]
                x = self._x(day) + 1
                c.setFillColor(fill)
                c.setStrokeColor(stroke)
                c.setLineWidth(0.6)
                c.rect(x, y + (h - bar) / 2, self.day_w - 2, bar, stroke=1, fill=1)
                if status in ("skipped", "cancelled"):
                    c.line(x, y + (h - bar) / 2, x + self.day_w - 2, y + (h + bar) / 2)
            c.setStrokeColor(_LIGHT)
            c.setLineWidth(0.4)
            c.line(0, y, self.width, y)
        c.setStrokeColor(_LIGHT)
        c.line(self.label_w, y, self.label_w, top + self._axis_h)

    def _draw_windows(self, lane: Lane, y: float, h: float, bar: float) -> None:
        """The lane's windows in this month, behind its days, a little taller than them."""
        c = self.canv
        band = min(bar + 4, h - 2)
        bottom = y + (h - band) / 2
        first, last = self.days[0], self.days[-1]
        for start, end in lane.windows:
            start, end = max(start, first), min(end, last)
            if start > end:
                continue
            count = (end - start).days + 1
            for n in range(count):
                day = start + dt.timedelta(days=n)
                if day in self.closures:
                    continue
                c.setFillColor(_WINDOW_WEEKEND if day.weekday() >= 5 else _WINDOW_FILL)
                c.rect(self._x(day), bottom, self.day_w, band, stroke=0, fill=1)
            c.setStrokeColor(_WINDOW_EDGE)
            c.setLineWidth(0.4)
            c.rect(self._x(start), bottom, count * self.day_w, band, stroke=1, fill=0)

    def _draw_marks(self, top: float, bottom: float) -> None:
        c = self.canv
        if self.days[0] <= self.day0 <= self.days[-1]:
            x = self._x(self.day0) + self.day_w / 2
            c.setStrokeColor(_DAY0)
            c.setLineWidth(1.2)
            c.line(x, bottom, x, top - self.AXIS_ROW * 3)
        if self.days[0] <= self.today <= self.days[-1]:
            x = self._x(self.today) + self.day_w / 2
            c.setStrokeColor(_TODAY)
            c.setLineWidth(1)
            c.setDash(3, 2)
            c.line(x, bottom, x, top - self.AXIS_ROW * 2)
            c.setDash()

    def _draw_legend(self) -> None:
        c = self.canv
        x, y = 0.0, 2.0
        c.setFont(FONT, 6.5)
        for status, word in (*_LEGEND, ("skipped", "skipped or cancelled")):
            fill, stroke = _STATUS_INK[status]
            c.setFillColor(fill)
            c.setStrokeColor(stroke)
            c.rect(x, y, 12, 6, stroke=1, fill=1)
            if status == "skipped":
                c.line(x, y, x + 12, y + 6)
            c.setFillColor(colors.black)
            c.drawString(x + 15, y + 0.5, word)
            x += 20 + pdfmetrics.stringWidth(word, FONT, 6.5) + 8
        for colour, dash, word in ((_DAY0, False, "Day 0"), (_TODAY, True, "today")):
            c.setStrokeColor(colour)
            c.setLineWidth(1.2)
            if dash:
                c.setDash(3, 2)
            c.line(x + 4, y - 1, x + 4, y + 7)
            c.setDash()
            c.setFillColor(colors.black)
            c.drawString(x + 9, y + 0.5, word)
            x += 14 + pdfmetrics.stringWidth(word, FONT, 6.5) + 8
        shaded = [(_WEEKEND, _GRID, "weekend"), (_CLOSED, _GRID, "clinic closed")]
        if any(lane.windows for lane in self.lanes):
            shaded.append((_WINDOW_FILL, _WINDOW_EDGE, "window (+/- days)"))
        for fill, edge, word in shaded:
            c.setFillColor(fill)
            c.setStrokeColor(edge)
            c.rect(x, y, 12, 6, stroke=1, fill=1)
            c.setFillColor(colors.black)
            c.drawString(x + 15, y + 0.5, word)
            x += 20 + pdfmetrics.stringWidth(word, FONT, 6.5) + 8


def write_timeline(
    out: BinaryIO,
    *,
    patient: Patient,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    today: dt.date,
    no_phi: bool = False,
) -> BuildInfo:
    """The plan timeline, a month per landscape page across its width (see the module)."""
    doc = _LandscapeDocument(out, _meta("timeline", patient, plan, settings, printed_on, no_phi))
    months = months_with_steps(plan.occurrences())
    if not months:
        doc.paragraph("The plan has no dated steps.")
    for n, month in enumerate(months):
        if n:
            doc.spacer(14)
        lanes = month_lanes(plan, month, today)
        band = _MonthBand(
            doc,
            month,
            lanes,
            plan.day0,
            today,
            settings.closures,
            page_h=doc.frame_height("landscape"),
        )
        doc.add(band)
    return doc.build()


# --- calendar --------------------------------------------------------------------------------


def _step_line(occ: Occurrence, today: dt.date) -> str:
    status = shown_status(occ, today)
    return occ.title if status == "planned" else f"{occ.title} ({status})"


class _DayBox(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """One day of the month grid: date, transplant day, as many steps as fit the box."""

    def __init__(
        self,
        doc: PdfDocument,
        day: dt.date,
        lines: Sequence[str],
        size: tuple[float, float],
        day0: dt.date,
        marks: tuple[bool, bool, bool],
    ) -> None:
        super().__init__()
        self.doc, self.day, self.lines, self.day0 = doc, day, list(lines), day0
        self.width, self.height = size
        self.is_day0, self.is_today, self.closed = marks
        self.style = doc.styles["cell"].clone(
            "daybox", fontSize=6.3, leading=7.2, leftIndent=7, bulletIndent=1
        )
        self.shown, self.hidden = self._fit()

    def _fit(self) -> tuple[list[Paragraph], int]:
        """The step paragraphs that fit under the day's heading, and how many did not."""
        room = self.height - 13
        paras: list[Paragraph] = []
        used = 0.0
        for n, line in enumerate(self.lines):
            para = Paragraph(self.doc.text(line), self.style, bulletText="•")
            _w, h = para.wrap(self.width - 5, room)
            left = len(self.lines) - n - 1
            # Keep a line for "+N more" unless this is the last step.
            reserve = self.style.leading if left else 0.0
            if used + h + reserve > room:
                return paras, len(self.lines) - n
            paras.append(para)
            used += h
        return paras, 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        if self.closed:
            c.setFillColor(_CLOSED)
            c.rect(0, 0, self.width, self.height, stroke=0, fill=1)
        if self.is_day0 or self.is_today:
            c.setStrokeColor(_DAY0 if self.is_day0 else _TODAY)
            c.setLineWidth(1.5)
            c.rect(0.75, 0.75, self.width - 1.5, self.height - 1.5, stroke=1, fill=0)
        top = self.height - 9
        c.setFillColor(colors.black)
        c.setFont(FONT_BOLD, 8)
        c.drawString(3, top, str(self.day.day))
        label = short_day_label((self.day - self.day0).days)
        c.setFillColor(_DAY0 if self.is_day0 else colors.black)
        c.drawRightString(self.width - 3, top, label)
        if self.is_today:
            c.setFillColor(_TODAY)
            c.setFont(FONT_BOLD, 6.5)
            c.drawString(16, top, "today")
        y = top - 2
        for para in self.shown:
            y -= para.height
            para.drawOn(c, 2, y)
        if self.hidden:
            c.setFillColor(_DAY0)
            c.setFont(FONT_BOLD, 6.3)
            c.drawString(3, y - 6.5, f"+{self.hidden} more (next page)")
        c.restoreState()


def write_calendar(
    out: BinaryIO,
    *,
    patient: Patient,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    today: dt.date,
    no_phi: bool = False,
) -> BuildInfo:
    """The month calendar, a month per landscape page (see the module)."""
    doc = _LandscapeDocument(out, _meta("calendar", patient, plan, settings, printed_on, no_phi))
    occurrences = plan.sorted_occurrences()
    by_day: dict[dt.date, list[Occurrence]] = {}
    for occ in occurrences:
        by_day.setdefault(occ.date, []).append(occ)
    months = months_with_steps(occurrences)
    if not months:
        doc.paragraph("The plan has no dated steps.")
    width = doc.frame_width("landscape")
    frame_h = doc.frame_height("landscape")
    for n, month in enumerate(months):
        if n:
            doc.page_break()
        doc.heading(f"{_MONTHS[month.month - 1]} {month.year}", style="h2")
        weeks = calendar.Calendar().monthdatescalendar(month.year, month.month)
        heading_h = doc.styles["h2"].leading + doc.styles["h2"].spaceAfter + 4
        row_h = (frame_h - heading_h - 16) / len(weeks)
        size = (width / 7, row_h)
        overflow: list[dt.date] = []
        rows: list[list[Any]] = [list(_WEEKDAY_NAMES)]
        for week in weeks:
            row: list[Any] = []
            for day in week:
                if day.month != month.month:
                    row.append("")
                    continue
                lines = [_step_line(o, today) for o in by_day.get(day, [])]
                box = _DayBox(
                    doc,
                    day,
                    lines,
                    size,
                    plan.day0,
                    (day == plan.day0, day == today, day in settings.closures),
                )
                if box.hidden:
                    overflow.append(day)
                row.append(box)
            rows.append(row)
        doc.table(
            rows,
            [width / 7] * 7,
            extra=[
                ("LEFTPADDING", (0, 1), (-1, -1), 0),
                ("RIGHTPADDING", (0, 1), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 0),
            ],
        )
        if overflow:
            doc.page_break()
            doc.heading(
                f"{_MONTHS[month.month - 1]} {month.year} (continued): "
                "every step of the days above that did not fit their box",
                style="h2",
            )
            doc.table(
                [
                    ["Date", "Transplant day", "Steps"],
                    *[
                        [
                            f"{day:%a %d %b %Y}",
                            short_day_label((day - plan.day0).days),
                            "\n".join(_step_line(o, today) for o in by_day[day]),
                        ]
                        for day in overflow
                    ],
                ],
                [width * 0.18, width * 0.12, width * 0.7],
            )
    return doc.build()


_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- checklists ------------------------------------------------------------------------------


class _TickBox(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A square to tick by hand, or ticked (drawn, so no glyph can be missing)."""

    def __init__(self, size: float, ticked: bool) -> None:
        super().__init__()
        self.size, self.ticked = size, ticked

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        c, s = self.canv, self.size
        c.setLineWidth(0.8)
        c.rect(0, 0, s, s)
        if self.ticked:
            c.setLineWidth(1.4)
            c.lines(
                [(s * 0.18, s * 0.5, s * 0.42, s * 0.2), (s * 0.42, s * 0.2, s * 0.85, s * 0.85)]
            )


def _who(iv: ItemView) -> str:
    entry = iv.state
    if entry is None or not entry.done or entry.date is None:
        return ""
    return f"{entry.date:%d %b %Y}" + (f" ({entry.by})" if entry.by else "")


def _note(iv: ItemView) -> str:
    note = iv.warning or (iv.state.note if iv.state is not None else "")
    if not note and iv.earliest is not None and not iv.done:
        note = f"Valid for {iv.item.expires_after_days} days: do on or after {iv.earliest:%d %b %Y}"
    return note


def write_checklists(
    out: BinaryIO,
    *,
    patient: Patient,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    checklists: Sequence[ChecklistView],
    no_phi: bool = False,
) -> BuildInfo:
    """Every checklist of the transplant, one after another (see the module)."""
    doc = PdfDocument(out, _meta("checklists", patient, plan, settings, printed_on, no_phi))
    if not checklists:
        doc.paragraph("No checklist applies to this transplant.")
    width = doc.frame_width()
    widths = [w * width for w in (0.05, 0.35, 0.17, 0.11, 0.14, 0.18)]
    for n, view in enumerate(checklists):
        if n:
            doc.spacer(12)
        template = view.template
        summary = f"{view.done_count} of {len(view.items)} done · {template.review_status}"
        items = sorted(view.items, key=lambda iv: iv.due or dt.date.min)
        rows: list[list[object]] = [["", "Item", "Due", "Status", "Done on (by)", "Note"]]
        for iv in items:
            due = "daily" if iv.due is None else f"{iv.due:%a %d %b %Y}\n{iv.day_label}"
            item = iv.item.title + (f"\n{iv.item.section}" if iv.item.section else "")
            rows.append([_TickBox(8, iv.done), item, due, iv.status, _who(iv), _note(iv)])
        # The title stays with its table: never alone at the foot of a page.
        doc.keep(
            [
                doc.heading_para(template.title),
                doc.para(summary, "small"),
                doc.grid(rows, widths, None, extra=[("ALIGN", (0, 1), (0, -1), "CENTER")]),
            ]
        )
    return doc.build()
