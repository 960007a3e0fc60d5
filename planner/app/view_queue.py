"""Audit rows of patient views that wait for a database that can be written.

Opening a patient only reads. Its "View patient" row must not stand between the user
and the record: on a full disk, a locked or a read-only database the patient opens from
what was read, and the row waits here, in memory and in order, with the time and the
user of the view. It is written as soon as a write succeeds (the next attempt, the next
edit that could be saved, a retry on a timer, the close) and never dropped silently:
what is still waiting at the close is reported to the user.

The waiting rows are never kept anywhere but in memory: a file beside the database would
hold an access record of patient data outside the audited, access-controlled store.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from planner.app.context import Context
from planner.domain.i18n import tr, tr_n
from planner.errors import PlannerError

if TYPE_CHECKING:
    from planner.records.ports import Repository

VIEW_PATIENT: Final = "View patient"
"""The audit event of opening a patient's record."""


@dataclass(frozen=True)
class QueuedView:
    """One view not yet in the audit trail.

    Attributes:
        ctx: who opened the record and when (the row keeps this time, not the time it
            is finally written).
        patient_id: whose record.
    """

    ctx: Context
    patient_id: str


class ViewQueue:
    """View events in the order they happened, written when the database allows.

    Attributes:
        last_error: why the last write failed (None once everything is written).
    """

    def __init__(self) -> None:
        self._waiting: deque[QueuedView] = deque()
        self.last_error: PlannerError | None = None

    def __len__(self) -> int:
        return len(self._waiting)

    @property
    def waiting(self) -> tuple[QueuedView, ...]:
        """The views not yet written, oldest first."""
        return tuple(self._waiting)

    def add(self, ctx: Context, patient_id: str) -> None:
        """Queue the view of a patient by ``ctx.actor`` at ``ctx.now`` (nothing is written)."""
        self._waiting.append(QueuedView(ctx, patient_id))

    def write(self, repo: Repository) -> int:
        """Write the waiting views, oldest first, each with its own user and time.

        Stops at the first that cannot be written, so the trail keeps the order in which
        the views happened; that one and the later ones keep waiting. Returns how many
        were written.
        """
        # Imported here: the start-up board imports this module but writes nothing.
        from planner.app.events import record_event

        written = 0
        while self._waiting:
            view = self._waiting[0]
            try:
                record_event(repo, view.ctx, VIEW_PATIENT, view.patient_id)
            except PlannerError as exc:
                # Any refusal, not only StorageError: a view is never dropped because
                # the reason it could not be written was unexpected.
                self.last_error = exc
                return written
            self._waiting.popleft()
            written += 1
        self.last_error = None
        return written

    def unwritten_sentence(self) -> str:
        """What to tell the user about the views still waiting ("" when none waits).

        Counts and times only: the sentence may be shown or logged where patient data
        must not appear.
        """
        if not self._waiting:
            return ""
        n = len(self._waiting)
        first, last = self._waiting[0].ctx.now, self._waiting[-1].ctx.now
        start, end = f"{first:%Y-%m-%d %H:%M}", f"{last:%Y-%m-%d %H:%M}"
        when = (
            tr("at {time}").format(time=start)
            if start == end
            else tr("between {start} and {end}").format(start=start, end=end)
        )
        return tr_n(
            "{n} patient view opened {when} could not be recorded in the audit trail, "
            "because the database could not be written; they are not kept after closing, "
            "so tell whoever keeps the audit trail.",
            "{n} patient views opened {when} could not be recorded in the audit trail, "
            "because the database could not be written; they are not kept after closing, "
            "so tell whoever keeps the audit trail.",
            n,
        ).format(n=n, when=when)
