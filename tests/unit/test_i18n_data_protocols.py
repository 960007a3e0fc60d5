"""The bundled templates' titles, step titles and anchor labels in Spanish where they are
shown, while the plan, the board row and the audit keep the English text."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from babel.messages.pofile import read_po

from planner.app.board import board_row
from planner.domain import i18n
from planner.domain.assets import resource
from planner.domain.patients import Patient, Transplant, TransplantStatus
from planner.domain.plans import instantiate
from planner.domain.templates import load_protocols

DAY0 = dt.date(2026, 3, 10)  # a Tuesday


@pytest.fixture
def spanish():
    i18n.set_language("es")
    yield
    i18n.set_language("en")


def _catalogue() -> dict[str, str]:
    po = resource("locale").joinpath("es", "data-protocols.po")
    with po.open("rb") as stream:
        catalogue = read_po(stream, locale="es")
    return {m.id: m.string for m in catalogue if m.id and isinstance(m.id, str)}


def _shown_texts() -> set[str]:
    texts: set[str] = set()
    for proto in load_protocols().values():
        texts.add(proto.title)
        texts.update(step.title for step in proto.steps)
        texts.update(a.label for a in proto.anchors.values() if a.label)
    return texts


def _patient() -> Patient:
    return Patient(
        id="p1",
        mrn="000123",
        family_name="Test",
        given_name="Ana",
        date_of_birth=dt.date(1970, 5, 1),
        sex="female",
    )


def _transplant() -> Transplant:
    return Transplant(
        id="t1",
        patient_id="p1",
        transplant_type="autologous",
        graft_source="pbsc",
        day0=DAY0,
        status=TransplantStatus.ACTIVE,
    )


def test_every_shown_template_text_has_a_written_translation():
    catalogue = _catalogue()
    texts = _shown_texts()
    assert texts <= set(catalogue)
    assert [t for t in texts if not catalogue[t].strip()] == []


def test_every_template_text_reads_in_spanish(spanish):
    catalogue = _catalogue()
    for text in _shown_texts():
        assert i18n.tr(text) == catalogue[text]


# Numbers, units, day numbers and form numbers must survive the translation unchanged.
_KEPT = re.compile(r"[+-]?\d+(?:\.\d+)?|mg/m2|Gy|CD34\+|CIBMTR|\{\w+\}")


def test_translations_keep_numbers_units_and_placeholders():
    for english, spanish_text in _catalogue().items():
        assert Counter(_KEPT.findall(english)) == Counter(_KEPT.findall(spanish_text)), english


def test_clinical_wording_uses_spanish_names():
    catalogue = _catalogue()
    assert catalogue["Busulfan"] == "Busulfano"
    assert catalogue["Melphalan"] == "Melfalán"
    assert catalogue["Thiotepa"] == "Tiotepa"
    assert catalogue["Treosulfan"] == "Treosulfán"
    assert catalogue["Cyclophosphamide"] == "Ciclofosfamida"
    assert catalogue["Mycophenolate mofetil"] == "Micofenolato de mofetilo"
    assert catalogue["Total body irradiation"] == "Irradiación corporal total"
    # GVHD is EICR in Spanish; trade names stay as they are.
    gvhd = [s for e, s in catalogue.items() if "GVHD" in e]
    assert gvhd and all("EICR" in s and "GVHD" not in s for s in gvhd)
    assert "Thymoglobuline" in catalogue["Anti-thymocyte globulin (rabbit, Thymoglobuline)"]
    assert "Grafalon" in catalogue["Anti-T-lymphocyte globulin (Grafalon)"]


def test_english_is_unchanged_by_default():
    assert i18n.current() == "en"
    for text in _shown_texts():
        assert i18n.tr(text) == text


def test_a_stored_plan_keeps_english_titles_while_they_read_in_spanish(spanish):
    plan = instantiate(load_protocols()["mel200-auto"], DAY0, transplant_id="t1")
    titles = {s.title for s in plan.steps}
    assert "Melphalan" in titles  # stored as written in the template
    assert i18n.tr("Melphalan") == "Melfalán"
    with i18n.english():
        assert i18n.tr("Melphalan") == "Melphalan"


def _mel200_row(today: dt.date):
    """The board row of a Mel200 plan, its infusion day (a Tuesday) a closure."""
    plan = instantiate(load_protocols()["mel200-auto"], DAY0, transplant_id="t1")
    return board_row(_patient(), _transplant(), plan, today, closures=[DAY0])


def test_board_weekend_and_closure_alert_names_steps_in_spanish(spanish):
    today = DAY0 - dt.timedelta(days=7)
    row = _mel200_row(today)
    calendar = [a for a in row.alerts if a.startswith(i18n.tr("Weekend/closure: "))]
    assert len(calendar) == 1
    assert "Infusión de progenitores hematopoyéticos autólogos (descongelados)" in calendar[0]
    assert "Ingreso en la unidad de trasplante" in calendar[0]  # a Saturday
    assert "Admission" not in calendar[0]
    assert "centro cerrado" in calendar[0]


def test_board_row_lists_keep_the_english_titles_in_spanish(spanish):
    # What the board stores and compares (due today, the JSON of the CLI) stays English.
    row = _mel200_row(DAY0 - dt.timedelta(days=2))
    assert "Melphalan" in row.due_today
    assert row.as_json()["due_today"] == list(row.due_today)


def test_board_alert_stays_english_by_default():
    row = _mel200_row(DAY0 - dt.timedelta(days=7))
    calendar = [a for a in row.alerts if a.startswith("Weekend/closure: ")]
    assert len(calendar) == 1
    assert "Autologous stem-cell infusion (thawed)" in calendar[0]
    assert "Admission to the transplant unit" in calendar[0]
