"""Patient data leaves the app only with its audit row.

A saved or printed document, the printed worklist and ``board --json`` each write an
audit row; when that row cannot be written the output is refused with one sentence
(``UnrecordedOutputError``) and nothing leaves. Which comes first, the row or the
output, is chosen per output so that there is never an output without a row: a file is
written under a temporary name, the row committed, then the file renamed into place
(``planner.app.exports.save_rendered``); a printout or the board's data is recorded
first and then produced (a failure after the row leaves a row saying it was attempted).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from planner.app.changes import Change
from planner.app.context import Context
from planner.app.events import record_event
from planner.domain.i18n import tr, tr_noop
from planner.errors import PlannerError, StorageError
from planner.export.atomic import write_atomically
from planner.records.ports import Repository

# The outcomes and outputs of ``refusal`` as callers word them (English, shown translated).
NO_FILE = tr_noop("No file was written")
NOTHING_PRINTED = tr_noop("Nothing was printed")
THE_EXPORT = tr_noop("the export")
THE_PRINT = tr_noop("the print")
_OTHER_WORDS = (
    tr_noop("The worklist was not printed"),
    tr_noop("The board was not printed"),
)


class UnrecordedOutputError(PlannerError):
    """An output of patient data was refused: its audit row could not be written."""


def refusal(outcome: str, what: str, exc: PlannerError) -> UnrecordedOutputError:
    """The refusal in one sentence: "No file was written, because the export could not be
    recorded in the audit trail: the disk is full; ...".

    Args:
        outcome: what did not happen ("No file was written").
        what: the output that was to be recorded ("the export").
        exc: why the row could not be written.
    """
    reason = str(exc).strip()
    # "The disk is full" reads on after the colon as "the disk is full"; an abbreviation
    # ("SQLite ...") keeps its capitals.
    if len(reason) > 1 and reason[0].isupper() and reason[1].islower():
        reason = reason[0].lower() + reason[1:]
    return UnrecordedOutputError(
        tr("{outcome}, because {what} could not be recorded in the audit trail: {reason}").format(
            outcome=tr(outcome), what=tr(what), reason=reason
        )
    )


def patients_phrase(patient_ids: Iterable[str]) -> str:
    """ "1 patient", "12 patients": how many different patients an output holds."""
    n = len(set(patient_ids))
    return f"{n} patient{'s' if n != 1 else ''}"


def record_output(
    repo: Repository,
    ctx: Context,
    event: str,
    *,
    outcome: str,
    what: str,
    patient_id: str | None = None,
) -> Change:
    """Write the audit row of an output that is about to be produced.

    Raises:
        UnrecordedOutputError: the database could not be written; the caller must not
            produce the output (``outcome`` and ``what`` word the sentence, see
            ``refusal``).
    """
    try:
        return record_event(repo, ctx, event, patient_id)
    except StorageError as exc:
        raise refusal(outcome, what, exc) from exc


def write_recorded_file(
    repo: Repository,
    ctx: Context,
    target: Path,
    data: bytes,
    event: str,
    *,
    overwrite: bool,
    patient_id: str | None = None,
) -> Change:
    """Write ``data`` to ``target`` all or nothing, its audit row ``event`` committed
    before the file takes its name: never a file without its row (a row of an attempt
    is left if the rename then fails). Returns the row's change.

    Raises:
        UnrecordedOutputError: the row could not be written; no file was left.
        TargetExistsError, ExportPathError, ExportWriteError: see ``planner.export.atomic``.
    """
    recorded: list[Change] = []

    def record() -> None:
        recorded.append(
            record_output(repo, ctx, event, outcome=NO_FILE, what=THE_EXPORT, patient_id=patient_id)
        )

    write_atomically(
        target, lambda stream: stream.write(data), overwrite=overwrite, before_publish=record
    )
    return recorded[0]
