"""Use cases for the transplant record: its details, its donor and its status.

One use case, ``save_transplant``, takes the transplant as the coordinator edited it
(details, donor, graft and, when the status changed, one more entry in its history made
by ``planner.domain.patients.with_status``) and commits it as one undoable, audited edit.
A patient recorded as deceased is deceased in every open transplant of theirs, in the
same commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from planner.app.changes import Change, Documents, commit
from planner.app.context import Context
from planner.domain.i18n import tr
from planner.domain.patients import (
    CLOSED_STATUSES,
    Transplant,
    TransplantStatus,
    validate_transplant,
    with_status,
)
from planner.domain.templates import Protocol, load_protocols
from planner.errors import ConflictError, ValidationError
from planner.records.ports import Repository


def save_transplant(
    repo: Repository,
    ctx: Context,
    edited: Transplant,
    reason: str = "",
    protocols: Mapping[str, Protocol] | None = None,
) -> Change:
    """Store the edited transplant record (undoable).

    ``edited.version`` is the version it was read at: a transplant saved meanwhile
    elsewhere is a ``ConflictError`` and nothing is written. ``protocols``: the
    templates by id, to check a new graft source against the plan's templates (the
    bundled ones by default).

    Raises:
        ValidationError: the type was changed, the plan's templates are not written for
            the new graft source, the status history was rewritten rather than added to,
            or the new status is not a change the status table allows.
    """
    stored = repo.get_transplant(edited.id)
    if stored.version != edited.version:
        raise ConflictError("transplant", edited.id, edited.version, stored.version)
    patient = repo.get_patient(stored.patient_id)
    validate_transplant(edited, patient)
    if edited.transplant_type is not stored.transplant_type:
        raise ValidationError(
            "transplant_type",
            tr("The transplant type cannot be changed: cancel this transplant and plan a new one."),
        )
    if edited.day0 != stored.day0:
        raise ValidationError("day0", tr("Day 0 changes with Move Day 0, which moves the plan."))
    if edited.graft_source is not stored.graft_source:
        _check_templates_take(repo, edited, protocols)
    _check_history(stored, edited, ctx.today)
    after: list[Transplant] = [edited]
    before = [stored]
    change = edited.last_status_change
    if edited.status is TransplantStatus.DECEASED and stored.status is not edited.status:
        assert change is not None  # _check_history: a new status comes with its entry
        for other in repo.list_transplants(stored.patient_id):
            if other.id != stored.id and other.status not in CLOSED_STATUSES:
                before.append(other)
                after.append(
                    with_status(
                        other, TransplantStatus.DECEASED, change.on, change.reason, today=ctx.today
                    )
                )
    description = (
        "Change transplant status" if edited.status is not stored.status else "Edit transplant"
    )
    return commit(
        repo,
        ctx,
        description,
        Documents(transplants=tuple(before)),
        after,
        reason=reason or (change.reason if change and stored.status is not edited.status else ""),
        patient_id=patient.id,
        subject=edited.id,
    )


def _check_history(stored: Transplant, edited: Transplant, today: dt.date) -> None:
    """The history as stored, plus at most one change that ``with_status`` accepts."""
    old, new = stored.status_history, edited.status_history
    if new == old:
        if edited.status is not stored.status:
            raise ValidationError(
                "status", tr("A status change needs its date and reason in the history.")
            )
        return
    if len(new) != len(old) + 1 or new[: len(old)] != old:
        raise ValidationError(
            "status", tr("The status history can only grow: earlier entries stay as recorded.")
        )
    entry = new[-1]
    expected = with_status(stored, entry.status, entry.on, entry.reason, today=today)
    if expected.status_history != new:
        raise ValidationError("status", tr("The status history does not match the status."))


def _check_templates_take(
    repo: Repository, edited: Transplant, protocols: Mapping[str, Protocol] | None
) -> None:
    """A new graft source must be one every template of the plan is written for."""
    plan = repo.get_plan(edited.id)
    if plan is None:
        return
    known = protocols if protocols is not None else load_protocols()
    source = edited.graft_source.value
    for ref in plan.templates:
        proto = known.get(ref.id)
        if proto is None or source not in proto.graft_sources:
            raise ValidationError(
                "graft_source",
                tr(
                    "The plan's template {template} is not written for {source} grafts: "
                    "cancel this transplant and plan a new one for the new graft."
                ).format(template=ref.title, source=source),
            )


def next_transplant_number(repo: Repository, patient_id: str) -> int:
    """The number a new transplant of the patient takes: one after the highest of the
    transplants not cancelled (a cancelled one was never given)."""
    given = [
        t.number
        for t in repo.list_transplants(patient_id)
        if t.status is not TransplantStatus.CANCELLED
    ]
    return max(given, default=0) + 1


def refuse_if_deceased(repo: Repository, patient_id: str) -> None:
    """Refuse a new plan for a patient recorded as deceased."""
    for t in repo.list_transplants(patient_id):
        last = t.last_status_change
        if t.status is TransplantStatus.DECEASED:
            on = last.on.isoformat() if last is not None else ""
            raise ValidationError(
                "status",
                tr("The patient is recorded as deceased ({date}); no new plan is made.").format(
                    date=on
                ),
            )
