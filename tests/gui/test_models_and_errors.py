"""Qt models pass the model tester; uncaught errors are logged without patient data."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QDate, Qt

from planner.errors import ValidationError
from tests.gui.conftest import ACTOR, NOW
from ui.errors import LOG, install_excepthook, redacted_traceback, user_message
from ui.models.step_table_model import DATE_COL, NOTE_COL, StepTableModel
from ui.models.worklist_model import WorklistModel
from ui.session import ClinicSession


def test_step_table_model_passes_the_tester_and_edits_through_commands(
    qapp, qtmodeltester, open_session
):
    session = open_session("DEMO-0009")
    model = StepTableModel(session)
    qtmodeltester.check(model)
    row = next(
        r
        for r in range(model.rowCount())
        if model.flags(model.index(r, DATE_COL)) & Qt.ItemFlag.ItemIsEditable
    )
    occ = model.occurrence(row)
    new_date = occ.date.toordinal() + 2
    target = QDate.fromJulianDay(
        QDate(occ.date.year, occ.date.month, occ.date.day).toJulianDay() + 2
    )
    assert model.setData(model.index(row, DATE_COL), target)
    assert session.undo_stack.count() == 1
    moved = next(
        o
        for o in session.plan.occurrences()
        if o.step_id == occ.step_id and o.anchor_day == occ.anchor_day
    )
    assert moved.date.toordinal() == new_date
    assert model.setData(model.index(0, NOTE_COL), "call pharmacy")
    assert session.plan.step(model.occurrence(0).step_id).note == "call pharmacy"
    qtmodeltester.check(model)
    session.undo_stack.undo()
    session.undo_stack.undo()
    assert session.undo_stack.index() == 0


def test_done_occurrences_are_not_date_editable(qapp, open_session):
    session = open_session("DEMO-0009")
    model = StepTableModel(session)
    done_rows = [r for r in range(model.rowCount()) if model.occurrence(r).status.value == "done"]
    assert done_rows
    assert not model.flags(model.index(done_rows[0], DATE_COL)) & Qt.ItemFlag.ItemIsEditable


def test_worklist_model_passes_the_tester(qapp, qtmodeltester, demo_repo):
    session = ClinicSession(demo_repo, ACTOR, lambda: NOW, demo=True)
    model = WorklistModel(session)
    session.refresh()
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_uncaught_error_is_logged_without_its_message_and_shown(qapp, caplog):
    shown = []
    old = sys.excepthook
    install_excepthook(lambda: None, show=lambda parent, text: shown.append(text))
    try:
        try:
            raise RuntimeError("patient ZZCANARY Qwxyzpt MRN 990011223")
        except RuntimeError:
            with caplog.at_level(logging.ERROR, logger=LOG.name):
                sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = old
    assert shown and "unexpected error" in shown[0]
    assert "ZZCANARY" not in shown[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged and "test_models_and_errors.py" in logged
    assert "ZZCANARY" not in logged and "990011223" not in logged


def test_planner_errors_are_shown_as_written():
    assert (
        user_message(ValidationError("x", "Weight of 700 kg is not plausible."))
        == "Weight of 700 kg is not plausible."
    )
    try:
        raise KeyError("secret")
    except KeyError:
        text = redacted_traceback(*sys.exc_info()[:1], sys.exc_info()[2])
    assert "KeyError" in text and "secret" not in text
