"""The board snapshot: what a quick start paints, and when it may not paint it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from planner.app.clinic import clinic_view, load_clinic
from planner.app.context import Context
from planner.app.demo import load_demo_clinic
from planner.app.patients import save_patient
from planner.app.snapshot import (
    FORMAT,
    SNAPSHOT_DAYS,
    SnapshotKey,
    build_snapshot,
    decode_start_board,
    save_board_snapshot,
)
from planner.app.timeline import row_sketch
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


@pytest.fixture(scope="module")
def stored(repo: InMemoryRepository) -> tuple[str, SnapshotKey]:
    key = SnapshotKey(repo.data_mark(), CLOSURES)
    return build_snapshot(load_clinic(repo), key, TODAY), key


@pytest.mark.parametrize("offset", range(SNAPSHOT_DAYS))
def test_each_stored_day_is_exactly_the_live_board_of_that_day(repo, stored, offset):
    payload, key = stored
    day = TODAY + dt.timedelta(days=offset)
    board = decode_start_board(payload, key, day)
    live = clinic_view(repo, day, CLOSURES)
    assert board is not None
    assert board.today == day
    assert board.rows == live.rows
    assert board.worklist == live.worklist
    assert board.rows, "the demo clinic has rows: the comparison is not vacuous"


@pytest.mark.parametrize("offset", range(SNAPSHOT_DAYS))
def test_each_stored_day_carries_the_engraftment_dates_of_today(repo, stored, offset):
    payload, key = stored
    board = decode_start_board(payload, key, TODAY + dt.timedelta(days=offset))
    assert board is not None
    assert board.engrafted == clinic_view(repo, TODAY, CLOSURES).engrafted
    assert board.engrafted, "the demo clinic has engrafted patients: not vacuous"


def test_sketches_paint_what_the_plans_paint(repo, stored):
    payload, key = stored
    board = decode_start_board(payload, key, TODAY)
    assert board is not None
    plans = {p.transplant_id: p for p in repo.list_plans()}
    assert set(board.sketches) == {r.transplant_id for r in board.rows} & set(plans)
    for tid, sketch in board.sketches.items():
        live = row_sketch(plans[tid])
        assert (sketch.day0, sketch.first, sketch.last) == (live.day0, live.first, live.last)
        assert sketch.bands == live.bands
        assert sketch.runs == live.runs


def test_a_day_outside_the_stored_days_is_not_shown(stored):
    payload, key = stored
    assert decode_start_board(payload, key, TODAY + dt.timedelta(days=SNAPSHOT_DAYS)) is None
    assert decode_start_board(payload, key, TODAY - dt.timedelta(days=1)) is None


@pytest.mark.parametrize(
    "change",
    [
        {"data_mark": (999, 0)},  # a commit since: the data changed
        {"closures": ()},  # the centre's closure days changed
        {"app_version": "99.0"},  # another program version computed it
    ],
)
def test_a_different_key_is_not_shown(stored, change):
    payload, key = stored
    other = dataclasses.replace(key, **change)
    assert other != key
    assert decode_start_board(payload, other, TODAY) is None


def test_another_format_is_not_shown(stored):
    payload, key = stored
    doc = json.loads(payload)
    doc["key"]["format"] = FORMAT + 1
    assert decode_start_board(json.dumps(doc), key, TODAY) is None


@pytest.mark.parametrize(
    "payload",
    [
        None,
        "",
        "not json",
        "[]",
        "{}",
        '{"key": 1}',
        json.dumps(
            {
                "key": SnapshotKey((0, 0)).as_json(),
                "days": {"2026-03-10": "[[[1]], []]"},
                "sketches": {},
                "engrafted": {},
            }
        ),
        json.dumps(
            {
                "key": SnapshotKey((0, 0)).as_json(),
                "days": ["2026-03-10"],
                "sketches": {},
                "engrafted": {},
            }
        ),
        json.dumps(
            {
                "key": SnapshotKey((0, 0)).as_json(),
                "days": {"2026-03-10": "[[], []]"},
                "sketches": {"t1": [10**12, 0, 0, "[[], []]"]},
                "engrafted": {},
            }
        ),
        json.dumps(
            {
                "key": SnapshotKey((0, 0)).as_json(),
                "days": {"2026-03-10": "[[], []]"},
                "sketches": {},
                "engrafted": {"t1": "2026-02-30"},
            }
        ),
    ],
)
def test_a_malformed_snapshot_is_not_shown(payload):
    assert decode_start_board(payload, SnapshotKey((0, 0)), TODAY) is None


def test_saving_an_empty_clinic_stores_an_empty_board():
    fresh = InMemoryRepository()
    key = save_board_snapshot(fresh, TODAY)
    assert key == SnapshotKey((0, 0))
    board = decode_start_board(fresh.board_snapshot(), SnapshotKey(fresh.data_mark()), TODAY)
    assert board is not None
    assert board.rows == [] and board.worklist == []


def test_a_commit_after_saving_makes_the_snapshot_unusable():
    repo = InMemoryRepository()
    load_demo_clinic(repo, Context(Actor("coordinator", "ws-1"), NOW))
    key = save_board_snapshot(repo, TODAY)
    assert key is not None
    assert decode_start_board(repo.board_snapshot(), key, TODAY) is not None
    patient = repo.list_patients()[0]
    save_patient(
        repo,
        Context(Actor("coordinator", "ws-1"), NOW),
        dataclasses.replace(patient, coordinator="Someone Else"),
    )
    assert repo.data_mark() > key.data_mark
    now_key = SnapshotKey(repo.data_mark())
    assert decode_start_board(repo.board_snapshot(), now_key, TODAY) is None


def test_a_malformed_timeline_row_paints_empty_instead_of_failing():
    payload = json.dumps(
        {
            "key": SnapshotKey((0, 0)).as_json(),
            "days": {TODAY.isoformat(): "[[], []]"},
            "sketches": {"t1": [TODAY.toordinal(), 0, 1, "not json"]},
            "engrafted": {},
        }
    )
    board = decode_start_board(payload, SnapshotKey((0, 0)), TODAY)
    assert board is not None
    assert board.sketches["t1"].bands == () and board.sketches["t1"].runs == ()
