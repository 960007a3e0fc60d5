"""The demo's team summaries and handouts print doses after the plan rules, with a
"Plan checks" section naming each rule and source."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from planner.app.demo import build_demo_clinic
from planner.domain.patients import ClinicSettings
from planner.export.handout import write_handout
from planner.export.summary import SummaryInputs, write_team_summary

TODAY = dt.date(2026, 12, 6)
SETTINGS = ClinicSettings(centre_name="Riverside Transplant Centre", phone_24h="+1 555 0100")


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pages))


def summary(case) -> str:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    patient, transplant, plan = case
    write_team_summary(
        out,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=SETTINGS,
        printed_on=TODAY,
        inputs=SummaryInputs(),
        plan_version=1,
    )
    return text_of(out.getvalue())


@pytest.fixture(scope="module")
def clinic():  # type: ignore[no-untyped-def]
    return {p.mrn: (p, t, plan) for p, t, plan in build_demo_clinic(TODAY)}


def test_demo_0005_letermovir_is_240_mg_with_its_rule(clinic) -> None:  # type: ignore[no-untyped-def]
    text = summary(clinic["DEMO-0005"])
    assert "Plan checks" in text
    assert "letermovir-with-ciclosporin" in text and "Prevymis" in text
    assert "480 mg PO" not in text  # the source quoted in the checks says "480 mg once daily"
    assert "240 mg PO" in text


def test_no_demo_summary_prints_a_dose_the_rules_would_stop(clinic) -> None:  # type: ignore[no-untyped-def]
    for mrn, case in clinic.items():
        text = summary(case)
        assert "Plan checks" in text, mrn
        assert "Not computed" not in text, mrn  # every demo patient has what the rules need
        assert "to confirm" not in text, mrn  # serostatus and markers are recorded


def test_a_summary_without_creatinine_says_the_dose_needs_it(clinic) -> None:  # type: ignore[no-untyped-def]
    patient, transplant, plan = clinic["DEMO-0007"]  # haplo: fludarabine needs kidney function
    text = summary(
        (replace(patient, creatinine_mg_dl=None, creatinine_date=None), transplant, plan)
    )
    assert "dose-needs-measurement" in text
    assert "Needs serum creatinine" in text


def test_handout_medicine_sheet_uses_the_adjusted_dose(clinic) -> None:  # type: ignore[no-untyped-def]
    patient, transplant, plan = clinic["DEMO-0005"]
    first_letermovir = min(o.date for o in plan.occurrences() if o.step_id.endswith("/letermovir"))
    out = io.BytesIO()
    write_handout(
        out,
        patient=patient,
        transplant=transplant,
        plan=plan,
        settings=SETTINGS,
        printed_on=first_letermovir,
        plan_version=1,
        language="en",
    )
    text = text_of(out.getvalue())
    assert "240 mg" in text and "480 mg" not in text
