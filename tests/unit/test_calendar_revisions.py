"""An occurrence's calendar SEQUENCE grows whenever its date, wording or status changes,
through any edit, and never goes back (RFC 5545 3.8.7.4), not even when an undo puts an
old date back."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.calendar_revisions import revised, sequence
from planner.domain.plans import (
    Plan,
    StepStatus,
    instantiate_many,
    mark_done,
    move_step,
    reanchor,
    set_anchor_date,
    set_step_note,
    set_step_status,
    skip_occurrence,
)
from planner.domain.templates import load_protocols
from planner.records.serialize import plan_from_dict, plan_to_dict

DAY0 = dt.date(2027, 3, 1)
AT = "2027-01-01T00:00:00+00:00"


@functools.cache
def _plan() -> Plan:
    protocols = load_protocols()
    return instantiate_many(
        [protocols["gcsf-mobilisation-auto"], protocols["mel200-auto"]],
        DAY0,
        {"mobilisation": DAY0 - dt.timedelta(days=40)},
        transplant_id="t1",
        plan_id="p1",
    )


def _seen(plan: Plan) -> dict[tuple[str, int], tuple[object, ...]]:
    """What a calendar shows of each occurrence (its date, its wording, its day label as
    the handout counts it, its status), and its sequence."""
    window = plan.mobilisation_window()
    return {
        (o.step_id, o.anchor_day): (
            o.date,
            (o.title, o.day, window is not None and window[0] <= o.date <= window[1]),
            o.status,
            sequence(plan, o),
        )
        for o in plan.occurrences()
    }


def _check_step(before: Plan, after: Plan) -> None:
    """Every occurrence shown differently has a higher sequence; none has a lower one."""
    old, new = _seen(before), _seen(after)
    for key, (date, title, status, seq) in new.items():
        if key not in old:
            continue
        o_date, o_title, o_status, o_seq = old[key]
        assert seq >= o_seq, key
        if (date, title, status) != (o_date, o_title, o_status):
            assert seq > o_seq, key


def test_a_new_plan_starts_every_occurrence_at_zero() -> None:
    plan = _plan()
    assert plan.calendar_revisions == {}
    assert {s for *_, s in _seen(plan).values()} == {0}


def test_a_day0_move_is_one_counter_and_raises_every_moved_occurrence() -> None:
    plan = _plan()
    moved, _ = reanchor(plan, DAY0 + dt.timedelta(days=4), "bed not ready")
    after = revised(plan, moved)
    assert after.calendar_revisions == {"anchor:day0": 1, "anchor:mobilisation": 1}
    _check_step(plan, after)
    # The mobilisation injections count from their own anchor and kept their dates, but
    # their day labels ("Day -40") count from Day 0: they changed too.
    gcsf = [o for o in after.occurrences() if o.anchor == "mobilisation"]
    assert gcsf and all(sequence(after, o) == 1 for o in gcsf)


def test_writing_an_old_version_back_is_one_more_change() -> None:
    plan = _plan()
    moved = revised(plan, reanchor(plan, DAY0 + dt.timedelta(days=4), "bed")[0])
    # An undo writes the version before the move; its counters are the stored ones.
    back = revised(moved, plan)
    assert back.calendar_revisions == {"anchor:day0": 2, "anchor:mobilisation": 2}
    _check_step(moved, back)


def test_one_occurrence_done_on_another_day_raises_only_that_occurrence() -> None:
    plan = _plan()
    occ = next(
        o for o in plan.occurrences() if o.anchor == "day0" and len(plan.step(o.step_id).days) > 1
    )
    done = mark_done(
        plan, occ.step_id, occ.anchor_day, occ.date + dt.timedelta(days=1), by="nurse", at=AT
    )
    after = revised(plan, done)
    assert after.calendar_revisions == {f"occ:{occ.step_id}/{occ.anchor_day}": 1}
    others = [o for o in after.occurrences() if o.step_id == occ.step_id and o != occ]
    assert others and all(sequence(after, o) == 0 for o in others if o.anchor_day != occ.anchor_day)


def test_a_note_reaches_no_calendar() -> None:
    plan = _plan()
    step = plan.steps[0]
    after = revised(plan, set_step_note(plan, step.id, "bring the consent form"))
    assert after.calendar_revisions == {}


def test_a_step_counted_on_another_anchor_still_grows() -> None:
    plan = _plan()
    plan = revised(plan, reanchor(plan, DAY0 + dt.timedelta(days=2), "x")[0])
    plan = revised(plan, reanchor(plan, DAY0 + dt.timedelta(days=5), "y")[0])
    step = next(s for s in plan.steps if s.anchor == "day0")
    occ = next(o for o in plan.occurrences() if o.step_id == step.id)
    old_seq = sequence(plan, occ)
    assert old_seq == 2
    rehomed = replace(
        plan, steps=tuple(replace(s, anchor="mobilisation") if s is step else s for s in plan.steps)
    )
    after = revised(plan, rehomed)
    new_occ = next(o for o in after.occurrences() if o.step_id == step.id)
    assert sequence(after, new_occ) == old_seq + 1


def test_the_counters_are_stored_with_the_plan() -> None:
    plan = _plan()
    after = revised(plan, reanchor(plan, DAY0 + dt.timedelta(days=4), "bed")[0])
    assert plan_from_dict(plan_to_dict(after)).calendar_revisions == after.calendar_revisions
    # A plan without counters keeps the dict it had before they existed.
    assert "calendar_revisions" not in plan_to_dict(plan)


_EDITS = st.lists(
    st.tuples(
        st.sampled_from(("day0", "move", "done", "skip", "cancel", "plan", "anchor", "undo")),
        st.integers(min_value=0, max_value=10_000),
        st.integers(min_value=-3, max_value=3),
    ),
    min_size=1,
    max_size=12,
)


def _edit(plan: Plan, what: str, pick: int, delta: int) -> Plan:
    steps = plan.steps
    step = steps[pick % len(steps)]
    occs = [o for o in plan.occurrences() if o.step_id == step.id]
    occ = occs[pick % len(occs)] if occs else None
    planned = occ is not None and occ.status is StepStatus.PLANNED
    if what == "day0":
        return reanchor(plan, plan.day0 + dt.timedelta(days=delta or 1), "moved")[0]
    if what == "move" and step.status is StepStatus.PLANNED and delta:
        return move_step(plan, step.id, delta)[0]
    if what == "done" and occ is not None and planned:
        return mark_done(plan, step.id, occ.anchor_day, occ.date, by="n", at=AT)
    if what == "skip" and occ is not None and planned:
        return skip_occurrence(plan, step.id, occ.anchor_day, reason="r", by="n", at=AT)
    if what == "cancel":
        return set_step_status(plan, step.id, StepStatus.CANCELLED, "stopped")
    if what == "plan":
        return set_step_status(plan, step.id, StepStatus.PLANNED, "")
    if what == "anchor":
        return set_anchor_date(plan, "mobilisation", plan.day0 - dt.timedelta(days=40 + delta))[0]
    return plan


@settings(max_examples=40, deadline=None)
@given(_EDITS)
def test_any_edits_and_undos_only_ever_raise_a_changed_occurrence(edits) -> None:
    history = [_plan()]
    for what, pick, delta in edits:
        current = history[-1]
        if what == "undo" and len(history) > 1:
            target = history[-2]  # the version an undo writes back
        else:
            try:
                target = _edit(current, what, pick, delta)
            except Exception:  # an edit the domain refuses (e.g. Day 0 after the infusion)
                continue
        after = revised(current, target)
        _check_step(current, after)
        history.append(after)
