"""The Move Day 0 dialog: guidance first, and no move away from a given infusion."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox

from planner.domain.plans import infusion_given
from ui.dialogs.day0_dialog import MoveDay0Dialog


def _plan(window, mrn):
    row = next(r for r in window.session.rows if r.mrn == mrn)
    return window.session.plans[row.transplant_id]


def test_the_dialog_starts_with_guidance_not_an_error(demo_window, qtbot):
    dialog = MoveDay0Dialog(None, _plan(demo_window, "DEMO-0001"))  # D-52: not infused
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == "Pick the new Day 0, then give the reason."
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(7))
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
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(2))
    dialog.reason.setText("wrong")
    assert "recorded as given" in dialog.summary.text()
    assert dialog.table.rowCount() == 0
    assert not ok.isEnabled()
    dialog.date_edit.setDate(dialog.date_edit.date().addDays(-2))
    assert dialog.summary.text().startswith("The infusion is recorded as given on")
    assert "stays there" in dialog.summary.text()
