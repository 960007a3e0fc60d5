"""The patient handout: a plain-language guide made from the patient's plan.

A pure function of domain objects writing to a binary stream: no database, no Qt, no
clock (the print date comes in). Every word the patient reads comes from
``resources/handouts/<lang>/``; data (names, step wording, the centre's details) goes
through the facade's plain-text path, so nothing in it can act as markup.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.platypus import CondPageBreak, Flowable

from planner.clinical.plan_rules.facts import PatientFacts, facts_of
from planner.clinical.step_doses import plan_dose_line
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Occurrence, Plan, PlanStep, StepStatus
from planner.domain.templates import Phase, StepKind, load_protocols
from planner.export.pdfkit import DocMeta, PdfDocument, TickBoxes, WriteLine
from planner.export.texts import HandoutTexts, StepText, load_texts

NORMAL_BASE_PT = 12.0
LARGE_BASE_PT = 16.0
CALENDAR_UNTIL_DAY = 100
MIN_CALENDAR_DAYS = 28
NEXT_DATES = 6
GRID_CELL_EVENTS = 3
MEDSHEET_DAYS = 28
FOLLOW_UP_DAYS = 800  # follow-up visits and vaccines listed up to about 2 years
# A month grid fills at least this share of its page, so it reads as a wall calendar and
# no page is left mostly empty before the next month starts on a new page.
GRID_PAGE_SHARE = 0.62
_HIDDEN_KINDS = frozenset({StepKind.REGISTRY_FORM})
# The caregiver's sheet lists what is taken at home: tablets and injections under the skin,
# outside the inpatient conditioning and infusion days. Intravenous drugs are given by the
# team, and vaccines (no home dose) at the clinic.
_HOME_ROUTES = frozenset({"PO", "SC"})
_INPATIENT_PHASES = frozenset({Phase.CONDITIONING, Phase.INFUSION})
_DAY0_FILL = colors.HexColor("#fff3b0")
_OUTSIDE_FILL = colors.HexColor("#f1f3f5")


@dataclass(frozen=True)
class HandoutInfo:
    """What a written handout reports to the caller (the app warns on missing glyphs).

    Attributes:
        pages: page count.
        language: the language used.
        large_print, no_phi: the variant.
        plan_version, printed_on: what the handout was made from, and when.
        base_font_size: the body text size in points.
        missing_glyphs: characters the font lacks, printed as U+FFFD.
        untranslated_steps: step ids without wording in ``language`` (shown with a
            generic phrase and "ask your team").
    """

    pages: int
    language: str
    large_print: bool
    no_phi: bool
    plan_version: int
    printed_on: dt.date
    base_font_size: float
    missing_glyphs: tuple[str, ...]
    untranslated_steps: tuple[str, ...]


@dataclass(frozen=True)
class _Event:
    occurrence: Occurrence
    short: str
    text: str


@functools.cache
def _bundled_template_ids() -> frozenset[str]:
    return frozenset(load_protocols())


class _Wording:
    """Step wording in the handout language, remembering steps without a translation."""

    def __init__(self, texts: HandoutTexts, plan: Plan) -> None:
        self.texts, self.plan = texts, plan
        self.untranslated: set[str] = set()

    def find(self, step: PlanStep) -> StepText | None:
        """The step's wording; a bare step id ("admission") matches bundled templates only."""
        return self.texts.step(step.id, bare=step.template_id in _bundled_template_ids())

    def event(self, occ: Occurrence) -> _Event:
        step = self.plan.step(occ.step_id)
        found = self.find(step)
        if found is not None:
            return _Event(occ, found.short or step.title, found.text or found.short)
        kind = self.texts.get(f"kinds.{step.kind.value}")
        if self.texts.lang == "en":
            return _Event(occ, step.title, step.patient_text or step.title)
        self.untranslated.add(step.id)
        short = f"{kind}: {step.drug}" if step.drug else kind
        return _Event(occ, short, f"{short}. {self.texts.get('medsheet.untranslated')}")


def _events(plan: Plan, wording: _Wording) -> list[_Event]:
    return [
        wording.event(o)
        for o in plan.sorted_occurrences()
        if o.kind not in _HIDDEN_KINDS
        and o.status not in (StepStatus.SKIPPED, StepStatus.CANCELLED)
    ]


@dataclass(frozen=True)
class PatientEvent:
    """An occurrence as the handout tells the patient of it.

    Attributes:
        occurrence: the plan's occurrence; short, text: its wording in the handout's
            language; day: the day label the patient reads ("Day -3", "Injection day 4").
    """

    occurrence: Occurrence
    short: str
    text: str
    day: str


def patient_events(plan: Plan, texts: HandoutTexts) -> list[PatientEvent]:
    """Every occurrence the patient is told about, in the handout's wording and date order,
    skipped and cancelled ones included (a calendar must cancel what it showed before)."""
    wording, names = _Wording(texts, plan), _DayNames(texts, plan)
    return [
        PatientEvent(o, event.short, event.text, names.label(o.date))
        for o in plan.sorted_occurrences()
        if o.kind not in _HIDDEN_KINDS
        for event in (wording.event(o),)
    ]


def _heading(doc: PdfDocument, value: str, level: int = 0, *, style: str | None = None) -> None:
    """A heading that starts a new page only when little room is left below it.

    Not reportlab's keepWithNext: that binds a heading to the whole table after it, so a
    long table that does not fit below moves to the next page and leaves this one nearly
    empty. Here the heading needs room for itself and a few lines; the table then flows.
    """
    doc.add(CondPageBreak(doc.base_size * 10))
    flowable = doc.heading_para(value, level, style=style)
    flowable.keepWithNext = 0
    doc.add(flowable)


class _DayNames:
    """The day label a patient reads for a date: an injection day while stem cells are
    mobilised (the harvest's M-Day numbering), otherwise the transplant day."""

    def __init__(self, texts: HandoutTexts, plan: Plan) -> None:
        self.texts, self.day0 = texts, plan.day0
        self.mdays: dict[dt.date, int] = {}
        window = plan.mobilisation_window()
        if window is not None:
            first, last, _ = window  # first: M-Day 1
            for n in range(1, (last - first).days + 2):
                self.mdays[first + dt.timedelta(days=n - 1)] = n

    def label(self, when: dt.date) -> str:
        """ "Day -3", or "Injection day 4" on a mobilisation day."""
        if when in self.mdays:
            return self.texts.fill("format.mday_label", n=self.mdays[when])
        return self.texts.day_label((when - self.day0).days)


def _window(plan: Plan, printed_on: dt.date) -> tuple[dt.date, dt.date]:
    """First and last calendar dates shown: from the print date to Day +100 at least."""
    start = printed_on
    end = max(
        plan.day0 + dt.timedelta(days=CALENDAR_UNTIL_DAY),
        start + dt.timedelta(days=MIN_CALENDAR_DAYS),
    )
    return start, end


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _by_date(events: Sequence[_Event]) -> dict[dt.date, list[_Event]]:
    days: dict[dt.date, list[_Event]] = {}
    for ev in events:
        bucket = days.setdefault(ev.occurrence.date, [])
        if all(e.short != ev.short for e in bucket):
            bucket.append(ev)
    return days


_BEFORE_NUMBER = re.compile(r" (?=[-+\u2212]?\d)")


def _nbsp(text: str) -> str:
    """Keeps a number with the word before it ("Day -3", "Día 5 de inyecciones")."""
    return _BEFORE_NUMBER.sub("\u00a0", text)


def _grid_cell(
    doc: PdfDocument, texts: HandoutTexts, when: dt.date, names: _DayNames, events: Sequence[_Event]
) -> str:
    """Markup of one month-grid cell: date, day label, the day's short texts (all escaped)."""
    parts = [f"<b>{when.day}</b>", doc.text(_nbsp(names.label(when)))]
    parts += [f"• {doc.text(ev.short)}" for ev in events[:GRID_CELL_EVENTS]]
    if len(events) > GRID_CELL_EVENTS:
        more = texts.fill("calendar.more", n=len(events) - GRID_CELL_EVENTS)
        parts.append(f"• {doc.text(more)}")
    return "<br/>".join(parts)


def _stacked_height(flowables: Sequence[Flowable], width: float) -> float:
    return sum(  # type: ignore[no-any-return]  # reportlab ships no type hints
        f.wrap(width, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables
    )


def _row_heights(natural: Sequence[float], least: float, budget: float) -> list[float]:
    """Rows at least ``least`` tall, lowered so that they fit ``budget`` where they can."""
    while least > 0 and sum(max(n, least) for n in natural) > budget:
        least -= 2.0
    return [max(n, least) for n in natural]


@dataclass(frozen=True)
class _Week:
    """One row of a month grid: its cells, their fills (column, colour) and natural height."""

    cells: list[object]
    fills: list[tuple[int, object]]
    natural: float


def _week(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    names: _DayNames,
    days: dict[dt.date, list[_Event]],
    week: Sequence[dt.date],
    month: int,
) -> _Week:
    width = doc.frame_width() / 7
    cells: list[object] = []
    fills: list[tuple[int, object]] = []
    for c, when in enumerate(week):
        if when.month != month:
            cells.append("")
            fills.append((c, _OUTSIDE_FILL))
            continue
        cells.append(
            doc.markup_para(_grid_cell(doc, texts, when, names, days.get(when, [])), "grid")
        )
        if when == plan.day0:
            fills.append((c, _DAY0_FILL))
    paras = [p for p in cells if isinstance(p, Flowable)]
    return _Week(cells, fills, max((p.wrap(width - 6, 1e6)[1] for p in paras), default=0) + 8)


def _month_pages(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    names: _DayNames,
    days: dict[dt.date, list[_Event]],
    month: tuple[int, int],
    above: Sequence[Flowable],
) -> list[list[Flowable]]:
    """A wall-calendar month: a heading and a 7-column grid filling most of its page.

    A busy month taller than a page is cut between weeks into pages of its own, each
    with the heading and the weekday row and filling most of its page too: left to split
    where the page ends, its last weeks would sit alone on a nearly empty page.
    ``above`` is what shares the first page (the calendar's heading).
    """
    year, number = month
    weeks = [
        _week(doc, texts, plan, names, days, week, number)
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, number)
    ]
    width = doc.frame_width() / 7
    head = [doc.para(name, "cell_bold") for name in texts.weekdays("abbreviated")]
    head_h = float(max(p.wrap(width - 6, 1e6)[1] for p in head)) + 8
    title_h = _stacked_height([doc.heading_para(texts.month_title(year, number), 1)], width * 7)

    def budget(first: bool) -> float:
        top = _stacked_height(above, width * 7) if first else 0.0
        return doc.frame_height() - top - title_h - head_h - doc.base_size

    chunks: list[list[_Week]] = [[]]
    for week in weeks:
        used = sum(w.natural for w in chunks[-1])
        if chunks[-1] and used + week.natural > budget(len(chunks) == 1):
            chunks.append([])
        chunks[-1].append(week)
    pages: list[list[Flowable]] = []
    for k, chunk in enumerate(chunks):
        least = doc.frame_height() * GRID_PAGE_SHARE / max(len(chunk), 4)
        heights = [None, *_row_heights([w.natural for w in chunk], least, budget(k == 0))]
        fills = [
            ("BACKGROUND", (c, r), (c, r), colour)
            for r, w in enumerate(chunk, start=1)
            for c, colour in w.fills
        ]
        grid = doc.grid([head, *(w.cells for w in chunk)], [width] * 7, heights, extra=fills)
        title = doc.heading_para(texts.month_title(year, number), 1)
        pages.append([*(above if k == 0 else []), title, grid])
    return pages


def _header(texts: HandoutTexts, *columns: str) -> list[object]:
    """A table's header row: "Date", "Day", "What" in the handout's language."""
    return [texts.get(f"followup.column_{c}") for c in columns]


def _day_by_day(
    doc: PdfDocument,
    texts: HandoutTexts,
    names: _DayNames,
    days: dict[dt.date, list[_Event]],
    dates: Sequence[dt.date],
) -> None:
    rows: list[list[object]] = [_header(texts, "date", "day", "what")]
    for when in dates:
        if when in days:
            lines = "\n".join(f"• {ev.text}" for ev in days[when])
            rows.append([texts.date(when), _nbsp(names.label(when)), lines])
    if len(rows) == 1:
        doc.paragraph(texts.get("calendar.nothing"))
        return
    width = doc.frame_width()
    doc.table(rows, [width * 0.27, width * 0.17, width * 0.56])


def _agenda(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    names: _DayNames,
    days: dict[dt.date, list[_Event]],
    dates: Sequence[dt.date],
) -> None:
    """Large print: the days that have something planned, one row each with what happens."""
    rows: list[list[object]] = [_header(texts, "date", "what")]
    fills: list[tuple[object, ...]] = []
    for when in dates:
        if when not in days:
            continue
        head = f"<b>{doc.text(texts.date(when), bold=True)}</b><br/>{doc.text(_nbsp(names.label(when)))}"
        what = "<br/>".join(
            f"• <b>{doc.text(ev.short, bold=True)}</b>: {doc.text(ev.text)}"
            if ev.text and ev.text != ev.short
            else f"• <b>{doc.text(ev.short, bold=True)}</b>"
            for ev in days[when]
        )
        rows.append([doc.markup_para(head, "cell"), doc.markup_para(what, "cell")])
        if when == plan.day0:
            fills.append(("BACKGROUND", (0, len(rows) - 1), (-1, len(rows) - 1), _DAY0_FILL))
    if len(rows) == 1:
        doc.paragraph(texts.get("calendar.nothing"))
        return
    width = doc.frame_width()
    doc.table(rows, [width * 0.36, width * 0.64], extra=fills)


def _calendar(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    names: _DayNames,
    events: Sequence[_Event],
    printed_on: dt.date,
    *,
    large: bool,
) -> None:
    start, end = _window(plan, printed_on)
    days = _by_date(events)
    intro = [doc.heading_para(texts.get("calendar.heading")), doc.para(texts.get("calendar.intro"))]
    months = _months(start, end)
    if large:  # a month at a time, only the days with something planned
        doc.add(*intro)
        for year, number in months:
            first = dt.date(year, number, 1)
            count = calendar.monthrange(year, number)[1]
            span = [first + dt.timedelta(days=i) for i in range(count)]
            _heading(doc, texts.month_title(year, number), 1)
            _agenda(doc, texts, plan, names, days, [d for d in span if start <= d <= end])
        return
    for k, month in enumerate(months):
        for page in _month_pages(doc, texts, plan, names, days, month, intro if k == 0 else []):
            doc.keep(page)
    for year, number in months:
        first = dt.date(year, number, 1)
        last = dt.date(year, number, calendar.monthrange(year, number)[1])
        month_name = texts.month_name(year, number)
        _heading(doc, texts.fill("calendar.day_by_day", month=month_name), 1, style="h2")
        span = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        _day_by_day(doc, texts, names, days, [d for d in span if start <= d <= end])


def _call_us(doc: PdfDocument, texts: HandoutTexts, settings: ClinicSettings) -> None:
    """Who to call and when: the first thing on the first page, with a line for the number."""
    _heading(doc, texts.get("call.heading"))
    if settings.phone_24h:
        doc.paragraph(texts.fill("call.phone", phone=settings.phone_24h), "big")
    else:
        doc.paragraph(texts.get("call.phone_missing"), "big")
        doc.add(WriteLine(doc.base_size * 2.4))
        doc.spacer(doc.base_size * 0.6)
    doc.paragraph(texts.get("call.intro"))
    fever = texts.fill("call.fever", temperature=texts.temperature(settings.fever_threshold_c))
    doc.bullets([fever, *texts.items("call.signs")])
    doc.paragraph(texts.get("call.emergency"), "h2")


RESTRICTION_SHOWN_DAYS = 30
"""How long after it starts a rule with an end ("no driving until at least Day +14") is
still printed on page 1: its end is the team's decision, so the handout does not guess it."""


def _restrictions(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    events: Sequence[_Event],
    printed_on: dt.date,
) -> None:
    """Rules the patient keeps for a while (stay near the centre, no driving after CAR T
    cells): the plan's teaching steps that last ("until ..."), on the first page."""
    since = printed_on - dt.timedelta(days=RESTRICTION_SHOWN_DAYS)
    rules = [
        ev
        for ev in events
        if ev.occurrence.kind is StepKind.EDUCATION
        and ev.occurrence.date >= since
        and plan.step(ev.occurrence.step_id).until
    ]
    if not rules:
        return
    _heading(doc, texts.get("restrictions.heading"))
    doc.bullets(
        [
            texts.fill("restrictions.from", date=texts.date(ev.occurrence.date), text=ev.text)
            for ev in rules
        ]
    )


def _next_dates(
    doc: PdfDocument,
    texts: HandoutTexts,
    names: _DayNames,
    events: Sequence[_Event],
    printed_on: dt.date,
) -> None:
    ahead = [ev for ev in events if ev.occurrence.date >= printed_on][:NEXT_DATES]
    _heading(doc, texts.get("cover.next_heading"))
    if not ahead:
        doc.paragraph(texts.get("cover.next_none"))
        return
    _dated_table(doc, texts, names, ahead)


def _first_page(
    doc: PdfDocument,
    texts: HandoutTexts,
    patient: Patient,
    settings: ClinicSettings,
    no_phi: bool,
) -> None:
    _heading(doc, texts.get("cover.heading"), style="title")
    if no_phi:
        doc.paragraph(f"{texts.get('cover.name_label')}:", "big")
        doc.add(WriteLine(doc.base_size * 2.4))
        doc.paragraph(texts.get("cover.name_blank"), "small")
    else:
        name = f"{patient.given_name} {patient.family_name}".strip()
        doc.paragraph(f"{texts.get('cover.name_label')}: {name}", "big")
    doc.paragraph(texts.get("cover.intro"))
    _call_us(doc, texts, settings)


def _about(
    doc: PdfDocument,
    texts: HandoutTexts,
    patient: Patient,
    transplant: Transplant,
    plan: Plan,
    names: _DayNames,
    settings: ClinicSettings,
    printed_on: dt.date,
    version: int,
) -> None:
    _heading(doc, texts.get("cover.transplant_label"))
    doc.paragraph(texts.get(f"transplant_type.{transplant.transplant_type.value}"))
    doc.paragraph(texts.get(f"graft_source.{transplant.graft_source.value}"))
    doc.paragraph(texts.get("cover.day0_label"), "h2")
    doc.paragraph(texts.date(plan.day0), "big")
    doc.paragraph(texts.get("cover.days_note"))
    if names.mdays:
        doc.paragraph(texts.get("cover.mday_note"))
    doc.paragraph(texts.get("cover.centre_label"), "h2")
    doc.paragraph(settings.centre_name)
    if patient.coordinator:
        doc.paragraph(f"{texts.get('cover.coordinator_label')}: {patient.coordinator}")
    doc.paragraph(
        texts.fill("cover.plan_note", version=version, date=texts.date(printed_on)), "small"
    )


def _expect(
    doc: PdfDocument, texts: HandoutTexts, events: Sequence[_Event], printed_on: dt.date
) -> None:
    ahead = {ev.occurrence.phase for ev in events if ev.occurrence.date >= printed_on}
    phases = [p for p in Phase if p in ahead] or [Phase.FOLLOW_UP]
    _heading(doc, texts.get("expect.heading"))
    doc.paragraph(texts.get("expect.intro"))
    for phase in phases:
        _heading(doc, texts.get(f"expect.phases.{phase.value}.title"), 1)
        doc.bullets(texts.items(f"expect.phases.{phase.value}.points"))


def _precautions(doc: PdfDocument, texts: HandoutTexts) -> None:
    for section in ("infection", "food"):
        _heading(doc, texts.get(f"{section}.heading"))
        doc.bullets(texts.items(f"{section}.points"))


def _dated_table(
    doc: PdfDocument, texts: HandoutTexts, names: _DayNames, events: Sequence[_Event]
) -> None:
    rows: list[list[object]] = [_header(texts, "date", "day", "what")]
    rows += [
        [texts.date(ev.occurrence.date), _nbsp(names.label(ev.occurrence.date)), ev.short]
        for ev in events
    ]
    width = doc.frame_width()
    doc.table(rows, [width * 0.36, width * 0.2, width * 0.44])


def _follow_up(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    names: _DayNames,
    events: Sequence[_Event],
    printed_on: dt.date,
) -> None:
    horizon = plan.day0 + dt.timedelta(days=FOLLOW_UP_DAYS)
    ahead = [
        ev
        for ev in events
        if printed_on <= ev.occurrence.date <= horizon and ev.occurrence.phase is Phase.FOLLOW_UP
    ]
    visits = [ev for ev in ahead if ev.occurrence.kind is not StepKind.MEDICATION]
    vaccines = [ev for ev in ahead if ev.occurrence.kind is StepKind.MEDICATION]
    _heading(doc, texts.get("followup.heading"))
    _heading(doc, texts.get("followup.visits_heading"), 1)
    if visits:
        _dated_table(doc, texts, names, visits)
    else:
        doc.paragraph(texts.get("followup.visits_none"))
    _heading(doc, texts.get("followup.vaccines_heading"), 1)
    doc.paragraph(texts.get("followup.vaccines_intro"))
    doc.bullets(texts.items("followup.vaccine_points"))
    if vaccines:
        _dated_table(doc, texts, names, vaccines)
    else:
        doc.paragraph(texts.get("followup.vaccines_none"))


_TIMES = (
    (re.compile(r"every 6 hours|four times|4 times", re.I), 4),
    (re.compile(r"every 8 hours|three times|3 times", re.I), 3),
    (re.compile(r"every 12 hours|twice|two times|2 times", re.I), 2),
)


def times_a_day(frequency: str) -> int:
    """Doses a day from a template frequency ("every 12 hours" -> 2); 1 when not stated."""
    for pattern, count in _TIMES:
        if pattern.search(frequency):
            return count
    return 1


def taken_at_home(step: PlanStep) -> bool:
    """True for a medicine the patient or a carer gives at home (see ``_HOME_ROUTES``)."""
    return (
        step.kind is StepKind.MEDICATION
        and step.dose is not None
        and step.dose.route.upper() in _HOME_ROUTES
        and step.phase not in _INPATIENT_PHASES
    )


def _medicine_week(
    doc: PdfDocument,
    wording: _Wording,
    facts: PatientFacts,
    plan: Plan,
    week: Sequence[_Event],
    monday: dt.date,
    shown: tuple[dt.date, dt.date],
) -> None:
    """One week of the caregiver's sheet: a row per medicine, a column per day."""
    texts = wording.texts
    dates = [monday + dt.timedelta(days=i) for i in range(7)]
    rows: list[list[object]] = [
        [
            texts.get("medsheet.column_medicine"),
            *(
                f"{name}\n{d.day}"
                for name, d in zip(texts.weekdays("abbreviated"), dates, strict=True)
            ),
        ]
    ]
    fills: list[tuple[object, ...]] = [
        ("BACKGROUND", (c, 1), (c, -1), _OUTSIDE_FILL)
        for c, d in enumerate(dates, start=1)
        if not shown[0] <= d <= shown[1]
    ]
    box = doc.base_size * 0.8
    by_step: dict[str, list[_Event]] = {}
    for ev in week:
        by_step.setdefault(ev.occurrence.step_id, []).append(ev)
    for step_id, evs in by_step.items():
        step = plan.step(step_id)
        # The same dose as the team summary: after the plan rules (letermovir with
        # ciclosporin, renal doses), never the template's order alone.
        line = plan_dose_line(step, plan, facts, evs[0].occurrence.date, texts.locale)
        name = evs[0].short if wording.find(step) is not None or not step.drug else step.drug
        count = times_a_day(step.dose.frequency if step.dose else "")
        how = texts.get("medsheet.once") if count == 1 else texts.fill("medsheet.times", n=count)
        label = "\n".join(x for x in (name, line.text if line else "", how) if x)
        on = {ev.occurrence.date for ev in evs}
        rows.append([label, *(TickBoxes(count, box) if d in on else "" for d in dates)])
    _heading(doc, texts.fill("medsheet.week", date=texts.date(monday)), 1, style="h2")
    width = doc.frame_width()
    day = width * 0.62 / 7
    doc.table(rows, [width - 7 * day, *[day] * 7], extra=fills)


def _medicine_sheet(
    doc: PdfDocument,
    wording: _Wording,
    facts: PatientFacts,
    plan: Plan,
    events: Sequence[_Event],
    printed_on: dt.date,
) -> None:
    """The caregiver's tick sheet: home medicines of the next four weeks, week by week."""
    texts = wording.texts
    end = printed_on + dt.timedelta(days=MEDSHEET_DAYS - 1)
    meds = [
        ev
        for ev in events
        if printed_on <= ev.occurrence.date <= end
        and taken_at_home(plan.step(ev.occurrence.step_id))
    ]
    _heading(doc, texts.get("medsheet.heading"))
    doc.paragraph(texts.get("medsheet.intro"))
    if not meds:
        doc.paragraph(texts.get("medsheet.none"))
        return
    doc.paragraph(texts.get("medsheet.period"))
    monday = printed_on - dt.timedelta(days=printed_on.weekday())
    while monday <= end:
        sunday = monday + dt.timedelta(days=6)
        week = [ev for ev in meds if monday <= ev.occurrence.date <= sunday]
        if week:
            _medicine_week(doc, wording, facts, plan, week, monday, (printed_on, end))
        monday += dt.timedelta(days=7)


def write_handout(
    out: BinaryIO,
    *,
    patient: Patient,
    transplant: Transplant,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    plan_version: int,
    language: str = "en",
    large_print: bool = False,
    no_phi: bool = False,
) -> HandoutInfo:
    """Write the patient handout PDF of ``plan`` to ``out``.

    Args:
        out: a binary stream (a file opened "wb" or a BytesIO).
        patient, transplant, plan, settings: the domain objects it is made from.
        printed_on: the print date (never read from a clock here).
        plan_version: the plan version the handout is made from (printed and returned).
        language: a language with texts in resources/handouts (unknown: PlannerError).
        large_print: base size 16 pt, calendar one week per row.
        no_phi: no name, MRN or date of birth anywhere (cover has blank lines instead).

    Returns:
        What was written, including characters the font could not show.
    """
    texts = load_texts(language, settings.handout_folder).for_programme(
        transplant.transplant_type.value
    )
    base = LARGE_BASE_PT if large_print else NORMAL_BASE_PT
    meta = DocMeta(
        title=texts.get("meta.document_title"),
        author=settings.centre_name,
        subject=texts.get("meta.subject"),
        keywords=texts.get("meta.keywords"),
        lang=language,
        footer=texts.fill(
            "format.footer", version=plan_version, date=texts.date(printed_on, short=True)
        ),
        page_text=texts.get("format.page"),
    )
    # Every text of the handout is at least the body size: 12 pt, or 16 pt in large print
    # (the large-print guidance of the RNIB and the APH is 16 pt or more).
    doc = PdfDocument(out, meta, base, base, hyphenation=texts.locale)
    wording = _Wording(texts, plan)
    events = _events(plan, wording)
    names = _DayNames(texts, plan)
    facts = facts_of(patient, transplant, printed_on)
    _first_page(doc, texts, patient, settings, no_phi)
    _restrictions(doc, texts, plan, events, printed_on)
    _next_dates(doc, texts, names, events, printed_on)
    _about(doc, texts, patient, transplant, plan, names, settings, printed_on, plan_version)
    _calendar(doc, texts, plan, names, events, printed_on, large=large_print)
    _expect(doc, texts, events, printed_on)
    _precautions(doc, texts)
    _follow_up(doc, texts, plan, names, events, printed_on)
    _medicine_sheet(doc, wording, facts, plan, events, printed_on)
    info = doc.build()
    return HandoutInfo(
        pages=info.pages,
        language=language,
        large_print=large_print,
        no_phi=no_phi,
        plan_version=plan_version,
        printed_on=printed_on,
        base_font_size=base,
        missing_glyphs=info.missing_glyphs,
        untranslated_steps=tuple(sorted(wording.untranslated)),
    )
