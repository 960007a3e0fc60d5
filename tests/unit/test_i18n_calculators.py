"""The calculators in the interface's language: dialog texts, refusals and results in
Spanish, while what is stored and compared stays English."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from planner.clinical.calculators.fields import Field, read_text
from planner.clinical.calculators.registry import CALCULATORS, COMPLICATIONS, calculator
from planner.clinical.calculators.text import describe_result
from planner.clinical.chimerism import chimerism_assessment
from planner.clinical.compatibility import abo_assessment
from planner.domain import i18n
from planner.errors import ValidationError

MAGIC_VALUES = {
    "skin_bsa_percent": 30.0,
    "bullae_desquamation": False,
    "bilirubin": 2.5,
    "bilirubin_unit": "mg/dL",
    "upper_gi_persistent": False,
    "stool_ml_per_day": None,
    "stool_episodes_per_day": None,
    "weight_kg": 70.0,
    "severe_pain_or_ileus": False,
    "grossly_bloody_stool": False,
}


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.set_language("es")
    yield
    i18n.set_language("en")


def _field(key: str, name: str) -> Field:
    return next(f for f in calculator(key).fields if f.name == name)


def test_a_dialog_shows_its_title_labels_hints_and_choices_in_spanish(spanish: None) -> None:
    magic = calculator("magic")
    assert magic.title == "EICR aguda: estadios y grado MAGIC"
    assert magic.button == "EICR aguda (&MAGIC)..."
    rash = _field("magic", "skin_bsa_percent")
    assert (rash.label, rash.hint, rash.unit) == ("&Extensión del exantema", "0-100 % SC", "% SC")
    # A hint made from the range takes the translated unit.
    assert _field("vod", "time_since_onset_days").hint == "0-365 días"
    hypotension = _field("crs", "hypotension")
    assert ("one_vasopressor", "un vasopresor") in hypotension.choices
    # A numbered choice keeps its number; its text is translated.
    assert _field("mucositis", "ctcae_grade").choices[3] == (
        "3",
        "3: dolor intenso; impide la ingesta oral",
    )
    assert _field("intensity", "components").columns[0] == "Fármaco"


def test_names_values_and_menu_sections_stay_as_the_code_compares_them(spanish: None) -> None:
    vod_dx = calculator("vod_dx_2016")
    assert vod_dx.menu == COMPLICATIONS == "Complications"
    assert [f.name for f in vod_dx.fields] == [f.name for f in CALCULATORS[3].fields]
    assert _field("crs", "oxygen").default == "none"
    # The English source table is not changed by a translated copy.
    assert CALCULATORS[0].title == "Acute GVHD: MAGIC staging and grade"


def test_a_refused_value_is_explained_in_spanish(spanish: None) -> None:
    with pytest.raises(ValidationError) as refused:
        read_text(_field("magic", "skin_bsa_percent"), "150")
    assert str(refused.value) == (
        "Extensión del exantema de 150 no es verosímil; escriba un número de 0 a 100 % SC."
    )
    with pytest.raises(ValidationError, match="no es un número"):
        read_text(_field("magic", "stool_ml_per_day"), "mucho")


def test_a_result_reads_in_spanish_and_is_stored_in_english(spanish: None) -> None:
    result = calculator("magic").compute(dict(MAGIC_VALUES))
    assert result.value == 2
    assert result.deciding_rule.startswith("Grado II: hígado en estadio 1 (piel en estadio 3")
    assert any(n.startswith("Hígado: bilirrubina 2.5 mg/dL") for n in result.notes)
    stored = result.as_dict()
    assert stored["deciding_rule"] == result.recorded().deciding_rule
    assert str(stored["deciding_rule"]).startswith("Grade II:")
    assert stored["criteria"] == result.criteria == "MAGIC acute GVHD"
    text = describe_result(result)
    assert "\nRegla: Grado II" in text
    # Input names and yes/no read in Spanish too.
    assert "\nDatos: piel % SC 30; ampollas descamación no; bilirrubina mg/dL 2.5;" in text


def test_vod_severity_label_in_spanish_value_in_english(spanish: None) -> None:
    result = calculator("vod").compute(
        {
            "time_since_onset_days": 3,
            "bilirubin": 6.0,
            "bilirubin_unit": "mg/dL",
            "bilirubin_doubled_48h": False,
            "transaminase_x_uln": 1.0,
            "weight_gain_pct": 2.0,
            "creatinine_x_baseline": 1.0,
            "mod_mof": False,
            "n_risk_factors": 0,
        }
    )
    assert (result.value, result.label) == ("severe", "grave")
    assert result.recorded().label == "severe"
    assert result.deciding_rule.startswith("Grave: 2 criterios")


def test_chimerism_and_abo_results_in_spanish(spanish: None) -> None:
    grade = chimerism_assessment(80, "t_cell", date=dt.date(2026, 3, 1))
    assert (grade.value, grade.label) == ("mixed", "quimerismo mixto")
    assert grade.deciding_rule.startswith("Linfocitos T (CD3+): 80% donante")
    abo = abo_assessment("A", "O")
    assert (abo.value, abo.label) == ("major", "mayor")


def test_english_stays_english_in_an_english_block_and_by_default(spanish: None) -> None:
    with i18n.english():
        result = calculator("magic").compute(dict(MAGIC_VALUES))
        assert calculator("magic").fields[0].label == "&Rash extent"
    assert result.english is None
    assert result.deciding_rule.startswith("Grade II: liver stage 1 (skin stage 3")
    i18n.set_language("en")
    assert calculator("crs").title == "Cytokine release syndrome: ASTCT grade"


def test_eligibility_results_and_their_refusals_in_spanish(spanish: None) -> None:
    intensity = calculator("intensity").compute(
        {"components": [("melphalan", "200", "mg/m2", "", "")], "centre_intent": "RIC"}
    )
    assert intensity.label == "MAC"
    assert intensity.deciding_rule == "MAC: melfalán 200 mg/m2 > 140."
    assert intensity.notes == (
        "La intención declarada por el centro, RIC, difiere de la calculada, MAC.",
    )
    vaccine = calculator("vaccine").compute(
        {
            "day0": dt.date(2025, 1, 10),
            "assessment_date": dt.date(2026, 3, 1),
            "on_immunosuppression": True,
            "ist_stop_date": None,
            "last_ivig_date": None,
            "active_gvhd": False,
        }
    )
    assert vaccine.label == "no apto"
    assert vaccine.deciding_rule == (
        "No apto: 24 meses tras el Día 0 (desde el 2027-01-10); aún con inmunosupresión."
    )
    with pytest.raises(ValidationError, match=r"^Fila 1: las fracciones deben ser"):
        calculator("intensity").compute(
            {"components": [("tbi", "200", "cGy", "", "1.5")], "centre_intent": "none"}
        )
