"""Test harness child: save changes in a loop and acknowledge each committed one.

    python -m planner.storage.crash_writer DATABASE [--max N]

The database must hold one patient whose ``contacts`` is "c<n>" and one transplant with
a plan. Each change n+1 is ONE action that sets the patient's contacts and the first
plan step's note to "c<n+1>" (two records, two audit rows, one transaction). After
``commit`` returns, the child prints "n" and flushes, so the parent (which kills it
with SIGKILL at random moments) knows which changes were acknowledged
(reference/reliability.md section 1.9a). The text holds no patient data.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import replace

from planner.careplan import set_step_note
from planner.ports import Action, Actor
from planner.storage import open_repository

ACTOR = Actor(user="crash-writer", workstation="test-host")


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
        n = change_number(patient.contacts)
        done = 0
        while limit is None or done < limit:
            n += 1
            marker = f"c{n}"
            committed = repo.commit(Action(
                actor=ACTOR, at=dt.datetime.now(dt.UTC).astimezone(),
                description=f"change {n}", reason="crash test", patient_id=patient.id,
                patients=(replace(patient, contacts=marker),),
                plans=(set_step_note(plan, step_id, marker),),
            ))
            patient, plan = committed.patients[0], committed.plans[0]
            sys.stdout.write(f"{n}\n")
            sys.stdout.flush()
            done += 1
    finally:
        repo.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
