"""The undo command of every edit: one committed ``Change`` on a ``QUndoStack``.

A use case has already saved the change when the command is pushed (so a refused
edit pushes nothing); undo and redo are audited commits of their own, made through
the clinic session, which then tells every view what they stored. Each checks that the
stored documents still hold what this step left there (the command remembers it), so
undoing several edits of one record walks back over them in turn; when something else
changed a document since (another tab, another workstation), undo refuses, nothing is
overwritten, and the command leaves the stack.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from planner.errors import PlannerError

if TYPE_CHECKING:
    from planner.app.changes import Change, Documents
    from planner.app.context import Context
    from planner.records.ports import Repository
    from ui.session import ClinicSession

Replay = Callable[["Repository", "Context"], "Change"]


class ChangeCommand(QUndoCommand):
    """An edit that was saved; undo and redo write one side of it over the other.

    Commands with the same ``merge_key`` pushed one after another coalesce into one
    undo step (nudging a step day by day with the keyboard).
    """

    MERGE_ID = 1

    def __init__(self, clinic: ClinicSession, change: Change, merge_key: str = "") -> None:
        super().__init__(change.description)
        self._clinic = clinic
        self.change = change
        self.merge_key = merge_key
        self._stored: Documents = change.after  # what this step left stored
        self._pushed = False  # QUndoStack.push redoes at once: the change is saved already

    def id(self) -> int:
        return self.MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ChangeCommand) or other.merge_key != self.merge_key:
            return False
        self.change = self.change.merged_with(other.change)
        self._stored = other._stored
        return True

    def redo(self) -> None:
        if not self._pushed:
            self._pushed = True
            return
        from planner.app.changes import redo

        self._replay(lambda repo, ctx: redo(repo, ctx, self.change, self._stored), "redo")

    def undo(self) -> None:
        from planner.app.changes import undo

        self._replay(lambda repo, ctx: undo(repo, ctx, self.change, self._stored), "undo")

    def _replay(self, write: Replay, verb: str) -> None:
        try:
            self._stored = self._clinic.replay(write).after
        except PlannerError as exc:
            # Qt has already moved past this command; it leaves the stack, and the
            # screen keeps showing what is stored (nothing was written).
            self.setObsolete(True)
            message = (
                QCoreApplication.translate("ChangeCommand", "Could not undo '{change}': {reason}")
                if verb == "undo"
                else QCoreApplication.translate(
                    "ChangeCommand", "Could not redo '{change}': {reason}"
                )
            )
            self._clinic.report(message.format(change=self.change.description, reason=exc))
