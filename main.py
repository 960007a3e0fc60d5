"""Composition root: read the clock and the user, then run a command or the desktop app.

``python main.py ...`` and the installed ``transplant-planner ...`` are the same entry.
The command line is ``planner.cli``; the desktop app is ``ui``; this module only
builds them and connects them to the storage the command line opens. A user mistake
prints one plain sentence on stderr and exits with code 2, never a traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli.exit_codes import EXIT_BAD_INPUT, EXIT_CLOSED_PIPE, EXIT_OK
from planner.cli.parser import PROGRAM, UserError, build_parser
from planner.cli.shell import Shell
from planner.errors import PlannerError
from planner.records.ports import Actor

if TYPE_CHECKING:
    import argparse

    from planner.storage import SqlRepository


def local_now() -> dt.datetime:
    """The one place the program reads the clock (timezone-aware, local)."""
    return dt.datetime.now().astimezone()


def actor() -> Actor:
    """The signed-in OS user and this workstation's name."""
    return Actor(user=getpass.getuser(), workstation=socket.gethostname())


def _show_start_error(message: str) -> None:
    """Say why the app cannot start in a dialog too: from a desktop icon nobody sees stderr."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        return  # no screen to show it on (tests, a server): stderr says it
    from PySide6.QtWidgets import QApplication, QMessageBox

    _app = QApplication.instance() or QApplication(sys.argv[:1])
    QMessageBox.critical(None, "Transplant Planner", message)


def run_gui(args: argparse.Namespace, shell: Shell) -> int:
    """Open the desktop app (the demo clinic with ``--demo``).

    With a board stored for today by the last run (``planner.app.snapshot``), the window
    paints it first and the database is opened and the clinic loaded behind it.
    """
    from ui.display import display_problem

    problem = display_problem()
    if problem:  # Qt would abort with lines about platform plugins
        raise UserError(problem)
    try:
        # Reading the centre's settings needs no data folder; checking the database file
        # refuses e.g. a zero-length file. A refusal is one sentence, in a dialog too.
        settings, problem = shell.centre_settings_and_problem()
        quick, start_board, signed_in = shell.quick_start(args, settings)
    except (UserError, PlannerError) as exc:
        _show_start_error(str(exc))
        raise
    lock = quick.lock if quick is not None else None
    opened: list[SqlRepository] = []

    def open_repo() -> SqlRepository:
        # The file check runs beside the clinic's load (ui.app starts it).
        opened.append(shell.open_repository(args, lock, defer_check=True, sign_in=False))
        return opened[-1]

    from planner.storage.files import is_url
    from planner.storage.location import sync_warning
    from planner.storage.paths import data_dir, data_folder, log_dir, window_settings_path
    from ui.app import run
    from ui.settings import keep_qt_settings_in, private_settings

    target = shell.database_target(args)
    warning = "" if is_url(target) else sync_warning(Path(target))
    # A data folder that cannot be made costs the window layout and the log file, not
    # the app: the log set-up says so in one line and logs to the terminal instead.
    with contextlib.suppress(PlannerError):
        data_dir()
    # Every settings file of the run, Qt's file-dialog history included, goes into the
    # data folder, 0600: nothing is written beside it (ui/settings.py says how).
    keep_qt_settings_in(data_folder())
    window_settings = private_settings(window_settings_path())

    try:
        # An existing file (locked by the quick start) or a server is opened in a worker
        # thread behind the painted window, with or without a stored board to show
        # (importing SQLAlchemy, connecting, checking the schema: about half a second the
        # window would otherwise wait for); ui.app says why and exits with 2 when it
        # cannot be opened. A file still to be made is made first: where it cannot be,
        # the refusal is one sentence before any window.
        repo = None
        if quick is None and not is_url(target):
            try:
                repo = open_repo()
            except (UserError, PlannerError) as exc:
                _show_start_error(str(exc))
                raise
        return run(
            repo,
            actor=shell.actor,
            clock=shell.clock,
            demo=bool(args.demo),
            load_demo=lambda: _load_demo(opened[-1], shell),
            log_dir=log_dir(),
            local_templates=shell.local_templates(),
            settings=settings,
            settings_problem=problem,
            start_board=start_board,
            signed_in=signed_in,
            open_repo=open_repo,
            storage_warning=warning,
            window_settings=window_settings,
            translation_cache=data_folder() / "translations",
        )
    finally:
        # A worker may still be opening or reading (the window closed meanwhile): the
        # repository is closed and the lock released only after it has finished.
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone()
        for repo in opened:
            repo.close()
        if lock is not None:
            lock.release()  # idempotent: the repository released it already if it opened


def _load_demo(repo: SqlRepository, shell: Shell) -> int:
    # Imported when asked for: the demo's modules (the plan rules) are not needed before
    # the first paint.
    from planner.app.demo import load_demo_clinic

    return load_demo_clinic(repo, shell.context())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``transplant-planner`` and ``python main.py``."""
    # The clock is looked up at each call: tests pin it by replacing ``main.local_now``.
    shell = Shell(clock=lambda: local_now(), actor=actor())
    try:
        args = build_parser().parse_args(argv)
        if args.version:
            shell.out(f"{PROGRAM} {shell.version()}")
            code = EXIT_OK
        elif args.command:
            from planner.cli.commands import run_command

            code = run_command(args, shell)
        else:
            return run_gui(args, shell)
        # Output to a pipe is buffered: a reader that stopped early is found here, not
        # at exit, where Python would print a traceback-like "Exception ignored" note.
        sys.stdout.flush()
        return code
    except (UserError, PlannerError) as exc:
        sys.stderr.write(f"{PROGRAM}: {exc}\n")
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:
        return 130


def _silence_stdout() -> None:
    """Point stdout at the null device: the reader has gone (``| head``), and the
    interpreter's final flush of what is still buffered must not fail loudly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file behind stdout (tests)
        pass


if __name__ == "__main__":
    sys.exit(main())
