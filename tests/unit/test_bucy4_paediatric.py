"""The paediatric BuCy4 template (bucy4-paediatric-allo), day by day and dose by dose against
its primary source: the Busilvex (intravenous busulfan) EU summary of product
characteristics, section 4.2, paediatric patients 0 to 17 years:

* busulfan by actual body weight: under 9 kg 1.0 mg/kg; 9 to under 16 kg 1.2 mg/kg;
  16 to 23 kg 1.1 mg/kg; over 23 to 34 kg 0.95 mg/kg; over 34 kg 0.8 mg/kg;
* a 2-hour infusion every 6 hours over 4 consecutive days, 16 doses;
* followed by 4 cycles of cyclophosphamide 50 mg/kg (BuCy4), started at least 24 hours
  after the 16th busulfan dose; adequate anticonvulsant prophylaxis (section 4.4).

The source gives no day numbers; the template's grid (busulfan Days -10 to -7, no
chemotherapy on Day -6, cyclophosphamide Days -5 to -2, rest on Day -1) says it is
unverified, and the tests check that it keeps the source's order and interval.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from planner.app.plans import build_plan
from planner.clinical.calculators.compute import intensity_result, regimen_rows
from planner.clinical.plan_rules.checks import plan_checks
from planner.clinical.plan_rules.doses import doses_per_day
from planner.clinical.plan_rules.facts import facts_of
from planner.clinical.step_doses import plan_dose_line
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan, instantiate
from planner.domain.templates import DoseBasis, Phase, WeightBand, WeightType, load_protocols
from tests.factories import make_donor, make_patient, make_transplant

TEMPLATE = "bucy4-paediatric-allo"
DAY0 = dt.date(2026, 3, 10)
TODAY = dt.date(2026, 2, 20)
PROTOCOLS = load_protocols()
PROTOCOL = PROTOCOLS[TEMPLATE]
KG, FLAT = DoseBasis.PER_KG, DoseBasis.FLAT
COMPANIONS = ["ciclosporin-methotrexate-gvhd", "supportive-care-allo"]

# (step, days relative to Day 0, dose as (amount, unit, per, frequency) or None)
EXPECTED = [
    ("admission", [-11], None),
    # seizure prophylaxis from 12 hours before the first busulfan dose to 48 hours after the
    # last; paediatric levetiracetam 10 mg/kg every 12 hours (at most 500 mg a dose)
    ("seizure-prophylaxis", [-11, -10, -9, -8, -7, -6, -5], (10, "mg", KG, "every 12 hours")),
    # busulfan: every 6 hours over 4 consecutive days (amount per band: BANDS below)
    ("busulfan", [-10, -9, -8, -7], (1.2, "mg", KG, "every 6 hours")),
    # at least 24 hours between the 16th busulfan dose and the first cyclophosphamide
    ("interval", [-6], None),
    # 4 cycles of cyclophosphamide 50 mg/kg
    ("cyclophosphamide", [-5, -4, -3, -2], (50, "mg", KG, "once daily")),
    ("mesna", [-5, -4, -3, -2], (50, "mg", KG, "over 24 hours")),
    ("rest", [-1], None),
    ("infusion", [0], None),
]

# The source's table, boundary by boundary: (lower, lower inclusive, upper, upper
# inclusive, mg/kg).
BANDS = [
    (None, True, 9.0, False, 1.0),  # under 9 kg
    (9.0, True, 16.0, False, 1.2),  # 9 to under 16 kg
    (16.0, True, 23.0, True, 1.1),  # 16 to 23 kg
    (23.0, False, 34.0, True, 0.95),  # over 23 to 34 kg
    (34.0, False, None, False, 0.8),  # over 34 kg
]

# A child of each band and on each side of each boundary: mg/kg, one dose, the band as shown.
DOSES = [
    pytest.param(6.0, 1.0, "6 mg", "under 9 kg", id="6-kg"),
    pytest.param(8.9, 1.0, "8.9 mg", "under 9 kg", id="8.9-kg"),
    pytest.param(9.0, 1.2, "10.8 mg", "9 to under 16 kg", id="9-kg"),
    pytest.param(14.6, 1.2, "17.52 mg", "9 to under 16 kg", id="14.6-kg"),
    pytest.param(15.9, 1.2, "19.08 mg", "9 to under 16 kg", id="15.9-kg"),
    pytest.param(16.0, 1.1, "17.6 mg", "16 to 23 kg", id="16-kg"),
    pytest.param(23.0, 1.1, "25.3 mg", "16 to 23 kg", id="23-kg"),
    pytest.param(23.1, 0.95, "21.95 mg", "over 23 to 34 kg", id="23.1-kg"),
    pytest.param(34.0, 0.95, "32.3 mg", "over 23 to 34 kg", id="34-kg"),
    pytest.param(34.1, 0.8, "27.28 mg", "over 34 kg", id="34.1-kg"),
    pytest.param(55.0, 0.8, "44 mg", "over 34 kg", id="55-kg"),
]


def _child(weight_kg: float | None = 30.0) -> Patient:
    return make_patient(
        date_of_birth=dt.date(2018, 5, 17),
        weight_kg=weight_kg,
        height_cm=None if weight_kg is None else 120.0,
        weight_date=None if weight_kg is None else TODAY,
        creatinine_mg_dl=0.4,
        creatinine_date=TODAY,
        hbsag="negative",
        anti_hbc="negative",
    )


def _transplant() -> Transplant:
    return make_transplant(
        transplant_type="allogeneic",
        graft_source="marrow",
        donor=make_donor(donor_type="MRD"),
        day0=DAY0,
    )


def _plan() -> Plan:
    return instantiate(PROTOCOL, DAY0)


def _days(plan: Plan, step_id: str) -> list[int]:
    return [o.day for o in plan.step_occurrences(plan.step(f"{TEMPLATE}/{step_id}"))]


# --- the file ---------------------------------------------------------------------------------


def test_bundled_for_local_review_with_its_source() -> None:
    assert PROTOCOL.path == f"protocols/{TEMPLATE}.toml"
    assert PROTOCOL.review_status == "for local review"
    assert PROTOCOL.category == "conditioning"
    assert PROTOCOL.intensity == "MAC"
    assert PROTOCOL.transplant_types == ("allogeneic",)
    assert "Busilvex" in PROTOCOL.source and "summary of product characteristics" in (
        PROTOCOL.source
    )
    assert "section 4.2" in PROTOCOL.source
    assert re.search(r"\b(19|20)\d\d\b", PROTOCOL.source)
    assert "not an endorsed protocol" in PROTOCOL.source
    assert "0 to 17 years" in PROTOCOL.description
    assert all(s.patient_text for s in PROTOCOL.steps)


def test_the_unverified_day_grid_says_so() -> None:
    """The source gives no day numbers: the grid is the template's, and says it."""
    assert "unverified" in PROTOCOL.description
    for step_id in ("busulfan", "cyclophosphamide"):
        assert "unverified" in PROTOCOL.step(step_id).notes, step_id


# --- days and doses against the source -------------------------------------------------------


@pytest.mark.parametrize(("step_id", "days", "dose"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_days_and_dose_match_the_source(
    step_id: str, days: list[int], dose: tuple[float, str, DoseBasis, str] | None
) -> None:
    plan = _plan()
    assert _days(plan, step_id) == days
    assert [o.date for o in plan.step_occurrences(plan.step(f"{TEMPLATE}/{step_id}"))] == [
        DAY0 + dt.timedelta(days=d) for d in days
    ]
    rule = PROTOCOL.step(step_id).dose
    if dose is None:
        assert rule is None
    else:
        assert rule is not None
        assert (rule.amount, rule.unit, rule.per, rule.frequency) == dose


def test_every_step_is_in_the_table() -> None:
    assert [s.id for s in PROTOCOL.steps] == [e[0] for e in EXPECTED]


def test_busulfan_bands_are_the_sources_table() -> None:
    rule = PROTOCOL.step("busulfan").dose
    assert rule is not None
    assert rule.bands == tuple(
        WeightBand(amount, low, low_in, high, high_in)
        for low, low_in, high, high_in, amount in BANDS
    )
    assert (rule.weight, rule.route, rule.max_dose) == (WeightType.ACTUAL, "IV", None)


def test_busulfan_is_16_doses_over_4_consecutive_days() -> None:
    rule = PROTOCOL.step("busulfan").dose
    assert rule is not None
    days = _days(_plan(), "busulfan")
    assert days == list(range(days[0], days[0] + 4))
    assert doses_per_day(rule.frequency) == 4
    assert len(days) * 4 == 16


def test_cyclophosphamide_is_4_cycles_of_50_mg_per_kg_at_least_24_hours_after_busulfan() -> None:
    plan = _plan()
    busulfan, cyclophosphamide = _days(plan, "busulfan"), _days(plan, "cyclophosphamide")
    assert len(cyclophosphamide) == 4
    rule = PROTOCOL.step("cyclophosphamide").dose
    assert rule is not None and rule.amount * len(cyclophosphamide) == 200
    # A whole day between the last busulfan day and the first cyclophosphamide day: the
    # 24 hours hold whatever time the 16th dose is given.
    assert cyclophosphamide[0] - busulfan[-1] >= 2
    # nothing in between
    between = range(busulfan[-1] + 1, cyclophosphamide[0])
    chemo = [
        o
        for o in plan.occurrences()
        if o.day in between and o.drug in ("busulfan", "cyclophosphamide", "mesna")
    ]
    assert chemo == []


def test_mesna_runs_with_every_cyclophosphamide_day() -> None:
    plan = _plan()
    assert _days(plan, "mesna") == _days(plan, "cyclophosphamide")


def test_seizure_cover_from_before_the_first_busulfan_to_48_hours_after_the_last() -> None:
    plan = _plan()
    busulfan = _days(plan, "busulfan")
    cover = _days(plan, "seizure-prophylaxis")
    assert min(cover) < min(busulfan)
    assert max(cover) >= max(busulfan) + 2
    rule = PROTOCOL.step("seizure-prophylaxis").dose
    assert rule is not None and rule.max_dose == 500


def test_conditioning_ends_before_the_day0_infusion() -> None:
    conditioning = [d for s in PROTOCOL.steps if s.phase is Phase.CONDITIONING for d in s.days]
    assert max(conditioning) == -1
    assert PROTOCOL.step("infusion").days == (0,)
    assert PROTOCOL.step("infusion").regimen_tied


# --- a child of each weight band -------------------------------------------------------------


@pytest.mark.parametrize(("weight", "per_kg", "shown", "band"), DOSES)
def test_each_child_gets_the_amount_of_their_band(
    weight: float, per_kg: float, shown: str, band: str
) -> None:
    patient = _child(weight)
    transplant = _transplant()
    plan = build_plan(patient, transplant, [PROTOCOL], None, TODAY)
    step = plan.step(f"{TEMPLATE}/busulfan")
    facts = facts_of(patient, transplant, TODAY)
    line = plan_dose_line(step, plan, facts, plan.planned_date(step, step.days[0]))
    assert line is not None and line.computed, line
    assert line.text == f"{shown} ({per_kg:g} mg/kg) IV"
    assert f"busulfan {per_kg:g} mg/kg for a weight of {band}: {weight:g} kg x {per_kg:g}" in (
        line.explanation
    )
    assert f"weighed {TODAY.isoformat()}" in line.explanation


def test_every_dose_is_computed_for_a_weighed_child() -> None:
    patient = _child(14.6)
    transplant = _transplant()
    plan = build_plan(patient, transplant, [PROTOCOL], None, TODAY)
    facts = facts_of(patient, transplant, TODAY)
    texts = {}
    for step in plan.steps:
        if step.dose is None:
            continue
        line = plan_dose_line(step, plan, facts, plan.planned_date(step, step.days[0]))
        assert line is not None and line.computed, (step.id, line)
        texts[step.id.split("/")[1]] = line.text
    assert texts == {
        "seizure-prophylaxis": "146 mg (10 mg/kg) PO",
        "busulfan": "17.52 mg (1.2 mg/kg) IV",
        "cyclophosphamide": "730 mg (50 mg/kg) IV",
        "mesna": "730 mg (50 mg/kg) IV",
    }


def test_the_levetiracetam_maximum_limits_a_heavy_childs_dose() -> None:
    patient = _child(62.0)
    transplant = _transplant()
    plan = build_plan(patient, transplant, [PROTOCOL], None, TODAY)
    step = plan.step(f"{TEMPLATE}/seizure-prophylaxis")
    line = plan_dose_line(step, plan, facts_of(patient, transplant, TODAY))
    assert line is not None and line.computed
    assert line.text.startswith("500 mg ")
    assert "limited to the maximum 500 mg" in line.explanation


def test_without_a_weight_no_weight_based_dose_is_computed() -> None:
    patient = _child(None)
    transplant = _transplant()
    plan = build_plan(patient, transplant, [PROTOCOL], None, TODAY)
    facts = facts_of(patient, transplant, TODAY)
    for step in plan.steps:
        if step.dose is None:
            continue
        line = plan_dose_line(step, plan, facts)
        assert line is not None and not line.computed, step.id
        assert "dose-needs-measurement" in line.rules
        assert "Weight is missing" in line.explanation


# --- with the rest of an allogeneic plan ----------------------------------------------------------


def test_no_rule_that_the_adult_bucy2_plan_does_not_raise() -> None:
    patient = _child(30.0)
    transplant = _transplant()

    def rules(template_id: str) -> set[str]:
        protocols = [PROTOCOLS[i] for i in (template_id, *COMPANIONS)]
        plan = build_plan(patient, transplant, protocols, None, TODAY)
        return {f.rule.id for f in plan_checks(plan, facts_of(patient, transplant, TODAY))}

    new, old = rules(TEMPLATE), rules("bucy2-allo")
    assert new <= old, new - old
    assert "busulfan-seizure-prophylaxis" not in new


def test_declared_intensity_is_the_computed_one() -> None:
    rows = regimen_rows(_plan())
    result = intensity_result({"components": rows, "centre_intent": "MAC"})
    assert result.value == "MAC"
