"""A database of the release before 0009 opens migrated and stores creatinine and bilirubin
samples (whose names are longer than the eight characters the analyte column held) and
saved lab import mappings; the counts stored before are kept. On PostgreSQL, where a
VARCHAR's length is enforced, the repository tests of test_lab_import_hl7.py store them
through the migrated column."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

from planner.app.context import Context
from planner.app.lab_mappings import save_mapping, saved_mapping
from planner.domain.labs import LabSample
from planner.labimport.reader import ColumnMapping
from planner.storage import migrate, open_repository, schema
from tests.integration.factories import ACTOR, AT, action, lab, patient, transplant

DAY = dt.date(2026, 3, 1)


def _as_release_0008(path: Path) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute("DROP TABLE board_entry_days")  # 0012's
        con.execute("DROP TABLE forms_entries")  # 0011's
        con.execute("DROP TABLE board_marks")  # 0010's
        con.execute("DROP TABLE board_entries")
        con.execute("ALTER TABLE lab_samples DROP COLUMN reported_unit")  # 0009's
        con.execute("UPDATE alembic_version SET version_num = '0008'")
        con.execute("UPDATE meta SET value = '0008' WHERE key = 'schema_version'")
        con.commit()
    finally:
        con.close()


def test_a_0008_database_takes_chemistry_samples_after_migrating(tmp_path: Path) -> None:
    path = tmp_path / "planner.db"
    repo = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    repo.commit(
        action(
            "Seed",
            patients=(patient(),),
            transplants=(replace(transplant(), day0=DAY),),
            lab_samples=(lab(analyte="anc", value=0.4, day=DAY),),
        )
    )
    repo.close()
    _as_release_0008(path)

    repo = open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        assert repo.pre_migration_backup is not None  # type: ignore[attr-defined]
        with repo.engine.connect() as conn:  # type: ignore[attr-defined]
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
        creatinine = LabSample("p1", "000123", DAY, "creatinine", 1.1, "mg/dL", source="test")
        bilirubin = LabSample(
            "p1", "000123", DAY, "bilirubin", 2.0, "mg/dL", source="t", reported_unit="umol/L"
        )
        repo.commit(action("Enter results", lab_samples=(creatinine, bilirubin)))
        stored = repo.list_lab_samples("p1")
        assert [(s.analyte, s.reported_unit) for s in stored] == [
            ("anc", ""),  # stored before 0009: reported in its own unit
            ("bilirubin", "umol/L"),
            ("creatinine", ""),
        ]
        mapping = ColumnMapping(mrn="M", date="D", analyte="T", value="V")
        save_mapping(repo, Context(ACTOR, AT), "Central lab", mapping)
        assert saved_mapping(repo, "Central lab") == mapping
    finally:
        repo.close()
