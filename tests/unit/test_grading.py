"""MAGIC acute GVHD (Harris et al., Biol Blood Marrow Transplant 2016;22:4-10) and NIH 2014
chronic GVHD (Jagasia et al., Biol Blood Marrow Transplant 2015;21:389-401)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.clinical.grading import (
    GradeResult,
    bilirubin_mg_dl,
    magic_assessment,
    magic_grade,
    magic_grade_assessment,
    magic_liver_stage,
    magic_lower_gi_stage,
    magic_lower_gi_stage_episodes,
    magic_lower_gi_stage_paediatric,
    magic_skin_stage,
    magic_upper_gi_stage,
    nih_cgvhd_assessment,
    nih_cgvhd_severity,
    nih_lung_fev1_score,
    nih_skin_score,
)
from planner.errors import ValidationError

# --- MAGIC worked examples: grade by the pattern table, never the maximum stage ---------


@pytest.mark.parametrize(
    ("stages", "grade"),
    [
        ((3, 0, 0, 0), 2),
        ((0, 0, 0, 2), 3),
        ((4, 0, 0, 0), 4),
        ((2, 0, 1, 0), 2),
        ((1, 0, 0, 0), 1),
        ((0, 3, 1, 0), 3),
    ],
    ids=[
        "skin3->II",
        "lowerGI2->III",
        "skin4->IV",
        "skin2+upper1->II",
        "skin1->I",
        "liver3+upper1->III",
    ],
)
def test_f11_grade_by_pattern(stages: tuple[int, int, int, int], grade: int) -> None:
    assert magic_grade(*stages) == grade


def test_f11_grade_is_not_max_stage() -> None:
    # stage-3 skin alone is grade II; stage-2 lower GI alone is grade III
    assert magic_grade(3, 0, 0, 0) < magic_grade(0, 0, 0, 2)
    assert magic_grade(3, 0, 0, 0) != 3


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda: magic_liver_stage(3.05), 2),
        (lambda: magic_lower_gi_stage(1200), 2),
        (lambda: magic_lower_gi_stage_episodes(8), 3),
        (lambda: magic_lower_gi_stage(400, grossly_bloody_stool=True), 4),
    ],
    ids=["bili-3.05->liver2", "1200mL->GI2", "8-episodes->GI3", "bloody-400mL->GI4"],
)
def test_f11_stage_examples(call: object, expected: int) -> None:
    assert callable(call)
    assert call() == expected


# --- boundaries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bili", "stage"),
    [
        (0.0, 0),
        (1.99, 0),
        (2.0, 1),
        (3.0, 1),
        (3.0001, 2),
        (6.0, 2),
        (6.01, 3),
        (15.0, 3),
        (15.01, 4),
        (50.0, 4),
    ],
    ids=lambda v: str(v),
)
def test_liver_boundaries(bili: float, stage: int) -> None:
    assert magic_liver_stage(bili) == stage


@pytest.mark.parametrize(
    ("bsa", "bullae", "stage"),
    [
        (0, False, 0),
        (1, False, 1),
        (24.9, False, 1),
        (25, False, 2),
        (50, False, 2),
        (50.1, False, 3),
        (100, False, 3),
        (51, True, 4),
        (50, True, 2),
        (10, True, 1),
    ],
    ids=lambda v: str(v),
)
def test_skin_boundaries(bsa: float, bullae: bool, stage: int) -> None:
    assert magic_skin_stage(bsa, bullae_desquamation=bullae) == stage


@pytest.mark.parametrize(
    ("ml", "stage"),
    [(0, 0), (499, 0), (500, 1), (999, 1), (1000, 2), (1500, 2), (1501, 3), (10_000, 3)],
    ids=lambda v: str(v),
)
def test_adult_stool_boundaries(ml: float, stage: int) -> None:
    assert magic_lower_gi_stage(ml) == stage


@pytest.mark.parametrize(
    ("n", "adult", "child"),
    [
        (0, 0, 0),
        (2, 0, 0),
        (3, 1, 0),
        (4, 1, 1),
        (5, 2, 1),
        (6, 2, 1),
        (7, 2, 2),
        (8, 3, 2),
        (10, 3, 2),
        (11, 3, 3),
    ],
    ids=lambda v: str(v),
)
def test_episode_boundaries(n: int, adult: int, child: int) -> None:
    assert magic_lower_gi_stage_episodes(n) == adult
    assert magic_lower_gi_stage_episodes(n, paediatric=True) == child


@pytest.mark.parametrize(
    ("ml_kg", "stage"),
    [(0, 0), (9.99, 0), (10, 1), (19.9, 1), (20, 2), (30, 2), (30.1, 3)],
    ids=lambda v: str(v),
)
def test_paediatric_volume_boundaries(ml_kg: float, stage: int) -> None:
    assert magic_lower_gi_stage_paediatric(ml_kg) == stage


def test_upper_gi_stage() -> None:
    assert magic_upper_gi_stage(True) == 1
    assert magic_upper_gi_stage(False) == 0
    with pytest.raises(ValidationError):
        magic_upper_gi_stage("yes")  # type: ignore[arg-type]


def test_severe_pain_is_stage_4_regardless_of_volume() -> None:
    assert magic_lower_gi_stage(0, severe_pain_or_ileus=True) == 4


# --- bilirubin units -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("umol", "stage"),
    [(34.2, 1), (34.1, 0), (51.3, 1), (51.4, 2), (102.6, 2), (256.5, 3), (256.6, 4)],
    ids=lambda v: str(v),
)
def test_umol_conversion_hits_thresholds_exactly(umol: float, stage: int) -> None:
    assert magic_liver_stage(bilirubin_mg_dl(umol, "µmol/L")) == stage


def test_umol_assessment_records_entered_value() -> None:
    r = magic_assessment(skin_bsa_percent=0, bilirubin=51.3, bilirubin_unit="µmol/L")
    assert r.components["liver"] == 2  # SI table: 51-102 µmol/L is stage 2
    assert r.inputs["bilirubin_umol_l"] == 51.3
    assert any("51.3 µmol/L is in the 51-102 µmol/L band" in n for n in r.notes)


# --- out-of-range refusals name the range --------------------------------------------


@pytest.mark.parametrize(
    ("call", "field", "range_text"),
    [
        (lambda: magic_liver_stage(50.1), "bilirubin", "0 to 50 mg/dL"),
        (lambda: magic_liver_stage(-0.1), "bilirubin", "0 to 50 mg/dL"),
        (lambda: bilirubin_mg_dl(900, "umol/L"), "bilirubin", "0 to 855 µmol/L"),
        (lambda: magic_skin_stage(101), "skin_bsa_percent", "0 to 100 % BSA"),
        (lambda: magic_skin_stage(-1), "skin_bsa_percent", "0 to 100 % BSA"),
        (lambda: magic_lower_gi_stage(10_001), "stool_ml_per_day", "0 to 10,000 mL/day"),
        (lambda: magic_lower_gi_stage_episodes(51), "stool_episodes_per_day", "0 to 50"),
        (lambda: magic_grade(5, 0, 0, 0), "skin_stage", "0 to 4"),
        (lambda: magic_grade(0, 0, 2, 0), "upper_gi_stage", "0 to 1"),
        (lambda: nih_cgvhd_severity({"skin": 4}), "skin", "0 to 3"),
        (lambda: nih_lung_fev1_score(250), "fev1_percent", "0 to 200"),
    ],
    ids=[
        "bili-high",
        "bili-neg",
        "umol-high",
        "bsa-high",
        "bsa-neg",
        "stool-high",
        "episodes-high",
        "skin-stage-5",
        "upper-gi-2",
        "nih-4",
        "fev1-high",
    ],
)
def test_out_of_range_refused_with_range(call: object, field: str, range_text: str) -> None:
    assert callable(call)
    with pytest.raises(ValidationError) as err:
        call()
    assert err.value.field == field
    assert range_text in str(err.value)


@pytest.mark.parametrize("bad", [float("nan"), True, "3", None])
def test_non_numbers_refused(bad: object) -> None:
    with pytest.raises(ValidationError, match="0 to 50 mg/dL"):
        magic_liver_stage(bad)  # type: ignore[arg-type]


def test_unknown_bilirubin_unit_refused() -> None:
    with pytest.raises(ValidationError) as err:
        bilirubin_mg_dl(2.0, "mmol/L")
    assert err.value.field == "bilirubin_unit"


# --- rich MAGIC assessment from raw values --------------------------------------------


def test_assessment_carries_criteria_inputs_and_rule() -> None:
    r = magic_assessment(
        skin_bsa_percent=30,
        bilirubin=4.2,
        stool_ml_per_day=800,
        weight_kg=70,
        upper_gi_persistent=True,
    )
    assert isinstance(r, GradeResult)
    assert (r.value, r.label) == (3, "III")
    assert r.criteria == "MAGIC acute GVHD"
    assert "2016" in r.version
    assert dict(r.components) == {"skin": 2, "liver": 2, "upper_gi": 1, "lower_gi": 1}
    assert r.inputs["bilirubin_mg_dl"] == 4.2
    assert "liver stage 2" in r.deciding_rule
    assert r.rank == 3
    assert not r.needs_confirmation


def test_volume_and_episodes_disagree_higher_shown_and_flagged() -> None:
    r = magic_assessment(
        skin_bsa_percent=0,
        bilirubin=0.5,
        stool_ml_per_day=600,
        stool_episodes_per_day=8,
        weight_kg=80,
    )
    assert r.components["lower_gi"] == 3
    assert r.value == 3
    assert r.needs_confirmation
    assert any("volume suggests lower GI stage 1" in n and "stage 3" in n for n in r.notes)


def test_volume_and_episodes_agree_no_flag() -> None:
    r = magic_assessment(
        skin_bsa_percent=0,
        bilirubin=0.5,
        stool_ml_per_day=1200,
        stool_episodes_per_day=6,
        weight_kg=80,
    )
    assert r.components["lower_gi"] == 2
    assert not r.needs_confirmation


def test_paediatric_thresholds_by_weight() -> None:
    # 20 kg child, 500 mL/day = 25 mL/kg/day -> stage 2 (adult would be stage 1)
    r = magic_assessment(skin_bsa_percent=0, bilirubin=0.3, stool_ml_per_day=500, weight_kg=20)
    assert r.components["lower_gi"] == 2
    assert any("Paediatric" in n for n in r.notes)
    # exactly 50 kg is still paediatric ("adult values for patients > 50 kg")
    r50 = magic_assessment(skin_bsa_percent=0, bilirubin=0.3, stool_ml_per_day=500, weight_kg=50)
    assert r50.components["lower_gi"] == 1  # 10 mL/kg/day
    r51 = magic_assessment(skin_bsa_percent=0, bilirubin=0.3, stool_ml_per_day=500, weight_kg=51)
    assert r51.components["lower_gi"] == 1  # adult 500 mL
    assert not any("Paediatric" in n for n in r51.notes)


def test_paediatric_episodes() -> None:
    r = magic_assessment(skin_bsa_percent=0, bilirubin=0.3, stool_episodes_per_day=4, weight_kg=30)
    assert r.components["lower_gi"] == 1
    r_adult = magic_assessment(skin_bsa_percent=0, bilirubin=0.3, stool_episodes_per_day=4)
    assert r_adult.components["lower_gi"] == 1
    r_adult3 = magic_assessment(skin_bsa_percent=0, bilirubin=0.3, stool_episodes_per_day=3)
    r_child3 = magic_assessment(
        skin_bsa_percent=0, bilirubin=0.3, stool_episodes_per_day=3, weight_kg=30
    )
    assert (r_adult3.components["lower_gi"], r_child3.components["lower_gi"]) == (1, 0)


def test_bloody_stool_in_assessment_is_grade_iv() -> None:
    r = magic_assessment(
        skin_bsa_percent=0, bilirubin=0.3, stool_ml_per_day=400, grossly_bloody_stool=True
    )
    assert r.components["lower_gi"] == 4
    assert r.value == 4
    assert r.deciding_rule.startswith("Grade IV")


def test_bullae_without_erythroderma_noted() -> None:
    r = magic_assessment(skin_bsa_percent=40, bilirubin=0.3, bullae_desquamation=True)
    assert r.components["skin"] == 2
    assert any("erythroderma" in n for n in r.notes)


def test_assessment_refuses_bad_stool_even_with_bloody_flag() -> None:
    with pytest.raises(ValidationError, match="10,000 mL/day"):
        magic_assessment(
            skin_bsa_percent=0, bilirubin=0.3, stool_ml_per_day=20_000, grossly_bloody_stool=True
        )


def test_grade_from_clinician_stages() -> None:
    r = magic_grade_assessment(0, 0, 1, 0)
    assert (r.value, r.label) == (2, "II")
    assert "upper GI stage 1" in r.deciding_rule
    assert magic_grade_assessment(0, 0, 0, 0).deciding_rule.startswith("Grade 0")


def test_result_is_immutable_and_serialisable() -> None:
    r = magic_assessment(skin_bsa_percent=10, bilirubin=0.3)
    with pytest.raises(TypeError):
        r.inputs["bilirubin_mg_dl"] = 9  # type: ignore[index]
    data = r.as_dict()
    assert json.loads(json.dumps(data))["label"] == "I"
    text = r.explain()
    assert "MAGIC acute GVHD" in text and "Rule: Grade I" in text


def test_as_dict_converts_dates() -> None:
    r = GradeResult(
        value=True,
        label="yes",
        criteria="c",
        version="v",
        inputs={"day0": dt.date(2025, 3, 10), "nested": {"x": [1, 2]}},
        deciding_rule="r",
    )
    assert r.as_dict()["inputs"] == {"day0": "2025-03-10", "nested": {"x": [1, 2]}}
    assert r.rank is None  # bool values have no rank


# --- monotonicity (hypothesis) ----------------------------------------------------------

stage04 = st.integers(0, 4)
stage01 = st.integers(0, 1)


@given(skin=stage04, liver=stage04, upper=stage01, lower=stage04, organ=st.integers(0, 3))
def test_grade_never_decreases_when_a_stage_increases(
    skin: int, liver: int, upper: int, lower: int, organ: int
) -> None:
    stages = [skin, liver, upper, lower]
    top = 1 if organ == 2 else 4
    if stages[organ] == top:
        return
    higher = list(stages)
    higher[organ] += 1
    assert magic_grade(*higher) >= magic_grade(*stages)


@given(
    bsa=st.floats(0, 100),
    bili=st.floats(0, 50),
    ml=st.floats(0, 10_000),
    d_bsa=st.floats(0, 100),
    d_bili=st.floats(0, 50),
    d_ml=st.floats(0, 10_000),
    upper=st.booleans(),
)
def test_grade_from_raw_values_monotonic(
    bsa: float, bili: float, ml: float, d_bsa: float, d_bili: float, d_ml: float, upper: bool
) -> None:
    def grade(b: float, li: float, m: float) -> int:
        r = magic_assessment(
            skin_bsa_percent=b, bilirubin=li, stool_ml_per_day=m, upper_gi_persistent=upper
        )
        assert isinstance(r.value, int)
        return r.value

    base = grade(bsa, bili, ml)
    assert (
        grade(min(100.0, bsa + d_bsa), min(50.0, bili + d_bili), min(10_000.0, ml + d_ml)) >= base
    )


@given(
    st.dictionaries(
        st.sampled_from(["skin", "mouth", "eyes", "gi", "liver", "lungs", "joints", "genital"]),
        st.integers(0, 3),
    ),
    st.sampled_from(["skin", "mouth", "eyes", "gi", "liver", "lungs", "joints", "genital"]),
)
def test_nih_severity_never_decreases(scores: dict[str, int], organ: str) -> None:
    order = ["none", "mild", "moderate", "severe"]
    if scores.get(organ, 0) == 3:
        return
    higher = dict(scores)
    higher[organ] = scores.get(organ, 0) + 1
    assert order.index(nih_cgvhd_severity(higher)) >= order.index(nih_cgvhd_severity(scores))


# --- NIH 2014 chronic GVHD global severity ----------------------------------------------


@pytest.mark.parametrize(
    ("scores", "fev1", "expected"),
    [
        ({"skin": 1, "mouth": 1}, 0, "mild"),
        ({"skin": 1, "mouth": 1, "eyes": 1}, None, "moderate"),
        ({}, 1, "moderate"),
        ({"eyes": 2}, None, "moderate"),
        ({}, 2, "severe"),
        ({"joints": 3, "skin": 1}, None, "severe"),
    ],
    ids=[
        "two-organs-1->mild",
        "three-organs-1->moderate",
        "lung1->moderate",
        "eyes2->moderate",
        "lung2->severe",
        "joints3->severe",
    ],
)
def test_f12_examples(scores: dict[str, int], fev1: int | None, expected: str) -> None:
    r = nih_cgvhd_assessment(scores, lung_fev1_score=fev1)
    assert r.value == expected
    plain = dict(scores)
    if fev1 is not None:
        plain["lungs"] = fev1
    assert nih_cgvhd_severity(plain) == expected


def test_nih_none_and_rank() -> None:
    assert nih_cgvhd_severity({}) == "none"
    assert nih_cgvhd_severity({"skin": 0}) == "none"
    r = nih_cgvhd_assessment({"skin": 2})
    assert (r.value, r.rank, r.criteria) == ("moderate", 2, "NIH chronic GVHD global severity")
    assert "2014" in r.version


def test_nih_fev1_score_replaces_symptom_score() -> None:
    r = nih_cgvhd_assessment({"lungs": 1, "skin": 1}, lung_fev1_score=2)
    assert r.value == "severe"
    assert any("replaced by FEV1 score 2" in n for n in r.notes)
    r0 = nih_cgvhd_assessment({"lungs": 2}, lung_fev1_score=0)
    assert r0.value == "none"


def test_nih_excluded_organs_not_counted() -> None:
    r = nih_cgvhd_assessment({"liver": 3, "skin": 1}, excluded=["liver"])
    assert r.value == "mild"
    assert any("liver excluded" in n for n in r.notes)
    assert r.inputs["excluded"] == ("liver",)
    with pytest.raises(ValidationError, match="Unknown organ"):
        nih_cgvhd_assessment({}, excluded=["spleen"])


def test_nih_unknown_organ_refused() -> None:
    with pytest.raises(ValidationError, match="Unknown organ 'lung'"):
        nih_cgvhd_severity({"lung": 1})


@pytest.mark.parametrize(
    ("fev1", "score"),
    [(100, 0), (80, 0), (79.9, 1), (60, 1), (59.9, 2), (40, 2), (39.9, 3), (0, 3)],
    ids=lambda v: str(v),
)
def test_nih_lung_fev1_bands(fev1: float, score: int) -> None:
    assert nih_lung_fev1_score(fev1) == score


@pytest.mark.parametrize(
    ("bsa", "sclerosis", "score"),
    [
        (0, "none", 0),
        (18, "none", 1),
        (19, "none", 2),
        (50, "none", 2),
        (51, "none", 3),
        (5, "superficial", 2),
        (5, "deep", 3),
        (60, "superficial", 3),
    ],
    ids=lambda v: str(v),
)
def test_nih_skin_score_higher_of_bsa_and_sclerosis(bsa: float, sclerosis: str, score: int) -> None:
    assert nih_skin_score(bsa, sclerosis) == score


# --- lower GI without stool data; number formatting -------------------------------------


def test_magic_without_stool_data_says_stage_0_was_assumed() -> None:
    r = magic_assessment(skin_bsa_percent=10, bilirubin=0.5)
    assert r.components["lower_gi"] == 0
    assert "No stool volume or episodes given: lower GI stage 0 assumed." in r.notes
    pain = magic_assessment(skin_bsa_percent=0, bilirubin=0.5, severe_pain_or_ileus=True)
    assert not any("stage 0 assumed" in n for n in pain.notes)
    given_volume = magic_assessment(skin_bsa_percent=0, bilirubin=0.5, stool_ml_per_day=300)
    assert not any("stage 0 assumed" in n for n in given_volume.notes)


def test_magic_episodes_without_weight_note_adult_thresholds() -> None:
    r = magic_assessment(skin_bsa_percent=0, bilirubin=0.5, stool_episodes_per_day=5)
    assert any(n.startswith("Weight not given: adult lower-GI thresholds") for n in r.notes)
    weighed = magic_assessment(
        skin_bsa_percent=0, bilirubin=0.5, stool_episodes_per_day=5, weight_kg=70
    )
    assert not any(n.startswith("Weight not given") for n in weighed.notes)


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1e-05, "0.00001"), (-0.00002, "-0.00002"), (12000.0, "12,000"), (0.5, "0.5")],
)
def test_range_messages_never_use_exponent_notation(value: float, shown: str) -> None:
    from planner.clinical.grading import require_number

    with pytest.raises(ValidationError) as err:
        require_number("x", value, 1.0, 10.0, "mg/dL", what="Value")
    assert f"Value of {shown} mg/dL is out of range" in str(err.value)
    assert "e-0" not in str(err.value)
