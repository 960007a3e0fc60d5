"""RecordSession: the complications and checklists of one open transplant.

A thin shell over ``planner.complication_service``: every call is one use case (one
commit), then ``sig_changed`` tells the tabs and the timeline to re-read. It keeps
no copy of the records beyond the last read, so what is shown is what is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal

from planner.app.checklists import checklist_states, tick_checklist_item
from planner.app.complications import complication_log, resolve_episode, save_assessment
from planner.app.context import Context
from planner.clinical.grading import GradeResult
from planner.records.checklists import ChecklistState, ChecklistTemplate, load_checklists
from planner.records.complication_log import ComplicationLog
from planner.records.ports import Repository
from ui.plan_session import PlanSession


class RecordSession(QObject):
    """Clinical records of one transplant.

    Attributes:
        plan_session: the open plan (for Day 0, anchors and the patient).
        templates: the checklist templates by id.

    Signals:
        sig_changed: a record was saved; args: the record kind.
    """

    sig_changed = Signal(str)
    """Emitted with "complications" or "checklists" after a save."""

    def __init__(
        self,
        repo: Repository,
        context: Callable[[], Context],
        plan_session: PlanSession,
        templates: Mapping[str, ChecklistTemplate] | None = None,
    ) -> None:
        super().__init__(plan_session)
        self._repo = repo
        self._context = context
        self.plan_session = plan_session
        self.templates = dict(templates) if templates is not None else load_checklists()

    @classmethod
    def for_plan_session(cls, plan_session: PlanSession) -> RecordSession:
        """A record session over the same repository and clock as ``plan_session``."""
        # PlanSession keeps its repository and clock private; this is the one place
        # that reaches them (a public accessor on PlanSession would be cleaner).
        return cls(plan_session._repo, plan_session._context, plan_session)

    @property
    def transplant_id(self) -> str:
        """The open transplant."""
        return self.plan_session.transplant.id

    @property
    def transplant_type(self) -> str:
        """ "autologous" or "allogeneic"."""
        return self.plan_session.transplant.transplant_type.value

    @property
    def today(self) -> dt.date:
        """Today (injected clock)."""
        return self._context().today

    def complications(self) -> ComplicationLog:
        """The stored episodes."""
        return complication_log(self._repo, self.transplant_id)

    def checklists(self) -> dict[str, ChecklistState]:
        """The stored checklist states by template id."""
        return checklist_states(self._repo, self.transplant_id)[0]

    def save_assessment(
        self,
        result: GradeResult,
        date: dt.date,
        override_reason: str = "",
        episode_id: str | None = None,
    ) -> str:
        """Save a calculator result; returns the episode id."""
        _, eid = save_assessment(
            self._repo,
            self._context(),
            self.transplant_id,
            result,
            date,
            episode_id=episode_id,
            override_reason=override_reason,
        )
        self.sig_changed.emit("complications")
        return eid

    def resolve(self, episode_id: str, date: dt.date, note: str) -> None:
        """Resolve an episode."""
        resolve_episode(self._repo, self._context(), self.transplant_id, episode_id, date, note)
        self.sig_changed.emit("complications")

    def tick(
        self,
        template: ChecklistTemplate,
        item_id: str,
        *,
        done: bool,
        date: dt.date | None,
        note: str,
    ) -> None:
        """Tick or untick a checklist item."""
        tick_checklist_item(
            self._repo,
            self._context(),
            self.transplant_id,
            template,
            item_id,
            done=done,
            date=date,
            note=note,
        )
        self.sig_changed.emit("checklists")
