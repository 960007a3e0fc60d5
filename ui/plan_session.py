"""PlanSession: one open transplant plan, its undo stack, and saving every edit at once.

The session holds the current snapshot (patient, transplant, plan) and nothing else.
Every edit is a pure function from ``planner.careplan`` producing a new snapshot; the
UI pushes it as an undoable command and ``replace`` saves it immediately in one
transaction. Undo and redo are saves too, so the database always matches the screen
and there is no "Save" button and no unsaved state to lose.

A save that meets a newer version from another workstation is a conflict: the
injected ``resolve_conflict`` callback shows both versions and the user chooses;
nothing is overwritten silently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from planner.app.context import Context
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import DateChange, Plan, diff_dates
from planner.errors import ConflictError, PlannerError
from planner.records.ports import Action, Repository


@dataclass(frozen=True)
class Snapshot:
    """What one undo step restores: the plan, and the transplant when Day 0 moved."""

    plan: Plan
    transplant: Transplant


# Returns True to keep my version (saved over theirs, consciously), False to take theirs.
ConflictResolver = Callable[[Snapshot, Snapshot], bool]


class SnapshotCommand(QUndoCommand):
    """An edit as two snapshots; redo and undo each make one ``session.replace`` call.

    Commands with the same ``merge_key`` pushed one after another coalesce into one
    undo step (nudging a step day by day with the keyboard).
    """

    MERGE_ID = 1

    def __init__(
        self,
        session: PlanSession,
        before: Snapshot,
        after: Snapshot,
        text: str,
        *,
        reason: str = "",
        merge_key: str = "",
    ) -> None:
        super().__init__(text)
        self._session = session
        self.before = before
        self.after = after
        self.reason = reason
        self.merge_key = merge_key
        # The session saves before pushing (so a failed save pushes nothing); the
        # stack's automatic first redo must then not save a second time.
        self._applied = True

    def id(self) -> int:
        return self.MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SnapshotCommand) or other.merge_key != self.merge_key:
            return False
        self.after = other.after
        return True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._apply(self.after, self.text())

    def undo(self) -> None:
        self._apply(self.before, f"Undo: {self.text()}")

    def _apply(self, target: Snapshot, description: str) -> None:
        # Qt has already moved the stack's index; if the save fails, the history no
        # longer matches the database, so it is dropped (the failure was reported).
        try:
            self._session.replace(target, description, self.reason)
        except PlannerError:
            self._session.drop_history()


class PlanSession(QObject):
    """One open plan.

    Signals:
        sig_plan_changed: the snapshot changed (edit, undo, redo, reload); args: changes.
        sig_save_failed: a save failed; the screen shows the last saved state; arg: message.
    """

    sig_plan_changed = Signal(object)
    """Emitted with the list of ``DateChange`` after the plan snapshot changed."""
    sig_save_failed = Signal(str)
    """Emitted with a plain message when a save could not be made."""

    def __init__(
        self,
        repo: Repository,
        context: Callable[[], Context],
        patient: Patient,
        transplant: Transplant,
        plan: Plan,
        resolve_conflict: ConflictResolver | None = None,
    ) -> None:
        super().__init__()
        self._repo = repo
        self._context = context
        self.patient = patient
        self.transplant = transplant
        self.plan = plan
        self.undo_stack = QUndoStack(self)
        self._resolve_conflict = resolve_conflict or (lambda mine, theirs: False)

    @property
    def snapshot(self) -> Snapshot:
        """The current plan and transplant."""
        return Snapshot(self.plan, self.transplant)

    @property
    def actor_name(self) -> str:
        """The signed-in user (recorded on done/skipped entries)."""
        return self._context().actor.user

    def now_utc_text(self) -> str:
        """Current UTC time as ISO text, for done/skipped entries."""
        return self._context().now.astimezone(dt.UTC).isoformat(timespec="seconds")

    @property
    def today(self) -> dt.date:
        """Today's local date (from the injected clock)."""
        return self._context().today

    def drop_history(self) -> None:
        """Forget undo history once control is back in the event loop."""
        QTimer.singleShot(0, self, self.undo_stack.clear)

    def push(
        self, after: Snapshot | Plan, text: str, *, reason: str = "", merge_key: str = ""
    ) -> bool:
        """Apply an edit as an undoable command (saved at once).

        Returns False when a conflict was resolved in favour of another workstation's
        version, so the edit was not applied.
        """
        if isinstance(after, Plan):
            after = Snapshot(after, self.transplant)
        before = self.snapshot
        if not self.replace(after, text, reason):
            return False
        self.undo_stack.push(
            SnapshotCommand(self, before, after, text, reason=reason, merge_key=merge_key)
        )
        return True

    def replace(self, target: Snapshot, description: str, reason: str = "") -> bool:
        """Save ``target`` over the current snapshot in one transaction and show it.

        Returns False when a conflict was resolved in favour of the other workstation
        (the session then shows their version and ``target`` was not saved).
        """
        before = self.plan
        applied = True
        try:
            saved = self._save(target, description, reason)
        except ConflictError:
            saved, applied = self._on_conflict(target, description, reason)
        except Exception as exc:
            self.sig_save_failed.emit(f"The change was not saved: {exc}")
            raise
        self.plan, self.transplant = saved.plan, saved.transplant
        self.sig_plan_changed.emit(diff_dates(before, self.plan))
        return applied

    def _save(self, target: Snapshot, description: str, reason: str) -> Snapshot:
        # The target carries the content; the versions are the ones this session holds.
        plan = replace(target.plan, version=self.plan.version)
        transplant = replace(target.transplant, version=self.transplant.version)
        changed_transplant = transplant != self.transplant
        ctx = self._context()
        done = self._repo.commit(
            Action(
                actor=ctx.actor,
                at=ctx.now,
                description=description,
                reason=reason,
                patient_id=self.patient.id,
                plans=(plan,),
                transplants=(transplant,) if changed_transplant else (),
            )
        )
        new_transplant = done.transplants[0] if changed_transplant else self.transplant
        return Snapshot(done.plans[0], new_transplant)

    def _on_conflict(self, mine: Snapshot, description: str, reason: str) -> tuple[Snapshot, bool]:
        theirs = self._load_stored()
        if self._resolve_conflict(mine, theirs):
            self.plan, self.transplant = theirs.plan, theirs.transplant
            return self._save(mine, f"{description} (kept over a concurrent change)", reason), True
        # Their version wins: our history no longer describes what is stored. Clear it
        # once control is back in the event loop (we may be inside a command's undo).
        self.drop_history()
        return theirs, False

    def _load_stored(self) -> Snapshot:
        plan = self._repo.get_plan(self.transplant.id)
        assert plan is not None
        return Snapshot(plan, self._repo.get_transplant(self.transplant.id))

    def reload(self) -> None:
        """Re-read the stored plan (another workstation may have saved)."""
        before = self.plan
        stored = self._load_stored()
        if stored.plan.version != self.plan.version:
            self.undo_stack.clear()
        self.plan, self.transplant = stored.plan, stored.transplant
        self.patient = self._repo.get_patient(self.patient.id)
        self.sig_plan_changed.emit(diff_dates(before, self.plan))

    def preview(self, after: Plan) -> list[DateChange]:
        """The date changes an edit would make (for confirmation dialogs)."""
        return diff_dates(self.plan, after)
