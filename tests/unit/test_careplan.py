"""The care-plan core: instantiation, occurrences, re-anchoring and edits."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.domain.plans import (
    AnchorState,
    Day0Change,
    Occurrence,
    OccurrenceRecord,
    Plan,
    PlanStep,
    StepStatus,
    TemplateRef,
    add_protocol,
    calendar_flags,
    diff_dates,
    instantiate,
    instantiate_many,
    mark_done,
    move_step,
    reanchor,
    schedule_rows,
    set_anchor_date,
    set_step_status,
    skip_occurrence,
    undo_occurrence_record,
)
from planner.domain.templates import Phase, StepKind
from planner.errors import ValidationError
from tests.factories import DAY0, make_plan, make_protocol, protocol_toml

D = dt.date
T = "test-template"
BY = {"by": "coordinator", "at": "2025-03-01T09:00:00Z"}


def occ_map(plan: Plan) -> dict[tuple[str, int], Occurrence]:
    return {(o.step_id, o.anchor_day): o for o in plan.occurrences()}


def dates_of(plan: Plan) -> dict[tuple[str, int], dt.date]:
    return {key: o.date for key, o in occ_map(plan).items()}


def shifted(date: dt.date, days: int) -> dt.date:
    return date + dt.timedelta(days=days)


# --- instantiation of the sample template ------------------------------------------------------

# Day 0 = Monday 2025-03-10; the mobilisation anchor defaults to Day -30 = Saturday 2025-02-08.
EXPECTED = [
    # step, anchor day, transplant day, date, label
    ("conditioning", -6, -6, D(2025, 3, 4), "Day -6"),
    ("conditioning", -5, -5, D(2025, 3, 5), "Day -5"),
    ("conditioning", -4, -4, D(2025, 3, 6), "Day -4"),
    ("conditioning", -3, -3, D(2025, 3, 7), "Day -3"),
    ("conditioning", -2, -2, D(2025, 3, 8), "Day -2"),
    ("infusion", 0, 0, D(2025, 3, 10), "Day 0"),
    ("review", 1, 1, D(2025, 3, 11), "Day +1"),
    ("review", 3, 3, D(2025, 3, 13), "Day +3"),
    ("review", 6, 6, D(2025, 3, 16), "Day +6"),
    ("review", 11, 11, D(2025, 3, 21), "Day +11"),
    ("marrow", 28, 28, D(2025, 4, 7), "Day +28"),
    ("gcsf", 1, -30, D(2025, 2, 8), "M-Day 1"),
    ("gcsf", 2, -29, D(2025, 2, 9), "M-Day 2"),
    ("gcsf", 3, -28, D(2025, 2, 10), "M-Day 3"),
    ("gcsf", 4, -27, D(2025, 2, 11), "M-Day 4"),
    ("apheresis", 5, -26, D(2025, 2, 12), "M-Day 5"),
]


def test_sample_plan_has_exactly_the_expected_occurrences() -> None:
    plan = make_plan()
    got = [
        (o.step_id.split("/")[1], o.anchor_day, o.day, o.date, o.label) for o in plan.occurrences()
    ]
    assert got == EXPECTED  # step order, then day order within a step


@pytest.mark.parametrize(
    ("step", "anchor_day", "day", "date", "label"),
    EXPECTED,
    ids=[f"{s}@{a}" for s, a, *_ in EXPECTED],
)
def test_each_occurrence(step: str, anchor_day: int, day: int, date: dt.date, label: str) -> None:
    occ = occ_map(make_plan())[(f"{T}/{step}", anchor_day)]
    assert (occ.day, occ.date, occ.planned_date, occ.label) == (day, date, date, label)
    assert occ.status is StepStatus.PLANNED
    assert occ.day == (occ.date - DAY0).days


def test_occurrence_fields() -> None:
    plan = make_plan()
    occ = next(o for o in plan.occurrences() if o.step_id == f"{T}/review" and o.position == 2)
    assert occ.step_id == "test-template/review"
    assert occ.title == "Clinic review"
    assert occ.phase is Phase.SUPPORTIVE_CARE
    assert occ.kind is StepKind.VISIT
    assert isinstance(occ.day, int) and occ.day == 6
    assert type(occ.date) is dt.date and occ.date == D(2025, 3, 16)
    assert occ.anchor == "day0" and occ.numbering == "offset"


def test_step_fields_copied_from_template() -> None:
    plan = make_plan()
    cond = plan.step(f"{T}/conditioning")
    assert cond.days == (-6, -5, -4, -3, -2)
    assert cond.regimen_tied and cond.drug == "melphalan"
    assert cond.dose is not None and cond.dose.amount == 100 and cond.dose.per.value == "m2"
    marrow = plan.step(f"{T}/marrow")
    assert (marrow.window_before, marrow.window_after) == (3, 3)
    occ = next(plan.step_occurrences(marrow))
    assert (occ.window_before, occ.window_after) == (3, 3)
    gcsf = plan.step(f"{T}/gcsf")
    assert gcsf.anchor == "mobilisation"
    assert plan.anchors["mobilisation"].numbering == "mday"
    assert plan.anchors["mobilisation"].default_day == -30


def test_unknown_step_refused() -> None:
    with pytest.raises(ValidationError, match="no step 'nope'"):
        make_plan().step("nope")


def test_mobilisation_anchor_as_real_date() -> None:
    first_dose = D(2025, 2, 1)
    plan = make_plan(anchors={"mobilisation": first_dose})
    gcsf = [o for o in plan.occurrences() if o.step_id == f"{T}/gcsf"]
    assert [o.date for o in gcsf] == [D(2025, 2, 1), D(2025, 2, 2), D(2025, 2, 3), D(2025, 2, 4)]
    assert [o.label for o in gcsf] == ["M-Day 1", "M-Day 2", "M-Day 3", "M-Day 4"]
    assert [o.day for o in gcsf] == [-37, -36, -35, -34]
    assert plan.anchor_date("mobilisation") == first_dose
    assert plan.anchor_date("day0") == DAY0


@pytest.mark.parametrize(
    ("anchors", "match"),
    [
        ({"day0": D(2025, 3, 1)}, "day0 argument"),
        ({"collection": D(2025, 3, 1)}, "no anchor 'collection'"),
        ({"mobilisation": dt.datetime(2025, 2, 1, 8)}, "calendar date"),
        ({"mobilisation": "2025-02-01"}, "calendar date"),
    ],
    ids=["day0", "unknown", "datetime", "string"],
)
def test_bad_anchors_refused(anchors: dict[str, object], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        make_plan(anchors=anchors)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "day0", [dt.datetime(2025, 3, 10, 9), "2025-03-10", None], ids=["datetime", "string", "none"]
)
def test_instantiate_refuses_a_non_date_day0(day0: object) -> None:
    with pytest.raises(ValidationError, match="calendar date"):
        instantiate(make_protocol(), day0)  # type: ignore[arg-type]


def test_template_ref_is_stored() -> None:
    text = protocol_toml(id="ref-check", version="7", title="Reference check")
    proto = make_protocol(text)
    plan = instantiate(proto, DAY0, transplant_id="tx-9", plan_id="plan-9")
    assert plan.templates == (TemplateRef("ref-check", "7", proto.checksum, "Reference check"),)
    assert plan.templates[0].checksum == hashlib.sha256(text.encode()).hexdigest()
    assert (plan.id, plan.transplant_id) == ("plan-9", "tx-9")
    assert all(s.template_id == "ref-check" for s in plan.steps)


def test_fresh_plans_get_distinct_ids() -> None:
    assert make_plan().id != make_plan().id


# --- several templates --------------------------------------------------------------------------

OTHER_STEPS = """\
[anchors.mobilisation]
default_day = -20
label = "another default"
numbering = "mday"

[[steps]]
id = "review"
title = "Transplant clinic review"
phase = "follow-up"
kind = "visit"
day = 100
"""


def test_instantiate_many_keeps_step_ids_unique() -> None:
    first = make_protocol()
    second = make_protocol(OTHER_STEPS, id="follow-up-b")
    plan = instantiate_many([first, second], DAY0)
    ids = [s.id for s in plan.steps]
    assert len(ids) == len(set(ids))
    assert "test-template/review" in ids and "follow-up-b/review" in ids
    assert plan.step("follow-up-b/review").title == "Transplant clinic review"
    assert [t.id for t in plan.templates] == ["test-template", "follow-up-b"]
    # The first template to declare an anchor sets its default.
    assert plan.anchors["mobilisation"].default_day == -30
    review100 = occ_map(plan)[("follow-up-b/review", 100)]
    assert review100.date == D(2025, 6, 18) and review100.label == "Day +100"


def test_instantiate_many_refuses_duplicates_and_nothing() -> None:
    proto = make_protocol()
    with pytest.raises(ValidationError, match="twice"):
        instantiate_many([proto, proto], DAY0)
    with pytest.raises(ValidationError, match="at least one"):
        instantiate_many([], DAY0)


def test_add_protocol() -> None:
    plan = make_plan()
    other = make_protocol(OTHER_STEPS, id="follow-up-b")
    bigger = add_protocol(plan, other)
    assert bigger.steps[: len(plan.steps)] == plan.steps
    assert bigger.steps[-1].id == "follow-up-b/review"
    assert [t.id for t in bigger.templates] == ["test-template", "follow-up-b"]
    assert bigger.anchors["mobilisation"] == plan.anchors["mobilisation"]
    assert len(plan.steps) == 6  # the original snapshot is untouched
    with pytest.raises(ValidationError, match="already uses template test-template"):
        add_protocol(plan, make_protocol())
    with pytest.raises(ValidationError, match="already uses template follow-up-b"):
        add_protocol(bigger, other)


# --- reanchor ------------------------------------------------------------------------------------


def test_reanchor_moves_planned_steps_and_lists_every_change() -> None:
    plan = make_plan()
    new_day0 = D(2025, 3, 12)
    moved, changes = reanchor(plan, new_day0, "donor delay")
    assert moved.day0 == new_day0 and plan.day0 == DAY0
    before, after = occ_map(plan), occ_map(moved)
    for key, occ in before.items():
        assert after[key].date == shifted(occ.date, 2), key
        assert after[key].day == occ.day  # relative days follow Day 0
    assert len(changes) == len(before) == 16
    by_key = {(c.step_id, c.index): c for c in changes}
    inf = by_key[(f"{T}/infusion", 0)]
    assert (inf.old_date, inf.new_date, inf.old_day, inf.new_day) == (
        D(2025, 3, 10),
        D(2025, 3, 12),
        0,
        0,
    )
    assert inf.title == "Stem-cell infusion"
    for c in changes:
        assert (c.new_date - c.old_date).days == 2


def test_reanchor_keeps_fixed_anchors_and_moves_default_ones() -> None:
    fixed = make_plan(anchors={"mobilisation": D(2025, 2, 1)})
    moved, changes = reanchor(fixed, D(2025, 3, 17), "infection")
    for key, occ in occ_map(fixed).items():
        new = occ_map(moved)[key]
        if occ.anchor == "mobilisation":
            assert new.date == occ.date
            assert new.day == occ.day - 7
            assert new.label == occ.label
        else:
            assert new.date == shifted(occ.date, 7)
    assert {c.step_id for c in changes} == {
        f"{T}/{s}" for s in ("conditioning", "infusion", "review", "marrow")
    }
    # With the default anchor the mobilisation steps move too.
    default = make_plan()
    moved2, changes2 = reanchor(default, D(2025, 3, 17), "infection")
    assert moved2.anchor_date("mobilisation") == D(2025, 2, 15)
    assert {c.step_id for c in changes2} >= {f"{T}/gcsf", f"{T}/apheresis"}


def test_reanchor_keeps_done_occurrences_on_their_real_dates() -> None:
    plan = make_plan()
    plan = mark_done(plan, f"{T}/conditioning", -6, D(2025, 3, 4), **BY)
    plan = mark_done(plan, f"{T}/conditioning", -5, D(2025, 3, 6), reason="late", **BY)
    moved, changes = reanchor(plan, D(2025, 3, 12), "bed shortage")
    after = occ_map(moved)
    done6 = after[(f"{T}/conditioning", -6)]
    done5 = after[(f"{T}/conditioning", -5)]
    assert (done6.date, done6.day, done6.status) == (D(2025, 3, 4), -8, StepStatus.DONE)
    assert (done5.date, done5.day) == (D(2025, 3, 6), -6)
    assert done6.label == "Day -8"
    # Their planned dates follow Day 0; what happened does not.
    assert done6.planned_date == D(2025, 3, 6)
    assert after[(f"{T}/conditioning", -4)].date == D(2025, 3, 8)
    changed = {(c.step_id, c.index) for c in changes}
    assert (f"{T}/conditioning", 0) not in changed
    assert (f"{T}/conditioning", 1) not in changed
    assert (f"{T}/conditioning", 2) in changed
    assert len(changes) == 14


def test_reanchor_freezes_done_records_that_have_no_date() -> None:
    plan = make_plan()
    step = plan.step(f"{T}/conditioning")
    legacy = PlanStep(
        **{**step.__dict__, "records": (OccurrenceRecord(-6, StepStatus.DONE, None, by="x"),)}
    )
    plan = Plan(
        plan.id,
        plan.transplant_id,
        plan.day0,
        plan.anchors,
        tuple(legacy if s.id == step.id else s for s in plan.steps),
    )
    moved, changes = reanchor(plan, D(2025, 3, 14), "product issue")
    occ = occ_map(moved)[(f"{T}/conditioning", -6)]
    given = DAY0 - dt.timedelta(days=6)
    assert occ.date == given and occ.day == -10
    assert moved.step(f"{T}/conditioning").records[0].actual_date == given
    assert (f"{T}/conditioning", 0) not in {(c.step_id, c.index) for c in changes}


@pytest.mark.parametrize(
    ("new_day0", "reason", "match"),
    [
        (D(2025, 3, 12), "", "reason"),
        (D(2025, 3, 12), "   ", "reason"),
        (D(2025, 3, 12), None, "reason"),
        (DAY0, "no change", "already 2025-03-10"),
        (dt.datetime(2025, 3, 12, 8), "delay", "calendar date"),
        ("2025-03-12", "delay", "calendar date"),
    ],
    ids=["empty", "blank", "none", "same-date", "datetime", "string"],
)
def test_reanchor_refusals(new_day0: object, reason: object, match: str) -> None:
    plan = make_plan()
    with pytest.raises(ValidationError, match=match):
        reanchor(plan, new_day0, reason)  # type: ignore[arg-type]


def test_day0_history_records_each_move() -> None:
    plan = make_plan()
    assert plan.day0_history == ()
    once, _ = reanchor(plan, D(2025, 3, 12), "  donor delay  ")
    twice, _ = reanchor(once, D(2025, 3, 9), "donor available early")
    assert twice.day0_history == (
        Day0Change(D(2025, 3, 10), D(2025, 3, 12), "donor delay"),
        Day0Change(D(2025, 3, 12), D(2025, 3, 9), "donor available early"),
    )
    assert once.day0_history == (Day0Change(D(2025, 3, 10), D(2025, 3, 12), "donor delay"),)


# --- move_step, anchors, statuses ----------------------------------------------------------------


def test_move_step_shifts_only_not_done_occurrences() -> None:
    plan = mark_done(make_plan(), f"{T}/review", 1, D(2025, 3, 11), **BY)
    moved, changes = move_step(plan, f"{T}/review", 1)
    after = occ_map(moved)
    assert after[(f"{T}/review", 1)].date == D(2025, 3, 11)
    assert [after[(f"{T}/review", d)].date for d in (3, 6, 11)] == [
        D(2025, 3, 14),
        D(2025, 3, 17),
        D(2025, 3, 22),
    ]
    assert [after[(f"{T}/review", d)].label for d in (3, 6, 11)] == ["Day +4", "Day +7", "Day +12"]
    assert [(c.index, c.old_day, c.new_day) for c in changes] == [(1, 3, 4), (2, 6, 7), (3, 11, 12)]
    # Other steps are untouched.
    for key, occ in occ_map(plan).items():
        if key[0] != f"{T}/review":
            assert after[key] == occ
    again, _ = move_step(moved, f"{T}/review", -3)
    assert again.step(f"{T}/review").shift == -2


def test_move_step_by_zero_is_a_no_op() -> None:
    plan = make_plan()
    same, changes = move_step(plan, f"{T}/review", 0)
    assert same is plan and changes == []


def test_move_step_refuses_a_fully_done_step() -> None:
    plan = mark_done(make_plan(), f"{T}/infusion", 0, DAY0, **BY)
    with pytest.raises(ValidationError, match="is done"):
        move_step(plan, f"{T}/infusion", 1)
    with pytest.raises(ValidationError, match="no step"):
        move_step(plan, "nope", 1)


def test_set_anchor_date_and_back() -> None:
    plan = make_plan()
    fixed, changes = set_anchor_date(plan, "mobilisation", D(2025, 2, 1))
    assert fixed.anchors["mobilisation"].fixed_date == D(2025, 2, 1)
    assert len(changes) == 5
    assert all((c.new_date - c.old_date).days == -7 for c in changes)
    assert {c.step_id for c in changes} == {f"{T}/gcsf", f"{T}/apheresis"}
    back, changes_back = set_anchor_date(fixed, "mobilisation", None)
    assert dates_of(back) == dates_of(plan)
    assert len(changes_back) == 5


@pytest.mark.parametrize(
    ("anchor", "date", "match"),
    [
        ("day0", D(2025, 3, 1), "not an anchor"),
        ("collection", D(2025, 3, 1), "not an anchor"),
        ("mobilisation", dt.datetime(2025, 2, 1, 7), "calendar date"),
        ("mobilisation", "2025-02-01", "calendar date"),
    ],
    ids=["day0", "unknown", "datetime", "string"],
)
def test_set_anchor_date_refusals(anchor: str, date: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        set_anchor_date(make_plan(), anchor, date)  # type: ignore[arg-type]


def test_mark_done_records_who_and_when() -> None:
    plan = mark_done(
        make_plan(),
        f"{T}/marrow",
        28,
        D(2025, 4, 9),
        by="amy",
        at="2025-04-09T03:00:00Z",
        reason="slot",
    )
    rec = plan.step(f"{T}/marrow").records[0]
    assert rec == OccurrenceRecord(
        28, StepStatus.DONE, D(2025, 4, 9), by="amy", at="2025-04-09T03:00:00Z", reason="slot"
    )
    occ = occ_map(plan)[(f"{T}/marrow", 28)]
    assert (occ.date, occ.day, occ.planned_date, occ.status) == (
        D(2025, 4, 9),
        30,
        D(2025, 4, 7),
        StepStatus.DONE,
    )
    assert plan.step(f"{T}/marrow").is_done
    # A second entry replaces the first; undo makes it planned again.
    again = mark_done(plan, f"{T}/marrow", 28, D(2025, 4, 8), **BY)
    assert len(again.step(f"{T}/marrow").records) == 1
    undone = undo_occurrence_record(again, f"{T}/marrow", 28)
    assert occ_map(undone)[(f"{T}/marrow", 28)].status is StepStatus.PLANNED
    assert occ_map(undone)[(f"{T}/marrow", 28)].date == D(2025, 4, 7)


@pytest.mark.parametrize(
    ("offset", "when", "match"),
    [
        (29, D(2025, 4, 8), "no occurrence on day 29"),
        (28, dt.datetime(2025, 4, 8, 10), "calendar date"),
        (28, "2025-04-08", "calendar date"),
    ],
    ids=["wrong-offset", "datetime", "string"],
)
def test_mark_done_refusals(offset: int, when: object, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        mark_done(make_plan(), f"{T}/marrow", offset, when, **BY)  # type: ignore[arg-type]


def test_skip_occurrence_requires_a_reason() -> None:
    plan = make_plan()
    for reason in ("", "   "):
        with pytest.raises(ValidationError, match="reason"):
            skip_occurrence(plan, f"{T}/review", 3, reason=reason, **BY)
    with pytest.raises(ValidationError, match="no occurrence"):
        skip_occurrence(plan, f"{T}/review", 2, reason="x", **BY)
    skipped = skip_occurrence(plan, f"{T}/review", 3, reason=" patient away ", **BY)
    rec = skipped.step(f"{T}/review").record_for(3)
    assert rec is not None and rec.status is StepStatus.SKIPPED and rec.reason == "patient away"
    assert rec.actual_date == D(2025, 3, 13)  # the date the skip is about stays with it
    occ = occ_map(skipped)[(f"{T}/review", 3)]
    assert occ.status is StepStatus.SKIPPED and occ.date == D(2025, 3, 13)
    assert not skipped.step(f"{T}/review").is_done


@pytest.mark.parametrize(
    "status", [StepStatus.SKIPPED, StepStatus.CANCELLED], ids=["skipped", "cancelled"]
)
def test_set_step_status(status: StepStatus) -> None:
    plan = make_plan()
    with pytest.raises(ValidationError, match="reason"):
        set_step_status(plan, f"{T}/review", status, " ")
    changed = set_step_status(plan, f"{T}/review", status, " not needed ")
    step = changed.step(f"{T}/review")
    assert (step.status, step.status_reason) == (status, "not needed")
    assert {o.status for o in changed.step_occurrences(step)} == {status}
    replanned = set_step_status(changed, f"{T}/review", StepStatus.PLANNED, "")
    assert {o.status for o in replanned.step_occurrences(replanned.step(f"{T}/review"))} == {
        StepStatus.PLANNED
    }


def test_set_step_status_refuses_done_without_dates() -> None:
    # A whole step "done" without dates would silently move with Day 0.
    with pytest.raises(ValidationError, match="each occurrence"):
        set_step_status(make_plan(), f"{T}/review", StepStatus.DONE, "all done")


# --- calendar flags ------------------------------------------------------------------------------


def flags_of(plan: Plan, closures: Iterable[dt.date] = ()) -> list[tuple[str, dt.date, str]]:
    return [
        (f.occurrence.step_id.split("/")[1], f.occurrence.date, f.reason)
        for f in calendar_flags(plan, closures)
    ]


def test_calendar_flags_weekends_for_visits_not_medicines() -> None:
    plan = make_plan()
    # Conditioning (Sat 03-08) and filgrastim (Sat 02-08, Sun 02-09) are medicines: no flag.
    assert flags_of(plan) == [("review", D(2025, 3, 16), "weekend")]


def test_calendar_flags_closures() -> None:
    plan = make_plan()
    closures = [D(2025, 3, 13), D(2025, 4, 7), D(2025, 3, 8), D(2025, 3, 16), D(2025, 2, 12)]
    assert flags_of(plan, closures) == [
        ("review", D(2025, 3, 13), "clinic closed"),
        ("review", D(2025, 3, 16), "clinic closed"),
        ("marrow", D(2025, 4, 7), "clinic closed"),
        ("apheresis", D(2025, 2, 12), "clinic closed"),
    ]


def test_calendar_flags_skip_done_and_cancelled() -> None:
    plan = mark_done(make_plan(), f"{T}/review", 6, D(2025, 3, 16), **BY)
    assert flags_of(plan) == []
    cancelled = set_step_status(make_plan(), f"{T}/review", StepStatus.CANCELLED, "moved")
    assert flags_of(cancelled) == []


def test_calendar_flags_follow_a_reanchor() -> None:
    moved, _ = reanchor(make_plan(), D(2025, 3, 11), "delay")  # everything one day later
    got = flags_of(moved)
    assert ("review", D(2025, 3, 22), "weekend") in got  # Day +11 now on a Saturday
    assert ("review", D(2025, 3, 17), "weekend") not in got


# --- schedule rows -------------------------------------------------------------------------------


def test_schedule_rows_are_sorted_by_date() -> None:
    rows = schedule_rows(make_plan())
    assert [r.date for r in rows] == sorted(r.date for r in rows)
    assert rows[0].as_json() == {
        "day": -30,
        "date": "2025-02-08",
        "phase": "mobilisation",
        "step_id": "gcsf",
        "title": "Filgrastim",
    }
    assert rows[0].label == "M-Day 1"


# --- a large plan ---------------------------------------------------------------------------------


def _big_template(n: int = 200) -> str:
    blocks = []
    for i in range(n):
        day = i - 100
        blocks.append(
            f'[[steps]]\nid = "s{i:03d}"\ntitle = "Step {i}"\nphase = "recovery"\n'
            f'kind = "{"lab" if i % 2 else "medication"}"\n'
            f"days = [{day}, {day + 1}, {day + 7}]\n"
        )
    return "\n".join(blocks)


def test_two_hundred_step_plan_reanchors() -> None:
    plan = make_plan(make_protocol(_big_template(), id="big"))
    assert len(plan.steps) == 200
    plan = mark_done(plan, "big/s000", -100, D(2024, 12, 1), **BY)
    moved, changes = reanchor(plan, shifted(DAY0, 9), "capacity")
    before, after = occ_map(plan), occ_map(moved)
    assert len(before) == len(after) == 600
    for key, occ in before.items():
        if occ.status is StepStatus.DONE:
            assert after[key].date == occ.date
        else:
            assert after[key].date == shifted(occ.date, 9), key
    assert len(changes) == 599
    assert all((c.new_date - c.old_date).days == 9 for c in changes)


# --- properties -------------------------------------------------------------------------------------

anchors_st = st.fixed_dictionaries(
    {
        "day0": st.just(AnchorState("day0", 0, "stem-cell infusion")),
        "mob": st.builds(
            AnchorState,
            name=st.just("mob"),
            default_day=st.integers(-60, -5),
            numbering=st.sampled_from(["mday", "offset"]),
            fixed_date=st.none() | st.dates(D(2024, 1, 1), D(2026, 12, 31)),
        ),
        "later": st.builds(
            AnchorState,
            name=st.just("later"),
            default_day=st.integers(1, 60),
            fixed_date=st.none() | st.dates(D(2024, 1, 1), D(2026, 12, 31)),
        ),
    }
)


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    anchors = draw(anchors_st)
    day0 = draw(st.dates(D(1990, 1, 1), D(2150, 12, 31)))
    steps = []
    for i in range(draw(st.integers(1, 8))):
        anchor = draw(st.sampled_from(sorted(anchors)))
        days = draw(st.lists(st.integers(-40, 120), min_size=1, max_size=6, unique=True))
        if anchors[anchor].numbering == "mday":
            days = [d for d in days if d != 0] or [1]
        steps.append(
            PlanStep(
                id=f"t/s{i}",
                template_id="t",
                title=f"Step {i}",
                phase=draw(st.sampled_from(list(Phase))),
                kind=draw(st.sampled_from(list(StepKind))),
                anchor=anchor,
                days=tuple(sorted(days)),
                shift=draw(st.integers(-5, 5)),
                status=draw(st.sampled_from([StepStatus.PLANNED, StepStatus.SKIPPED])),
            )
        )
    plan = Plan(id="p", transplant_id="tx", day0=day0, anchors=anchors, steps=tuple(steps))
    for step in steps:
        for offset in step.days:
            action = draw(st.sampled_from(["none", "none", "done", "skip"]))
            if (
                action == "done"
                and step.phase is Phase.INFUSION
                and (step.anchor == "day0" and offset == 0)
            ):
                action = "none"  # a given Day 0 infusion pins Day 0: tested on its own
            if action == "done":
                late = draw(st.integers(-3, 3))
                when = shifted(plan.planned_date(step, offset), late)
                plan = mark_done(plan, step.id, offset, when, **BY)
            elif action == "skip":
                plan = skip_occurrence(plan, step.id, offset, reason="unwell", **BY)
    return plan


deltas = st.integers(-400, 400).filter(lambda d: d != 0)


@settings(max_examples=150)
@given(plan=plans(), delta=deltas)
def test_property_reanchor_moves_planned_by_delta(plan: Plan, delta: int) -> None:
    moved, changes = reanchor(plan, shifted(plan.day0, delta), "property")
    before, after = occ_map(plan), occ_map(moved)
    assert before.keys() == after.keys()
    expected_changes = set()
    for key, occ in before.items():
        new = after[key]
        if _recorded(plan, occ):
            # A recorded event (given, or skipped for that date) keeps its date.
            assert new.date == occ.date
            assert new.day == occ.day - delta
        elif plan.anchors[occ.anchor].fixed_date is not None:
            assert new.date == occ.date
        else:
            assert new.date == shifted(occ.date, delta)
            assert new.day == occ.day
            expected_changes.add((occ.step_id, occ.position))
        assert new.status == occ.status
    assert {(c.step_id, c.index) for c in changes} == expected_changes
    assert all(c.new_date != c.old_date for c in changes)
    assert moved.day0_history[-1] == Day0Change(plan.day0, moved.day0, "property")


@settings(max_examples=150)
@given(plan=plans(), delta=deltas)
def test_property_reanchor_there_and_back(plan: Plan, delta: int) -> None:
    there, _ = reanchor(plan, shifted(plan.day0, delta), "there")
    back, changes = reanchor(there, plan.day0, "back")
    assert back.day0 == plan.day0
    assert dates_of(back) == dates_of(plan)
    assert {k: o.day for k, o in occ_map(back).items()} == {
        k: o.day for k, o in occ_map(plan).items()
    }
    assert [c.reason for c in back.day0_history] == ["there", "back"]
    # Undoing the move lists the same occurrences as the move did.
    assert {(c.step_id, c.index) for c in changes} == {
        (c.step_id, c.index) for c in diff_dates(plan, there)
    }


@settings(max_examples=100)
@given(plan=plans(), delta=deltas, data=st.data())
def test_property_move_step_moves_only_that_steps_open_occurrences(
    plan: Plan, delta: int, data: st.DataObject
) -> None:
    step = data.draw(st.sampled_from(plan.steps))
    if step.is_done:
        with pytest.raises(ValidationError):
            move_step(plan, step.id, delta)
        return
    moved, changes = move_step(plan, step.id, delta)
    before, after = occ_map(plan), occ_map(moved)
    for key, occ in before.items():
        new = after[key]
        if key[0] == step.id and not _recorded(plan, occ):
            assert new.date == shifted(occ.date, delta)
        else:
            assert new.date == occ.date  # other steps, and records about their dates
    assert len(changes) == sum(
        1 for k, o in before.items() if k[0] == step.id and not _recorded(plan, o)
    )


def _recorded(plan: Plan, occ: Occurrence) -> bool:
    """A done or skipped record of this occurrence (a whole step skipped has none)."""
    rec = plan.step(occ.step_id).record_for(occ.anchor_day)
    return rec is not None and rec.status in (StepStatus.DONE, StepStatus.SKIPPED)


def _infusion_id(plan: Plan) -> str:
    return next(s.id for s in plan.steps if s.phase is Phase.INFUSION)


def test_day0_cannot_move_away_from_a_given_infusion() -> None:
    plan = make_plan()
    given = mark_done(plan, _infusion_id(plan), 0, DAY0, by="rn", at="2026-03-10T09:00:00Z")
    with pytest.raises(ValidationError, match=r"recorded as given on .*so that is Day 0"):
        reanchor(given, DAY0 + dt.timedelta(days=2), "late donor")
    moved_before, _ = reanchor(plan, DAY0 + dt.timedelta(days=2), "late donor")
    assert moved_before.day0 == DAY0 + dt.timedelta(days=2)  # before the infusion: allowed


def test_day0_follows_an_infusion_given_a_day_late() -> None:
    plan = make_plan()
    late = DAY0 + dt.timedelta(days=1)
    given = mark_done(plan, _infusion_id(plan), 0, late, by="rn", at="2026-03-11T09:00:00Z")
    moved, changes = reanchor(given, late, "infusion given a day late")
    assert moved.day0 == late
    infusion = next(o for o in moved.occurrences() if o.phase is Phase.INFUSION)
    assert infusion.day == 0 and infusion.date == late
    assert changes
