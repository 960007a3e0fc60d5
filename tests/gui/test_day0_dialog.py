"""The Move Day 0 dialog: guidance first, and no move away from a given infusion; the
date typed is the date moved to, a date out of range is refused next to it, and the
reason is typed at once without recomputing the preview."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from planner.app.plans import day0_move
from planner.domain.plans import infusion_given, mark_done
from planner.errors import ValidationError
from tests.gui.conftest import NOW
from ui.dialogs.day0_dialog import MoveDay0Dialog

TODAY = NOW.date()


def _plan(window, mrn):
    row = next(r for r in window.session.rows if r.mrn == mrn)
    return window.session.plans[row.transplant_id]


def _dialog(window, qtbot, mrn="DEMO-0001"):
    """The dialog as the workspace opens it: with today, the transplant and the patient."""
    row = next(r for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(row.transplant_id)
    s = ws.session
    dialog = MoveDay0Dialog(None, s.plan, today=TODAY, transplant=s.transplant, patient=s.patient)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _type_date(qtbot, dialog, text):
    edit = dialog.date_edit.line_edit
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


def test_the_dialog_starts_with_guidance_not_an_error(demo_window, qtbot):
    dialog = MoveDay0Dialog(None, _plan(demo_window, "DEMO-0001"))  # D-52: not infused
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == "Pick the new Day 0, then give the reason."
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.date_edit.set_date(dialog.date_edit.date() + dt.timedelta(days=7))
    dialog.reason.setText("donor delayed")
    assert dialog.table.rowCount() > 0
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()


def test_after_the_infusion_day0_cannot_be_moved(demo_window, qtbot):
    plan = _plan(demo_window, "DEMO-0009")  # D+12: the infusion is recorded as given
    given = infusion_given(plan)
    assert given is not None
    dialog = MoveDay0Dialog(None, plan)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.date_edit.set_date(plan.day0 + dt.timedelta(days=2))
    dialog.reason.setText("wrong")
    assert "recorded as given" in dialog.date_edit.error_text()  # beside the date
    assert dialog.table.rowCount() == 0
    assert not ok.isEnabled()
    dialog.date_edit.set_date(plan.day0)
    assert dialog.date_edit.error_text() == ""
    assert dialog.summary.text().startswith("The infusion is recorded as given on")
    assert "stays there" in dialog.summary.text()


def test_the_typed_date_is_the_new_day0(demo_window, qtbot):
    dialog = _dialog(demo_window, qtbot)
    target = TODAY + dt.timedelta(days=40)
    _type_date(qtbot, dialog, target.isoformat())
    assert dialog.new_day0 == target
    assert str(len(dialog.changes)) in dialog.summary.text()
    assert dialog.changes and all(ch.new_day is not None for ch in dialog.changes)


def test_a_day0_in_2099_is_refused_beside_the_date_and_the_dialog_stays(demo_window, qtbot):
    dialog = _dialog(demo_window, qtbot)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    _type_date(qtbot, dialog, "2099-03-10")
    qtbot.keyClicks(dialog.reason, "donor delayed")
    assert "more than 365 days after today" in dialog.date_edit.error.text()
    assert not dialog.date_edit.error.isHidden()
    assert dialog.table.rowCount() == 0 and not ok.isEnabled()
    finished = []
    dialog.finished.connect(finished.append)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # Enter does not close it
    assert finished == [] and dialog.isVisible()
    assert dialog.date_edit.text() == "2099-03-10"  # the input is kept to correct


def test_a_day0_in_the_past_is_refused(demo_window, qtbot):
    dialog = _dialog(demo_window, qtbot)
    past = TODAY - dt.timedelta(days=40)
    _type_date(qtbot, dialog, past.isoformat())
    assert "before today" in dialog.date_edit.error_text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    _type_date(qtbot, dialog, TODAY.isoformat())  # today itself is allowed
    assert dialog.date_edit.error_text() == "" and dialog.changes


def test_the_dialog_opens_in_the_reason_and_a_space_never_cancels(demo_window, qtbot):
    dialog = _dialog(demo_window, qtbot)
    finished = []
    dialog.finished.connect(finished.append)
    assert dialog.focusWidget() is dialog.reason
    qtbot.keyClicks(dialog.reason, "donor delayed by a week")  # spaces included
    assert finished == [] and dialog.isVisible()
    _type_date(qtbot, dialog, (TODAY + dt.timedelta(days=30)).isoformat())
    dialog.reason.setFocus()
    assert dialog.reason.text() == "donor delayed by a week"
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert finished == [dialog.DialogCode.Accepted]


def test_enter_with_no_reason_does_nothing(demo_window, qtbot):
    dialog = _dialog(demo_window, qtbot)
    finished = []
    dialog.finished.connect(finished.append)
    _type_date(qtbot, dialog, (TODAY + dt.timedelta(days=30)).isoformat())
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Space)
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)  # a blank reason is no reason
    assert finished == [] and dialog.isVisible()


def test_typing_the_reason_does_not_recompute_the_preview(demo_window, qtbot, monkeypatch):
    dialog = _dialog(demo_window, qtbot)
    _type_date(qtbot, dialog, (TODAY + dt.timedelta(days=30)).isoformat())
    calls = []
    original = dialog._preview
    monkeypatch.setattr(dialog, "_preview", lambda d: calls.append(d) or original(d))
    resets = []
    dialog.table.model().modelReset.connect(lambda: resets.append(1))
    dialog.reason.setFocus()
    qtbot.keyClicks(dialog.reason, "donor delayed")
    assert calls == [] and resets == []
    _type_date(qtbot, dialog, (TODAY + dt.timedelta(days=31)).isoformat())
    assert calls == [TODAY + dt.timedelta(days=31)] and len(resets) == 1


def _records(demo_repo, mrn):
    patient = demo_repo.find_patient_by_mrn(mrn)
    transplant = demo_repo.list_transplants(patient.id)[0]
    return demo_repo.get_plan(transplant.id), transplant, patient


def test_day0_move_keeps_day0_within_a_year_from_today(demo_repo):
    plan, transplant, patient = _records(demo_repo, "DEMO-0001")  # not infused
    latest = TODAY + dt.timedelta(days=365)
    _, moved, _ = day0_move(plan, transplant, patient, latest, "donor", today=TODAY)
    assert moved.day0 == latest
    for refused, words in (
        (latest + dt.timedelta(days=1), "more than 365 days after today"),
        (TODAY - dt.timedelta(days=1), "before today (2026-03-10)"),
    ):
        with pytest.raises(ValidationError) as err:
            day0_move(plan, transplant, patient, refused, "donor", today=TODAY)
        assert words in str(err.value) and err.value.field == "day0"


def test_day0_may_move_back_to_the_recorded_infusion_date(demo_repo):
    plan, transplant, patient = _records(demo_repo, "DEMO-0009")  # infused on Day 0
    given = infusion_given(plan)
    late = given.date + dt.timedelta(days=1)  # the infusion was really a day later
    plan = mark_done(plan, given.step_id, 0, late, by="nurse", at="t")
    assert late < TODAY
    moved, _, _ = day0_move(plan, transplant, patient, late, "infused a day late", today=TODAY)
    assert moved.day0 == late  # in the past, and allowed: it is the recorded infusion
