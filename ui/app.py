"""Start the desktop app: QApplication, session, main window, event loop."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from planner.ports import Actor, Repository
from ui.main_window import MainWindow
from ui.session import ClinicSession


def create_main_window(
    repo: Repository, *, actor: Actor, clock: Callable[[], dt.datetime], demo: bool = False,
    load_demo: Callable[[], int] | None = None,
) -> MainWindow:
    """Build the session and the main window (tests call this without ``run``)."""
    session = ClinicSession(repo, actor, clock, demo=demo)
    window = MainWindow(session, load_demo=load_demo)
    session.refresh()
    return window


def run(
    repo: Repository, *, actor: Actor, clock: Callable[[], dt.datetime], demo: bool = False,
    load_demo: Callable[[], int] | None = None,
) -> int:
    """Run the desktop app until the main window closes; return the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    app.setOrganizationName("TransplantPlanner")
    app.setApplicationName("Transplant Planner")
    window = create_main_window(repo, actor=actor, clock=clock, demo=demo, load_demo=load_demo)
    window.resize(1280, 800)
    window.show()
    return int(app.exec())
