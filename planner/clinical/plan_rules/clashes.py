"""Templates that must not go together: the same agent twice, and what a
post-transplant cyclophosphamide (PTCy) plan cannot hold.

The checks read a plan's steps (each knows the template it came from), so they run
the same on the wizard's choice, the command line's and a saved plan.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from planner.clinical.plan_rules.catalogue import Catalogue, RuleDef, load_catalogue
from planner.clinical.plan_rules.findings import Finding
from planner.domain.days import day_label
from planner.domain.i18n import tr, tr_n, tr_noop
from planner.domain.plans import Plan, PlanStep, StepStatus, instantiate_many
from planner.domain.templates import Protocol
from planner.errors import ValidationError

# Any date: clashes depend on day numbers only.
_REFERENCE_DAY0 = dt.date(2000, 1, 3)


class Dose(NamedTuple):
    """One dated dose of a drug step (lighter than an ``Occurrence``: the board checks
    every active plan)."""

    step_id: str
    drug: str
    date: dt.date
    day: int


_NOT_GIVEN = (StepStatus.CANCELLED, StepStatus.SKIPPED)
# The wizard's slots as a sentence names them (English: the category values themselves).
_CATEGORY_WORDS = {
    "mobilisation": tr_noop("mobilisation"),
    "conditioning": tr_noop("conditioning"),
    "gvhd-prophylaxis": tr_noop("gvhd-prophylaxis"),
    "supportive-care": tr_noop("supportive-care"),
    "follow-up": tr_noop("follow-up"),
    "work-up": tr_noop("work-up"),
}


def _drug_steps(plan: Plan) -> list[PlanStep]:
    return [s for s in plan.steps if s.drug and s.status is not StepStatus.CANCELLED]


def _doses(plan: Plan, steps: Sequence[PlanStep]) -> list[Dose]:
    """The doses of ``steps`` still to give or given, with their dates and day numbers."""
    doses: list[Dose] = []
    for step in steps:
        records = {r.offset: r for r in step.records}
        for offset in step.days:
            rec = records.get(offset)
            if rec is not None and rec.status in _NOT_GIVEN:
                continue
            date = (
                rec.actual_date
                if rec is not None and rec.actual_date is not None
                else plan.planned_date(step, offset)
            )
            doses.append(Dose(step.id, step.drug, date, (date - plan.day0).days))
    return doses


def _template(step_id: str) -> str:
    return step_id.split("/", 1)[0]


def _days(occs: Sequence[Dose]) -> str:
    """ "Day +3, Day +4" or, for a run of three or more, "Day +5 to Day +35"."""
    days = sorted({o.day for o in occs})
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ", ".join(
        tr("{first} to {last}").format(first=day_label(r[0]), last=day_label(r[-1]))
        if len(r) > 2
        else ", ".join(day_label(d) for d in r)
        for r in runs
    )


def _and(names: Sequence[str]) -> str:
    """ "a and b and c", in the interface's language."""
    text = names[0]
    for name in names[1:]:
        text = tr("{first} and {second}").format(first=text, second=name)
    return text


def _duplicates(active: list[Dose], cat: Catalogue, rule: RuleDef) -> list[Finding]:
    by_agent: dict[str, list[Dose]] = defaultdict(list)
    for occ in active:
        by_agent[cat.agent(occ.drug)].append(occ)
    found = []
    for agent, occs in by_agent.items():
        templates = sorted({_template(o.step_id) for o in occs})
        if len(templates) < 2:
            continue
        is_class = agent in cat.agent_classes
        dates: dict[object, set[str]] = defaultdict(set)
        for o in occs:
            dates[o.date].add(_template(o.step_id))
        same_day = [o for o in occs if len(dates[o.date]) > 1]
        if not same_day and not is_class:
            continue
        drugs = sorted({o.drug for o in occs})
        what = (
            tr("two products of one class")
            if is_class and len(drugs) > 1
            else tr("the agent would be given twice")
        )
        sentence = (
            tr("{agents} from two templates ({templates}) on {days}: {what}.")
            if same_day
            else tr("{agents} from two templates ({templates}): {what}.")
        )
        text = sentence.format(
            agents=_and(drugs) if is_class else agent,
            templates=_and(templates),
            days=_days(same_day),
            what=what,
        )
        steps = tuple(dict.fromkeys(o.step_id for o in occs))
        found.append(Finding(rule, text, steps))
    return found


def _is_ptcy(active: list[Dose], cat: Catalogue) -> bool:
    return any(o.day >= 1 and cat.agent(o.drug) == "cyclophosphamide" for o in active)


def _ptcy_not_before(active: list[Dose], cat: Catalogue, rule: RuleDef) -> list[Finding]:
    first = int(rule.number("not_before_day") or 0)
    agents = set(rule.names("agents"))
    early: dict[str, list[Dose]] = defaultdict(list)
    for occ in active:
        if occ.day < first and (cat.agent(occ.drug) in agents or occ.drug.lower() in agents):
            early[occ.step_id].append(occ)
    return [
        Finding(
            rule,
            tr(
                "{drug} ({template}) on {days}, before {first}, in a plan with cyclophosphamide "
                "after transplant."
            ).format(
                drug=occs[0].drug,
                template=_template(step_id),
                days=_days(occs),
                first=day_label(first),
            ),
            (step_id,),
        )
        for step_id, occs in early.items()
    ]


def _ptcy_forbidden(active: list[Dose], cat: Catalogue, rule: RuleDef) -> list[Finding]:
    agents = set(rule.names("agents"))
    steps: dict[str, list[Dose]] = defaultdict(list)
    for occ in active:
        if cat.agent(occ.drug) in agents or occ.drug.lower() in agents:
            steps[occ.step_id].append(occ)
    return [
        Finding(
            rule,
            tr(
                "{drug} ({template}) on {days} in a plan with cyclophosphamide after transplant."
            ).format(drug=occs[0].drug, template=_template(step_id), days=_days(occs)),
            (step_id,),
        )
        for step_id, occs in steps.items()
    ]


def plan_clashes(plan: Plan, catalogue: Catalogue | None = None) -> list[Finding]:
    """Every clash in ``plan``: duplicate agents, and what a PTCy plan cannot hold.

    Doses are dated only for the steps a check needs (an agent in two templates, the
    cyclophosphamide, the agents a PTCy plan restricts): the board runs this on every
    active plan.
    """
    cat = catalogue or load_catalogue()
    steps = _drug_steps(plan)
    templates: dict[str, set[str]] = defaultdict(set)
    for step in steps:
        templates[cat.agent(step.drug)].add(_template(step.id))
    shared = {agent for agent, ids in templates.items() if len(ids) > 1}
    found: list[Finding] = []
    if shared:
        active = _doses(plan, [s for s in steps if cat.agent(s.drug) in shared])
        for rule in cat.of_kind("duplicate_agent"):
            found += _duplicates(active, cat, rule)
    cyclophosphamide = [s for s in steps if cat.agent(s.drug) == "cyclophosphamide"]
    if _is_ptcy(_doses(plan, cyclophosphamide), cat):
        rules = cat.of_kind("ptcy_not_before") + cat.of_kind("ptcy_forbidden")
        names = {name for rule in rules for name in rule.names("agents")}
        restricted = _doses(
            plan, [s for s in steps if cat.agent(s.drug) in names or s.drug.lower() in names]
        )
        for rule in cat.of_kind("ptcy_not_before"):
            found += _ptcy_not_before(restricted, cat, rule)
        for rule in cat.of_kind("ptcy_forbidden"):
            found += _ptcy_forbidden(restricted, cat, rule)
    return found


def combination_clashes(
    protocols: Sequence[Protocol], catalogue: Catalogue | None = None
) -> list[Finding]:
    """The clashes of a choice of templates (what the wizard and ``schedule`` refuse)."""
    if len(protocols) < 2:
        return []
    cat = catalogue or load_catalogue()
    found: list[Finding] = []
    for rule in cat.of_kind("one_per_category"):
        for category in rule.names("categories"):
            same = [p.id for p in protocols if p.category.value == category]
            if len(same) > 1:
                text = tr("Two {category} templates: {templates}.").format(
                    category=tr(_CATEGORY_WORDS.get(category, category)), templates=_and(same)
                )
                found.append(Finding(rule, text))
    return found + plan_clashes(instantiate_many(protocols, _REFERENCE_DAY0), cat)


def clash_sentence(findings: Sequence[Finding]) -> str:
    """One sentence naming the first clash's rule, templates and source."""
    first = findings[0]
    extra = len(findings) - 1
    more = (
        tr_n(
            " ({n} more clash(es) in this choice.)", " ({n} more clash(es) in this choice.)", extra
        ).format(n=extra)
        if extra
        else ""
    )
    return (
        tr(
            "These templates cannot go together (rule {rule}: {title}): {text} Source: {source}."
        ).format(
            rule=first.rule.id,
            title=tr(first.rule.title),
            text=first.text,
            source=first.rule.source,
        )
        + more
    )


def refuse_clashes(protocols: Sequence[Protocol]) -> None:
    """Raise ``ValidationError`` (field "templates") when the templates clash."""
    found = combination_clashes(protocols)
    if found:
        raise ValidationError("templates", clash_sentence(found))
