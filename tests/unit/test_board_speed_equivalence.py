"""The board reads plans through date-range queries; they must agree with full scans.

Each reference below is the straightforward definition over every occurrence (what
the board did before it learned to read only the steps near today).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.app import board
from planner.app.demo import build_demo_clinic
from planner.domain.plans import (
    CalendarFlag,
    Occurrence,
    OccurrenceRecord,
    Plan,
    StepStatus,
    calendar_flags,
)
from planner.domain.templates import Phase
from planner.records.serialize import plan_from_dict, plan_to_dict, step_from_dict, step_to_dict

TODAYS = [dt.date(2025, 1, 6), dt.date(2025, 3, 1), dt.date(2025, 6, 15), dt.date(2026, 2, 28)]
SHIFTS = [-40, -10, -3, -1, 0, 1, 2, 6, 7, 15, 60, 200]


def _plans(today: dt.date) -> list[Plan]:
    plans = [plan for _, _, plan in build_demo_clinic(today)]
    # Odd stored data the templates never make: a negative window (overdue after the
    # date), a "planned" record with a real date, a whole step skipped.
    first = plans[0]
    odd = tuple(
        replace(s, window_after=-2)
        if i % 5 == 0
        else replace(
            s,
            records=(
                OccurrenceRecord(s.days[0], StepStatus.PLANNED, today + dt.timedelta(days=3)),
            ),
        )
        if i % 7 == 0
        else replace(s, status=StepStatus.SKIPPED)
        if i % 11 == 0
        else s
        for i, s in enumerate(first.steps)
    )
    return [*plans, replace(first, steps=odd)]


def _old_due_and_overdue(plan: Plan, today: dt.date) -> tuple[list[Occurrence], ...]:
    due, overdue = [], []
    for occ in plan.sorted_occurrences():
        if occ.status is StepStatus.PLANNED and occ.date == today:
            due.append(occ)
        elif occ.status is StepStatus.PLANNED and (
            occ.date + dt.timedelta(days=occ.window_after) < today
        ):
            overdue.append(occ)
    return due, overdue


def _old_mobilisation_window(plan: Plan) -> tuple[dt.date, dt.date, str] | None:
    for name, anchor in plan.anchors.items():
        if anchor.numbering != "mday":
            continue
        dates = [
            o.date
            for o in plan.occurrences()
            if o.anchor == name and o.phase in (Phase.MOBILISATION, Phase.COLLECTION)
        ]
        if dates:
            return plan.anchor_date(name), max(dates), name
    return None


def _cases() -> list[tuple[Plan, dt.date]]:
    return [
        (plan, base + dt.timedelta(days=shift))
        for base in TODAYS
        for plan in _plans(base)
        for shift in SHIFTS
    ]


@pytest.mark.parametrize("base", TODAYS)
def test_board_queries_equal_full_scans(base: dt.date) -> None:
    for plan in _plans(base):
        assert plan.mobilisation_window() == _old_mobilisation_window(plan)
        conditioning = [o.day for o in plan.occurrences() if o.phase is Phase.CONDITIONING]
        assert board._first_conditioning_day(plan) == (min(conditioning) if conditioning else None)
        for shift in SHIFTS:
            today = base + dt.timedelta(days=shift)
            assert board.due_and_overdue(plan, today) == _old_due_and_overdue(plan, today)
            week = today + dt.timedelta(days=6)
            assert board._due_within(plan, today, 7) == [
                o
                for o in plan.sorted_occurrences()
                if o.status is StepStatus.PLANNED and today <= o.date <= week
            ]


@pytest.mark.parametrize("base", TODAYS)
def test_dated_queries_equal_filtered_occurrences(base: dt.date) -> None:
    for plan in _plans(base):
        everything = list(plan.occurrences())
        assert plan.occurrences_dated(None, None) == everything
        for shift in SHIFTS:
            first = base + dt.timedelta(days=shift)
            last = first + dt.timedelta(days=13)
            closures = [first + dt.timedelta(days=2)]
            assert plan.occurrences_dated(first, last) == [
                o for o in everything if first <= o.date <= last
            ]
            assert plan.occurrences_dated(None, last, planned_only=True) == [
                o for o in everything if o.date <= last and o.status is StepStatus.PLANNED
            ]
            flags: list[CalendarFlag] = calendar_flags(plan, closures, first=first, last=last)
            assert flags == [
                f for f in calendar_flags(plan, closures) if first <= f.occurrence.date <= last
            ]


def test_queries_before_and_after_a_full_build_agree() -> None:
    # The occurrences are built step by step on demand; reading everything first must
    # not change what a range query returns (and the other way round).
    today = TODAYS[1]
    for plan in _plans(today):
        lazy = board.due_and_overdue(plan, today)
        fresh = replace(plan)
        fresh.sorted_occurrences()
        assert board.due_and_overdue(fresh, today) == lazy
        assert list(fresh.occurrences()) == list(plan.occurrences())
        assert fresh.sorted_occurrences() == plan.sorted_occurrences()


def test_board_rows_survive_a_storage_round_trip() -> None:
    today = TODAYS[2]
    clinic = build_demo_clinic(today)
    patients = [p for p, _, _ in clinic]
    transplants = [t for _, t, _ in clinic]
    plans = [plan for _, _, plan in clinic]
    loaded = [plan_from_dict(plan_to_dict(plan)) for plan in plans]
    assert board.board_rows(patients, transplants, loaded, today) == board.board_rows(
        patients, transplants, plans, today
    )


def test_step_from_dict_still_refuses_malformed_records() -> None:
    step = _plans(TODAYS[0])[0].steps[0]
    bad = {**step_to_dict(step), "records": None}
    with pytest.raises(TypeError):
        step_from_dict(bad)
    with pytest.raises(KeyError):
        step_from_dict({**step_to_dict(step), "dose": {}})


@pytest.mark.parametrize("base", TODAYS)
def test_date_span_holds_every_occurrence(base: dt.date) -> None:
    for plan in _plans(base):
        occs = plan.sorted_occurrences()
        span = plan.date_span()
        if not occs:
            assert span is None
            continue
        assert span is not None
        assert span[0] <= occs[0].date and occs[-1].date <= span[1]
        if not any(s.records for s in plan.steps):  # without real dates it is exact
            assert span == (occs[0].date, occs[-1].date)


@pytest.mark.parametrize("today", TODAYS)
def test_phase_occurrences_are_the_occurrences_of_that_phase(today: dt.date) -> None:
    for plan in _plans(today):
        for phase in Phase:
            # A fresh copy each time: nothing built by one read helps the other.
            fresh = replace(plan)
            assert fresh.phase_occurrences(phase) == [
                o for o in replace(plan).occurrences() if o.phase is phase
            ]


@pytest.mark.parametrize("today", TODAYS)
def test_first_conditioning_reads_the_conditioning_steps_only(today: dt.date) -> None:
    from planner.app.graft_secured import _GONE, first_conditioning

    for plan in _plans(today):
        dates = [
            o.date
            for o in plan.occurrences()
            if o.phase is Phase.CONDITIONING and o.status not in _GONE
        ]
        assert first_conditioning(replace(plan)) == (min(dates) if dates else None)
