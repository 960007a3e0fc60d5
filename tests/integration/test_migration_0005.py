"""A database written by the previous release (schema 0004, its audit key and anchor beside
it) opens: the verified backup is taken first, the file migrates to 0005, every document
keeps the hash its audit rows recorded, and the new fields are written and checked.

``tests/data/schema-0004.db`` was written by the release before 0005 (two demo patients and
an edit), with its key and anchor; a migration test on a schema patched in memory would
not see what the previous release really stored (the backup taken before this migration
once failed on the real file)."""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path

from planner.domain.patients import TransplantStatus, with_status
from planner.records.ports import Action
from planner.storage import backup as bk
from planner.storage import migrate, open_repository, schema
from tests.integration.factories import ACTOR

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


def _old_database(folder: Path) -> Path:
    db = folder / "clinic.db"
    shutil.copyfile(DATA / "schema-0004.db", db)
    for suffix in (".audit-key", ".audit-anchor"):
        shutil.copyfile(DATA / f"schema-0004.db{suffix}", folder / f"clinic.db{suffix}")
    for path in folder.iterdir():  # private, as the program keeps them (git does not)
        path.chmod(0o600)
    return db


def test_the_previous_release_s_file_checks_before_and_after_migrating(tmp_path: Path) -> None:
    db = _old_database(tmp_path)
    before = bk.check(db)
    assert before.ok, before

    repo = open_repository(db, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    try:
        saved = repo.pre_migration_backup
        assert saved is not None and bk.check(saved).ok
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION == "0005"
        patient = repo.find_patient_by_mrn("DEMO-0004")
        assert patient is not None and patient.contacts == "edited before 0005"
        assert patient.cibmtr_crid == ""
        (transplant,) = repo.list_transplants(patient.id)
        assert (transplant.number, transplant.status_history) == (1, ())
    finally:
        repo.close()
    after = bk.check(db)
    assert after.ok, after  # no document reads as changed behind the program's back

    repo = open_repository(db, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    try:
        held = with_status(
            transplant, TransplantStatus.ON_HOLD, NOW.date(), "donor delayed", today=NOW.date()
        )
        repo.commit(
            Action(
                ACTOR,
                NOW,
                "Change transplant status",
                patient_id=patient.id,
                transplants=(held,),
                patients=(replace(patient, cibmtr_crid="12345"),),
            )
        )
        assert repo.get_transplant(transplant.id).status is TransplantStatus.ON_HOLD
    finally:
        repo.close()
    assert bk.check(db).ok
