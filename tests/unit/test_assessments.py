"""Complication and eligibility calculators and episodes (the published source of each rule
is in docs/clinical-sources.md, Grading)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from planner.clinical.eligibility import (
    RegimenComponent,
    add_months,
    conditioning_intensity,
    hct_ci,
    live_vaccine_eligibility,
    performance_status,
)
from planner.clinical.grading import GradeResult, magic_assessment, magic_grade_assessment
from planner.clinical.toxicity import (
    EngraftmentFindings,
    TmaAssessment,
    crs_grade_astct,
    engraftment_syndrome,
    febrile_neutropenia,
    haemorrhagic_cystitis_grade,
    icans_grade_astct,
    ice_score,
    oral_mucositis,
    oxygen_support_for_nasal_cannula,
    ta_tma_harmonized,
)
from planner.clinical.vod import vod_diagnosis, vod_severity_ebmt2016
from planner.errors import ValidationError
from planner.records.complications import (
    Assessment,
    ComplicationEpisode,
    add_assessment,
    add_treatment_note,
    episode_summary,
    new_episode,
    resolve,
)

D = dt.date
T = dt.datetime


def at(hhmm: str) -> dt.datetime:
    h, m = hhmm.split(":")
    return T(2025, 4, 1, int(h), int(m))


# --- febrile neutropenia (IDSA 2010, Freifeld et al.) ----------------------------------


@pytest.mark.parametrize(
    ("readings", "anc", "predicted", "expected"),
    [
        ([("09:00", 38.1), ("10:10", 38.2)], 0.3, False, True),
        ([("12:00", 38.3)], 0.8, True, True),
        ([("12:00", 38.3)], 1.2, False, False),
        ([("08:00", 38.1), ("08:30", 37.8), ("09:15", 38.1)], 0.1, False, False),
    ],
    ids=["sustained-70min", "single-38.3-predicted", "anc-1.2-not-predicted", "interrupted-run"],
)
def test_f10_examples(
    readings: list[tuple[str, float]], anc: float, predicted: bool, expected: bool
) -> None:
    r = febrile_neutropenia([(at(t), c) for t, c in readings], anc, predicted)
    assert r.value is expected
    assert r.criteria == "Febrile neutropenia IDSA"


def test_fn_boundaries() -> None:
    # exactly 60 minutes sustained counts; 59 does not
    assert febrile_neutropenia([(at("09:00"), 38.0), (at("10:00"), 38.0)], 0.2).value is True
    assert febrile_neutropenia([(at("09:00"), 38.0), (at("09:59"), 38.2)], 0.2).value is False
    # ANC exactly 0.5 is not neutropenic without prediction
    r = febrile_neutropenia([(at("09:00"), 38.5)], 0.5)
    assert r.value is False and r.components["fever"] is True
    # unsorted readings are ordered by time
    unsorted = [(at("10:10"), 38.2), (at("09:00"), 38.1)]
    assert febrile_neutropenia(unsorted, 0.3).value is True


def test_fn_rule_text_and_profound_note() -> None:
    r = febrile_neutropenia([(at("09:00"), 38.1), (at("10:10"), 38.2)], 0.05)
    assert "sustained 70 min" in r.deciding_rule
    assert any("Profound" in n for n in r.notes)


def test_fn_refusals() -> None:
    with pytest.raises(ValidationError, match="30 to 45 °C"):
        febrile_neutropenia([(at("09:00"), 48.0)], 0.3)
    with pytest.raises(ValidationError, match="0 to 100"):
        febrile_neutropenia([(at("09:00"), 38.5)], -1)
    with pytest.raises(ValidationError, match="at least one"):
        febrile_neutropenia([], 0.3)


# --- SOS/VOD diagnosis (modified Seattle, Baltimore, EBMT 2016 adult) --------------------


@pytest.mark.parametrize(
    ("criteria", "inputs", "expected"),
    [
        (
            "baltimore",
            {
                "day": 14,
                "bilirubin_mg_dl": 2.4,
                "hepatomegaly": True,
                "ruq_pain": True,
                "weight_gain_pct": 6,
                "ascites": False,
            },
            True,
        ),
        (
            "modified_seattle",
            {
                "day": 14,
                "bilirubin_mg_dl": 2.4,
                "hepatomegaly": True,
                "ruq_pain": True,
                "weight_gain_pct": 6,
                "ascites": False,
            },
            True,
        ),
        (
            "baltimore",
            {
                "day": 14,
                "bilirubin_mg_dl": 1.5,
                "hepatomegaly": True,
                "ruq_pain": True,
                "weight_gain_pct": 6,
                "ascites": True,
            },
            False,
        ),
        (
            "modified_seattle",
            {
                "day": 14,
                "bilirubin_mg_dl": 1.5,
                "hepatomegaly": True,
                "ruq_pain": True,
                "weight_gain_pct": 6,
                "ascites": True,
            },
            True,
        ),
        ("ebmt_2016_adult", {"day": 30, "bilirubin_mg_dl": 2.5, "ascites": True}, False),
        (
            "ebmt_2016_adult",
            {"day": 30, "bilirubin_mg_dl": 2.5, "ascites": True, "imaging_evidence": True},
            True,
        ),
    ],
    ids=[
        "d14-baltimore-true",
        "d14-seattle-true",
        "bili1.5-baltimore-false",
        "bili1.5-seattle-true",
        "d30-late-no-imaging-false",
        "d30-late-reversed-flow-true",
    ],
)
def test_f14_examples(criteria: str, inputs: dict[str, object], expected: bool) -> None:
    r = vod_diagnosis(criteria, **inputs)  # type: ignore[arg-type]
    assert r.value is expected


def test_f14_rules_name_reason() -> None:
    r = vod_diagnosis(
        "baltimore", day=14, bilirubin_mg_dl=1.5, hepatomegaly=True, weight_gain_pct=6, ascites=True
    )
    assert "bilirubin <2" in r.deciding_rule
    late = vod_diagnosis("ebmt_2016_adult", day=30, bilirubin_mg_dl=2.5, ascites=True)
    assert "no haemodynamic/ultrasound" in late.deciding_rule


def test_vod_thresholds_and_windows() -> None:
    base: dict[str, Any] = {
        "hepatomegaly": True,
        "ruq_pain": True,
        "weight_gain_pct": 0.0,
        "ascites": False,
    }
    # Seattle bilirubin is strictly > 2; window Day +20
    assert vod_diagnosis("modified_seattle", day=10, bilirubin_mg_dl=2.0, **base).value is False
    assert vod_diagnosis("modified_seattle", day=10, bilirubin_mg_dl=2.01, **base).value is True
    assert vod_diagnosis("modified_seattle", day=21, bilirubin_mg_dl=3.0, **base).value is False
    # Baltimore bilirubin >= 2 and weight > 5 %; window Day +21
    b: dict[str, Any] = {"hepatomegaly": True, "ascites": False}
    assert vod_diagnosis("baltimore", day=21, bilirubin_mg_dl=2.0, weight_gain_pct=5.1, **b).value
    assert not vod_diagnosis(
        "baltimore", day=21, bilirubin_mg_dl=2.0, weight_gain_pct=5.0, **b
    ).value
    assert not vod_diagnosis("baltimore", day=22, bilirubin_mg_dl=2.0, weight_gain_pct=9, **b).value
    # Seattle "with" needs both hepatomegaly and RUQ pain
    w: dict[str, Any] = {
        "day": 5,
        "bilirubin_mg_dl": 2.5,
        "hepatomegaly": True,
        "ruq_pain": False,
        "weight_gain_pct": 0.0,
    }
    assert vod_diagnosis("modified_seattle", seattle_rule="or", **w).value is True
    assert vod_diagnosis("modified_seattle", seattle_rule="with", **w).value is False


def test_ebmt_classical_and_histology() -> None:
    classical: dict[str, Any] = {
        "bilirubin_mg_dl": 2.0,
        "hepatomegaly": True,
        "ruq_pain": True,
        "weight_gain_pct": 6,
    }
    assert vod_diagnosis("ebmt_2016_adult", day=21, **classical).value is True
    # painless hepatomegaly does not count for EBMT
    painless: dict[str, Any] = {
        "bilirubin_mg_dl": 2.0,
        "hepatomegaly": True,
        "ruq_pain": False,
        "weight_gain_pct": 6,
    }
    assert vod_diagnosis("ebmt_2016_adult", day=10, **painless).value is False
    assert vod_diagnosis("ebmt_2016_adult", day=40, **classical).value is True
    assert vod_diagnosis("ebmt_2016_adult", day=60, bilirubin_mg_dl=0.5, histology=True).value


def test_vod_refusals() -> None:
    with pytest.raises(ValidationError, match="0 to 50 mg/dL"):
        vod_diagnosis("baltimore", day=5, bilirubin_mg_dl=60)
    with pytest.raises(ValidationError, match="criteria set"):
        vod_diagnosis("paris", day=5, bilirubin_mg_dl=2)


# --- SOS/VOD severity (EBMT 2016 adult, Mohty et al.) --------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((6, 3.5, False, 1.5, 6, 1.1, False, 0), "moderate"),
        ((3, 5.5, False, 3.0, 4, 1.3, False, 0), "severe"),
        ((10, 2.5, False, 1.0, 3, 1.0, True, 0), "very severe"),
        ((10, 2.5, False, 1.0, 3, 1.0, False, 2), "moderate"),
        ((10, 2.5, False, 1.0, 3, 1.0, False, 0), "mild"),
    ],
    ids=["moderate", "severe", "MOD->very-severe", "risk-factors-upgrade", "mild-no-risk"],
)
def test_f15_examples(args: tuple[object, ...], expected: str) -> None:
    names = (
        "time_since_onset_days",
        "bilirubin_mg_dl",
        "bilirubin_doubled_48h",
        "transaminase_x_uln",
        "weight_gain_pct",
        "creatinine_x_baseline",
        "mod_mof",
        "n_risk_factors",
    )
    r = vod_severity_ebmt2016(**dict(zip(names, args, strict=True)))  # type: ignore[arg-type]
    assert r.value == expected


def test_f15_weight_alone_does_not_make_severe() -> None:
    r = vod_severity_ebmt2016(
        time_since_onset_days=10,
        bilirubin_mg_dl=2.5,
        bilirubin_doubled_48h=False,
        transaminase_x_uln=1.0,
        weight_gain_pct=7,
        creatinine_x_baseline=1.3,
        mod_mof=False,
    )
    assert r.value == "moderate"  # weight (5-<10) + creatinine 1.3 (moderate)
    assert any("5-<10%" in n for n in r.notes)
    doubled = vod_severity_ebmt2016(
        time_since_onset_days=10,
        bilirubin_mg_dl=2.5,
        bilirubin_doubled_48h=True,
        transaminase_x_uln=1.0,
        weight_gain_pct=7,
        creatinine_x_baseline=1.0,
        mod_mof=False,
    )
    assert doubled.value == "severe"  # weight + doubling


def test_f15_severe_not_upgraded_and_rank() -> None:
    r = vod_severity_ebmt2016(
        time_since_onset_days=3,
        bilirubin_mg_dl=5.5,
        bilirubin_doubled_48h=False,
        transaminase_x_uln=3.0,
        weight_gain_pct=4,
        creatinine_x_baseline=1.3,
        mod_mof=False,
        n_risk_factors=3,
    )
    assert (r.value, r.rank) == ("severe", 2)


# --- engraftment syndrome (Spitzer 2001; Maiolino et al. 2003) ------------------------------

# Measured values are required (never assumed normal); these are explicit normal results.
MEASURED_NORMAL: dict[str, float] = {
    "rash_bsa_percent": 0.0,
    "bilirubin_mg_dl": 0.0,
    "transaminase_x_uln": 1.0,
    "creatinine_x_baseline": 1.0,
    "weight_gain_pct": 0.0,
}


def es(**values: object) -> EngraftmentFindings:
    return EngraftmentFindings(**{**MEASURED_NORMAL, **values})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("findings", "spitzer", "maiolino"),
    [
        (
            es(hours_after_engraftment=48, max_temp_c=38.5, rash_bsa_percent=30, weight_gain_pct=3),
            True,
            True,
        ),
        (
            es(hours_after_engraftment=24, max_temp_c=38.5, liquid_stools_per_day=3),
            False,
            True,
        ),
        (
            es(
                hours_after_engraftment=48,
                rash_bsa_percent=20,
                pulmonary_oedema_hypoxia=True,
                pulmonary_infiltrates=True,
            ),
            False,
            False,
        ),
    ],
    ids=["fever+rash30+weight", "fever+diarrhoea", "rash20+hypoxic-infiltrates-no-fever"],
)
def test_f16_examples(findings: EngraftmentFindings, spitzer: bool, maiolino: bool) -> None:
    r = engraftment_syndrome(findings)
    assert r["spitzer"].value is spitzer
    assert r["maiolino"].value is maiolino


def test_f16_rash_25_percent_not_major() -> None:
    f = es(hours_after_engraftment=0, max_temp_c=38.5, rash_bsa_percent=25, weight_gain_pct=3)
    s = engraftment_syndrome(f)["spitzer"]
    assert s.value is False
    assert any("25% BSA" in n for n in s.notes)


def test_es_timing_and_infection() -> None:
    late = es(
        hours_after_engraftment=100,
        max_temp_c=38.5,
        rash_bsa_percent=30,
        pulmonary_oedema_hypoxia=True,
    )
    assert engraftment_syndrome(late)["spitzer"].value is False
    early = es(hours_after_first_neutrophils=-30, max_temp_c=38.5, rash_bsa_percent=30)
    assert engraftment_syndrome(early)["maiolino"].value is False
    infected = es(
        hours_after_engraftment=10, max_temp_c=39, infection_identified=True, rash_bsa_percent=30
    )
    assert engraftment_syndrome(infected)["maiolino"].value is False
    with pytest.raises(ValidationError, match="onset time"):
        es(max_temp_c=38.5)


@pytest.mark.parametrize("measured", sorted(MEASURED_NORMAL))
def test_es_measured_values_are_required_not_assumed_normal(measured: str) -> None:
    values = {
        k: v for k, v in {**MEASURED_NORMAL, "hours_after_engraftment": 24}.items() if k != measured
    }
    error = ValidationError if measured == "bilirubin_mg_dl" else TypeError
    with pytest.raises(
        error, match="never assumed normal" if error is ValidationError else measured
    ):
        EngraftmentFindings(**values)  # type: ignore[arg-type]


# --- CRS (ASTCT consensus, Lee et al. 2019) --------------------------------------------------


@pytest.mark.parametrize(
    ("temp", "hypo", "oxy", "masked", "grade"),
    [
        (38.5, "none", "none", False, 1),
        (38.5, "no_vasopressor", "low_flow", False, 2),
        (39.0, "one_vasopressor", "high_flow", False, 3),
        (38.2, "none", "positive_pressure", False, 4),
        (37.0, "one_vasopressor", "none", True, 3),
        (37.0, "one_vasopressor", "none", False, 0),
    ],
    ids=[
        "fever-only->1",
        "no-pressor+4L->2",
        "pressor+HFNC->3",
        "BiPAP->4",
        "masked-by-tocilizumab->3",
        "no-fever-no-therapy->0",
    ],
)
def test_f17_examples(temp: float, hypo: str, oxy: str, masked: bool, grade: int) -> None:
    r = crs_grade_astct(temp, hypo, oxy, masked)
    assert r.value == grade


def test_crs_flow_helper_and_rule() -> None:
    assert oxygen_support_for_nasal_cannula(4) == "low_flow"
    assert oxygen_support_for_nasal_cannula(6) == "low_flow"
    assert oxygen_support_for_nasal_cannula(6.5) == "high_flow"
    r = crs_grade_astct(38.0, "multiple_vasopressors", "low_flow")
    assert r.value == 4 and "hypotension" in r.deciding_rule
    assert crs_grade_astct(37.9, "none", "none").value == 0
    with pytest.raises(ValidationError, match="one_vasopressor"):
        crs_grade_astct(38.5, "dopamine", "none")


# --- ICANS (ASTCT consensus, Lee et al. 2019) ------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "grade"),
    [
        ({"ice": 8, "consciousness": "awakens_spontaneously"}, 1),
        ({"ice": 5, "consciousness": "awakens_to_voice"}, 2),
        ({"ice": 3, "seizure": "rapidly_resolving"}, 3),
        ({"ice": 0, "consciousness": "unarousable"}, 4),
        ({"ice": 0, "consciousness": "alert"}, 3),
        ({"ice": 10, "consciousness": "alert"}, 0),
    ],
    ids=[
        "ICE8->1",
        "ICE5-voice->2",
        "ICE3+seizure->3",
        "ICE0-unarousable->4",
        "ICE0-aphasia->3",
        "ICE10->0",
    ],
)
def test_f18_examples(kwargs: dict[str, object], grade: int) -> None:
    assert icans_grade_astct(**kwargs).value == grade  # type: ignore[arg-type]


def test_icans_other_domains_and_ice_score() -> None:
    assert icans_grade_astct(10, motor_weakness=True).value == 4
    assert icans_grade_astct(9, cerebral_oedema="focal").value == 3
    assert icans_grade_astct(None, "unarousable").value == 4
    with pytest.raises(ValidationError, match="ICE score"):
        icans_grade_astct(None, "alert")
    assert ice_score(4, 3, 1, 1, 1) == 10
    assert ice_score(2, 1, 0, 1, 0) == 4
    with pytest.raises(ValidationError, match="0 to 3"):
        ice_score(4, 4, 1, 1, 1)
    r = icans_grade_astct(7)
    assert r.value == 1 and "ICE score" in r.deciding_rule


# --- TA-TMA (harmonised definition, Schoettler et al. 2023) ---------------------------------

DAY0 = D(2025, 3, 10)


def four(day: int, **extra: object) -> TmaAssessment:
    fields: dict[str, object] = {
        "anaemia": True,
        "thrombocytopenia": True,
        "ldh_x_uln": 1.5,
        "hypertension": True,
        "upcr_mg_mg": 0.2,
    }
    fields.update(extra)
    return TmaAssessment(date=DAY0 + dt.timedelta(days=day), **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("assessments", "diagnosed", "high_risk"),
    [
        ([four(40), four(44)], True, False),
        ([four(40)], False, False),
        ([four(40), four(44, upcr_mg_mg=1.5)], True, True),
    ],
    ids=["two-assessments->diagnosed", "one-assessment->not", "rUPCR1.5->high-risk"],
)
def test_f19_examples(assessments: list[TmaAssessment], diagnosed: bool, high_risk: bool) -> None:
    r = ta_tma_harmonized(assessments)
    assert r.value is diagnosed
    assert r.components == {"diagnosed": diagnosed, "high_risk": high_risk}


def test_tma_window_and_other_routes() -> None:
    assert ta_tma_harmonized([four(40), four(55)]).value is False  # 15 days apart
    assert ta_tma_harmonized([four(40), four(54)]).value is True  # 14 days
    three = TmaAssessment(
        date=DAY0, anaemia=True, thrombocytopenia=True, ldh_x_uln=1.5, upcr_mg_mg=0.2
    )
    assert ta_tma_harmonized([three, three]).value is False
    assert ta_tma_harmonized([], biopsy_proven=True).value is True
    r = ta_tma_harmonized([four(40), four(44)], concurrent_agvhd_grade_2_4=True)
    assert r.components["high_risk"] is True
    assert ta_tma_harmonized([four(40), four(44, ldh_x_uln=2.0)]).components["high_risk"]
    # high-risk features without a diagnosis do not make "high risk"
    assert ta_tma_harmonized([four(40)], concurrent_infection=True).components["high_risk"] is False


@pytest.mark.parametrize("measured", ["ldh_x_uln", "upcr_mg_mg"])
def test_tma_measured_values_are_required_not_assumed_normal(measured: str) -> None:
    values = {"ldh_x_uln": 1.5, "upcr_mg_mg": 0.2}
    del values[measured]
    with pytest.raises(TypeError, match=measured):
        TmaAssessment(date=DAY0, anaemia=True, **values)  # type: ignore[arg-type]


# --- oral mucositis and haemorrhagic cystitis ----------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "who"),
    [
        ({}, 0),
        ({"soreness": True}, 1),
        ({"erythema": True, "ulcers": True}, 2),
        ({"ulcers": True, "diet": "liquids_only"}, 3),
        ({"ulcers": True, "diet": "none"}, 4),
    ],
    ids=["WHO0", "WHO1", "WHO2", "WHO3", "WHO4"],
)
def test_oral_mucositis_who_and_ctcae_stored(kwargs: dict[str, object], who: int) -> None:
    r = oral_mucositis(ctcae_grade=2, **kwargs)  # type: ignore[arg-type]
    assert r.value == who
    assert r.components == {"who": who, "ctcae": 2}
    assert r.label == f"WHO {who} / CTCAE 2"


def test_oral_mucositis_refusals() -> None:
    with pytest.raises(ValidationError, match="0 to 5"):
        oral_mucositis(ctcae_grade=6)
    assert oral_mucositis(diet="liquids_only", ctcae_grade=3).needs_confirmation


@pytest.mark.parametrize(
    ("kwargs", "grade", "label"),
    [
        ({}, 0, "none"),
        ({"microscopic_haematuria": True}, 1, "I"),
        ({"macroscopic_haematuria": True}, 2, "II"),
        ({"macroscopic_haematuria": True, "clots": True}, 3, "III"),
        (
            {
                "macroscopic_haematuria": True,
                "clots": True,
                "obstruction_requiring_intervention": True,
            },
            4,
            "IV",
        ),
    ],
    ids=["HC0", "HC-I", "HC-II", "HC-III", "HC-IV"],
)
def test_haemorrhagic_cystitis(kwargs: dict[str, bool], grade: int, label: str) -> None:
    r = haemorrhagic_cystitis_grade(**kwargs)
    assert (r.value, r.label) == (grade, label)


def test_hc_onset_note() -> None:
    early = haemorrhagic_cystitis_grade(macroscopic_haematuria=True, hours_since_conditioning=48)
    late = haemorrhagic_cystitis_grade(macroscopic_haematuria=True, hours_since_conditioning=500)
    assert "acrolein" in early.notes[0] and "BK" in late.notes[0]


# --- HCT-CI (Sorror et al. 2005; age composite Sorror et al. 2014) ---------------------------


@pytest.mark.parametrize(
    ("items", "age", "score", "group", "composite"),
    [
        ({"diabetes", "pulmonary_moderate", "prior_solid_tumour"}, 55, 6, "high", 7),
        (set(), 30, 0, "low", 0),
        ({"obesity", "psychiatric"}, 39, 2, "intermediate", 2),
        (
            {"pulmonary_moderate", "pulmonary_severe", "hepatic_mild", "hepatic_moderate_severe"},
            62,
            6,
            "high",
            7,
        ),
    ],
    ids=["dm+pulm-mod+tumour-55", "none-30", "obesity+psych-39", "exclusive-pairs-62"],
)
def test_f13_examples(items: set[str], age: int, score: int, group: str, composite: int) -> None:
    r = hct_ci(items, age)
    assert r.value == score
    assert r.components["risk_group"] == group
    assert r.components["hct_ci_age"] == composite


def test_hct_ci_age_boundary_and_refusals() -> None:
    assert hct_ci(set(), 40).components["hct_ci_age"] == 1
    assert hct_ci({"renal"}, 39.9).components["hct_ci_age"] == 2
    with pytest.raises(ValidationError, match="Unknown HCT-CI item"):
        hct_ci({"gout"}, 50)
    with pytest.raises(ValidationError, match="0 to 120 years"):
        hct_ci(set(), 130)


# --- performance status ----------------------------------------------------------------------


def test_karnofsky_and_lansky() -> None:
    adult = performance_status(70, 45)
    assert adult.label == "KPS 70" and adult.criteria == "Karnofsky performance status"
    child = performance_status(70, 15.9)
    assert child.label == "Lansky 70" and child.criteria == "Lansky performance status"
    assert performance_status(100, 16).label == "KPS 100"
    assert performance_status(0, 30).value == 0


@pytest.mark.parametrize("bad", [75, 110, -10, 7.0])
def test_performance_status_refusals(bad: object) -> None:
    with pytest.raises(ValidationError, match="0 to 100"):
        performance_status(bad, 40)  # type: ignore[arg-type]


# --- conditioning intensity (Bacigalupo et al. 2009; Giralt et al. 2009) -----------------------

RC = RegimenComponent


@pytest.mark.parametrize(
    ("components", "expected"),
    [
        ([RC("busulfan", 12.8, "mg/kg", "iv"), RC("cyclophosphamide", 120, "mg/kg")], "MAC"),
        ([RC("fludarabine", 120, "mg/m2"), RC("busulfan", 6.4, "mg/kg", "iv")], "RIC"),
        ([RC("fludarabine", 150, "mg/m2"), RC("melphalan", 140, "mg/m2")], "RIC"),
        (
            [
                RC("fludarabine", 150, "mg/m2"),
                RC("cyclophosphamide", 29, "mg/kg"),
                RC("tbi", 200, "cGy"),
            ],
            "NMA",
        ),
        ([RC("cyclophosphamide", 120, "mg/kg"), RC("tbi", 1200, "cGy", fractions=6)], "MAC"),
    ],
    ids=[
        "BuCy-IV12.8->MAC",
        "Flu120+Bu6.4->RIC",
        "FluMel140->RIC",
        "FluCyTBI200->NMA",
        "CyTBI1200x6->MAC",
    ],
)
def test_f22_examples(components: list[RegimenComponent], expected: str) -> None:
    assert conditioning_intensity(components).value == expected


def test_conditioning_more_rules() -> None:
    assert conditioning_intensity([RC("melphalan", 200, "mg/m2")]).value == "MAC"
    assert conditioning_intensity([RC("busulfan", 8.0, "mg/kg", "oral")]).value == "RIC"
    assert conditioning_intensity([RC("busulfan", 8.1, "mg/kg", "oral")]).value == "MAC"
    assert conditioning_intensity([RC("busulfan", 6.4, "mg/kg")]).value == "RIC"
    assert conditioning_intensity([RC("tbi", 5, "Gy")]).value == "MAC"  # single fraction 500 cGy
    assert conditioning_intensity([RC("tbi", 600, "cGy", fractions=3)]).value == "RIC"
    assert (
        conditioning_intensity([RC("fludarabine", 90, "mg/m2"), RC("tbi", 2, "Gy")]).value == "NMA"
    )
    flu_cy_atg = [
        RC("fludarabine", 150, "mg/m2"),
        RC("cyclophosphamide", 60, "mg/kg"),
        RC("atg", 4.5, "mg/kg"),
    ]
    assert conditioning_intensity(flu_cy_atg).value == "NMA"


def test_conditioning_centre_intent_stored_and_compared() -> None:
    r = conditioning_intensity(
        [RC("fludarabine", 150, "mg/m2"), RC("melphalan", 140, "mg/m2")], centre_intent="mac"
    )
    assert r.components == {"computed": "RIC", "centre_intent": "MAC"}
    assert r.needs_confirmation and "differs" in r.notes[0]
    with pytest.raises(ValidationError, match="MAC, RIC or NMA"):
        conditioning_intensity([RC("melphalan", 140, "mg/m2")], centre_intent="high")
    with pytest.raises(ValidationError, match="mg/kg"):
        conditioning_intensity([RC("busulfan", 400, "mg/m2")])
    with pytest.raises(ValidationError, match="0 to 2,000 cGy"):
        conditioning_intensity([RC("tbi", 30, "Gy")])


# --- live vaccines, "2-1-8" (IDSA 2013, Rubin et al.) ---------------------------------------


@pytest.mark.parametrize(
    ("today", "ivig", "expected"),
    [
        (D(2024, 3, 1), D(2023, 5, 1), True),
        (D(2024, 3, 1), D(2023, 9, 15), False),
        (D(2023, 12, 1), D(2023, 5, 1), False),
    ],
    ids=["eligible", "ivig-under-8-months", "under-24-months"],
)
def test_f23_examples(today: dt.date, ivig: dt.date, expected: bool) -> None:
    r = live_vaccine_eligibility(
        day0=D(2022, 1, 10),
        today=today,
        on_immunosuppression=False,
        ist_stop_date=D(2022, 12, 1),
        last_ivig_date=ivig,
        active_gvhd=False,
    )
    assert r.value is expected


def test_live_vaccine_gvhd_ist_and_earliest_date() -> None:
    common: dict[str, Any] = {
        "day0": D(2022, 1, 10),
        "today": D(2024, 3, 1),
        "last_ivig_date": D(2023, 9, 15),
    }
    r = live_vaccine_eligibility(
        **common,
        on_immunosuppression=False,
        ist_stop_date=D(2022, 12, 1),
        active_gvhd=False,
    )
    assert r.components["earliest_date"] == D(2024, 5, 15)
    gvhd = live_vaccine_eligibility(
        **common,
        on_immunosuppression=False,
        ist_stop_date=D(2022, 12, 1),
        active_gvhd=True,
    )
    assert gvhd.value is False and "active GVHD" in gvhd.deciding_rule
    on = live_vaccine_eligibility(
        day0=D(2020, 1, 1), today=D(2024, 1, 1), on_immunosuppression=True, active_gvhd=False
    )
    assert on.value is False and on.components["earliest_date"] is None
    # exactly 24 months is enough
    exact = live_vaccine_eligibility(
        day0=D(2022, 1, 10), today=D(2024, 1, 10), on_immunosuppression=False, active_gvhd=False
    )
    assert exact.value is True
    with pytest.raises(ValidationError, match="calendar date"):
        live_vaccine_eligibility(
            day0=T(2022, 1, 10), today=D(2024, 1, 10), on_immunosuppression=False, active_gvhd=False
        )


def test_add_months_clamps_month_end() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2023, 5, 31), 8) == D(2024, 1, 31)
    assert add_months(D(2022, 11, 30), 3) == D(2023, 2, 28)


# --- complication episodes -------------------------------------------------------------------

ONSET = DAY0 + dt.timedelta(days=21)


def magic_at(day: int, stages: tuple[int, int, int, int]) -> Assessment:
    return Assessment(
        date=DAY0 + dt.timedelta(days=day),
        result=magic_grade_assessment(*stages),
        by="jd",
        at=T(2025, 4, 1, 9, 0) + dt.timedelta(days=day),
    )


def test_episode_tracks_max_grade_over_time() -> None:
    ep = new_episode("aGVHD", ONSET, assessment=magic_at(21, (3, 0, 0, 0)))
    assert ep.max_grade is not None and ep.max_grade.label == "II"
    ep = add_assessment(ep, magic_at(25, (2, 2, 0, 0)))  # grade III
    ep = add_assessment(ep, magic_at(30, (1, 0, 0, 0)))  # grade I
    assert ep.max_grade is not None and ep.max_grade.value == 3
    assert ep.current_grade is not None and ep.current_grade.value == 1
    assert ep.max_assessment is not None and ep.max_assessment.date == DAY0 + dt.timedelta(25)
    assert episode_summary(ep, DAY0) == "aGVHD grade III since D+21 (now I)"


def test_episode_summary_board_text() -> None:
    ep = new_episode("aGVHD", ONSET, assessment=magic_at(21, (2, 2, 0, 0)))
    assert episode_summary(ep, DAY0) == "aGVHD grade III since D+21"
    assert episode_summary(new_episode("CRS", DAY0), DAY0) == "CRS since D0"
    done = resolve(ep, DAY0 + dt.timedelta(days=60), "steroids tapered")
    assert episode_summary(done, DAY0) == "aGVHD grade III D+21 to D+60 (resolved)"
    assert not done.active and done.resolution_note == "steroids tapered"


def test_episode_summary_for_categories() -> None:
    vod = vod_severity_ebmt2016(
        time_since_onset_days=3,
        bilirubin_mg_dl=5.5,
        bilirubin_doubled_48h=False,
        transaminase_x_uln=3.0,
        weight_gain_pct=4,
        creatinine_x_baseline=1.3,
        mod_mof=False,
    )
    a = Assessment(date=DAY0 + dt.timedelta(days=12), result=vod, by="jd", at=T(2025, 3, 22, 8))
    ep = new_episode("SOS/VOD", DAY0 + dt.timedelta(days=12), assessment=a)
    assert episode_summary(ep, DAY0) == "SOS/VOD severe since D+12"
    crs = crs_grade_astct(39.0, "one_vasopressor", "high_flow")
    c = Assessment(date=DAY0, result=crs, by="jd", at=T(2025, 3, 10, 20))
    assert episode_summary(new_episode("CRS", DAY0, assessment=c), DAY0) == "CRS grade 3 since D0"


def test_episode_validation() -> None:
    ep = new_episode("aGVHD", ONSET)
    with pytest.raises(ValidationError, match="before the onset"):
        add_assessment(ep, magic_at(15, (1, 0, 0, 0)))
    with pytest.raises(ValidationError, match="before the onset"):
        resolve(ep, DAY0)
    with pytest.raises(ValidationError, match="calendar date"):
        new_episode("aGVHD", T(2025, 3, 31, 8, 0))
    with pytest.raises(ValidationError, match="calendar date"):
        resolve(ep, T(2025, 5, 1, 8, 0))
    ep2 = add_assessment(ep, magic_at(40, (1, 0, 0, 0)))
    with pytest.raises(ValidationError, match="before the assessment"):
        resolve(ep2, DAY0 + dt.timedelta(days=30))
    done = resolve(ep2, DAY0 + dt.timedelta(days=50))
    with pytest.raises(ValidationError, match="resolved"):
        add_assessment(done, magic_at(55, (1, 0, 0, 0)))
    with pytest.raises(ValidationError, match="already resolved"):
        resolve(done, DAY0 + dt.timedelta(days=60))
    with pytest.raises(ValidationError, match="must not be empty"):
        new_episode("  ", ONSET)


def test_episode_refuses_ungraded_results() -> None:
    fn = febrile_neutropenia([(at("09:00"), 38.5)], 0.2)
    a = Assessment(date=ONSET, result=fn, by="jd", at=T(2025, 4, 1, 9))
    with pytest.raises(ValidationError, match="no grade"):
        new_episode("Febrile neutropenia", ONSET, assessment=a)


def test_assessment_validation() -> None:
    result = magic_grade_assessment(1, 0, 0, 0)
    with pytest.raises(ValidationError, match="calendar date"):
        Assessment(date=T(2025, 4, 1, 9), result=result, by="jd", at=T(2025, 4, 1, 9))
    with pytest.raises(ValidationError, match="date and time"):
        Assessment(date=ONSET, result=result, by="jd", at=ONSET)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="must not be empty"):
        Assessment(date=ONSET, result=result, by=" ", at=T(2025, 4, 1, 9))
    a = Assessment(
        date=ONSET,
        result=magic_assessment(skin_bsa_percent=10, bilirubin=0.3),
        by="jd",
        at=T(2025, 4, 1, 9),
    )
    assert a.inputs == a.result.inputs


def test_treatment_notes_and_out_of_order_assessments() -> None:
    ep = new_episode("aGVHD", ONSET, treatment_note="methylprednisolone 2 mg/kg")
    ep = add_treatment_note(ep, ONSET + dt.timedelta(days=3), "add ruxolitinib")
    assert [n.text for n in ep.treatment_notes] == ["methylprednisolone 2 mg/kg", "add ruxolitinib"]
    with pytest.raises(ValidationError, match="predate"):
        add_treatment_note(ep, DAY0, "too early")
    ep = add_assessment(ep, magic_at(30, (1, 0, 0, 0)))
    ep = add_assessment(ep, magic_at(22, (3, 0, 0, 0)))  # entered late
    assert [a.date.day for a in ep.assessments] == [1, 9]  # Apr 1 (D+22), Apr 9 (D+30)
    assert ep.current_grade is not None and ep.current_grade.value == 1
    assert isinstance(ep, ComplicationEpisode)
    assert isinstance(ep.max_grade, GradeResult)
