"""The infusion record is reached from the Patient menu (Ctrl+Shift+I) for any transplant,
not only from the Harvest tab: a CAR-T or a cord patient has no Harvest tab. A product
dated on another day than Day 0 is refused, saying how to fix it; a closed transplant's
tab says its status."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer

from planner.app.transplants import save_transplant
from planner.domain.patients import TransplantStatus, with_status
from tests.gui.conftest import NOW
from tests.gui.modals import type_into
from ui.infusion_dialog import InfusionDialog

TODAY = NOW.date()


@pytest.fixture
def window(shown_window):
    return shown_window


def _open(window, mrn):
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrn)
    ws = window.open_transplant(tid)
    assert ws is not None
    return ws


@pytest.mark.parametrize("mrn", ["DEMO-0017", "DEMO-0015"])  # CAR-T, double cord
def test_the_infusion_record_opens_from_the_patient_menu(window, qtbot, modals, mrn):
    ws = _open(window, mrn)
    assert ws.harvest_tab is None  # nothing else would reach it
    seen = []

    def look(dialog):
        seen.append(isinstance(dialog, InfusionDialog))
        dialog.reject()

    answering = modals([look])
    qtbot.keyClick(
        window,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    answering.stop()
    assert seen == [True]


def test_a_product_dated_before_day_0_is_refused_with_the_way_out(window, qtbot, modals, demo_repo):
    ws = _open(window, "DEMO-0017")  # Day +5
    day0 = ws.session.transplant.day0
    refused: list[str] = []

    opened = []

    def infusion(dialog):
        # Not from inside this step: a modal opened here would wait for this step to end.
        opened.append(dialog)
        QTimer.singleShot(0, dialog.add_product)

    def product(dialog):
        type_into(qtbot, dialog.din, "A9999 09 123456 9")
        type_into(qtbot, dialog.code, "S1398")
        dialog.volume.setValue(70)
        dialog.date_edit.set_date(day0 - dt.timedelta(days=2))
        dialog.weight.setValue(66)
        type_into(qtbot, dialog.time, "10:30")
        dialog.accept()
        assert not dialog.isVisible(), dialog.error.text()  # the dialog's own checks pass

    def again(dialog):  # the product dialog back with what was typed, and why
        qtbot.wait(50)  # the dialog grows to its message once on screen
        refused.append(dialog.error.text())
        assert dialog.error.height() >= dialog.error.heightForWidth(dialog.error.width())
        dialog.reject()
        QTimer.singleShot(0, opened[0].reject)

    answering = modals([infusion, product, again])
    ws.open_infusion()
    answering.stop()
    assert refused and "is Day -2, but Day 0 is" in refused[0] and "Move Day 0" in refused[0]


def test_a_cancelled_transplant_tab_says_so(window, qtbot, demo_repo):
    ws = _open(window, "DEMO-0002")
    t = ws.session.transplant
    cancelled = with_status(t, TransplantStatus.CANCELLED, TODAY, "declined", today=TODAY)
    ws.session.run(lambda repo, ctx: save_transplant(repo, ctx, cancelled))
    assert "(cancelled)" in ws.header.text()
    assert f"Cancelled on {TODAY.isoformat()}: declined" in ws.header.toolTip()
    assert (
        dataclasses.replace(ws.session.transplant, version=0).status is TransplantStatus.CANCELLED
    )
