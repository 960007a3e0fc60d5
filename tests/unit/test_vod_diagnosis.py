"""SOS/VOD diagnosis: EBMT 2016 adult (Mohty et al., Bone Marrow Transplant 2016;51:906-912),
refined EBMT 2023 adult (Mohty et al., Bone Marrow Transplant 2023;58:749-754: probable,
clinical, proven) and EBMT 2018 paediatric (Corbacioglu et al., Bone Marrow Transplant
2018;53:138-145) criteria, with cases built from each source; and the calculators that offer
them."""

from __future__ import annotations

import pytest

from planner.clinical.calculators.registry import COMPLICATIONS, calculator
from planner.clinical.vod import (
    EBMT2023_CRITERIA,
    PAEDIATRIC_CRITERIA,
    vod_diagnosis,
    vod_diagnosis_ebmt2023,
    vod_diagnosis_paediatric,
)
from planner.errors import ValidationError

# --- EBMT 2016 adult: classical (by Day +21) and late onset -------------------------------


def _ebmt2016(**kwargs: object):  # type: ignore[no-untyped-def]
    return vod_diagnosis("ebmt_2016_adult", **kwargs)  # type: ignore[arg-type]


def test_2016_classical_bilirubin_plus_two_of_three() -> None:
    r = _ebmt2016(day=14, bilirubin=2.5, hepatomegaly=True, ruq_pain=True, weight_gain_pct=6)
    assert r.value is True
    assert r.components["criteria_met"] == (
        "bilirubin 2.5 mg/dL >= 2 mg/dL",
        "painful hepatomegaly",
        "weight gain >5%",
    )
    assert r.deciding_rule.startswith("Classical (onset by Day +21)")
    assert "Mohty" in r.version


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        (
            {"bilirubin": 2.5, "hepatomegaly": True, "ascites": True},
            "hepatomegaly without pain is not painful hepatomegaly",
        ),
        (
            {"bilirubin": 1.5, "hepatomegaly": True, "ruq_pain": True, "ascites": True},
            "bilirubin is obligatory by Day +21",
        ),
        ({"bilirubin": 2.5, "ascites": True, "weight_gain_pct": 5.0}, "weight gain must be > 5%"),
    ],
    ids=["painless", "anicteric", "weight-5"],
)
def test_2016_classical_not_met(kwargs: dict[str, object], why: str) -> None:
    r = _ebmt2016(day=10, **kwargs)
    assert r.value is False, why
    assert "Classical criteria not met" in r.deciding_rule


def test_2016_late_onset_needs_imaging_histology_or_classical() -> None:
    signs = {"day": 35, "bilirubin": 1.0, "ascites": True, "weight_gain_pct": 6}
    without = _ebmt2016(**signs)
    assert without.value is False
    assert "no haemodynamic/ultrasound evidence" in without.deciding_rule
    with_imaging = _ebmt2016(**signs, imaging_evidence=True)
    assert with_imaging.value is True
    assert "haemodynamic/ultrasound evidence" in with_imaging.components["criteria_met"]
    assert _ebmt2016(day=60, bilirubin=0.5, histology=True).value is True
    beyond = _ebmt2016(day=22, bilirubin=3, ascites=True, hepatomegaly=True, ruq_pain=True)
    assert beyond.value is True and "classical criteria beyond Day +21" in beyond.deciding_rule


def test_2016_calculator_maps_painful_hepatomegaly_and_onset_day() -> None:
    calc = calculator("vod_dx_2016")
    assert calc.menu == COMPLICATIONS and not calc.records
    values = {
        "onset_day": 12,
        "bilirubin": 40.0,
        "bilirubin_unit": "umol/L",
        "painful_hepatomegaly": True,
        "weight_gain_pct": 2.0,
        "ascites": True,
        "imaging_evidence": False,
        "histology": False,
    }
    r = calc.compute(values)
    assert r.value is True
    assert r.inputs["hepatomegaly"] and r.inputs["ruq_pain"]
    assert r.inputs["bilirubin_umol_l"] == 40.0
    with pytest.raises(ValidationError) as err:
        calc.compute({**values, "onset_day": 5000})
    assert err.value.field == "day"  # shown beside "Onset on Day" (error_names)


# --- EBMT 2023 refined adult: probable, clinical, proven ----------------------------------


def _refined(**kwargs: object):  # type: ignore[no-untyped-def]
    kwargs.setdefault("bilirubin", 1.0)
    kwargs.setdefault("weight_gain_pct", 0.0)
    return vod_diagnosis_ebmt2023(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "category", "rank"),
    [
        ({"ascites": True, "ultrasound_or_elastography": True}, "probable", 1),
        ({"bilirubin": 2.0, "ultrasound_or_elastography": True}, "probable", 1),
        ({"bilirubin": 2.0, "ascites": True}, "probable", 1),
        ({"bilirubin": 2.0, "painful_hepatomegaly": True, "ascites": True}, "clinical", 2),
        (
            {"bilirubin": 34, "bilirubin_unit": "µmol/L", "weight_gain_pct": 5.1, "ascites": True},
            "clinical",
            2,
        ),
        ({"histology": True}, "proven", 3),
        ({"hvpg_mmhg": 10}, "proven", 3),
        ({"hvpg_mmhg": 9.9, "ascites": True}, "not met", 0),
        ({"bilirubin": 1.99, "painful_hepatomegaly": True}, "not met", 0),
        ({"weight_gain_pct": 5.0, "ascites": True}, "not met", 0),
    ],
    ids=[
        "ascites+us",
        "bili+us",
        "bili+ascites",
        "bili+pain+ascites",
        "34umol+weight+ascites",
        "histology",
        "hvpg-10",
        "hvpg-9.9",
        "one-sign",
        "weight-exactly-5",
    ],
)
def test_2023_categories(kwargs: dict[str, object], category: str, rank: int) -> None:
    r = _refined(**kwargs)
    assert (r.value, r.rank) == (category, rank)
    assert r.criteria == EBMT2023_CRITERIA and "2023;58:749-754" in r.version
    if category == "not met":
        assert r.label == "criteria not met"
    else:
        assert r.label.startswith(f"{category} SOS/VOD")


def test_2023_has_no_time_limit_and_names_classical_or_late_onset() -> None:
    clinical = {"bilirubin": 3.0, "painful_hepatomegaly": True, "ascites": True}
    assert _refined(onset_day=10, **clinical).label == (
        "clinical SOS/VOD (classical, onset by Day +21)"
    )
    late = _refined(onset_day=60, **clinical)
    assert late.value == "clinical"
    assert late.label == "clinical SOS/VOD (late onset, after Day +21)"
    assert _refined(**clinical).label == "clinical SOS/VOD"


def test_2023_result_lists_criteria_met_and_why_not_clinical() -> None:
    r = _refined(bilirubin=1.5, ascites=True, ultrasound_or_elastography=True)
    assert r.components["criteria_met"] == (
        "ascites",
        "ultrasound/elastography suggestive of SOS/VOD",
    )
    assert "Clinical needs bilirubin >= 2 mg/dL (1.5 mg/dL)" in r.deciding_rule
    assert any("not attributable to another cause" in n for n in r.notes)


def test_2023_refuses_impossible_values() -> None:
    with pytest.raises(ValidationError, match="0 to 60 mmHg"):
        _refined(hvpg_mmhg=80)
    with pytest.raises(ValidationError, match="0 to 855 µmol/L"):
        _refined(bilirubin=900, bilirubin_unit="µmol/L")


# --- EBMT 2018 paediatric: >= 2 of 5, no time limit, bilirubin not obligatory --------------


def _paediatric(**kwargs: object):  # type: ignore[no-untyped-def]
    kwargs.setdefault("bilirubin", 0.4)
    kwargs.setdefault("weight_gain_pct", 0.0)
    return vod_diagnosis_paediatric(**kwargs)  # type: ignore[arg-type]


def test_paediatric_met_with_normal_bilirubin() -> None:
    # Anicteric SOS/VOD (about 30% of children): refractory thrombocytopenia and
    # hepatomegaly above baseline, bilirubin 0.4 mg/dL.
    r = _paediatric(refractory_thrombocytopenia=True, hepatomegaly_above_baseline=True)
    assert r.value is True and r.rank == 1
    assert r.criteria == PAEDIATRIC_CRITERIA and "Corbacioglu" in r.version
    assert r.components["criteria_met"] == (
        "consumptive transfusion-refractory thrombocytopenia",
        "hepatomegaly above baseline",
    )
    assert any("Anicteric" in n for n in r.notes)


@pytest.mark.parametrize(
    ("kwargs", "met"),
    [
        ({"refractory_thrombocytopenia": True}, False),
        ({"ascites_above_baseline": True, "bilirubin_rising_3_days": True}, True),
        ({"ascites_above_baseline": True, "weight_gain_pct": 5.0}, False),
        ({"ascites_above_baseline": True, "weight_gain_pct": 5.1}, True),
        ({"ascites_above_baseline": True, "weight_gain_3_days_despite_diuretics": True}, True),
        ({"ascites_above_baseline": True, "bilirubin": 34, "bilirubin_unit": "µmol/L"}, True),
        ({"ascites_above_baseline": True, "bilirubin": 33, "bilirubin_unit": "µmol/L"}, False),
        ({"ascites_above_baseline": True, "bilirubin": 2.0}, True),
    ],
    ids=[
        "one-criterion",
        "ascites+rising-bili",
        "weight-5",
        "weight-5.1",
        "weight-3-days",
        "bili-34-umol",
        "bili-33-umol",
        "bili-2-mg",
    ],
)
def test_paediatric_criteria(kwargs: dict[str, object], met: bool) -> None:
    r = _paediatric(**kwargs)
    assert r.value is met
    assert r.deciding_rule.startswith("Met" if met else "Not met")


def test_paediatric_bilirubin_and_weight_count_once_each() -> None:
    r = _paediatric(
        bilirubin_rising_3_days=True,
        bilirubin=2.5,
        weight_gain_3_days_despite_diuretics=True,
        weight_gain_pct=7,
    )
    assert len(r.components["criteria_met"]) == 2  # one bilirubin, one weight criterion
    assert r.value is True
    assert "bilirubin 2.5 mg/dL >= 2 mg/dL within 72 h" in r.deciding_rule


def test_paediatric_calculator_is_offered() -> None:
    calc = calculator("vod_dx_paed")
    assert calc.menu == COMPLICATIONS and not calc.records and not calc.allogeneic_only
    names = {f.name for f in calc.fields}
    assert {"bilirubin", "bilirubin_unit", "refractory_thrombocytopenia"} <= names
