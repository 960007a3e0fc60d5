"""The quick start in the window: the stored board first, the live clinic behind it."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.app.clinic import load_clinic
from planner.app.snapshot import SnapshotKey, StartBoard, build_snapshot, decode_start_board
from planner.errors import StorageError
from tests.gui.conftest import ACTOR, NOW
from ui import app as app_module
from ui.app import create_main_window
from ui.main_window import MainWindow


def _start_board(repo) -> StartBoard:
    """The board a quick start paints: the snapshot stored in ``repo``, decoded."""
    key = SnapshotKey(repo.data_mark())
    payload = build_snapshot(load_clinic(repo), key, NOW.date())
    repo.store_board_snapshot(payload)
    board = decode_start_board(payload, key, NOW.date())
    assert board is not None
    return board


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
    from PySide6.QtCore import QThreadPool

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


def test_closing_stores_the_snapshot_the_next_start_shows(make_window, demo_repo, settings, qtbot):
    window = create_main_window(
        demo_repo, actor=ACTOR, clock=lambda: NOW, demo=True, settings=settings, keep_snapshot=True
    )
    qtbot.addWidget(window)
    assert demo_repo.board_snapshot() is None
    window.close()
    board = decode_start_board(
        demo_repo.board_snapshot(), SnapshotKey(demo_repo.data_mark()), NOW.date()
    )
    assert board is not None
    assert board.rows == window.session.rows


def test_closing_after_an_edit_stores_the_shown_board_without_reading_the_clinic(
    make_window, demo_repo, settings, qtbot, monkeypatch
):
    import planner.app.clinic as clinic

    window = create_main_window(
        demo_repo, actor=ACTOR, clock=lambda: NOW, demo=True, settings=settings, keep_snapshot=True
    )
    qtbot.addWidget(window)
    reads = []
    monkeypatch.setattr(clinic, "load_clinic", lambda *a, **k: reads.append(a))
    window.close()
    assert reads == []  # closing encoded the rows in hand
    key = SnapshotKey(demo_repo.data_mark())
    board = decode_start_board(demo_repo.board_snapshot(), key, NOW.date())
    assert board is not None and board.rows == window.session.rows
    assert board.worklist == window.session.worklist
    # Only today's board: another day's start loads the clinic first.
    tomorrow = NOW.date() + dt.timedelta(days=1)
    assert decode_start_board(demo_repo.board_snapshot(), key, tomorrow) is None


def test_closing_with_a_current_snapshot_writes_nothing(qtbot, settings, demo_repo, monkeypatch):
    window = create_main_window(
        demo_repo, actor=ACTOR, clock=lambda: NOW, demo=True, settings=settings, keep_snapshot=True
    )
    qtbot.addWidget(window)
    window.session.save_snapshot_async()
    qtbot.waitUntil(lambda: window.session.snapshot_is_current(), timeout=10_000)
    writes = []
    monkeypatch.setattr(demo_repo, "store_board_snapshot", writes.append)
    window.close()
    assert writes == []


def test_a_background_snapshot_stops_when_asked(demo_repo):
    from planner.app.snapshot import save_board_snapshot

    assert save_board_snapshot(demo_repo, NOW.date(), stop=lambda: True) is None
    assert demo_repo.board_snapshot() is None


def test_after_a_pause_the_snapshot_is_stored_in_the_background(qtbot, settings, demo_repo):
    window = create_main_window(
        demo_repo, actor=ACTOR, clock=lambda: NOW, demo=True, settings=settings, keep_snapshot=True
    )
    qtbot.addWidget(window)
    assert window.session._snapshot_timer.isActive()  # started by the load
    window.session.save_snapshot_async()
    qtbot.waitUntil(lambda: window.session.snapshot_is_current(), timeout=10_000)
    assert demo_repo.board_snapshot() is not None


def test_without_keep_snapshot_nothing_is_stored(demo_window, demo_repo):
    demo_window.close()
    assert demo_repo.board_snapshot() is None


@pytest.fixture
def isolated_run(monkeypatch):
    """``ui.app.run`` changes the excepthook; put it back after the test."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


def _close_when_ready() -> QTimer:
    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            # Once the file is checked too: a close during the check stores no snapshot.
            session = widget.session if isinstance(widget, MainWindow) else None
            if session is not None and session.ready and session.file_checked:
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


def _run_until_ready(board: StartBoard | None, open_repo, settings) -> int:
    """``ui.app.run`` as the program runs it, the window closed once the clinic is in."""
    timer = _close_when_ready()
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
    assert (
        decode_start_board(
            demo_repo.board_snapshot(), SnapshotKey(demo_repo.data_mark()), NOW.date()
        )
        is not None
    )  # stored at close for the next start


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
    assert second is not None and len(second.rows) > 0
    assert second.today == NOW.date()


def test_the_status_bar_says_the_clinic_is_still_opening(quick_window, demo_repo):
    window, _ = quick_window
    assert "opening the clinic database" in window.statusBar().currentMessage()
    _live(window, demo_repo)
    assert "opening" not in window.statusBar().currentMessage()


def test_on_a_shared_server_closing_does_not_store_the_board_on_screen(
    qtbot, settings, demo_repo, monkeypatch
):
    """Other workstations' commits raise the mark without reaching this screen: the rows
    shown may not be the data at the mark, so the close stores nothing (the idle
    snapshot, which reads the mark before the data, still does)."""
    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    window = create_main_window(
        demo_repo, actor=ACTOR, clock=lambda: NOW, demo=True, settings=settings, keep_snapshot=True
    )
    qtbot.addWidget(window)
    assert window.session.ready and not window.session.snapshot_is_current()
    window.close()
    assert demo_repo.board_snapshot() is None
    window.session.finishing = False
    window.session._write_snapshot(NOW.date())  # what the idle timer runs
    assert decode_start_board(
        demo_repo.board_snapshot(), SnapshotKey(demo_repo.data_mark()), NOW.date()
    )


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
    _start_board(demo_repo)  # stored by a workstation's idle snapshot
    seen = _attached_states(monkeypatch)
    assert _run_until_ready(None, lambda: demo_repo, settings) == 0
    assert seen == [(True, False, True)]


def test_on_a_server_a_board_stored_before_the_last_commit_is_not_shown(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))
    mark = demo_repo.data_mark()
    stale = SnapshotKey((mark[0] - 1, mark[1]))
    demo_repo.store_board_snapshot(build_snapshot(load_clinic(demo_repo), stale, NOW.date()))
    seen = _attached_states(monkeypatch)
    assert _run_until_ready(None, lambda: demo_repo, settings) == 0
    assert seen == [(False, False, False)]  # ready with the live load


def test_a_stored_board_that_cannot_be_read_only_costs_the_head_start(
    qapp, isolated_run, settings, demo_repo, monkeypatch
):
    monkeypatch.setattr(type(demo_repo), "shared", property(lambda _s: True))

    def unreadable(_self):
        raise StorageError("The connection to the server was lost.")

    monkeypatch.setattr(type(demo_repo), "board_snapshot", unreadable)
    seen = _attached_states(monkeypatch)
    assert _run_until_ready(None, lambda: demo_repo, settings) == 0
    assert seen == [(False, False, False)]


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

    from PySide6.QtCore import QThreadPool

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
    """The stored snapshot is the board shown (with its coming days): kept as it is."""
    board = _start_board(demo_repo)
    stored = demo_repo.board_snapshot()
    writes: list[str] = []
    monkeypatch.setattr(demo_repo, "store_board_snapshot", writes.append)
    window = _warm_window(qtbot, settings, demo_repo, board)
    window.close()
    assert writes == []
    assert demo_repo.board_snapshot() == stored


def test_a_stored_board_the_live_load_corrects_is_stored_again_at_close(
    qtbot, settings, demo_repo, monkeypatch
):
    from dataclasses import replace

    board = _start_board(demo_repo)
    wrong = replace(board, rows=[replace(board.rows[0], day_label="D+999"), *board.rows[1:]])
    writes: list[str] = []
    monkeypatch.setattr(demo_repo, "store_board_snapshot", writes.append)
    window = _warm_window(qtbot, settings, demo_repo, wrong)
    assert window.session.rows[0].day_label != "D+999"  # the live rows replaced it
    window.close()
    assert len(writes) == 1


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
