"""Synthetic clinics of realistic shape for the benchmarks (built in code, never shipped).

A clinic is the demo's cases repeated: Day 0s spread over the weeks around today, with
the demo's daily counts, transfusions (engraftment records), checklists and harvests.
Behind the live clinic lies a history of ``archived`` transplants (Day 0s spread over
ten years, completed, or cancelled when they never reached Day 0), with the same
records and counts, as a programme's database holds after years of use.

A clinic is an SQLite file, or a PostgreSQL database given by its URL (``benchmarks.pg``
makes and copies those).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from benchmarks import pg
from planner.app.demo import build_demo_clinic, demo_checklists, demo_harvests
from planner.app.snapshot import refresh_board_index
from planner.domain.patients import Patient, Transplant, TransplantStatus, with_status
from planner.domain.plans import Plan
from planner.records.ports import Action, Actor, ClinicalRecord
from planner.records.recovery import demo_counts, demo_records
from planner.storage import open_repository

ACTOR = Actor("bench", "bench")
Case = tuple[Patient, Transplant, Plan]

# The live clinic's Day 0s spread over six weeks around today (copy i is built as the
# demo would be i % SPREAD days before today).
SPREAD = 42
# Archived transplants are written as copies of a seed of this many, their ids renamed.
SEED = 200
# The token in every id of the archived seed, replaced by each copy's number.
TOKEN = "Z00000"


def synthetic_clinic(count: int, today: dt.date) -> list[Case]:
    """``count`` patients: the demo cases repeated with fresh ids and spread Day 0s."""
    return list(_cases(count, today, "", lambda i: i % SPREAD))


def _cases(count: int, today: dt.date, prefix: str, days_back) -> Iterator[Case]:
    bases: dict[int, list[Case]] = {}
    for i in range(count):
        back = days_back(i)
        if back not in bases:
            bases[back] = build_demo_clinic(today - dt.timedelta(days=back))
        base = bases[back]
        patient, transplant, plan = base[i % len(base)]
        suffix = f"{prefix}{i:05d}"
        pid, tid = f"p{suffix}", f"t{suffix}"
        yield (
            replace(patient, id=pid, mrn=f"BENCH-{suffix}"),
            replace(transplant, id=tid, patient_id=pid, number=1, tandem=False),
            replace(plan, id=f"pl{suffix}", transplant_id=tid, version=0),
        )


def _records(cases: list[Case], today: dt.date) -> tuple[ClinicalRecord, ...]:
    recovery = demo_records(cases, today)
    return (
        *(ClinicalRecord(tid, "engraftment", rec.to_body()) for tid, rec in recovery.items()),
        *demo_checklists(cases, today),
        *demo_harvests(cases),
    )


def _write(repo, cases: list[Case], today: dt.date, now: dt.datetime) -> None:
    """Cases with their counts and records, as the demo loader writes them, in batches."""
    for start in range(0, len(cases), 100):
        batch = cases[start : start + 100]
        repo.commit(
            Action(
                actor=ACTOR,
                at=now,
                description="bench load",
                patients=tuple(p for p, _, _ in batch),
                transplants=tuple(t for _, t, _ in batch),
                plans=tuple(pl for _, _, pl in batch),
                lab_samples=tuple(demo_counts(batch, today, skip_mrns=())),
                records=_records(batch, today),
            )
        )


def _archived_seed(today: dt.date) -> list[Case]:
    """The seed of the history: Day 0s one to ten years back, every transplant closed."""
    seed = []
    for patient, transplant, plan in _cases(SEED, today, TOKEN, lambda i: 365 + (i * 17) % 3285):
        day0 = transplant.day0 or plan.day0
        on = min(day0 + dt.timedelta(days=365), today)
        closed = transplant
        if transplant.status is TransplantStatus.PLANNED:
            closed = with_status(closed, TransplantStatus.ACTIVE, day0, "", today=today)
        if closed.status is TransplantStatus.ACTIVE:
            closed = with_status(closed, TransplantStatus.COMPLETED, on, "", today=today)
        seed.append((patient, closed, plan))
    return seed


# A database file and the files the app needs beside it (it refuses the file without).
DB_FILES = ("", ".audit-key", ".audit-anchor")


def copy_db(source: Path, target: Path) -> None:
    """Copy a clinic database with its audit key and anchor, written through to the disk:
    the kernel's writeback of a copy of gigabytes (50,000 archived transplants) would
    otherwise fall into the start measured next."""
    for suffix in DB_FILES:
        shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    os.sync()


def move_db(source: Path, target: Path) -> None:
    """Move a clinic database with its audit key and anchor."""
    for suffix in DB_FILES:
        shutil.move(f"{source}{suffix}", f"{target}{suffix}")


# The tables of the history and the column that carries each row's id.
_COPIED = {
    "patients": "id",
    "transplants": "id",
    "plans": "id",
    "records": "transplant_id",
    "lab_samples": "patient_id",
}


def _copy_archive(path: Path, copies: int) -> None:
    """Copy the seed's rows ``copies - 1`` times with fresh ids (SQL, no audit rows: the
    app reads the history's documents, never their audit, while it shows the clinic)."""
    con = sqlite3.connect(path)
    try:
        for table, key in _COPIED.items():
            columns = [c[1] for c in con.execute(f"PRAGMA table_info({table})") if c[1] != "id"]
            if key == "id":
                columns.insert(0, "id")
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" for _ in columns)
            # Names from _COPIED and the table itself; the one value is bound.
            seed = con.execute(
                f"SELECT {names} FROM {table} WHERE {key} LIKE ?",  # noqa: S608
                (f"%{TOKEN}%",),
            ).fetchall()
            insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
            for copy in range(1, copies):
                fresh = f"Z{copy:05d}"
                con.executemany(
                    insert,
                    (
                        tuple(v.replace(TOKEN, fresh) if isinstance(v, str) else v for v in row)
                        for row in seed
                    ),
                )
        con.commit()
    finally:
        con.close()


def write_clinic_db(
    path: Path | str,
    count: int,
    today: dt.date,
    *,
    archived: int = 0,
    snapshot: bool = False,
    backed_up: bool = False,
) -> None:
    """A clinic database with ``count`` live patients and ``archived`` closed transplants
    (a multiple of the seed's 200), written in batches: an SQLite file, or the (existing,
    empty) PostgreSQL database of a URL, whose audit key goes to the data folder
    (``benchmarks.pg.data_folder``).

    ``snapshot``: also store the board index, as the app does after its first run.
    ``backed_up``: take today's verified backup before the history's copies are added
    (they have no audit rows, so a backup taken after would not verify): the app's
    closes of the day then take none, as on any close after the day's first. (A
    PostgreSQL clinic is backed up with the server's tools: nothing to take.)
    """
    repo = open_repository(str(path), user="bench", workstation="bench")
    now = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
    try:
        _write(repo, synthetic_clinic(count, today), today, now)
        if archived:
            _write(repo, _archived_seed(today), today, now)
        if backed_up:
            repo.backup_now(dt.datetime.now().astimezone(), once_a_day=True)
    finally:
        repo.close()
    if pg.is_url(path):
        if archived > SEED:
            pg.copy_archive(str(path), _COPIED, TOKEN, archived // SEED)
        pg.analyze(str(path))
    elif archived > SEED:
        _copy_archive(Path(path), archived // SEED)
    if snapshot:
        repo = open_repository(str(path), user="bench", workstation="bench")
        try:
            refresh_board_index(repo, today)
        finally:
            repo.close()
