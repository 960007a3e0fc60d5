"""The quick start in the window: the stored board first, the live clinic behind it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import replace

import pytest
from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.app.clinic import clinic_view
from planner.app.context import Context
from planner.app.patients import save_patient
from planner.app.snapshot import (
    StartBoard,
    StoredWorklist,
    entry_document,
    entry_payload,
    refresh_board_index,
    stale_transplants,
    start_board_of,
)
from planner.errors import StorageError
from tests.gui.conftest import ACTOR, NOW
from ui import app as app_module
from ui.app import create_main_window
from ui.main_window import MainWindow

TOMORROW = NOW.date() + dt.timedelta(days=1)


def _start_board(repo) -> StartBoard:
    """The board a quick start paints: every open transplant's entry stored in ``repo``
    (as the idle refresh stores them), read back for today."""
    refresh_board_index(repo, NOW.date())
    board = start_board_of(repo.board_index(), NOW.date())
    assert board is not None and board.complete
    return board


def _stored(repo, day: dt.date | None = None) -> StartBoard | None:
    """What the next start of ``day`` (today) would paint from ``repo``'s index."""
    return start_board_of(repo.board_index(), day or NOW.date())


def _no_entries(repo) -> bool:
    index = repo.board_index()
    assert index, "the demo clinic has open transplants: not vacuous"
    return all(i.entry is None for i in index)


def _edit_a_patient(repo, session=None) -> set[str]:
    """Change the coordinator of the patient of the board's first row (through the
    window's session when given, else straight to the store, as another program would);
    return that patient's open transplants, whose entries are now stale."""
    row = clinic_view(repo, NOW.date()).rows[0]
    patient = repo.get_patient(row.patient_id)
    edited = replace(patient, coordinator="Someone Else")
    if session is None:
        save_patient(repo, Context(ACTOR, NOW), edited)
    else:
        session.perform(lambda r, ctx: save_patient(r, ctx, edited))
    transplants = {t.id for t in repo.list_transplants(patient.id)}
    return {i.transplant_id for i in repo.board_index() if i.transplant_id in transplants}


def _wrong_entry(repo, transplant_id: str) -> None:
    """Store, under the right mark and context, an entry whose row of today is not what the
    data makes (as a faulty program would)."""
    (found,) = [i for i in repo.board_index() if i.transplant_id == transplant_id]
    assert found.entry is not None
    doc = entry_document(found.entry.payload)
    day = NOW.date().isoformat()
    row, items = json.loads(doc["days"][day])
    row[7] = "D+999"  # the day label
    doc["days"][day] = json.dumps([row, items])
    repo.store_board_entries([replace(found.entry, payload=entry_payload(doc))])


def _idle_refresh(window: MainWindow, repo, qtbot) -> None:
    """What the idle timer runs, waited for: every entry current."""
    window.session.save_snapshot_async()
    qtbot.waitUntil(lambda: not stale_transplants(repo.board_index(), NOW.date()), timeout=10_000)
    QThreadPool.globalInstance().waitForDone()


def _keeping_window(qtbot, settings, repo) -> MainWindow:
    window = create_main_window(
        repo, actor=ACTOR, clock=lambda: NOW, demo=True, settings=settings, keep_snapshot=True
    )
    qtbot.addWidget(window)
    return window


def _board_window(qtbot, settings, board: StartBoard, now=NOW, **kw) -> MainWindow:
    """The window of a quick start: ``board`` painted, no database open yet."""
    window = create_main_window(
        None, actor=ACTOR, clock=lambda: now, demo=True, settings=settings, start_board=board, **kw
    )
    qtbot.addWidget(window)
    return window


@pytest.fixture
def quick_window(qtbot, settings, demo_repo):
    board = _start_board(demo_repo)
    window = _board_window(qtbot, settings, board)
    window.show()
    return window, board


def _live(window: MainWindow, repo) -> None:
    window.session.attach(repo)
    window.session.refresh()
    QApplication.processEvents()  # an action that waited runs after the first load's handlers


def test_the_stored_board_is_on_screen_before_the_database_is_open(quick_window):
    window, board = quick_window
    assert not window.session.ready
    assert window.model.rowCount() == len(board.rows) > 0
    assert [window.model.row_at(i) for i in range(window.model.rowCount())] == board.rows
    painted = window.clinic_timeline.rows()
    assert len(painted) == len(board.rows)
    assert all(r.plan is None and r.sketch is not None for r in painted)
    assert not window.clinic_timeline.grab().isNull()
    with pytest.raises(RuntimeError, match="still being opened"):
        _ = window.session.repo


def test_the_board_can_be_searched_before_the_clinic_is_loaded(quick_window, qtbot):
    window, board = quick_window
    target = board.rows[0]
    qtbot.keyClicks(window.board.search, target.mrn)
    assert window.board.proxy.rowCount() == 1


def test_opening_a_patient_waits_for_the_database_behind_the_stored_board(quick_window, demo_repo):
    window, board = quick_window
    tid = board.rows[0].transplant_id
    assert window.open_transplant(tid) is None
    assert window.workspaces() == []
    assert "Opening the clinic database" in window.statusBar().currentMessage()
    window.session.attach(demo_repo)  # open behind the stored board of today: usable
    QApplication.processEvents()
    assert window.session.ready and not window.session.live
    assert [ws.session.transplant.id for ws in window.workspaces()] == [tid]
    assert window.clinic_timeline.rows()[0].plan is None  # still the stored sketches
    window.session.refresh()
    assert window.session.live
    assert window.clinic_timeline.rows()[0].plan is not None  # live rows replaced the sketches


def test_a_patient_opened_from_the_stored_board_shows_the_engraftment_the_board_knows(
    quick_window, demo_repo
):
    window, board = quick_window
    assert board.engrafted, "the demo clinic has engrafted patients: not vacuous"
    tid, date = next(iter(board.engrafted.items()))
    window.session.attach(demo_repo)
    ws = window.open_transplant(tid)
    assert ws is not None and not window.session.live
    assert ws.session.engrafted_on() == date


def test_a_stored_board_of_another_day_waits_for_the_live_clinic(qtbot, settings, demo_repo):
    # Midnight passed while it opened.
    board = _start_board(demo_repo)
    window = _board_window(qtbot, settings, board, now=NOW + dt.timedelta(days=1))
    window.session.attach(demo_repo)
    assert not window.session.ready
    window.session.refresh()
    assert window.session.ready and window.session.live


def test_what_reads_the_whole_file_waits_for_the_live_clinic(quick_window, demo_repo):
    window, _ = quick_window
    checks: list[str] = []
    demo_repo.check_file = lambda: checks.append("check")  # type: ignore[method-assign]
    window.session.check_file_when_live(lambda exc: None)
    window.session.attach(demo_repo)
    QApplication.processEvents()
    assert window.session.ready
    assert not window._backup_timer.isActive()
    QThreadPool.globalInstance().waitForDone()
    QApplication.processEvents()
    assert checks == []
    window.session.refresh()
    QThreadPool.globalInstance().waitForDone()
    QApplication.processEvents()
    assert checks == ["check"]
    assert window._backup_timer.isActive()


def test_an_edit_stored_during_a_background_load_stays_on_the_board(
    demo_window, demo_repo, qtbot, monkeypatch
):
    """The load read the clinic before the edit; its rows must not undo the edit's row."""
    from planner.app.transplants import save_transplant
    from planner.domain.patients import TransplantStatus, with_status

    session = demo_window.session
    row = next(r for r in session.rows if r.mrn == "DEMO-0002")
    read_before_the_edit = session._compute(session.today)
    monkeypatch.setattr(session, "_compute", lambda today: read_before_the_edit)
    done: list[bool] = []
    session.refresh_async(lambda exc: done.append(False))
    stored = demo_repo.get_transplant(row.transplant_id)
    cancelled = with_status(
        stored, TransplantStatus.CANCELLED, NOW.date(), "moved", today=NOW.date()
    )
    session.perform(
        lambda repo, ctx: save_transplant(repo, ctx, cancelled), demo_window.clinic_undo
    )
    assert session.row_of(row.transplant_id) is None  # the edit's own refresh
    qtbot.waitUntil(lambda: not session._missed_by_loads)
    assert session.row_of(row.transplant_id) is None  # the stale load did not bring it back
    assert done == []


def test_actions_that_need_the_clinic_wait_for_it(quick_window, demo_repo, monkeypatch):
    from ui.dialogs.patient_dialog import PatientDialog

    window, _ = quick_window
    calls: list[str] = []
    monkeypatch.setattr(
        PatientDialog, "ask", staticmethod(lambda *_a: calls.append("new patient dialog"))
    )
    window.actions_by_name["new_patient"].trigger()
    assert calls == []
    _live(window, demo_repo)
    assert calls == ["new patient dialog"]


def test_board_only_actions_work_at_once(quick_window):
    window, _ = quick_window
    window.actions_by_name["show_today"].trigger()
    assert window.tabs.currentIndex() == 1
    assert window.worklist_model.rowCount() == len(window.session.worklist)


def test_the_stored_worklist_is_decoded_once_the_board_is_painted(quick_window, qtbot, demo_repo):
    """The start paints the board without decoding Today's lines; they are in the Today
    model as soon as the GUI is quiet after that paint, before anyone could open the tab."""
    window, board = quick_window
    assert isinstance(board.worklist, StoredWorklist) and not board.worklist.decoded
    assert window.worklist_model.rowCount() == 0  # the first paint decodes nothing
    qtbot.waitUntil(lambda: window.worklist_model.rowCount() > 0, timeout=2000)
    model = window.worklist_model
    shown = [model.item(i) for i in range(model.rowCount())]
    assert shown == clinic_view(demo_repo, NOW.date()).worklist
    assert not window.session.ready  # the clinic is not loaded: these are the stored lines


def test_closing_stores_the_entries_the_next_start_shows(qtbot, settings, demo_repo):
    window = _keeping_window(qtbot, settings, demo_repo)
    assert _stored(demo_repo) is None
    window.close()
    board = _stored(demo_repo)
    assert board is not None and board.complete
    assert board.rows == window.session.rows
    assert board.worklist == window.session.worklist


def _clinic_reads(monkeypatch) -> list[object]:
    """The transplants each clinic read asked for (None: the whole clinic)."""
    import planner.app.clinic as clinic

    reads: list[object] = []
    real = clinic.load_clinic

    def load_clinic(repo, transplant_ids=None, *args, **kwargs):
        reads.append(None if transplant_ids is None else set(transplant_ids))
        return real(repo, transplant_ids, *args, **kwargs)

    monkeypatch.setattr(clinic, "load_clinic", load_clinic)
    return reads


def test_closing_after_an_edit_stores_the_edited_transplants_from_the_store(
    qtbot, settings, demo_repo, monkeypatch
):
    """The index was current before the edit: the close reads only what the edit touched,
    and stores its coming days too."""
    window = _keeping_window(qtbot, settings, demo_repo)
    _idle_refresh(window, demo_repo, qtbot)
    edited = _edit_a_patient(demo_repo, window.session)
    assert edited, "the patient has an open transplant: not vacuous"
    reads = _clinic_reads(monkeypatch)
    window.close()
    assert reads == [edited]  # not the clinic
    for day in (NOW.date(), TOMORROW):
        board = _stored(demo_repo, day)
        live = clinic_view(demo_repo, day)
        assert board is not None and board.complete
        assert board.rows == live.rows and board.worklist == live.worklist
    assert any(r.coordinator == "Someone Else" for r in board.rows)


def test_closing_with_no_time_left_stores_the_shown_rows_without_reading_the_clinic(
    qtbot, settings, demo_repo, monkeypatch
):
    """When the refresh has no time at close, the rows on screen are stored as today's
    entries of what is left (milliseconds); another day's start computes those."""
    import ui.session

    monkeypatch.setattr(ui.session, "CLOSE_INDEX_S", -1.0)  # the refresh stops at once
    window = _keeping_window(qtbot, settings, demo_repo)
    _idle_refresh(window, demo_repo, qtbot)
    edited = _edit_a_patient(demo_repo, window.session)
    reads = _clinic_reads(monkeypatch)
    window.close()
    assert reads == []  # closing encoded the rows in hand
    board = _stored(demo_repo)
    assert board is not None and board.complete
    assert board.rows == window.session.rows
    assert board.worklist == window.session.worklist
    assert any(r.coordinator == "Someone Else" for r in board.rows)
    # Only today's rows: tomorrow's start computes the edited transplants.
    tomorrow = _stored(demo_repo, TOMORROW)
    assert tomorrow is not None and tomorrow.missing == edited


def test_closing_with_a_current_index_stores_no_entry(qtbot, settings, demo_repo, monkeypatch):
    window = _keeping_window(qtbot, settings, demo_repo)
    _idle_refresh(window, demo_repo, qtbot)
    writes: list[object] = []
    monkeypatch.setattr(demo_repo, "store_board_entries", writes.append)
    window.close()
    assert writes == []


def test_a_background_refresh_stops_when_asked(demo_repo):
    assert refresh_board_index(demo_repo, NOW.date(), stop=lambda: True) == set()
    assert _no_entries(demo_repo)


def test_after_a_pause_the_entries_are_stored_in_the_background(qtbot, settings, demo_repo):
    window = _keeping_window(qtbot, settings, demo_repo)
    assert window.session._snapshot_timer.isActive()  # started by the load
    assert _no_entries(demo_repo)
    _idle_refresh(window, demo_repo, qtbot)
    board = _stored(demo_repo, TOMORROW)  # the coming days too
    assert board is not None and board.complete
    assert board.rows == clinic_view(demo_repo, TOMORROW).rows


def test_without_keep_snapshot_nothing_is_stored(demo_window, demo_repo):
    demo_window.session.save_snapshot_async()
    QThreadPool.globalInstance().waitForDone()
    demo_window.close()
    assert _no_entries(demo_repo)


@pytest.fixture
def isolated_run(monkeypatch):
    """``ui.app.run`` changes the excepthook; put it back after the test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def _close_when_ready(*, live: bool = False) -> QTimer:
    """Close the window once patients can be opened (``live``: once the live clinic is in,
    which a close must wait for to store entries)."""

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            # Once the file is checked too: a close during the check stores no entry.
            session = widget.session if isinstance(widget, MainWindow) else None
            if session is None or not (session.ready and session.file_checked):
                continue
            if session.live or not live:
                widget.close()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    return timer


def test_templates_load_behind_the_live_clinic_and_a_broken_local_one_is_reported(
    qapp, isolated_run, settings, demo_repo, tmp_path
):
    local = tmp_path / "templates"
    local.mkdir()
    (local / "broken.toml").write_text("id = [unclosed\n", encoding="utf-8")
    seen: list[tuple[int, str]] = []

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.session.ready:
                message = widget.statusBar().currentMessage()
                if "A local template was skipped" in message:
                    seen.append((len(widget.protocols), message))
                    widget.close()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    code = app_module.run(
        demo_repo,
        actor=ACTOR,
        clock=lambda: NOW,
        demo=True,
        local_templates=local,
        window_settings=settings,
    )
    timer.stop()
    assert code == 0
    (count, message), *_ = seen
    assert count >= 24 and "broken.toml" in message


def _run_until_ready(board: StartBoard | None, open_repo, settings, *, live: bool = False) -> int:
    """``ui.app.run`` as the program runs it, the window closed once the clinic is in."""
    timer = _close_when_ready(live=live)
    try:
        return app_module.run(
            None,
            actor=ACTOR,
            clock=lambda: NOW,
            demo=True,
            start_board=board,
            open_repo=open_repo,
            window_settings=settings,
        )
    finally:
        timer.stop()


def test_run_paints_the_stored_board_then_opens_the_clinic_behind_it(
    qapp, isolated_run, settings, demo_repo
):
    board = _start_board(demo_repo)
    opened: list[object] = []

    def open_repo():
        opened.append(demo_repo)
        return demo_repo

    assert _run_until_ready(board, open_repo, settings) == 0
    assert opened == [demo_repo]
    after = _stored(demo_repo)  # still there, whole, for the next start
    assert after is not None and after.complete and after.rows == board.rows


def _windows_on_screen() -> list[MainWindow]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w.isVisible()  # not other tests' windows
    ]


def test_a_start_with_a_patient_edited_since_shows_the_whole_board_once_the_database_is_open(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    """An edit since the entries were stored (another program, the command line) costs
    that patient's transplants, computed once the database is open, not the clinic; the
    board is never painted without them."""
    refresh_board_index(demo_repo, NOW.date())
    edited = _edit_a_patient(demo_repo)
    partial = _stored(demo_repo)
    assert partial is not None and partial.missing == edited and edited
    assert not any(r.transplant_id in edited for r in partial.rows)
    before_open: list[tuple[int, bool]] = []

    def open_repo():
        before_open.extend((len(w.session.rows), w.session.ready) for w in _windows_on_screen())
        return demo_repo

    boards = _started_boards(monkeypatch)
    seen = _attached_states(monkeypatch)
    assert _run_until_ready(partial, open_repo, settings, live=True) == 0
    assert before_open == [(0, False)]  # the window, without a partial board
    assert seen == [(True, False, True)]  # patients open from it before the live load
    (shown,) = boards
    live = clinic_view(demo_repo, NOW.date())
    assert shown.complete
    assert shown.rows == live.rows and shown.worklist == live.worklist
    assert any(r.coordinator == "Someone Else" for r in shown.rows)
    after = _stored(demo_repo)  # the close, once live, stored the edited transplants again
    assert after is not None and after.complete and after.rows == live.rows


def test_a_board_stored_in_the_language_used_before_another_was_chosen_is_not_shown(
    qapp, isolated_run, settings, demo_repo, monkeypatch, tmp_path
):
    """Entries stored in English, Spanish chosen since: their alerts and phase rules would
    be English under Spanish headers, so the live clinic is computed instead."""
    from ui.settings import WindowState
    from ui.translation import install_translators, remove_translators

    board = _start_board(demo_repo)
    assert board.language == "en"
    WindowState(settings).save_language("es")
    installed = []

    def install(app, language, **kw):
        installed.append(install_translators(app, language, cache=tmp_path))
        return installed[-1]

    monkeypatch.setattr(app_module, "install_translators", install)
    boards = _started_boards(monkeypatch)
    try:
        assert _run_until_ready(board, lambda: demo_repo, settings) == 0
    finally:
        for loaded in installed:
            remove_translators(qapp, loaded)
    assert [loaded.language for loaded in installed] == ["es"]
    assert boards == []  # the English board was never painted


def test_the_board_of_a_clinic_without_open_transplants_is_shown(
    qapp, isolated_run, settings, monkeypatch
):
    """No entry, so no language: its empty rows suit any language."""
    from planner.storage.memory import InMemoryRepository

    empty = InMemoryRepository()
    board = start_board_of(empty.board_index(), NOW.date())
    assert board is not None and board.complete and board.language == ""
    boards = _started_boards(monkeypatch)
    assert _run_until_ready(board, lambda: empty, settings) == 0
    assert boards == [board]


def test_a_board_in_the_interface_language_is_shown(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    board = _start_board(demo_repo)
    boards = _started_boards(monkeypatch)
    assert _run_until_ready(board, lambda: demo_repo, settings) == 0
    assert boards == [board]


def test_run_without_a_stored_board_paints_the_window_before_opening_the_database(
    qapp, isolated_run, settings, demo_repo
):
    seen: list[tuple[bool, bool]] = []

    def open_repo():
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible()  # not other tests' windows
        ]
        seen.append((len(shown) == 1, any(w.session.ready for w in shown)))
        return demo_repo

    assert _run_until_ready(None, open_repo, settings) == 0
    assert seen == [(True, False)]  # on screen, and nothing usable until the clinic is in


def test_run_reports_a_database_that_cannot_be_opened_and_exits_2(
    qapp, isolated_run, settings, demo_repo, monkeypatch, capsys
):
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text))
    )
    monkeypatch.setattr(app_module, "has_screen", lambda: True)

    def open_repo():
        raise StorageError("The database file is damaged (the integrity check failed).")

    code = app_module.run(
        None,
        actor=ACTOR,
        clock=lambda: NOW,
        demo=True,
        start_board=_start_board(demo_repo),
        open_repo=open_repo,
        window_settings=settings,
    )
    assert code == 2
    assert shown == ["The database file is damaged (the integrity check failed)."]
    assert capsys.readouterr().err.endswith(
        "transplant-planner: The database file is damaged (the integrity check failed).\n"
    )
    assert not any(
        isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
    )


def test_a_file_that_fails_the_check_run_beside_the_load_ends_the_app_with_2(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    from planner.storage.engine import DAMAGED_MESSAGE

    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text))
    )
    monkeypatch.setattr(app_module, "has_screen", lambda: True)

    def damaged() -> None:
        raise StorageError(DAMAGED_MESSAGE)

    monkeypatch.setattr(demo_repo, "check_file", damaged)
    code = app_module.run(
        None,
        actor=ACTOR,
        clock=lambda: NOW,
        demo=True,
        start_board=_start_board(demo_repo),
        open_repo=lambda: demo_repo,
        window_settings=settings,
    )
    assert code == 2
    assert shown == [DAMAGED_MESSAGE]
    assert not any(
        isinstance(w, MainWindow) and w.isVisible() for w in QApplication.topLevelWidgets()
    )


def test_a_patient_opened_during_the_file_check_is_recorded_when_it_passes(
    demo_window, demo_repo, qtbot, monkeypatch
):
    import threading

    release = threading.Event()
    monkeypatch.setattr(demo_repo, "check_file", lambda: release.wait(10))
    damaged: list[BaseException] = []
    session = demo_window.session
    session.check_file_when_live(damaged.append)
    pid = session.rows[0].patient_id

    def views() -> int:
        return sum(
            1 for e in demo_repo.audit_log(pid) if e.entity == "event" and "View patient" in e.new
        )

    before = views()
    assert session.record_view(pid)  # no "could not be recorded" for the start's check
    assert views() == before  # waits for the check
    release.set()
    qtbot.waitUntil(lambda: views() == before + 1)
    assert damaged == [] and not session.views


class _SlowCheck:
    """A file check that runs until released or stopped (a very large file)."""

    def __init__(self) -> None:
        import threading

        self.release = threading.Event()
        self.stopped = False

    def check_file(self) -> None:
        from planner.storage.sql import CHECK_PENDING

        self.release.wait(10)
        if self.stopped:
            raise StorageError(CHECK_PENDING)

    def stop_file_check(self) -> None:
        self.stopped = True
        self.release.set()


def test_closing_during_the_file_check_stops_it_without_a_word(
    make_window, demo_repo, qtbot, monkeypatch
):
    slow = _SlowCheck()
    monkeypatch.setattr(demo_repo, "check_file", slow.check_file)
    monkeypatch.setattr(demo_repo, "stop_file_check", slow.stop_file_check)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *a: warnings.append(a[2])))
    window = make_window(demo_repo)
    damaged: list[BaseException] = []
    window.session.check_file_when_live(damaged.append)
    window.close()
    assert slow.stopped
    qtbot.wait(50)  # the stopped check's answer arrives: not a damaged file
    assert damaged == [] and warnings == []


def test_closing_during_the_file_check_waits_for_it_when_views_wait(
    make_window, demo_repo, qtbot, monkeypatch
):
    slow = _SlowCheck()
    monkeypatch.setattr(demo_repo, "check_file", slow.check_file)
    monkeypatch.setattr(demo_repo, "stop_file_check", slow.stop_file_check)
    window = make_window(demo_repo)
    window.session.check_file_when_live(lambda exc: None)
    pid = window.session.rows[0].patient_id
    assert window.session.record_view(pid)
    import threading

    threading.Timer(0.2, slow.release.set).start()  # the check ends while the close waits
    window.close()
    assert not slow.stopped
    assert not window.session.views
    assert any(e.entity == "event" and "View patient" in e.new for e in demo_repo.audit_log(pid))


def test_the_second_start_of_the_program_paints_the_stored_board(
    qapp, isolated_run, settings, tmp_path, monkeypatch
):
    """main.py end to end on an SQLite file: the first run stores, the second starts from it."""
    import main

    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    monkeypatch.setattr(main, "local_now", lambda: NOW.astimezone())
    starts: list[StartBoard | None] = []
    real_run = app_module.run

    def run(repo, **kw):  # the window's state goes to the data folder's window.ini
        starts.append(kw["start_board"])
        assert kw["window_settings"].fileName() == str(tmp_path / "data" / "window.ini")
        return real_run(repo, **kw)

    monkeypatch.setattr(app_module, "run", run)
    db = tmp_path / "clinic.db"
    assert main.main(["demo-db", str(db)]) == 0
    for _ in range(2):
        timer = _close_when_ready()
        assert main.main(["--db", str(db)]) == 0
        timer.stop()
    first, second = starts
    assert first is None  # a new database: nothing stored yet
    assert second is not None and second.complete and len(second.rows) > 0
    assert second.today == NOW.date()


def test_the_status_bar_says_the_clinic_is_still_opening(quick_window, demo_repo):
    window, _ = quick_window
    assert "opening the clinic database" in window.statusBar().currentMessage()
    _live(window, demo_repo)
    assert "opening" not in window.statusBar().currentMessage()


def test_on_a_shared_server_closing_does_not_store_the_board_on_screen(
    qtbot, settings, demo_repo, monkeypatch
):
    """Other workstations' commits raise marks without reaching this screen: the rows
    shown may not be the data at the marks, so the close stores none of them (what a
    file's close stores when its refresh has no time left)."""
    import ui.session

    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    monkeypatch.setattr(ui.session, "CLOSE_INDEX_S", -1.0)  # the refresh stops at once
    window = _keeping_window(qtbot, settings, demo_repo)
    assert window.session.ready and window.session.live
    window.close()
    assert _no_entries(demo_repo)


def test_on_a_shared_server_closing_refreshes_the_entries_from_the_store(
    qtbot, settings, demo_repo, monkeypatch
):
    """The refresh reads each transplant's mark before its data, whoever else writes: a
    shared server's close stores what it computes from the store (with the coming days),
    never the rows on screen."""
    import planner.app.snapshot as snapshot

    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    shown: list[object] = []
    monkeypatch.setattr(snapshot, "store_shown_board", lambda *a, **k: shown.append(a))
    window = _keeping_window(qtbot, settings, demo_repo)
    _idle_refresh(window, demo_repo, qtbot)
    edited = _edit_a_patient(demo_repo, window.session)
    window.close()
    assert shown == []
    assert not stale_transplants(demo_repo.board_index(), NOW.date())
    board = _stored(demo_repo, TOMORROW)
    assert board is not None and board.complete
    assert board.rows == clinic_view(demo_repo, TOMORROW).rows
    assert any(r.coordinator == "Someone Else" for r in board.rows if r.transplant_id in edited)


def _started_boards(monkeypatch) -> list[StartBoard]:
    """The stored boards each session is shown."""
    from ui.session import ClinicSession

    seen: list[StartBoard] = []
    real = ClinicSession.start_board

    def start_board(self, board: StartBoard) -> None:
        seen.append(board)
        real(self, board)

    monkeypatch.setattr(ClinicSession, "start_board", start_board)
    return seen


def _attached_states(monkeypatch) -> list[tuple[bool, bool, bool]]:
    """(ready, live, from the stored board) as each session is handed its repository."""
    from ui.session import ClinicSession

    seen: list[tuple[bool, bool, bool]] = []
    real = ClinicSession.attach

    def attach(self, repo) -> None:
        real(self, repo)
        seen.append((self.ready, self.live, self.from_snapshot))

    monkeypatch.setattr(ClinicSession, "attach", attach)
    return seen


def test_on_a_server_the_stored_board_is_shown_and_used_once_connected(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    """No quick start reads a server before the window: its stored board is read with
    the connection, and patients open from it before the live load is in."""
    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    _start_board(demo_repo)  # stored by a workstation's idle refresh
    seen = _attached_states(monkeypatch)
    assert _run_until_ready(None, lambda: demo_repo, settings) == 0
    assert seen == [(True, False, True)]


def test_on_a_server_an_entry_stored_before_the_last_commit_is_computed_again(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    """Another workstation changed a patient since the entries were stored: the stale
    entry is not shown, its transplant is computed from the store with the connection."""
    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    before = _start_board(demo_repo)
    edited = _edit_a_patient(demo_repo)  # the other workstation's commit
    boards = _started_boards(monkeypatch)
    seen = _attached_states(monkeypatch)
    assert _run_until_ready(None, lambda: demo_repo, settings) == 0
    assert seen == [(True, False, True)]  # shown and used once connected
    (shown,) = boards
    live = clinic_view(demo_repo, NOW.date())
    assert shown.complete
    assert shown.rows == live.rows and shown.worklist == live.worklist
    assert shown.rows != before.rows  # not the stale entries
    assert all(r.coordinator == "Someone Else" for r in shown.rows if r.transplant_id in edited)


def test_a_stored_board_that_cannot_be_read_only_costs_the_head_start(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    _start_board(demo_repo)  # readable, it would be shown

    def unreadable(_self, _day=None):
        raise StorageError("The connection to the server was lost.")

    monkeypatch.setattr(type(demo_repo), "board_index", unreadable)
    seen = _attached_states(monkeypatch)
    assert _run_until_ready(None, lambda: demo_repo, settings) == 0
    assert seen == [(False, False, False)]  # ready with the live load


def test_the_program_warns_about_a_synced_folder(tmp_path, monkeypatch):
    import main

    seen: dict[str, object] = {}

    def run(repo, **kw):  # no window: only what the program would show
        seen.update(kw)
        return 0

    monkeypatch.setattr(app_module, "run", run)
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    folder = tmp_path / "OneDrive - Clinic"
    folder.mkdir(mode=0o700)
    assert main.main(["--db", str(folder / "planner.db")]) == 0
    assert "OneDrive synchronises" in str(seen["storage_warning"])
    assert main.main(["--db", str(tmp_path / "local.db")]) == 0
    assert seen["storage_warning"] == ""


def test_the_storage_warning_is_a_persistent_banner(demo_window):
    assert demo_window.storage_banner.isHidden()
    demo_window.show_storage_warning("The clinic database is in a folder that Dropbox ...")
    assert not demo_window.storage_banner.isHidden()
    assert "Dropbox" in demo_window.storage_banner.text()


def test_a_refused_start_is_shown_in_a_dialog_too(qapp, tmp_path, monkeypatch, capsys):
    """Started from a desktop icon, nobody reads stderr: the refusal is also a dialog."""
    import os

    import main

    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))
    db = tmp_path / "clinic.db"
    assert main.main(["demo-db", str(db)]) == 0
    os.chmod(db, 0o644)
    shown: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", staticmethod(lambda _parent, _title, text: shown.append(text))
    )
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")  # as on a desktop (the dialog is patched)
    monkeypatch.setattr("ui.display.display_problem", lambda: "")  # a display is there
    assert main.main(["--db", str(db)]) == 2
    assert len(shown) == 1 and "can be read by other users" in shown[0]
    assert "can be read by other users" in capsys.readouterr().err
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")  # no screen: stderr only
    assert main.main(["--db", str(db)]) == 2
    assert len(shown) == 1


# --- closing, failing and retrying while the clinic is still opening -------------------


def test_an_action_that_waited_is_dropped_when_the_window_closes(
    quick_window, demo_repo, monkeypatch
):
    from ui.dialogs.patient_dialog import PatientDialog

    window, _ = quick_window
    shown: list[str] = []
    monkeypatch.setattr(PatientDialog, "ask", staticmethod(lambda *a: shown.append("dialog")))
    window.actions_by_name["new_patient"].trigger()
    window.close()
    _live(window, demo_repo)  # the load that was running ends after the close
    QApplication.processEvents()
    assert shown == []
    assert not window.session.ready  # its rows were dropped with the window


def test_closing_before_the_clinic_loaded_keeps_last_times_open_patients(quick_window, settings):
    from ui.settings import WindowState

    window, board = quick_window
    WindowState(settings).save_open_plans([board.rows[0].transplant_id])
    window.close()
    assert WindowState(settings).load_open_plans() == [board.rows[0].transplant_id]


def test_a_failed_first_load_can_be_retried_with_f5(quick_window, demo_repo, monkeypatch, qtbot):
    window, _ = quick_window
    real = type(demo_repo).list_plans
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise StorageError("The database is busy; try again.")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(demo_repo), "list_plans", flaky)
    window.session.attach(demo_repo)
    try:
        window.session.refresh()
    except StorageError as exc:
        window.show_load_error(exc)
    assert not window.session.live
    assert "Press F5 to try again" in window.statusBar().currentMessage()
    window.actions_by_name["refresh"].trigger()  # the load runs in a worker thread
    qtbot.waitUntil(lambda: window.session.live)


def test_closing_while_the_database_opens_starts_no_work_after_the_close(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    import time

    from ui.session import ClinicSession

    loads: list[object] = []
    monkeypatch.setattr(ClinicSession, "refresh_async", lambda self, on_error: loads.append(self))

    def slow_open():
        time.sleep(0.4)
        return demo_repo

    def close_all():
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow):
                widget.close()

    QTimer.singleShot(50, close_all)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(lambda: QApplication.instance().exit(99))  # never hang the suite
    guard.start(5000)
    code = app_module.run(
        None,
        actor=ACTOR,
        clock=lambda: NOW,
        demo=True,
        start_board=_start_board(demo_repo),
        open_repo=slow_open,
        window_settings=settings,
    )
    guard.stop()
    QThreadPool.globalInstance().waitForDone()
    QApplication.processEvents()
    assert code == 0
    assert loads == []  # the open finished after the close: no load was started


def test_the_status_bar_says_the_clinic_loads_once_patients_can_be_opened(quick_window, demo_repo):
    window, _ = quick_window
    window.session.attach(demo_repo)
    assert "loading the clinic" in window.statusBar().currentMessage()
    window.session.refresh()
    assert "loading" not in window.statusBar().currentMessage()


def test_the_timeline_rows_are_sketched_behind_the_live_load(demo_window, demo_repo, qtbot):
    """Drawn from a sketch made in a worker thread, not from the plan at the first paint."""
    from planner.app.timeline import row_sketch
    from planner.app.transplants import save_transplant
    from planner.domain.patients import TransplantStatus, with_status

    session = demo_window.session
    qtbot.waitUntil(lambda: set(session.sketches) == set(session.plans))
    timeline = demo_window.clinic_timeline
    # Settled: the rows out of view are prepared while the window is idle.
    qtbot.waitUntil(lambda: all(g is not None for g in timeline._geometry))
    rows = {r.transplant_id: r for r in timeline.rows()}
    assert rows and all(r.sketch is not None and r.plan is not None for r in rows.values())
    for tid, row in rows.items():
        live = row_sketch(session.plans[tid])
        assert (row.sketch.first, row.sketch.last, row.sketch.runs, row.sketch.bands) == (
            live.first,
            live.last,
            live.runs,
            live.bands,
        )
    # An edit redraws its own row from the new plan; the others keep their sketches.
    edited = next(r for r in session.rows if r.mrn == "DEMO-0002").transplant_id
    stored = demo_repo.get_transplant(edited)
    on_hold = with_status(stored, TransplantStatus.ON_HOLD, NOW.date(), "fever", today=NOW.date())
    kept = {tid: s for tid, s in session.sketches.items() if tid != edited}
    session.perform(lambda repo, ctx: save_transplant(repo, ctx, on_hold), demo_window.clinic_undo)
    assert edited not in session.sketches or session.sketches[edited] is not kept.get(edited)
    assert all(session.sketches.get(tid) is s for tid, s in kept.items() if tid in session.plans)


def _warm_window(qtbot, settings, demo_repo, board):
    window = _board_window(qtbot, settings, board, keep_snapshot=True)
    _live(window, demo_repo)
    return window


def test_closing_after_a_start_from_the_stored_board_writes_nothing(
    qtbot, settings, demo_repo, monkeypatch
):
    """The stored entries are the board shown (with their coming days): kept as they are."""
    board = _start_board(demo_repo)
    stored = demo_repo.board_index()
    writes: list[object] = []
    monkeypatch.setattr(demo_repo, "store_board_entries", writes.append)
    window = _warm_window(qtbot, settings, demo_repo, board)
    assert window.session.live and window.session._suspect_entries == set()
    window.close()
    assert writes == []
    assert demo_repo.board_index() == stored


def test_closing_before_the_live_load_stores_nothing(qtbot, settings, demo_repo, monkeypatch):
    """On the stored board, before the live clinic is in, nothing is refreshed: what
    changed meanwhile is computed by the next start."""
    window = _board_window(qtbot, settings, _start_board(demo_repo), keep_snapshot=True)
    window.session.attach(demo_repo)
    assert window.session.ready and not window.session.live
    _edit_a_patient(demo_repo)  # stale entries the close could refresh
    writes: list[object] = []
    monkeypatch.setattr(demo_repo, "store_board_entries", writes.append)
    window.session.save_snapshot_async()
    QThreadPool.globalInstance().waitForDone()
    window.close()
    assert writes == []


@pytest.mark.parametrize("when", ["idle", "close"])
def test_an_entry_the_live_load_finds_wrong_is_stored_again(
    qtbot, settings, demo_repo, monkeypatch, when
):
    """An entry under the right mark and context that is not what the data makes (a
    faulty program) is shown once; the live load replaces its row and the next refresh
    stores it again."""
    tid = _start_board(demo_repo).rows[0].transplant_id
    _wrong_entry(demo_repo, tid)
    wrong = _stored(demo_repo)
    assert wrong is not None and wrong.complete
    assert next(r for r in wrong.rows if r.transplant_id == tid).day_label == "D+999"
    window = _warm_window(qtbot, settings, demo_repo, wrong)
    session = window.session
    row = session.row_of(tid)
    assert row is not None and row.day_label != "D+999"  # the live rows replaced it
    assert session._suspect_entries == {tid}
    if when == "idle":
        session.save_snapshot_async()
        qtbot.waitUntil(lambda: not session._suspect_entries, timeout=10_000)
        QThreadPool.globalInstance().waitForDone()
    else:
        window.close()
    after = _stored(demo_repo)
    live = clinic_view(demo_repo, NOW.date())
    assert after is not None and after.complete
    assert after.rows == live.rows and after.worklist == live.worklist


def test_on_a_server_an_edit_shows_its_rows_at_once_and_rereads_the_clinic_behind(
    demo_window, demo_repo, qtbot, monkeypatch
):
    """Other workstations' changes come with a full read, in a worker thread; the edited
    transplant's row does not wait for it, nor does the edit's own sentence disappear."""
    from planner.app.transplants import save_transplant
    from planner.domain.patients import TransplantStatus, with_status

    monkeypatch.setattr(type(demo_repo), "shared", property(lambda self: True))
    session = demo_window.session
    reads: list[int] = []
    real = session._compute
    monkeypatch.setattr(session, "_compute", lambda today: reads.append(1) or real(today))
    loading: list[bool] = []
    session.sig_loading.connect(loading.append)
    row = next(r for r in session.rows if r.mrn == "DEMO-0002")
    stored = demo_repo.get_transplant(row.transplant_id)
    cancelled = with_status(
        stored, TransplantStatus.CANCELLED, NOW.date(), "moved", today=NOW.date()
    )
    session.perform(
        lambda repo, ctx: save_transplant(repo, ctx, cancelled), demo_window.clinic_undo
    )
    assert session.row_of(row.transplant_id) is None  # at once, before any full read
    assert reads == []
    qtbot.waitUntil(lambda: reads == [1] and not session.loading)
    assert session.row_of(row.transplant_id) is None
    assert loading == []  # the status bar keeps the edit's sentence


def test_rows_behind_an_edit_of_many_transplants_are_not_stored_at_close(
    qtbot, settings, demo_repo, monkeypatch
):
    """An edit of many transplants (a lab import for the clinic) has the board reloaded in
    a worker; closing before that reload is in must not store the rows on screen, which
    are from before the edit, as today's entries."""
    import ui.session
    from planner.app.lab_import import import_labs
    from planner.labimport.reader import ColumnMapping

    monkeypatch.setattr(ui.session, "CLOSE_INDEX_S", -1.0)  # the close stores shown rows only
    window = _keeping_window(qtbot, settings, demo_repo)
    session = window.session
    assert session.ready and session.live
    monkeypatch.setattr(ui.session, "when_gui_quiet", lambda fn: None)  # no reload before close
    yesterday = (NOW.date() - dt.timedelta(days=1)).isoformat()
    lines = "".join(f"{r.mrn},{yesterday},ANC,0.7,10^9/L\n" for r in session.rows)
    data = f"MRN,Date,Test,Result,Unit\n{lines}".encode()
    mapping = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")
    session.perform(lambda repo, ctx: import_labs(repo, ctx, data, "labs.csv", mapping))
    behind = set(session._rows_behind)
    assert len(behind) > ui.session.PUBLISH_IN_PLACE
    window.close()
    current = {
        i.transplant_id for i in demo_repo.board_index() if i.entry and i.entry.mark == i.mark
    }
    assert current, "the other transplants' rows were stored: not vacuous"
    assert not current & behind


def test_the_idle_refresh_also_dates_the_registry_forms(qtbot, settings, demo_repo, monkeypatch):
    """After an upgrade the forms index is empty, and the first forms list would date the
    whole history: the idle refresh fills it, so the list reads the index."""
    from planner.app import forms

    window = _keeping_window(qtbot, settings, demo_repo)
    assert window.session.ready and window.session.live
    assert all(i.entry is None for i in demo_repo.forms_index())
    _idle_refresh(window, demo_repo, qtbot)
    context = forms.forms_context()
    index = demo_repo.forms_index()
    assert index and all(i.entry and i.entry.mark == i.mark for i in index)
    assert {i.entry.context for i in index if i.entry} == {context}
    read: list[object] = []
    monkeypatch.setattr(demo_repo, "get_plans", lambda *a, **k: read.append(a) or [])
    assert forms.forms_due(demo_repo, NOW.date(), everything=True)
    assert read == []  # the list read the index only


def test_with_accounts_the_idle_refresh_keeps_the_board_and_the_forms(qtbot, settings, demo_repo):
    """Where there are accounts the quick start shows no stored board before a sign-in,
    but the board is read from the store right after one (ui/app.py), and the registry
    forms' list after one too: both indexes are kept there as elsewhere."""
    from planner.app import accounts as acc
    from planner.app.accounts import SignedIn
    from planner.domain.accounts import Role, SignInPolicy
    from planner.records.ports import Actor

    boss = Actor("boss", "ws-1", Role.ADMINISTRATOR)
    acc.add_account(demo_repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a sample pass")
    window = _keeping_window(qtbot, settings, demo_repo)
    window.session.sign_in(SignedIn(boss, SignInPolicy()))
    qtbot.waitUntil(lambda: window.session.ready and window.session.live, timeout=10_000)
    window.session.save_snapshot_async()
    qtbot.waitUntil(lambda: all(i.entry for i in demo_repo.forms_index()), timeout=10_000)
    QThreadPool.globalInstance().waitForDone()
    board = start_board_of(demo_repo.board_index(), NOW.date())
    assert board is not None and board.complete
    assert board.rows == clinic_view(demo_repo, NOW.date()).rows


def test_the_open_database_must_let_the_login_in_as_the_quick_start_did():
    """The quick start's sign-in is confirmed by the open database: another role (a file
    changed by a program that ignored the lock) refuses the start; a board shown without
    a sign-in on a database with accounts is a fault, never passed over."""
    from planner.app.accounts import add_account, check_login, set_sign_in_policy
    from planner.app.context import Context as Ctx
    from planner.domain.accounts import Role, SignInMethod
    from planner.errors import SignInError
    from planner.records.ports import Actor
    from planner.storage.memory import InMemoryRepository

    repo = InMemoryRepository()
    add_account(repo, Ctx(ACTOR, NOW), "boss", Role.ADMINISTRATOR, "a long passphrase")
    admin = Ctx(Actor("boss", "ws", Role.ADMINISTRATOR), NOW)
    add_account(repo, admin, "nurse1", Role.NURSE, "another long passphrase")
    set_sign_in_policy(repo, admin, SignInMethod.OS_ACCOUNT, 15)
    signed = check_login(repo, "nurse1", "ws-3")
    assert app_module._let_in(repo, "nurse1", signed, shown=True)
    assert not app_module._let_in(repo, "nurse1", None, shown=False)
    other = replace(signed, actor=Actor("nurse1", "ws-3", Role.COORDINATOR))
    with pytest.raises(SignInError, match="accounts changed"):
        app_module._let_in(repo, "nurse1", other, shown=True)
    with pytest.raises(RuntimeError):
        app_module._let_in(repo, "nurse1", None, shown=True)
