"""TransplantSession plan commands: do, undo, redo, coalescing, failed saves, conflicts
between workstations."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.domain.plans import move_step, reanchor
from planner.errors import StorageError
from planner.records.ports import Actor
from ui.transplant_session import Snapshot


@pytest.fixture
def _session(open_session, make_clinic):
    def make(_repo, mrn="DEMO-0001", resolver=None, actor=None):
        clinic = make_clinic(actor) if actor is not None else None
        return open_session(mrn, resolver, clinic=clinic)

    return make


def _any_step(session):
    return next(s for s in session.plan.steps if not s.is_done and not s.records)


def test_push_saves_at_once_and_undo_redo_save_too(qapp, demo_repo, _session):
    session = _session(demo_repo)
    step = _any_step(session)
    after, _ = move_step(session.plan, step.id, 2)
    session.push(after, "Move")
    assert demo_repo.get_plan(session.transplant.id).step(step.id).shift == 2
    assert session.undo_stack.count() == 1
    session.undo_stack.undo()
    assert demo_repo.get_plan(session.transplant.id).step(step.id).shift == 0
    session.undo_stack.redo()
    assert demo_repo.get_plan(session.transplant.id).step(step.id).shift == 2
    # each of do, undo, redo is its own audited transaction
    shifts = [e for e in demo_repo.audit_log() if e.field == f"steps[{step.id}].shift"]
    assert [e.new for e in shifts] == ["2", "0", "2"]


def test_changed_signal_carries_the_date_changes(qapp, qtbot, demo_repo, _session):
    session = _session(demo_repo)
    step = _any_step(session)
    after, expected = move_step(session.plan, step.id, 1)
    with qtbot.waitSignal(session.sig_changed) as blocker:
        session.push(after, "Move")
    assert blocker.args[0].date_changes == expected
    assert blocker.args[0].parts == {"plan"}


def test_day0_snapshot_moves_plan_and_transplant_together(qapp, demo_repo, _session):
    session = _session(demo_repo)
    new_day0 = session.plan.day0 + dt.timedelta(days=10)
    plan, _ = reanchor(session.plan, new_day0, "donor delayed")
    session.push(
        Snapshot(plan, replace(session.transplant, day0=new_day0)),
        "Move Day 0",
        reason="donor delayed",
    )
    assert demo_repo.get_transplant(session.transplant.id).day0 == new_day0
    session.undo_stack.undo()
    assert demo_repo.get_transplant(session.transplant.id).day0 == plan.day0 - dt.timedelta(days=10)


def test_failed_save_pushes_nothing(qapp, demo_repo, monkeypatch, _session):
    session = _session(demo_repo)
    step = _any_step(session)
    before = session.plan

    def broken(action):
        raise StorageError("The disk is full.")

    monkeypatch.setattr(demo_repo, "commit", broken)
    after, _ = move_step(session.plan, step.id, 1)
    with pytest.raises(StorageError):
        session.push(after, "Move")
    assert session.undo_stack.count() == 0
    assert session.plan == before


def test_conflict_take_theirs(qapp, demo_repo, _session):
    asked = []
    mine = _session(demo_repo, resolver=lambda m, t: asked.append((m, t)) or False)
    theirs = _session(demo_repo, actor=Actor("other", "ws-2"))
    step = _any_step(mine)
    other_plan, _ = move_step(theirs.plan, step.id, 5)
    theirs.push(other_plan, "Their move")
    my_plan, _ = move_step(mine.plan, step.id, 1)
    mine.push(my_plan, "My move")
    assert len(asked) == 1
    assert asked[0][1].plan.step(step.id).shift == 5  # their version was shown
    assert mine.plan.step(step.id).shift == 5  # and taken
    assert demo_repo.get_plan(mine.transplant.id).step(step.id).shift == 5
    assert mine.undo_stack.count() == 0


def test_conflict_keep_mine_is_saved_and_audited(qapp, demo_repo, _session):
    mine = _session(demo_repo, resolver=lambda m, t: True)
    theirs = _session(demo_repo, actor=Actor("other", "ws-2"))
    step = _any_step(mine)
    other_plan, _ = move_step(theirs.plan, step.id, 5)
    theirs.push(other_plan, "Their move")
    my_plan, _ = move_step(mine.plan, step.id, 1)
    mine.push(my_plan, "My move")
    assert demo_repo.get_plan(mine.transplant.id).step(step.id).shift == 1
    descriptions = {e.action for e in demo_repo.audit_log()}
    assert any("kept over a concurrent change" in d for d in descriptions)


def test_failed_undo_leaves_the_stack_and_keeps_the_screen_true(
    qapp, qtbot, demo_repo, monkeypatch, _session
):
    session = _session(demo_repo)
    step = _any_step(session)
    after, _ = move_step(session.plan, step.id, 2)
    session.push(after, "Move")
    saved = demo_repo.get_plan(session.transplant.id)

    def broken(action):
        raise StorageError("The disk is full.")

    monkeypatch.setattr(demo_repo, "commit", broken)
    with qtbot.waitSignal(session._clinic.sig_message) as blocker:
        session.undo_stack.undo()
    assert "Could not undo 'Move'" in blocker.args[0] and "disk is full" in blocker.args[0]
    qtbot.waitUntil(lambda: session.undo_stack.count() == 0)
    assert session.plan.step(step.id).shift == 2  # the screen shows what is stored
    assert demo_repo.get_plan(session.transplant.id) == saved


def test_push_reports_whether_the_edit_was_applied(qapp, demo_repo, _session):
    mine = _session(demo_repo, resolver=lambda m, t: False)
    theirs = _session(demo_repo, actor=Actor("other", "ws-2"))
    step = _any_step(mine)
    assert theirs.push(move_step(theirs.plan, step.id, 5)[0], "Their move") is True
    assert mine.push(move_step(mine.plan, step.id, 1)[0], "My move") is False
