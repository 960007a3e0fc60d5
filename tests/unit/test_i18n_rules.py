"""The plan rules, dose lines, engraftment and harvest texts in the interface's language:
Spanish where the Plan checks tab, tooltips and dialogs show them, English in an
``english()`` block (team documents) and in what is stored with a step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest

from planner.clinical.dosing import compute_dose, format_dose, plerixafor_dose
from planner.clinical.engraftment import (
    graft_failure_flag,
    neutrophil_engraftment,
    override,
)
from planner.clinical.harvest import cd34_dose, target_met_on
from planner.clinical.plan_rules.checks import apply_conditions, plan_checks
from planner.clinical.plan_rules.clashes import combination_clashes, refuse_clashes
from planner.clinical.plan_rules.facts import PatientFacts
from planner.clinical.step_doses import plan_dose_line
from planner.domain import i18n
from planner.domain.plans import Plan, StepStatus, instantiate_many
from planner.domain.templates import DoseBasis, DoseRule, load_protocols
from planner.errors import ValidationError

DAY0 = dt.date(2027, 2, 1)
PROTOCOLS = load_protocols()
ALLO = ("flu-bu4-allo", "ciclosporin-methotrexate-gvhd", "supportive-care-allo")


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.set_language("es")
    yield
    i18n.set_language("en")


def plan_of(*ids: str) -> Plan:
    return instantiate_many([PROTOCOLS[i] for i in ids], DAY0)


def adult(**kw: object) -> PatientFacts:
    base: dict[str, object] = {
        "weight_kg": 70.0,
        "height_cm": 170.0,
        "sex": "male",
        "age_years": 50.0,
        "creatinine_mg_dl": 0.9,
    }
    base.update(kw)
    return PatientFacts(**base)  # type: ignore[arg-type]


def test_a_step_to_confirm_is_spanish_in_the_plan_checks_tab(spanish: None) -> None:
    facts = adult(recipient_cmv=None, hbsag="negative", anti_hbc="negative")
    found = [
        f for f in plan_checks(plan_of(*ALLO), facts) if f.rule.id == "letermovir-cmv-seropositive"
    ]
    assert found
    assert "es para pacientes con" in found[0].text and "pendiente de confirmar" in found[0].text
    assert " Regla letermovir-cmv-seropositive: " in found[0].sentence
    assert "Fuente: " in found[0].sentence
    with i18n.english():  # the team summary prints it in English
        again = [f for f in plan_checks(plan_of(*ALLO), facts) if f.rule.id == found[0].rule.id]
        sentence = again[0].sentence  # made when read: inside the block
    assert "is for patients with" in again[0].text and " Rule " in sentence


def test_a_clash_refusal_is_spanish_and_keeps_the_rule_id(spanish: None) -> None:
    with pytest.raises(ValidationError) as err:
        refuse_clashes([PROTOCOLS["haplo-flu-cy-tbi-ptcy"], PROTOCOLS["ptcy-tacrolimus-mmf-gvhd"]])
    text = str(err.value)
    assert "Estas plantillas no pueden combinarse (regla " in text and "Fuente:" in text
    assert "incompatibilidades más en esta elección" in text
    assert "cannot go together" not in text


def test_two_templates_of_one_slot_name_the_slot_in_spanish(spanish: None) -> None:
    found = combination_clashes([PROTOCOLS["flu-bu4-allo"], PROTOCOLS["bucy2-allo"]])
    texts = [f.text for f in found]
    assert "Dos plantillas de acondicionamiento: flu-bu4-allo y bucy2-allo." in texts
    assert any(t.endswith(": el fármaco se administraría dos veces.") for t in texts)
    with i18n.english():
        english = [
            f.text
            for f in combination_clashes([PROTOCOLS["flu-bu4-allo"], PROTOCOLS["bucy2-allo"]])
        ]
    assert any(t.startswith("Two conditioning templates: ") for t in english)


def test_a_step_cancelled_by_its_condition_keeps_an_english_reason(spanish: None) -> None:
    facts = adult(recipient_cmv="negative", hbsag="negative", anti_hbc="negative")
    step = apply_conditions(plan_of(*ALLO), facts).step("supportive-care-allo/letermovir")
    assert step.status is StepStatus.CANCELLED
    # Stored with the step and compared when the value changes: never translated.
    assert step.status_reason.startswith("Not indicated (rule letermovir-cmv-seropositive)")


def test_a_dose_line_without_creatinine_says_why_in_spanish(spanish: None) -> None:
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    step = plan.step("gcsf-plerixafor-mobilisation-auto/plerixafor")
    line = plan_dose_line(step, plan, adult(creatinine_mg_dl=None), DAY0)
    assert line is not None and not line.computed
    assert line.text == "0.24 mg/kg SC"  # the order and route abbreviation unchanged
    assert "No calculada: la dosis de plerixafor depende de la función renal" in line.explanation
    assert "Faltan: creatinina sérica." in line.explanation


def test_a_renal_dose_explanation_names_the_clearance_in_spanish(spanish: None) -> None:
    plan = plan_of("gcsf-plerixafor-mobilisation-auto")
    step = plan.step("gcsf-plerixafor-mobilisation-auto/plerixafor")
    facts = PatientFacts(weight_kg=70, sex="female", age_years=72, creatinine_mg_dl=1.6056)
    line = plan_dose_line(step, plan, facts, DAY0)
    assert line is not None and line.text.startswith("11.2 mg (0.16 mg/kg)")  # ISMP display
    assert "CrCl 35 mL/min (Cockcroft-Gault: edad 72, peso real 70 kg, mujer," in line.explanation
    assert "peso real 70 kg" in line.explanation and "pesado" not in line.text


def test_a_computed_dose_explains_itself_in_spanish(spanish: None) -> None:
    rule = DoseRule(amount=200, unit="mg", per=DoseBasis.PER_M2)
    result = compute_dose(
        rule, height_cm=170, weight_kg=70, sex="male", weight_date=dt.date(2027, 1, 20)
    )
    assert "(SC Mosteller con talla 170 cm y peso real 70 kg, pesado el 2027-01-20)" in (
        result.explanation
    )
    with i18n.english():
        english = compute_dose(
            rule, height_cm=170, weight_kg=70, sex="male", weight_date=dt.date(2027, 1, 20)
        )
    assert "(BSA Mosteller from height 170 cm and actual weight 70 kg, weighed 2027-01-20)" in (
        english.explanation
    )


def test_dose_refusals_and_unit_words_are_spanish(spanish: None) -> None:
    with pytest.raises(ValidationError) as err:
        compute_dose(
            DoseRule(amount=1, unit="mg", per=DoseBasis.PER_KG),
            height_cm=170,
            weight_kg=None,
            sex="male",
        )
    assert "Falta el peso; la dosis de 1 mg/kg necesita el peso del paciente." in str(err.value)
    with pytest.raises(ValidationError) as err:
        compute_dose(
            DoseRule(amount=1, unit="mg", per=DoseBasis.PER_KG),
            height_cm=170,
            weight_kg=900,
            sex="male",
        )
    assert "Peso: 900 kg no es un valor plausible; introduzca un número de 1 a 350 kg." in str(
        err.value
    )
    # ISMP: "units" spelled out, in the reader's language; numbers and symbols unchanged.
    assert format_dose(10000, "U") == "10,000 unidades"
    assert format_dose(1, "units") == "1 unidad"
    assert format_dose(300, "µg") == "300 mcg"
    warning = plerixafor_dose(70, 80, None).warnings[0]
    assert warning.startswith("No se indicó el peso ideal")


def test_the_engraftment_explanation_is_spanish_on_the_counts_tab(spanish: None) -> None:
    days = [DAY0 + dt.timedelta(days=n) for n in range(0, 16, 3)]
    anc = pd.Series([2.0, 0.1, 0.05, 0.6, 0.8, 1.1], index=days)
    result = neutrophil_engraftment(anc, day0=DAY0)
    assert result.status == "engrafted"  # the status stays a key
    text = result.explanation()
    assert text.startswith("Injerto de neutrófilos (>= 0.5 x10^9/L): 2027-02-10.")
    assert "Valores decisivos: " in text and "Regla: CIBMTR/ASTCT 2021: primero de 3" in text
    changed = override(result, dt.date(2027, 2, 13), "diferencial manual", "Dra. Ruiz")
    assert changed.rule == "Ajuste manual del médico Dra. Ruiz: diferencial manual"
    assert changed.notes[0].startswith("Calculado: injertado el 2027-02-10 (")


def test_the_graft_failure_watch_is_spanish(spanish: None) -> None:
    flag = graft_failure_flag(None, "cord", 29)
    assert flag is not None and flag.level == "watch"
    assert flag.message.startswith("Día +29 sin injerto de neutrófilos: vigilar")
    assert "sangre de cordón" in flag.message


def test_harvest_refusals_are_spanish(spanish: None) -> None:
    with pytest.raises(ValidationError) as err:
        cd34_dose(1500, 0, 75)
    assert str(err.value).endswith(
        "El volumen del producto debe ser mayor que 0; introduzca hasta 5000 mL."
    )
    with pytest.raises(ValidationError) as err:
        target_met_on([2.0, -1.0], 5)
    assert "Rendimiento de la aféresis 2: -1 x10^6/kg no es un valor plausible" in str(err.value)
