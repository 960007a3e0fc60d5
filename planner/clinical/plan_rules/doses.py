"""Doses that depend on the patient and on the other drugs of the plan.

``decide_dose`` takes a step's order and applies the catalogue's dose rules in a fixed
order: interactions with other drugs in the plan (letermovir with ciclosporin), kidney
function (plerixafor, fludarabine, entecavir), flags (melphalan with a raised creatinine,
a creatinine too old for the dose), daily maxima (mycophenolate mofetil), label options
(plerixafor fixed dose). Every change carries the rule and the values it used; a rule that
needs a value not recorded stops the computation and says which value.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import Final

from planner.clinical.dosing import compute_dose
from planner.clinical.plan_rules.catalogue import Catalogue, RuleDef, load_catalogue
from planner.clinical.plan_rules.facts import CrCl, PatientFacts
from planner.domain.i18n import tr
from planner.domain.numbers import format_number
from planner.domain.plans import Plan, PlanStep, StepStatus
from planner.domain.templates import DoseBasis, DoseRule
from planner.errors import ValidationError

# Doses a day named by a step's frequency text ("three times daily", "every 8 hours",
# the Latin abbreviations some centres type in local templates).
_PER_DAY: Final = (
    (re.compile(r"\bonce (daily|a day)\b|\bevery 24 hours\b|\bq24h\b|\bod\b|\bqd\b"), 1),
    (re.compile(r"\btwice (daily|a day)\b|\bevery 12 hours\b|\bq12h\b|\bbid\b|\bbd\b"), 2),
    (re.compile(r"\bthree times (daily|a day)\b|\bevery 8 hours\b|\bq8h\b|\btid\b|\btds\b"), 3),
    (re.compile(r"\bfour times (daily|a day)\b|\bevery 6 hours\b|\bq6h\b|\bqid\b|\bqds\b"), 4),
)
# Mass units a daily maximum can be compared in (milligrams per unit).
_MG_PER: Final = {"mg": 1.0, "g": 1000.0, "mcg": 0.001}


@dataclass(frozen=True)
class Applied:
    """A rule that changed or flagged a dose, and what it did with which values.

    Attributes:
        rule: the rule.
        text: what it did, with the values ("" when only its id is listed).
        changed: it changed the order (a lower dose, a cap).
        action: someone must act (a stop, a flag, a value to measure).
    """

    rule: RuleDef
    text: str
    changed: bool = False
    action: bool = False


@dataclass(frozen=True)
class DoseDecision:
    """The order to compute for one step, after the plan rules.

    Attributes:
        dose: the order to compute, or None when a rule stopped the computation.
        applied: the rules that changed or flagged it, in the order they acted.
        blocked: why nothing is computed ("" when ``dose`` is set).
    """

    dose: DoseRule | None
    applied: tuple[Applied, ...] = ()
    blocked: str = ""

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules that acted (``schedule --json`` key ``rules``)."""
        return tuple(dict.fromkeys(a.rule.id for a in self.applied))


def doses_per_day(frequency: str) -> int | None:
    """How many doses a day a frequency text means, or None when it does not say."""
    text = frequency.lower()
    for pattern, count in _PER_DAY:
        if pattern.search(text):
            return count
    return None


def rule_order(raw: object, base: DoseRule) -> DoseRule:
    """A rule's ``dose`` table as an order, keeping the step's route and frequency."""
    table = dict(raw) if isinstance(raw, dict) else {}
    return DoseRule(
        amount=float(table["amount"]),
        unit=str(table.get("unit", base.unit)),
        per=DoseBasis(table.get("per", base.per.value)),
        weight=base.weight,
        route=base.route,
        frequency=base.frequency,
        max_dose=table.get("max_dose"),
    )


def _active_partner(plan: Plan, drugs: tuple[str, ...]) -> PlanStep | None:
    for step in plan.steps:
        if step.drug.lower() in drugs and step.status is not StepStatus.CANCELLED:
            return step
    return None


def _interactions(
    cat: Catalogue, drug: str, dose: DoseRule, plan: Plan
) -> tuple[DoseRule, list[Applied]]:
    applied: list[Applied] = []
    for rule in cat.of_kind("interaction"):
        if rule.text("drug") != drug:
            continue
        partner = _active_partner(plan, rule.names("with_drugs"))
        if partner is None:
            continue
        dose = rule_order(rule.params.get("dose"), dose)
        first = plan.planned_date(partner, partner.days[0]) if partner.days else plan.day0
        applied.append(
            Applied(
                rule,
                tr('{order} because the plan holds {drug} ("{step}", from {date}).').format(
                    order=dose.order_text,
                    drug=partner.drug,
                    step=tr(partner.title),
                    date=first.isoformat(),
                ),
                changed=True,
            )
        )
    return dose, applied


def _in_range(rule: RuleDef, crcl: float) -> bool:
    at_most, at_least, below = (
        rule.number(k) for k in ("crcl_at_most", "crcl_at_least", "crcl_below")
    )
    return (
        (at_most is None or crcl <= at_most)
        and (at_least is None or crcl >= at_least)
        and (below is None or crcl < below)
    )


def _renal_change(rule: RuleDef, dose: DoseRule, crcl: CrCl) -> tuple[DoseRule | None, Applied]:
    withhold = rule.text("withhold")
    if withhold:
        return None, Applied(rule, f"{tr(withhold)} {crcl.used}.", action=True)
    factor = rule.number("factor")
    if factor is not None:
        reduced = replace(dose, amount=dose.amount * factor)
        text = f"{dose.order_text} x {format_number(factor)} = {reduced.order_text}: {crcl.used}."
        return reduced, Applied(rule, text, changed=True)
    changed = rule_order(rule.params.get("dose"), dose)
    limit = (
        ""
        if changed.max_dose is None
        else tr(", maximum {amount} {unit}").format(
            amount=format_number(changed.max_dose), unit=changed.unit
        )
    )
    return changed, Applied(rule, f"{changed.order_text}{limit}: {crcl.used}.", changed=True)


def _renal(
    cat: Catalogue, drug: str, dose: DoseRule, facts: PatientFacts, on: dt.date | None
) -> tuple[DoseRule | None, list[Applied], str]:
    rules = [r for r in cat.of_kind("renal") if r.text("drug") == drug]
    if not rules:
        return dose, [], ""
    needs = cat.get("dose-needs-measurement")
    if on is not None and facts.creatinine_date is not None and on < facts.creatinine_date:
        # Like the weight: a dose before the creatinine was measured is what was given
        # then, which the administration record holds; never recompute it.
        text = tr(
            "Not recomputed: dated {date}, before the recorded creatinine ({measured}); see "
            "the administration record."
        ).format(date=on.isoformat(), measured=facts.creatinine_date.isoformat())
        return None, [Applied(r, "") for r in rules], text
    try:
        crcl = facts.crcl()
    except ValidationError as err:
        titles = "; ".join(tr(r.title) for r in rules)
        text = tr(
            "Not computed: the {drug} dose depends on kidney function ({titles}). {reason}"
        ).format(drug=drug, titles=titles, reason=err)
        # One sentence (the missing value); the renal rules are named by id only.
        return None, [Applied(needs, text, action=True), *(Applied(r, "") for r in rules)], text
    found = [*_creatinine_age(cat, facts, on)]
    for rule in rules:
        if _in_range(rule, crcl.ml_min):
            changed, applied = _renal_change(rule, dose, crcl)
            blocked = (
                ""
                if changed is not None
                else tr("Not computed: {reason}").format(reason=applied.text)
            )
            return changed, [*found, applied], blocked
    return dose, found, ""


def _creatinine_age(cat: Catalogue, facts: PatientFacts, on: dt.date | None) -> list[Applied]:
    """A creatinine measured too long before the dose it decides."""
    if on is None or facts.creatinine_date is None:
        return []
    found = []
    for rule in cat.of_kind("measurement_age"):
        days = int(rule.number("max_days") or 0)
        age = (on - facts.creatinine_date).days
        if age > days:
            found.append(
                Applied(
                    rule,
                    tr(
                        "The creatinine ({measured}) is {age} days older than this dose "
                        "({date}); measure it again within {days} days."
                    ).format(
                        measured=facts.creatinine_date.isoformat(),
                        age=age,
                        date=on.isoformat(),
                        days=days,
                    ),
                    action=True,
                )
            )
    return found


def _creatinine_flags(
    cat: Catalogue, drug: str, dose: DoseRule, facts: PatientFacts
) -> list[Applied]:
    found = []
    for rule in cat.of_kind("creatinine_flag"):
        if rule.text("drug") != drug or dose.amount <= (rule.number("amount_above") or 0):
            continue
        limit = rule.number("creatinine_above") or 0
        if facts.creatinine_mg_dl is not None and facts.creatinine_mg_dl > limit:
            found.append(
                Applied(
                    rule,
                    tr("{text} Serum creatinine {value} mg/dL.").format(
                        text=tr(rule.text("text")), value=format_number(facts.creatinine_mg_dl)
                    ),
                    action=True,
                )
            )
    return found


def _raw_dose(dose: DoseRule, facts: PatientFacts) -> float | None:
    try:
        result = compute_dose(
            replace(dose, max_dose=None),
            height_cm=facts.height_cm,
            weight_kg=facts.weight_kg,
            sex=facts.sex,
        )
    except ValidationError:
        return None
    return result.value


def _daily_maximum(
    cat: Catalogue, drug: str, dose: DoseRule, facts: PatientFacts
) -> tuple[DoseRule, list[Applied]]:
    for rule in cat.of_kind("daily_maximum"):
        if rule.text("drug") != drug:
            continue
        most, unit = rule.number("max_per_day") or 0, rule.text("unit")
        per_day = doses_per_day(dose.frequency)
        if per_day is None or dose.unit not in _MG_PER or unit not in _MG_PER:
            why = (
                tr('frequency "{frequency}" does not say how many doses a day').format(
                    frequency=dose.frequency
                )
                if per_day is None
                else tr("the order is in {unit}").format(unit=dose.unit)
            )
            text = tr("Check the maximum of {amount} {unit} a day by hand: {why}.").format(
                amount=format_number(most), unit=unit, why=why
            )
            return dose, [Applied(rule, text, action=True)]
        # The cap per dose, in the order's unit.
        cap = most * _MG_PER[unit] / _MG_PER[dose.unit] / per_day
        raw = _raw_dose(dose, facts)
        if raw is None or raw <= cap:
            return dose, []
        limited = replace(dose, max_dose=min(cap, dose.max_dose or cap))
        text = tr(
            "Limited to {cap} {unit} a dose: maximum {most} {most_unit} a day at {per_day} "
            "doses a day (the order gives {raw} {unit})."
        ).format(
            cap=format_number(cap),
            unit=dose.unit,
            most=format_number(most),
            most_unit=unit,
            per_day=per_day,
            raw=format_number(raw, 1),
        )
        return limited, [Applied(rule, text, changed=True)]
    return dose, []


def _fixed_options(cat: Catalogue, drug: str, facts: PatientFacts, renal: bool) -> list[Applied]:
    found = []
    for rule in cat.of_kind("fixed_option"):
        if rule.text("drug") != drug or facts.weight_kg is None:
            continue
        heaviest = rule.number("weight_at_most") or 0
        if facts.weight_kg > heaviest:
            continue
        fixed = rule.number("renal_fixed_mg") if renal else rule.number("fixed_mg")
        kidneys = (
            tr(" with creatinine clearance {crcl} mL/min or less").format(
                crcl=format_number(rule.number("renal_crcl_at_most") or 0)
            )
            if renal
            else ""
        )
        text = tr(
            "Label option: a fixed dose of {fixed} mg for patients of {heaviest} kg or "
            "less{kidneys} (weight {weight} kg)."
        ).format(
            fixed=format_number(fixed or 0),
            heaviest=format_number(heaviest),
            kidneys=kidneys,
            weight=format_number(facts.weight_kg),
        )
        found.append(Applied(rule, text))
    return found


def decide_dose(
    step: PlanStep,
    plan: Plan,
    facts: PatientFacts,
    catalogue: Catalogue | None = None,
    on: dt.date | None = None,
) -> DoseDecision | None:
    """The order to compute for ``step`` of ``plan`` for this patient (None: no dose).

    ``on`` is the date of the dose: one before the recorded creatinine is not recomputed
    with it, and a creatinine too old for it is flagged.
    """
    if step.dose is None:
        return None
    cat = catalogue or load_catalogue()
    drug = step.drug.strip().lower()
    dose, applied = _interactions(cat, drug, step.dose, plan)
    renal_dose, renal_applied, blocked = _renal(cat, drug, dose, facts, on)
    applied += renal_applied
    if renal_dose is None:
        return DoseDecision(None, tuple(applied), blocked)
    renal = any(a.rule.kind == "renal" and a.changed for a in renal_applied)
    applied += _creatinine_flags(cat, drug, renal_dose, facts)
    limited, maxima = _daily_maximum(cat, drug, renal_dose, facts)
    applied += maxima
    applied += _fixed_options(cat, drug, facts, renal)
    return DoseDecision(limited, tuple(applied))
