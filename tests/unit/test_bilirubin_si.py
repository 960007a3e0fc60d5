"""Bilirubin in µmol/L is graded against the published µmol/L cut-offs, never converted to
mg/dL first: MAGIC liver stage (SI bands 34-50, 51-102, 103-255, >255 µmol/L), EBMT 2016
adult SOS/VOD diagnosis (>= 2 mg/dL or >= 34 µmol/L; Mohty et al., Bone Marrow Transplant
2016;51:906-912), EBMT 2016 severity (columns >= 34 and < 51, >= 51 and < 85, >= 85 and
< 136, >= 136 µmol/L) and the Spitzer engraftment-syndrome hepatic criterion (2 mg/dL,
34 µmol/L)."""

from __future__ import annotations

import pytest

from planner.clinical.grading import (
    Bilirubin,
    BilirubinCutoff,
    BilirubinUnit,
    bilirubin_mg_dl,
    given_bilirubin,
    magic_assessment,
    magic_liver_stage,
    magic_liver_stage_of,
    magic_liver_stage_umol,
)
from planner.clinical.toxicity import EngraftmentFindings, engraftment_syndrome_spitzer
from planner.clinical.vod import vod_diagnosis, vod_severity_ebmt2016
from planner.errors import ValidationError

# --- the value type -------------------------------------------------------------------


def test_bilirubin_keeps_its_unit_and_compares_in_it() -> None:
    b = Bilirubin.entered(34, "µmol/L")
    assert b.unit is BilirubinUnit.UMOL_L and b.value == 34.0
    assert b.text == "34 µmol/L"
    assert b.input_key == "bilirubin_umol_l"
    cut = BilirubinCutoff(mg_dl=2.0, umol_l=34.0)
    assert b.at_least(cut)
    # Converted, 34 µmol/L is 1.99 mg/dL and would miss the 2 mg/dL cut-off.
    assert bilirubin_mg_dl(34, "µmol/L") < 2.0
    assert not Bilirubin.entered(33.9, "umol/L").at_least(cut)
    assert b.compared(cut) == "bilirubin 34 µmol/L >= 34 µmol/L"
    assert Bilirubin.entered(1.5).compared(cut) == "bilirubin 1.5 mg/dL < 2 mg/dL"


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        (900, "µmol/L", "from 0 to 855 µmol/L"),
        (60, "mg/dL", "from 0 to 50 mg/dL"),
        (-1, "umol/L", "from 0 to 855 µmol/L"),
        ("34", "mg/dL", "must be a number from 0 to 50 mg/dL"),
    ],
    ids=["umol-high", "mg-high", "umol-negative", "text"],
)
def test_impossible_values_are_refused_in_the_unit_typed(
    value: object, unit: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as err:
        Bilirubin.entered(value, unit)
    assert err.value.field == "bilirubin"


def test_unknown_unit_and_double_or_missing_bilirubin_are_refused() -> None:
    with pytest.raises(ValidationError) as err:
        Bilirubin.entered(2, "mmol/L")
    assert err.value.field == "bilirubin_unit"
    with pytest.raises(ValidationError, match="Give the bilirubin once"):
        given_bilirubin(2.0, "mg/dL", 2.0)
    with pytest.raises(ValidationError, match="never assumed normal"):
        given_bilirubin(None, "mg/dL", None)


# --- MAGIC liver stage ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("umol", "stage"),
    [
        (0, 0),
        (33, 0),
        (33.9, 0),
        (34, 1),
        (50, 1),
        (50.5, 2),  # between printed bands: up, as 3.05 mg/dL is stage 2
        (102.5, 3),
        (51, 2),
        (102, 2),
        (103, 3),
        (255, 3),
        (256, 4),
        (855, 4),
    ],
    ids=lambda v: str(v),
)
def test_magic_liver_stage_si_boundaries(umol: float, stage: int) -> None:
    assert magic_liver_stage_umol(umol) == stage
    assert magic_liver_stage_of(Bilirubin.entered(umol, "µmol/L"))[0] == stage
    r = magic_assessment(skin_bsa_percent=0, bilirubin=umol, bilirubin_unit="µmol/L")
    assert r.components["liver"] == stage
    assert r.inputs["bilirubin_umol_l"] == umol


@pytest.mark.parametrize(
    ("mg", "stage"),
    [(1.99, 0), (2.0, 1), (3.0, 1), (3.01, 2), (6.0, 2), (6.01, 3), (15.0, 3), (15.01, 4)],
    ids=lambda v: str(v),
)
def test_magic_liver_stage_mg_dl_boundaries_unchanged(mg: float, stage: int) -> None:
    assert magic_liver_stage(mg) == stage  # the public mg/dL API
    r = magic_assessment(skin_bsa_percent=0, bilirubin=mg, bilirubin_unit="mg/dL")
    assert r.components["liver"] == stage
    assert r.inputs["bilirubin_mg_dl"] == mg


def test_magic_explanation_shows_the_value_as_entered_and_the_band_used() -> None:
    r = magic_assessment(skin_bsa_percent=0, bilirubin=34, bilirubin_unit="µmol/L")
    assert (r.value, r.components["liver"]) == (2, 1)  # grade II by liver stage 1
    assert (
        "Liver: bilirubin 34 µmol/L is in the 34-50 µmol/L band (µmol/L table): liver stage 1."
        in r.notes
    )
    mg = magic_assessment(skin_bsa_percent=0, bilirubin=3.5)
    assert any("3.5 mg/dL is in the 3.1-6 mg/dL band" in n for n in mg.notes)
    assert "bilirubin_umol_l = 34" in r.explain()


def test_the_old_converted_path_would_have_graded_the_si_table_wrongly() -> None:
    # 51 µmol/L is stage 2 in the SI table; converted (2.98 mg/dL) it is stage 1.
    assert magic_liver_stage(bilirubin_mg_dl(51, "µmol/L")) == 1
    assert magic_liver_stage_umol(51) == 2


# --- EBMT 2016 adult diagnosis ------------------------------------------------------------

CLASSICAL = {"day": 10, "hepatomegaly": True, "ruq_pain": True, "ascites": True}


@pytest.mark.parametrize(
    ("bilirubin", "unit", "met"),
    [
        (34, "µmol/L", True),
        (33.9, "µmol/L", False),
        (2.0, "mg/dL", True),
        (1.99, "mg/dL", False),
    ],
    ids=["34-umol", "33.9-umol", "2-mg", "1.99-mg"],
)
def test_ebmt_2016_diagnosis_bilirubin_boundary(bilirubin: float, unit: str, met: bool) -> None:
    r = vod_diagnosis("ebmt_2016_adult", bilirubin=bilirubin, bilirubin_unit=unit, **CLASSICAL)
    assert r.value is met
    cut = "34 µmol/L" if unit == "µmol/L" else "2 mg/dL"
    assert cut in r.deciding_rule


def test_ebmt_2016_late_onset_counts_si_bilirubin_as_a_criterion() -> None:
    r = vod_diagnosis(
        "ebmt_2016_adult",
        day=30,
        bilirubin=34,
        bilirubin_unit="µmol/L",
        ascites=True,
        imaging_evidence=True,
    )
    assert r.value is True
    assert "bilirubin 34 µmol/L >= 34 µmol/L" in r.components["criteria_met"]


def test_old_keyword_bilirubin_mg_dl_still_works() -> None:
    r = vod_diagnosis("ebmt_2016_adult", bilirubin_mg_dl=2.0, **CLASSICAL)
    assert r.value is True and r.inputs["bilirubin_mg_dl"] == 2.0


# --- EBMT 2016 severity ------------------------------------------------------------------


def _severity(bilirubin: float, unit: str, days: int = 10):  # type: ignore[no-untyped-def]
    return vod_severity_ebmt2016(
        time_since_onset_days=days,
        bilirubin=bilirubin,
        bilirubin_unit=unit,
        bilirubin_doubled_48h=False,
        transaminase_x_uln=1.0,
        weight_gain_pct=0.0,
        creatinine_x_baseline=1.0,
        mod_mof=False,
    )


@pytest.mark.parametrize(
    ("bilirubin", "unit", "column"),
    [
        (34, "µmol/L", "mild"),
        (50, "µmol/L", "mild"),
        (51, "µmol/L", "moderate"),
        (84, "µmol/L", "moderate"),
        (85, "µmol/L", "severe"),
        (135, "µmol/L", "severe"),
        (136, "µmol/L", "very severe"),
        (2.99, "mg/dL", "mild"),
        (3.0, "mg/dL", "moderate"),
        (4.99, "mg/dL", "moderate"),
        (5.0, "mg/dL", "severe"),
        (7.99, "mg/dL", "severe"),
        (8.0, "mg/dL", "very severe"),
    ],
    ids=lambda v: str(v),
)
def test_severity_bilirubin_column_boundaries(bilirubin: float, unit: str, column: str) -> None:
    r = _severity(bilirubin, unit)
    assert r.components["levels"]["bilirubin"] == column
    assert r.notes[0].startswith(f"Bilirubin {bilirubin:g} {unit}: {column} column")


def test_severity_85_umol_is_severe_not_moderate() -> None:
    # With onset <= 4 days (severe column), the bilirubin decides: 85 µmol/L is in the
    # severe column (>= 85 and < 136), 84 in the moderate one.
    assert _severity(85, "µmol/L", days=3).value == "severe"
    assert _severity(84, "µmol/L", days=3).value == "moderate"
    assert _severity(5.0, "mg/dL", days=3).value == "severe"
    note = _severity(85, "µmol/L", days=3).notes[0]
    assert note == "Bilirubin 85 µmol/L: severe column (>= 85 µmol/L and < 136 µmol/L)."


# --- engraftment syndrome (Spitzer 2001) --------------------------------------------------


def _spitzer(bilirubin: float, unit: str):  # type: ignore[no-untyped-def]
    return engraftment_syndrome_spitzer(
        EngraftmentFindings(
            hours_after_engraftment=24,
            max_temp_c=38.5,
            rash_bsa_percent=30,
            bilirubin=bilirubin,
            bilirubin_unit=unit,
            transaminase_x_uln=1.0,
            creatinine_x_baseline=1.0,
            weight_gain_pct=0.0,
        )
    )


@pytest.mark.parametrize(
    ("bilirubin", "unit", "hepatic"),
    [(34, "µmol/L", True), (33.9, "µmol/L", False), (2.0, "mg/dL", True), (1.99, "mg/dL", False)],
    ids=lambda v: str(v),
)
def test_spitzer_hepatic_criterion_in_both_units(
    bilirubin: float, unit: str, hepatic: bool
) -> None:
    r = _spitzer(bilirubin, unit)
    minor = r.components["minor"]
    assert any(m.startswith("hepatic dysfunction") for m in minor) is hepatic
    assert r.value is hepatic  # 2 major criteria: the minor one decides
    si_note = any("34 µmol/L is used" in n for n in r.notes)
    assert si_note is (unit == "µmol/L")


def test_spitzer_shows_the_value_and_cut_off_when_not_met() -> None:
    r = _spitzer(20, "µmol/L")
    assert any("bilirubin 20 µmol/L < 34 µmol/L" in n for n in r.notes)
    assert r.inputs["bilirubin_umol_l"] == 20


def test_engraftment_findings_need_the_bilirubin() -> None:
    with pytest.raises(ValidationError, match="never assumed normal"):
        EngraftmentFindings(
            hours_after_engraftment=24,
            rash_bsa_percent=0,
            transaminase_x_uln=1.0,
            creatinine_x_baseline=1.0,
            weight_gain_pct=0.0,
        )
