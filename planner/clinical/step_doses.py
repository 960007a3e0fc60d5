"""The dose line of a plan step for one patient: what to show, and how it was computed.

Every screen and document that shows a dose uses this, so a dose always appears
with its order, the formula, the weight and the date of the measurements, and with
the plan rules that changed or flagged it (``plan_dose_line``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from planner.clinical.dosing import compute_dose, format_dose, tall_man
from planner.clinical.plan_rules.doses import decide_dose
from planner.clinical.plan_rules.facts import PatientFacts
from planner.domain.i18n import tr
from planner.domain.numbers import DEFAULT_LOCALE
from planner.domain.patients import Patient
from planner.domain.plans import Plan, PlanStep, StepStatus
from planner.domain.templates import DoseBasis, DoseRule
from planner.errors import ValidationError


@dataclass(frozen=True)
class DoseLine:
    """A dose as shown: ``text`` for the cell, ``explanation`` for the tooltip/print.

    Attributes:
        text: "363.62 mg (200 mg/m2)", or the order alone when it cannot be computed; a
            weight-banded order shows the amount of the patient's band ("17.52 mg (1.2 mg/kg)").
        explanation: the formula and values used, or why it could not be computed, then
            each plan rule that acted.
        computed: False when a measurement was missing or a rule stopped it.
        rules: ids of the plan rules that changed or flagged the dose.
    """

    text: str
    explanation: str
    computed: bool
    rules: tuple[str, ...] = ()


def _measured(patient: Patient) -> PatientFacts:
    return PatientFacts(
        weight_kg=patient.weight_kg,
        weight_date=patient.weight_date,
        height_cm=patient.height_cm,
        sex=patient.sex.value,
    )


def _line(
    rule: DoseRule,
    drug: str,
    facts: PatientFacts,
    on: dt.date | None,
    locale: str = DEFAULT_LOCALE,
) -> DoseLine:
    name = tall_man(drug) if drug else ""
    suffix = f" {rule.route}" if rule.route else ""
    order = rule.order_text_in(locale)
    if (
        on is not None
        and rule.per is not DoseBasis.FLAT
        and facts.weight_date is not None
        and on < facts.weight_date
    ):
        return DoseLine(
            f"{order}{suffix}",
            tr(
                "Not recomputed: given on {date}, before the recorded weight was measured "
                "({measured}); see the administration record for the dose given."
            ).format(date=on.isoformat(), measured=facts.weight_date.isoformat()),
            False,
        )
    if rule.per is DoseBasis.FLAT:
        text = f"{order}{suffix}"
        flat = tr("{drug} {order}, flat dose (not weight-based).").format(drug=name, order=text)
        return DoseLine(text, flat.strip(), True)
    try:
        result = compute_dose(
            rule,
            height_cm=facts.height_cm,
            weight_kg=facts.weight_kg,
            sex=facts.sex,
            weight_date=facts.weight_date,
            drug=name,
        )
    except ValidationError as err:
        return DoseLine(f"{order}{suffix}", tr("Not computed: {reason}").format(reason=err), False)
    shown = format_dose(result.value, result.unit, locale)
    if result.band is not None:
        # The amount of the patient's band ("1.2 mg/kg"); the band is in the explanation.
        order = result.band.order_text_in(rule.unit, locale)
    return DoseLine(f"{shown} ({order}){suffix}", result.explanation, True)


def dose_line(
    rule: DoseRule | None, drug: str, patient: Patient, on: dt.date | None = None
) -> DoseLine | None:
    """The dose of an order for ``patient``, without plan rules (None for no dose).

    ``on`` is the date of the dose: one given before the recorded weight was measured
    is not recomputed with that later weight (what was given is in the administration
    record), so a plan or summary never shows a dose that was not the one given.
    """
    return None if rule is None else _line(rule, drug, _measured(patient), on)


def plan_dose_line(
    step: PlanStep,
    plan: Plan,
    facts: PatientFacts,
    on: dt.date | None = None,
    locale: str = DEFAULT_LOCALE,
) -> DoseLine | None:
    """The dose of ``step`` after the plan rules, with each rule's reason (None: no dose).

    ``locale`` gives the decimal sign of ``text`` (a Spanish handout prints "505,96 mg");
    the explanation is in the interface's language (English in the team documents, which
    are written inside ``i18n.english()``).

    A rule that needs a value not recorded (a creatinine for a renal rule) computes
    nothing: the line shows the order and says what is missing. A dose dated before the
    recorded creatinine is not recomputed with it; a cancelled step has no dose line.
    """
    if step.status is StepStatus.CANCELLED:
        return None  # not given: its reason is shown instead (status_reason)
    decision = decide_dose(step, plan, facts, on=on)
    if decision is None:
        return None
    assert step.dose is not None
    reasons = " ".join(f"[{a.rule.id}] {a.text}" for a in decision.applied if a.text)
    if decision.dose is None:
        suffix = f" {step.dose.route}" if step.dose.route else ""
        explanation = reasons or decision.blocked
        order = step.dose.order_text_in(locale)
        return DoseLine(f"{order}{suffix}", explanation, False, decision.rule_ids)
    line = _line(decision.dose, step.drug, facts, on, locale)
    rules = decision.rule_ids
    if not line.computed and "dose-needs-measurement" not in rules:
        rules = ("dose-needs-measurement", *rules)
    explanation = f"{line.explanation} {reasons}".strip()
    return DoseLine(line.text, explanation, line.computed, rules)
