"""Team summary and community hand-off packet PDFs, and the count-chart data."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from planner.app.demo import build_demo_clinic
from planner.clinical.engraftment import EngraftmentResult
from planner.clinical.step_doses import dose_line
from planner.domain.labs import LabSample
from planner.domain.patients import ClinicSettings, Patient, Transplant
from planner.domain.plans import Day0Change, Plan
from planner.export.summary import (
    HarvestRow,
    SummaryInputs,
    write_handoff_packet,
    write_team_summary,
)
from planner.records.count_chart import count_chart_data

TODAY = dt.date(2026, 3, 10)
SETTINGS = ClinicSettings(centre_name="Riverside Transplant Centre", phone_24h="+1 555 0100")
Case = tuple[Patient, Transplant, Plan]


@pytest.fixture(scope="module")
def case() -> Case:
    patient, transplant, plan = build_demo_clinic(TODAY)[9]  # Kowalczyk, Day +21
    # Day 0 was moved a day later before the infusion (afterwards it cannot move).
    earlier = plan.day0 - dt.timedelta(days=1)
    moved = replace(plan, day0_history=(Day0Change(earlier, plan.day0, "Donor product delayed"),))
    return patient, transplant, moved


def labs(patient: Patient, day0: dt.date) -> tuple[LabSample, ...]:
    samples = []
    for day in range(-3, 20):
        anc = 2.0 if day < 3 else (0.1 if day < 14 else 0.2 * (day - 11))
        for analyte, value in (("anc", anc), ("plt", 150.0 - 6 * day)):
            samples.append(
                LabSample(
                    patient.id, patient.mrn, day0 + dt.timedelta(days=day), analyte, value, "10^9/L"
                )
            )  # type: ignore[arg-type]
    return tuple(samples)


@pytest.fixture(scope="module")
def inputs(case: Case) -> SummaryInputs:
    patient, _, plan = case
    engrafted = plan.day0 + dt.timedelta(days=15)
    return SummaryInputs(
        harvest=(
            HarvestRow(plan.day0 - dt.timedelta(days=1), 3.25, 3.25),
            HarvestRow(plan.day0, 1.5, 4.75),
        ),
        engraftment=(
            EngraftmentResult("neutrophil", 0.5, "engrafted", engrafted, "ASTCT 2021 rule"),
        ),
        labs=labs(patient, plan.day0),
        checklist=("Consent signed 2026-01-20", "Dental clearance: pending"),
    )


def render(writer, case: Case, inputs: SummaryInputs) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    writer(
        out,
        patient=case[0],
        transplant=case[1],
        plan=case[2],
        settings=SETTINGS,
        printed_on=TODAY,
        inputs=inputs,
        plan_version=7,
    )
    return out.getvalue()


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def test_team_summary_sections(case: Case, inputs: SummaryInputs) -> None:
    patient, _, plan = case
    text = text_of(render(write_team_summary, case, inputs))
    assert "Transplant team summary" in text and "KOWALCZYK, Zoë" in text
    assert f"MRN {patient.mrn}" in text and "Plan version 7" in text
    for heading in (
        "Patient and transplant",
        "Day 0 changes",
        "Harvest",
        "Engraftment and counts",
        "Checklist status",
        "Complications",
        "Plan",
    ):
        assert heading in text
    assert "Donor product delayed" in text
    assert "4.75" in text and "3.25" in text
    assert "Neutrophil engraftment" in text and "Day +15" in text
    assert "Dental clearance: pending" in text
    assert "ANC" in text and "Platelets" in text  # the chart's titles
    step = next(s for s in plan.steps if s.dose is not None and s.drug)
    line = dose_line(step.dose, step.drug, patient)
    assert line is not None
    assert re.sub(r"\s+", " ", line.text) in text


def test_team_summary_without_optional_inputs(case: Case) -> None:
    text = text_of(render(write_team_summary, case, SummaryInputs()))
    assert "No collections recorded." in text
    assert "No engraftment results recorded." in text
    assert "No complication episodes recorded." in text


def test_handoff_packet_sections(case: Case, inputs: SummaryInputs) -> None:
    text = text_of(render(write_handoff_packet, case, inputs))
    assert "Community hand-off packet" in text
    for heading in ("Contacts", "Monitoring calendar to Day +100", "Medicines"):
        assert heading in text
    assert "+1 555 0100" in text and "Riverside Transplant Centre" in text
    assert "CMV blood test" in text
    assert "mycophenolate mofetil" in text


def test_team_documents_keep_identifiers_out_of_metadata(case: Case, inputs: SummaryInputs) -> None:
    patient = case[0]
    for writer in (write_team_summary, write_handoff_packet):
        reader = PdfReader(io.BytesIO(render(writer, case, inputs)))
        meta = " ".join(str(v) for v in (reader.metadata or {}).values())
        assert patient.mrn not in meta and patient.family_name not in meta
        assert reader.metadata is not None and reader.metadata.title


def test_team_documents_are_deterministic(case: Case, inputs: SummaryInputs) -> None:
    for writer in (write_team_summary, write_handoff_packet):
        assert render(writer, case, inputs) == render(writer, case, inputs)


def test_count_chart_data_is_pure_and_keeps_lowest_same_day() -> None:
    day0 = dt.date(2026, 3, 1)
    samples = [
        LabSample("p", "M", day0, "anc", 1.0, "10^9/L"),
        LabSample("p", "M", day0, "anc", 0.4, "10^9/L"),
        LabSample("p", "M", day0 + dt.timedelta(days=2), "anc", 0.6, "10^9/L"),
        LabSample("p", "M", day0 - dt.timedelta(days=1), "hb", 90.0, "g/L"),
    ]
    chart = count_chart_data(
        samples, day0, markers={"engrafted": day0 + dt.timedelta(days=5), "platelets": None}
    )
    assert [s.analyte for s in chart.series] == ["anc"]
    assert chart.series[0].points == ((0, 0.4), (2, 0.6))
    assert chart.series[0].thresholds == (0.5,)
    assert chart.markers == ((5, "engrafted"),)
    assert (chart.first_day, chart.last_day) == (0, 5)
