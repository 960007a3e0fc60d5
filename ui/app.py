"""Start the desktop app: QApplication, sessions, main window, event loop."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from planner.model import ClinicSettings
from planner.ports import Actor, Repository
from planner.protocols import Protocol, all_protocols
from ui.errors import LOG, configure_logging, install_excepthook
from ui.main_window import MainWindow
from ui.session import ClinicSession


def create_main_window(
    repo: Repository, *, actor: Actor, clock: Callable[[], dt.datetime], demo: bool = False,
    load_demo: Callable[[], int] | None = None, settings: QSettings | None = None,
    protocols: Mapping[str, Protocol] | None = None, load_now: bool = True,
    centre: ClinicSettings | None = None,
) -> MainWindow:
    """Build the session and the main window (tests call this without ``run``)."""
    session = ClinicSession(repo, actor, clock, demo=demo, centre=centre)
    if protocols is None:
        protocols, _ = all_protocols(None)
    window = MainWindow(session, protocols, settings or QSettings(), load_demo=load_demo)
    if load_now:
        session.refresh()
    return window


def run(
    repo: Repository, *, actor: Actor, clock: Callable[[], dt.datetime], demo: bool = False,
    load_demo: Callable[[], int] | None = None, log_dir: Path | None = None,
    local_templates: Path | None = None, settings: ClinicSettings | None = None,
    settings_problem: str = "",
) -> int:
    """Run the desktop app until the main window closes; return the exit code."""
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName("TransplantPlanner")
    app.setApplicationName("Transplant Planner")
    if log_dir is not None:
        configure_logging(log_dir)
    protocols, template_errors = all_protocols(local_templates)
    window = create_main_window(repo, actor=actor, clock=clock, demo=demo,
                                load_demo=load_demo, protocols=protocols, load_now=False,
                                centre=settings)
    install_excepthook(lambda: app.activeWindow() or window)
    window.resize(1280, 800)
    window.show_settings_problem(settings_problem)
    window.show()
    for err in template_errors:
        LOG.warning("local template skipped: %s", type(err).__name__)
        window.statusBar().showMessage(f"A local template was skipped: {err}", 15000)

    def restore_after_load() -> None:
        window.session.sig_loading.disconnect(on_loading)
        window.restore_state()

    def on_loading(loading: bool) -> None:
        if not loading:
            restore_after_load()

    window.session.sig_loading.connect(on_loading)
    window.session.refresh_async(window.show_error)
    return int(app.exec())
