"""CAR T-cell therapy as its own programme kind: its graft (the cell product) is secured
by the product-received step, its counts raise no graft-failure alert, its handout puts
the stay-near-the-centre and no-driving rules on the first page, and its registry forms
are the cellular-therapy ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.demo import build_demo_clinic, load_demo_clinic
from planner.app.exports import export_document
from planner.app.forms import forms_due
from planner.app.graft_secured import graft_check
from planner.app.transplant_record import load_transplant_record
from planner.domain.labs import LabSample
from planner.domain.patients import TransplantType
from planner.domain.plans import StepStatus
from planner.records.harvest_log import HarvestLog
from planner.records.ports import Repository
from planner.records.recovery import assess
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(ACTOR, NOW)
CAR_T = "DEMO-0017"


@pytest.fixture
def demo(repo: Repository) -> Repository:
    load_demo_clinic(repo, CTX)
    return repo


def _tid(repo: Repository, mrn: str) -> str:
    patient = repo.find_patient_by_mrn(mrn)
    assert patient is not None
    return repo.list_transplants(patient.id)[0].id


def test_the_demo_has_a_car_t_a_cord_a_tandem_and_a_cancelled_patient() -> None:
    clinic = build_demo_clinic(TODAY)
    kinds = {p.mrn: [] for p, _, _ in clinic}
    for p, t, _ in clinic:
        kinds[p.mrn].append((t.transplant_type.value, t.graft_source.value, t.number, t.status))
    assert kinds[CAR_T] == [("car-t", "cell-product", 1, "active")]
    assert kinds["DEMO-0015"][0][:2] == ("allogeneic", "cord")
    assert [k[2:] for k in kinds["DEMO-0016"]] == [(1, "active"), (2, "planned")]
    assert kinds["DEMO-0018"][0][3] == "cancelled"


def test_the_car_t_graft_is_secured_by_its_product_received_step(demo: Repository) -> None:
    record = load_transplant_record(demo, _tid(demo, CAR_T))
    harvest = HarvestLog.from_body({}, record.transplant)
    received = graft_check(record.transplant, record.plan, harvest, {})
    assert received.secured and "CAR T-cell product received" in received.sentence
    step = next(s for s in record.plan.steps if s.id.endswith("/product-available"))
    undone = replace(
        record.plan,
        steps=tuple(replace(s, records=()) if s.id == step.id else s for s in record.plan.steps),
    )
    missing = graft_check(record.transplant, undone, harvest, {})
    assert not missing.secured and "not recorded as received" in missing.sentence
    assert all(r.status is StepStatus.DONE for r in step.records)


def test_car_t_counts_raise_no_graft_failure(demo: Repository) -> None:
    record = load_transplant_record(demo, _tid(demo, CAR_T))
    transplant = replace(record.transplant, day0=TODAY - dt.timedelta(days=35))
    patient = record.patient
    low = [
        LabSample(patient.id, patient.mrn, TODAY - dt.timedelta(days=d), "anc", 0.1, "10^9/L")
        for d in range(0, 35, 2)
    ]
    status = assess(transplant, low, None, TODAY)
    assert status.neutrophil.status != "engrafted"
    assert (status.graft_failure, status.secondary, status.poor_function) == (None, None, None)
    autograft = replace(transplant, transplant_type=TransplantType.AUTOLOGOUS, graft_source="pbsc")
    assert assess(autograft, low, None, TODAY).graft_failure is not None
    (row,) = [r for r in clinic_view(demo, TODAY).rows if r.mrn == CAR_T]
    assert not any("graft" in a.lower() and "fail" in a.lower() for a in row.alerts)


def test_the_car_t_handout_puts_the_restrictions_on_page_one(
    demo: Repository, tmp_path: Path
) -> None:
    out = tmp_path / "h.pdf"
    export_document(demo, CTX, _tid(demo, CAR_T), "handout", out)
    first = PdfReader(out).pages[0].extract_text()
    assert "Rules to keep for a while" in first
    assert "Stay within 2 hours of the hospital" in first
    assert "Do not drive" in first
    assert "CAR T-cell therapy" in "".join(p.extract_text() for p in PdfReader(out).pages[:3])
    other = tmp_path / "auto.pdf"
    export_document(demo, CTX, _tid(demo, "DEMO-0013"), "handout", other)
    assert "Rules to keep for a while" not in PdfReader(other).pages[0].extract_text()


def test_car_t_registry_forms_are_the_cellular_therapy_ones(demo: Repository) -> None:
    due = [f for f in forms_due(demo, TODAY, everything=True) if f.mrn == CAR_T]
    titles = " ".join(f.form for f in due)
    assert "(4100), 100 days" in titles and "Pre-CTED (4000)" in titles
    assert "2450" not in titles and "2400" not in titles
    assert {f.checklist for f in due} == {
        "Registry forms due after CAR T-cell therapy (CIBMTR and EBMT)"
    }


def test_after_car_t_cells_the_board_shows_monitoring_not_engraftment(demo: Repository) -> None:
    (row,) = [r for r in clinic_view(demo, TODAY).rows if r.mrn == CAR_T]
    assert (row.phase, row.day_label) == ("monitoring", "D+5")
    assert "CRS and ICANS" in row.phase_rule
    later = TODAY + dt.timedelta(days=24)  # Day +29: the watch is over
    (row,) = [r for r in clinic_view(demo, later).rows if r.mrn == CAR_T]
    assert row.phase != "monitoring"


def test_the_car_t_handout_speaks_of_car_t_cells_not_stem_cells(
    demo: Repository, tmp_path: Path
) -> None:
    for lang, words, gone in (
        ("en", "Your CAR T-cell therapy guide", "stem cells"),
        ("es", "Su guía de la terapia con células CAR-T", "células madre"),
    ):
        out = tmp_path / f"{lang}.pdf"
        export_document(demo, CTX, _tid(demo, CAR_T), "handout", out, language=lang)
        text = " ".join(p.extract_text() for p in PdfReader(out).pages)
        assert words in text.replace("\n", " ")
        assert gone not in text
        own = text.replace("Transplant Centre", "").lower()  # the centre's name, as set
        assert "trasplante" not in own and "transplant" not in own
    auto = tmp_path / "auto.pdf"
    export_document(demo, CTX, _tid(demo, "DEMO-0013"), "handout", auto)
    assert "Your transplant guide" in PdfReader(auto).pages[0].extract_text()
