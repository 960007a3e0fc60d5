"""Print rules of the team summary and the Spanish handout, read back from the rendered PDFs.

Text comes from pypdf's text layer; font sizes are measured as rendered: the font size
of each shown string times the vertical scale of its text and graphics matrices.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from pypdf import PdfReader

from planner.app.demo import build_demo_clinic
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Plan
from planner.export.handout import write_handout
from planner.export.pdfkit import DocMeta, PdfDocument
from planner.export.summary import (
    HarvestRow,
    SummaryInputs,
    write_handoff_packet,
    write_team_summary,
)
from tests.integration.test_pdf_summary import labs

TODAY = dt.date(2026, 3, 10)
SETTINGS = ClinicSettings(
    centre_name="Riverside Transplant Centre", phone_24h="+1 555 0100", fever_threshold_c=38.0
)
Case = tuple[Patient, Transplant, Plan]
MOBILISING = 2  # Moreno: autologous, M-Day 5 today, carmustine 300 mg/m2 = 505.96 mg
ALLOGENEIC = 9  # Kowalczyk: donor ABO and CMV not recorded


@pytest.fixture(scope="module")
def clinic() -> list[Case]:
    return build_demo_clinic(TODAY)


def harvest_inputs(plan: Plan) -> SummaryInputs:
    # Two collections whose exact yields need four decimals: 2.34375 and 4.6875.
    return SummaryInputs(
        harvest=(
            HarvestRow(TODAY - dt.timedelta(days=1), 2.34375, 2.34375),
            HarvestRow(TODAY, 2.34375, 4.6875),
        ),
    )


def render_team(writer: Callable[..., Any], case: Case, inputs: SummaryInputs) -> bytes:
    out = io.BytesIO()
    patient, transplant, plan = case
    writer(
        out,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=SETTINGS,
        printed_on=TODAY,
        inputs=inputs,
        plan_version=3,
    )
    return out.getvalue()


def render_handout(case: Case, language: str) -> bytes:
    out = io.BytesIO()
    patient, transplant, plan = case
    write_handout(
        out,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=SETTINGS,
        printed_on=TODAY,
        plan_version=3,
        language=language,
    )
    return out.getvalue()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def rendered_sizes(pdf: bytes) -> list[tuple[float, str]]:
    """(size in points, text) of every non-blank string drawn on every page."""
    shown: list[tuple[float, str]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        if text.strip():
            scale = math.hypot(tm[2], tm[3]) * math.hypot(cm[2], cm[3])
            shown.append((round(size * scale, 2), text.strip()))

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    return shown


def section(text: str, start: str, end: str) -> str:
    found = re.search(re.escape(start) + "(.*?)" + re.escape(end), text)
    assert found is not None, f"no section between {start!r} and {end!r}"
    return found.group(1)


# -- the team summary -------------------------------------------------------------------------


def test_harvest_yields_are_rounded_and_counted_in_m_days(clinic: list[Case]) -> None:
    case = clinic[MOBILISING]
    text = text_of(render_team(write_team_summary, case, harvest_inputs(case[2])))
    harvest = section(text, "Harvest", "Engraftment and counts")
    assert "2026-03-09 M-Day 4 2.34 2.34" in harvest
    assert "2026-03-10 M-Day 5 2.34 4.69" in harvest
    assert not re.search(r"\d\.\d{3,}", harvest)  # no 4.6875, no 2.3438
    assert "Day -35" not in harvest and "Day -36" not in harvest


def test_mobilisation_steps_show_m_day_numbers(clinic: list[Case]) -> None:
    case = clinic[MOBILISING]
    plan = case[2]
    text = text_of(render_team(write_team_summary, case, SummaryInputs()))
    table = text[text.index("Plan Day Date Step") :]
    mobilising = [o for o in plan.sorted_occurrences() if o.is_mobilisation]
    assert mobilising, "the demo patient should have mobilisation steps"
    for occ in mobilising:
        assert f"M-Day {occ.anchor_day} {occ.date.isoformat()}" in table
        assert f"Day {occ.day:+d} {occ.date.isoformat()}" not in table


def test_summary_text_is_at_least_9_pt_everywhere(clinic: list[Case]) -> None:
    case = clinic[ALLOGENEIC]
    plan = case[2]
    inputs = SummaryInputs(
        harvest=harvest_inputs(plan).harvest,
        labs=labs(case[0], plan.day0),  # the count charts: axis labels and titles
        checklist=("Consent signed 2026-01-20",),
    )
    for writer in (write_team_summary, write_handoff_packet):
        sizes = rendered_sizes(render_team(writer, case, inputs))
        assert len(sizes) > 100
        small = sorted({(s, t) for s, t in sizes if s < 9.0})[:5]
        assert small == [], f"{writer.__name__}: text below 9 pt: {small}"


def test_the_size_measure_sees_small_text() -> None:
    # A document at an 11 pt base has small print at 0.8 x 11 pt and page furniture at
    # 0.75 x 11 pt: a measure blind to either could not guard the summary's 9 pt floor.
    out = io.BytesIO()
    doc = PdfDocument(out, DocMeta("T", "A", "S", "K", "en", "F"), 11.0)
    doc.heading("Heading", style="title")
    doc.paragraph("Body text")
    doc.paragraph("Small print", "small")
    doc.build()
    sizes = {s for s, _ in rendered_sizes(out.getvalue())}
    assert {8.25, 8.8, 11.0, 22.0} <= sizes


def test_hand_off_says_plainly_what_is_not_recorded(clinic: list[Case]) -> None:
    case = clinic[ALLOGENEIC]
    donor = case[1].donor
    assert donor is not None and donor.abo == "" and donor.cmv_igg == "unknown"
    for writer in (write_team_summary, write_handoff_packet):
        text = text_of(render_team(writer, case, SummaryInputs()))
        details = section(text, "Patient and transplant", "Templates")
        assert "Donor ABO and CMV not recorded" in details
        assert "?" not in details
        assert "ABO / CMV" not in text and "/ unknown" not in text


def test_known_blood_groups_are_printed_in_words(clinic: list[Case]) -> None:
    patient, transplant, plan = clinic[ALLOGENEIC]
    assert transplant.donor is not None
    donor = replace(transplant.donor, abo="A", cmv_igg="unknown")
    case = (replace(patient, abo="O", cmv_igg="negative"), replace(transplant, donor=donor), plan)
    text = text_of(render_team(write_team_summary, case, SummaryInputs()))
    assert "ABO and CMV ABO O; CMV IgG negative" in text
    assert "Donor ABO and CMV ABO A; CMV IgG not recorded" in text


# -- the handout per language -----------------------------------------------------------------


def test_spanish_handout_writes_decimals_with_a_comma(clinic: list[Case]) -> None:
    text = text_of(render_handout(clinic[MOBILISING], "es"))
    assert "640 mcg (10 mcg/kg) SC" in text  # the caregiver's medicine sheet
    assert "505,96" not in text  # intravenous chemotherapy is given in hospital, not at home
    assert "38,0 °C (100,4 °F)" in text  # when to call
    assert not re.search(r"\d\.\d", text), re.findall(r".{20}\d\.\d.{20}", text)[:3]
    assert "martes, 14 de abril de 2026" in text  # Day 0 on the cover, from Babel


def test_english_handout_writes_decimals_with_a_point(clinic: list[Case]) -> None:
    text = text_of(render_handout(clinic[MOBILISING], "en"))
    assert "640 mcg (10 mcg/kg) SC" in text
    assert "505.96" not in text
    assert "38.0 °C (100.4 °F)" in text
    assert not re.search(r"\d,\d{1,2}\b(?!\d)", text), re.findall(r".{20}\d,\d.{20}", text)[:3]


def test_today_row_names_the_m_day_while_mobilising(clinic: list[Case]) -> None:
    text = text_of(render_team(write_team_summary, clinic[MOBILISING], SummaryInputs()))
    assert re.search(r"Today Day -\d+, M-Day 5\b", text)
    after = text_of(render_team(write_team_summary, clinic[ALLOGENEIC], SummaryInputs()))
    assert "M-Day" not in section(after, "Patient and transplant", "Templates")
