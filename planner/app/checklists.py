"""Use cases for checklist items."""

from __future__ import annotations

import datetime as dt

from planner.app.changes import Change, save_record, stored_record
from planner.app.context import Context
from planner.records.checklists import (
    ChecklistState,
    ChecklistTemplate,
    checklists_from_body,
    checklists_to_body,
    tick_item,
)
from planner.records.ports import CHECKLISTS, Repository


def checklist_states(repo: Repository, transplant_id: str) -> tuple[dict[str, ChecklistState], int]:
    """The stored checklist states of a transplant and the record version."""
    record = stored_record(repo, transplant_id, CHECKLISTS)
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
) -> Change:
    """Tick (or untick) one checklist item, in one commit."""
    record = stored_record(repo, transplant_id, CHECKLISTS)
    states = checklists_from_body(record.body)
    state = tick_item(
        template,
        states.get(template.id),
        item_id,
        done=done,
        date=date,
        by=ctx.actor.user,
        at=ctx.utc_text,
        note=note,
        today=ctx.today,
    )
    body = checklists_to_body({**states, template.id: state})
    title = template.item(item_id).short
    return save_record(
        repo,
        ctx,
        f"{'Tick' if done else 'Untick'} {template.title}: {title}",
        record,
        body,
        patient_id=repo.get_transplant(transplant_id).patient_id,
        reason=note if not done else "",
        subject=item_id,
    )
