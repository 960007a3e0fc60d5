"""Audited events: actions that change no document (opening a patient, printing)."""

from __future__ import annotations

from planner.app.changes import Change, Documents, commit
from planner.app.context import Context
from planner.records.ports import Repository


def record_event(repo: Repository, ctx: Context, event: str, patient_id: str | None) -> Change:
    """Audit an action that changes nothing (opening a patient, printing, exporting).

    Returns a change that touches nothing (``parts`` is empty): no view refreshes.
    """
    return commit(repo, ctx, event, Documents(), Documents(), event=event, patient_id=patient_id)
