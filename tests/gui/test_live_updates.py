"""Two workstations on one PostgreSQL server: a change saved in another app process shows
on this one's board and in the open patient within 2 seconds, without a refresh.

Needs PLANNER_TEST_DATABASE_URL (a disposable database; CI provides one).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.storage import open_repository
from tests.gui.conftest import ACTOR, NOW
from tests.integration.conftest import PG_URL, _reset_postgres

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set"),
]

ROOT = Path(__file__).resolve().parents[2]
WITHIN_MS = 2000

# The other workstation: another process moves DEMO-0003's Day 0 by a week.
OTHER_WORKSTATION = """
import datetime as dt, sys
from planner.app.context import Context
from planner.app.plans import move_day0
from planner.records.ports import Actor
from planner.storage import open_repository

repo = open_repository(sys.argv[1], user="asmith", workstation="WS-12")
patient = repo.find_patient_by_mrn("DEMO-0003")
transplant = repo.list_transplants(patient.id)[0]
plan = repo.get_plan(transplant.id)
now = dt.datetime.fromisoformat(sys.argv[2])
move_day0(repo, Context(Actor("asmith", "WS-12"), now), plan,
          plan.day0 + dt.timedelta(days=7), "Bed not available")
repo.close()
"""


@pytest.fixture
def shared_repo():
    _reset_postgres(PG_URL)
    repo = open_repository(PG_URL, user=ACTOR.user, workstation=ACTOR.workstation)
    load_demo_clinic(repo, Context(ACTOR, NOW))
    try:
        yield repo
    finally:
        repo.close()


def test_another_workstations_day0_move_reaches_the_board_and_the_open_patient(
    qtbot, make_window, shared_repo
):
    window = make_window(shared_repo)
    session = window.session
    qtbot.waitUntil(lambda: session.live, timeout=10_000)
    row = next(r for r in session.rows if r.mrn == "DEMO-0003")
    workspace = window.open_transplant(row.transplant_id)
    assert workspace is not None
    day0 = workspace.session.plan.day0
    qtbot.waitUntil(lambda: session._feed is not None and session._feed.listening)
    time.sleep(0.3)  # LISTEN is issued in the feed's thread
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [sys.executable, "-c", OTHER_WORKSTATION, PG_URL, NOW.isoformat()],
        env=env,
        check=True,
        cwd=ROOT,
    )
    committed = time.monotonic()

    def moved() -> bool:
        shown = session.row_of(row.transplant_id)
        return shown is not None and shown.day == row.day - 7

    qtbot.waitUntil(moved, timeout=WITHIN_MS)
    assert time.monotonic() - committed < WITHIN_MS / 1000
    qtbot.waitUntil(lambda: workspace.session.plan.day0 != day0, timeout=WITHIN_MS)
    assert (workspace.session.plan.day0 - day0).days == 7
    # The values changed under the user's eyes: the status bar says who changed them.
    assert window.statusBar().currentMessage() == "Updated just now by asmith at WS-12."


def test_the_status_bar_says_who_else_has_the_patient_open(qtbot, make_window, shared_repo):
    import queue

    from planner.records.ports import Presence

    window = make_window(shared_repo)
    with qtbot.waitExposed(window):
        window.show()
    session = window.session
    qtbot.waitUntil(lambda: session.live, timeout=10_000)
    theirs = open_repository(PG_URL, user="asmith", workstation="WS-12")
    heard: queue.Queue[Presence] = queue.Queue()
    feed = theirs.change_feed()
    assert feed is not None
    try:
        feed.start(lambda _change: None, on_presence=heard.put)
        row = next(r for r in session.rows if r.mrn == "DEMO-0003")
        window.open_transplant(row.transplant_id)
        # This workstation says so (the other feed may first hear an empty hello answer).
        deadline = time.monotonic() + WITHIN_MS / 1000 + 3
        while time.monotonic() < deadline:
            presence = heard.get(timeout=WITHIN_MS / 1000 + 3)
            if row.patient_id in presence.patient_ids:
                break
        assert (presence.user, presence.workstation) == (ACTOR.user, ACTOR.workstation)
        feed.announce({row.patient_id}, "asmith", "WS-12")
        qtbot.waitUntil(window.presence.isVisible, timeout=WITHIN_MS)
        assert window.presence.text() == "Also open: asmith (WS-12)"
        window.show_board()
        assert not window.presence.isVisible()  # the board names no one patient
        window.open_transplant(row.transplant_id)
        assert window.presence.isVisible()
        feed.announce((), "asmith", "WS-12")  # closed there
        qtbot.waitUntil(lambda: not window.presence.isVisible(), timeout=WITHIN_MS)
    finally:
        feed.stop()
        theirs.close()
