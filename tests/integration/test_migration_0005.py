"""A database of the release before 0005 opens: the verified backup is taken first, the file
migrates to 0005, every document keeps the hash its audit rows recorded, and the new fields
are written and checked.

The file is built in code as that release wrote it: schema 0004 (its migrations only), the
tables and documents without 0005's columns, the keyed audit chain with its key and anchor.
The backup taken before this migration once read 0005's columns from such a file and
refused to open every 0004 database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Connection, MetaData, Table

from planner.app.demo import build_demo_clinic
from planner.domain.patients import TransplantStatus, with_status
from planner.records.ports import Action
from planner.storage import _common, migrate, open_repository, schema, sql
from planner.storage import backup as bk
from tests.integration.factories import ACTOR

NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)
NEW_PATIENT_COLUMNS = ("cibmtr_crid", "ebmt_id")
LATER_PATIENT_COLUMNS = ("search_key",)  # 0007
NEW_TRANSPLANT_COLUMNS = ("number", "manipulation", "status_history")


def _without(table: Table, names: tuple[str, ...]) -> Table:
    return Table(table.name, MetaData(), *(c._copy() for c in table.columns if c.name not in names))


def _as_release_0004(m: pytest.MonkeyPatch) -> None:
    """Make this program migrate to, read and write schema 0004, as that release did."""
    from alembic import command

    def upgrade_to_0004(conn: Connection) -> None:
        command.upgrade(migrate.alembic_config(conn), "0004")

    m.setattr(migrate, "upgrade_to_head", upgrade_to_0004)
    m.setattr(schema, "SCHEMA_REVISIONS", ("0001", "0002", "0003", "0004"))
    m.setattr(schema, "HEAD_REVISION", "0004")
    patients = _without(schema.patients, (*NEW_PATIENT_COLUMNS, *LATER_PATIENT_COLUMNS))
    m.setattr(sql, "_patient_row", dict)  # no search key before 0007
    transplants = _without(schema.transplants, NEW_TRANSPLANT_COLUMNS)
    m.setattr(schema, "patients", patients)
    m.setattr(schema, "transplants", transplants)
    m.setattr(schema, "PATIENT_FIELDS", tuple(c.name for c in patients.columns))
    m.setattr(schema, "TRANSPLANT_FIELDS", tuple(c.name for c in transplants.columns))
    for name, dropped in (
        ("patient_to_dict", NEW_PATIENT_COLUMNS),
        ("transplant_to_dict", NEW_TRANSPLANT_COLUMNS),
    ):
        to_dict = getattr(_common, name)
        m.setattr(
            _common,
            name,
            lambda doc, to_dict=to_dict, dropped=dropped: {
                k: v for k, v in to_dict(doc).items() if k not in dropped
            },
        )


def _old_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two demo patients and an edit, written by the 0004 release."""
    with monkeypatch.context() as m:
        _as_release_0004(m)
        repo = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
        try:
            picked = [
                c for c in build_demo_clinic(NOW.date()) if c[0].mrn in ("DEMO-0004", "DEMO-0013")
            ]
            repo.commit(
                Action(
                    ACTOR,
                    NOW,
                    "Load two demo patients",
                    patients=tuple(p for p, _, _ in picked),
                    transplants=tuple(t for _, t, _ in picked),
                    plans=tuple(replace(pl, version=0) for _, _, pl in picked),
                )
            )
            p = repo.get_patient(picked[0][0].id)
            edited = replace(p, contacts="edited before 0005")
            repo.commit(Action(ACTOR, NOW, "Edit patient", patient_id=p.id, patients=(edited,)))
            with repo.engine.connect() as conn:
                assert migrate.current_revision(conn) == "0004"
        finally:
            repo.close()


def test_a_0004_database_checks_before_and_after_migrating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "clinic.db"
    _old_database(db, monkeypatch)
    before = bk.check(db)
    assert before.ok, before

    repo = open_repository(db, user=ACTOR.user, workstation=ACTOR.workstation, now=NOW)
    try:
        saved = repo.pre_migration_backup
        assert saved is not None and bk.check(saved).ok
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
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
