"""The undo command of every edit: one committed ``Change`` on a ``QUndoStack``.

A use case has already saved the change when the command is pushed (so a refused
edit pushes nothing); undo and redo are audited commits of their own, made through
the clinic session, which then tells every view what they stored. Each checks that the
stored documents still hold what this step left there (the command remembers it), so
undoing several edits of one record walks back over them in turn; when something else
changed a document since (another tab, another workstation), undo refuses, nothing is
overwritten, and the command leaves the stack.

A step too long for the GUI thread (``ClinicSession.replays_in_background``: the undo of
a lab import of thousands of samples) is written in a worker thread first (``step``);
the stack moves once it is stored, its command taking the stored result instead of
writing, so the window keeps answering and the stack never shows a step not stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand, QUndoStack

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
        # What a write in a worker thread stored (or the error that refused it), for the
        # next undo or redo to take instead of writing (``step``).
        self._armed: object = None

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

    def write_in_background(self, back: bool, landed: Callable[[object], None]) -> None:
        """Write this step's undo (``back``) or redo in a worker thread; ``landed`` gets
        the stored ``Change`` or the error on the GUI thread, after which ``arm`` and a
        move of the stack show it."""
        from planner.app.changes import redo, undo

        stored, change = self._stored, self.change

        def write(repo: Repository, ctx: Context) -> Change:
            return (undo if back else redo)(repo, ctx, change, stored)

        name = change.description
        refusal = (
            QCoreApplication.translate(
                "ChangeCommand", "'{change}' is still being undone; try again in a moment."
            )
            if back
            else QCoreApplication.translate(
                "ChangeCommand", "'{change}' is still being redone; try again in a moment."
            )
        )
        self._clinic.replay_in_background(change, write, refusal.format(change=name), landed)

    def arm(self, result: object) -> None:
        """The next undo or redo shows ``result`` (written already) instead of writing."""
        self._armed = result

    def _replay(self, write: Replay, verb: str) -> None:
        armed, self._armed = self._armed, None
        try:
            if isinstance(armed, BaseException):
                raise armed
            if armed is not None:
                self._stored = self._clinic.replayed(armed).after  # type: ignore[arg-type]
            else:
                self._stored = self._clinic.replay(write).after
        except PlannerError as exc:
            # Qt has already moved past this command; it leaves the stack, and the
            # screen keeps showing what is stored (nothing was written).
            self.setObsolete(True)
            self._clinic.report(could_not(verb == "undo", self.change.description, exc))


def could_not(back: bool, description: str, reason: BaseException) -> str:
    """The status bar's sentence for an undo (``back``) or redo that was refused."""
    message = (
        QCoreApplication.translate("ChangeCommand", "Could not undo '{change}': {reason}")
        if back
        else QCoreApplication.translate("ChangeCommand", "Could not redo '{change}': {reason}")
    )
    return message.format(change=description, reason=reason)


def step(stack: QUndoStack, clinic: ClinicSession, *, back: bool) -> None:
    """Undo (``back``) or redo the next step of ``stack``, as Ctrl+Z and Ctrl+Y do.

    A step ``clinic`` writes in a worker thread moves the stack once stored; until then
    the status bar says so, and edits, undos and redos are refused with a reason.
    """
    if clinic.replaying:
        clinic.report(clinic.replaying)
        return
    index = stack.index() - 1 if back else stack.index()
    command = stack.command(index) if 0 <= index < stack.count() else None
    if not isinstance(command, ChangeCommand) or not clinic.replays_in_background(command.change):
        if back:
            stack.undo()
        else:
            stack.redo()
        return
    name = command.change.description
    clinic.report(
        QCoreApplication.translate("ChangeCommand", "Undoing '{change}'...").format(change=name)
        if back
        else QCoreApplication.translate("ChangeCommand", "Redoing '{change}'...").format(
            change=name
        )
    )

    def landed(result: object) -> None:
        if isinstance(result, BaseException) and not isinstance(result, PlannerError):
            raise result  # a fault, not a refusal: reported as one, the stack unmoved
        # Edits were refused meanwhile, so the stack is where it was, unless it was
        # emptied: then what was stored is shown (or why nothing was), not stepped over.
        at = index + 1 if back else index
        if (
            not shiboken6.isValid(stack)
            or stack.index() != at
            or stack.command(index) is not command
        ):
            if isinstance(result, PlannerError):
                clinic.report(could_not(back, name, result))
            else:
                clinic.replayed(result)  # type: ignore[arg-type]
            return
        command.arm(result)
        if back:
            stack.undo()
        else:
            stack.redo()
        if not isinstance(result, BaseException):
            clinic.report(
                QCoreApplication.translate("ChangeCommand", "Undone: '{change}'.").format(
                    change=name
                )
                if back
                else QCoreApplication.translate("ChangeCommand", "Redone: '{change}'.").format(
                    change=name
                )
            )

    command.write_in_background(back, landed)
