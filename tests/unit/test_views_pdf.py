"""The patient's views as PDF: timeline, calendar and checklists, read back with pypdf.

Each PDF is checked for its pages (count, orientation), its text (step labels, day
numbers, months, the patient banner or its absence) and where its text lies: every run
of text inside the page margins, and every timeline label inside its label column.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from planner.domain.days import short_day_label
from planner.domain.patients import ClinicSettings
from planner.domain.plans import Plan
from planner.export.pdfkit import FONT, FONT_BOLD, MARGIN, register_fonts
from planner.export.views import VIEW_KINDS, months_with_steps, view_file_name
from planner.export.views_pdf import (
    write_calendar,
    write_checklists,
    write_timeline,
)
from planner.records.checklists import (
    ChecklistState,
    ItemState,
    applicable_templates,
    checklist_view,
    load_checklists,
)
from tests.factories import make_patient, make_plan, make_protocol

TODAY = dt.date(2025, 3, 5)
DAY0 = dt.date(2025, 3, 10)
# Templates allow 120 characters in a title: this one has 118.
LONG_TITLE = (
    "Trimethoprim with sulfamethoxazole (co-trimoxazole) for Pneumocystis pneumonia "
    "prevention starts after the kidney test"
)
# The label column of the timeline is at most 190 pt wide (views_pdf._MonthBand).
LABEL_COLUMN = 190.0


def _steps(count: int, day: int = 1) -> str:
    """``count`` one-day steps on Day ``day``, then a long-titled one on Day 0."""
    steps = "".join(
        f"""
[[steps]]
id = "s{n}"
title = "Step number {n} of the crowded day"
phase = "supportive-care"
kind = "lab"
day = {day}
"""
        for n in range(count)
    )
    return (
        steps
        + f"""
[[steps]]
id = "long"
title = "{LONG_TITLE}"
phase = "supportive-care"
kind = "medication"
from = -1
to = 2
"""
    )


@pytest.fixture(scope="module")
def plan() -> Plan:
    """The sample template (mobilisation, conditioning, infusion, visits, Day +28)."""
    return make_plan(day0=DAY0)


@dataclass(frozen=True)
class Run:
    """One run of text on a page: where it starts, its font and size, its width."""

    page: int
    text: str
    x: float
    y: float
    size: float
    width: float


def _runs(pdf: bytes) -> tuple[PdfReader, list[Run]]:
    register_fonts()
    reader = PdfReader(io.BytesIO(pdf))
    runs: list[Run] = []
    for number, page in enumerate(reader.pages):

        def visit(text, cm, tm, font, size, number=number):
            text = text.strip()
            if not text or font is None:
                return
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if x == 0 and y == 0:
                # The page total of "Page x of y" is a form drawn by the footer (pdfkit):
                # pypdf does not follow the form's placement.
                return
            scaled = size * tm[0] * cm[0]
            name = FONT_BOLD if "Bold" in str(font.get("/BaseFont")) else FONT
            width = pdfmetrics.stringWidth(text, name, scaled)
            runs.append(Run(number, text, x, y, scaled, width))

        page.extract_text(visitor_text=visit)
    return reader, runs


def _words(runs: list[Run], page: int | None = None) -> str:
    """All text (of one page) with lines joined by spaces, as one string."""
    return " ".join(r.text for r in runs if page is None or r.page == page)


def _all_inside_margins(reader: PdfReader, runs: list[Run]) -> list[Run]:
    """The runs that start left of the margin or end right of it (none expected)."""
    outside = []
    for run in runs:
        box = reader.pages[run.page].mediabox
        width, height = float(box.width), float(box.height)
        if not (
            run.x >= MARGIN - 0.5
            and run.x + run.width <= width - MARGIN + 0.5
            and MARGIN - 0.5 <= run.y <= height - MARGIN
        ):
            outside.append(run)
    return outside


def _timeline(plan: Plan, **kw: object) -> bytes:
    out = io.BytesIO()
    info = write_timeline(
        out,
        patient=make_patient(),
        plan=plan,
        settings=ClinicSettings(),
        printed_on=TODAY,
        today=kw.pop("today", TODAY),  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    assert info.missing_glyphs == ()
    return out.getvalue()


# --- timeline --------------------------------------------------------------------------------


def test_the_timeline_is_landscape_a_month_a_band_with_day_numbers_and_dates(plan):
    reader, runs = _runs(_timeline(plan))
    months = months_with_steps(plan.occurrences())
    assert [m.strftime("%Y-%m") for m in months] == ["2025-02", "2025-03", "2025-04"]
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)
    text = _words(runs)
    positions = [text.index(f"{m:%B %Y}") for m in months]
    assert positions == sorted(positions)  # one band per month, in order
    for label in ("D-7", "D0", "D+14", "D+28"):
        assert re.search(rf"(^| ){re.escape(label)}( |$)", text), label
    day_numbers = {r.text for r in runs if r.text.isdigit()}
    assert {"1", "10", "28", "31"} <= day_numbers  # the dates on the axis
    # Every step of the plan is named in the band of each month it has a day in.
    for title in {s.title for s in plan.steps}:
        assert title in text


def test_the_timeline_header_names_the_patient_and_the_plan_version(plan):
    patient = make_patient()
    _reader, runs = _runs(_timeline(plan))
    first = _words(runs, 0)
    assert patient.mrn in first and patient.date_of_birth.isoformat() in first
    assert f"Plan version {plan.version}" in first
    assert "Page 1 of" in first
    _reader, runs = _runs(_timeline(plan, no_phi=True))
    text = _words(runs)
    assert patient.mrn not in text
    assert patient.family_name.upper() not in text
    assert patient.date_of_birth.isoformat() not in text
    assert f"Plan version {plan.version}" in text


def test_no_timeline_text_leaves_the_page_and_labels_stay_in_their_column():
    plan = make_plan(make_protocol(_steps(3)), day0=DAY0)
    reader, runs = _runs(_timeline(plan))
    assert _all_inside_margins(reader, runs) == []
    labels = [r for r in runs if r.size == pytest.approx(7.5)]
    assert labels
    assert all(r.x + r.width <= MARGIN + LABEL_COLUMN for r in labels)
    # ... and end left of the first day's column (its date "1" on the axis).
    for label in labels:
        first_day = min(r.x for r in runs if r.page == label.page and r.text == "1")
        assert label.x + label.width < first_day, label
    # The long title is wrapped over lines of the column, every word of it printed.
    assert LONG_TITLE in " ".join(r.text for r in labels)
    assert sum(1 for r in labels if r.text in LONG_TITLE) >= 3


def test_a_month_with_more_lanes_than_a_page_continues_under_the_same_axis():
    plan = make_plan(make_protocol(_steps(60)), day0=DAY0)
    reader, runs = _runs(_timeline(plan))
    assert len(reader.pages) >= 2
    second = _words(runs, 1)
    assert "March 2025 (continued)" in second
    assert "D0" in second and "Transplant day" in second
    assert "Step number 59 of the crowded day" in _words(runs)
    assert _all_inside_margins(reader, runs) == []


def test_day0_and_today_are_marked_on_the_axis(plan):
    _reader, runs = _runs(_timeline(plan))
    day0 = [r for r in runs if r.text == "D0" and r.size <= 7.0]
    assert day0  # the axis label of Day 0 (bold, red)
    assert "today" in _words(runs)  # the legend of the dashed line
    # Day numbers count from Day 0 on every date of the band.
    axis = {r.text for r in runs}
    for offset in range(-9, 22):
        day = DAY0 + dt.timedelta(days=offset)
        if day.month == 3:
            assert short_day_label(offset) in axis


# --- calendar --------------------------------------------------------------------------------


def _calendar(plan: Plan, **kw: object) -> bytes:
    out = io.BytesIO()
    write_calendar(
        out,
        patient=make_patient(),
        plan=plan,
        settings=ClinicSettings(closures=frozenset({DAY0 + dt.timedelta(days=3)})),
        printed_on=TODAY,
        today=TODAY,
        **kw,  # type: ignore[arg-type]
    )
    return out.getvalue()


def test_the_calendar_has_a_month_per_page_with_day_numbers_and_steps(plan):
    reader, runs = _runs(_calendar(plan))
    months = months_with_steps(plan.occurrences())
    assert len(reader.pages) == len(months)
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)
    for n, month in enumerate(months):
        assert f"{month:%B %Y}" in _words(runs, n)
    march = _words(runs, 1)
    assert "D0" in march and "D-9" in march and "D+21" in march
    assert "Stem-cell infusion" in march and "Clinic review" in march
    assert _all_inside_margins(reader, runs) == []


def test_a_crowded_day_says_so_and_is_listed_in_full_after_its_month():
    plan = make_plan(make_protocol(_steps(14)), day0=DAY0)
    reader, runs = _runs(_calendar(plan))
    text = _words(runs)
    match = re.search(r"\+(\d+) more \(next page\)", text)
    assert match is not None
    assert "(continued)" in text
    after = text[text.index("(continued)") :]
    for n in range(14):
        assert f"Step number {n} of the crowded day" in after
    assert _all_inside_margins(reader, runs) == []


# --- checklists ------------------------------------------------------------------------------


def test_the_checklists_list_items_with_status_due_day_and_who_ticked_them(plan):
    templates = applicable_templates(load_checklists(), "autologous")
    once = next(t for t in templates if t.repeat == "once")
    first = once.items_for("autologous")[0]
    state = ChecklistState(
        once.id, {first.id: ItemState(True, dt.date(2025, 2, 20), "nurse.kim", "", "")}
    )
    views = [
        checklist_view(t, state if t.id == once.id else None, plan, TODAY, "autologous")
        for t in templates
    ]
    out = io.BytesIO()
    info = write_checklists(
        out,
        patient=make_patient(),
        plan=plan,
        settings=ClinicSettings(),
        printed_on=TODAY,
        checklists=views,
    )
    reader, runs = _runs(out.getvalue())
    assert info.pages == len(reader.pages)
    assert all(p.mediabox.height > p.mediabox.width for p in reader.pages)
    text = _words(runs)
    for view in views:
        assert view.template.title in text
        assert f"{view.done_count} of {len(view.items)} done" in text
    assert "20 Feb 2025 (nurse.kim)" in text
    due = next(iv for iv in views[templates.index(once)].items if iv.due is not None)
    assert due.day_label in text and f"{due.due:%a %d %b %Y}" in text
    assert _all_inside_margins(reader, runs) == []


def test_view_file_names_carry_no_patient_data():
    assert VIEW_KINDS == ("timeline", "calendar", "checklists")
    assert view_file_name("calendar", TODAY, "a1b2c3") == "calendar_2025-03-05_a1b2c3.pdf"
    with pytest.raises(Exception, match="not one of"):
        view_file_name("handout", TODAY, "a1")
