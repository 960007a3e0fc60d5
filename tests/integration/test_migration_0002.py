"""A database written at schema 0001 opens with this program: backed up, then migrated to
0002 (clinical records and lab samples), its data and audit chain kept."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, inspect, text

from planner.domain.patients import TransplantStatus, with_status
from planner.records.audit import LEGACY_SCHEME, AuditEntry, AuditKey, chain_hash
from planner.storage import (
    SqlRepository,
    _common,
    migrate,
    open_repository,
    opening,
    schema,
    sql,
    verify_audit,
)
from planner.storage import backup as bk
from tests.integration.factories import ACTOR, action, lab, patient, plan, record, transplant

NOW = dt.datetime(2026, 3, 24, 7, 0, tzinfo=dt.UTC)


def _open(path: Path, **kw: object) -> SqlRepository:
    return open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation, **kw)  # type: ignore[arg-type]


# Columns added after 0001 (0003: the plan rules' patient facts; 0005: the registry IDs
# and the transplant record; 0007: the search key).
LATER_PATIENT_COLUMNS = (
    "creatinine_mg_dl",
    "creatinine_date",
    "hbsag",
    "anti_hbc",
    "cibmtr_crid",
    "ebmt_id",
    "search_key",
)
LATER_TRANSPLANT_COLUMNS = ("number", "manipulation", "status_history")


def _schema_0001(m: pytest.MonkeyPatch) -> None:
    """Make this program read and write patients as schema 0001 stored them."""
    from sqlalchemy import MetaData, Table

    from planner.storage import _common

    old = Table(
        "patients",
        MetaData(),
        *(c._copy() for c in schema.patients.columns if c.name not in LATER_PATIENT_COLUMNS),
    )
    m.setattr(schema, "patients", old)
    m.setattr(sql, "_patient_row", dict)  # no search key before 0007
    old_transplants = Table(
        "transplants",
        MetaData(),
        *(c._copy() for c in schema.transplants.columns if c.name not in LATER_TRANSPLANT_COLUMNS),
    )
    m.setattr(schema, "transplants", old_transplants)
    m.setattr(schema, "TRANSPLANT_FIELDS", tuple(c.name for c in old_transplants.columns))
    # The audit rows of a program from before the keyed chain: plain SHA-256, no key file.
    old_audit = Table(
        "audit",
        MetaData(),
        *(c._copy() for c in schema.audit.columns if c.name not in ("doc_hash", "scheme")),
    )
    m.setattr(schema, "audit", old_audit)
    m.setattr(sql, "build_entries", _legacy_entries)
    m.setattr(opening, "_key_audit", lambda *args: (AuditKey.generate(), None))
    m.setattr(schema, "PATIENT_FIELDS", tuple(c.name for c in old.columns))
    to_dict = _common.patient_to_dict
    m.setattr(
        _common,
        "patient_to_dict",
        lambda p: {k: v for k, v in to_dict(p).items() if k not in LATER_PATIENT_COLUMNS},
    )
    transplant_to_dict = _common.transplant_to_dict
    m.setattr(
        _common,
        "transplant_to_dict",
        lambda t: {
            k: v for k, v in transplant_to_dict(t).items() if k not in LATER_TRANSPLANT_COLUMNS
        },
    )


def _legacy_entries(
    action: Any, pending: Any, last_seq: int, last_hash: str, key: AuditKey
) -> list[AuditEntry]:
    entries = _common.build_entries(action, pending, last_seq, last_hash, key)
    legacy: list[AuditEntry] = []
    previous = last_hash
    for e in entries:
        fields = {**e.__dict__, "doc_hash": None, "scheme": LEGACY_SCHEME}
        del fields["hash"]
        previous = chain_hash(previous, fields)
        legacy.append(AuditEntry(**fields, hash=previous))
    return legacy


def build_0001_database(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Create the file through the normal open path with only the 0001 migration run."""
    from alembic import command

    def upgrade_to_0001(conn: Connection) -> None:
        command.upgrade(migrate.alembic_config(conn), "0001")

    with monkeypatch.context() as m:
        m.setattr(migrate, "upgrade_to_head", upgrade_to_0001)
        m.setattr(schema, "SCHEMA_REVISIONS", ("0001",))
        m.setattr(schema, "HEAD_REVISION", "0001")
        _schema_0001(m)
        repo = _open(path)
        try:
            with repo.engine.connect() as conn:
                assert migrate.current_revision(conn) == "0001"
                assert not inspect(conn).has_table("records")
            # The 0001 tables are all a patient/transplant/plan commit touches.
            repo.commit(action("Add patient", patient_id="p1", patients=(patient(),)))
            repo.commit(
                action(
                    "Add transplant", patient_id="p1", transplants=(transplant(),), plans=(plan(),)
                )
            )
            p = repo.get_patient("p1")
            repo.commit(
                action("Edit", patient_id="p1", patients=(replace(p, contacts="before migration"),))
            )
        finally:
            repo.close()


def test_0001_database_migrates_to_0002(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_0001_database(db_path, monkeypatch)
    before = _open_read_only_state(db_path, monkeypatch)

    repo = _open(db_path, now=NOW)
    try:
        saved = repo.pre_migration_backup
        assert saved is not None and saved.exists()
        assert saved.parent == db_path.parent / "backups"
        report = bk.check(saved)
        assert report.ok and report.audit_rows == len(before[3])
        entry = bk.list_backups(saved.parent)[-1]
        assert (entry["schema_revision"], entry["label"]) == ("0001", "pre-migration")
        with repo.engine.connect() as conn:
            assert migrate.current_revision(conn) == schema.HEAD_REVISION
            tables = set(inspect(conn).get_table_names())
            assert {"records", "lab_samples"} <= tables
            indexes = {i["name"] for i in inspect(conn).get_indexes("lab_samples")}
            assert "ix_lab_samples_patient_date" in indexes
            assert (
                conn.execute(text("SELECT value FROM meta WHERE key = 'schema_version'")).scalar()
                == schema.HEAD_REVISION
            )
        audit = repo.audit_log()
        after = (repo.list_patients(), repo.list_transplants(), repo.list_plans(), audit)
        kept = len(before[3])
        assert after[:3] == before[:3] and audit[:kept] == before[3]
        # Keying the chain recorded each stored document after the unkeyed rows.
        keyed = audit[kept:]
        assert keyed[0].action == "Key audit trail" and keyed[0].scheme == "hmac-sha256"
        assert {(e.entity, e.entity_id) for e in keyed[1:]} == {
            ("patient", "p1"),
            ("transplant", "t1"),
            ("plan", "plan1"),
        }
        assert repo.get_patient("p1").contacts == "before migration"
        # The new tables work, and the audit chain continues across the migration.
        repo.commit(
            action(
                "Log harvest",
                records=(record(cd34=2.5),),
                lab_samples=(lab(value=0.1, qualifier="<"),),
            )
        )
        assert repo.get_record("t1", "harvest") is not None
        # 0005: a transplant stored before reads as the first, unmanipulated, with no
        # status change; the new fields are written and read back.
        old = repo.get_transplant("t1")
        assert (old.number, old.manipulation.value, old.status_history) == (1, "none", ())
        held = with_status(old, TransplantStatus.ON_HOLD, NOW.date(), "infection", today=NOW.date())
        repo.commit(action("Hold", patient_id="p1", transplants=(replace(held, number=2),)))
        stored = repo.get_transplant("t1")
        assert (stored.number, stored.status_history) == (2, held.status_history)
        crid = replace(repo.get_patient("p1"), cibmtr_crid="123456789", ebmt_id="EB-1")
        repo.commit(action("Registry", patient_id="p1", patients=(crid,)))
        assert repo.get_patient("p1").cibmtr_crid == "123456789"
        assert repo.list_lab_samples("p1") == [lab(value=0.1, qualifier="<")]
        assert verify_audit(repo) is None
    finally:
        repo.close()
    # Opening again migrates nothing and takes no further backup.
    repo = _open(db_path)
    try:
        assert repo.pre_migration_backup is None
        assert len(bk.list_backups(db_path.parent / "backups")) == 1
    finally:
        repo.close()


def _open_read_only_state(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[object], list[object], list[object], list[object]]:
    """What the 0001 database holds, read with the 0001 schema (no migration)."""
    with monkeypatch.context() as m:
        m.setattr(schema, "SCHEMA_REVISIONS", ("0001",))
        m.setattr(schema, "HEAD_REVISION", "0001")
        _schema_0001(m)
        repo = _open(path)
        try:
            assert repo.pre_migration_backup is None
            return (
                list(repo.list_patients()),
                list(repo.list_transplants()),
                list(repo.list_plans()),
                list(repo.audit_log()),
            )
        finally:
            repo.close()
