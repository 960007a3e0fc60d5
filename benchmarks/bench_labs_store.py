"""Lab samples in the store: insert 100,000 in one commit, read them all back (SQLite).

Run: ``.venv/bin/python -m benchmarks.bench_labs_store``

The insert budget (well under 1 s for 100,000 samples in one commit) is the storage
half of the lab-import budget; the read is what the clinic board pays to compute
engraftment for everyone. Each round uses a fresh database file.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

from benchmarks.common import Figure, python_floor
from planner.domain.labs import ANALYTES, CANONICAL_UNIT, LabSample
from planner.domain.patients import Patient
from planner.records.ports import Action, Actor
from planner.storage import open_repository
from planner.storage.memory import InMemoryRepository

ACTOR = Actor(user="bench", workstation="bench-host")
AT = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
SAMPLES = 100_000
PATIENTS = 250


def make_samples(n: int = SAMPLES, patients: int = PATIENTS) -> list[LabSample]:
    """``n`` samples spread over ``patients`` patients, four analytes a day."""
    start = dt.date(2025, 1, 1)
    out: list[LabSample] = []
    per_patient = n // patients
    for p in range(patients):
        for i in range(per_patient):
            analyte = ANALYTES[i % 4]
            value = 0.1 + (i % 50) * 0.37 if analyte != "hb" else 80.0 + i % 60
            out.append(
                LabSample(
                    f"p{p:04d}",
                    f"{p:06d}",
                    start + dt.timedelta(days=i // 4),
                    analyte,
                    value,
                    CANONICAL_UNIT[analyte],
                    "<" if i % 97 == 0 else "",
                    f"labs.csv line {i + 2}",
                )
            )
    return out


def make_patients(patients: int = PATIENTS) -> tuple[Patient, ...]:
    """Fictional patients p0000... with MRNs 000000..."""
    return tuple(
        Patient(
            id=f"p{p:04d}",
            mrn=f"{p:06d}",
            family_name=f"Bench{p}",
            given_name="Test",
            date_of_birth=dt.date(1970, 1, 1),
            sex="female",
        )
        for p in range(patients)
    )


def _action(**kw: object) -> Action:
    return Action(actor=ACTOR, at=AT, description="Import labs", **kw)  # type: ignore[arg-type]


def measure_sqlite(samples: list[LabSample], rounds: int = 3) -> tuple[float, float]:
    """Median seconds of (one commit of every sample, list_lab_samples() of everything)."""
    inserts: list[float] = []
    reads: list[float] = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            repo = open_repository(
                Path(folder) / "bench.db", user=ACTOR.user, workstation=ACTOR.workstation
            )
            try:
                repo.commit(_action(patients=make_patients()))
                started = time.perf_counter()
                repo.commit(_action(lab_samples=tuple(samples)))
                inserts.append(time.perf_counter() - started)
                started = time.perf_counter()
                got = repo.list_lab_samples()
                reads.append(time.perf_counter() - started)
                assert len(got) == len(samples)
            finally:
                repo.close()
    inserts.sort()
    reads.sort()
    return inserts[len(inserts) // 2], reads[len(reads) // 2]


def measure_memory(samples: list[LabSample]) -> tuple[float, float]:
    """Seconds of the same on the in-memory repository (for comparison)."""
    repo = InMemoryRepository()
    repo.commit(_action(patients=make_patients()))
    started = time.perf_counter()
    repo.commit(_action(lab_samples=tuple(samples)))
    insert = time.perf_counter() - started
    started = time.perf_counter()
    repo.list_lab_samples()
    return insert, time.perf_counter() - started


def main() -> list[Figure]:
    """Run and print the lab-store figures."""
    floor = python_floor()
    samples = make_samples()
    insert, read = measure_sqlite(samples)
    mem_insert, mem_read = measure_memory(samples)
    figures = [
        Figure(
            f"sqlite: commit {len(samples):,} lab samples",
            insert,
            "python",
            floor,
            "< 1 s",
            insert < 1.0,
        ),
        Figure(
            f"sqlite: list_lab_samples() of {len(samples):,}",
            read,
            "python",
            floor,
            "reported",
            True,
        ),
        Figure(
            f"memory: commit {len(samples):,} lab samples",
            mem_insert,
            "python",
            floor,
            "reported",
            True,
        ),
        Figure(
            f"memory: list_lab_samples() of {len(samples):,}",
            mem_read,
            "python",
            floor,
            "reported",
            True,
        ),
    ]
    for fig in figures:
        print(fig.line())
    return figures


if __name__ == "__main__":
    main()
