"""Signing in to a database with accounts, roles in the window, and the idle lock.

Driven with key presses as a coordinator would type; the window shows nothing of the
clinic before a sign-in, a viewer's edit actions are off and refused, and the lock covers
every window until the same person types the password again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QThreadPool, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QVBoxLayout, QWidget

from planner.app import accounts as acc
from planner.app.accounts import SignedIn
from planner.app.context import Context
from planner.app.patients import save_patient
from planner.domain.accounts import Permission, Role, SignInMethod, SignInPolicy, permits
from planner.errors import PermissionDeniedError
from planner.records.ports import Actor
from tests.gui.conftest import ACTOR, NOW
from ui import app as app_module
from ui.actions import ACTIONS, SPECS
from ui.main_window import MainWindow
from ui.sign_in import SignInDialog

PW = "a long enough passphrase"
ADMIN = Actor("boss", "ws-1", Role.ADMINISTRATOR)


@pytest.fixture
def team_repo(demo_repo):
    """The demo clinic with accounts: boss (administrator), nina (nurse), vic (viewer)."""
    acc.add_account(demo_repo, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, PW)
    for name, role in (("nina", Role.NURSE), ("vic", Role.VIEWER)):
        acc.add_account(demo_repo, Context(ADMIN, NOW), name, role, PW)
    return demo_repo


def _type_and_sign_in(qtbot, dialog: SignInDialog, name: str, password: str) -> None:
    if not dialog.name.isReadOnly():
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, name)
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)


@pytest.fixture
def signed_in_window(qtbot, make_window, team_repo):
    """Factory: the window over the team's clinic, signed in as ``name`` by typing."""

    def make(name: str) -> MainWindow:
        window = make_window(team_repo)
        window.session.rows = []  # make_window loaded it: start as the program does
        window.show()
        window.sign_in_then(team_repo, window.session.refresh)
        dialog = window.sign_in_dialog
        _type_and_sign_in(qtbot, dialog, name, PW)
        qtbot.waitUntil(lambda: window.session.signed_in is not None, timeout=5000)
        return window

    return make


def _run_signing_in(
    qtbot,
    open_repo,
    settings,
    *,
    at_ready: list[tuple[int, bool, bool]] | None = None,
    on_dialog: Callable[[MainWindow], None] | None = None,
    type_in: bool = True,
    **kw,
) -> tuple[int, list[tuple[int, bool]]]:
    """``ui.app.run`` as the program runs it, typing nina's name and password into the
    sign-in dialog when it shows (after ``on_dialog``, if given; unless ``type_in`` is
    False); closed once the clinic
    is live and checked. Returns the exit code and (board rows, ready) when the dialog
    showed and when closing (exit code 3 after 20 s rather than a hang). ``at_ready``
    receives (board rows, from the stored board, live) when a patient may first be
    opened."""
    seen: list[tuple[int, bool]] = []
    ticks = [0]
    hooked: list[MainWindow] = []

    def ready(session) -> None:
        if at_ready is not None:
            at_ready.append((len(session.rows), session.from_snapshot, session.live))

    def poll() -> None:
        ticks[0] += 1
        if ticks[0] > 1000:
            QApplication.instance().exit(3)
        for widget in QApplication.topLevelWidgets():
            if not isinstance(widget, MainWindow) or not widget.isVisible():
                continue
            if widget not in hooked:
                hooked.append(widget)
                widget.session.sig_ready.connect(lambda s=widget.session: ready(s))
            dialog = getattr(widget, "sign_in_dialog", None)
            if dialog is not None and dialog.isVisible() and not seen:
                seen.append((len(widget.session.rows), widget.session.ready))
                if on_dialog is not None:
                    on_dialog(widget)
                if type_in:
                    _type_and_sign_in(qtbot, dialog, "nina", PW)
            if widget.session.ready and widget.session.file_checked:
                seen.append((len(widget.session.rows), widget.session.ready))
                widget.close()

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(20)
    try:
        code = app_module.run(
            None,
            actor=ACTOR,
            clock=lambda: NOW,
            open_repo=open_repo,
            window_settings=settings,
            **kw,
        )
    finally:
        timer.stop()
    return code, seen


def test_the_program_shows_nothing_before_a_sign_in_then_loads(qapp, qtbot, team_repo, settings):
    """A sign-in dialog over an empty board, typed into; the clinic loads once signed in,
    and the audit records who."""
    code, seen = _run_signing_in(qtbot, lambda: team_repo, settings, demo=True)
    assert code == 0
    assert seen[0] == (0, False)  # nothing of the clinic while the dialog is up
    assert seen[-1][0] > 0 and seen[-1][1]
    signed = [e for e in team_repo.audit_log() if e.action == "Sign in"]
    assert signed[-1].user == "nina"


def test_a_wrong_password_is_refused_without_saying_which_part(
    qtbot, make_window, team_repo
) -> None:
    window = make_window(team_repo)
    window.show()
    window.sign_in_then(team_repo, lambda: None)
    assert window.clinic_timeline.waiting_text == "Sign in to open the clinic."
    dialog = window.sign_in_dialog
    _type_and_sign_in(qtbot, dialog, "nina", "not the password")
    qtbot.waitUntil(lambda: "not right" in dialog.message.text(), timeout=5000)
    assert "name or the password" in dialog.message.text()
    assert dialog.password.text() == ""
    assert window.session.signed_in is None and dialog.isVisible()
    # The button waits out the delay, then the right password signs in.
    qtbot.waitUntil(dialog.submit.isEnabled, timeout=5000)
    _type_and_sign_in(qtbot, dialog, "nina", PW)
    qtbot.waitUntil(lambda: window.session.signed_in is not None, timeout=5000)
    assert window.session.actor == Actor("nina", "ws-1", Role.NURSE)
    assert window.who.text() == "Signed in: nina (nurse)"
    assert window.clinic_timeline.waiting_text == "Loading the clinic..."


def test_closing_the_sign_in_closes_the_app(qtbot, make_window, team_repo) -> None:
    window = make_window(team_repo)
    window.show()
    window.sign_in_then(team_repo, lambda: None)
    qtbot.keyClick(window.sign_in_dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)


def test_the_computer_login_signs_in_without_a_dialog(qtbot, make_window, team_repo) -> None:
    acc.set_sign_in_policy(team_repo, Context(ADMIN, NOW), SignInMethod.OS_ACCOUNT, 10)
    acc.add_account(team_repo, Context(ADMIN, NOW), ACTOR.user, Role.COORDINATOR, PW)
    window = make_window(team_repo)
    window.sign_in_then(team_repo, lambda: None)
    qtbot.waitUntil(lambda: window.session.signed_in is not None, timeout=5000)
    assert window.session.actor.role is Role.COORDINATOR
    assert getattr(window, "sign_in_dialog", None) is None


def test_the_dialogs_computer_login_button_hands_its_write_to_the_start(qtbot, team_repo) -> None:
    """The start's dialog signs the computer's login in by reads and hands the sign-in's
    write to be run behind the clinic (it waits for the start's file check), as a typed
    password's; clicked with the mouse."""
    acc.set_sign_in_policy(team_repo, Context(ADMIN, NOW), SignInMethod.OS_ACCOUNT, 10)
    acc.add_account(team_repo, Context(ADMIN, NOW), ACTOR.user, Role.COORDINATOR, PW)
    writes: list[Callable[[], None]] = []
    dialog = SignInDialog(
        team_repo,
        ACTOR.workstation,
        lambda: NOW,
        login=ACTOR.user,
        policy=team_repo.sign_in_policy(),
        record_behind=writes.append,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    rows = len(team_repo.audit_log())
    assert dialog.login_button is not None
    with qtbot.waitSignal(dialog.signed_in, timeout=5000) as signal:
        qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    done = signal.args[0]
    assert done.actor == Actor(ACTOR.user, ACTOR.workstation, Role.COORDINATOR)
    assert len(writes) == 1 and len(team_repo.audit_log()) == rows  # nothing written yet
    writes[0]()
    last = team_repo.audit_log()[-1]
    assert (last.user, last.action) == (ACTOR.user, "Sign in")


def test_a_viewer_reads_but_its_edit_actions_are_off_and_refused(
    qtbot, signed_in_window, monkeypatch
):
    window = signed_in_window("vic")
    actions = window.actions_by_name
    for name in ("new_patient", "edit_patient", "move_day0", "new_plan", "set_anchor", "accounts"):
        assert not actions[name].isEnabled(), name
        assert "viewer role cannot" in actions[name].toolTip()
    assert actions["show_audit"].isEnabled() and actions["print_worklist"].isEnabled()
    # Ctrl+N does nothing (the action is off); were it reached, it would say why.
    opened: list[bool] = []
    monkeypatch.setattr(window, "new_patient", lambda: opened.append(True))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    window._run(SPECS["new_patient"])
    assert opened == []
    assert "viewer role cannot edit clinical records" in window.statusBar().currentMessage()
    # And the edit path refuses whatever a widget of a tab might try.
    patient = window.session.repo.find_patient_by_mrn("DEMO-0001")
    heavier = replace(patient, weight_kg=61.0)
    with pytest.raises(PermissionDeniedError, match="viewer role cannot"):
        window.session.perform(lambda repo, ctx: save_patient(repo, ctx, heavier))
    assert window.session.repo.find_patient_by_mrn("DEMO-0001").weight_kg == patient.weight_kg


def test_a_nurse_edits_and_the_audit_names_her(qtbot, signed_in_window, monkeypatch):
    window = signed_in_window("nina")
    assert window.actions_by_name["move_day0"].isEnabled()
    opened: list[bool] = []  # the key a viewer's window ignores works here
    monkeypatch.setattr(window, "new_patient", lambda: opened.append(True))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert opened == [True]
    assert not window.actions_by_name["accounts"].isEnabled()
    repo = window.session.repo
    patient = repo.find_patient_by_mrn("DEMO-0001")
    window.session.perform(lambda r, c: save_patient(r, c, replace(patient, weight_kg=61.0)))
    last = repo.audit_log()[-1]
    assert (last.user, last.field) == ("nina", "weight_kg")


def _magenta(widget: QWidget) -> int:
    """How many magenta pixels the widget shows now (as painted, children included)."""
    image = widget.grab().toImage()
    return sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixelColor(x, y).name() == "#ff00ff"
    )


# --- the idle lock ---------------------------------------------------------------------------


def test_lock_now_covers_every_window_and_only_the_password_unlocks(qtbot, signed_in_window):
    window = signed_in_window("nina")
    # A half-typed form in another window stays as it was under its cover.
    form = QDialog(window)
    form_edit = QLineEdit(form)
    QVBoxLayout(form).addWidget(form_edit)
    form.resize(300, 200)
    form.show()
    qtbot.keyClicks(form_edit, "half typed")
    # Something the eye would see: a magenta patch in each window.
    for host in (window, form):
        patch = QLabel(host)
        patch.setStyleSheet("background: #ff00ff")
        patch.setGeometry(0, 0, 40, 40)
        patch.show()
    assert _magenta(window) > 0 and _magenta(form) > 0
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: window.idle_lock is not None and window.idle_lock.is_locked, timeout=3000
    )
    shrouds = [w for w in (window, form) if w.findChild(QWidget, "lockShroud")]
    assert len(shrouds) == 2
    assert _magenta(window) == 0 and _magenta(form) == 0  # covered, not just present
    unlock = window.unlock_dialog
    assert unlock.name.text() == "nina" and unlock.name.isReadOnly()
    # A real display delivers input to the platform window first (QWindow), then to the
    # widget: the unlock dialog's passes, the main window's and the form's do not.
    press = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    lock = window.idle_lock
    assert not lock.eventFilter(unlock.windowHandle(), press)
    assert lock.eventFilter(window.windowHandle(), press)
    assert lock.eventFilter(form.windowHandle(), press)
    # Keys to the windows beneath do nothing: the tab does not change, the form keeps its text.
    before = window.tabs.currentIndex()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form_edit, "xyz")
    assert window.tabs.currentIndex() == before and form_edit.text() == "half typed"
    # A wrong password keeps it locked; the right one takes the covers away.
    _type_and_sign_in(qtbot, unlock, "nina", "wrong wrong wrong")
    qtbot.waitUntil(lambda: "not right" in unlock.message.text(), timeout=5000)
    assert window.idle_lock.is_locked
    qtbot.waitUntil(unlock.submit.isEnabled, timeout=5000)
    _type_and_sign_in(qtbot, unlock, "nina", PW)
    qtbot.waitUntil(lambda: not window.idle_lock.is_locked, timeout=5000)
    qtbot.waitUntil(lambda: form.findChild(QWidget, "lockShroud") is None, timeout=3000)
    assert form.isVisible() and form_edit.text() == "half typed"
    assert _magenta(window) > 0  # shown again


def test_the_lock_comes_after_the_centres_idle_time(qtbot, signed_in_window, team_repo):
    window = signed_in_window("nina")
    lock = window.idle_lock
    assert lock is not None and lock.minutes == 10
    lock._check()
    assert not lock.is_locked
    lock._last_input -= 10 * 60
    lock._check()
    assert lock.is_locked


def test_the_accounts_dialog_adds_the_first_account_then_asks_for_a_sign_in(
    qtbot, demo_window, demo_repo
):
    demo_window.show()
    demo_window.show_accounts()
    dialog = demo_window.accounts_dialog
    assert dialog.add_button.text().replace("&", "") == "Add the first account..."
    assert not dialog.rules_button.isEnabled()
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    form = next(
        w
        for w in QApplication.topLevelWidgets()
        if w.__class__.__name__ == "AccountForm" and w.isVisible()
    )
    assert form.role.count() == 1  # administrator only
    qtbot.keyClicks(form.name, "boss")
    qtbot.keyClicks(form.passwords.first, PW)
    qtbot.keyClicks(form.passwords.again, PW)
    qtbot.keyClick(form.passwords.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: getattr(demo_window, "sign_in_dialog", None) is not None, timeout=5000)
    assert demo_repo.get_account("boss").role is Role.ADMINISTRATOR
    _type_and_sign_in(qtbot, demo_window.sign_in_dialog, "boss", PW)
    qtbot.waitUntil(lambda: demo_window.session.signed_in is not None, timeout=5000)
    assert demo_window.actions_by_name["accounts"].isEnabled()
    assert not demo_window.actions_by_name["new_patient"].isEnabled()


def test_an_administrator_disables_an_account_in_the_dialog(qtbot, signed_in_window, team_repo):
    window = signed_in_window("boss")
    window.show_accounts()
    dialog = window.accounts_dialog
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    dialog.table.selectRow(names.index("vic"))
    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "vic is disabled."
    assert team_repo.get_account("vic").active is False
    dialog.table.selectRow(names.index("boss"))
    qtbot.mouseClick(dialog.active_button, Qt.MouseButton.LeftButton)
    assert "signed in with" in dialog.message.text()


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_each_role_finds_exactly_its_actions_on(make_window, team_repo, role):
    window = make_window(team_repo)
    window.session.sign_in(SignedIn(Actor(f"a-{role.value}", "ws-1", role), SignInPolicy()))
    checked = 0
    for spec in ACTIONS:
        action = window.actions_by_name.get(spec.name)
        if action is None or spec.permission is Permission.READ:
            continue
        assert action.isEnabled() == permits(role, spec.permission), spec.name
        checked += 1
    assert checked >= 8


def _accounts_file(tmp_path) -> Path:
    """The demo clinic in an SQLite file with two accounts: boss and nina."""
    from planner.app.demo import load_demo_clinic
    from planner.storage import open_repository

    path = tmp_path / "clinic.db"
    made = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        load_demo_clinic(made, Context(ACTOR, NOW))
        acc.add_account(made, Context(ACTOR, NOW), "boss", Role.ADMINISTRATOR, PW)
        acc.add_account(made, Context(ADMIN, NOW), "nina", Role.NURSE, PW)
    finally:
        made.close()
    return path


def _run_on_file(qtbot, path: Path, settings, **kw) -> tuple[int, list[tuple[int, bool]]]:
    """``_run_signing_in`` on ``path`` opened as the program opens it: its file check
    deferred (writes wait for it)."""
    from planner.storage import open_repository

    opened = []

    def open_repo():
        opened.append(
            open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation, defer_check=True)
        )
        return opened[-1]

    try:
        return _run_signing_in(qtbot, open_repo, settings, **kw)
    finally:
        for repo in opened:
            repo.close()


def _sign_ins(path: Path) -> list[str]:
    from planner.storage import open_repository

    check = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        return [e.user for e in check.audit_log() if e.action == "Sign in"]
    finally:
        check.close()


def test_a_typed_password_shows_the_clinic_before_the_file_check_ends(
    qapp, qtbot, tmp_path, settings, monkeypatch
):
    """A sign-in writes (its audit row), and writes wait for the start's check of the
    whole file (17 s on a cold file of 10,000 archived transplants). The dialog shows
    beside the check, and a right password typed before it ends signs in and shows the
    clinic at once; the row is written once the file passed. The file is read once."""
    from planner.storage import sql as sql_module

    path = _accounts_file(tmp_path)
    release, events = threading.Event(), []
    real = sql_module.quick_check

    def gated(connection):
        events.append("checking")
        assert release.wait(20)
        result = real(connection)
        events.append("checked")
        return result

    def watch(window: MainWindow, tries: int = 0) -> None:
        session = window.session
        if session.signed_in is None and tries < 500:
            QTimer.singleShot(20, lambda: watch(window, tries + 1))
            return
        signed = "signed in" if session.signed_in is not None else "not signed in"
        events.append((signed, session.file_checked, _rows_now(path)))
        release.set()

    def on_dialog(window: MainWindow) -> None:
        events.append("dialog")
        QTimer.singleShot(0, lambda: watch(window))

    monkeypatch.setattr(sql_module, "quick_check", gated)
    code, seen = _run_on_file(qtbot, path, settings, on_dialog=on_dialog)
    assert code == 0 and seen[0] == (0, False) and seen[-1][1]
    assert events.count("checking") == 1 and events.count("checked") == 1
    assert events.index("dialog") < events.index("checked")
    # Signed in with the file unchecked and nothing written yet; then the row.
    assert events.index(("signed in", False, [])) < events.index("checked")
    assert _sign_ins(path) == ["nina"]


def _rows_now(path: Path) -> list[str]:
    """The audit's sign-in rows, read beside the running app (which holds the lock)."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [u for (u,) in con.execute("SELECT user FROM audit WHERE action = 'Sign in'")]
    finally:
        con.close()


def test_the_computer_login_shows_the_clinic_before_the_file_check_ends(
    qapp, qtbot, tmp_path, settings, monkeypatch
):
    """Signed in with the computer's login, nothing typed hides the start's check of the
    whole file (seconds on a long history), which the sign-in's audit row waits for: the
    clinic shows at once and the row is written behind it, once the file passed, ahead
    of a patient view made meanwhile."""
    from planner.storage import open_repository
    from planner.storage import sql as sql_module

    path = _accounts_file(tmp_path)
    made = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        acc.set_sign_in_policy(made, Context(ADMIN, NOW), SignInMethod.OS_ACCOUNT, 10)
        acc.add_account(made, Context(ADMIN, NOW), ACTOR.user, Role.COORDINATOR, PW)
    finally:
        made.close()
    release, seen = threading.Event(), []
    real = sql_module.quick_check

    def gated(connection):
        assert release.wait(20)
        return real(connection)

    def watch() -> None:
        windows = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, MainWindow) and w.isVisible()  # not an earlier test's
        ]
        session = windows[0].session if windows else None
        if session is None or not session.ready or release.is_set():
            QTimer.singleShot(20, watch)
            return
        seen.append((session.signed_in is not None, session.file_checked, _rows_now(path)))
        session.record_view(session.rows[0].patient_id)  # waits for the sign-in's row
        release.set()

    monkeypatch.setattr(sql_module, "quick_check", gated)
    QTimer.singleShot(0, watch)
    code, _ = _run_on_file(qtbot, path, settings, type_in=False)
    assert code == 0
    assert seen == [(True, False, [])]  # the clinic shown, the file unchecked, no row yet
    check = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        trail = [(e.user, e.action) for e in check.audit_log()][-2:]
    finally:
        check.close()
    assert trail == [(ACTOR.user, "Sign in"), (ACTOR.user, "View patient")]


def test_a_close_before_the_file_check_ends_still_writes_the_sign_in_row(
    qtbot, make_window, team_repo, monkeypatch
):
    """The sign-in's row waits for the file check behind the clinic; closing meanwhile
    waits for the check and writes it (an audit row, as a waiting view is), not drops it."""
    window = make_window(team_repo)
    session = window.session
    release, written = threading.Event(), []
    real = team_repo.check_file

    def gated() -> None:
        assert release.wait(20)
        real()

    monkeypatch.setattr(team_repo, "check_file", gated)
    session.check_file_now(lambda exc: None)
    session.record_sign_in(lambda: written.append("sign-in row"))
    qtbot.wait(50)
    assert written == [] and not session.file_checked  # started only once the file passed
    release.set()
    session.finish()  # before the check's end is delivered
    assert written == ["sign-in row"]


def test_closing_at_the_sign_in_stops_the_file_check_and_ends_at_once(
    qapp, qtbot, tmp_path, settings, monkeypatch
):
    """The check of a long history runs beside the dialog; "Close the app" there stops it
    rather than waiting for the whole file (the process holds the file until it ends, and
    a restart meanwhile is refused)."""
    from planner.storage import sql as sql_module

    path = _accounts_file(tmp_path)

    def endless(connection):
        # Stands for the check of a very large file: a query that runs until stopped.
        connection.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        ).fetchall()
        return ["ok"]

    closed_at: list[float] = []

    def close_instead(window: MainWindow) -> None:
        closed_at.append(time.monotonic())
        qtbot.mouseClick(window.sign_in_dialog.quit_button, Qt.MouseButton.LeftButton)

    monkeypatch.setattr(sql_module, "quick_check", endless)
    code, seen = _run_on_file(qtbot, path, settings, on_dialog=close_instead, type_in=False)
    assert code == 0 and seen == [(0, False)]
    assert time.monotonic() - closed_at[0] < 5.0
    assert _sign_ins(path) == []


def test_a_stored_board_read_after_a_load_landed_is_not_shown(qtbot, make_window, team_repo):
    """F5 right after a sign-in may land before the stored board is read: its live rows
    stay, and no second load starts."""
    from planner.app.snapshot import refresh_board_index

    refresh_board_index(team_repo, NOW.date())
    window = make_window(team_repo)  # loaded: live, as after an F5
    live_rows = list(window.session.rows)
    loads: list[int] = []
    app_module._stored_board_then(window, lambda: loads.append(1))
    qtbot.waitUntil(lambda: not window.session.loading, timeout=5000)
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(50)
    assert not window.session.from_snapshot and window.session.rows == live_rows
    assert loads == []


def test_after_a_sign_in_the_stored_board_shows_before_the_live_clinic(
    qapp, qtbot, tmp_path, settings
):
    """Nothing of the clinic before the sign-in; right after it, the board the last
    close stored (read from the store, as a server's is), ready to open a patient; then
    the live clinic."""
    path = _accounts_file(tmp_path)
    first: list[tuple[int, bool, bool]] = []
    code, _ = _run_on_file(qtbot, path, settings, at_ready=first)
    assert code == 0 and first and not first[0][1]  # nothing stored yet: the live load
    at_ready: list[tuple[int, bool, bool]] = []
    code, seen = _run_on_file(qtbot, path, settings, at_ready=at_ready)
    assert code == 0
    assert seen[0] == (0, False)  # the dialog over an empty board
    rows, stored, live = at_ready[0]
    assert stored and not live and rows == seen[-1][0] > 0
    assert _sign_ins(path) == ["nina", "nina"]


def test_a_password_is_changed_from_the_file_menu(qtbot, signed_in_window, team_repo):
    window = signed_in_window("nina")
    window.change_password()
    form = window.password_form
    qtbot.keyClicks(form.current, "not my password")
    qtbot.keyClicks(form.passwords.first, "a brand new passphrase")
    qtbot.keyClicks(form.passwords.again, "a brand new passphrase")
    qtbot.keyClick(form.passwords.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "not right" in form.message.text(), timeout=5000)
    assert form.isVisible() and form.passwords.first.text() == "a brand new passphrase"
    qtbot.waitUntil(form.buttons.isEnabled, timeout=5000)
    form.current.clear()
    qtbot.keyClicks(form.current, PW)
    qtbot.keyClick(form.passwords.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=5000)
    assert window.statusBar().currentMessage() == "Your password was changed."
    assert (
        acc.sign_in(team_repo, "nina", "a brand new passphrase", "ws-1", NOW).actor.user == "nina"
    )
