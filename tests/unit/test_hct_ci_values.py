"""HCT-CI items derived from measured values (Sorror et al., Blood 2005;106:2912-2919:
DLco and/or FEV1 66-80% moderate pulmonary 2, <= 65% severe pulmonary 3; serum creatinine
> 2 mg/dL renal 2; bilirubin > ULN to 1.5 x ULN or AST/ALT > ULN to 2.5 x ULN mild hepatic 1,
above that moderate/severe hepatic 3; BMI > 35 kg/m2 obesity 1) and the risk groups of the
HCT-CI (0 low, 1-2 intermediate, >= 3 high) and of the HCT-CI/age (age >= 40 adds 1 point;
groups 0-2, 3-4, >= 5: Sorror et al., J Clin Oncol 2014;32:3249-3256)."""

from __future__ import annotations

import pytest

from planner.clinical.calculators.registry import calculator
from planner.clinical.eligibility import hct_ci, hct_ci_age_group
from planner.errors import ValidationError


@pytest.mark.parametrize(
    ("fev1", "item", "score"),
    [
        (81, None, 0),
        (80, "pulmonary_moderate", 2),
        (66, "pulmonary_moderate", 2),
        (65.5, "pulmonary_moderate", 2),
        (65, "pulmonary_severe", 3),
        (30, "pulmonary_severe", 3),
    ],
    ids=lambda v: str(v),
)
def test_fev1_boundaries(fev1: float, item: str | None, score: int) -> None:
    r = hct_ci(set(), 30, fev1_percent=fev1)
    assert r.value == score
    assert set(r.components["derived"]) == (set() if item is None else {item})
    if item is not None:
        assert f"FEV1 {fev1:g}%" in r.components["derived"][item]
        assert f"FEV1 {fev1:g}%" in r.deciding_rule


def test_dlco_counts_and_the_worse_of_fev1_and_dlco_wins() -> None:
    assert hct_ci(set(), 30, dlco_percent=70).components["counted"] == ("pulmonary_moderate",)
    r = hct_ci(set(), 30, fev1_percent=75, dlco_percent=60)
    assert r.components["counted"] == ("pulmonary_severe",)
    assert r.value == 3
    assert "DLCO 60% <= 65%" in r.components["derived"]["pulmonary_severe"]


@pytest.mark.parametrize(
    ("creatinine", "score"), [(2.0, 0), (2.01, 2), (4.5, 2)], ids=lambda v: str(v)
)
def test_creatinine_boundary(creatinine: float, score: int) -> None:
    r = hct_ci(set(), 30, creatinine_mg_dl=creatinine)
    assert r.value == score
    if score:
        assert r.components["derived"]["renal"] == f"creatinine {creatinine:g} mg/dL > 2 mg/dL"


@pytest.mark.parametrize(
    ("bilirubin", "transaminase", "item"),
    [
        (1.0, 1.0, None),
        (1.01, None, "hepatic_mild"),
        (1.5, None, "hepatic_mild"),
        (1.51, None, "hepatic_moderate_severe"),
        (None, 2.5, "hepatic_mild"),
        (None, 2.51, "hepatic_moderate_severe"),
        (1.2, 3.0, "hepatic_moderate_severe"),
    ],
    ids=["normal", "bili-1.01", "bili-1.5", "bili-1.51", "ast-2.5", "ast-2.51", "both"],
)
def test_hepatic_boundaries(
    bilirubin: float | None, transaminase: float | None, item: str | None
) -> None:
    r = hct_ci(set(), 30, bilirubin_x_uln=bilirubin, ast_alt_x_uln=transaminase)
    assert r.components["counted"] == (() if item is None else (item,))


@pytest.mark.parametrize(
    ("height", "weight", "obese"),
    [(200, 140, False), (200, 140.4, True), (170, 110, True), (170, 90, False)],
    ids=["bmi-35", "bmi-35.1", "bmi-38.1", "bmi-31.1"],
)
def test_obesity_from_height_and_weight(height: float, weight: float, obese: bool) -> None:
    r = hct_ci(set(), 50, height_cm=height, weight_kg=weight)
    assert ("obesity" in r.components["counted"]) is obese
    bmi = round(weight / (height / 100) ** 2, 1)
    assert r.inputs["bmi_kg_m2"] == bmi
    if obese:
        assert r.components["derived"]["obesity"] == f"BMI {bmi:g} kg/m2 > 35 kg/m2"


def test_obesity_not_derived_for_children_or_without_both_measures() -> None:
    child = hct_ci(set(), 12, height_cm=150, weight_kg=90)
    assert "obesity" not in child.components["counted"]
    assert any("not used under 18 years" in n for n in child.notes)
    half = hct_ci(set(), 50, height_cm=170)
    assert any("needs both height and weight" in n for n in half.notes)


def test_ticked_items_still_count_and_a_pair_counts_once_at_the_higher_weight() -> None:
    ticked = hct_ci({"pulmonary_moderate"}, 30)
    assert ticked.value == 2
    # Ticked moderate, FEV1 60% derives severe: only severe (3) counts.
    both = hct_ci({"pulmonary_moderate", "diabetes"}, 30, fev1_percent=60)
    assert both.components["counted"] == ("diabetes", "pulmonary_severe")
    assert both.value == 4
    # Ticked and derived: counted once, both reasons shown.
    twice = hct_ci({"renal"}, 30, creatinine_mg_dl=3)
    assert twice.value == 2
    assert "renal 2 (ticked, creatinine 3 mg/dL > 2 mg/dL)" in twice.deciding_rule


@pytest.mark.parametrize(
    ("items", "age", "label"),
    [
        ((), 39, "0 (low); HCT-CI/age 0 (group 0-2)"),
        ((), 40, "0 (low); HCT-CI/age 1 (group 0-2)"),
        (("diabetes", "obesity"), 40, "2 (intermediate); HCT-CI/age 3 (group 3-4)"),
        (("prior_solid_tumour",), 39, "3 (high); HCT-CI/age 3 (group 3-4)"),
        (("prior_solid_tumour", "diabetes"), 62, "4 (high); HCT-CI/age 5 (group 5 or more)"),
    ],
)
def test_risk_groups_of_both_scores(items: tuple[str, ...], age: float, label: str) -> None:
    r = hct_ci(set(items), age)
    assert r.label == label
    assert r.components["hct_ci_age_group"] == hct_ci_age_group(r.components["hct_ci_age"])
    assert "0 low, 1-2 intermediate, >=3 high" in r.deciding_rule
    assert "groups 0-2, 3-4, 5 or more" in r.deciding_rule


def test_measured_values_out_of_range_are_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="FEV1 of 250 % predicted") as err:
        hct_ci(set(), 30, fev1_percent=250)
    assert err.value.field == "fev1_percent"
    with pytest.raises(ValidationError, match=r"from 0\.1 to 20 mg/dL"):
        hct_ci(set(), 30, creatinine_mg_dl=0)


def test_calculator_passes_the_measured_values() -> None:
    calc = calculator("hctci")
    values: dict[str, object] = {f.name: False for f in calc.fields if f.kind == "bool"}
    values.update(
        age_years=55,
        fev1_percent=72,
        dlco_percent=None,
        creatinine_mg_dl=None,
        bilirubin_x_uln=None,
        ast_alt_x_uln=None,
        height_cm=None,
        weight_kg=None,
    )
    r = calc.compute(values)
    assert r.label == "2 (intermediate); HCT-CI/age 3 (group 3-4)"
    assert r.components["derived"]["pulmonary_moderate"] == "FEV1 72% in 66-80%"
