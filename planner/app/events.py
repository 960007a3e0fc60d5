"""Audited events: actions that change nothing (opening a patient, printing)."""

from __future__ import annotations

from planner.app.context import Context
from planner.records.ports import Action, Repository


def record_event(repo: Repository, ctx: Context, event: str, patient_id: str | None) -> None:
    """Audit an action that changes nothing (opening a patient, printing, exporting)."""
    repo.commit(
        Action(actor=ctx.actor, at=ctx.now, description=event, event=event, patient_id=patient_id)
    )
