"""What the window does with another workstation's changes and presence, through a fake
change feed (the real one, on PostgreSQL, is in test_live_updates.py and
tests/integration/test_change_feed.py)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from planner.app.context import Context
from planner.app.plans import move_day0
from planner.records.ports import Actor, Presence, RemoteChange
from tests.gui.conftest import NOW

THEM = Actor("asmith", "WS-12")


class FakeFeed:
    """A change feed whose notifications the test sends (from a thread, as the real one)."""

    def __init__(self) -> None:
        self.on_change = self.on_presence = None
        self.announced: list[frozenset[str]] = []
        self.stopped = False

    def start(self, on_change, on_lost=None, on_presence=None) -> None:
        self.on_change, self.on_presence = on_change, on_presence

    def stop(self) -> None:
        self.stopped = True

    def wait_listening(self, timeout: float) -> bool:
        return True

    def announce(self, patient_ids, user, workstation) -> None:
        self.announced.append(frozenset(patient_ids))

    def send(self, message) -> None:
        """Deliver from another thread, as the feed's own thread does."""
        handler = self.on_change if isinstance(message, RemoteChange) else self.on_presence
        thread = threading.Thread(target=handler, args=(message,))
        thread.start()
        thread.join()


@pytest.fixture
def feed(monkeypatch, demo_repo):
    fake = FakeFeed()
    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    monkeypatch.setattr(demo_repo, "change_feed", lambda: fake)
    return fake


def _move_elsewhere(repo, mrn: str, days: int):
    """Another workstation moves the patient's Day 0 (straight into the shared store)."""
    patient = repo.find_patient_by_mrn(mrn)
    transplant = repo.list_transplants(patient.id)[0]
    plan = repo.get_plan(transplant.id)
    move_day0(repo, Context(THEM, NOW), plan, plan.day0 + dt.timedelta(days=days), "Bed")
    return RemoteChange(
        frozenset({transplant.id}), frozenset({patient.id}), THEM.user, THEM.workstation
    )


def test_a_change_reaches_the_board_and_the_open_patient(qtbot, feed, demo_window, demo_repo):
    session = demo_window.session
    row = next(r for r in session.rows if r.mrn == "DEMO-0003")
    ws = demo_window.open_transplant(row.transplant_id)
    assert ws is not None and feed.announced[-1] == {row.patient_id}
    change = _move_elsewhere(demo_repo, "DEMO-0003", 7)
    assert session.row_of(row.transplant_id).day == row.day  # not before it is told
    feed.send(change)
    qtbot.waitUntil(lambda: session.row_of(row.transplant_id).day == row.day - 7)
    assert ws.session.plan.day0 == demo_repo.get_plan(row.transplant_id).day0
    assert demo_window.statusBar().currentMessage() == "Updated just now by asmith at WS-12."
    demo_window.close_current_tab()
    assert feed.announced[-1] == frozenset()


def test_a_change_during_a_load_is_shown_when_the_load_lands(qtbot, feed, demo_window, demo_repo):
    session = demo_window.session
    row = next(r for r in session.rows if r.mrn == "DEMO-0004")
    session.refresh_async(session.reload_failed)
    assert session.loading
    feed.send(_move_elsewhere(demo_repo, "DEMO-0004", 3))
    qtbot.waitUntil(lambda: not session.loading)
    qtbot.waitUntil(lambda: session.row_of(row.transplant_id).day == row.day - 3)


def test_everything_during_a_load_reads_the_clinic_again_after_it(
    qtbot, feed, demo_window, demo_repo
):
    session = demo_window.session
    loads: list[int] = []
    real = session._compute
    session._compute = lambda today: loads.append(1) or real(today)
    session.refresh_async(session.reload_failed)
    feed.send(RemoteChange(frozenset(), frozenset(), "", "", everything=True))
    qtbot.waitUntil(lambda: len(loads) == 2 and not session.loading, timeout=5000)


def test_a_change_that_cannot_be_read_is_said_and_the_rows_stay(
    qtbot, feed, demo_window, demo_repo, monkeypatch
):
    from planner.errors import StorageError

    session = demo_window.session
    row = next(r for r in session.rows if r.mrn == "DEMO-0005")
    messages: list[str] = []
    session.sig_message.connect(messages.append)

    def down(*_a, **_k):
        raise StorageError("The server did not answer.")

    monkeypatch.setattr(demo_repo, "get_transplants", down)
    feed.send(
        RemoteChange(frozenset({row.transplant_id}), frozenset(), THEM.user, THEM.workstation)
    )
    qtbot.waitUntil(lambda: bool(messages))
    assert "could not be read: The server did not answer." in messages[-1]
    assert session.row_of(row.transplant_id) == row


def test_presence_names_the_others_and_drops_the_silent(qtbot, feed, demo_window, monkeypatch):
    import ui.session as session_module

    session = demo_window.session
    row = next(r for r in session.rows if r.mrn == "DEMO-0006")
    feed.send(Presence("tok", "asmith", "WS-12", frozenset({row.patient_id})))
    qtbot.waitUntil(lambda: session.others_with(row.patient_id) == ["asmith (WS-12)"])
    assert session.others_with("someone-else") == []
    monkeypatch.setattr(session_module, "PRESENCE_TTL_S", 0.0)  # long unrenewed
    assert session.others_with(row.patient_id) == []


def test_a_load_behind_attach_reads_only_once_the_feed_listens(qtbot, feed, demo_repo):
    """attach starts the feed once the GUI is quiet; a load started at once waits for it,
    so no commit falls between its read and the feed's LISTEN."""
    from tests.gui.conftest import ACTOR
    from ui.session import ClinicSession

    order: list[str] = []
    real_start, real_wait = feed.start, feed.wait_listening
    feed.start = lambda *a, **k: order.append("feed started") or real_start(*a, **k)
    feed.wait_listening = lambda timeout: order.append("waited") or real_wait(timeout)
    session = ClinicSession(None, ACTOR, lambda: NOW)
    real_compute = session._compute

    def compute(today):
        loaded = real_compute(today)
        order.append("read")
        return loaded

    session._compute = compute
    session.attach(demo_repo)
    session.refresh_async(session.reload_failed)  # at once, before the GUI is quiet
    qtbot.waitUntil(lambda: session.live, timeout=5000)
    assert order == ["feed started", "waited", "read"]
    session.finish()
