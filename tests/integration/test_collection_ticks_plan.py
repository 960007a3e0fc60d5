"""A recorded collection ticks the plan's apheresis occurrence it fulfils, in the same
commit (one undo); never the cryopreservation step, never one more than 3 days away."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app import harvest
from planner.app.changes import undo
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.domain.plans import StepStatus
from planner.records.harvest_log import Collection
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
CTX = Context(Actor("coordinator", "ws-1"), NOW)
TODAY = NOW.date()


@pytest.fixture
def repo() -> InMemoryRepository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, CTX)
    return repo


def _tid(repo: InMemoryRepository, mrn: str) -> str:
    patient = next(p for p in repo.list_patients() if p.mrn == mrn)
    return repo.list_transplants(patient.id)[0].id


def _apheresis(repo: InMemoryRepository, tid: str):  # type: ignore[no-untyped-def]
    plan = repo.get_plan(tid)
    assert plan is not None
    step = next(s for s in plan.steps if s.id.endswith("/apheresis"))
    return plan, step, list(plan.step_occurrences(step))


def test_the_collection_of_today_ticks_todays_apheresis(repo: InMemoryRepository) -> None:
    tid = _tid(repo, "DEMO-0003")  # M-Day 5: apheresis due today
    _, _, occs = _apheresis(repo, tid)
    assert occs[0].date == TODAY and occs[0].status is StepStatus.PLANNED
    change = harvest.add_collection(
        repo, CTX, tid, Collection("c1", TODAY, 250, 64, cd34_per_ul=800)
    )
    plan, step, occs = _apheresis(repo, tid)
    assert occs[0].status is StepStatus.DONE and occs[0].date == TODAY
    rec = step.record_for(occs[0].anchor_day)
    assert rec is not None and "Harvest tab" in rec.reason
    cryo = next(s for s in plan.steps if "cryopreservation" in s.id)
    assert cryo.records == ()
    undo(repo, CTX, change, change.after)
    assert _apheresis(repo, tid)[2][0].status is StepStatus.PLANNED


def test_a_collection_far_from_any_planned_apheresis_ticks_nothing(
    repo: InMemoryRepository,
) -> None:
    tid = _tid(repo, "DEMO-0003")
    far = TODAY - dt.timedelta(days=4)
    change = harvest.add_collection(repo, CTX, tid, Collection("c1", far, 250, 64, cd34_per_ul=800))
    assert change.parts == {"harvest"}
    assert _apheresis(repo, tid)[2][0].status is StepStatus.PLANNED
