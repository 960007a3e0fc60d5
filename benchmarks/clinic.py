"""Synthetic clinics of realistic shape for the benchmarks (built in code, never shipped)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from planner.app.demo import build_demo_clinic
from planner.app.snapshot import save_board_snapshot
from planner.domain.patients import Patient, Transplant
from planner.domain.plans import Plan
from planner.records.ports import Action, Actor
from planner.storage import open_repository

ACTOR = Actor("bench", "bench")


def synthetic_clinic(count: int, today: dt.date) -> list[tuple[Patient, Transplant, Plan]]:
    """``count`` patients: the demo cases repeated with fresh ids and shifted Day 0s."""
    base = build_demo_clinic(today)
    clinic = []
    for i in range(count):
        patient, transplant, plan = base[i % len(base)]
        suffix = f"{i:05d}"
        pid, tid = f"p{suffix}", f"t{suffix}"
        clinic.append(
            (
                replace(patient, id=pid, mrn=f"BENCH-{suffix}"),
                replace(transplant, id=tid, patient_id=pid),
                replace(plan, id=f"pl{suffix}", transplant_id=tid),
            )
        )
    return clinic


def write_clinic_db(path: Path, count: int, today: dt.date, *, snapshot: bool = False) -> None:
    """An SQLite clinic database with ``count`` patients, written in batches.

    ``snapshot``: also store the board snapshot, as the app does after its first run.
    """
    repo = open_repository(str(path), user="bench", workstation="bench")
    now = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
    try:
        clinic = synthetic_clinic(count, today)
        for start in range(0, len(clinic), 100):
            batch = clinic[start : start + 100]
            repo.commit(
                Action(
                    actor=ACTOR,
                    at=now,
                    description="bench load",
                    patients=tuple(p for p, _, _ in batch),
                    transplants=tuple(t for _, t, _ in batch),
                    plans=tuple(pl for _, _, pl in batch),
                )
            )
        if snapshot:
            save_board_snapshot(repo, today)
    finally:
        repo.close()
