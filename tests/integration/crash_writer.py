"""Test harness child: save changes in a loop and acknowledge each committed one.

    python -m tests.integration.crash_writer DATABASE [--max N]

The database must hold one patient whose ``contacts`` is "c<n>" and one transplant with
a plan. Each change n+1 is ONE action that sets the patient's contacts, the first plan
step's note and the transplant's "checklists" record (body {"marker": ...}) to "c<n+1>"
and inserts ``LABS_PER_CHANGE`` lab samples whose source names the change (three
records, the samples, four audit rows, one transaction). After
``commit`` returns, the child prints "n" and flushes, so the parent (which kills it
with SIGKILL at random moments) knows which changes were acknowledged
(tests/integration/test_kill9.py). The text holds no patient data.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace

from planner.domain.labs import CANONICAL_UNIT, Analyte, LabSample
from planner.domain.plans import set_step_note
from planner.records.ports import Action, Actor, ClinicalRecord
from planner.storage import open_repository

ACTOR = Actor(user="crash-writer", workstation="test-host")
LABS_PER_CHANGE = 3
FIRST_DAY = dt.date(2026, 1, 1)
ANALYTES_PER_CHANGE: tuple[Analyte, ...] = ("wbc", "anc", "plt")


def change_samples(patient_id: str, mrn: str, n: int) -> tuple[LabSample, ...]:
    """The lab samples of change n (fictional values; source "change n")."""
    day = FIRST_DAY + dt.timedelta(days=n % 3000)
    return tuple(
        LabSample(
            patient_id,
            mrn,
            day,
            analyte,
            0.1 * (n % 50) + i,
            CANONICAL_UNIT[analyte],
            source=f"change {n}",
        )
        for i, analyte in enumerate(ANALYTES_PER_CHANGE[:LABS_PER_CHANGE])
    )


def change_number(text: str) -> int:
    """The n of a "c<n>" marker."""
    if not text.startswith("c") or not text[1:].isdigit():
        raise ValueError("the database was not prepared for the crash writer")
    return int(text[1:])


def main(argv: list[str]) -> int:
    """Run the save loop (forever, or ``--max`` changes)."""
    database = argv[0]
    limit = int(argv[argv.index("--max") + 1]) if "--max" in argv else None
    repo = open_repository(database, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        patient = repo.list_patients()[0]
        transplant = repo.list_transplants(patient.id)[0]
        plan = repo.get_plan(transplant.id)
        assert plan is not None
        step_id = plan.steps[0].id
        record = repo.get_record(transplant.id, "checklists") or ClinicalRecord(
            transplant.id, "checklists", {}
        )
        n = change_number(patient.contacts)
        done = 0
        while limit is None or done < limit:
            n += 1
            marker = f"c{n}"
            committed = repo.commit(
                Action(
                    actor=ACTOR,
                    at=dt.datetime.now(dt.UTC).astimezone(),
                    description=f"change {n}",
                    reason="crash test",
                    patient_id=patient.id,
                    patients=(replace(patient, contacts=marker),),
                    plans=(set_step_note(plan, step_id, marker),),
                    records=(
                        ClinicalRecord(
                            record.transplant_id, record.kind, {"marker": marker}, record.version
                        ),
                    ),
                    lab_samples=change_samples(patient.id, patient.mrn, n),
                )
            )
            patient, plan = committed.patients[0], committed.plans[0]
            record = committed.records[0]
            sys.stdout.write(f"{n}\n")
            sys.stdout.flush()
            done += 1
    finally:
        repo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
