"""Undo and redo of a long step (a lab import for the whole clinic) are written in a
worker thread: the window keeps answering, the stack moves only once the step is stored,
and edits made meanwhile are refused with a reason instead of landing on a stack that is
about to move."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import threading

import pytest
from PySide6.QtCore import Qt

from planner.app import changes
from planner.app.lab_import import import_labs
from planner.app.patients import save_patient
from planner.errors import ChangedSinceError, PlannerError
from planner.labimport.reader import ColumnMapping
from planner.records.recovery import RecoveryRecord
from tests.gui.conftest import NOW

MAPPING = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")


@pytest.fixture
def window(shown_window):
    shown_window.tabs.setCurrentIndex(1)  # the Today tab: the clinic's undo stack
    return shown_window


def _everyone_file(window) -> bytes:
    """One ANC for every patient of the clinic, yesterday."""
    yesterday = NOW.date() - dt.timedelta(days=1)
    mrns = sorted({r.mrn for r in window.session.rows})
    rows = "".join(f"{mrn},{yesterday.isoformat()},ANC,0.7,10^9/L\n" for mrn in mrns)
    return f"MRN,Date,Test,Result,Unit\n{rows}".encode()


def _import_everyone(window) -> changes.Change:
    """An import for every patient of the clinic, on the clinic's stack."""
    data = _everyone_file(window)
    report = window.session.perform(
        lambda repo, ctx: import_labs(repo, ctx, data, "labs.csv", MAPPING), window.clinic_undo
    )
    assert report.change is not None
    assert window.session.replays_in_background(report.change)
    return report.change


def _superseded(repo, change: changes.Change) -> int:
    """How many recovery-record marks stand on the samples ``change`` added."""
    keys = {(s.date, s.analyte, s.value, s.source) for s in change.samples}
    records = repo.get_records([t.id for t in change.before.transplants], ("engraftment",))
    return sum(
        (e.date, e.analyte, e.value, e.source) in keys
        for r in records
        for e in RecoveryRecord.from_body(r.body).superseded
    )


def _expected(change: changes.Change) -> int:
    """The marks an undo of ``change`` writes: each sample, in each of its patient's
    transplants' recovery records."""
    return sum(
        s.patient_id == t.patient_id for t in change.before.transplants for s in change.samples
    )


@pytest.fixture
def gated(monkeypatch):
    """Factory: hold ``planner.app.changes.<name>`` in its worker thread until the
    returned event is set (set at teardown too, so a failed test leaves no worker
    waiting)."""
    made: list[threading.Event] = []

    def gate(name: str) -> threading.Event:
        event = threading.Event()
        real = getattr(changes, name)

        def held(*args, **kwargs):
            assert event.wait(10)
            return real(*args, **kwargs)

        monkeypatch.setattr(changes, name, held)
        made.append(event)
        return event

    yield gate
    for event in made:
        event.set()


def _key(qtbot, window, *, back: bool) -> None:
    modifiers = Qt.KeyboardModifier.ControlModifier
    if not back:
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window, Qt.Key.Key_Z, modifiers)


def test_undo_and_redo_of_a_clinic_wide_import_are_written_in_a_worker(
    window, qtbot, monkeypatch, demo_repo, gated, make_clinic
):
    change = _import_everyone(window)
    stack = window.clinic_undo
    assert stack.index() == 1 and _superseded(demo_repo, change) == 0
    messages: list[str] = []
    window.session.sig_message.connect(messages.append)

    gate = gated("undo")
    _key(qtbot, window, back=True)
    # Not stored yet: the stack has not moved, the status bar says what is under way.
    assert stack.index() == 1 and window.session.replaying
    assert messages[-1].startswith("Undoing '") and change.description in messages[-1]
    undo_action, redo_action = window.actions_by_name["undo"], window.actions_by_name["redo"]
    assert not undo_action.isEnabled() and not redo_action.isEnabled()
    window.tabs.setCurrentIndex(0)  # another tab's stack does not enable them meanwhile
    window.tabs.setCurrentIndex(1)
    assert not undo_action.isEnabled()
    # An edit meanwhile is refused with the reason, and nothing is pushed.
    patient = demo_repo.find_patient_by_mrn("DEMO-0003")
    with pytest.raises(PlannerError, match="still being undone"):
        window.session.perform(
            lambda repo, ctx: save_patient(
                repo, ctx, dataclasses.replace(patient, coordinator="Someone Else")
            ),
            stack,
        )
    assert demo_repo.get_patient(patient.id).coordinator != "Someone Else"
    said = len(messages)
    _key(qtbot, window, back=True)  # a second Ctrl+Z starts nothing more: disabled
    assert len(messages) == said and stack.index() == 1
    window.undo()  # and were it asked anyway, it says why
    assert "still being undone" in messages[-1]
    gate.set()
    qtbot.waitUntil(lambda: stack.index() == 0, timeout=10_000)
    assert not window.session.replaying
    assert _superseded(demo_repo, change) == _expected(change)
    assert messages[-1].startswith("Undone")
    assert redo_action.isEnabled() and not undo_action.isEnabled()  # nothing left to undo

    gate = gated("redo")
    _key(qtbot, window, back=False)
    assert stack.index() == 0 and window.session.replaying
    gate.set()
    qtbot.waitUntil(lambda: stack.index() == 1, timeout=10_000)
    assert _superseded(demo_repo, change) == 0
    assert messages[-1].startswith("Redone")
    # The board caught up with the stored step (its reload runs in a worker too).
    qtbot.waitUntil(lambda: not window.session._rows_behind, timeout=10_000)
    assert window.session.rows == make_clinic().rows
    window.session.perform(  # edits are taken again
        lambda repo, ctx: save_patient(
            repo, ctx, dataclasses.replace(patient, coordinator="Someone Else")
        ),
        stack,
    )
    assert stack.index() == 2


def test_a_refused_background_undo_leaves_the_stack_and_says_why(
    window, qtbot, monkeypatch, demo_repo
):
    change = _import_everyone(window)
    stack = window.clinic_undo
    messages: list[str] = []
    window.session.sig_message.connect(messages.append)

    def refused(*args, **kwargs):
        raise ChangedSinceError("patient")

    # The import's own rows are behind until its reload is in.
    qtbot.waitUntil(lambda: not window.session._rows_behind, timeout=10_000)
    monkeypatch.setattr(changes, "undo", refused)
    _key(qtbot, window, back=True)
    qtbot.waitUntil(lambda: stack.count() == 0, timeout=10_000)  # the step left the stack
    assert not window.session.replaying
    assert not window.session._rows_behind  # nothing was written: the rows are current
    assert messages[-1].startswith("Could not undo")
    assert _superseded(demo_repo, change) == 0  # nothing was written


def test_a_small_step_is_still_undone_at_once(window, qtbot, demo_repo):
    patient = demo_repo.find_patient_by_mrn("DEMO-0003")
    window.session.perform(
        lambda repo, ctx: save_patient(
            repo, ctx, dataclasses.replace(patient, coordinator="Someone Else")
        ),
        window.clinic_undo,
    )
    _key(qtbot, window, back=True)
    assert window.clinic_undo.index() == 0 and not window.session.replaying
    assert demo_repo.get_patient(patient.id).coordinator == patient.coordinator


def test_closing_the_tab_of_a_step_being_undone_still_moves_its_stack(
    window, qtbot, monkeypatch, demo_repo, gated
):
    """The import was made on a patient's tab, which is closed while its undo is being
    written: the undo is stored, and the tab's stack (kept for the patient) shows it."""
    mrns = sorted({r.mrn for r in window.session.rows})
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrns[0])
    ws = window.open_transplant(tid)
    stack = ws.session.undo_stack
    report = ws.session.run(
        lambda repo, ctx: import_labs(repo, ctx, _everyone_file(window), "labs.csv", MAPPING)
    )
    assert window.undo_group.activeStack() is stack
    gate = gated("undo")
    _key(qtbot, window, back=True)
    assert window.session.replaying
    window.close_current_tab()
    gate.set()
    qtbot.waitUntil(lambda: not window.session.replaying, timeout=10_000)
    assert stack.index() == 0 and stack.canRedo()
    assert _superseded(demo_repo, report.change) == _expected(report.change)


def test_a_stack_emptied_meanwhile_still_has_the_stored_step_shown(
    window, qtbot, monkeypatch, demo_repo, gated
):
    change = _import_everyone(window)
    stack = window.clinic_undo
    shown: list[object] = []
    monkeypatch.setattr(window.session, "publish", shown.append)
    gate = gated("undo")
    _key(qtbot, window, back=True)
    stack.clear()
    gate.set()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0].description.startswith("Undo")
    assert stack.count() == 0
    assert _superseded(demo_repo, change) == _expected(change)


def test_what_publishing_a_step_compares_is_compared_in_its_worker(window, qtbot, monkeypatch):
    """Which documents a step changed (500 recovery records compared, 30 ms) is worked
    out in the worker thread that stored the step, once, not on the GUI thread."""
    _import_everyone(window)
    on_gui: list[bool] = []
    real = changes.Change.changed_keys.func

    def recorded(self):
        on_gui.append(threading.current_thread() is threading.main_thread())
        return real(self)

    compared = functools.cached_property(recorded)
    compared.__set_name__(changes.Change, "changed_keys")
    monkeypatch.setattr(changes.Change, "changed_keys", compared)
    _key(qtbot, window, back=True)
    qtbot.waitUntil(lambda: window.clinic_undo.index() == 0, timeout=10_000)
    assert on_gui == [False]


def test_the_rows_of_a_step_being_undone_are_not_stored_at_a_close_meanwhile(
    window, qtbot, gated, demo_repo
):
    """A close while the undo is written would store the rows on screen, from before
    it, as today's entries: they are rows behind from the start of the write."""
    change = _import_everyone(window)
    gate = gated("undo")
    _key(qtbot, window, back=True)
    assert window.session.replaying
    touched = {t.id for t in change.before.transplants} & {
        r.transplant_id for r in window.session.rows
    }
    assert touched and touched <= window.session._rows_behind
    gate.set()
    qtbot.waitUntil(lambda: window.clinic_undo.index() == 0, timeout=10_000)


def test_a_refusal_landing_on_an_emptied_stack_still_says_why(window, qtbot, monkeypatch):
    _import_everyone(window)
    stack = window.clinic_undo
    messages: list[str] = []
    window.session.sig_message.connect(messages.append)
    gate = threading.Event()

    def refused(*args, **kwargs):
        assert gate.wait(10)
        raise ChangedSinceError("patient")

    monkeypatch.setattr(changes, "undo", refused)
    _key(qtbot, window, back=True)
    stack.clear()
    gate.set()
    qtbot.waitUntil(lambda: not window.session.replaying, timeout=10_000)
    assert messages[-1].startswith("Could not undo")


def test_a_fault_in_the_worker_leaves_the_stack_where_it_was(window, qtbot, monkeypatch):
    """Not a refusal but a fault (a bug): reported as one, the step still on the stack,
    and edits taken again."""
    _import_everyone(window)
    stack = window.clinic_undo

    def broken(*args, **kwargs):
        raise RuntimeError("a fault")

    monkeypatch.setattr(changes, "undo", broken)
    with qtbot.capture_exceptions() as errors:
        _key(qtbot, window, back=True)
        qtbot.waitUntil(lambda: not window.session.replaying, timeout=10_000)
    assert [str(e[1]) for e in errors] == ["a fault"]
    assert stack.index() == 1 and stack.count() == 1
    assert window.actions_by_name["undo"].isEnabled()


def test_a_failing_recompute_of_open_rows_does_not_unsay_a_stored_edit(
    window, qtbot, monkeypatch, demo_repo
):
    """After a big edit the open patients' rows are recomputed at once, best effort: a
    store that cannot be read then leaves them to the reload, and the edit stays stored,
    pushed and told to every view."""
    from planner.errors import StorageError

    mrns = sorted({r.mrn for r in window.session.rows})
    tid = next(r.transplant_id for r in window.session.rows if r.mrn == mrns[0])
    ws = window.open_transplant(tid)

    def unreadable(*args, **kwargs):
        raise StorageError("The database is busy.")

    monkeypatch.setattr(window.session, "refresh_transplants", unreadable)
    told: list[object] = []
    window.session.sig_change.connect(told.append)
    report = ws.session.run(
        lambda repo, ctx: import_labs(repo, ctx, _everyone_file(window), "labs.csv", MAPPING)
    )
    assert report.change is not None and told == [report.change]
    assert ws.session.undo_stack.count() == 1
