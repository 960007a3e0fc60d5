"""Use cases for checklist items."""

from __future__ import annotations

import datetime as dt

from planner.app.context import Context
from planner.records.checklists import (
    ChecklistState,
    ChecklistTemplate,
    checklists_from_body,
    checklists_to_body,
    tick_item,
)
from planner.records.complication_log import CHECKLISTS
from planner.records.ports import Action, ClinicalRecord, Repository


def checklist_states(repo: Repository, transplant_id: str) -> tuple[dict[str, ChecklistState], int]:
    """The stored checklist states of a transplant and the record version."""
    record = repo.get_record(transplant_id, CHECKLISTS)
    if record is None:
        return {}, 0
    return checklists_from_body(record.body), record.version


def tick_checklist_item(
    repo: Repository,
    ctx: Context,
    transplant_id: str,
    template: ChecklistTemplate,
    item_id: str,
    *,
    done: bool,
    date: dt.date | None,
    note: str = "",
) -> dict[str, ChecklistState]:
    """Tick (or untick) one checklist item, in one commit; returns every checklist state."""
    states, version = checklist_states(repo, transplant_id)
    at = ctx.now.astimezone(dt.UTC).isoformat(timespec="seconds")
    state = tick_item(
        template,
        states.get(template.id),
        item_id,
        done=done,
        date=date,
        by=ctx.actor.user,
        at=at,
        note=note,
        today=ctx.today,
    )
    states = {**states, template.id: state}
    record = ClinicalRecord(transplant_id, CHECKLISTS, checklists_to_body(states), version)
    patient_id = repo.get_transplant(transplant_id).patient_id
    title = template.item(item_id).short
    repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description=f"{'Tick' if done else 'Untick'} {template.title}: {title}",
            reason=note if not done else "",
            patient_id=patient_id,
            records=(record,),
        )
    )
    return states
