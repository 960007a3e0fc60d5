"""Plan rules: doses that know the patient and the other drugs, template clashes,
steps for some patients only, and checks on edits.

Cases are built from the sources the rules cite (Mozobil and fludarabine labels,
Prevymis label, Luznik 2008, ECIL-5, Tomblyn 2009); boundaries included.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.clinical.plan_rules.catalogue import load_catalogue, parse_catalogue
from planner.clinical.plan_rules.checks import (
    apply_conditions,
    plan_checks,
    split_course,
)
from planner.clinical.plan_rules.clashes import combination_clashes, refuse_clashes
from planner.clinical.plan_rules.facts import PatientFacts, haematological_malignancy
from planner.clinical.step_doses import plan_dose_line
from planner.domain.plans import Plan, StepStatus, instantiate_many, mark_done
from planner.errors import TemplateError, ValidationError
from planner.protocols import load_protocols

DAY0 = dt.date(2027, 2, 1)
PROTOCOLS = load_protocols()


def plan_of(*ids: str) -> Plan:
    return instantiate_many([PROTOCOLS[i] for i in ids], DAY0)


def line(plan: Plan, step_id: str, facts: PatientFacts):
    step = plan.step(step_id)
    return plan_dose_line(step, plan, facts, plan.planned_date(step, step.days[0]))


def adult(**kw: object) -> PatientFacts:
    base = {
        "weight_kg": 70.0,
        "height_cm": 170.0,
        "sex": "male",
        "age_years": 50.0,
        "creatinine_mg_dl": 0.9,
    }
    base.update(kw)
    return PatientFacts(**base)  # type: ignore[arg-type]


# Cockcroft-Gault (male): (140 - age) x weight / (72 x creatinine). These give exact values.
CRCL_70 = {
    "age_years": 20.0,
    "weight_kg": 84.0,
    "sex": "male",
    "creatinine_mg_dl": 2.0,
}  # 120*84/144
CRCL_30 = {
    "age_years": 50.0,
    "weight_kg": 120.0,
    "sex": "male",
    "creatinine_mg_dl": 5.0,
}  # 90*120/360
CRCL_50 = {
    "age_years": 68.0,
    "weight_kg": 100.0,
    "sex": "male",
    "creatinine_mg_dl": 2.0,
}  # 72*100/144


# --- letermovir with ciclosporin ---------------------------------------------------


def test_letermovir_240_mg_with_ciclosporin():
    plan = plan_of("flu-bu4-allo", "ciclosporin-methotrexate-gvhd", "supportive-care-allo")
    dose = line(plan, "supportive-care-allo/letermovir", adult(recipient_cmv="positive"))
    assert dose is not None and dose.text == "240 mg PO"
    assert dose.rules == ("letermovir-with-ciclosporin",)
    assert "ciclosporin" in dose.explanation and "Ciclosporin starts" in dose.explanation


def test_letermovir_480_mg_with_tacrolimus():
    plan = plan_of("flu-bu4-allo", "tacrolimus-methotrexate-gvhd", "supportive-care-allo")
    dose = line(plan, "supportive-care-allo/letermovir", adult(recipient_cmv="positive"))
    assert dose is not None and dose.text == "480 mg PO" and dose.rules == ()


def test_a_cancelled_ciclosporin_step_does_not_lower_letermovir():
    plan = plan_of("flu-bu4-allo", "ciclosporin-methotrexate-gvhd", "supportive-care-allo")
    csa = plan.step("ciclosporin-methotrexate-gvhd/ciclosporin")
    cancelled = replace(
        plan,
        steps=tuple(replace(s, status=StepStatus.CANCELLED) if s is csa else s for s in plan.steps),
    )
    dose = line(cancelled, "supportive-care-allo/letermovir", adult())
    assert dose is not None and dose.text == "480 mg PO"


# --- plerixafor: renal dose and the fixed-dose option ------------------------------


def test_plerixafor_the_reviews_case_72_year_old_woman_crcl_35():
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    # (140 - 72) x 70 x 0.85 / (72 x 1.6056) = 35.0 mL/min
    facts = PatientFacts(weight_kg=70, sex="female", age_years=72, creatinine_mg_dl=1.6056)
    dose = line(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", facts)
    assert dose is not None and dose.text.startswith("11.2 mg (0.16 mg/kg)")
    assert "plerixafor-renal" in dose.rules
    assert "CrCl 35 mL/min" in dose.explanation


@pytest.mark.parametrize(
    ("facts", "per_kg", "renal"),
    [
        pytest.param(CRCL_50, "0.16 mg/kg", True, id="crcl-exactly-50"),
        pytest.param({**CRCL_50, "creatinine_mg_dl": 1.99}, "0.24 mg/kg", False, id="crcl-50.25"),
    ],
)
def test_plerixafor_renal_boundary(facts, per_kg, renal):
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    dose = line(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", PatientFacts(**facts))
    assert dose is not None and per_kg in dose.text
    assert ("plerixafor-renal" in dose.rules) is renal


def test_plerixafor_renal_maximum_27_mg():
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    facts = PatientFacts(weight_kg=180, sex="male", age_years=80, creatinine_mg_dl=3.0)
    dose = line(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", facts)
    assert dose is not None and dose.text.startswith("27 mg")  # 0.16 x 180 = 28.8


@pytest.mark.parametrize(("weight", "offered"), [(83.0, True), (83.1, False)])
def test_plerixafor_fixed_dose_option_at_83_kg(weight, offered):
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    dose = line(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", adult(weight_kg=weight))
    assert dose is not None
    assert ("plerixafor-fixed-dose-option" in dose.rules) is offered
    if offered:
        assert "20 mg" in dose.explanation


def test_plerixafor_without_creatinine_computes_nothing_and_says_why():
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    dose = line(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", adult(creatinine_mg_dl=None))
    assert dose is not None and not dose.computed
    assert dose.text == "0.24 mg/kg SC"  # the order only, no mg figure
    assert "Needs serum creatinine" in dose.explanation
    assert {"dose-needs-measurement", "plerixafor-renal"} <= set(dose.rules)


def test_cockcroft_gault_refuses_children_on_the_plan():
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    dose = line(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", adult(age_years=12))
    assert dose is not None and not dose.computed and "18" in dose.explanation


# --- fludarabine renal reduction -------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "expected", "rule"),
    [
        pytest.param(CRCL_70, "24 mg/m2", "fludarabine-renal", id="crcl-exactly-70"),
        pytest.param({**CRCL_70, "creatinine_mg_dl": 1.99}, "30 mg/m2", None, id="crcl-70.35"),
        pytest.param(CRCL_30, "24 mg/m2", "fludarabine-renal", id="crcl-exactly-30"),
    ],
)
def test_fludarabine_reduced_20_percent_from_30_to_70(facts, expected, rule):
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    dose = line(plan, "haplo-flu-cy-tbi-ptcy/fludarabine", PatientFacts(height_cm=180, **facts))
    assert dose is not None and f"({expected})" in dose.text
    assert (rule in dose.rules) if rule else not dose.rules


def test_fludarabine_below_30_is_not_computed():
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    facts = PatientFacts(height_cm=180, **{**CRCL_30, "creatinine_mg_dl": 5.01})
    dose = line(plan, "haplo-flu-cy-tbi-ptcy/fludarabine", facts)
    assert dose is not None and not dose.computed
    assert dose.rules == ("fludarabine-severe-renal",)
    assert "team decides" in dose.explanation


# --- melphalan flag, MMF daily maximum ---------------------------------------------


@pytest.mark.parametrize(("creatinine", "flagged"), [(2.0, False), (2.01, True)])
def test_high_dose_melphalan_flag_above_creatinine_2(creatinine, flagged):
    plan = plan_of("mel200-auto")
    dose = line(plan, "mel200-auto/melphalan", adult(creatinine_mg_dl=creatinine))
    assert dose is not None and dose.computed  # a flag, not a change
    assert ("melphalan-renal" in dose.rules) is flagged


@pytest.mark.parametrize(
    ("weight", "text", "limited"), [(80.0, "1,000 mg", True), (66.0, "990 mg", False)]
)
def test_mmf_maximum_3_g_a_day(weight, text, limited):
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    dose = line(plan, "haplo-flu-cy-tbi-ptcy/mycophenolate", adult(weight_kg=weight))
    assert dose is not None and dose.text.startswith(text)
    assert ("mmf-daily-maximum" in dose.rules) is limited


# --- template clashes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("ids", "rules"),
    [
        (("haplo-flu-cy-tbi-ptcy", "ptcy-tacrolimus-mmf-gvhd"), {"duplicate-agent"}),
        (
            ("haplo-flu-cy-tbi-ptcy", "ciclosporin-methotrexate-gvhd"),
            {"duplicate-agent", "ptcy-no-early-cni-mmf", "ptcy-no-methotrexate"},
        ),
        (("flu-bu4-atg-allo", "grafalon-atg-gvhd"), {"duplicate-agent"}),
    ],
)
def test_the_reviews_clashing_pairs_are_refused(ids, rules):
    found = combination_clashes([PROTOCOLS[i] for i in ids])
    assert {f.rule.id for f in found} == rules
    with pytest.raises(ValidationError) as err:
        refuse_clashes([PROTOCOLS[i] for i in ids])
    assert "cannot go together" in str(err.value) and "Source:" in str(err.value)


def test_ptcy_duplicate_names_the_days():
    found = combination_clashes(
        [PROTOCOLS["haplo-flu-cy-tbi-ptcy"], PROTOCOLS["ptcy-tacrolimus-mmf-gvhd"]]
    )
    texts = " ".join(f.text for f in found)
    assert "cyclophosphamide" in texts and "Day +3, Day +4" in texts
    assert "Day +5 to Day +35" in texts  # mycophenolate, as a run


def test_the_demo_combinations_do_not_clash():
    for ids in (
        ("flu-bu4-allo", "ciclosporin-methotrexate-gvhd", "supportive-care-allo", "follow-up-allo"),
        (
            "gcsf-plerixafor-mobilisation-auto",
            "beam-auto",
            "supportive-care-auto",
            "follow-up-auto",
        ),
        ("haplo-flu-cy-tbi-ptcy", "supportive-care-allo", "follow-up-allo"),
        ("flu-bu2-allo", "ptcy-tacrolimus-mmf-gvhd", "supportive-care-allo"),
    ):
        assert combination_clashes([PROTOCOLS[i] for i in ids]) == []


def _by_type(kind: str) -> list[str]:
    return sorted(i for i, p in PROTOCOLS.items() if kind in p.transplant_types)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["autologous", "allogeneic"]),
    data=st.data(),
)
def test_no_accepted_combination_gives_an_agent_twice_on_one_day(kind, data):
    ids = data.draw(st.lists(st.sampled_from(_by_type(kind)), min_size=2, max_size=5, unique=True))
    chosen = [PROTOCOLS[i] for i in ids]
    if combination_clashes(chosen):
        return  # the wizard and the command line refuse it
    cat = load_catalogue()
    seen: dict[tuple[dt.date, str], set[str]] = defaultdict(set)
    for occ in instantiate_many(chosen, DAY0).occurrences():
        if occ.drug:
            seen[(occ.date, cat.agent(occ.drug))].add(occ.step_id.split("/")[0])
    assert all(len(templates) == 1 for templates in seen.values()), ids


# --- steps for some patients only -----------------------------------------------------


ALLO = ("flu-bu4-allo", "tacrolimus-methotrexate-gvhd", "supportive-care-allo")


@pytest.mark.parametrize(
    ("cmv", "status", "flagged"),
    [
        ("positive", StepStatus.PLANNED, False),
        ("negative", StepStatus.CANCELLED, False),
        (None, StepStatus.PLANNED, True),
    ],
)
def test_letermovir_only_for_cmv_seropositive_recipients(cmv, status, flagged):
    facts = adult(recipient_cmv=cmv, hbsag="negative", anti_hbc="negative")
    plan = apply_conditions(plan_of(*ALLO), facts)
    step = plan.step("supportive-care-allo/letermovir")
    assert step.status is status
    if status is StepStatus.CANCELLED:
        assert "letermovir-cmv-seropositive" in step.status_reason
        assert "negative" in step.status_reason
    found = [f for f in plan_checks(plan, facts) if f.rule.id == "letermovir-cmv-seropositive"]
    assert bool(found) is flagged
    if flagged:
        assert "to confirm" in found[0].text


@pytest.mark.parametrize(
    ("hbsag", "anti_hbc", "status"),
    [
        ("positive", "negative", StepStatus.PLANNED),
        ("negative", "positive", StepStatus.PLANNED),
        ("negative", "negative", StepStatus.CANCELLED),
        (None, "negative", StepStatus.PLANNED),
    ],
)
def test_hepatitis_b_prophylaxis_for_hbsag_or_anti_hbc_positive(hbsag, anti_hbc, status):
    facts = adult(recipient_cmv="positive", hbsag=hbsag, anti_hbc=anti_hbc)
    plan = apply_conditions(plan_of(*ALLO), facts)
    assert plan.step("supportive-care-allo/hepatitis-b-prophylaxis").status is status


def test_pcp_prophylaxis_after_autologous_transplant_for_haematological_malignancy():
    plan = plan_of("mel200-auto", "supportive-care-auto")
    myeloma = adult(haematological_malignancy=haematological_malignancy("Multiple myeloma, VGPR"))
    assert myeloma.haematological_malignancy == "yes"
    assert not [f for f in plan_checks(plan, myeloma) if f.rule.id == "pcp-autologous"]
    other = adult(haematological_malignancy=haematological_malignancy("Germ cell tumour"))
    found = [f for f in plan_checks(plan, other) if f.rule.id == "pcp-autologous"]
    assert found and "to confirm" in found[0].text  # unknown: kept, flagged, never dropped
    assert (
        apply_conditions(plan, other).step("supportive-care-auto/pneumocystis-prophylaxis").status
        is StepStatus.PLANNED
    )


# --- checks on the patient and on edits ---------------------------------------------


@pytest.mark.parametrize(("days_before", "flagged"), [(7, False), (8, True)])
def test_weight_older_than_7_days_before_conditioning(days_before, flagged):
    plan = plan_of("mel200-auto")
    first = DAY0 - dt.timedelta(days=2)  # melphalan on Day -2
    facts = adult(weight_date=first - dt.timedelta(days=days_before))
    found = [
        f
        for f in plan_checks(plan, facts, today=first - dt.timedelta(days=1))
        if f.rule.id == "weight-before-conditioning"
    ]
    assert bool(found) is flagged


def test_moving_day0_refused_when_it_would_split_a_started_course():
    plan = plan_of("flu-bu4-allo")
    started = mark_done(
        plan, "flu-bu4-allo/fludarabine", -5, DAY0 - dt.timedelta(days=5), by="nurse", at="t"
    )
    finding = split_course(started)
    assert finding is not None and finding.rule.id == "split-conditioning"
    assert split_course(plan) is None


def test_busulfan_seizure_cover_to_48_hours_after_the_last_dose():
    for pid in ("bucy2-allo", "flu-bu2-allo", "flu-bu4-allo", "flu-bu4-atg-allo"):
        plan = plan_of(pid)
        assert not [
            f for f in plan_checks(plan, adult()) if f.rule.id == "busulfan-seizure-prophylaxis"
        ], pid
    plan = plan_of("flu-bu4-allo")
    short = replace(
        plan,
        steps=tuple(
            replace(s, days=tuple(d for d in s.days if d < 0))
            if s.id.endswith("seizure-prophylaxis")
            else s
            for s in plan.steps
        ),
    )
    found = [f for f in plan_checks(short, adult()) if f.rule.id == "busulfan-seizure-prophylaxis"]
    assert found and "cover ends" in found[0].text
    late = replace(
        plan,
        steps=tuple(
            replace(s, days=tuple(d for d in s.days if d > -5))
            if s.id.endswith("seizure-prophylaxis")
            else s
            for s in plan.steps
        ),
    )
    found = [f for f in plan_checks(late, adult()) if f.rule.id == "busulfan-seizure-prophylaxis"]
    assert found and "after the first busulfan dose" in found[0].text


def test_every_bundled_template_alone_passes_the_plan_rules_with_full_facts():
    facts = adult(
        recipient_cmv="positive",
        hbsag="negative",
        anti_hbc="negative",
        graft_source="pbsc",
        haematological_malignancy="yes",
    )
    for pid, proto in PROTOCOLS.items():
        plan = apply_conditions(instantiate_many([proto], DAY0), facts)
        found = [f for f in plan_checks(plan, facts) if f.action]
        assert found == [], (pid, [f.text for f in found])


# --- the catalogue ---------------------------------------------------------------------


def test_every_step_condition_names_a_rule_of_the_catalogue():
    cat = load_catalogue()
    for proto in PROTOCOLS.values():
        for step in proto.steps:
            if step.when is not None:
                assert cat.get(step.when.rule).kind == "condition"
    assert all(rule.source and rule.title for rule in cat.rules.values())


def test_a_malformed_rules_file_names_the_rule_and_key():
    bad = b'schema = 1\n[[rules]]\nid = "x"\nkind = "renal"\nseverity = "urgent"\ntitle = "t"\nsource = "s"\n'
    with pytest.raises(TemplateError) as err:
        parse_catalogue(bad, "rules/bad.toml")
    assert "severity" in str(err.value) and "x" in str(err.value)


def test_any_pair_of_conditioning_templates_clashes():
    conditioning = [p for p in PROTOCOLS.values() if p.category.value == "conditioning"]
    for a, b in itertools.combinations(conditioning, 2):
        if set(a.transplant_types) & set(b.transplant_types):
            assert combination_clashes([a, b]), (a.id, b.id)


# --- what the review of these rules found ---------------------------------------------


def test_melphalan_140_is_not_told_to_consider_140():
    plan = plan_of("mel140-auto")
    dose = line(plan, "mel140-auto/melphalan", adult(creatinine_mg_dl=2.5))
    assert dose is not None and "melphalan-renal" not in dose.rules


def test_an_unreadable_frequency_makes_the_daily_maximum_a_finding_to_act_on():
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    step = plan.step("haplo-flu-cy-tbi-ptcy/mycophenolate")
    assert step.dose is not None
    odd = replace(step, dose=replace(step.dose, frequency="with meals"))
    plan = replace(plan, steps=tuple(odd if s is step else s for s in plan.steps))
    found = [f for f in plan_checks(plan, adult(weight_kg=120)) if f.rule.id == "mmf-daily-maximum"]
    assert found and found[0].action and "by hand" in found[0].text


@pytest.mark.parametrize(
    ("frequency", "cap"), [("TID", "1,000 mg"), ("BID", "1,500 mg"), ("q8h", "1,000 mg")]
)
def test_abbreviated_frequencies_count_doses_a_day(frequency, cap):
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    step = plan.step("haplo-flu-cy-tbi-ptcy/mycophenolate")
    assert step.dose is not None
    odd = replace(step, dose=replace(step.dose, frequency=frequency))
    plan = replace(plan, steps=tuple(odd if s is step else s for s in plan.steps))
    dose = line(plan, odd.id, adult(weight_kg=120))
    assert dose is not None and dose.text.startswith(cap)


def test_a_step_the_team_cancelled_is_not_flagged_against_its_condition():
    facts = adult(recipient_cmv="positive", hbsag="negative", anti_hbc="negative")
    plan = apply_conditions(plan_of(*ALLO), facts)
    step = plan.step("supportive-care-allo/letermovir")
    own = replace(step, status=StepStatus.CANCELLED, status_reason="Interaction; PCR monitoring")
    plan = replace(plan, steps=tuple(own if s is step else s for s in plan.steps))
    assert not [f for f in plan_checks(plan, facts) if f.rule.id == "letermovir-cmv-seropositive"]
    # One the rule cancelled is flagged when the record now says the patient qualifies.
    negative = apply_conditions(plan_of(*ALLO), adult(recipient_cmv="negative"))
    found = [f for f in plan_checks(negative, facts) if f.rule.id == "letermovir-cmv-seropositive"]
    assert found and "now has" in found[0].text


def test_a_rule_the_catalogue_does_not_hold_is_a_finding_not_a_crash():
    plan = plan_of(*ALLO)
    step = plan.step("supportive-care-allo/letermovir")
    assert step.when is not None
    odd = replace(step, when=replace(step.when, rule="no-such-rule"))
    plan = replace(plan, steps=tuple(odd if s is step else s for s in plan.steps))
    found = [f for f in plan_checks(plan, adult()) if f.rule.id == "no-such-rule"]
    assert found and "not in the plan rules" in found[0].sentence


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            'kind = "interaction"\ndrug = "letermovir"\nwith_drugs = "ciclosporin"\ndose = { amount = 240, unit = "mg" }',
            "with_drugs",
        ),
        (
            'kind = "interaction"\nwith_drugs = ["ciclosporin"]\ndose = { amount = 240, unit = "mg" }',
            "drug",
        ),
        (
            'kind = "renal"\ndrug = "x"\ncrcl_below = 30\ndose = { amount = 1, unit = "mg", per = "m3" }',
            "per",
        ),
        ('kind = "renal"\ndrug = "x"\ncrcl_below = 30\ndose = { unit = "mg" }', "amount"),
        ('kind = "renal"\ndrug = "x"\ndose = { amount = 1, unit = "mg" }', "crcl"),
        (
            'kind = "renal"\ndrug = "x"\ncrcl_below = 30\nfactor = 0.5\nwithhold = "no"',
            "exactly one",
        ),
        (
            'kind = "daily_maximum"\ndrug = "x"\nmax_per_day = 3000\nunit = "mg"\nmax_dose = 1',
            "max_dose",
        ),
    ],
)
def test_a_malformed_rule_parameter_is_refused_when_the_file_is_read(body, words):
    data = (
        f'schema = 1\n[[rules]]\nid = "x"\nseverity = "high"\ntitle = "t"\nsource = "s"\n{body}\n'
    )
    with pytest.raises(TemplateError) as err:
        parse_catalogue(data.encode(), "rules/bad.toml")
    assert words in str(err.value)


def test_a_dose_before_the_creatinine_is_not_recomputed_with_it():
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    step = plan.step("haplo-flu-cy-tbi-ptcy/fludarabine")
    given = plan.planned_date(step, step.days[0])
    facts = PatientFacts(height_cm=180, creatinine_date=given + dt.timedelta(days=3), **CRCL_30)
    dose = plan_dose_line(step, plan, facts, given)
    assert dose is not None and not dose.computed
    assert "Not recomputed" in dose.explanation and "mg/m2)" not in dose.text


@pytest.mark.parametrize(("age", "flagged"), [(7, False), (8, True)])
def test_a_creatinine_older_than_7_days_before_the_dose_is_flagged(age, flagged):
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    step = plan.step("haplo-flu-cy-tbi-ptcy/fludarabine")
    first = plan.planned_date(step, step.days[0])
    facts = adult(height_cm=180, creatinine_date=first - dt.timedelta(days=age))
    found = [f for f in plan_checks(plan, facts) if f.rule.id == "creatinine-age"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].action


# Male, 50 years, 70 kg: CrCl = 90 x 70 / (72 x creatinine) = 87.5 / creatinine.
@pytest.mark.parametrize(
    ("creatinine", "dose", "rule"),
    [
        (0.9, "0.5 mg PO", None),  # 97.2 mL/min
        (1.75, "0.5 mg PO", None),  # exactly 50: the normal dose
        (1.76, "0.25 mg PO", "entecavir-renal-30-50"),  # 49.7
        (2.9, "0.25 mg PO", "entecavir-renal-30-50"),  # 30.2
        (5.0, "0.15 mg PO", "entecavir-renal-10-30"),  # 17.5
        (10.0, "0.05 mg PO", "entecavir-renal-below-10"),  # 8.75
    ],
)
def test_entecavir_renal_dose(creatinine, dose, rule):
    facts = adult(hbsag="positive", creatinine_mg_dl=creatinine)
    plan = apply_conditions(plan_of(*ALLO), facts)
    got = line(plan, "supportive-care-allo/hepatitis-b-prophylaxis", facts)
    assert got is not None and got.text == dose
    assert (rule in got.rules) if rule else not got.rules


def test_clearance_is_compared_as_shown():
    # 29.96 mL/min shows as "30 mL/min" and is in the 30-70 band, never "below 30".
    plan = plan_of("haplo-flu-cy-tbi-ptcy")
    facts = PatientFacts(
        height_cm=180, age_years=50.0, weight_kg=120.0, sex="male", creatinine_mg_dl=5.006
    )
    dose = line(plan, "haplo-flu-cy-tbi-ptcy/fludarabine", facts)
    assert dose is not None and dose.computed and dose.rules == ("fludarabine-renal",)
    assert "CrCl 30 mL/min" in dose.explanation


def test_the_renal_fixed_dose_option_is_13_mg():
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    facts = PatientFacts(weight_kg=70, sex="female", age_years=72, creatinine_mg_dl=1.6056)
    dose = line(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", facts)
    assert dose is not None
    assert "fixed dose of 13 mg" in dose.explanation and "50 mL/min or less" in dose.explanation


def test_a_cancelled_step_has_no_dose_line():
    plan = apply_conditions(plan_of(*ALLO), adult(recipient_cmv="negative"))
    assert line(plan, "supportive-care-allo/letermovir", adult()) is None
