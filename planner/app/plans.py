"""Use cases for transplants and their plans."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

from planner.app.changes import Change, Documents, commit
from planner.app.context import Context
from planner.app.transplants import next_transplant_number, refuse_if_deceased
from planner.clinical.plan_rules.checks import apply_conditions, split_course
from planner.clinical.plan_rules.clashes import refuse_clashes
from planner.clinical.plan_rules.facts import facts_of
from planner.domain.i18n import english, tr
from planner.domain.patients import Patient, Transplant, status_label, validate_transplant
from planner.domain.plans import DateChange, Plan, infusion_given, instantiate_many, reanchor
from planner.domain.templates import Protocol
from planner.errors import ValidationError
from planner.records.ports import Repository


def create_transplant_plan(
    repo: Repository,
    ctx: Context,
    transplant: Transplant,
    protocols: Sequence[Protocol],
    anchors: Mapping[str, dt.date] | None = None,
) -> Change:
    """Create a transplant and its plan from the chosen templates, in one commit.

    Not undoable (the repository keeps every transplant); ``change.subject`` is the
    new transplant's id. A transplant left at number 1 takes the patient's next number
    (a second transplant is number 2; the transplant record edits it).
    """
    if transplant.day0 is None:
        raise ValidationError("day0", tr("Set Day 0 before creating the plan."))
    patient = repo.get_patient(transplant.patient_id)
    refuse_if_deceased(repo, patient.id)
    if transplant.number == 1:
        transplant = replace(transplant, number=next_transplant_number(repo, patient.id))
    plan = build_plan(patient, transplant, protocols, anchors, ctx.today)
    return commit(
        repo,
        ctx,
        "Create plan",
        Documents(),
        [transplant, plan],
        patient_id=patient.id,
        subject=transplant.id,
    )


def build_plan(
    patient: Patient,
    transplant: Transplant,
    protocols: Sequence[Protocol],
    anchors: Mapping[str, dt.date] | None,
    today: dt.date,
) -> Plan:
    """The plan the wizard previews and ``create_transplant_plan`` saves (pure).

    Refuses templates that do not apply or clash (the plan rules: the same agent twice,
    a calcineurin inhibitor before Day +5 or methotrexate with post-transplant
    cyclophosphamide); cancels, with the rule as reason, steps whose condition the
    record answers "no" (letermovir for a CMV-negative recipient).
    """
    if transplant.day0 is None:
        raise ValidationError("day0", tr("Set Day 0 before creating the plan."))
    validate_transplant(transplant, patient)
    _check_applicable(transplant, protocols)
    refuse_clashes(protocols)
    plan = instantiate_many(protocols, transplant.day0, anchors, transplant_id=transplant.id)
    # The reasons of the steps it cancels are stored with the plan: English.
    with english():
        return apply_conditions(plan, facts_of(patient, transplant, today))


def _check_applicable(transplant: Transplant, protocols: Sequence[Protocol]) -> None:
    """Each template must be written for the transplant's type and its graft: a cord-blood
    regimen for a blood or marrow graft (or the reverse) is a wrong plan, not a variant,
    since the doses and days belong to the graft."""
    kind, graft = transplant.transplant_type.value, transplant.graft_source.value
    for proto in protocols:
        if kind not in proto.transplant_types:
            message = tr("Template {template} is for {types} transplants, not {type}.")
            raise ValidationError(
                "templates",
                message.format(
                    template=proto.id, types=tr(" or ").join(proto.transplant_types), type=kind
                ),
            )
        if graft not in proto.graft_sources:
            message = tr("Template {template} is for {sources} grafts, not {source}.")
            raise ValidationError(
                "templates",
                message.format(
                    template=proto.id, sources=tr(" or ").join(proto.graft_sources), source=graft
                ),
            )


DAY0_MOVE_HORIZON_DAYS = 365
"""How far after today a Day 0 may be moved. Not a clinical rule: a typing slip (2099
for 2029) must be refused, and no transplant is scheduled more than a year ahead."""


def day0_move(
    plan: Plan,
    transplant: Transplant,
    patient: Patient,
    new_day0: dt.date,
    reason: str,
    *,
    today: dt.date,
) -> tuple[Plan, Transplant, list[DateChange]]:
    """The plan and transplant after moving Day 0, validated, with the dates that change.

    Pure: the preview of the Move Day 0 dialog; ``move_day0`` saves it. A new Day 0 is
    refused before ``today`` (Day 0 is the day of the infusion: one already given is
    recorded, and Day 0 then moves to its recorded date, which ``reanchor`` allows) or
    more than ``DAY0_MOVE_HORIZON_DAYS`` after it.
    """
    if not transplant.is_active:
        raise ValidationError(
            "day0",
            tr(
                "This transplant is {status}: its Day 0 does not move. Reopen it in the "
                "transplant record first if it goes ahead."
            ).format(status=status_label(transplant.status)),
        )
    split = split_course(plan)
    if split is not None:
        raise ValidationError("day0", split.sentence)
    if infusion_given(plan) is None:  # once given, reanchor allows only its real date
        latest = today + dt.timedelta(days=DAY0_MOVE_HORIZON_DAYS)
        if new_day0 < today:
            raise ValidationError(
                "day0",
                tr(
                    "Day 0 cannot move to {date}, before today ({today}). If the infusion "
                    "was already given, mark it done on its real date first: Day 0 can then "
                    "move to that date."
                ).format(date=new_day0.isoformat(), today=today.isoformat()),
            )
        if new_day0 > latest:
            raise ValidationError(
                "day0",
                tr(
                    "Day 0 cannot move to {date}, more than {days} days after today: choose "
                    "a date up to {latest} (check the year)."
                ).format(
                    date=new_day0.isoformat(),
                    days=DAY0_MOVE_HORIZON_DAYS,
                    latest=latest.isoformat(),
                ),
            )
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
    *,
    transplant: Transplant | None = None,
    patient: Patient | None = None,
) -> Change:
    """Move Day 0 of a plan and its transplant together, in one audited commit.

    ``plan`` (and ``transplant``, when given) are the versions the editor holds: one
    saved meanwhile elsewhere is a ``ConflictError``. Without them, the stored ones.
    """
    transplant = transplant or repo.get_transplant(plan.transplant_id)
    patient = patient or repo.get_patient(transplant.patient_id)
    moved, new_transplant, _ = day0_move(
        plan, transplant, patient, new_day0, reason, today=ctx.today
    )
    return commit(
        repo,
        ctx,
        f"Move Day 0 to {new_day0.isoformat()}",
        Documents(transplants=(transplant,), plans=(plan,)),
        [new_transplant, moved],
        reason=reason,
        patient_id=patient.id,
    )


def save_plan(
    repo: Repository,
    ctx: Context,
    before: Plan,
    after: Plan,
    description: str,
    *,
    reason: str = "",
    patient_id: str | None = None,
    transplants: tuple[Transplant, Transplant] | None = None,
) -> Change:
    """Save an edited plan: ``after`` is made from ``before`` (the version the editor
    holds) by a pure function of ``planner.domain.plans`` (a step moved, marked done,
    skipped, noted or cancelled, an anchor set, Day 0 moved).

    Args:
        transplants: (before, after) when the edit changes the transplant too (Day 0).

    A conditioning dose newly marked given needs the permission to give doses and,
    where the database has accounts, the doses verified by two people
    (``planner.app.dose_check``): checked here, where every plan edit is saved.

    Raises:
        ConflictError: the plan (or transplant) was saved elsewhere since it was read.
        ValidationError: ``after`` belongs to another transplant; or it marks a
            conditioning dose given before the doses were verified.
        PermissionDeniedError: the role may not make this edit.
    """
    if after.transplant_id != before.transplant_id:
        raise ValidationError("plan", tr("An edited plan must stay with its transplant."))
    from planner.app.dose_check import refuse_unverified  # the dose lines: plan rules

    permission = refuse_unverified(repo, ctx, before, after)
    if patient_id is None:
        patient_id = repo.get_transplant(before.transplant_id).patient_id
    old_transplant, new_transplant = transplants or (None, None)
    return commit(
        repo,
        ctx,
        description,
        Documents.of([before, *([old_transplant] if old_transplant else [])]),
        [after, *([new_transplant] if new_transplant else [])],
        reason=reason,
        patient_id=patient_id,
        permission=permission,
    )
