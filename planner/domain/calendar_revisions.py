"""How often each occurrence of a plan changed: the SEQUENCE of a calendar file's events.

A calendar program that imports an iCalendar file again replaces an event by its UID only
when the new copy has a higher SEQUENCE (RFC 5545, 3.8.7.4: "incremented each time the
Organizer makes a significant revision"; RFC 5546, 2.1.5). So the number must grow every
time an occurrence's date, wording or status changes, through every edit path (a step
moved, Day 0 moved, an undo, a redo), and must never go back, not even when an undo puts
the old date back: for the calendar that is one more change.

An occurrence's date, wording and status come from three sources, and each keeps its own
counter in ``Plan.calendar_revisions`` (absent = 0):

* ``anchor:<name>``: the anchor's date (Day 0, M-Day 1 ...), shared by all its steps,
  and what every day label is counted from (Day 0 and the mobilisation window: when they
  change, every anchor's counter is raised, as every label may read differently);
* ``step:<id>``: the step's title, wording, kind, days, shift and status;
* ``occ:<id>/<offset>``: the occurrence's own record (done on another date, skipped,
  moved alone).

An occurrence's sequence is the sum of its three counters: each only grows, so the sum
grows whenever any source of the occurrence changes. Keeping counters per source rather
than per occurrence keeps a Day 0 move at one counter instead of one per occurrence.
``revised`` computes the counters when a plan is saved (``planner.app.changes.commit``,
the one commit of every edit), always from the stored version being replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from planner.domain.plans import Occurrence, Plan, PlanStep

ANCHOR: Final = "anchor:"
STEP: Final = "step:"
OCCURRENCE: Final = "occ:"


def occurrence_key(step_id: str, offset: int) -> str:
    """The counter key of one occurrence's own record."""
    return f"{OCCURRENCE}{step_id}/{offset}"


def sequence(plan: Plan, occ: Occurrence) -> int:
    """The occurrence's revision number: 0 as first planned, higher after each change."""
    revisions = plan.calendar_revisions
    if not revisions:
        return 0
    return (
        revisions.get(ANCHOR + occ.anchor, 0)
        + revisions.get(STEP + occ.step_id, 0)
        + revisions.get(occurrence_key(occ.step_id, occ.anchor_day), 0)
    )


def _anchor_state(plan: Plan, name: str) -> tuple[dt.date, str]:
    return plan.anchor_date(name), plan.anchors[name].numbering if name in plan.anchors else ""


def _step_state(step: PlanStep) -> tuple[object, ...]:
    """What of a step reaches its occurrences' dates, wording and status (notes and doses
    do not reach a calendar)."""
    return (
        step.title,
        step.patient_text,
        step.kind,
        step.phase,
        step.drug,
        step.days,
        step.shift,
        step.status,
    )


def _records(step: PlanStep) -> dict[int, tuple[object, ...]]:
    return {r.offset: (r.actual_date, r.shift, r.status) for r in step.records}


def _step_sum(revisions: Mapping[str, int], step: PlanStep) -> int:
    return revisions.get(ANCHOR + step.anchor, 0) + revisions.get(STEP + step.id, 0)


def _label_basis(plan: Plan) -> tuple[object, ...]:
    """What every occurrence's day label is counted from: Day 0 ("Day -40" of a step on a
    fixed anchor changes when Day 0 moves, though its date does not) and the mobilisation
    window ("Injection day 4" or "Day -38" for a date, by the window's first and last day)."""
    return plan.day0, plan.mobilisation_window()


def revised(old: Plan, new: Plan) -> Plan:
    """``new`` with its counters: those of ``old`` (the stored version it replaces), each
    raised by one where its source differs between the two."""
    counters = dict(old.calendar_revisions)
    relabelled = _label_basis(old) != _label_basis(new)
    for name in new.anchors:
        moved = name in old.anchors and _anchor_state(old, name) != _anchor_state(new, name)
        if moved or relabelled:
            counters[ANCHOR + name] = counters.get(ANCHOR + name, 0) + 1
    old_steps = {step.id: step for step in old.steps}
    for step in new.steps:
        before = old_steps.get(step.id)
        if before is None:
            continue  # a new step: its occurrences start at 0
        if before.anchor != step.anchor:
            # Counted on another anchor now: lift the step's own counter so that the sum
            # still grows (it may go below 0; only the sum is ever read).
            old_sum = _step_sum(old.calendar_revisions, before)
            counters[STEP + step.id] = old_sum + 1 - counters.get(ANCHOR + step.anchor, 0)
        elif _step_state(before) != _step_state(step):
            counters[STEP + step.id] = counters.get(STEP + step.id, 0) + 1
        if before.records != step.records:
            old_records, new_records = _records(before), _records(step)
            for offset in set(old_records) | set(new_records):
                if old_records.get(offset) != new_records.get(offset):
                    key = occurrence_key(step.id, offset)
                    counters[key] = counters.get(key, 0) + 1
    if counters == new.calendar_revisions:
        return new
    return replace(new, calendar_revisions=counters)
