"""Open visit windows on the board: a low alert while a planned visit's window holds today.

A visit on Day +30 with ``window = 3`` may take place from Day +27 to Day +33: the board
says so on each of those days ("Visit window open: Day +30 clinic visit until Fri 13
Mar"), not the day before nor the day after (then it is overdue instead, never both).
Done, skipped and cancelled visits, visits without a window and other kinds of step
give no such alert.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.rl_accel import fp_str

from planner.app import alert_rules
from planner.app.board import (
    Alert,
    board_row,
    board_rows,
    open_visit_windows,
)
from planner.domain.patients import ClinicSettings, Patient, Transplant, TransplantStatus
from planner.domain.plans import (
    Plan,
    StepStatus,
    instantiate,
    mark_done,
    set_step_status,
    skip_occurrence,
)
from planner.domain.templates import parse_protocol
from planner.export.views import month_lanes
from planner.export.views_pdf import _WINDOW_FILL, write_timeline
from tests.factories import make_patient

DAY0 = dt.date(2026, 2, 8)
VISIT = dt.date(2026, 3, 10)  # Day +30, a Tuesday
FIRST = dt.date(2026, 3, 7)  # Day +27
LAST = dt.date(2026, 3, 13)  # Day +33, a Friday

TEMPLATE = b"""
schema = 1
id = "windows"
version = "1"
title = "Window test"
category = "follow-up"
transplant_types = ["allogeneic"]
graft_sources = ["pbsc"]
review_status = "for local review"
source = "test"

[[steps]]
id = "infusion"
title = "Infusion"
phase = "infusion"
kind = "procedure"
day = 0

[[steps]]
id = "visit"
title = "Day +30 clinic visit"
phase = "follow-up"
kind = "visit"
day = 30
window = 3

[[steps]]
id = "chimerism"
title = "Donor chimerism blood test"
phase = "follow-up"
kind = "lab"
day = 30
window = 3

[[steps]]
id = "no-window"
title = "Nurse visit"
phase = "follow-up"
kind = "visit"
day = 31

[[steps]]
id = "late"
title = "Day +60 review"
phase = "follow-up"
kind = "visit"
day = 60
window_before = 2
window_after = 5
"""


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
        transplant_type="allogeneic",
        graft_source="pbsc",
        day0=DAY0,
        status=TransplantStatus.ACTIVE,
    )


@pytest.fixture
def plan() -> Plan:
    made = instantiate(parse_protocol(TEMPLATE, "windows.toml"), DAY0)
    return dataclasses.replace(made, transplant_id="t1")


def _window_alerts(plan: Plan, today: dt.date) -> list[Alert]:
    row = board_row(_patient(), _transplant(), plan, today)
    return [a for a in row.alert_items if a.text.startswith("Visit window open")]


def _day(n: int) -> dt.date:
    return DAY0 + dt.timedelta(days=n)


# --- the window's days ----------------------------------------------------------------------


def test_the_window_of_an_occurrence_is_its_date_minus_and_plus_its_tolerance(plan):
    by_step = {o.step_id: o for o in plan.occurrences()}
    assert by_step["windows/visit"].window == (FIRST, LAST)
    assert by_step["windows/late"].window == (_day(58), _day(65))
    assert by_step["windows/no-window"].window is None


@pytest.mark.parametrize("today", [FIRST, VISIT, LAST], ids=["first day", "the day", "last day"])
def test_the_alert_is_there_on_the_first_and_last_day_of_the_window(plan, today):
    [alert] = _window_alerts(plan, today)
    assert alert.text == "Visit window open: Day +30 clinic visit until Fri 13 Mar"
    assert alert.severity == alert_rules.LOW
    assert alert.rule.startswith(alert_rules.VISIT_WINDOW)
    assert "Day +30 clinic visit planned Tue 10 Mar, window Sat 07 Mar to Fri 13 Mar" in alert.rule


def test_no_alert_the_day_before_the_window_opens(plan):
    assert _window_alerts(plan, FIRST - dt.timedelta(days=1)) == []


def test_the_day_after_the_window_the_visit_is_overdue_and_not_open(plan):
    after = LAST + dt.timedelta(days=1)
    row = board_row(_patient(), _transplant(), plan, after)
    assert _window_alerts(plan, after) == []
    assert "Day +30 clinic visit" in row.overdue
    # On the last day of the window it is open and not yet overdue.
    row = board_row(_patient(), _transplant(), plan, LAST)
    assert "Day +30 clinic visit" not in row.overdue
    assert len(_window_alerts(plan, LAST)) == 1


def test_an_uneven_window_opens_two_days_before_and_closes_five_after(plan):
    assert _window_alerts(plan, _day(57)) == []
    assert [a.text for a in _window_alerts(plan, _day(58))] == [
        "Visit window open: Day +60 review until Tue 14 Apr"
    ]
    assert len(_window_alerts(plan, _day(65))) == 1
    assert _window_alerts(plan, _day(66)) == []


# --- what gives no alert --------------------------------------------------------------------


def test_a_done_visit_gives_no_alert(plan):
    done = mark_done(plan, "windows/visit", 30, VISIT - dt.timedelta(days=1), by="u", at="t")
    assert _window_alerts(done, VISIT) == []
    assert open_visit_windows(done, VISIT) == []


def test_a_skipped_visit_gives_no_alert(plan):
    skipped = skip_occurrence(plan, "windows/visit", 30, reason="seen elsewhere", by="u", at="t")
    assert _window_alerts(skipped, VISIT) == []


def test_a_cancelled_visit_gives_no_alert(plan):
    cancelled = set_step_status(plan, "windows/visit", StepStatus.CANCELLED, "not needed")
    assert _window_alerts(cancelled, VISIT) == []


def test_a_visit_without_a_window_gives_no_alert(plan):
    # Day +31's nurse visit has no window: due on its day only, never "window open".
    assert [o.step_id for o in open_visit_windows(plan, _day(31))] == ["windows/visit"]
    assert _window_alerts(_no_windows(plan), VISIT) == []


def test_a_lab_with_a_window_is_not_a_visit(plan):
    # The chimerism test has the same window as the visit: only the visit is named.
    assert [o.step_id for o in open_visit_windows(plan, VISIT)] == ["windows/visit"]
    [alert] = _window_alerts(plan, VISIT)
    assert "chimerism" not in alert.text


# --- on the board ---------------------------------------------------------------------------


def test_two_open_windows_are_one_line_and_come_after_the_medium_alerts(plan):
    # Move the Day +60 review next to the Day +30 visit: both windows hold Day +31.
    moved = dataclasses.replace(
        plan,
        steps=tuple(
            dataclasses.replace(s, shift=-28) if s.id == "windows/late" else s for s in plan.steps
        ),
    )
    row = board_row(_patient(), _transplant(), moved, _day(31), extra_alerts=["Plain medium"])
    alerts = row.alert_items
    [window] = [a for a in alerts if a.text.startswith("Visit window open")]
    assert window.text == (
        "Visit window open: Day +30 clinic visit until Fri 13 Mar, Day +60 review until Tue 17 Mar"
    )
    # Low: after the medium ones (the infusion left planned is overdue, then the extra).
    assert [a.text for a in alerts] == ["1 overdue", "Plain medium", window.text]


def test_board_rows_and_json_carry_the_alert_with_its_severity(plan):
    [row] = board_rows([_patient()], [_transplant()], [plan], VISIT)
    [item] = [a for a in row.as_json()["alerts"] if a["text"].startswith("Visit window open")]
    assert item["severity"] == "low"
    assert alert_rules.SEVERITY[alert_rules.VISIT_WINDOW] == alert_rules.LOW


# --- the timeline on paper ------------------------------------------------------------------


def _no_windows(plan: Plan) -> Plan:
    steps = tuple(dataclasses.replace(s, window_before=0, window_after=0) for s in plan.steps)
    return dataclasses.replace(plan, steps=steps)


def test_a_month_lane_carries_its_windows_and_says_the_tolerance(plan):
    march = {lane.label: lane for lane in month_lanes(plan, dt.date(2026, 3, 1), FIRST)}
    visit = march["Day +30 clinic visit (+/-3 d)"]
    assert visit.windows == ((FIRST, LAST),)
    assert march["Donor chimerism blood test (+/-3 d)"].windows == ((FIRST, LAST),)
    assert march["Nurse visit"].windows == ()  # no window: no note, no band
    april = {lane.label: lane for lane in month_lanes(plan, dt.date(2026, 4, 1), FIRST)}
    assert april["Day +60 review (-2/+5 d)"].windows == ((_day(58), _day(65)),)
    done = mark_done(plan, "windows/visit", 30, VISIT, by="u", at="t")
    labels = {lane.label: lane for lane in month_lanes(done, dt.date(2026, 3, 1), FIRST)}
    assert labels["Day +30 clinic visit"].windows == ()  # done: its window is over


def _pdf_streams(plan: Plan) -> tuple[str, str]:
    """The text and the drawing operators of the exported timeline."""
    out = io.BytesIO()
    write_timeline(
        out,
        patient=make_patient(),
        plan=plan,
        settings=ClinicSettings(),
        printed_on=FIRST,
        today=FIRST,
    )
    reader = PdfReader(io.BytesIO(out.getvalue()))
    text = " ".join(page.extract_text() for page in reader.pages)
    ops = " ".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)
    return text, ops


def test_the_exported_timeline_draws_the_window_band_and_names_it(plan):
    # The band's fill colour as reportlab writes it ("0.89 0.93 0.98 rg": ".890196 ...").
    fill = _WINDOW_FILL
    fill_op = re.compile(re.escape(f"{fp_str(fill.red, fill.green, fill.blue)} rg"))
    text, ops = _pdf_streams(plan)
    assert "Day +30 clinic visit (+/-3 d)" in text
    assert "window (+/- days)" in text  # the legend
    # A swatch in the legend of each month with a window, and the bands' days besides.
    assert len(fill_op.findall(ops)) > text.count("window (+/- days)") > 0
    text, ops = _pdf_streams(_no_windows(plan))
    assert "+/-" not in text
    assert not fill_op.search(ops)
