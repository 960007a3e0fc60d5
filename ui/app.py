"""Start the desktop app: QApplication, sessions, main window, event loop."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from planner.app.context import SignedIn
from planner.app.snapshot import StartBoard, complete_start_board, stored_start_board
from planner.domain import i18n
from planner.domain.assets import resource
from planner.domain.patients import ClinicSettings
from planner.errors import PlannerError, SignInError
from planner.records.ports import Actor, Repository
from ui import probe
from ui.errors import LOG, configure_logging, install_excepthook, user_message
from ui.main_window import MainWindow
from ui.session import ClinicSession
from ui.settings import WindowState
from ui.translation import install_translators, resolve_language
from ui.workers import run_in_background, when_gui_quiet

if TYPE_CHECKING:
    from planner.domain.templates import Protocol


def create_main_window(
    repo: Repository | None,
    *,
    actor: Actor,
    clock: Callable[[], dt.datetime],
    demo: bool = False,
    load_demo: Callable[[], int] | None = None,
    settings: QSettings | None = None,
    protocols: Mapping[str, Protocol] | None = None,
    load_now: bool = True,
    centre: ClinicSettings | None = None,
    start_board: StartBoard | None = None,
    keep_snapshot: bool = False,
    restore_layout: bool = False,
    signed_in: SignedIn | None = None,
) -> MainWindow:
    """Build the session and the main window (tests call this without ``run``).

    With ``start_board`` (a quick start) the board shows the stored rows and ``repo``
    may be None until ``session.attach``; otherwise ``load_now`` loads the clinic.
    ``restore_layout``: the last session's geometry, splitter and columns, applied
    before the first rows arrive (so they are not measured for nothing).
    ``signed_in``: who the computer's login signed in as, read with the stored board of
    a database with accounts (confirmed once the database is open: ``run``).
    """
    session = ClinicSession(
        repo, actor, clock, demo=demo, centre=centre, keep_snapshot=keep_snapshot
    )
    window = MainWindow(
        session,
        protocols if protocols is not None else _bundled_protocols,
        settings or QSettings(),
        load_demo=load_demo,
    )
    if restore_layout:
        window.restore_layout()
    if signed_in is not None:
        session.sign_in(signed_in)
    if start_board is not None and start_board.complete:
        session.start_board(start_board)
    elif load_now:
        session.refresh()
    return window


def app_icon() -> QIcon:
    """The window and taskbar icon, from PNGs: no dependence on Qt's SVG image plugin."""
    icon = QIcon()
    for size in (48, 256):
        icon.addFile(str(resource("icons", f"transplant-planner-{size}.png")))
    return icon


def _bundled_protocols() -> Mapping[str, Protocol]:
    from planner.domain.templates import all_protocols

    return all_protocols(None)[0]


GUI_SWITCH_INTERVAL_S = 0.001


def run(
    repo: Repository | None,
    *,
    actor: Actor,
    clock: Callable[[], dt.datetime],
    demo: bool = False,
    load_demo: Callable[[], int] | None = None,
    log_dir: Path | None = None,
    local_templates: Path | None = None,
    settings: ClinicSettings | None = None,
    settings_problem: str = "",
    start_board: StartBoard | None = None,
    open_repo: Callable[[], Repository] | None = None,
    window_settings: QSettings | None = None,
    storage_warning: str = "",
    translation_cache: Path | None = None,
    signed_in: SignedIn | None = None,
) -> int:
    """Run the desktop app until the main window closes; return the exit code.

    Either ``repo`` is open already, or (quick start) ``start_board`` is painted first
    and ``open_repo`` opens the repository in a worker thread behind it.
    ``window_settings``: where window state is kept (default: the user's QSettings).
    ``storage_warning``: a sentence about where the database is kept, shown as a banner.
    ``translation_cache``: where a catalogue not built at install is compiled (the data
    folder's ``translations``; ui/translation.py).
    ``signed_in``: where the database has accounts, who the computer's login signed in as
    by the file's rules, read by the quick start with the stored board; the database,
    once open, must say the same (``_open_behind_board``), and the sign-in is recorded then.
    """
    # The loads, sketches and templates run in worker threads of pure Python: a shorter
    # switch interval (Python's default is 5 ms) hands the interpreter back to the GUI
    # thread sooner, so a paint or a keystroke waits 1 ms for it, not 5 per turn.
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName("TransplantPlanner")
    app.setApplicationName("Transplant Planner")
    app.setWindowIcon(app_icon())
    # Names packaging/transplant-planner.desktop, so that the desktop shows its icon and
    # groups the windows under it (QGuiApplication.desktopFileName in the Qt docs).
    app.setDesktopFileName("transplant-planner")
    if log_dir is not None:
        configure_logging(log_dir)
    # Before any widget exists: texts are translated when widgets are built.
    choice = WindowState(window_settings or QSettings()).load_language()
    language = install_translators(app, resolve_language(choice), cache=translation_cache)
    if start_board is not None and start_board.language not in ("", i18n.current()):
        # Stored in the language used before another was chosen: its rows' texts would
        # be in that one under this one's headers. The live clinic is computed instead.
        start_board = None
    if signed_in is not None and start_board is None:
        signed_in = None  # nothing to show before the database is open: its sign-in then
    window = create_main_window(
        repo,
        actor=actor,
        clock=clock,
        demo=demo,
        load_demo=load_demo,
        load_now=False,
        centre=settings,
        settings=window_settings,
        start_board=start_board,
        keep_snapshot=True,
        restore_layout=True,
        signed_in=signed_in,
    )
    install_excepthook(lambda: app.activeWindow() or window)
    window.show_settings_problem(settings_problem)
    window.show_storage_warning(storage_warning)
    if language.problems:
        window.statusBar().showMessage(
            QCoreApplication.translate(
                "app", "The interface could not be fully translated ({language}): {problems}"
            ).format(language=language.language, problems="; ".join(language.problems)),
            20000,
        )
    window.show()
    session = window.session
    probe.install(app, window)  # the benchmarks' timing probe, when asked for

    def templates_loaded(loaded: tuple[Mapping[str, Protocol], list[Exception]]) -> None:
        protocols, template_errors = loaded
        window.protocols = protocols
        for err in template_errors:
            LOG.warning("local template skipped: %s", type(err).__name__)
            window.statusBar().showMessage(
                QCoreApplication.translate("app", "A local template was skipped: {error}").format(
                    error=err
                ),
                15000,
            )

    def load_templates() -> None:
        # After the first paint, in a worker thread (34 templates: a stalled frame on the
        # GUI thread); a local template that fails to parse is reported then. Until they
        # are in, window.protocols parses them when first asked. The module is imported
        # here, not for the first paint, which names no template (the start-up budget);
        # the live load has imported it by now.
        from planner.domain.templates import all_protocols

        run_in_background(
            lambda: all_protocols(local_templates),
            templates_loaded,
            lambda exc: LOG.warning("templates not loaded: %s", type(exc).__name__),
        )

    # Not beside the clinic's load, which they would slow, nor beside the live rows'
    # first paint, which they would stall.
    session.sig_live.connect(lambda: when_gui_quiet(load_templates))
    session.sig_ready.connect(window.restore_open_patients)
    if repo is not None:

        def load() -> None:
            if session.finishing:
                return
            session.refresh_async(window.show_load_error)
            _check_file(app, window)

        # A database with accounts shows nothing of the clinic before a sign-in.
        if repo.accounts_in_use():
            _sign_in_beside_check(app, window, repo, lambda: _stored_board_then(window, load))
        else:
            load()
    else:
        if open_repo is None:
            raise ValueError("run() needs a repository or a way to open one")
        # A stored board that lacks some transplants (changed since their entries were
        # stored) is completed behind the window, once the database is open.
        partial = start_board if start_board is not None and not start_board.complete else None
        _open_behind_board(app, window, open_repo, partial, signed_in)
    return int(app.exec())


def _refuse(app: QApplication, window: MainWindow, exc: BaseException) -> None:
    """The database cannot be used after all: say why and end (exit code 2).

    The stored board must not stay on screen as if it were live. The sentence goes to
    stderr too, as every refused start's does (``main.py``), and in a dialog where there
    is a screen to show it on.
    """
    window.session.set_loading(False)
    window.hide()
    message = user_message(exc)
    sys.stderr.write(f"transplant-planner: {message}\n")
    if has_screen():
        QMessageBox.critical(None, "Transplant Planner", message)
    app.exit(2)


def has_screen() -> bool:
    """False on Qt's offscreen platform (tests, a server): no one could close a dialog."""
    return not QGuiApplication.platformName().startswith("offscreen")


def _check_file(app: QApplication, window: MainWindow) -> None:
    """The database file's check, once the live clinic is in (``ClinicSession``); a
    damaged file ends the app as a damaged file at open does."""
    session = window.session

    def damaged(exc: BaseException) -> None:
        if not session.finishing:
            _refuse(app, window, exc)

    session.check_file_when_live(damaged)


def _sign_in_beside_check(
    app: QApplication, window: MainWindow, repo: Repository, proceed: Callable[[], None]
) -> None:
    """Where the database has accounts: the sign-in at once, the deferred file check
    beside it in a worker thread, then ``proceed``. The sign-in's own write waits for the
    check (``planner.app.accounts``), which is usually over by the time a password is
    typed: a start that read the whole file first kept the sign-in back for seconds on a
    long history (17 s for a cold file of 10,000 archived transplants). A damaged file
    ends the app as at open."""
    session = window.session

    def damaged(exc: BaseException) -> None:
        if not session.finishing:
            _refuse(app, window, exc)

    session.check_file_now(damaged)  # the session's, so that a close stops it
    window.sign_in_then(repo, proceed)


def _stored_board_then(window: MainWindow, load: Callable[[], None]) -> None:
    """After a sign-in: today's stored board from the index (its changed transplants
    computed), read in a worker thread and shown at once, then ``load`` once the GUI
    thread is quiet; straight to ``load`` when nothing stored may be shown. Until the
    sign-in nothing of the clinic is read (the quick start shows no stored board on a
    database with accounts)."""
    session = window.session
    if session.finishing:
        return
    # Read in the GUI thread: the worker must not touch the session.
    repo, today, closures = session.repo, session.today, sorted(session.closures)

    def shown(board: StartBoard | None) -> None:
        if session.finishing:
            return
        session.set_loading(False)
        if session.ready:
            return  # a load (F5) landed first: its rows are live, the stored ones older
        if board is not None and board.today == session.today:
            session.start_board(board)
            when_gui_quiet(load)  # the load's thread would stall the board's paint
        else:
            load()

    def failed(exc: BaseException) -> None:  # only the head start is lost: the load follows
        LOG.warning("stored board not read: %s", type(exc).__name__)
        shown(None)

    session.set_loading(True)
    run_in_background(lambda: stored_start_board(repo, today, closures), shown, failed)


def _let_in(repo: Repository, login: str, signed_in: SignedIn | None, shown: bool) -> bool:
    """On a database with accounts: True when the open database lets the computer's
    login in as the quick start did (``signed_in``), False when the quick start signed no
    one in (the sign-in comes now).

    Raises:
        SignInError: it does not (the file is locked by this instance, so only a program
            that ignored the lock can have changed the accounts meanwhile).
        RuntimeError: a stored board was ``shown`` without a sign-in (never: the quick
            start reads the board of such a file only with its sign-in).
    """
    if signed_in is None:
        if shown:
            raise RuntimeError("a stored board was shown before a sign-in")
        return False
    from planner.app.accounts import check_login

    if check_login(repo, login, signed_in.actor.workstation) != signed_in:
        raise SignInError(
            QCoreApplication.translate(
                "app", "The accounts changed while the clinic was being opened; start again."
            )
        )
    return True


def _record_sign_in(
    session: ClinicSession, repo: Repository, signed: SignedIn, at: dt.datetime
) -> None:
    """The quick start's sign-in (decided ``at``) recorded behind the clinic, once the
    start's file check (already started) passes: views opened meanwhile wait for its row."""
    from planner.app.accounts import record_login_sign_in

    session.record_sign_in(lambda: record_login_sign_in(repo, signed, at))


def _board_behind(
    repo: Repository,
    partial: StartBoard | None,
    shown: bool,
    let_in: bool | None,
    day: tuple[dt.date, Sequence[dt.date]],
) -> StartBoard | None:
    """What the worker shows once the database is open: ``partial`` completed, or a
    server's stored board of ``day`` (today, closures) when none was ``shown``; None
    when there is nothing to show yet. ``let_in``: None on a database without accounts,
    else whether the computer's login signed in with the stored board."""
    today, closures = day
    try:
        if partial is not None and let_in is not False:
            return complete_start_board(repo, partial, closures)
        if repo.shared and not shown and let_in is None:
            return stored_start_board(repo, today, closures)
    except PlannerError as exc:  # only the head start is lost: the load follows
        LOG.warning("stored board not read: %s", type(exc).__name__)
    return None


def _open_behind_board(
    app: QApplication,
    window: MainWindow,
    open_repo: Callable[[], Repository],
    partial: StartBoard | None = None,
    signed_in: SignedIn | None = None,
) -> None:
    """Paint the window (with the stored board, if any), then open the database and load
    the clinic off the GUI thread. ``partial``: a stored board that lacks some
    transplants, shown once they are computed (``complete_start_board``). ``signed_in``:
    the computer's login the quick start let in on a database with accounts; the open
    database must let it in as the same account and role, or the start is refused (the
    file is locked meanwhile, so nothing can have changed it), and the sign-in is recorded
    behind the clinic once the file check has passed."""
    session = window.session
    # Read in the GUI thread: the worker must not touch the session.
    today, closures = session.today, sorted(session.closures)
    shown_stored = session.from_snapshot
    login, signed_at = session.login, session.clock()

    def open_and_read_board() -> tuple[Repository, StartBoard | None, bool]:
        repo = open_repo()
        # Nothing of the clinic before a sign-in, where the database has accounts (the
        # quick start showed no stored board then either, unless the computer's login
        # signed in: planner.storage.quick).
        accounts = repo.accounts_in_use()
        let_in = _let_in(repo, login, signed_in, shown_stored) if accounts else None
        # A server's stored board can only be read once connected; an SQLite file's was
        # read before it was opened (the quick start).
        board = _board_behind(repo, partial, shown_stored, let_in, (today, closures))
        return repo, board, accounts

    def opened(result: tuple[Repository, StartBoard | None, bool]) -> None:
        repo, board, accounts = result
        session.set_loading(False)
        if session.finishing:
            return  # closed meanwhile: main.py closes the repository
        if accounts and signed_in is not None:  # confirmed in the worker
            if board is not None and board.today == session.today:
                session.start_board(board)
            session.attach(repo)
            _check_file(app, window)
            _record_sign_in(session, repo, signed_in, signed_at)
            when_gui_quiet(refresh)
            return
        if accounts:
            session.attach(repo)
            _sign_in_beside_check(
                app, window, repo, lambda: _stored_board_then(window, lambda: load(repo))
            )
            return
        if board is not None and board.today == session.today:
            session.start_board(board)
            session.attach(repo)
            when_gui_quiet(lambda: load(repo))  # the load's thread would stall the paint
            return
        session.attach(repo)
        load(repo)

    def refresh() -> None:
        if not session.finishing:
            session.refresh_async(window.show_load_error)

    def load(repo: Repository) -> None:
        if session.finishing:
            return
        refresh()
        _check_file(app, window)

    def start() -> None:
        session.set_loading(True)
        run_in_background(open_and_read_board, opened, lambda exc: _refuse(app, window, exc))

    # Started from the event loop, after the stored board's first paint; a close before
    # that still ends the loop normally.
    when_gui_quiet(start)
