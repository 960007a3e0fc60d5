"""The dated schedule of one template or a combination, for one patient, with doses
after the plan rules: what ``transplant-planner schedule`` prints for a pharmacist.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from planner.clinical.plan_rules.checks import apply_conditions, plan_checks
from planner.clinical.plan_rules.clashes import refuse_clashes
from planner.clinical.plan_rules.facts import PatientFacts
from planner.clinical.plan_rules.findings import Finding
from planner.clinical.step_doses import plan_dose_line
from planner.domain.plans import Plan, ScheduleRow, StepStatus, instantiate_many
from planner.domain.templates import Protocol


@dataclass(frozen=True)
class DosedRow:
    """One occurrence with its dose (``--json`` keys are a stable interface).

    Attributes:
        row: day, date, phase, step_id, title and label (``ScheduleRow``).
        dose: the dose as printed (ISMP style), or None for no dose or one not computed.
        rules: ids of the plan rules that changed or flagged the row.
        explanation: how the dose was computed, or why not.
    """

    row: ScheduleRow
    dose: str | None
    rules: tuple[str, ...]
    explanation: str = ""

    def as_json(self) -> dict[str, object]:
        """The stable JSON shape: day, date, phase, step_id, title, dose, rules."""
        return {**self.row.as_json(), "dose": self.dose, "rules": list(self.rules)}


@dataclass(frozen=True)
class DosedSchedule:
    """The rows, and every finding (the command line writes these to stderr)."""

    rows: tuple[DosedRow, ...]
    findings: tuple[Finding, ...]
    left_out: tuple[str, ...]


def _step_rules(findings: Sequence[Finding], step_id: str) -> tuple[str, ...]:
    return tuple(f.rule.id for f in findings if step_id in f.step_ids)


def dosed_schedule(
    protocols: Sequence[Protocol], day0: dt.date, facts: PatientFacts
) -> DosedSchedule:
    """The combined plan of ``protocols`` for this patient, dosed and checked.

    Raises:
        ValidationError: the templates clash (the message names the rule and templates).
    """
    refuse_clashes(protocols)
    plan: Plan = apply_conditions(instantiate_many(protocols, day0), facts)
    findings = plan_checks(plan, facts)
    left_out = tuple(
        f"{s.title}: {s.status_reason}" for s in plan.steps if s.status is StepStatus.CANCELLED
    )
    rows = []
    for occ in plan.sorted_occurrences():
        step = plan.step(occ.step_id)
        if step.status is StepStatus.CANCELLED:
            continue
        line = plan_dose_line(step, plan, facts, occ.date)
        rules = (line.rules if line else ()) + _step_rules(findings, step.id)
        rows.append(
            DosedRow(
                row=ScheduleRow.of(occ),
                dose=line.text if line is not None and line.computed else None,
                rules=tuple(dict.fromkeys(rules)),
                explanation=line.explanation if line is not None else "",
            )
        )
    return DosedSchedule(tuple(rows), tuple(findings), left_out)
