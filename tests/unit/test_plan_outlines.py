"""Plan outlines: only the steps that date the checklist anchors, for lists over the whole
history (the registry forms). An outline must give every anchor, and so every form, exactly
as the whole plan does."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc

import pytest

from planner.app import forms
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.domain.plans import (
    ADMISSION_STEP,
    Plan,
    PlanOutline,
    PlanStep,
    dates_an_anchor,
    instantiate,
)
from planner.domain.templates import Phase, load_protocols
from planner.records.checklists import plan_anchors
from planner.records.ports import Action, Actor
from planner.records.serialize import plan_from_dict, plan_to_dict
from planner.storage import open_repository
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(Actor("coordinator", "ws-1"), NOW)


def _outline(plan: Plan) -> Plan:
    return plan_from_dict(plan_to_dict(plan), outline=True)


@pytest.fixture(scope="module")
def demo() -> InMemoryRepository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    return repo


@pytest.mark.parametrize("protocol_id", sorted(load_protocols()))
def test_an_outline_of_each_template_gives_the_anchors_of_the_whole_plan(protocol_id: str):
    plan = instantiate(load_protocols()[protocol_id], dt.date(2026, 3, 2))
    outline = _outline(plan)
    assert plan_anchors(outline) == plan_anchors(plan)
    assert all(dates_an_anchor(s.id, s.phase) for s in outline.steps)
    assert [s for s in plan.steps if dates_an_anchor(s.id, s.phase)] == list(outline.steps)


def test_outlines_of_the_demo_plans_give_their_anchors_and_hold_fewer_steps(demo):
    full = {p.transplant_id: p for p in demo.list_plans()}
    outlines = {p.transplant_id: p for p in demo.list_plans(outline=True)}
    assert outlines.keys() == full.keys() and full
    for tid, plan in full.items():
        assert plan_anchors(outlines[tid]) == plan_anchors(plan), tid
        assert outlines[tid].day0 == plan.day0 and outlines[tid].anchors == plan.anchors
    assert sum(len(p.steps) for p in outlines.values()) < sum(len(p.steps) for p in full.values())


def test_an_admission_step_is_kept_whatever_its_phase():
    plan = instantiate(load_protocols()["mel200-auto"], dt.date(2026, 3, 2))
    admission = PlanStep(
        id=f"local-unit/{ADMISSION_STEP}",
        template_id="local-unit",
        title="Admission",
        phase=Phase.SUPPORTIVE_CARE,
        kind=plan.steps[0].kind,
        anchor="day0",
        days=(-3,),
    )
    with_admission = Plan(
        id=plan.id,
        transplant_id=plan.transplant_id,
        day0=plan.day0,
        anchors=plan.anchors,
        steps=(*plan.steps, admission),
        templates=plan.templates,
    )
    outline = _outline(with_admission)
    assert admission in outline.steps
    assert plan_anchors(outline)["admission"] == plan_anchors(with_admission)["admission"]
    assert plan_anchors(outline)["admission"].date == dt.date(2026, 2, 27)


def _fresh_demo() -> InMemoryRepository:
    """A demo clinic whose forms index is empty (the module's ``demo`` keeps what a list
    stored), so a forms list dates every transplant from its plan."""
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    return repo


@pytest.mark.parametrize("everything", [False, True])
def test_the_registry_forms_from_outlines_are_those_of_the_whole_plans(monkeypatch, everything):
    outlined = forms.forms_due(_fresh_demo(), TODAY, everything=everything)
    other = _fresh_demo()
    asked = []
    whole = other.get_plans

    def whole_plans(ids, *, outline=False):
        asked.append(outline)
        return whole(ids)

    monkeypatch.setattr(other, "get_plans", whole_plans)
    assert outlined == forms.forms_due(other, TODAY, everything=everything)
    assert asked and all(asked), "the list reads outlines"
    assert outlined, "the demo clinic owes registry forms: not vacuous"


def test_an_outline_is_its_own_type_and_a_whole_read_is_not(demo):
    assert all(isinstance(p, PlanOutline) for p in demo.list_plans(outline=True))
    assert not any(isinstance(p, PlanOutline) for p in demo.list_plans())


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_saving_an_outline_is_refused_and_the_whole_plan_stays(store, tmp_path):
    repo = (
        InMemoryRepository()
        if store == "memory"
        else open_repository(
            str(tmp_path / "clinic.db"), user="coordinator", workstation="ws-1", now=NOW
        )
    )
    try:
        load_demo_clinic(repo, CTX)
        outline = repo.list_plans(outline=True)[0]
        whole = repo.get_plan(outline.transplant_id)
        assert len(outline.steps) < len(whole.steps)
        edited = dataclasses.replace(outline, day0_history=())  # still an outline
        with pytest.raises(TypeError, match="is an outline"):
            repo.commit(Action(actor=CTX.actor, at=NOW, description="Edit", plans=(edited,)))
        assert repo.get_plan(outline.transplant_id) == whole
    finally:
        repo.close()


def test_an_outline_is_never_written_out():
    plan = instantiate(load_protocols()["mel200-auto"], dt.date(2026, 3, 2))
    with pytest.raises(TypeError, match="read the whole plan"):
        plan_to_dict(_outline(plan))


def test_the_forms_list_reads_and_dates_with_the_collector_paused(monkeypatch):
    fresh = _fresh_demo()
    seen = []
    whole = fresh.get_transplants

    def get_transplants(*a, **k):
        seen.append(gc.isenabled())
        return whole(*a, **k)

    monkeypatch.setattr(fresh, "get_transplants", get_transplants)
    assert gc.isenabled()
    assert forms.forms_due(fresh, TODAY)
    assert seen == [False]
    assert gc.isenabled()  # on again after
