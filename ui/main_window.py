"""The main window: the clinic board (the start screen)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.models.board_model import BoardTableModel
from ui.session import ClinicSession


class MainWindow(QMainWindow):
    """Clinic board with a search field; a demo banner when showing synthetic data."""

    def __init__(self, session: ClinicSession, load_demo: Callable[[], int] | None = None) -> None:
        super().__init__()
        self.session = session
        self._load_demo = load_demo
        # No patient data in the title: it shows in task bars and screen shares.
        self.setWindowTitle("Transplant Planner" + (" - DEMO CLINIC" if session.demo else ""))
        self.model = BoardTableModel(session)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setAccessibleName("Clinic board")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name or MRN (Ctrl+F)")
        self.search.setAccessibleName("Search patients")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.banner = QLabel("DEMO CLINIC: synthetic patients, not real data")
        self.banner.setObjectName("demoBanner")
        self.banner.setStyleSheet("background:#fde68a;color:#111;padding:4px;font-weight:bold;")
        self.banner.setVisible(session.demo)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.banner)
        layout.addWidget(self.search)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self._build_menus()
        session.sig_board_changed.connect(self._on_session_board_changed)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        if self._load_demo is not None:
            demo = QAction("Load &demo clinic", self)
            demo.triggered.connect(self._on_load_demo_triggered)
            file_menu.addAction(demo)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        find = QAction("&Find patient", self)
        find.setShortcut(QKeySequence.StandardKey.Find)
        find.triggered.connect(self.search.setFocus)
        self.addAction(find)
        refresh = QAction("&Refresh", self)
        refresh.setShortcut(QKeySequence.StandardKey.Refresh)
        refresh.triggered.connect(self.session.refresh)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addAction(refresh)

    def _on_load_demo_triggered(self) -> None:
        if self._load_demo is not None:
            self._load_demo()
            self.session.refresh()

    def _on_session_board_changed(self) -> None:
        count = len(self.session.rows)
        self.statusBar().showMessage(
            f"{count} active transplant{'s' if count != 1 else ''} - "
            f"today {self.session.today:%a %d %b %Y}"
        )
        self.table.resizeColumnsToContents()
