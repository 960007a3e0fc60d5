"""One occurrence or the whole series: moving one weekly test leaves the others; moving
the series leaves recorded occurrences (done, skipped) on their dates; Skip never
overwrites a done record; reasons and notes travel with the occurrence."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.plans import (
    StepStatus,
    instantiate,
    mark_done,
    move_occurrences,
    move_step,
    occurrence_notes,
    reanchor,
    set_step_note,
    skip_occurrence,
    undo_occurrence_record,
)
from planner.errors import ValidationError
from planner.protocols import load_protocols
from planner.records.serialize import plan_from_dict, plan_to_dict

DAY0 = dt.date(2026, 12, 3)  # a Thursday
CMV = "supportive-care-allo/cmv-pcr"
BY = {"by": "rn", "at": "2026-12-10T09:00:00+00:00"}


@pytest.fixture
def plan():
    return instantiate(load_protocols()["supportive-care-allo"], DAY0)


def dates(plan, step_id=CMV):
    return [o.date for o in plan.step_occurrences(plan.step(step_id))]


def test_moving_one_weekly_test_leaves_the_others(plan):
    before = dates(plan)
    moved, changes = move_occurrences(plan, CMV, (7,), 1)
    after = dates(moved)
    assert after[1] == before[1] + dt.timedelta(days=1)
    assert [d for i, d in enumerate(after) if i != 1] == [d for i, d in enumerate(before) if i != 1]
    assert [(c.step_id, c.index) for c in changes] == [(CMV, 1)]
    # It follows Day 0 like the rest of the step (the move is relative).
    later, _ = reanchor(moved, DAY0 + dt.timedelta(days=2), "product delayed")
    assert dates(later)[1] == after[1] + dt.timedelta(days=2)
    # Back again: no record is left behind.
    back, _ = move_occurrences(moved, CMV, (7,), -1)
    assert back.step(CMV).records == ()


def test_moving_the_series_leaves_a_recorded_skip_on_its_date(plan):
    skipped = skip_occurrence(plan, CMV, 7, reason="patient away", **BY)
    skip_date = dates(skipped)[1]
    moved, _ = move_step(skipped, CMV, 1)
    assert dates(moved)[1] == skip_date  # Thu 10 Dec stays Thu 10 Dec
    assert dates(moved)[2] == dates(skipped)[2] + dt.timedelta(days=1)


def test_a_recorded_occurrence_cannot_be_moved_alone(plan):
    done = mark_done(plan, CMV, 0, DAY0, **BY)
    with pytest.raises(ValidationError, match="recorded as done"):
        move_occurrences(done, CMV, (0,), 1)


def test_skip_never_overwrites_a_done_record(plan):
    done = mark_done(plan, CMV, 0, DAY0, **BY)
    with pytest.raises(ValidationError, match="undo that record"):
        skip_occurrence(done, CMV, 0, reason="x", **BY)
    rec = done.step(CMV).record_for(0)
    assert rec is not None and rec.status is StepStatus.DONE


def test_undoing_a_record_keeps_the_occurrence_where_it_was_moved(plan):
    moved, _ = move_occurrences(plan, CMV, (7,), 2)
    moved_date = dates(moved)[1]
    done = mark_done(moved, CMV, 7, moved_date, **BY)
    undone = undo_occurrence_record(done, CMV, 7)
    assert dates(undone)[1] == moved_date
    assert undone.step(CMV).record_for(7).status is StepStatus.PLANNED  # type: ignore[union-attr]


def test_a_moved_occurrence_survives_storage(plan):
    moved, _ = move_occurrences(plan, CMV, (14, 21), -1)
    again = plan_from_dict(plan_to_dict(moved))
    assert dates(again) == dates(moved)


def test_occurrence_notes_carry_reasons_and_the_team_note(plan):
    skipped = skip_occurrence(plan, CMV, 7, reason="patient away", **BY)
    noted = set_step_note(skipped, CMV, "draw with the morning bloods")
    occ = list(noted.step_occurrences(noted.step(CMV)))[1]
    notes = occurrence_notes(noted, occ)
    assert notes[0].startswith("Skipped: patient away (rn, 2026-12-10)")
    assert notes[-1] == "Note: draw with the morning bloods"
