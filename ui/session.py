"""ClinicSession: the clinic-wide state of the running app.

It holds the repository (through the port), who is signed in, the clock, and the
current board rows and worklist; widgets read from it and listen to its signals.
It keeps no second copy of the records: rows are recomputed from the repository
after each committed action. Loading a big clinic can run off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal

from planner.board import BoardRow, WorklistItem
from planner.careplan import Plan
from planner.checklists import ChecklistTemplate, load_checklists
from planner.model import ClinicSettings
from planner.ports import Actor, Repository
from planner.services import Context, clinic_view
from ui.workers import run_in_background

Loaded = tuple[list[BoardRow], list[WorklistItem], dict[str, Plan], dict[str, dt.date]]


class ClinicSession(QObject):
    """Shared state of the running app.

    Signals:
        sig_board_changed: the board rows and worklist were recomputed.
        sig_loading: a background load started (True) or ended (False).
    """

    sig_board_changed = Signal()
    """Emitted after the board rows and the worklist were recomputed."""
    sig_loading = Signal(bool)
    """Emitted True when a background load starts and False when it ends."""

    def __init__(self, repo: Repository, actor: Actor, clock: Callable[[], dt.datetime],
                 *, demo: bool = False, centre: ClinicSettings | None = None) -> None:
        super().__init__()
        self.repo = repo
        self.actor = actor
        self.clock = clock
        self.demo = demo
        self.centre = centre or ClinicSettings()
        self.closures: frozenset[dt.date] = self.centre.closures
        self.rows: list[BoardRow] = []
        self.worklist: list[WorklistItem] = []
        self.plans: dict[str, Plan] = {}
        self.engrafted: dict[str, dt.date] = {}
        self.computed_for: dt.date | None = None  # the day the rows were computed for
        self._checklist_templates: Mapping[str, ChecklistTemplate] | None = None

    def context(self) -> Context:
        """Who acts and when, for one use-case call."""
        return Context(self.actor, self.clock())

    @property
    def today(self) -> dt.date:
        """Today's local date."""
        return self.clock().date()

    def _compute(self, today: dt.date) -> Loaded:
        if self._checklist_templates is None:
            self._checklist_templates = load_checklists()
        view = clinic_view(self.repo, today, sorted(self.closures), self._checklist_templates)
        self.computed_for = today
        return view.rows, view.worklist, view.plans, view.engrafted

    def _apply(self, loaded: Loaded) -> None:
        self.rows, self.worklist, self.plans, self.engrafted = loaded
        self.sig_board_changed.emit()

    def refresh_if_new_day(self) -> bool:
        """Recompute when the date has changed since the rows were computed."""
        if self.computed_for is not None and self.computed_for != self.today:
            self.refresh()
            return True
        return False

    def refresh(self) -> None:
        """Recompute the board and the worklist from the repository (blocking)."""
        self._apply(self._compute(self.today))

    def refresh_async(self, on_error: Callable[[BaseException], None]) -> None:
        """Recompute in a worker thread; the GUI stays responsive meanwhile."""
        today = self.today
        self.sig_loading.emit(True)

        def done(loaded: Loaded) -> None:
            self._apply(loaded)
            self.sig_loading.emit(False)

        def failed(exc: BaseException) -> None:
            self.sig_loading.emit(False)
            on_error(exc)

        run_in_background(lambda: self._compute(today), done, failed)
