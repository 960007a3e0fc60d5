"""Marking a conditioning dose given before the graft is secured: refused, then overridden."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from planner.domain.plans import StepStatus
from planner.domain.templates import Phase, StepKind
from tests.gui.conftest import ACTOR, NOW
from ui.dialogs import step_dialogs
from ui.dialogs.step_dialogs import StepDialogs

TODAY = NOW.date()


@pytest.fixture(autouse=True)
def _graft_not_stored(demo_repo):
    """DEMO-0006's stored collections removed: its conditioning has begun, no graft."""
    from planner.app.context import Context
    from planner.app.harvest import load_harvest, remove_collection

    tid = demo_repo.find_patient_by_mrn("DEMO-0006").id
    transplant = next(t for t in demo_repo.list_transplants() if t.patient_id == tid)
    log, _ = load_harvest(demo_repo, transplant.id)
    for collection in log.collections:
        remove_collection(demo_repo, Context(ACTOR, NOW), transplant.id, collection.id, "test")


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


def _past_conditioning_dose(plan):
    for step in plan.steps:
        if step.phase is Phase.CONDITIONING and step.kind is StepKind.MEDICATION:
            for occ in plan.step_occurrences(step):
                if occ.status is StepStatus.PLANNED and occ.date <= TODAY:
                    return step, occ.anchor_day
    raise AssertionError("no planned conditioning dose up to today in the demo plan")


def test_a_refused_dose_is_given_with_an_override_and_undone(demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0006")  # autologous, conditioning started, no collection stored
    tid = ws.session.transplant.id
    step, offset = _past_conditioning_dose(ws.session.plan)
    seen: list[tuple[str, bool]] = []

    def run(dialog):
        error = dialog.findChild(step_dialogs.SaveErrorLine)
        button = dialog.findChild(QPushButton, "override")
        seen.append((error.text(), button is not None))
        if button is None:
            dialog.accept()  # the first OK: refused by the rule
        else:
            button.click()  # asks the reason (below), then closes the dialog
        return dialog.result()

    asked = []

    def reason(parent, title, prompt, **again):
        asked.append((title, prompt))
        return "product in transit, courier confirmed"

    monkeypatch.setattr(step_dialogs, "run_step_dialog", run)
    monkeypatch.setattr(StepDialogs, "ask_reason", reason)
    ws.timeline.sig_step_action_requested.emit(step.id, "done", offset)

    assert len(seen) == 2
    assert seen[0] == ("", False)
    refusal, offered = seen[1]
    assert offered
    assert "cannot be marked given before the graft is secured" in refusal
    assert "below the minimum target" in refusal
    assert asked and asked[0][0] == "Override"
    rec = demo_repo.get_plan(tid).step(step.id).record_for(offset)
    assert rec is not None and rec.status is StepStatus.DONE
    assert (rec.by, rec.override) == (ACTOR.user, "product in transit, courier confirmed")
    reasons = {e.reason for e in demo_repo.audit_log(ws.session.patient.id)}
    assert "product in transit, courier confirmed" in reasons

    demo_window.actions_by_name["undo"].trigger()
    assert demo_repo.get_plan(tid).step(step.id).record_for(offset) is None


def test_cancel_after_a_refusal_records_nothing(demo_window, demo_repo, monkeypatch):
    ws = _open(demo_window, "DEMO-0006")
    tid = ws.session.transplant.id
    step, offset = _past_conditioning_dose(ws.session.plan)
    calls = []

    def run(dialog):
        calls.append(dialog)
        if len(calls) == 1:
            dialog.accept()
        else:
            dialog.reject()
        return dialog.result()

    monkeypatch.setattr(step_dialogs, "run_step_dialog", run)
    ws.timeline.sig_step_action_requested.emit(step.id, "done", offset)
    assert len(calls) == 2 and calls[1].result() == QDialog.DialogCode.Rejected
    assert demo_repo.get_plan(tid).step(step.id).record_for(offset) is None


def test_the_worklist_refuses_a_conditioning_dose_and_says_why(demo_window, demo_repo):
    tid = next(r.transplant_id for r in demo_window.session.rows if r.mrn == "DEMO-0006")
    plan = demo_repo.get_plan(tid)
    doses = {
        s.id for s in plan.steps if s.phase is Phase.CONDITIONING and s.kind is StepKind.MEDICATION
    }
    model = demo_window.worklist_model
    row = next(
        r
        for r in range(model.rowCount())
        if model.item(r).transplant_id == tid and model.item(r).step_id in doses
    )
    item = model.item(row)
    model.setData(model.index(row, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert demo_repo.get_plan(tid).step(item.step_id).record_for(item.offset) is None
    message = demo_window.statusBar().currentMessage()
    assert "cannot be marked given before the graft is secured" in message
