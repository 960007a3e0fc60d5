"""The board of a part of the clinic: what the app recomputes after an edit."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.app.clinic import clinic_view, clinic_view_of, load_clinic
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.records.ports import Actor
from planner.storage.memory import InMemoryRepository

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CLOSURES = (dt.date(2026, 3, 12),)


@pytest.fixture(scope="module")
def repo() -> InMemoryRepository:
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), NOW))
    return repo


def test_the_rows_of_a_part_of_the_clinic_equal_the_same_rows_of_the_whole(repo):
    whole = clinic_view(repo, TODAY, CLOSURES)
    for transplant in repo.list_transplants():
        tid = transplant.id
        part = clinic_view_of(load_clinic(repo, {tid}), TODAY, CLOSURES)
        assert part.rows == [r for r in whole.rows if r.transplant_id == tid]
        assert part.worklist == [w for w in whole.worklist if w.transplant_id == tid]
        assert part.engrafted == {k: v for k, v in whole.engrafted.items() if k == tid}
