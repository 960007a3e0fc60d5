"""The records' and the lab import's sentences in Spanish where a user meets them: checklist
expiry warnings and anchors, board alerts, chart markers, complication episodes, harvest
alerts and lab-import row reasons."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from planner.clinical.grading import magic_grade_assessment
from planner.domain import i18n
from planner.domain.labs import CANONICAL_UNIT, LabSample
from planner.domain.patients import Donor, DonorType, GraftSource, Transplant, TransplantType
from planner.domain.plans import instantiate_many
from planner.domain.templates import load_protocols
from planner.errors import ValidationError
from planner.labimport.reader import ColumnMapping, LabImportError, read_lab_file
from planner.records.checklists import (
    checklist_alerts,
    checklist_view,
    parse_checklist,
    plan_anchors,
    tick_item,
)
from planner.records.chimerism_log import ChimerismResult, chimerism_alerts
from planner.records.complication_log import complication_alerts
from planner.records.complications import (
    Assessment,
    episode_summary,
    new_episode,
    resolve,
)
from planner.records.documents import DocumentEntry, outdated_documents, with_entry
from planner.records.harvest_log import (
    Collection,
    HarvestLog,
    PbCd34,
    board_alert,
    stop_alert,
)
from planner.records.ports import ClinicalRecord
from planner.records.recovery import (
    RecoveryRecord,
    Transfusion,
    board_alerts,
    chart_data,
)

DAY0 = dt.date(2026, 2, 1)
ALLO = Transplant(
    "t1",
    "p1",
    TransplantType.ALLOGENEIC,
    GraftSource.PBSC,
    day0=DAY0,
    donor=Donor(DonorType.MUD),
)
AUTO = Transplant("t2", "p1", TransplantType.AUTOLOGOUS, GraftSource.PBSC, day0=DAY0)
CHECKLIST = b"""\
schema = 1
id = "test-list"
version = "1"
title = "Test list"
transplant_types = ["autologous", "allogeneic"]
review_status = "for local review"
source = "test"

[[items]]
id = "idm"
title = "Infectious-disease markers"
short = "IDM tests"
anchor = "day0"
day = -30
expires_after_days = 30
due_before = "day0"
"""


@pytest.fixture
def spanish() -> Iterator[None]:
    i18n.set_language("es")
    yield
    i18n.set_language("en")


def anc(day: int, value: float) -> LabSample:
    return LabSample(
        "p1", "000123", DAY0 + dt.timedelta(days=day), "anc", value, CANONICAL_UNIT["anc"]
    )


def test_checklist_expiry_warning_and_anchors_in_spanish(spanish: None) -> None:
    template = parse_checklist(CHECKLIST, "checklists/test.toml")
    plan = instantiate_many([load_protocols()["beam-auto"]], DAY0)
    today = DAY0 - dt.timedelta(days=5)
    done_on = DAY0 - dt.timedelta(days=33)  # valid 30 days: expires 3 days before Day 0
    state = tick_item(
        template, None, "idm", done=True, date=done_on, by="rp", at="x", note="", today=today
    )
    view = checklist_view(template, state, plan, today)
    # The bundled short name "IDM tests" has its own translation (data-checklists.po).
    assert view.warnings == ("Marcadores infecciosos: caduca 3 días antes de Día 0",)
    assert plan_anchors(plan)["day0"].rule == "Día 0: la fecha de la infusión."
    with i18n.english():
        english = checklist_view(template, state, plan, today)
    assert english.warnings == ("IDM tests expire 3 days before Day 0",)


def test_checklist_day_plural_and_daily_label_in_spanish(spanish: None) -> None:
    template = parse_checklist(CHECKLIST, "checklists/test.toml")
    plan = instantiate_many([load_protocols()["beam-auto"]], DAY0)
    today = DAY0 - dt.timedelta(days=5)
    one_day = DAY0 - dt.timedelta(days=31)  # expires the day before Day 0
    state = tick_item(
        template, None, "idm", done=True, date=one_day, by="rp", at="x", note="", today=today
    )
    assert checklist_view(template, state, plan, today).warnings == (
        "Marcadores infecciosos: caduca 1 día antes de Día 0",
    )
    expired = checklist_view(template, state, plan, DAY0)
    assert expired.warnings == (
        "Marcadores infecciosos: caducó hace 1 día; repetir antes de Día 0",
    )
    daily = parse_checklist(
        CHECKLIST.replace(b'source = "test"', b'source = "test"\nrepeat = "daily"').replace(
            b'anchor = "day0"\nday = -30\nexpires_after_days = 30\ndue_before = "day0"\n', b""
        ),
        "checklists/daily.toml",
    )
    (item,) = checklist_view(daily, None, plan, today).items
    assert item.day_label == "diario"


def test_checklist_refusal_and_unreadable_record_in_spanish(spanish: None) -> None:
    template = parse_checklist(CHECKLIST, "checklists/test.toml")
    with pytest.raises(ValidationError, match="es futura"):
        tick_item(
            template,
            None,
            "idm",
            done=True,
            date=DAY0 + dt.timedelta(days=1),
            by="rp",
            at="x",
            note="",
            today=DAY0,
        )
    plan = instantiate_many([load_protocols()["beam-auto"]], DAY0)
    bad = ClinicalRecord(plan.transplant_id, "checklists", {"test-list": "not a mapping"})
    alerts = checklist_alerts([bad], [plan], DAY0, {})
    text = alerts[plan.transplant_id][0]
    assert text == "Registro de listas de verificación: no se puede leer."


def test_recovery_board_alerts_in_spanish_begin_as_the_rules_expect(spanish: None) -> None:
    samples = [anc(d, 0.1) for d in range(0, 31, 2)]
    alerts = board_alerts(ALLO, None, samples, None, DAY0 + dt.timedelta(days=31))
    assert alerts == ["Cumple la definición de fallo primario del injerto: confirmar"]
    engrafted = [anc(d, v) for d, v in ((0, 2.0), (3, 0.1), (10, 0.6), (11, 0.7), (12, 0.9))]
    news = board_alerts(ALLO, None, engrafted, None, DAY0 + dt.timedelta(days=14))
    assert news == ["Injerto de neutrófilos D+10"]
    with i18n.english():
        assert board_alerts(ALLO, None, engrafted, None, DAY0 + dt.timedelta(days=14)) == [
            "Neutrophil engraftment D+10"
        ]


def test_chart_markers_in_spanish(spanish: None) -> None:
    plan = instantiate_many([load_protocols()["beam-auto"]], DAY0)
    record = RecoveryRecord(transfusions=(Transfusion(DAY0 + dt.timedelta(days=6), "platelets"),))
    chart = chart_data(AUTO, plan, [anc(0, 2.0)], record, DAY0 + dt.timedelta(days=8))
    labels = [m.label for m in chart.markers_of("transfusion_platelets")]
    assert labels == ["Transfusión: Plaquetas D+6"]


def test_transfusion_refusal_in_spanish(spanish: None) -> None:
    record = RecoveryRecord(transfusions=(Transfusion(DAY0, "red_cells"),))
    with pytest.raises(ValidationError, match="transfusión de hematíes"):
        record.with_transfusion(Transfusion(DAY0, "red_cells"))


def test_chimerism_board_text_in_spanish(spanish: None) -> None:
    result = ChimerismResult(DAY0 + dt.timedelta(days=30), "t_cell", 80.0)
    (text,) = chimerism_alerts((result,), DAY0)
    assert text.startswith("Quimerismo ")
    assert "80% donante D+30" in text
    assert text.endswith(": confirmar")


def test_complication_episode_texts_in_spanish(spanish: None) -> None:
    crs = new_episode("CRS", DAY0)
    assert episode_summary(crs, DAY0) == "SLC desde D0"
    done = resolve(crs, DAY0 + dt.timedelta(days=5))
    assert episode_summary(done, DAY0) == "SLC D0 a D+5 (resuelto)"
    magic = Assessment(
        date=DAY0 + dt.timedelta(days=21),
        result=magic_grade_assessment(2, 2, 0, 0),
        by="jd",
        at=dt.datetime(2026, 2, 22, 9, 0),
    )
    gvhd = new_episode("aGVHD", DAY0 + dt.timedelta(days=21), assessment=magic)
    assert episode_summary(gvhd, DAY0).startswith("EICRa grado ")
    assert episode_summary(gvhd, DAY0).endswith(" desde D+21")
    with pytest.raises(ValidationError, match="ya se resolvió"):
        resolve(done, DAY0 + dt.timedelta(days=6))
    with i18n.english():
        assert episode_summary(done, DAY0) == "CRS D0 to D+5 (resolved)"


def test_unreadable_complication_record_in_spanish(spanish: None) -> None:
    plan = instantiate_many([load_protocols()["beam-auto"]], DAY0)
    bad = ClinicalRecord(plan.transplant_id, "complications", {"ep-1": "not a mapping"})
    (text,) = complication_alerts([bad], [plan], DAY0)[plan.transplant_id]
    assert text == "Registro de complicaciones: no se puede leer."


def test_harvest_alerts_and_refusals_in_spanish(spanish: None) -> None:
    log = HarvestLog.from_body(None, AUTO)
    for i in range(2):
        log = log.with_collection(
            Collection(f"c{i}", DAY0 + dt.timedelta(days=i), 200, 75, cd34_total_e6=3.0 * 75)
        )
    last = DAY0 + dt.timedelta(days=1)
    assert board_alert(log, False, last) == ["Objetivo de CD34 alcanzado: detener la recolección"]
    alert = stop_alert(log, False)
    assert alert is not None and alert.message.startswith("Objetivo alcanzado: detener")
    assert "(suma acumulada)" in alert.message
    low = HarvestLog.from_body(None, AUTO).with_pb_cd34(PbCd34(DAY0, 3))
    (text,) = board_alert(low, False, DAY0)
    assert text == "CD34 bajas: valorar plerixafor"
    with pytest.raises(ValidationError, match=r"Peso del receptor de 0\.5 kg no es plausible"):
        Collection("c9", DAY0, 200, 0.5, cd34_total_e6=100)


def test_outdated_document_alert_in_spanish(spanish: None) -> None:
    entry = DocumentEntry("handout", "es", False, False, 1, "", DAY0)
    record = with_entry(None, "t1", entry)
    assert outdated_documents(record, 2) == [
        "la hoja informativa del 2026-02-01 está desactualizada"
    ]


def test_lab_import_row_reasons_and_refusals_in_spanish(spanish: None) -> None:
    mapping = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
    data = (
        b"MRN,Date,Test,Result,Unit\n"
        b"999,2026-02-03,ANC,1.2,x10^9/L\n"
        b"000123,03/02/2026,ANC,1.2,x10^9/L\n"
        b"000123,2026-02-03,ANC,pending,x10^9/L\n"
    )
    result = read_lab_file(data, "labs.csv", mapping, {"000123": "p1"})
    reasons = [r.reason for r in sorted(result.rejected, key=lambda r: r.line)]
    assert reasons == [
        "NHC desconocido '999': ningún paciente del planificador lo tiene.",
        "La fecha '03/02/2026' no es una fecha ISO (AAAA-MM-DD); fechas como 03/04/2025 son "
        "ambiguas.",
        "El valor 'pending' no es un resultado: el resultado está pendiente.",
    ]
    with pytest.raises(LabImportError, match="no se pueden importar"):
        read_lab_file(b"x", "labs.xls", mapping, {})
    with i18n.english():
        english = read_lab_file(data, "labs.csv", mapping, {"000123": "p1"})
    assert english.rejected[0].reason.startswith("Unknown MRN '999'")
