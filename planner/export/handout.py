"""The patient handout: a plain-language guide made from the patient's plan.

A pure function of domain objects writing to a binary stream: no database, no Qt, no
clock (the print date comes in). Every word the patient reads comes from
``resources/handouts/<lang>/``; data (names, step wording, the centre's details) goes
through the facade's plain-text path, so nothing in it can act as markup.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib import colors

from planner.clinical.plan_rules.facts import PatientFacts, facts_of
from planner.clinical.step_doses import plan_dose_line
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Occurrence, Plan, StepStatus
from planner.domain.templates import Phase, StepKind
from planner.export.pdfkit import DocMeta, PdfDocument, TickBoxes
from planner.export.texts import HandoutTexts, load_texts

NORMAL_BASE_PT = 11.0
LARGE_BASE_PT = 16.0
CALENDAR_UNTIL_DAY = 100
MIN_CALENDAR_DAYS = 28
MAX_CELL_EVENTS = 5
LARGE_MAX_CELL_EVENTS = 3
FOLLOW_UP_DAYS = 800  # follow-up visits and vaccines listed up to about 2 years
_HIDDEN_KINDS = frozenset({StepKind.REGISTRY_FORM})
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


class _Wording:
    """Step wording in the handout language, remembering steps without a translation."""

    def __init__(self, texts: HandoutTexts, plan: Plan) -> None:
        self.texts, self.plan = texts, plan
        self.untranslated: set[str] = set()

    def event(self, occ: Occurrence) -> _Event:
        step = self.plan.step(occ.step_id)
        found = self.texts.step(step.id)
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


def _cell(
    doc: PdfDocument,
    texts: HandoutTexts,
    when: dt.date,
    plan: Plan,
    events: Sequence[_Event],
    *,
    large: bool,
) -> str:
    """Markup of one calendar cell: date, transplant day, the day's events (all escaped)."""
    day = (when - plan.day0).days
    head = texts.day_month(when) if large else str(when.day)
    # A no-break space keeps "Day" and its number together in narrow cells.
    label = doc.text(texts.day_label(day).replace(" ", "\u00a0"))
    parts = [
        f"<b>{doc.text(head)}</b><br/>{label}" if large else f"<b>{doc.text(head)}</b>  {label}"
    ]
    limit = LARGE_MAX_CELL_EVENTS if large else MAX_CELL_EVENTS
    parts += [f"• {doc.text(ev.short)}" for ev in events[:limit]]
    if len(events) > limit:
        parts.append(f"• {doc.text(texts.fill('calendar.more', n=len(events) - limit))}")
    return "<br/>".join(parts)


def _grid_style(cells: list[tuple[int, int, str]]) -> list[tuple[object, ...]]:
    fills = {"day0": _DAY0_FILL, "outside": _OUTSIDE_FILL}
    return [("BACKGROUND", (c, r), (c, r), fills[kind]) for c, r, kind in cells]


def _month_grid(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    days: dict[dt.date, list[_Event]],
    year: int,
    month: int,
) -> None:
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    rows: list[list[object]] = [list(texts.weekdays())]
    marks: list[tuple[int, int, str]] = []
    for r, week in enumerate(weeks, start=1):
        row: list[object] = []
        for c, when in enumerate(week):
            if when.month != month:
                row.append("")
                marks.append((c, r, "outside"))
                continue
            row.append(
                doc.markup_para(
                    _cell(doc, texts, when, plan, days.get(when, []), large=False), "grid"
                )
            )
            if when == plan.day0:
                marks.append((c, r, "day0"))
        rows.append(row)
    width = doc.frame_width("landscape") / 7
    doc.heading(texts.month_title(year, month), 1)
    doc.table(rows, [width] * 7, extra=_grid_style(marks))


def _week_rows(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    days: dict[dt.date, list[_Event]],
    start: dt.date,
    end: dt.date,
) -> None:
    """Large print: one week per row, every day of the window in one long table."""
    monday = start - dt.timedelta(days=start.weekday())
    rows: list[list[object]] = [list(texts.weekdays("abbreviated"))]
    marks: list[tuple[int, int, str]] = []
    r = 1
    while monday <= end:
        row: list[object] = []
        for c in range(7):
            when = monday + dt.timedelta(days=c)
            row.append(
                doc.markup_para(
                    _cell(doc, texts, when, plan, days.get(when, []), large=True), "cell"
                )
            )
            if when == plan.day0:
                marks.append((c, r, "day0"))
        rows.append(row)
        monday += dt.timedelta(days=7)
        r += 1
    doc.table(rows, [doc.frame_width("landscape") / 7] * 7, extra=_grid_style(marks))


def _day_by_day(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    days: dict[dt.date, list[_Event]],
    dates: Sequence[dt.date],
    orientation: str,
) -> None:
    rows: list[list[object]] = [
        [
            texts.get("followup.column_date"),
            texts.get("followup.column_day"),
            texts.get("followup.column_what"),
        ]
    ]
    for when in dates:
        if when in days:
            lines = "\n".join(f"• {ev.text}" for ev in days[when])
            rows.append([texts.date(when), texts.day_label((when - plan.day0).days), lines])
    if len(rows) == 1:
        doc.paragraph(texts.get("calendar.nothing"))
        return
    width = doc.frame_width(orientation)
    doc.table(rows, [width * 0.24, width * 0.12, width * 0.64])


def _calendar(
    doc: PdfDocument,
    texts: HandoutTexts,
    plan: Plan,
    events: Sequence[_Event],
    printed_on: dt.date,
    *,
    large: bool,
) -> None:
    start, end = _window(plan, printed_on)
    days = _by_date(events)
    doc.page_break("landscape")
    doc.heading(texts.get("calendar.heading"))
    doc.paragraph(texts.get("calendar.intro"))
    if large:
        _week_rows(doc, texts, plan, days, start, end)
    for year, month in _months(start, end):
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        if not large:
            if (year, month) != (start.year, start.month):
                doc.page_break()
            _month_grid(doc, texts, plan, days, year, month)
        month_name = texts.month_name(year, month)
        doc.heading(texts.fill("calendar.day_by_day", month=month_name), 1, style="h2")
        span = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
        _day_by_day(doc, texts, plan, days, span, "landscape")


def _cover(
    doc: PdfDocument,
    texts: HandoutTexts,
    patient: Patient,
    transplant: Transplant,
    plan: Plan,
    settings: ClinicSettings,
    printed_on: dt.date,
    version: int,
    no_phi: bool,
) -> None:
    doc.heading(texts.get("cover.heading"), style="title")
    doc.paragraph(texts.get("cover.intro"))
    if no_phi:
        doc.paragraph(f"{texts.get('cover.name_label')}: ______________________________", "big")
        doc.paragraph(texts.get("cover.name_blank"), "small")
    else:
        name = f"{patient.given_name} {patient.family_name}".strip()
        doc.paragraph(f"{texts.get('cover.name_label')}: {name}", "big")
    doc.paragraph(texts.get("cover.transplant_label"), "h2")
    doc.paragraph(texts.get(f"transplant_type.{transplant.transplant_type.value}"))
    doc.paragraph(texts.get(f"graft_source.{transplant.graft_source.value}"))
    doc.paragraph(texts.get("cover.day0_label"), "h2")
    doc.paragraph(texts.date(plan.day0), "big")
    doc.paragraph(texts.get("cover.days_note"))
    doc.paragraph(texts.get("cover.centre_label"), "h2")
    doc.paragraph(settings.centre_name)
    if patient.coordinator:
        doc.paragraph(f"{texts.get('cover.coordinator_label')}: {patient.coordinator}")
    doc.paragraph(texts.get("cover.phone_label"), "h2")
    doc.paragraph(settings.phone_24h or texts.get("cover.phone_missing"), "big")
    doc.spacer(doc.base_size)
    doc.paragraph(
        texts.fill("cover.plan_note", version=version, date=texts.date(printed_on)), "small"
    )


def _expect(
    doc: PdfDocument, texts: HandoutTexts, events: Sequence[_Event], printed_on: dt.date
) -> None:
    ahead = {ev.occurrence.phase for ev in events if ev.occurrence.date >= printed_on}
    phases = [p for p in Phase if p in ahead] or [Phase.FOLLOW_UP]
    doc.heading(texts.get("expect.heading"))
    doc.paragraph(texts.get("expect.intro"))
    for phase in phases:
        doc.heading(texts.get(f"expect.phases.{phase.value}.title"), 1)
        doc.bullets(texts.items(f"expect.phases.{phase.value}.points"))


def _call_us(doc: PdfDocument, texts: HandoutTexts, settings: ClinicSettings) -> None:
    doc.heading(texts.get("call.heading"))
    if settings.phone_24h:
        doc.paragraph(texts.fill("call.phone", phone=settings.phone_24h), "big")
    else:
        doc.paragraph(texts.get("call.phone_missing"), "big")
    doc.paragraph(texts.get("call.intro"))
    fever = texts.fill("call.fever", temperature=texts.temperature(settings.fever_threshold_c))
    doc.bullets([fever, *texts.items("call.signs")])
    doc.paragraph(texts.get("call.emergency"), "h2")


def _precautions(doc: PdfDocument, texts: HandoutTexts) -> None:
    for section in ("infection", "food"):
        doc.heading(texts.get(f"{section}.heading"))
        doc.bullets(texts.items(f"{section}.points"))


def _dated_table(
    doc: PdfDocument, texts: HandoutTexts, plan: Plan, events: Sequence[_Event]
) -> None:
    rows: list[list[object]] = [
        [
            texts.get("followup.column_date"),
            texts.get("followup.column_day"),
            texts.get("followup.column_what"),
        ]
    ]
    rows += [
        [texts.date(ev.occurrence.date), texts.day_label(ev.occurrence.day), ev.short]
        for ev in events
    ]
    width = doc.frame_width()
    doc.table(rows, [width * 0.36, width * 0.16, width * 0.48])


def _follow_up(
    doc: PdfDocument, texts: HandoutTexts, plan: Plan, events: Sequence[_Event], printed_on: dt.date
) -> None:
    horizon = plan.day0 + dt.timedelta(days=FOLLOW_UP_DAYS)
    ahead = [
        ev
        for ev in events
        if printed_on <= ev.occurrence.date <= horizon and ev.occurrence.phase is Phase.FOLLOW_UP
    ]
    visits = [ev for ev in ahead if ev.occurrence.kind is not StepKind.MEDICATION]
    vaccines = [ev for ev in ahead if ev.occurrence.kind is StepKind.MEDICATION]
    doc.heading(texts.get("followup.heading"))
    doc.heading(texts.get("followup.visits_heading"), 1)
    if visits:
        _dated_table(doc, texts, plan, visits)
    else:
        doc.paragraph(texts.get("followup.visits_none"))
    doc.heading(texts.get("followup.vaccines_heading"), 1)
    doc.paragraph(texts.get("followup.vaccines_intro"))
    doc.bullets(texts.items("followup.vaccine_points"))
    if vaccines:
        _dated_table(doc, texts, plan, vaccines)
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


def _medicine_sheet(
    doc: PdfDocument,
    texts: HandoutTexts,
    facts: PatientFacts,
    plan: Plan,
    events: Sequence[_Event],
    printed_on: dt.date,
) -> None:
    _, end = _window(plan, printed_on)
    meds = [
        ev
        for ev in events
        if ev.occurrence.kind is StepKind.MEDICATION and printed_on <= ev.occurrence.date <= end
    ]
    doc.heading(texts.get("medsheet.heading"))
    doc.paragraph(texts.get("medsheet.intro"))
    if not meds:
        doc.paragraph(texts.get("medsheet.none"))
        return
    box = max(doc.base_size, 10.0)
    rows: list[list[object]] = [
        [texts.get(f"medsheet.column_{c}") for c in ("date", "day", "medicine", "how", "given")]
    ]
    for ev in meds:
        occ = ev.occurrence
        step = plan.step(occ.step_id)
        # The same dose as the team summary: after the plan rules (letermovir with
        # ciclosporin, renal doses), never the template's order alone.
        line = plan_dose_line(step, plan, facts, occ.date, texts.locale)
        name = ev.short if texts.step(step.id) is not None or not step.drug else step.drug
        medicine = f"{name}\n{line.text}" if line is not None else name
        count = times_a_day(step.dose.frequency if step.dose else "")
        how = texts.get("medsheet.once") if count == 1 else texts.fill("medsheet.times", n=count)
        rows.append(
            [
                texts.date(occ.date, short=True),
                texts.day_label(occ.day),
                medicine,
                how,
                TickBoxes(count, box),
            ]
        )
    width = doc.frame_width()
    doc.table(rows, [width * 0.18, width * 0.12, width * 0.38, width * 0.16, width * 0.16])


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
    texts = load_texts(language)
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
    doc = PdfDocument(out, meta, base, LARGE_BASE_PT if large_print else 0.0)
    wording = _Wording(texts, plan)
    events = _events(plan, wording)
    _cover(doc, texts, patient, transplant, plan, settings, printed_on, plan_version, no_phi)
    _calendar(doc, texts, plan, events, printed_on, large=large_print)
    doc.page_break("portrait")
    _expect(doc, texts, events, printed_on)
    _call_us(doc, texts, settings)
    _precautions(doc, texts)
    _follow_up(doc, texts, plan, events, printed_on)
    doc.page_break()
    _medicine_sheet(doc, texts, facts_of(patient, transplant, printed_on), plan, events, printed_on)
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
