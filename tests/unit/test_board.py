"""The clinic board: live day labels, phases with their rules, due and overdue steps."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app.board import board_row, board_rows, current_phase, due_and_overdue
from planner.domain.patients import Patient, Transplant, TransplantStatus
from planner.domain.plans import instantiate, mark_done
from planner.domain.templates import parse_protocol

TEMPLATE = b"""
schema = 1
id = "board-test"
version = "1"
title = "Board test"
category = "conditioning"
transplant_types = ["autologous"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[anchors.mobilisation]
default_day = -30
numbering = "mday"

[[steps]]
id = "gcsf"
title = "Filgrastim"
phase = "mobilisation"
kind = "medication"
anchor = "mobilisation"
from = 1
to = 4

[[steps]]
id = "apheresis"
title = "Apheresis"
phase = "collection"
kind = "procedure"
anchor = "mobilisation"
day = 5

[[steps]]
id = "chemo"
title = "Melphalan"
phase = "conditioning"
kind = "medication"
days = [-2]

[[steps]]
id = "infusion"
title = "Infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "visit"
title = "Clinic visit"
phase = "follow-up"
kind = "visit"
day = 30
window = 3
"""

DAY0 = dt.date(2026, 3, 10)  # a Tuesday


@pytest.fixture
def protocol():
    return parse_protocol(TEMPLATE, "board-test.toml")


def _patient() -> Patient:
    return Patient(
        id="p1",
        mrn="000123",
        family_name="Test",
        given_name="Ana",
        date_of_birth=dt.date(1970, 5, 1),
        sex="female",
        coordinator="R. Patel",
    )


def _transplant(day0: dt.date | None = DAY0) -> Transplant:
    return Transplant(
        id="t1",
        patient_id="p1",
        transplant_type="autologous",
        graft_source="pbsc",
        day0=day0,
        status=TransplantStatus.ACTIVE,
    )


@pytest.mark.parametrize(
    ("today", "phase", "label"),
    [
        (DAY0 - dt.timedelta(days=40), "work-up", "D-40"),
        (DAY0 - dt.timedelta(days=30), "mobilising", "M-Day 1"),
        (DAY0 - dt.timedelta(days=27), "mobilising", "M-Day 4"),
        (DAY0 - dt.timedelta(days=26), "mobilising", "M-Day 5"),
        (DAY0 - dt.timedelta(days=25), "work-up", "D-25"),
        (DAY0 - dt.timedelta(days=2), "conditioning", "D-2"),
        (DAY0 - dt.timedelta(days=1), "conditioning", "D-1"),
        (DAY0, "infusion", "D0"),
        (DAY0 + dt.timedelta(days=12), "pre-engraftment", "D+12"),
        (DAY0 + dt.timedelta(days=28), "pre-engraftment", "D+28"),
        (DAY0 + dt.timedelta(days=29), "recovery", "D+29"),
        (DAY0 + dt.timedelta(days=100), "day +100", "D+100"),
        (DAY0 + dt.timedelta(days=200), "late phase", "D+200"),
        (DAY0 + dt.timedelta(days=366), "long-term follow-up", "D+366"),
    ],
    ids=lambda v: str(v),
)
def test_phase_and_live_label(protocol, today, phase, label):
    plan = instantiate(protocol, DAY0)
    row = board_row(_patient(), _transplant(), plan, today)
    assert (row.phase, row.day_label) == (phase, label)
    assert row.phase_rule  # every phase states the rule that gave it
    assert row.day == (today - DAY0).days


def test_recorded_engraftment_changes_phase(protocol):
    plan = instantiate(protocol, DAY0)
    today = DAY0 + dt.timedelta(days=15)
    reading = current_phase(_transplant(), plan, today, engrafted_on=DAY0 + dt.timedelta(12))
    assert reading.phase == "engrafted"
    assert "2026-03-22" in reading.rule


def test_no_plan_is_work_up_with_null_day():
    row = board_row(_patient(), _transplant(None), None, DAY0)
    assert row.phase == "work-up"
    assert row.day is None
    assert row.as_json()["day"] is None


def test_due_today_and_overdue_respect_windows(protocol):
    plan = instantiate(protocol, DAY0)
    # Day +30 visit has a +/-3 window: not overdue until after Day +33.
    due, overdue = due_and_overdue(plan, DAY0 + dt.timedelta(days=33))
    assert "Clinic visit" not in [o.title for o in overdue]
    due, overdue = due_and_overdue(plan, DAY0 + dt.timedelta(days=34))
    assert "Clinic visit" in [o.title for o in overdue]
    due, _ = due_and_overdue(plan, DAY0 - dt.timedelta(days=2))
    assert [o.title for o in due] == ["Melphalan"]


def test_done_steps_are_not_overdue(protocol):
    plan = instantiate(protocol, DAY0)
    plan = mark_done(plan, "board-test/chemo", -2, DAY0 - dt.timedelta(days=2), by="u", at="t")
    row = board_row(_patient(), _transplant(), plan, DAY0 - dt.timedelta(days=1))
    assert "Melphalan" not in row.overdue


def test_overdue_count_is_the_first_alert(protocol):
    plan = instantiate(protocol, DAY0)
    row = board_row(_patient(), _transplant(), plan, DAY0 + dt.timedelta(days=1))
    assert row.alerts[0].endswith("overdue")
    assert "Apheresis" in row.overdue


def test_weekend_and_closure_alerts_within_two_weeks(protocol):
    plan = instantiate(protocol, DAY0)
    today = DAY0 + dt.timedelta(days=20)
    visit_date = DAY0 + dt.timedelta(days=30)  # a Thursday
    row = board_row(_patient(), _transplant(), plan, today, closures=[visit_date])
    assert any("Clinic visit" in a and "clinic closed" in a for a in row.alerts)
    far = board_row(_patient(), _transplant(), plan, DAY0, closures=[visit_date])
    assert not any("clinic closed" in a for a in far.alerts)


def test_json_shape_is_stable(protocol):
    plan = instantiate(protocol, DAY0)
    row = board_row(_patient(), _transplant(), plan, DAY0)
    assert list(row.as_json()) == ["mrn", "name", "day", "phase", "due_today", "alerts"]
    assert row.as_json()["mrn"] == "000123"
    assert row.as_json()["due_today"] == ["Infusion"]


def test_board_rows_skip_inactive_and_sort_by_day(protocol):
    early = _transplant(DAY0)
    late = Transplant(
        id="t2",
        patient_id="p1",
        transplant_type="autologous",
        graft_source="pbsc",
        day0=DAY0 - dt.timedelta(days=50),
        status=TransplantStatus.ACTIVE,
    )
    done = Transplant(
        id="t3",
        patient_id="p1",
        transplant_type="autologous",
        graft_source="pbsc",
        day0=DAY0,
        status=TransplantStatus.COMPLETED,
    )
    plans = [instantiate(protocol, t.day0, transplant_id=t.id) for t in (early, late, done)]
    rows = board_rows([_patient()], [late, early, done], plans, DAY0)
    assert [r.transplant_id for r in rows] == ["t1", "t2"]
