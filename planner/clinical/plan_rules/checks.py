"""Every plan rule run on one plan for one patient: what the "Plan checks" panel, the
step tooltips, the board, the team summary and the command line show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from planner.clinical.plan_rules.catalogue import Catalogue, RuleDef, load_catalogue
from planner.clinical.plan_rules.clashes import plan_clashes
from planner.clinical.plan_rules.doses import decide_dose
from planner.clinical.plan_rules.facts import PatientFacts
from planner.clinical.plan_rules.findings import Finding, by_severity
from planner.domain.conditions import Answer
from planner.domain.i18n import english, tr
from planner.domain.plans import Occurrence, Plan, PlanStep, StepStatus
from planner.domain.templates import DoseBasis, Phase

# How long before conditioning starts the weight check appears on the board.
WEIGHT_CHECK_LEAD_DAYS = 14
# How a step cancelled by its condition's rule starts its reason (stored with the step,
# and compared: never translated).
NOT_INDICATED = "Not indicated"


def _condition_finding(step: PlanStep, facts: PatientFacts, cat: Catalogue) -> Finding | None:
    when = step.when
    if when is None:
        return None
    rule = cat.get(when.rule)
    known = facts.condition_facts()
    answer = when.answer(known)
    used = when.used(known)
    cancelled = step.status in (StepStatus.CANCELLED, StepStatus.SKIPPED)
    if answer is Answer.UNKNOWN and not cancelled:
        return Finding(
            rule,
            tr('"{step}" is for patients with {condition}; to confirm: {used}.').format(
                step=tr(step.title), condition=when.text, used=used
            ),
            (step.id,),
        )
    if answer is Answer.NOT_MET and not cancelled:
        return Finding(
            rule,
            tr(
                '"{step}" is planned but is for patients with {condition} ({used}): '
                "cancel it with a reason, or record the value."
            ).format(step=tr(step.title), condition=when.text, used=used),
            (step.id,),
        )
    if answer is Answer.MET and step.status_reason.startswith(NOT_INDICATED):
        # Only a cancellation this rule made: a team's own reason stands.
        return Finding(
            rule,
            tr('"{step}" is cancelled but the patient now has {condition} ({used}).').format(
                step=tr(step.title), condition=when.text, used=used
            ),
            (step.id,),
        )
    return None


def condition_answer(step: PlanStep, facts: PatientFacts) -> Answer:
    """Whether a step's condition holds for the recorded facts (MET when it has none)."""
    return Answer.MET if step.when is None else step.when.answer(facts.condition_facts())


def _dose_findings(
    step: PlanStep, plan: Plan, facts: PatientFacts, cat: Catalogue
) -> list[Finding]:
    if step.dose is None or step.status is StepStatus.CANCELLED or step.is_done:
        return []
    # The dose still to give first decides (its date against the creatinine's).
    to_give = [o for o in plan.step_occurrences(step) if o.status is StepStatus.PLANNED]
    decision = decide_dose(step, plan, facts, cat, to_give[0].date if to_give else None)
    if decision is None:
        return []
    return [
        Finding(
            a.rule,
            f"{tr(step.title)}: {a.text}",
            (step.id,),
            action=a.action or decision.dose is None,
            changed=a.changed,
        )
        for a in decision.applied
        if a.text
    ]


def _conditioning_dates(plan: Plan) -> tuple[dt.date, dt.date] | None:
    dates = [
        o.date
        for o in plan.phase_occurrences(Phase.CONDITIONING)
        if o.dose is not None and o.dose.per is not DoseBasis.FLAT
    ]
    return (min(dates), max(dates)) if dates else None


def _weight_finding(
    plan: Plan, facts: PatientFacts, today: dt.date, rule: RuleDef
) -> Finding | None:
    span = _conditioning_dates(plan)
    if span is None:
        return None
    first, last = span
    if not first - dt.timedelta(days=WEIGHT_CHECK_LEAD_DAYS) <= today <= last:
        return None
    days = int(rule.number("max_days") or 7)
    oldest = first - dt.timedelta(days=days)
    if facts.weight_date is not None and facts.weight_date >= oldest:
        return None
    when = (
        tr("no weight date")
        if facts.weight_date is None
        else tr("weighed {date}").format(date=facts.weight_date.isoformat())
    )
    return Finding(
        rule,
        tr(
            "Weight for conditioning doses ({when}) is older than {days} days before "
            "conditioning starts on {date}: weigh the patient and update the record."
        ).format(when=when, days=days, date=first.isoformat()),
    )


def _drug_occurrences(plan: Plan, drugs: set[str]) -> list[Occurrence]:
    """Occurrences (not cancelled) of the steps giving one of ``drugs``; only those steps'
    occurrences are built."""
    return [
        o
        for s in plan.steps
        if s.drug.lower() in drugs
        for o in plan.step_occurrences(s)
        if o.status is not StepStatus.CANCELLED
    ]


def _cover_findings(plan: Plan, rule: RuleDef) -> list[Finding]:
    """A drug that needs cover (busulfan: seizure prophylaxis) until N days after its last dose."""
    drug = rule.text("drug")
    agents = set(rule.names("cover_agents"))
    given = _drug_occurrences(plan, {drug})
    if not given:
        return []
    first, last = min(o.date for o in given), max(o.date for o in given)
    needed = last + dt.timedelta(days=int(rule.number("days_after") or 0))
    cover = _drug_occurrences(plan, agents)
    covered_from = min((o.date for o in cover), default=None)
    covered_to = max((o.date for o in cover), default=None)
    if covered_from is None or covered_to is None:
        what = tr("no seizure prophylaxis step")
    elif covered_from <= first and covered_to >= needed:
        return []
    elif covered_from > first:
        what = tr("cover starts {date}, after the first {drug} dose").format(
            date=covered_from.isoformat(), drug=drug
        )
    else:
        what = tr("cover ends {date}").format(date=covered_to.isoformat())
    steps = tuple(dict.fromkeys(o.step_id for o in cover)) or tuple(
        dict.fromkeys(o.step_id for o in given)
    )
    return [
        Finding(
            rule,
            tr(
                "{drug} {first} to {last}: {what}; cover is needed from the first dose to {needed}."
            ).format(
                drug=drug.capitalize(),
                first=first.isoformat(),
                last=last.isoformat(),
                what=what,
                needed=needed.isoformat(),
            ),
            steps,
        )
    ]


def split_course(plan: Plan, catalogue: Catalogue | None = None) -> Finding | None:
    """Moving Day 0 now would split a conditioning course: some doses given, some not.

    Given doses keep their dates when Day 0 moves; the doses still planned would move
    away from them, so the course would no longer be the regimen's day grid.
    """
    given: list[Occurrence] = []
    planned: list[Occurrence] = []
    for occ in plan.phase_occurrences(Phase.CONDITIONING):
        if not occ.regimen_tied or occ.status in (StepStatus.CANCELLED, StepStatus.SKIPPED):
            continue
        (given if occ.status is StepStatus.DONE else planned).append(occ)
    if not given or not planned:
        return None
    cat = catalogue or load_catalogue()
    last = max(given, key=lambda o: o.date)
    first = min(planned, key=lambda o: o.date)
    return Finding(
        cat.get("split-conditioning"),
        tr(
            "Conditioning has started ({given} given on {given_date}) and {planned} on "
            "{planned_date} is still planned: moving Day 0 would split the course. Finish or "
            "cancel the course first, or move single steps."
        ).format(
            given=tr(last.title),
            given_date=last.date.isoformat(),
            planned=tr(first.title),
            planned_date=first.date.isoformat(),
        ),
        tuple(dict.fromkeys(o.step_id for o in given + planned)),
    )


def apply_conditions(plan: Plan, facts: PatientFacts, by: str = "", at: str = "") -> Plan:
    """The plan with each step whose condition is not met cancelled, with the rule as reason.

    Used when a plan is made (the reason is stored with the step, so it stays English): a step for other patients (letermovir for a CMV-negative
    recipient) is kept, cancelled with its reason, so it can be reinstated if the value
    was wrong; an unknown value keeps the step planned (the checks flag it to confirm).
    """
    steps = []
    with english():  # whatever the interface's language, and whoever calls
        for step in plan.steps:
            if step.when is not None and condition_answer(step, facts) is Answer.NOT_MET:
                reason = (
                    f"{NOT_INDICATED} (rule {step.when.rule}): for patients with "
                    f"{step.when.text}; recorded {step.when.used(facts.condition_facts())}."
                )
                step = replace(step, status=StepStatus.CANCELLED, status_reason=reason)
            steps.append(step)
    return replace(plan, steps=tuple(steps))


def plan_checks(
    plan: Plan,
    facts: PatientFacts,
    today: dt.date | None = None,
    catalogue: Catalogue | None = None,
) -> list[Finding]:
    """Every finding of the plan rules on ``plan`` for this patient, most severe first.

    ``today`` enables the checks that depend on the date (the weight before
    conditioning); the command line's ``schedule`` runs without it.
    """
    cat = catalogue or load_catalogue()
    found = plan_clashes(plan, cat)
    for rule in cat.of_kind("covers_after"):
        found += _cover_findings(plan, rule)
    for step in plan.steps:
        condition = _condition_finding(step, facts, cat)
        if condition is not None:
            found.append(condition)
        found += _dose_findings(step, plan, facts, cat)
    if today is not None:
        for rule in cat.of_kind("weight_age"):
            weight = _weight_finding(plan, facts, today, rule)
            if weight is not None:
                found.append(weight)
    return by_severity(found)


def findings_for_step(findings: list[Finding], step_id: str) -> list[Finding]:
    """The findings that concern one step (its tooltip)."""
    return [f for f in findings if step_id in f.step_ids]
