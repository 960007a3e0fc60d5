"""End-to-end flows: create a patient and plan, drag a step, move Day 0, undo, redo, restart."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtCore import QPoint, QSettings, Qt

from planner.domain.patients import Patient, Transplant, TransplantStatus, new_id
from planner.domain.plans import StepStatus
from planner.domain.templates import load_protocols
from planner.storage import open_repository
from tests.gui.conftest import ACTOR, NOW
from ui.app import create_main_window
from ui.dialogs.day0_dialog import Day0Move, MoveDay0Dialog
from ui.dialogs.patient_dialog import PatientDialog
from ui.dialogs.plan_wizard import PlanRequest, PlanWizard
from ui.dialogs.step_dialogs import StepDialogs

TODAY = NOW.date()


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def _future_step(ws, *, tied=False):
    """A planned, not-done step entirely after today."""
    for step in ws.session.plan.steps:
        occs = list(ws.session.plan.step_occurrences(step))
        if (
            step.regimen_tied == tied
            and all(o.status is StepStatus.PLANNED for o in occs)
            and min(o.date for o in occs) > TODAY + dt.timedelta(days=3)
        ):
            return step
    raise AssertionError("no suitable step in the demo plan")


def test_create_patient_and_plan(demo_window, demo_repo, monkeypatch):
    patient = Patient(
        id=new_id(),
        mrn="NEW-0001",
        family_name="Example",
        given_name="Ana",
        date_of_birth=dt.date(1975, 6, 1),
        sex="female",
        height_cm=165,
        weight_kg=60,
        weight_date=TODAY,
    )
    protocols = load_protocols()

    def fake_wizard(parent, p, protos, today):
        transplant = Transplant(
            id=new_id(),
            patient_id=p.id,
            transplant_type="autologous",
            graft_source="pbsc",
            day0=TODAY + dt.timedelta(days=21),
            status=TransplantStatus.PLANNED,
        )
        return PlanRequest(transplant, (protos["mel200-auto"], protos["follow-up-auto"]), {})

    monkeypatch.setattr(PatientDialog, "ask", lambda parent, p, today: patient)
    monkeypatch.setattr(PlanWizard, "ask", fake_wizard)
    demo_window.protocols = protocols
    demo_window.actions_by_name["new_patient"].trigger()
    ws = demo_window.current_workspace()
    assert ws is not None and ws.session.patient.mrn == "NEW-0001"
    stored = demo_repo.get_plan(ws.session.transplant.id)
    assert stored is not None
    assert {t.id for t in stored.templates} == {"mel200-auto", "follow-up-auto"}
    assert any(r.mrn == "NEW-0001" for r in demo_window.session.rows)


def test_drag_on_timeline_moves_step_and_undo_restores(demo_window, demo_repo, qtbot):
    ws = _open(demo_window, "DEMO-0009")
    demo_window.resize(1400, 900)
    with qtbot.waitExposed(demo_window):
        demo_window.show()
    step = _future_step(ws)
    before = [o.date for o in ws.session.plan.step_occurrences(step)]
    timeline = ws.timeline
    timeline.zoom_in()
    timeline.select_step(step.id)  # scrolls the bar into view
    rect = timeline.bar_rect(step.id)
    assert not rect.isNull() and timeline.rect().contains(rect.center().toPoint())
    start = rect.center().toPoint()
    end = start + QPoint(round(2 * timeline.px_per_day), 0)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(timeline, end)
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=end)
    moved = [
        o.date
        for o in demo_repo.get_plan(ws.session.transplant.id).step_occurrences(
            demo_repo.get_plan(ws.session.transplant.id).step(step.id)
        )
    ]
    assert moved == [d + dt.timedelta(days=2) for d in before]
    demo_window.actions_by_name["undo"].trigger()
    plan = demo_repo.get_plan(ws.session.transplant.id)
    assert [o.date for o in plan.step_occurrences(plan.step(step.id))] == before
    demo_window.actions_by_name["redo"].trigger()
    plan = demo_repo.get_plan(ws.session.transplant.id)
    first = next(plan.step_occurrences(plan.step(step.id)))
    assert first.date == before[0] + dt.timedelta(days=2)


def test_regimen_tied_step_asks_before_moving(demo_window, monkeypatch):
    ws = _open(demo_window, "DEMO-0001")  # work-up: conditioning still ahead
    step = _future_step(ws, tied=True)
    asked = []
    monkeypatch.setattr(
        StepDialogs, "confirm", lambda parent, title, text: asked.append(text) or False
    )
    ws.timeline.sig_step_move_requested.emit(step.id, 1)
    assert asked and step.title in asked[0]
    assert ws.session.plan.step(step.id).shift == 0
    monkeypatch.setattr(StepDialogs, "confirm", lambda parent, title, text: True)
    ws.timeline.sig_step_move_requested.emit(step.id, 1)
    assert ws.session.plan.step(step.id).shift == 1


def test_keyboard_nudges_coalesce_into_one_undo_step(demo_window):
    ws = _open(demo_window, "DEMO-0009")
    step = _future_step(ws)
    stack = ws.session.undo_stack
    for _ in range(3):
        ws.timeline.sig_step_move_requested.emit(step.id, 1)
    assert ws.session.plan.step(step.id).shift == 3
    assert stack.count() == 1
    stack.undo()
    assert ws.session.plan.step(step.id).shift == 0


def test_move_day0_with_reason_then_undo_redo(demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0001")
    old_day0 = ws.session.plan.day0
    new_day0 = old_day0 + dt.timedelta(days=14)
    monkeypatch.setattr(
        MoveDay0Dialog, "ask", lambda parent, plan, **_k: Day0Move(new_day0, "donor delayed")
    )
    demo_window.actions_by_name["move_day0"].trigger()
    tid = ws.session.transplant.id
    assert demo_repo.get_plan(tid).day0 == new_day0
    assert demo_repo.get_transplant(tid).day0 == new_day0
    reasons = {e.reason for e in demo_repo.audit_log(ws.session.patient.id) if e.field == "day0"}
    assert "donor delayed" in reasons
    # done steps kept their real dates
    for occ in ws.session.plan.occurrences():
        if occ.status is StepStatus.DONE:
            assert occ.date < TODAY
    demo_window.actions_by_name["undo"].trigger()
    assert demo_repo.get_plan(tid).day0 == old_day0
    assert demo_repo.get_transplant(tid).day0 == old_day0
    demo_window.actions_by_name["redo"].trigger()
    assert demo_repo.get_plan(tid).day0 == new_day0


def test_mark_done_and_skip_from_the_timeline_menu(demo_window, demo_repo, monkeypatch):
    from ui.dialogs.step_dialogs import DoneEntry

    ws = _open(demo_window, "DEMO-0009")
    step = _future_step(ws)
    offset = step.days[0]
    monkeypatch.setattr(
        StepDialogs, "ask_done", lambda parent, occ, today: DoneEntry(TODAY, "given early")
    )
    ws.timeline.sig_step_action_requested.emit(step.id, "done", offset)
    rec = demo_repo.get_plan(ws.session.transplant.id).step(step.id).record_for(offset)
    assert rec is not None and rec.actual_date == TODAY and rec.by == ACTOR.user
    if len(step.days) > 1:
        monkeypatch.setattr(StepDialogs, "ask_reason", lambda parent, title, prompt: "refused")
        ws.timeline.sig_step_action_requested.emit(step.id, "skip", step.days[1])
        rec2 = demo_repo.get_plan(ws.session.transplant.id).step(step.id).record_for(step.days[1])
        assert rec2 is not None and rec2.status is StepStatus.SKIPPED
        assert rec2.reason == "refused"


def test_restart_restores_tabs_and_data(tmp_path, qtbot, monkeypatch):
    db = tmp_path / "clinic.db"
    ini = tmp_path / "settings.ini"
    from planner.app.context import Context
    from planner.app.demo import load_demo_clinic

    repo = open_repository(str(db), user="u", workstation="w")
    load_demo_clinic(repo, Context(ACTOR, NOW))
    window = create_main_window(
        repo,
        actor=ACTOR,
        clock=lambda: NOW,
        demo=True,
        settings=QSettings(str(ini), QSettings.Format.IniFormat),
    )
    qtbot.addWidget(window)
    ws = _open(window, "DEMO-0001")
    new_day0 = ws.session.plan.day0 + dt.timedelta(days=7)
    monkeypatch.setattr(
        MoveDay0Dialog, "ask", lambda parent, plan, **_k: Day0Move(new_day0, "bed not available")
    )
    window.actions_by_name["move_day0"].trigger()
    plan_before = ws.session.plan
    window.close()
    repo.close()

    repo2 = open_repository(str(db), user="u", workstation="w")
    try:
        window2 = create_main_window(
            repo2,
            actor=ACTOR,
            clock=lambda: NOW,
            demo=True,
            settings=QSettings(str(ini), QSettings.Format.IniFormat),
        )
        qtbot.addWidget(window2)
        window2.restore_state()
        reopened = window2.workspaces()
        assert [w.session.patient.mrn for w in reopened] == ["DEMO-0001"]
        plan_after = reopened[0].session.plan
        assert plan_after.day0 == new_day0
        assert replace(plan_after, version=0) == replace(plan_before, version=0)
        window2.close()
    finally:
        repo2.close()


def test_date_edit_in_the_step_table_asks_for_regimen_steps(demo_window, monkeypatch):
    from PySide6.QtCore import QDate

    from ui.models.step_table_model import DATE_COL

    ws = _open(demo_window, "DEMO-0001")
    step = _future_step(ws, tied=True)
    model = ws.table_model
    row = next(r for r in range(model.rowCount()) if model.occurrence(r).step_id == step.id)
    occ = model.occurrence(row)
    asked = []
    monkeypatch.setattr(
        StepDialogs, "confirm", lambda parent, title, text: asked.append(text) or False
    )
    target = QDate(occ.date.year, occ.date.month, occ.date.day).addDays(1)
    model.setData(model.index(row, DATE_COL), target)
    assert asked and ws.session.plan.step(step.id).shift == 0


def test_refused_table_edit_is_explained(demo_window, qtbot):
    from ui.models.step_table_model import NOTE_COL

    ws = _open(demo_window, "DEMO-0009")
    with qtbot.waitSignal(ws.sig_status) as blocker:
        assert not ws.table_model.setData(ws.table_model.index(0, NOTE_COL), "x" * 2001)
    assert "2,000 characters" in blocker.args[0]


def test_cancel_a_whole_step_then_plan_it_again(demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0009")
    step = _future_step(ws)
    tid = ws.session.transplant.id
    monkeypatch.setattr(
        StepDialogs, "ask_reason", lambda parent, title, prompt: "stopped by the haematologist"
    )
    ws.timeline.sig_step_action_requested.emit(step.id, "cancel", step.days[0])
    stored = demo_repo.get_plan(tid).step(step.id)
    assert stored.status is StepStatus.CANCELLED
    assert stored.status_reason == "stopped by the haematologist"
    assert all(
        o.status is StepStatus.CANCELLED for o in demo_repo.get_plan(tid).step_occurrences(stored)
    )
    reasons = {e.reason for e in demo_repo.audit_log(ws.session.patient.id)}
    assert "stopped by the haematologist" in reasons
    assert all(w.step_id != step.id for w in demo_window.session.worklist if w.transplant_id == tid)
    ws.timeline.sig_step_action_requested.emit(step.id, "replan", step.days[0])
    assert demo_repo.get_plan(tid).step(step.id).status is StepStatus.PLANNED
    demo_window.actions_by_name["undo"].trigger()  # undo the re-plan: cancelled again
    assert demo_repo.get_plan(tid).step(step.id).status is StepStatus.CANCELLED


def test_cancelling_without_a_reason_changes_nothing(demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0009")
    step = _future_step(ws)
    monkeypatch.setattr(StepDialogs, "ask_reason", lambda parent, title, prompt: None)
    ws.timeline.sig_step_action_requested.emit(step.id, "cancel", step.days[0])
    assert demo_repo.get_plan(ws.session.transplant.id).step(step.id).status is StepStatus.PLANNED


def test_the_board_refresh_keeps_the_edits_message(demo_window, monkeypatch):
    ws = _open(demo_window, "DEMO-0001")
    new_day0 = ws.session.plan.day0 + dt.timedelta(days=7)
    monkeypatch.setattr(
        MoveDay0Dialog, "ask", lambda parent, plan, **_k: Day0Move(new_day0, "donor delayed")
    )
    demo_window.actions_by_name["move_day0"].trigger()
    assert demo_window.statusBar().currentMessage().startswith("Day 0 moved to")
    assert demo_window.statusBar().currentMessage().startswith("Day 0 moved to")
