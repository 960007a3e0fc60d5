"""Patient > Verify doses, typed: a physician and then a pharmacist sign; the same person
cannot sign twice; the team summary prints the signatures."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from planner.app import accounts as acc
from planner.app.accounts import SignedIn
from planner.app.context import Context
from planner.domain.accounts import Role, SignInPolicy
from planner.records.ports import Actor
from tests.gui.conftest import ACTOR, NOW

PW = "a long enough passphrase"
DOC = Actor("doc", "ws-1", Role.PHYSICIAN)
PHARM = Actor("pat", "ws-1", Role.PHARMACIST)
ADMIN = Actor("boss", "ws-1", Role.ADMINISTRATOR)


@pytest.fixture
def team_repo(demo_repo):
    acc.add_account(demo_repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, PW)
    for who in (DOC, PHARM):
        acc.add_account(demo_repo, Context(ADMIN, NOW), who.user, who.role, PW)
    return demo_repo


def _sign(qtbot, window, actor: Actor) -> str:
    window.session.sign_in(SignedIn(actor, SignInPolicy()))
    ws = window.current_workspace()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(
        window,
        Qt.Key.Key_V,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(
        lambda: getattr(ws, "verify_dialog", None) is not None and ws.verify_dialog.isVisible(),
        timeout=3000,
    )
    dialog = ws.verify_dialog
    qtbot.keyClicks(dialog.password, PW)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.message.text() not in ("", "Checking..."), timeout=5000)
    text = dialog.message.text(), dialog.state.text()
    dialog.close()
    return " | ".join(text)


def test_two_people_sign_the_doses_from_the_patient_menu(qtbot, make_window, team_repo):
    window = make_window(team_repo)
    window.show()
    patient = team_repo.find_patient_by_mrn("DEMO-0004")
    tid = team_repo.list_transplants(patient.id)[0].id
    window.session.sign_in(SignedIn(DOC, SignInPolicy()))  # before the record is opened
    window.open_transplant(tid)
    first = _sign(qtbot, window, DOC)
    assert first.startswith("Signed. | Doses verified by 1 of 2: doc (physician), verified doses")
    again = _sign(qtbot, window, DOC)
    assert "the second check must be someone else's" in again
    second = _sign(qtbot, window, PHARM)
    assert "Doses verified by two people" in second and "pat (pharmacist)" in second
    plan = team_repo.get_plan(tid)
    assert [s.user for s in plan.dose_signatures] == ["doc", "pat"]
    # The team summary prints them, as the export service gathers its inputs.
    from planner.app.exports import summary_inputs

    lines = summary_inputs(team_repo, patient, plan, NOW.date()).dose_check
    assert lines[0].startswith("Doses verified by two people")
    assert any(line.startswith("Signed: pat (pharmacist), verified doses") for line in lines)
