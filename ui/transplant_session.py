"""TransplantSession: one open transplant, its undo stack, and its views' only data.

The session holds the transplant's ``TransplantRecord`` (patient, transplant, plan,
clinical records, the patient's counts) and nothing else holds a copy: every tab of
the workspace reads it. Edits run as use cases through the clinic session (saved at
once, in one transaction with their audit rows) and go on this session's undo stack.
Every stored change, whichever view or tab made it, comes back through
``ClinicSession.sig_change``; the session absorbs what concerns it and emits
``sig_changed`` with the change, and each view refreshes the parts it shows.

A plan saved meanwhile on another workstation is a conflict: the injected
``resolve_conflict`` callback shows both versions and the user chooses; nothing is
overwritten silently. Other records meeting a conflict are reloaded and the edit is
refused with a sentence saying so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QTimer, Signal, SignalInstance
from PySide6.QtGui import QUndoStack

from planner.app.board import BoardRow
from planner.app.changes import Change
from planner.app.plan_checks import transplant_findings
from planner.app.plans import save_plan
from planner.app.transplant_record import TransplantRecord, load_transplant_record
from planner.clinical.plan_rules.facts import PatientFacts, facts_of
from planner.clinical.plan_rules.findings import Finding
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan
from planner.errors import ConflictError, PlannerError

if TYPE_CHECKING:
    from planner.app.changes import CarriesChange
    from planner.app.context import Context
    from planner.records.checklists import ChecklistTemplate
    from planner.records.ports import RemoteChange, Repository
    from ui.session import ClinicSession, UseCase

T = TypeVar("T")
R = TypeVar("R", bound="Change | CarriesChange")


@dataclass(frozen=True)
class Snapshot:
    """A plan with its transplant: what the conflict dialog compares."""

    plan: Plan
    transplant: Transplant


# Returns True to keep my version (saved over theirs, consciously), False to take theirs.
ConflictResolver = Callable[[Snapshot, Snapshot], bool]


class TransplantSession(QObject):
    """One open transplant.

    Signals:
        sig_changed: something this transplant shows was stored (an edit here or
            elsewhere, an undo, a reload); args: the ``Change``.
        sig_save_failed: an edit could not be saved; args: the sentence to show.
        sig_updated_elsewhere: another workstation saved this patient's records, now
            shown; args: (user, workstation).
    """

    sig_changed = Signal(object)
    """Emitted with the ``Change`` after the record absorbed it."""
    sig_save_failed = Signal(str)
    """Emitted with a one-sentence reason when a save failed."""
    sig_updated_elsewhere = Signal(str, str)
    """Emitted with (user, workstation) after another workstation's save was read."""

    def __init__(
        self,
        clinic: ClinicSession,
        record: TransplantRecord,
        resolve_conflict: ConflictResolver | None = None,
    ) -> None:
        super().__init__()
        self._clinic = clinic
        self.record = record
        self.undo_stack = QUndoStack(self)
        self._resolve_conflict = resolve_conflict or (lambda mine, theirs: False)
        self._findings: list[Finding] = []
        self._findings_key: tuple[object, ...] | None = None
        clinic.sig_change.connect(self._on_clinic_sig_change)
        clinic.sig_remote_change.connect(self._on_remote_change)

    @classmethod
    def open(
        cls,
        clinic: ClinicSession,
        transplant_id: str,
        resolve_conflict: ConflictResolver | None = None,
    ) -> TransplantSession:
        """Read the transplant's record and open a session on it.

        Raises:
            PlannerError: no such transplant, or it has no plan yet.
        """
        record = clinic.read(lambda repo, _ctx: load_transplant_record(repo, transplant_id))
        return cls(clinic, record, resolve_conflict)

    # --- what the views read -------------------------------------------------------------

    @property
    def patient(self) -> Patient:
        """The patient as stored now."""
        return self.record.patient

    @property
    def transplant(self) -> Transplant:
        """The transplant as stored now."""
        return self.record.transplant

    @property
    def plan(self) -> Plan:
        """The plan as stored now."""
        return self.record.plan

    @property
    def snapshot(self) -> Snapshot:
        """The current plan and transplant."""
        return Snapshot(self.plan, self.transplant)

    @property
    def today(self) -> dt.date:
        """Today's local date (the clinic's clock)."""
        return self._clinic.today

    @property
    def facts(self) -> PatientFacts:
        """What the record says about the patient, for the plan rules (age today)."""
        return facts_of(self.patient, self.transplant, self.today)

    def board_row(self) -> BoardRow | None:
        """This transplant's row of the live clinic board (None before the board is in)."""
        return self._clinic.row_of(self.transplant.id)

    @property
    def sig_board_changed(self) -> SignalInstance:
        """The clinic board was recomputed (an edit anywhere, a refresh, a new day)."""
        return self._clinic.sig_board_changed

    def plan_findings(self) -> list[Finding]:
        """The plan rules' findings on the current plan (recomputed when the record or
        the day changes; views read it many times per paint)."""
        key = (self.plan, self.patient, self.transplant, self.today)
        if self._findings_key != key:
            self._findings = transplant_findings(
                self.patient, self.transplant, self.plan, self.today
            )
            self._findings_key = key
        return self._findings

    @property
    def closures(self) -> frozenset[dt.date]:
        """The centre's closure days."""
        return self._clinic.closures

    @property
    def actor_name(self) -> str:
        """The signed-in user (recorded on done and skipped entries)."""
        return self._clinic.actor.user

    def now_utc_text(self) -> str:
        """The current UTC time as ISO text, for done and skipped entries."""
        return self._clinic.context().utc_text

    def engrafted_on(self) -> dt.date | None:
        """The neutrophil engraftment date the board knows (counts or an override)."""
        return self._clinic.engrafted.get(self.transplant.id)

    def checklist_templates(self) -> Mapping[str, ChecklistTemplate]:
        """The checklist templates by id (loaded once for the clinic)."""
        return self._clinic.checklist_templates()

    # --- edits ---------------------------------------------------------------------------

    def read(self, use_case: UseCase[T]) -> T:
        """Run a use case that only reads (a preview, a dry run)."""
        return self._clinic.read(use_case)

    def run(
        self, use_case: UseCase[R], *, merge_key: str = "", stack: QUndoStack | None = None
    ) -> R:
        """Run an edit of this transplant's records: saved at once, undoable on ``stack``
        (default: this session's, which the patient tab's Edit menu undoes).

        Raises:
            PlannerError: refused or not saved (nothing changed). On a conflict with
                another workstation the record is reloaded first.
        """
        try:
            return self._clinic.perform(use_case, stack or self.undo_stack, merge_key)
        except ConflictError:
            self.reload()
            raise
        except PlannerError as exc:
            self.sig_save_failed.emit(
                self.tr("The change was not saved: {reason}").format(reason=exc)
            )
            raise

    def read_in_background(
        self,
        use_case: UseCase[T],
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """``read`` in a worker thread (a dry run of a long lab file)."""
        self._clinic.read_in_background(use_case, on_done, on_error)

    def run_in_background(
        self,
        use_case: UseCase[R],
        on_done: Callable[[R], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """``run`` in a worker thread (a lab import of a long file): saved at once and
        undoable on this session's stack once done; refusals as ``run`` reports them."""

        def failed(exc: BaseException) -> None:
            try:
                if isinstance(exc, ConflictError):
                    self.reload()
                elif isinstance(exc, PlannerError):
                    self.sig_save_failed.emit(
                        self.tr("The change was not saved: {reason}").format(reason=exc)
                    )
            finally:
                on_error(exc)  # whatever the reload did: the caller is waiting

        self._clinic.perform_in_background(use_case, on_done, failed, stack=self.undo_stack)

    def sign(
        self,
        use_case: UseCase[R],
        on_done: Callable[[R], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Run an edit that cannot be undone (an electronic signature) in a worker
        thread; every view is told as for any edit (``ClinicSession.perform_in_background``)."""
        self._clinic.perform_in_background(use_case, on_done, on_error)

    def push(
        self,
        after: Snapshot | Plan,
        text: str,
        *,
        reason: str = "",
        merge_key: str = "",
        stack: QUndoStack | None = None,
    ) -> bool:
        """Save an edited plan (and transplant, when Day 0 moved) as an undoable command
        on ``stack`` (default: this session's).

        Returns False when a conflict was resolved in favour of another workstation's
        version, so the edit was not applied.

        Raises:
            PlannerError: the edit could not be saved (nothing changed).
        """
        mine = after if isinstance(after, Snapshot) else Snapshot(after, self.transplant)
        try:
            self.run(
                self._save(self.snapshot, mine, text, reason), merge_key=merge_key, stack=stack
            )
        except ConflictError:
            theirs = self.snapshot  # ``run`` reloaded: the stored version
            if not self._resolve_conflict(mine, theirs):
                # Their version stays: our history no longer describes what is stored.
                # Cleared once control is back in the event loop (we may be in an undo).
                QTimer.singleShot(0, self, self.undo_stack.clear)
                return False
            kept = f"{text} (kept over a concurrent change)"
            self.run(self._save(theirs, mine, kept, reason), stack=stack)
        return True

    def _save(self, base: Snapshot, mine: Snapshot, text: str, reason: str) -> UseCase[Change]:
        moved = mine.transplant != base.transplant
        patient_id = self.patient.id

        def save(repo: Repository, ctx: Context) -> Change:
            return save_plan(
                repo,
                ctx,
                base.plan,
                mine.plan,
                text,
                reason=reason,
                patient_id=patient_id,
                transplants=(base.transplant, mine.transplant) if moved else None,
            )

        return save

    def reload(self) -> None:
        """Re-read everything from the repository (another workstation may have saved)."""
        old = self.record
        self.record = self._clinic.read(
            lambda repo, _ctx: load_transplant_record(repo, old.transplant.id)
        )
        known = set(old.samples)
        change = Change(
            "Reload",
            old.as_documents(),
            self.record.as_documents(),
            samples=tuple(s for s in self.record.samples if s not in known),
        )
        if change.parts:
            self.sig_changed.emit(change)

    def _on_remote_change(self, change: RemoteChange) -> None:
        """Another workstation saved something of this patient's: read it again. A dialog
        being edited keeps what was typed; its save meets the conflict dialog."""
        record = self.record
        if (
            change.everything
            or record.transplant.id in change.transplant_ids
            or record.patient.id in change.patient_ids
        ):
            try:
                self.reload()
            except PlannerError as exc:  # the shown record stays; saving still checks
                self.sig_save_failed.emit(
                    self.tr(
                        "A change saved at another workstation could not be read: {reason}"
                    ).format(reason=str(exc))
                )
                return
            if change.user:  # a named commit, not a read after a dropped connection
                self.sig_updated_elsewhere.emit(change.user, change.workstation)

    def _on_clinic_sig_change(self, change: Change) -> None:
        if self.record.concerns(change):
            self.record = self.record.absorb(change)
            self.sig_changed.emit(change)
