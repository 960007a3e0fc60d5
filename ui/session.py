"""ClinicSession: the clinic-wide state of the running app.

It holds the repository (through the port), who is signed in, the clock, and the
current board rows and worklist; widgets read from it and listen to its signals.
It keeps no second copy of the records: rows are recomputed from the repository
after each committed action. Loading a big clinic can run off the GUI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QObject, Signal

from planner.board import BoardRow, WorklistItem, board_rows, worklist
from planner.careplan import Plan
from planner.checklists import ChecklistTemplate, checklist_alerts, load_checklists
from planner.complication_service import complication_alerts
from planner.documents import document_alerts
from planner.model import ClinicSettings, Transplant
from planner.ports import Actor, Repository
from planner.services import Context
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
        self._checklist_templates: Mapping[str, ChecklistTemplate] | None = None

    def context(self) -> Context:
        """Who acts and when, for one use-case call."""
        return Context(self.actor, self.clock())

    @property
    def today(self) -> dt.date:
        """Today's local date."""
        return self.clock().date()

    def _compute(self, today: dt.date) -> Loaded:
        patients = self.repo.list_patients()
        transplants = self.repo.list_transplants()
        plans = self.repo.list_plans()
        engrafted, alerts = self._recovery_alerts(transplants, plans, today)
        for extra in self._record_alerts(transplants, plans, today):
            for tid, texts in extra.items():
                alerts.setdefault(tid, []).extend(texts)
        return (board_rows(patients, transplants, plans, today, self.closures,
                           engraftment=engrafted, extra_alerts=alerts),
                worklist(patients, transplants, plans, today),
                {p.transplant_id: p for p in plans}, engrafted)

    def _recovery_alerts(self, transplants: list[Transplant], plans: list[Plan],
                         today: dt.date) -> tuple[dict[str, dt.date], dict[str, list[str]]]:
        """Issue 4 hook: engraftment dates and harvest / engraftment board alerts."""
        # Lazy: planner.recovery imports pandas, which the start-up path must not pay for
        # when there is nothing to assess.
        harvest = self.repo.list_records("harvest")
        engraftment = self.repo.list_records("engraftment")
        samples = self.repo.list_lab_samples(analytes=("anc", "plt"))
        if not (harvest or engraftment or samples):
            return {}, {}
        from planner.recovery import clinic_alerts

        return clinic_alerts(transplants, {p.transplant_id: p for p in plans}, samples,
                             engraftment, harvest, today)

    def _record_alerts(self, transplants: list[Transplant], plans: list[Plan],
                       today: dt.date) -> list[Mapping[str, Sequence[str]]]:
        """Complication episodes, expiring checklist items and out-of-date handouts."""
        repo = self.repo
        types = {t.id: t.transplant_type.value for t in transplants}
        if self._checklist_templates is None:
            self._checklist_templates = load_checklists()
        return [
            complication_alerts(repo.list_records("complications"), plans, today),
            checklist_alerts(repo.list_records("checklists"), plans, today,
                             self._checklist_templates, types),
            document_alerts(repo.list_records("documents"), plans),
        ]

    def _apply(self, loaded: Loaded) -> None:
        self.rows, self.worklist, self.plans, self.engrafted = loaded
        self.sig_board_changed.emit()

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
