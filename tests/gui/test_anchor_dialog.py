"""Set the mobilisation start to its real date: preview, reason, undo; the board follows."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from PySide6.QtWidgets import QDialogButtonBox

from planner.domain.plans import set_anchor_date
from ui.dialogs.anchor_dialog import AnchorMove, SetAnchorDialog, settable_anchors


def _open(window, mrn):
    row = next(r for r in window.session.rows if r.mrn == mrn)
    return window.open_transplant(row.transplant_id)


def _mobilising(window):
    ws = _open(window, "DEMO-0002")  # M-Day 3 today
    anchors = settable_anchors(ws.session.plan)
    assert anchors, "the demo's mobilising patient has a mobilisation anchor"
    return ws, anchors[0]


def test_the_dialog_previews_every_change_and_needs_a_reason(demo_window, qtbot):
    ws, anchor = _mobilising(demo_window)
    plan = ws.session.plan
    dialog = SetAnchorDialog(None, plan)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.anchor_name == anchor
    assert dialog.new_date == plan.anchor_date(anchor)
    assert not ok.isEnabled()  # nothing changes yet
    assert dialog.summary.text() == "Pick the real date, then give the reason."
    dialog.date_edit.set_date(dialog.date_edit.date() + dt.timedelta(days=2))
    _, expected = set_anchor_date(plan, anchor, plan.anchor_date(anchor) + dt.timedelta(days=2))
    assert dialog.table.rowCount() == len(expected) > 0
    assert not ok.isEnabled()  # still no reason
    dialog.reason.setText("G-CSF started two days late")
    assert ok.isEnabled()


def test_setting_mobilisation_start_renumbers_m_days_and_undoes(
    demo_window, demo_repo, monkeypatch
):
    ws, anchor = _mobilising(demo_window)
    tid = ws.session.transplant.id
    old = ws.session.plan.anchor_date(anchor)
    new = old + dt.timedelta(days=2)
    monkeypatch.setattr(
        SetAnchorDialog,
        "ask",
        staticmethod(lambda parent, plan: AnchorMove(anchor, new, "G-CSF started two days late")),
    )
    ws.actions_by_name["set_anchor"].trigger()
    assert demo_repo.get_plan(tid).anchor_date(anchor) == new
    reasons = {e.reason for e in demo_repo.audit_log(ws.session.patient.id)}
    assert "G-CSF started two days late" in reasons
    row = next(r for r in demo_window.session.rows if r.transplant_id == tid)
    assert row.day_label == "M-Day 1"  # was M-Day 3: mobilisation now starts two days later
    demo_window.actions_by_name["undo"].trigger()
    assert demo_repo.get_plan(tid).anchor_date(anchor) == old
    row = next(r for r in demo_window.session.rows if r.transplant_id == tid)
    assert row.day_label == "M-Day 3"


def test_only_anchors_other_than_day0_are_offered(demo_window):
    ws, _ = _mobilising(demo_window)
    plan = ws.session.plan
    assert "day0" not in settable_anchors(plan)
    assert settable_anchors(replace(plan, anchors={"day0": plan.anchors["day0"]})) == []
    assert ws.actions_by_name["set_anchor"].isEnabled()


def test_steps_counted_from_the_anchor_show_their_new_m_day(demo_window, qtbot):
    ws, _ = _mobilising(demo_window)
    dialog = SetAnchorDialog(None, ws.session.plan)
    qtbot.addWidget(dialog)
    dialog.date_edit.set_date(dialog.date_edit.date() + dt.timedelta(days=2))
    days = {dialog.table.text(r, 3) for r in range(dialog.table.rowCount())}
    assert days and all(d.startswith("M-Day ") for d in days)
    assert "(M-Day 1) (M-Day 1)" not in dialog.anchor.currentText()


def test_the_dialog_opens_in_the_reason_and_typing_it_recomputes_nothing(demo_window, qtbot):
    from PySide6.QtCore import Qt

    ws, _ = _mobilising(demo_window)
    dialog = SetAnchorDialog(None, ws.session.plan)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.reason
    resets = []
    dialog.table.model().modelReset.connect(lambda: resets.append(1))
    qtbot.keyClicks(dialog.reason, "G-CSF started late")
    assert resets == [] and dialog.isVisible()
    edit = dialog.date_edit.line_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    new = dialog.new_date + dt.timedelta(days=2)
    qtbot.keyClicks(edit, new.isoformat())
    assert dialog.new_date == new and len(resets) == 1  # once, for the complete date
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
