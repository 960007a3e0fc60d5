"""Plan-rule titles and texts and checklist titles, items and sections in Spanish where
they are shown (finding sentences, dose explanations, clash refusals, checklist warnings
and board alerts); English by default, and what is stored or compared stays English."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from planner.app.demo import build_demo_clinic
from planner.clinical.plan_rules.catalogue import load_catalogue
from planner.clinical.plan_rules.checks import split_course
from planner.clinical.plan_rules.clashes import refuse_clashes
from planner.clinical.plan_rules.facts import PatientFacts
from planner.clinical.step_doses import plan_dose_line
from planner.domain import i18n
from planner.domain.plans import Plan, instantiate_many, mark_done
from planner.errors import ValidationError
from planner.protocols import load_protocols
from planner.records.checklists import (
    checklist_alerts,
    checklist_view,
    checklists_to_body,
    expiry_alerts,
    load_checklists,
    tick_item,
)
from planner.records.ports import ClinicalRecord
from tools import extract_messages

LOCALE = Path(__file__).resolve().parents[2] / "resources" / "locale" / "es"
DAY0 = dt.date(2027, 2, 1)
TODAY = dt.date(2026, 3, 10)
PROTOCOLS = load_protocols()


@pytest.fixture
def spanish():
    """The planner's texts in Spanish for one test; English again after it."""
    assert i18n.set_language("es") == "es"
    yield
    i18n.set_language("en")


def _plan(*ids: str) -> Plan:
    return instantiate_many([PROTOCOLS[i] for i in ids], DAY0)


def _explanation(plan: Plan, step_id: str, facts: PatientFacts) -> str:
    step = plan.step(step_id)
    line = plan_dose_line(step, plan, facts, plan.planned_date(step, step.days[0]))
    assert line is not None
    return line.explanation


def _translations(name: str) -> dict[str, str]:
    with (LOCALE / name).open("rb") as stream:
        return {m.id: m.string for m in read_po(stream, locale="es") if m.id}


# --- catalogues -----------------------------------------------------------------------


def test_the_two_data_catalogues_are_current() -> None:
    parts = ["--part", "data-rules", "--part", "data-checklists"]
    assert extract_messages.main(["--check", *parts]) == 0


def test_every_shown_rule_text_has_a_spanish_translation() -> None:
    found = _translations("data-rules.po")
    shown = []
    for rule in load_catalogue().rules.values():
        shown.append(rule.title)
        shown += [rule.text(k) for k in ("text", "withhold") if rule.text(k)]
    assert shown
    for text in shown:
        assert found.get(text), text
        assert found[text] != text, text  # every rule text reads differently in Spanish


def test_every_shown_checklist_text_has_a_spanish_translation() -> None:
    found = _translations("data-checklists.po")
    for template in load_checklists().values():
        assert found.get(template.title), template.title
        for item in template.items:
            for text in (item.title, item.short, item.section):
                assert not text or found.get(text), (template.id, item.id, text)
    # The short name of an item is in the catalogue even where it differs from the title.
    assert found["IDM tests"] == "Marcadores infecciosos"


# --- plan rules -----------------------------------------------------------------------


def _split_finding():
    plan = _plan("flu-bu4-allo")
    started = mark_done(
        plan, "flu-bu4-allo/fludarabine", -5, DAY0 - dt.timedelta(days=5), by="nurse", at="t"
    )
    finding = split_course(started)
    assert finding is not None
    return finding


def test_a_finding_sentence_names_its_rule_title_in_spanish(spanish) -> None:
    finding = _split_finding()
    assert "Mover el día 0 no debe partir un acondicionamiento ya iniciado" in finding.sentence
    assert "Moving Day 0 must not split" not in finding.sentence
    assert finding.rule.title.startswith("Moving Day 0")  # the rule itself stays English
    assert finding.rule.source in finding.sentence  # published sources stay as written


def test_a_finding_sentence_is_english_by_default() -> None:
    finding = _split_finding()
    assert "Moving Day 0 must not split a conditioning course already started" in finding.sentence


def test_a_finding_sentence_in_a_team_document_stays_english(spanish) -> None:
    finding = _split_finding()
    with i18n.english():
        sentence = finding.sentence
    assert "Moving Day 0 must not split" in sentence and "Mover" not in sentence


def test_the_withheld_fludarabine_dose_says_why_in_spanish(spanish) -> None:
    plan = _plan("haplo-flu-cy-tbi-ptcy")
    facts = PatientFacts(
        height_cm=180, age_years=50, weight_kg=120, sex="male", creatinine_mg_dl=5.01
    )
    text = _explanation(plan, "haplo-flu-cy-tbi-ptcy/fludarabine", facts)
    assert "La ficha técnica no recomienda la fludarabina inyectable" in text
    assert "team decides" not in text


def test_the_melphalan_creatinine_flag_is_in_spanish(spanish) -> None:
    facts = PatientFacts(
        weight_kg=70, height_cm=170, sex="male", age_years=50, creatinine_mg_dl=2.01
    )
    text = _explanation(_plan("mel200-auto"), "mel200-auto/melphalan", facts)
    assert "Creatinina sérica superior a 2 mg/dL: valorar melfalán 140 mg/m2" in text


def test_a_dose_not_computed_names_the_renal_rule_titles_in_spanish(spanish) -> None:
    facts = PatientFacts(weight_kg=70, height_cm=170, sex="male", age_years=50)
    plan = _plan("gcsf-plerixafor-mobilisation-auto")
    text = _explanation(plan, "gcsf-plerixafor-mobilisation-auto/plerixafor", facts)
    assert "Plerixafor 0.16 mg/kg (máximo 27 mg) si el aclaramiento de creatinina" in text


def test_the_rule_texts_in_dose_explanations_are_english_by_default() -> None:
    facts = PatientFacts(
        weight_kg=70, height_cm=170, sex="male", age_years=50, creatinine_mg_dl=2.01
    )
    text = _explanation(_plan("mel200-auto"), "mel200-auto/melphalan", facts)
    assert "Serum creatinine above 2 mg/dL: consider melphalan 140 mg/m2" in text


def test_a_clash_refusal_names_the_rule_title_in_spanish(spanish) -> None:
    with pytest.raises(ValidationError) as err:
        refuse_clashes(
            [PROTOCOLS["haplo-flu-cy-tbi-ptcy"], PROTOCOLS["ciclosporin-methotrexate-gvhd"]]
        )
    assert "El mismo fármaco (o dos productos de una misma clase de fármacos)" in str(err.value)


# --- checklists -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def autologous_plan() -> Plan:
    clinic = {p.mrn: pl for p, _t, pl in build_demo_clinic(TODAY)}
    return clinic["DEMO-0001"]  # autologous, collection on 21 Mar 2026


def _idm_done(on: dt.date):
    workup = load_checklists()["pre-transplant-workup"]
    state = tick_item(
        workup, None, "idm", done=True, date=on, by="rp", at="x", note="", today=TODAY
    )
    return workup, state


def test_an_expiry_warning_and_its_board_alert_are_in_spanish(spanish, autologous_plan) -> None:
    workup, state = _idm_done(dt.date(2026, 2, 16))
    view = checklist_view(workup, state, autologous_plan, TODAY, "autologous")
    warning = "Marcadores infecciosos: caduca 3 días antes de la recolección prevista"
    assert view.warnings == (warning,)
    assert expiry_alerts({workup.id: workup}, {workup.id: state}, autologous_plan, TODAY) == [
        warning
    ]
    record = ClinicalRecord(
        autologous_plan.transplant_id, "checklists", checklists_to_body({workup.id: state})
    )
    alerts = checklist_alerts(
        [record],
        [autologous_plan],
        TODAY,
        {workup.id: workup},
        {record.transplant_id: "autologous"},
    )
    assert alerts == {autologous_plan.transplant_id: [warning]}


def test_an_expiry_warning_is_english_by_default(autologous_plan) -> None:
    workup, state = _idm_done(dt.date(2026, 2, 16))
    view = checklist_view(workup, state, autologous_plan, TODAY, "autologous")
    assert view.warnings == ("IDM tests expire 3 days before the planned collection",)


def test_what_is_stored_of_a_tick_stays_the_same_in_spanish(spanish) -> None:
    _, state = _idm_done(dt.date(2026, 2, 16))
    body = checklists_to_body({"pre-transplant-workup": state})
    i18n.set_language("en")
    _, english_state = _idm_done(dt.date(2026, 2, 16))
    assert body == checklists_to_body({"pre-transplant-workup": english_state})


def test_a_missing_item_is_refused_with_the_checklist_title_in_spanish(spanish) -> None:
    workup = load_checklists()["pre-transplant-workup"]
    with pytest.raises(ValidationError) as err:
        workup.item("no-such-item")
    assert "Estudio pretrasplante" in str(err.value)
    assert workup.title == "Pre-transplant work-up"  # the template itself stays English
