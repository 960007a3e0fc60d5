"""Use cases for transplants and their plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

from planner.app.context import Context
from planner.domain.patients import Patient, Transplant, validate_transplant
from planner.domain.plans import DateChange, Plan, instantiate_many, reanchor
from planner.domain.templates import Protocol
from planner.errors import ValidationError
from planner.records.ports import Action, Repository


def create_transplant_plan(
    repo: Repository,
    ctx: Context,
    transplant: Transplant,
    protocols: Sequence[Protocol],
    anchors: Mapping[str, dt.date] | None = None,
) -> tuple[Transplant, Plan]:
    """Create a transplant and its plan from the chosen templates, in one commit."""
    if transplant.day0 is None:
        raise ValidationError("day0", "Set Day 0 before creating the plan.")
    patient = repo.get_patient(transplant.patient_id)
    validate_transplant(transplant, patient)
    _check_applicable(transplant, protocols)
    plan = instantiate_many(protocols, transplant.day0, anchors, transplant_id=transplant.id)
    done = repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description="Create plan",
            patient_id=patient.id,
            transplants=(transplant,),
            plans=(plan,),
        )
    )
    return done.transplants[0], done.plans[0]


def _check_applicable(transplant: Transplant, protocols: Sequence[Protocol]) -> None:
    for proto in protocols:
        if transplant.transplant_type.value not in proto.transplant_types:
            raise ValidationError(
                "templates",
                f"Template {proto.id} is for "
                f"{' or '.join(proto.transplant_types)} transplants, not "
                f"{transplant.transplant_type.value}.",
            )


def day0_move(
    plan: Plan,
    transplant: Transplant,
    patient: Patient,
    new_day0: dt.date,
    reason: str,
) -> tuple[Plan, Transplant, list[DateChange]]:
    """The plan and transplant after moving Day 0, validated, with the dates that change.

    Pure: the desktop app pushes the result as an undoable command, ``move_day0`` saves it.
    """
    moved, changes = reanchor(plan, new_day0, reason)
    new_transplant = replace(transplant, day0=new_day0)
    validate_transplant(new_transplant, patient)
    return moved, new_transplant, changes


def move_day0(
    repo: Repository,
    ctx: Context,
    plan: Plan,
    new_day0: dt.date,
    reason: str,
) -> tuple[Plan, Transplant, list[DateChange]]:
    """Move Day 0 of a plan and its transplant together, in one audited commit."""
    transplant = repo.get_transplant(plan.transplant_id)
    patient = repo.get_patient(transplant.patient_id)
    moved, new_transplant, changes = day0_move(plan, transplant, patient, new_day0, reason)
    done = repo.commit(
        Action(
            actor=ctx.actor,
            at=ctx.now,
            description="Move Day 0",
            reason=reason,
            patient_id=patient.id,
            transplants=(new_transplant,),
            plans=(moved,),
        )
    )
    return done.plans[0], done.transplants[0], changes
