"""The main window: clinic board and timeline, Today worklist, one tab per open patient.

Wiring only: menus, toolbar and shortcuts run use cases of ``planner.app`` through the
clinic session (the one edit path) or push plan edits on the open patient's
``TransplantSession``; rules live in ``planner``. Edits made on the Board or Today tab
go on the clinic's own undo stack; each patient tab has its own. The board and every
open tab follow each stored change (``ClinicSession.sig_change``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QGuiApplication,
    QPageLayout,
    QTextDocument,
    QUndoGroup,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from planner.domain.accounts import Account, Permission, SignInMethod, SignInPolicy, refusal
from planner.domain.i18n import tr
from planner.errors import PlannerError
from planner.records.ports import Repository
from ui.actions import (
    ACTIONS,
    LANGUAGE_MENU,
    LANGUAGE_MENU_OF,
    MAIN_TABS,
    MAIN_TOOLBAR,
    MENUS,
    SPECS,
    ActionSpec,
    Scope,
    literal,
    make_action,
    shown,
)
from ui.commands import step
from ui.errors import LOG, user_message
from ui.models.board_model import BoardTableModel
from ui.models.worklist_model import COLUMNS as WORKLIST_COLUMNS
from ui.models.worklist_model import WorklistModel, worklist_html
from ui.session import VIEW_WAITS, ClinicSession
from ui.session import shown as session_text
from ui.settings import WindowState
from ui.translation import format_date, language_choices
from ui.widgets.board_view import BoardView
from ui.widgets.clinic_timeline import ClinicRow, ClinicTimeline
from ui.workers import run_in_background

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from planner.app.accounts import SignedIn
    from planner.app.board import WorklistItem
    from planner.app.changes import Change
    from planner.domain.patients import Patient, Transplant
    from planner.domain.templates import Protocol
    from ui.dialogs.plan_wizard import PlanRequest
    from ui.patient_workspace import PatientWorkspace
    from ui.printing import TablePrint
    from ui.sign_in import IdleLock
    from ui.transplant_session import Snapshot, TransplantSession

# The patient workspace, the dialogs, the plan session, the use cases and printing are
# imported when first used: together they pull in the timeline, calendar, calculators,
# the export service and most of the planner, which the board painted at start-up does
# not need (the start-up budget: docs/architecture.md, "Quick start").


def _workspace_type() -> type[PatientWorkspace]:
    from ui.patient_workspace import PatientWorkspace

    return PatientWorkspace


def _size_to_current_page(tabs: QTabWidget) -> None:
    """Let only the current page's minimum size count in ``tabs``.

    A tab widget is as large as its largest page, shown or not: the Counts page of an
    allogeneic patient (chart, engraftment, chimerism) made every page of the patient
    taller than a 768-pixel screen. A page not shown asks for no room at all.
    """
    pages = [page for i in range(tabs.count()) if (page := tabs.widget(i)) is not None]
    policies = {page: page.sizePolicy() for page in pages}
    ignored = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def follow(index: int) -> None:
        current = tabs.widget(index)
        for page, policy in policies.items():
            page.setSizePolicy(policy if page is current else ignored)

    tabs.currentChanged.connect(follow)
    follow(tabs.currentIndex())


def _with_subject(prefix: str, text: str) -> str:
    """The undo or redo text naming the edit, as QUndoGroup's own actions word it:
    ``&Undo`` and ``Move Day 0`` -> ``&Undo Move Day 0``."""
    return f"{prefix} {text}" if text else prefix


# The first start's size when the screen has room for it.
FIRST_SIZE = QSize(1280, 800)
# The window frame around the client area: before the window is shown its title bar
# and borders are unknown, and a frame pushed past the screen's edge hides the status
# bar, where refusals are shown.
FRAME_MARGINS = QMargins(8, 32, 8, 8)


def client_area(available: QRect) -> QRect:
    """Where the window's client area may lie on a screen whose free area is ``available``."""
    return available.marginsRemoved(FRAME_MARGINS)


def first_geometry(available: QRect, preferred: QSize = FIRST_SIZE) -> QRect:
    """The first start: ``preferred``, shrunk to the screen's free area, centred."""
    area = client_area(available)
    rect = QRect(area.topLeft(), preferred.boundedTo(area.size()))
    rect.moveCenter(area.center())
    return rect


def fitted(geometry: QRect, available: QRect) -> QRect:
    """``geometry`` shrunk to the screen's free area and moved inside it (a window saved
    on a larger monitor)."""
    area = client_area(available)
    rect = QRect(geometry.topLeft(), geometry.size().boundedTo(area.size()))
    rect.moveLeft(min(max(rect.left(), area.left()), area.right() - rect.width() + 1))
    rect.moveTop(min(max(rect.top(), area.top()), area.bottom() - rect.height() + 1))
    return rect


# After the clinic is in, wait this long before taking the day's backup in the background
# (the first minute is when a coordinator is busiest with the window).
BACKUP_IDLE_MS = 60_000


class MainWindow(QMainWindow):
    """Board, worklist and patient tabs; undo/redo follows the current patient tab."""

    def __init__(
        self,
        session: ClinicSession,
        protocols: Mapping[str, Protocol] | Callable[[], Mapping[str, Protocol]],
        settings: QSettings,
        load_demo: Callable[[], int] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        # A loader is called when the plan wizard first needs the templates: parsing 24
        # TOML files is work the board on screen at start-up does not need.
        self._protocols = protocols
        self.state = WindowState(settings)
        self._settings = settings  # issue 6: the export dialog remembers its folder here
        self._load_demo = load_demo
        self.sessions: dict[str, TransplantSession] = {}
        self.undo_group = QUndoGroup(self)
        # Edits made on the Board and Today tabs (worklist ticks) are undone there.
        self.clinic_undo = QUndoStack(self)
        self.undo_group.addStack(self.clinic_undo)
        self.undo_group.setActiveStack(self.clinic_undo)
        # No patient data in the title: it shows in task bars and screen shares.
        self.setWindowTitle(
            self.tr("Transplant Planner - DEMO CLINIC") if session.demo else "Transplant Planner"
        )
        self.model = BoardTableModel(session)
        self.board = BoardView(self.model)
        self.clinic_timeline = ClinicTimeline()
        self.clinic_timeline.setAccessibleName(self.tr("Clinic timeline"))
        self.worklist_model = WorklistModel(session)
        self.tabs = QTabWidget()
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self._build_central()
        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self._build_menus_and_toolbar()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.statusBar().addPermanentWidget(self.progress)
        # Who else has the current patient open (a shared server's workstations).
        self.presence = QLabel()
        self.presence.setTextFormat(Qt.TextFormat.PlainText)
        self.presence.setVisible(False)
        self.statusBar().addPermanentWidget(self.presence)
        self.session.sig_presence.connect(self._show_presence)
        # Who is signed in (a database with accounts).
        self.who = QLabel()
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.who.setVisible(False)
        self.statusBar().addPermanentWidget(self.who)
        self.idle_lock: IdleLock | None = None
        self.session.sig_signed_in.connect(self._show_signed_in)
        self.apply_role()
        # A workstation left open overnight: day numbers, due and overdue follow the date.
        self._day_timer = QTimer(self)
        self._day_timer.setInterval(60_000)
        self._day_timer.timeout.connect(self.session.refresh_if_new_day)
        # The day's verified backup, taken in the background once the clinic is in and
        # the file checked, so that closing rarely has to (it reads and verifies the
        # whole file: seconds on a long history).
        self._backup_timer = QTimer(self)
        self._backup_timer.setSingleShot(True)
        self._backup_timer.setInterval(BACKUP_IDLE_MS)
        self._backup_timer.timeout.connect(self._backup_in_background)
        self._day_timer.start()
        self._pending: Callable[[], object] | None = None
        self._summary = ""  # the board's last status summary ("14 active transplants - ...")
        self._connect()

    # --- construction ------------------------------------------------------------------------

    def _build_central(self) -> None:
        self.banner = QLabel(self.tr("DEMO CLINIC: synthetic patients, not real data"))
        self.banner.setObjectName("demoBanner")
        self.banner.setStyleSheet("background:#fde68a;color:#111;padding:4px;font-weight:bold;")
        self.banner.setVisible(self.session.demo)
        self.settings_banner = QLabel()
        self.settings_banner.setObjectName("settingsBanner")
        self.settings_banner.setWordWrap(True)
        self.settings_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.settings_banner.setStyleSheet("background:#fee2e2;color:#111;padding:4px;")
        self.settings_banner.setVisible(False)
        self.storage_banner = QLabel()
        self.storage_banner.setObjectName("storageBanner")
        self.storage_banner.setWordWrap(True)
        self.storage_banner.setTextFormat(Qt.TextFormat.PlainText)
        self.storage_banner.setStyleSheet("background:#fee2e2;color:#111;padding:4px;")
        self.storage_banner.setVisible(False)
        self.empty_panel = QWidget()
        empty = QHBoxLayout(self.empty_panel)
        empty.addWidget(QLabel(self.tr("This clinic database has no patients yet.")))
        # Not "&demo": Alt+D is the Today tab.
        self.load_demo_button = QPushButton(self.tr("Load the de&mo clinic"))
        self.load_demo_button.setEnabled(self._load_demo is not None)
        empty.addWidget(self.load_demo_button)
        self.new_patient_button = QPushButton(self.tr("Add the first &patient"))
        empty.addWidget(self.new_patient_button)
        empty.addStretch(1)
        self.empty_panel.setVisible(False)
        board_page = QWidget()
        layout = QVBoxLayout(board_page)
        layout.addWidget(self.banner)
        layout.addWidget(self.settings_banner)
        layout.addWidget(self.storage_banner)
        layout.addWidget(self.empty_panel)
        self.splitter.addWidget(self.board)
        self.splitter.addWidget(self.clinic_timeline)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter)
        today_page = QWidget()
        tlayout = QVBoxLayout(today_page)
        self.worklist_view = QTableView()
        self.worklist_view.setModel(self.worklist_model)
        self.worklist_view.setAccessibleName(self.tr("Today's worklist"))
        # Tab leaves the table (the print button is next); arrows move between cells.
        self.worklist_view.setTabKeyNavigation(False)
        self._size_worklist_columns()
        print_button = QPushButton(self.tr("&Print worklist..."))
        # Printing is audited in the database: from the stored start board it waits for
        # the live clinic like the menu's Print worklist.
        print_button.clicked.connect(lambda: self.when_ready(self.print_worklist))
        tlayout.addWidget(self.worklist_view)
        tlayout.addWidget(print_button, 0, Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(board_page, shown(MAIN_TABS["board"]))
        self.tabs.addTab(today_page, shown(MAIN_TABS["today"]))
        # A long tab title is elided (its tooltip holds it) rather than widening the window.
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        for i in (0, 1):  # the board and the worklist cannot be closed
            self.tabs.tabBar().setTabButton(i, self.tabs.tabBar().ButtonPosition.RightSide, None)
        self.setCentralWidget(self.tabs)

    def _size_worklist_columns(self) -> None:
        """The step's title gets the room; the other columns are as wide as their text.

        Stretching the last column (Status) gave "due today" most of the table and left
        the step title a hundred pixels at 1366.
        """
        header = self.worklist_view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance(self.tr("Done")) + 16)
        # Measured when the Today tab is shown, over the first rows only: ResizeToContents
        # re-measured every cell of a 500-patient worklist on each change, start-up included.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(60)
        step = WORKLIST_COLUMNS.index("Step")
        header.setSectionResizeMode(step, QHeaderView.ResizeMode.Stretch)
        self._worklist_sized = False

    def _build_actions(self) -> None:
        """Every action of ``ui.actions.ACTIONS`` the window offers, each with its keys."""
        demo_menu = self._load_demo is not None and self.session.demo
        for spec in ACTIONS:
            if spec.name == "load_demo" and not demo_menu:
                continue
            action = make_action(spec, self, partial(self._run, spec))
            self.addAction(action)  # its keys work even with the menu bar hidden
            self.actions_by_name[spec.name] = action
        # Undo and redo name the edit they would undo, and follow the current tab's stack.
        undo, redo = self.actions_by_name["undo"], self.actions_by_name["redo"]
        group = self.undo_group
        group.canUndoChanged.connect(
            lambda can: undo.setEnabled(can and not self.session.replaying)
        )
        group.canRedoChanged.connect(
            lambda can: redo.setEnabled(can and not self.session.replaying)
        )
        undo_text, redo_text = SPECS["undo"].shown_text, SPECS["redo"].shown_text
        group.undoTextChanged.connect(lambda text: undo.setText(_with_subject(undo_text, text)))
        group.redoTextChanged.connect(lambda text: redo.setText(_with_subject(redo_text, text)))
        undo.setEnabled(group.canUndo())
        redo.setEnabled(group.canRedo())

        # While an undo or redo is written in a worker thread, neither can be asked again.
        def replaying(busy: bool) -> None:
            undo.setEnabled(not busy and group.canUndo())
            redo.setEnabled(not busy and group.canRedo())

        self.session.sig_replaying.connect(replaying)

    def _run(self, spec: ActionSpec) -> None:
        """Run an action: the window's method, or the current patient tab's; refused with
        a sentence when the signed-in role may not (its key still reaches here)."""
        refusal = self._refusal(spec)
        if refusal:
            self.statusBar().showMessage(refusal, 10000)
            return

        def call() -> None:
            if spec.scope is Scope.WINDOW:
                getattr(self, spec.slot)()
                return
            ws = self.current_workspace()
            if ws is None:
                self.statusBar().showMessage(
                    self.tr("{action}: open a patient first.").format(action=spec.shown_label),
                    5000,
                )
                return
            getattr(ws, spec.slot)()

        if spec.needs_clinic:
            self.when_ready(call)  # it reads or writes the clinic: wait for the live load
        else:
            call()

    def _build_menus_and_toolbar(self) -> None:
        a = self.actions_by_name
        for title, names in MENUS:
            menu = self.menuBar().addMenu(shown(title))
            for name in names:
                if name is None:
                    menu.addSeparator()
                elif name in a:
                    menu.addAction(a[name])
            if title == LANGUAGE_MENU_OF:
                menu.addSeparator()
                self._build_language_menu(menu.addMenu(shown(LANGUAGE_MENU)))
        toolbar = QToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        for name in MAIN_TOOLBAR:
            toolbar.addAction(a[name])
        self.addToolBar(toolbar)

    def _build_language_menu(self, menu: QMenu) -> None:
        """View > Language: the stored choice is checked; a new one applies at the next
        start (texts are translated as widgets are built), which the status bar says."""
        self.language_actions: dict[str, QAction] = {}
        group = QActionGroup(self)
        chosen = self.state.load_language()
        for code, text in language_choices():
            action = QAction(text, self)
            action.setObjectName(f"language_{code}")
            action.setCheckable(True)
            action.setChecked(code == chosen)
            action.triggered.connect(partial(self.choose_language, code))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[code] = action

    def choose_language(self, code: str) -> None:
        """Keep the interface language for the next start and say when it applies."""
        self.state.save_language(code)
        self.statusBar().showMessage(
            self.tr("The language will change the next time Transplant Planner starts."), 10000
        )

    def _connect(self) -> None:
        self.session.sig_board_changed.connect(self._on_session_board_changed)
        self.session.sig_ready.connect(self._on_session_ready)
        # The day's backup reads the whole file: after the clinic's load, not beside it.
        self.session.sig_live.connect(lambda: self._backup_timer.start())
        self.session.sig_loading.connect(self._on_session_loading)
        self.session.sig_message.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        self.board.sig_open_requested.connect(self.open_transplant)
        self.clinic_timeline.sig_patient_activated.connect(self.open_transplant)
        self.worklist_model.sig_check_off_requested.connect(self._on_worklist_check_off)
        self.tabs.tabCloseRequested.connect(self._on_tabs_close_requested)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.load_demo_button.clicked.connect(lambda: self.when_ready(self.load_demo))
        self.new_patient_button.clicked.connect(lambda: self.when_ready(self.new_patient))

    # --- state -------------------------------------------------------------------------------

    @property
    def protocols(self) -> Mapping[str, Protocol]:
        """The protocol templates the plan wizard offers."""
        if callable(self._protocols):
            self._protocols = self._protocols()
        return self._protocols

    @protocols.setter
    def protocols(self, protocols: Mapping[str, Protocol]) -> None:
        self._protocols = protocols

    def current_workspace(self) -> PatientWorkspace | None:
        """The open patient tab, if the current tab is one."""
        return self._workspace_on(self.tabs.currentWidget())

    def workspaces(self) -> list[PatientWorkspace]:
        """Every open patient tab, in tab order."""
        return [
            ws for i in range(self.tabs.count()) if (ws := self._workspace_on(self.tabs.widget(i)))
        ]

    @staticmethod
    def _workspace_on(page: QWidget | None) -> PatientWorkspace | None:
        """The workspace a tab page holds (None: the Board or Today)."""
        if not isinstance(page, QScrollArea):
            return None  # the Board and Today pages: no need to import the workspace (pandas)
        inner = page.widget()
        return inner if isinstance(inner, _workspace_type()) else None

    def _index_of(self, ws: PatientWorkspace) -> int:
        return next(
            i for i in range(self.tabs.count()) if self._workspace_on(self.tabs.widget(i)) is ws
        )

    def show_storage_warning(self, warning: str) -> None:
        """A persistent notice about where the database is kept (a synced folder)."""
        self.storage_banner.setText(warning)
        self.storage_banner.setVisible(bool(warning))

    def show_settings_problem(self, problem: str) -> None:
        """A persistent notice that centre.toml could not be used (closure days, phone...)."""
        self.settings_banner.setText(
            self.tr("Centre settings: {problem}").format(problem=problem) if problem else ""
        )
        self.settings_banner.setVisible(bool(problem))

    def when_ready(self, action: Callable[[], object]) -> None:
        """Run ``action`` now, or once the clinic is loaded when the board is the stored one.

        During a quick start the board on screen is browsable at once, but opening a
        patient or editing needs the live clinic: the last request waits for it.
        """
        if self.session.ready:
            action()
            return
        self._pending = action
        self.statusBar().showMessage(self._opening_text())

    def _opening_text(self) -> str:
        return self.tr("Opening the clinic database... one moment.")

    def _on_session_ready(self) -> None:
        if self.session.from_snapshot and self.statusBar().currentMessage() == self._summary:
            self._show_summary()  # "opening the database" becomes "loading the clinic"
        pending, self._pending = self._pending, None
        if pending is not None and not self.session.finishing:
            # After the other handlers of the first load (templates, patients reopened).
            QTimer.singleShot(0, pending)

    def show_load_error(self, exc: BaseException) -> None:
        """A load that failed; before the first live load, say how to try again."""
        if self.session.live:
            self.show_error(exc)
            return
        self.statusBar().showMessage(
            self.tr("The clinic could not be loaded: {reason} Press F5 to try again.").format(
                reason=user_message(exc)
            )
        )

    def show_error(self, exc: BaseException) -> None:
        """Report an error in the status bar (planner errors are written for users)."""
        self.statusBar().showMessage(user_message(exc), 10000)

    def _on_session_board_changed(self) -> None:
        rows = self.session.rows
        self.empty_panel.setVisible(not rows and not self.session.demo)
        self._show_summary()
        plans, sketches = self.session.plans, self.session.sketches
        self.clinic_timeline.set_rows(
            [
                ClinicRow(
                    r.transplant_id,
                    f"{r.name} · {r.day_label}",
                    plans.get(r.transplant_id),
                    sketches.get(r.transplant_id),
                )
                for r in rows
            ],
            self.session.computed_for or self.session.today,
        )
        if self.session.settled:
            self.clinic_timeline.prepare_while_idle()

    def _show_summary(self) -> None:
        """The status bar's line about the board: how many, which day, and (on the stored
        board) what is still being done behind it."""
        count = len(self.session.rows)
        active = (
            self.tr("1 active transplant")
            if count == 1
            else self.tr("{count} active transplants").format(count=count)
        )
        summary = self.tr("{active} - today {date}").format(
            active=active, date=format_date(self.session.today, "%a %d %b %Y")
        )
        bar = self.statusBar()
        if self.session.from_snapshot:  # the board saved at the last close, same data
            behind = (
                self.tr("{summary} - loading the clinic...")
                if self.session.ready  # patients open; the clinic is computed behind
                else self.tr("{summary} - opening the clinic database...")
            )
            self._summary = behind.format(summary=summary)
            bar.showMessage(self._summary)
        elif bar.currentMessage() in (
            "",
            self._summary,
            self._loading_text(),
        ) or bar.currentMessage().startswith(self._opening_text()):
            # The refresh after an edit must not wipe the edit's own message
            # ("Day 0 moved to ...; 77 dates changed").
            self._summary = summary
            bar.showMessage(summary, 5000)

    def _on_session_loading(self, loading: bool) -> None:
        self.progress.setVisible(loading)
        if loading:
            self.statusBar().showMessage(self._loading_text())
        elif self.session.settled:
            self.clinic_timeline.prepare_while_idle()

    def _loading_text(self) -> str:
        return self.tr("Loading the clinic...")

    def _show_presence(self) -> None:
        """Name who else has the current patient open (nothing on the board's tabs)."""
        ws = self.current_workspace()
        others = self.session.others_with(ws.session.patient.id) if ws is not None else []
        self.presence.setText(
            self.tr("Also open: {others}").format(others=", ".join(others)) if others else ""
        )
        self.presence.setVisible(bool(others))

    def _announce_open_patients(self) -> None:
        self.session.set_open_patients({ws.session.patient.id for ws in self.workspaces()})

    def _on_tabs_current_changed(self, _index: int) -> None:
        self._show_presence()
        ws = self.current_workspace()
        self.undo_group.setActiveStack(ws.session.undo_stack if ws else self.clinic_undo)
        if self.tabs.currentWidget() is self.worklist_view.parentWidget():
            self.worklist_model.decode_now()  # a stored board's lines, if not yet
            self._fit_worklist_columns()

    def _fit_worklist_columns(self) -> None:
        """Size the worklist's columns to their text once, when Today is first shown; a
        very long name is elided in its cell so the step keeps the room."""
        if self._worklist_sized:
            return
        self._worklist_sized = True
        view = self.worklist_view
        view.resizeColumnsToContents()
        cap = self.fontMetrics().horizontalAdvance("M") * 20
        step = WORKLIST_COLUMNS.index("Step")
        for column in range(view.model().columnCount()):
            if column != step and view.columnWidth(column) > cap:
                view.setColumnWidth(column, cap)

    # --- opening patients ----------------------------------------------------------------------

    def session_for(self, transplant_id: str) -> TransplantSession:
        """The open session of a transplant (opened, without a tab, when needed)."""
        existing = self.sessions.get(transplant_id)
        if existing is not None:
            return existing
        from ui.transplant_session import TransplantSession

        ts = TransplantSession.open(
            self.session, transplant_id, resolve_conflict=self._ask_conflict
        )
        ts.sig_save_failed.connect(lambda msg: self.statusBar().showMessage(msg, 10000))
        ts.sig_updated_elsewhere.connect(
            lambda user, where, ts=ts: self._say_updated_elsewhere(ts, user, where)
        )
        self.undo_group.addStack(ts.undo_stack)
        self.sessions[transplant_id] = ts
        return ts

    def _say_updated_elsewhere(self, ts: TransplantSession, user: str, where: str) -> None:
        """Values that change under the user's eyes say why (the patient on screen only)."""
        ws = self.current_workspace()
        if ws is not None and ws.session is ts:
            self.statusBar().showMessage(
                self.tr("Updated just now by {user} at {workstation}.").format(
                    user=user, workstation=where
                ),
                10000,
            )

    def _ask_conflict(self, mine: Snapshot, theirs: Snapshot) -> bool:
        from ui.dialogs.conflict_dialog import ConflictDialog

        return ConflictDialog.ask(self, mine, theirs)

    def open_transplant(self, transplant_id: str) -> PatientWorkspace | None:
        """Open (or switch to) the workspace of a transplant.

        Before the live load of a quick start, the request waits for it (returns None).
        """
        if not self.session.ready:
            self.when_ready(lambda: self.open_transplant(transplant_id))
            return None
        for ws in self.workspaces():
            if ws.session.transplant.id == transplant_id:
                self.tabs.setCurrentIndex(self._index_of(ws))
                return ws
        try:
            ts = self.session_for(transplant_id)
        except PlannerError as exc:
            self.show_error(exc)
            return None
        # The record opens from what was read; the audit row of the view is written now,
        # or waits in the session until the database can be written.
        view_waits = not self.session.record_view(ts.patient.id)
        ws = _workspace_type()(ts, lab_settings=self._settings)  # the import mapping memory
        ws.sig_status.connect(lambda msg: self.statusBar().showMessage(msg, 8000))
        # The page scrolls rather than grow the window past the screen when a tab needs
        # more room than a 1366x768 screen has; with room to spare it never scrolls.
        _size_to_current_page(ws.tabs)
        page = QScrollArea()
        page.setWidget(ws)
        page.setWidgetResizable(True)
        page.setFrameShape(QFrame.Shape.NoFrame)
        page.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        index = self.tabs.addTab(page, literal(ws.title))
        self.tabs.setTabToolTip(index, ws.title)
        self.tabs.setCurrentIndex(index)
        self._announce_open_patients()
        ws.timeline.setFocus()
        if view_waits:
            self.statusBar().showMessage(session_text(VIEW_WAITS), 15000)
        return ws

    def open_selected(self) -> None:
        """Open the patient selected on the board."""
        tid = self.board.selected_transplant_id()
        if tid:
            self.open_transplant(tid)

    def close_current_tab(self) -> None:
        """Close the current patient tab (the board and worklist stay)."""
        index = self.tabs.currentIndex()
        if index > 1:
            self._on_tabs_close_requested(index)

    def _on_tabs_close_requested(self, index: int) -> None:
        page = self.tabs.widget(index)
        if page is not None and self._workspace_on(page) is not None:
            self.tabs.removeTab(index)
            page.deleteLater()  # with its workspace
            self._announce_open_patients()

    # --- actions -----------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Go to the board's search field."""
        self.tabs.setCurrentIndex(0)
        self.board.search.setFocus()
        self.board.search.selectAll()

    def show_board(self) -> None:
        """Go to the Board tab."""
        self.tabs.setCurrentIndex(0)

    def show_today(self) -> None:
        """Go to the Today tab (the worklist)."""
        self.tabs.setCurrentIndex(1)

    def show_forms(self) -> None:
        """The registry forms past due, in their window or due soon, across the clinic."""
        from ui.dialogs.forms_dialog import FormsDialog

        self.forms_dialog = FormsDialog(self.session, self._open_checklists, self)
        self.forms_dialog.show()

    def show_audit(self) -> None:
        """The audit trail: who changed what and when, filtered, exported."""
        from ui.dialogs.audit_dialog import AuditDialog

        self.audit_dialog = AuditDialog(self.session, self._settings, self)
        self.audit_dialog.show()

    # --- accounts ------------------------------------------------------------------------------

    def _refusal(self, spec: ActionSpec) -> str:
        """Why the signed-in role may not run ``spec`` ("" when it may)."""
        return refusal(self.session.actor.role, spec.permission)

    def apply_role(self) -> None:
        """Enable the actions the signed-in role may run (all of them without accounts);
        the tooltip of a disabled one says why."""
        for spec in ACTIONS:
            action = self.actions_by_name.get(spec.name)
            if action is None or spec.permission is Permission.READ:
                continue  # reading is everyone's; undo and redo follow their stack
            refusal = self._refusal(spec)
            action.setEnabled(not refusal)
            action.setToolTip(refusal or spec.shown_label)

    def _show_signed_in(self) -> None:
        # The sign-in's modules are imported where a database has accounts only: the
        # stored board of one without them is painted without them (the start-up budget).
        from ui.sign_in import IdleLock, describe

        done = self.session.signed_in
        if done is None:
            return
        self.who.setText(self.tr("Signed in: {who}").format(who=describe(done.actor)))
        self.who.setVisible(True)
        self.apply_role()
        if self.idle_lock is None:
            self.idle_lock = IdleLock(done.policy.idle_lock_minutes, self)
            self.idle_lock.locked.connect(self._ask_to_unlock)
        else:
            self.idle_lock.set_minutes(done.policy.idle_lock_minutes)

    def sign_in_then(self, repo: Repository, proceed: Callable[[], None]) -> None:
        """Ask who is at the keyboard (a database with accounts), then ``proceed``;
        closing the dialog closes the app. Where the centre signs in with the computer's
        login, that is tried first, and the dialog shown only if it is refused."""
        from planner.app.accounts import check_login, record_login_sign_in
        from ui.sign_in import SignInDialog

        session = self.session
        policy = repo.sign_in_policy()
        loading = self.clinic_timeline.waiting_text
        asking = self.tr("Sign in to open the clinic.")
        self.clinic_timeline.waiting_text = asking
        self.clinic_timeline.viewport().update()
        self.statusBar().showMessage(asking)

        def signed(done: SignedIn) -> None:
            self.clinic_timeline.waiting_text = loading
            self.clinic_timeline.viewport().update()
            self.statusBar().clearMessage()
            session.sign_in(done)
            proceed()

        def ask(message: str = "") -> None:
            dialog = SignInDialog(
                repo,
                session.actor.workstation,
                session.clock,
                # The computer's login is offered only where the centre signs in with it:
                # a clinic workstation's login is often shared, not the person's name.
                login=session.login if policy.method is SignInMethod.OS_ACCOUNT else "",
                policy=policy,
                message=message,
                # Recorded behind the clinic: the row waits for the start's file check.
                record_behind=session.record_sign_in,
                parent=self,
            )
            dialog.signed_in.connect(signed)
            dialog.rejected.connect(self.close)
            self.sign_in_dialog = dialog
            dialog.open()
            dialog.raise_()
            dialog.activateWindow()

        if policy.method is not SignInMethod.OS_ACCOUNT:
            ask()
            return
        login, ws, now = session.login, session.actor.workstation, session.clock()

        def accepted(done: SignedIn) -> None:
            # Recorded behind the clinic: the row waits for the start's file check.
            session.record_sign_in(lambda: record_login_sign_in(repo, done, now))
            signed(done)

        run_in_background(
            lambda: check_login(repo, login, ws), accepted, lambda exc: ask(user_message(exc))
        )

    def _no_accounts(self) -> bool:
        """Say so when the database has no accounts (no one signed in to lock or to
        change a password for); True then."""
        if self.session.signed_in is not None:
            return False
        self.statusBar().showMessage(
            self.tr(
                "This clinic database has no accounts, so no one is signed in (File > "
                "Accounts adds the first)."
            ),
            10000,
        )
        return True

    def lock_now(self) -> None:
        """Hide patient data now, until the same person signs in again."""
        if not self._no_accounts() and self.idle_lock is not None:
            self.idle_lock.lock()

    def _ask_to_unlock(self) -> None:
        from ui.sign_in import SignInDialog

        lock, done = self.idle_lock, self.session.signed_in
        if lock is None or done is None:
            return
        dialog = SignInDialog(
            self.session.repo,
            done.actor.workstation,
            self.session.clock,
            login=self.session.login,
            unlock_for=done.actor,
            policy=self.session.repo.sign_in_policy(),
            parent=self,  # closed with the window
        )
        lock.allow(dialog)
        dialog.signed_in.connect(lambda _done: lock.unlock())
        dialog.rejected.connect(self.close)
        self.unlock_dialog = dialog
        dialog.open()
        # Input goes to it only (IdleLock): make it the window keys go to.
        dialog.raise_()
        dialog.activateWindow()

    def show_accounts(self) -> None:
        """File > Accounts: an administrator's (anyone's, to add the first account)."""
        from ui.dialogs.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(lambda: self.session.repo, self.session.context, self)
        dialog.first_account_added.connect(
            lambda: self.sign_in_then(self.session.repo, lambda: None)
        )
        dialog.policy_changed.connect(self._policy_changed)
        self.accounts_dialog = dialog
        dialog.show()

    def _policy_changed(self, policy: SignInPolicy) -> None:
        from planner.app.accounts import SignedIn

        done = self.session.signed_in
        if done is not None:
            self.session.signed_in = SignedIn(done.actor, policy)
        if self.idle_lock is not None:
            self.idle_lock.set_minutes(policy.idle_lock_minutes)

    def change_password(self) -> None:
        """File > Change my password: the current one, then the new one twice."""
        from planner.app.accounts import change_own_password
        from ui.dialogs.accounts_dialog import AccountForm

        if self._no_accounts():
            return
        form = AccountForm(self, name=self.session.actor.user, current=True)
        repo, ctx = self.session.repo, self.session.context()

        def work(new: str) -> Callable[[], Account]:
            current = form.current.text()
            return lambda: change_own_password(repo, ctx, current, new)

        form.save_with(
            work,
            lambda _account: self.statusBar().showMessage(
                self.tr("Your password was changed."), 8000
            ),
        )
        self.password_form = form
        form.open()

    def show_patient_audit(self) -> None:
        """The audit trail of the open patient (the audit viewer, filtered by MRN)."""
        from ui.dialogs.audit_dialog import AuditDialog

        ws = self.current_workspace()
        if ws is None:
            self.statusBar().showMessage(
                self.tr("Open a patient to see the audit trail of their record."), 8000
            )
            return
        self.audit_dialog = AuditDialog(
            self.session, self._settings, self, mrn=ws.session.patient.mrn
        )
        self.audit_dialog.show()

    def _open_checklists(self, transplant_id: str) -> None:
        """Open the transplant on its Checklists tab, where a form is ticked, and bring
        the window in front of the forms list."""
        ws = self.open_transplant(transplant_id)
        if ws is not None:
            ws.tabs.setCurrentWidget(ws.checklists)
            self.raise_()
            self.activateWindow()

    def undo(self) -> None:
        """Undo the last edit of the current tab (a patient's, or the clinic's)."""
        self._step(back=True)

    def redo(self) -> None:
        """Redo the edit undone last in the current tab."""
        self._step(back=False)

    def _step(self, *, back: bool) -> None:
        stack = self.undo_group.activeStack()
        if stack is not None:
            step(stack, self.session, back=back)

    def zoom_in(self) -> None:
        """Zoom the timeline on screen in: the patient's, or the clinic's."""
        self._timeline_call("zoom_in")

    def zoom_out(self) -> None:
        """Zoom the timeline on screen out."""
        self._timeline_call("zoom_out")

    def fit(self) -> None:
        """Fit the timeline on screen to its width."""
        self._timeline_call("fit")

    def _timeline_call(self, name: str) -> None:
        ws = self.current_workspace()
        target = ws.timeline if ws is not None else self.clinic_timeline
        getattr(target, name)()

    def new_patient(self) -> None:
        """Create a patient, then offer to plan the transplant."""
        from planner.app.patients import save_patient
        from ui.dialogs.patient_dialog import PatientDialog
        from ui.dialogs.saving import ask_until_saved

        def save(p: Patient) -> Patient:
            self.session.perform(lambda repo, ctx: save_patient(repo, ctx, p))
            return p

        try:
            # A failed save brings the dialog back with what was typed (ui/dialogs/saving.py).
            patient = ask_until_saved(
                lambda **again: PatientDialog.ask(self, None, self.session.today, **again), save
            )
        except PlannerError as exc:
            self.show_error(exc)
            return
        if patient is None:
            return
        self.statusBar().showMessage(self.tr("Patient {mrn} saved.").format(mrn=patient.mrn), 5000)
        self.new_plan(patient.id)

    def edit_patient(self) -> None:
        """Edit the current patient's details."""
        ws = self.current_workspace()
        if ws is None:
            self.statusBar().showMessage(self.tr("Open a patient to edit their details."), 5000)
            return
        from planner.app.patients import save_patient
        from ui.dialogs.patient_dialog import PatientDialog
        from ui.dialogs.saving import ask_until_saved

        def save(p: Patient) -> Patient:
            # Undoable in this tab; every open tab of the patient and the board follow.
            ws.session.run(lambda repo, ctx: save_patient(repo, ctx, p))
            return p

        try:
            edited = ask_until_saved(
                lambda **again: PatientDialog.ask(
                    self, ws.session.patient, self.session.today, **again
                ),
                save,
            )
        except PlannerError as exc:
            self.show_error(exc)
            return
        if edited is None:
            return
        self.statusBar().showMessage(self.tr("Patient {mrn} saved.").format(mrn=edited.mrn), 5000)

    def edit_transplant(self) -> None:
        """Edit the open transplant's record: number, graft, donor, status."""
        ws = self.current_workspace()
        if ws is None:
            self.statusBar().showMessage(
                self.tr("Open a patient to edit their transplant record."), 5000
            )
            return
        from planner.app.transplants import save_transplant
        from planner.domain.patients import status_label
        from ui.dialogs.saving import ask_until_saved
        from ui.dialogs.transplant_dialog import TransplantDialog

        def save(t: Transplant) -> Transplant:
            # Undoable in this tab; the board and every open tab of the patient follow.
            ws.session.run(lambda repo, ctx: save_transplant(repo, ctx, t))
            return t

        try:
            edited = ask_until_saved(
                lambda **again: TransplantDialog.ask(
                    self, ws.session.patient, ws.session.transplant, self.session.today, **again
                ),
                save,
            )
        except PlannerError as exc:
            self.show_error(exc)
            return
        if edited is None:
            return
        message = self.tr("Transplant record saved.")
        if not edited.is_active:
            message = self.tr(
                "Transplant record saved: {status}, off the board (tick Closed transplants "
                "to list it)."
            ).format(status=status_label(edited.status))
        self.statusBar().showMessage(message, 8000)

    def new_plan_for_current(self) -> None:
        """New plan for the patient of the current tab."""
        ws = self.current_workspace()
        if ws is not None:
            self.new_plan(ws.session.patient.id)
        else:
            self.statusBar().showMessage(
                self.tr("Open a patient first, or create a new patient."), 5000
            )

    def new_plan(self, patient_id: str) -> None:
        """Run the plan wizard for a patient and open the new plan."""
        from planner.app.plans import create_transplant_plan
        from ui.dialogs.plan_wizard import PlanWizard
        from ui.dialogs.saving import ask_until_saved

        patient = self.session.read(lambda repo, _ctx: repo.get_patient(patient_id))

        def save(request: PlanRequest) -> Change:
            return self.session.perform(
                lambda repo, ctx: create_transplant_plan(
                    repo, ctx, request.transplant, request.protocols, request.anchors
                )
            )

        try:
            # A failed save brings the wizard back with its choices (ui/dialogs/saving.py).
            change = ask_until_saved(
                lambda **again: PlanWizard.ask(
                    self, patient, self.protocols, self.session.today, **again
                ),
                save,
            )
        except PlannerError as exc:
            self.show_error(exc)
            return
        if change is not None:
            self.open_transplant(change.subject)

    def load_demo(self) -> None:
        """Add the demo clinic's synthetic patients (demo database, or an empty one)."""
        if self._load_demo is None:
            return
        if not self.session.demo:
            from ui.dialogs.step_dialogs import StepDialogs

            if self.session.rows:
                self.statusBar().showMessage(
                    self.tr("The demo clinic can only be loaded into an empty database."), 8000
                )
                return
            if not StepDialogs.confirm(
                self,
                self.tr("Load the demo clinic?"),
                self.tr(
                    "Add 14 synthetic demo patients to this empty database? Use it for "
                    "training only; for real work start a new, empty database."
                ),
            ):
                return
        count = self._load_demo()
        self.session.refresh()
        self.statusBar().showMessage(
            self.tr("Loaded {count} demo patients.").format(count=count), 5000
        )

    def _on_worklist_check_off(self, item: WorklistItem) -> None:
        if not self.session.ready:
            self.when_ready(lambda: self._on_worklist_check_off(item))
            return
        from planner.app.graft_secured import mark_step_done

        try:
            ts = self.session_for(item.transplant_id)
            # Refused for a conditioning dose before the graft is secured; the override
            # is given from the patient's own mark-done dialog.
            after = mark_step_done(
                ts.record,
                item.step_id,
                item.offset,
                self.session.today,
                by=ts.actor_name,
                at=ts.now_utc_text(),
                reason="checked off on the worklist",
            )
            # Undone from the Today tab's Edit menu (the clinic's undo stack).
            text = f"Mark {item.title} done ({item.mrn})"  # the Edit menu names the patient
            if not ts.push(after, text, stack=self.clinic_undo):
                return
        except PlannerError as exc:
            self.show_error(exc)
            return
        self.statusBar().showMessage(
            self.tr("{step} marked done for {mrn}.").format(step=tr(item.title), mrn=item.mrn), 5000
        )

    def worklist_document(self) -> QTextDocument:
        """The printable worklist (escaped HTML in a QTextDocument)."""
        doc = QTextDocument()
        doc.setHtml(
            worklist_html(
                self.session.worklist,
                self.tr("Worklist {date}").format(
                    date=format_date(self.session.today, "%a %d %b %Y")
                ),
            )
        )
        return doc

    def export_documents(self) -> None:
        """Preview, save or print the current patient's documents."""
        ws = self.current_workspace()
        if ws is None:
            self.statusBar().showMessage(
                self.tr("Open a patient to print or export documents."), 5000
            )
            return
        from ui.dialogs.export_dialog import ExportDialog

        ExportDialog.ask(self, ws.session, self.session.centre, self._settings)

    def export_calendar(self) -> None:
        """Save a calendar file: the open patient's, or the team's."""
        self._export_data("patient-calendar")

    def export_data(self) -> None:
        """Save the board, worklist, forms or the open patient's plan as a spreadsheet, or
        the patient's record as FHIR."""
        self._export_data("plan" if self.current_workspace() is not None else "board")

    def _export_data(self, first: str) -> None:
        from ui.dialogs.data_export_dialog import DataExportDialog

        ws = self.current_workspace()
        saved = DataExportDialog.ask(
            self,
            self.session,
            ws.session if ws is not None else None,
            self.session.centre,
            self._settings,
            first,
        )
        if saved is not None:
            self.statusBar().showMessage(self.tr("Saved {name}.").format(name=saved.name), 5000)

    def print_worklist(self) -> None:
        """Print today's worklist through the system print dialog."""
        self.session.refresh_if_new_day()  # never print yesterday's list under today's date
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if QPrintDialog(printer, self).exec() == QPrintDialog.DialogCode.Accepted:
            self.print_worklist_to(printer)

    def print_worklist_to(self, printer: QPrinter) -> bool:
        """Record the printout in the audit trail, then print the worklist on ``printer``.

        The row comes first: paper cannot be taken back, so a worklist is never printed
        without its row; when the row cannot be written a dialog says so and nothing is
        printed. Returns True when printed.
        """
        from planner.app.audited_output import patients_phrase, record_output
        from ui.printing import print_document

        document = self.worklist_document()
        patients = [item.patient_id for item in self.session.worklist]
        if patients:  # an empty worklist holds no patient data
            event = f"Print worklist ({patients_phrase(patients)})"
            try:
                self.session.perform(
                    lambda repo, ctx: record_output(
                        repo,
                        ctx,
                        event,
                        outcome="The worklist was not printed",
                        what="the print",
                    )
                )
            except PlannerError as exc:
                self.refuse_output(exc)
                return False
        # Only the pages chosen in the print dialog (QTextDocument.print_ is not used: the
        # range is drawn page by page in one place for every printout, ui/printing.py).
        print_document(document, printer)
        return True

    def print_board(self) -> None:
        """Print the board's rows as filtered and sorted on screen through the print dialog."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        dialog = QPrintDialog(printer, self)
        dialog.setMinMax(1, self.board_print(printer).count)  # the range in the board's pages
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.print_board_to(printer)

    def board_print(self, printer: QPrinter) -> TablePrint:
        """The board laid out for ``printer``: the rows the board shows, in its order, the
        columns it shows in its order, fitted to the page width."""
        from ui.printing import TablePrint, logical_page

        table, proxy = self.board.table, self.board.proxy
        header = table.horizontalHeader()
        columns = [
            header.logicalIndex(visual)
            for visual in range(header.count())
            if not table.isColumnHidden(header.logicalIndex(visual))
        ]
        horizontal = Qt.Orientation.Horizontal
        rows = [
            [str(proxy.index(row, column).data() or "") for column in columns]
            for row in range(proxy.rowCount())
        ]
        title = self.tr("Clinic board {date}: {shown} of {total} active transplants").format(
            date=format_date(self.session.today, "%a %d %b %Y"),
            shown=proxy.rowCount(),
            total=self.model.rowCount(),
        )
        return TablePrint(
            title,
            [str(proxy.headerData(column, horizontal)) for column in columns],
            rows,
            logical_page(printer),
            table.font(),
        )

    def print_board_to(self, printer: QPrinter) -> bool:
        """Record the printout, then print the board on ``printer`` (landscape, the pages
        chosen); True when printed, False when the row could not be written (a dialog
        says so and nothing is printed)."""
        from planner.app.audited_output import patients_phrase, record_output
        from ui.printing import print_pages

        self.session.refresh_if_new_day()  # never print yesterday's board under today's date
        # Nine columns of names, days and alerts: the board is printed landscape.
        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        job = self.board_print(printer)
        proxy = self.board.proxy
        patients = [
            self.model.row_at(proxy.mapToSource(proxy.index(row, 0)).row()).patient_id
            for row in range(proxy.rowCount())
        ]
        if patients:  # an empty board holds no patient data
            event = f"Print board ({patients_phrase(patients)})"
            try:
                self.session.perform(
                    lambda repo, ctx: record_output(
                        repo, ctx, event, outcome="The board was not printed", what="the print"
                    )
                )
            except PlannerError as exc:
                self.refuse_output(exc)
                return False
        pages = print_pages(printer, job.count, job.paint)
        self.statusBar().showMessage(
            self.tr("Printed %n page(s) of the board.", "", pages)
            if pages
            else self.tr(
                "Nothing of the board was printed (no page chosen, or the printer failed)."
            ),
            8000,
        )
        return True

    def refuse_output(self, exc: PlannerError) -> None:
        """Say in a dialog why patient data was not printed or exported."""
        QMessageBox.warning(self, "Transplant Planner", user_message(exc))

    # --- backups -------------------------------------------------------------------------------

    def backup_now(self) -> None:
        """Write a verified backup now (File > Back up now); the status bar names it."""
        try:
            made = self.session.repo.backup_now(
                self.session.clock(), keep=self.session.centre.backup_keep
            )
        except PlannerError as exc:
            self.show_error(exc)
            return
        self.statusBar().showMessage(
            self.tr("Backup written and verified: {file}").format(file=made)
            if made
            else self.tr(
                "This database is not a file here; back it up where it is kept (its server)."
            ),
            10000,
        )

    def restore_instructions(self) -> str:
        """How to restore: the command for this database, with its backups folder."""
        where = self.session.repo.backup_location() if self.session.attached else None
        database, folder = where or (
            self.tr("FILE"),
            self.tr("the backups folder beside the database"),
        )
        # The command's words stay English (the command line is not translated).
        return self.tr(
            "To restore a backup, close Transplant Planner on every workstation, then run:"
            "\n\n{command}\n\n"
            "with BACKUP one of the planner-....db files in {folder}. The backup is "
            "verified first, the current database is kept aside (never deleted) and the "
            "restore is recorded in the audit trail."
        ).format(command=f'transplant-planner --db "{database}" restore BACKUP', folder=folder)

    def show_user_guide(self) -> None:
        """Help > User guide (F1): docs/user-guide.md with its screenshots."""
        from ui.help import GuideDialog, guide_path

        path = guide_path()
        if path is None:
            self.statusBar().showMessage(
                self.tr(
                    "This installation has no user guide; it is docs/user-guide.md in the "
                    "program's source."
                ),
                10000,
            )
            return
        GuideDialog(self, path).exec()

    def show_about(self) -> None:
        """Help > About: version, licence, the templates' status, where the files are."""
        from ui.help import about_text

        where = self.session.repo.storage_locations() if self.session.attached else []
        QMessageBox.about(self, self.tr("About Transplant Planner"), about_text(where))

    def restore_from_backup(self) -> None:
        """File > Restore from backup...: say how, rather than restore under the app.

        A live restore would replace the file under this window's open patient tabs,
        undo history and record versions, and under the instance lock this window
        holds; the command line restores with the app closed, takes the lock itself
        and refuses while any workstation still has the database open.
        """
        box = QMessageBox(
            QMessageBox.Icon.Information,
            self.tr("Restore from backup"),
            self.restore_instructions(),
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.exec()

    def _backup_in_background(self) -> None:
        """The day's verified backup, if not taken yet, in a worker thread (the close then
        has none to take); a failure is logged, and the close tries again."""
        session = self.session
        if session.finishing or not session.attached or session.demo:
            return
        if not session.file_checked:
            self._backup_timer.start()  # the start's file check first
            return
        repo, now, keep = session.repo, session.clock(), session.centre.backup_keep

        def done(made: str | None) -> None:
            if made:
                LOG.info("backup of the day written and verified")

        def failed(exc: BaseException) -> None:
            LOG.warning("no background backup: %s", type(exc).__name__)

        run_in_background(lambda: repo.backup_now(now, once_a_day=True, keep=keep), done, failed)

    def _backup_at_close(self) -> None:
        """The verified backup of the day, at most one a day; a failure is logged (the
        window is gone) and never keeps the app from closing."""
        if not self.session.attached or self.session.demo:  # synthetic patients only
            return
        try:
            made = self.session.repo.backup_now(
                self.session.clock(), once_a_day=True, keep=self.session.centre.backup_keep
            )
        except PlannerError as exc:
            LOG.warning("no backup at close: %s", type(exc).__name__)
            return
        if made:
            LOG.info("backup at close written and verified")

    # --- window state --------------------------------------------------------------------------

    def restore_state(self) -> None:
        """Geometry, splitters, columns and the patients open last time."""
        self.restore_layout()
        self.restore_open_patients()

    def restore_layout(self) -> None:
        """Geometry, splitters and columns (before the window is first shown)."""
        geometry = self.state.load_bytes("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.setGeometry(first_geometry(self.available_geometry()))
        elif not self.windowState() & (
            Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
        ):
            # Saved on a larger screen, or one unplugged since: back inside this one.
            self.setGeometry(fitted(self.geometry(), self.available_geometry()))
        if (win := self.state.load_bytes("window_state")) is not None:
            self.restoreState(win)
        if (split := self.state.load_bytes("board_splitter")) is not None:
            self.splitter.restoreState(split)
        if (header := self.state.load_bytes("board_header")) is not None:
            self.board.columns_sized = self.board.table.horizontalHeader().restoreState(header)
            # The user's widths, under today's policy (a header saved by an older version
            # stretched its last column).
            self.board.apply_column_policy()

    def available_geometry(self) -> QRect:
        """The free area (without task bars) of the screen the window opens on."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def restore_open_patients(self) -> None:
        """Reopen the patients open last time (once the clinic is loaded)."""
        for tid in self.state.load_open_plans():
            if tid in {r.transplant_id for r in self.session.rows}:
                self.open_transplant(tid)
        self.tabs.setCurrentIndex(0)

    def save_state(self) -> None:
        """Persist window state (ids only, never names)."""
        self.state.save_bytes("geometry", self.saveGeometry())
        self.state.save_bytes("window_state", self.saveState())
        self.state.save_bytes("board_splitter", self.splitter.saveState())
        self.state.save_bytes("board_header", self.board.table.horizontalHeader().saveState())
        if self.session.ready:  # before that no tab could open: keep last time's list
            self.state.save_open_plans([ws.session.transplant.id for ws in self.workspaces()])
        self.state.sync()

    def refresh_clinic(self) -> None:
        """Reload the whole clinic (F5); also the way to retry a first load that failed."""
        if not self.session.attached:
            self.statusBar().showMessage(self._opening_text(), 5000)
            return
        # In a worker thread: the board stays usable; an error comes to show_load_error.
        self.session.refresh_async(self.show_load_error)

    def report_unwritten_views(self) -> None:
        """At the close: write the patient views still waiting for their audit row, and
        say in a dialog how many could not be (they are not kept; see
        ``planner.app.view_queue``). The log gets the count only."""
        if not self.session.views or self.session.write_views():
            return
        LOG.warning("%d patient view(s) not recorded in the audit trail", len(self.session.views))
        QMessageBox.warning(self, "Transplant Planner", self.session.views.unwritten_sentence())

    def closeEvent(self, event: QCloseEvent) -> None:
        self._day_timer.stop()
        self._backup_timer.stop()
        if self.idle_lock is not None:
            self.idle_lock.stop()
        for name in ("unlock_dialog", "sign_in_dialog"):
            dialog = getattr(self, name, None)
            if dialog is not None and dialog.isVisible():
                dialog.done(0)
        self._pending = None  # an action that waited for the clinic is dropped with the window
        self.session.settle_file_check()  # views opened during the start's check wait on it
        self.report_unwritten_views()
        self.save_state()
        self.hide()  # storing the board for the next start may take a moment
        self.session.finish()
        self._backup_at_close()
        super().closeEvent(event)
