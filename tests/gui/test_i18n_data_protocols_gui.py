"""Template and step titles and anchor labels in Spanish where the interface shows them
(timeline, month calendar, Steps table, board, worklist, plan wizard, anchor picker);
English by default, and the stored plan keeps the English text."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QPointF

from planner.app.board import board_row, worklist
from planner.domain import i18n
from planner.domain.patients import Patient, Transplant, TransplantStatus
from planner.domain.plans import instantiate
from planner.domain.templates import load_protocols
from ui.dialogs.anchor_dialog import anchor_title
from ui.dialogs.plan_wizard import PlanWizard, missing_measurements
from ui.models.board_model import COLUMNS, _cell
from ui.models.step_table_model import SORT_ROLE
from ui.models.worklist_model import worklist_html
from ui.widgets.month_calendar import MonthCalendar
from ui.widgets.plan_timeline import PlanTimeline

DAY0 = dt.date(2026, 3, 10)
MELPHALAN_DAY = DAY0 - dt.timedelta(days=2)


@pytest.fixture
def spanish():
    """The planner's texts in Spanish for one test; English again after it."""
    assert i18n.set_language("es") == "es"
    yield
    i18n.set_language("en")


@pytest.fixture
def protocols():
    return load_protocols()


@pytest.fixture
def plan(protocols):
    return instantiate(protocols["mel200-auto"], DAY0, transplant_id="t1")


def _patient(**changes: object) -> Patient:
    values: dict = {
        "id": "p1",
        "mrn": "000123",
        "family_name": "Test",
        "given_name": "Ana",
        "date_of_birth": dt.date(1970, 5, 1),
        "sex": "female",
    }
    return Patient(**{**values, **changes})


def _transplant() -> Transplant:
    return Transplant(
        id="t1",
        patient_id="p1",
        transplant_type="autologous",
        graft_source="pbsc",
        day0=DAY0,
        status=TransplantStatus.ACTIVE,
    )


def _calendar(qtbot, plan) -> MonthCalendar:
    widget = MonthCalendar()
    qtbot.addWidget(widget)
    widget.resize(760, 560)
    widget.set_plan(plan, DAY0 - dt.timedelta(days=5))
    return widget


def test_month_calendar_cells_read_in_spanish(spanish, qtbot, plan):
    summary = _calendar(qtbot, plan).cell_summary(MELPHALAN_DAY)
    assert "Melfalán" in summary
    assert "Melphalan" not in summary


def test_month_calendar_cells_stay_english_by_default(qtbot, plan):
    summary = _calendar(qtbot, plan).cell_summary(MELPHALAN_DAY)
    assert "Melphalan" in summary


def _timeline(qtbot, plan) -> PlanTimeline:
    widget = PlanTimeline()
    qtbot.addWidget(widget)
    widget.resize(760, 360)
    widget.set_plan(plan, DAY0 - dt.timedelta(days=5), frozenset())
    with qtbot.waitExposed(widget):
        widget.show()
    return widget


def test_timeline_tooltip_and_description_read_in_spanish(spanish, qtbot, plan):
    view = _timeline(qtbot, plan)
    tip = view.tooltip_at(QPointF(view.bar_rect("mel200-auto/melphalan").center()))
    assert "<b>Melfalán</b>" in tip
    view.select_step("mel200-auto/melphalan")
    assert "Melfalán" in view.accessibleDescription()
    # The plan itself keeps the template's English title.
    assert plan.step("mel200-auto/melphalan").title == "Melphalan"


def test_timeline_tooltip_stays_english_by_default(qtbot, plan):
    view = _timeline(qtbot, plan)
    tip = view.tooltip_at(QPointF(view.bar_rect("mel200-auto/melphalan").center()))
    assert "<b>Melphalan</b>" in tip


def test_board_and_worklist_cells_read_in_spanish(spanish, plan):
    today = MELPHALAN_DAY
    row = board_row(_patient(), _transplant(), plan, today)
    keys = [k for k, _ in COLUMNS]
    assert "Melphalan" in row.due_today  # the row keeps the English title
    assert "Melfalán" in _cell(row, keys[keys.index("due_today")])
    items = worklist([_patient()], [_transplant()], [plan], today)
    page = worklist_html(items, "Lista")
    assert "Melfalán" in page
    assert "Melphalan" not in page
    assert "Melphalan" in {i.title for i in items}


def test_board_cells_stay_english_by_default(plan):
    row = board_row(_patient(), _transplant(), plan, MELPHALAN_DAY)
    assert "Melphalan" in _cell(row, "due_today")


def test_steps_table_shows_spanish_titles_and_dates_sort_on_the_stored_ones(spanish, demo_window):
    row = next(r for r in demo_window.session.rows if r.mrn == "DEMO-0001")
    ws = demo_window.open_transplant(row.transplant_id)
    model = ws.table_model
    translated = 0
    for r in range(model.rowCount()):
        occ = model.occurrence(r)
        shown = model.data(model.index(r, 3))
        assert shown == i18n.tr(occ.title)
        # The date columns break ties on the stored title, whatever the language.
        assert model.data(model.index(r, 0), SORT_ROLE)[1] == occ.title
        translated += shown != occ.title
    assert translated > 0


def test_anchor_picker_shows_the_label_in_spanish_once(spanish, protocols):
    plan = instantiate(protocols["gcsf-mobilisation-auto"], DAY0, transplant_id="t1")
    title = anchor_title(plan, "mobilisation")
    assert title == "mobilisation: primera dosis de filgrastim (Día M 1)"
    assert plan.anchors["mobilisation"].label == "first filgrastim dose (M-Day 1)"


def test_anchor_picker_stays_english_by_default(protocols):
    plan = instantiate(protocols["gcsf-mobilisation-auto"], DAY0, transplant_id="t1")
    assert anchor_title(plan, "mobilisation") == "mobilisation: first filgrastim dose (M-Day 1)"


def test_missing_measurements_name_the_steps_in_spanish(spanish, plan):
    text = missing_measurements(plan, _patient())
    assert "Melfalán" in text
    assert "Melphalan" not in text


def test_plan_wizard_offers_templates_by_their_spanish_titles(spanish, qtbot, protocols):
    wizard = PlanWizard(None, _patient(), protocols, DAY0)
    qtbot.addWidget(wizard)
    offered = 0
    for box in wizard.slot_boxes.values():
        names = [box.itemText(i) for i in range(1, box.count())]
        ids = [box.itemData(i) for i in range(1, box.count())]
        assert names == [i18n.tr(protocols[i].title) for i in ids]
        assert names == sorted(names)
        offered += len(ids)
    assert offered > 0
    shown = {box.itemText(i) for box in wizard.slot_boxes.values() for i in range(1, box.count())}
    assert any(protocols[i].title not in shown for i in protocols)
