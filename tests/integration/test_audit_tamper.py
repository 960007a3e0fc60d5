"""Tampering with the database behind the program's back is caught by ``check``.

Each case edits a clinic database with the sqlite3 module the way someone with the file
and without the audit key could (triggers dropped and re-created, chains recomputed),
then runs ``transplant-planner --db FILE check`` as IT would: the exit code is 1 and the
output names the row or table, and the expected and found values. An untouched
database verifies; a backup of a tampered one is refused; a restore leaves a database
that verifies.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

import main
from planner.errors import StorageError
from planner.records.audit import GENESIS_HASH, canonical_row
from planner.storage import SqlRepository, audit_trail, open_repository
from planner.storage import backup as bk
from planner.storage.audit_trail import anchor_file_for, key_beside
from tests.integration.factories import ACTOR, action, patient, plan, transplant

NOW = dt.datetime(2026, 3, 10, 18, 0, tzinfo=dt.UTC)
TRIGGERS = ("audit_no_update", "audit_no_delete")


@pytest.fixture(autouse=True)
def _data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRANSPLANT_PLANNER_DATA", str(tmp_path / "data"))


@pytest.fixture(autouse=True, params=[None, 1], ids=["chunked as shipped", "one row a chunk"])
def _audit_chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case also with the audit rows read one at a time: a break, an anchor or a
    document's last row in a later chunk than the first is found all the same."""
    if request.param is not None:
        monkeypatch.setattr(audit_trail, "AUDIT_CHUNK", request.param)


def _open(path: Path) -> SqlRepository:
    return open_repository(path, user=ACTOR.user, workstation=ACTOR.workstation)


@pytest.fixture
def clinic(tmp_path: Path) -> Path:
    """A clinic file: a patient, a transplant with its plan, three edits."""
    folder = tmp_path / "clinic"
    folder.mkdir(mode=0o700)
    path = folder / "Clinic.db"
    repo = _open(path)
    try:
        repo.commit(action("Add patient", patient_id="p1", patients=(patient(),)))
        repo.commit(
            action("Add transplant", patient_id="p1", transplants=(transplant(),), plans=(plan(),))
        )
        for n in range(3):
            p = repo.get_patient("p1")
            repo.commit(action("Edit", patient_id="p1", patients=(replace(p, contacts=f"c{n}"),)))
    finally:
        repo.close()
    return path


def _check(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str]:
    code = main.main(["--db", str(path), "check"])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def _tamper(path: Path, *statements: str, recreate_triggers: bool = True) -> None:
    """Run ``statements`` with the append-only triggers dropped (and put back after)."""
    conn = sqlite3.connect(path)
    try:
        saved = dict(
            conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit'"
            ).fetchall()
        )
        for name in saved:
            conn.execute(f"DROP TRIGGER {name}")
        for statement in statements:
            conn.execute(statement)
        if recreate_triggers:
            for sql in saved.values():
                conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def _rows(path: Path) -> list[dict[str, object]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM audit ORDER BY seq")]
    finally:
        conn.close()


def test_an_untouched_database_verifies(clinic: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _check(capsys, clinic)
    assert code == 0, out
    assert "verified" in out and "problem" not in out
    assert stat_mode(key_beside(clinic)) == 0o600
    assert stat_mode(anchor_file_for(clinic)) == 0o600


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_an_edited_row_with_the_chain_recomputed_in_plain_sha256_is_caught(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(clinic)
    target = 3
    # What a forger without the key can do: change the row, then recompute every later
    # hash with plain SHA-256 over the same canonical row.
    statements = []
    previous = rows[target - 2]["hash"]
    for row in rows[target - 1 :]:
        if row["seq"] == target:
            row["new"] = '"forged"'
        fields = {k: v for k, v in row.items() if k != "hash"}
        digest = hashlib.sha256((str(previous) + canonical_row(fields)).encode()).hexdigest()
        statements.append(
            f"UPDATE audit SET new = {_sql(row['new'])}, hash = '{digest}' WHERE seq = {row['seq']}"
        )
        previous = digest

    _tamper(clinic, *statements)
    code, out = _check(capsys, clinic)

    assert code == 1
    assert f"audit row {target}: the row or the chain before it was changed (expected" in out
    assert "found " in out and "restore the last verified backup" in out


def _sql(value: object) -> str:
    return "NULL" if value is None else "'" + str(value).replace("'", "''") + "'"


def test_a_chain_rewritten_in_the_old_unkeyed_scheme_is_caught(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    previous = GENESIS_HASH
    statements = []
    for row in _rows(clinic):
        fields = {k: v for k, v in row.items() if k not in ("hash", "doc_hash", "scheme")}
        digest = hashlib.sha256((previous + canonical_row(fields)).encode()).hexdigest()
        statements.append(
            f"UPDATE audit SET scheme = 'sha256', doc_hash = NULL, hash = '{digest}' "
            f"WHERE seq = {row['seq']}"
        )
        previous = digest

    _tamper(clinic, *statements)
    code, out = _check(capsys, clinic)

    assert code == 1
    assert "the database has an audit key but no keyed rows" in out
    assert "the anchor beside the database: audit row" in out  # the head no longer matches


def test_rows_cut_from_the_end_are_caught_by_the_anchor(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    n = len(_rows(clinic))
    _tamper(clinic, f"DELETE FROM audit WHERE seq > {n - 2}")

    code, out = _check(capsys, clinic)

    assert code == 1
    assert (
        f"the anchor beside the database: the audit trail ends at row {n - 2} but row {n} "
        "was recorded, so rows were removed from its end (expected row "
    ) in out
    assert f"found {n - 2} rows" in out


def test_a_deleted_anchor_is_itself_a_finding(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anchor_file_for(clinic).unlink()
    code, out = _check(capsys, clinic)
    assert code == 1 and "the anchor file is missing" in out


def test_an_anchor_moved_back_without_the_key_does_not_verify(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _rows(clinic)
    _tamper(clinic, f"DELETE FROM audit WHERE seq > {len(rows) - 1}")
    last = rows[-2]
    forged = {"seq": last["seq"], "head": last["hash"], "mac": "0" * 64}
    anchor_file_for(clinic).write_text(json.dumps(forged))

    code, out = _check(capsys, clinic)

    assert code == 1 and "the anchor was not written with this database's key" in out


@pytest.mark.parametrize(
    ("table", "statement", "entity_id"),
    [
        ("patients", "UPDATE patients SET weight_kg = 95 WHERE id = 'p1'", "p1"),
        ("plans", "UPDATE plans SET day0 = '2026-05-01' WHERE id = 'plan1'", "plan1"),
        ("transplants", "UPDATE transplants SET status = 'cancelled' WHERE id = 't1'", "t1"),
    ],
)
def test_a_document_edited_without_an_audit_row_is_caught(
    clinic: Path,
    capsys: pytest.CaptureFixture[str],
    table: str,
    statement: str,
    entity_id: str,
) -> None:
    _tamper(clinic, statement)

    code, out = _check(capsys, clinic)

    assert code == 1
    assert f"table {table}, id {entity_id}: the document differs from the one audit row" in out
    assert "so it was changed without an audit row (expected " in out


def test_a_document_added_without_an_audit_row_is_caught(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(clinic)
    try:
        conn.execute(
            "INSERT INTO records (transplant_id, kind, body, version) "
            "VALUES ('t1', 'harvest', '{}', 1)"
        )
        conn.commit()
    finally:
        conn.close()
    code, out = _check(capsys, clinic)
    assert code == 1 and "table records, id t1: no audit row records this document" in out


def test_a_missing_key_is_named_not_taken_for_tampering(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_beside(clinic).rename(clinic.with_name("elsewhere.key"))
    code, out = _check(capsys, clinic)
    assert code == 1
    assert "audit row 1: the rows from here are keyed and the audit key was not found" in out
    # The app refuses to write to it rather than start a chain nobody can verify.
    with pytest.raises(StorageError, match="The audit key of this database is missing"):
        _open(clinic)


def test_a_backup_of_a_tampered_database_is_refused(clinic: Path) -> None:
    _tamper(clinic, "UPDATE patients SET weight_kg = 95 WHERE id = 'p1'")
    with pytest.raises(StorageError, match="table patients, id p1"):
        bk.backup(clinic, clinic.parent / "backups", now=NOW)
    assert not list((clinic.parent / "backups").glob("planner-*.db"))


def test_a_restored_database_verifies_and_newer_backups_do_not_flag_it(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = clinic.parent / "backups"
    old = bk.backup(clinic, folder, now=NOW, label=bk.label_for(clinic)).path
    repo = _open(clinic)
    try:
        p = repo.get_patient("p1")
        repo.commit(action("Edit", patient_id="p1", patients=(replace(p, contacts="later"),)))
    finally:
        repo.close()
    bk.backup(clinic, folder, now=NOW + dt.timedelta(hours=1), label=bk.label_for(clinic))

    code = main.main(["--db", str(clinic), "restore", str(old)])
    out = capsys.readouterr().out
    assert code == 0, out

    code, out = _check(capsys, clinic)
    assert code == 0, out
    superseded = [b for b in bk.list_backups(folder) if b.get("superseded")]
    assert len(superseded) == 1  # the backup taken after the one restored


def test_a_column_added_by_a_later_migration_keeps_the_documents_verified(
    clinic: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import Column, MetaData, Table, Text

    from planner.storage import schema

    # What a migration adding a nullable column to a document table does (0003 did so),
    # and the program that reads it.
    conn = sqlite3.connect(clinic)
    try:
        conn.execute("ALTER TABLE patients ADD COLUMN future_field TEXT")
        conn.commit()
    finally:
        conn.close()
    later = Table(
        "patients",
        MetaData(),
        *(c._copy() for c in schema.patients.columns),
        Column("future_field", Text),
    )
    monkeypatch.setattr(schema, "patients", later)
    # As schema.PATIENT_FIELDS: every column of the document, not the derived search key.
    fields = tuple(c.name for c in later.columns if c.name != schema.SEARCH_KEY)
    monkeypatch.setattr(schema, "PATIENT_FIELDS", fields)

    code, out = _check(capsys, clinic)

    assert code == 0, out


def test_a_backup_of_another_database_restores_with_its_own_key(
    clinic: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other_folder = tmp_path / "other"
    other_folder.mkdir(mode=0o700)
    other = other_folder / "Other.db"
    repo = _open(other)
    try:
        repo.commit(action("Add patient", patient_id="p9", patients=(patient("p9", "000999"),)))
    finally:
        repo.close()
    copy = bk.backup(other, other_folder / "backups", now=NOW, label="Other").path
    own_key = key_beside(clinic).read_text()

    code = main.main(["--db", str(clinic), "restore", str(copy)])
    out = capsys.readouterr().out
    assert code == 0, out

    assert key_beside(clinic).read_text() == key_beside(other).read_text()
    kept = next(clinic.parent.glob("Clinic.db.before-restore-*[0-9]Z"))
    assert key_beside(kept).read_text() == own_key  # the replaced database keeps its key
    code, out = _check(capsys, clinic)
    assert code == 0, out
    code, out = _check(capsys, kept)
    assert code == 0, out


def test_calendar_counters_are_no_rows_of_their_own_but_are_checked(
    clinic: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Day 0 move raises the plan's calendar counters (bookkeeping, not rows of the
    trail); the stored plan's hash still covers them, so changing them behind the
    program's back is caught."""
    from planner.app.context import Context
    from planner.app.plans import move_day0

    repo = _open(clinic)
    try:
        stored = repo.get_plan("t1")
        assert stored is not None
        move_day0(repo, Context(ACTOR, NOW), stored, stored.day0 + dt.timedelta(days=2), "bed")
        moved = repo.get_plan("t1")
        assert moved is not None and moved.calendar_revisions
    finally:
        repo.close()
    fields = [str(r["field"]) for r in _rows(clinic)]
    assert "day0" in fields and not any("calendar_revisions" in f for f in fields)
    code, out = _check(capsys, clinic)
    assert code == 0, out
    conn = sqlite3.connect(clinic)
    try:
        (document,) = conn.execute("SELECT document FROM plans").fetchone()
        body = json.loads(document)
        body["calendar_revisions"] = {}  # back to 0: a phone would ignore the next change
        conn.execute("UPDATE plans SET document = ?", (json.dumps(body),))
        conn.commit()
    finally:
        conn.close()
    code, out = _check(capsys, clinic)
    assert code == 1 and "plan" in out


@pytest.mark.parametrize("chunk", [1, 2, 3, 1_000])
def test_the_rows_read_in_chunks_are_the_rows_of_one_plain_query(clinic: Path, chunk: int) -> None:
    from sqlalchemy import create_engine

    plain = [(r["seq"], r["hash"], r["old"], r["new"]) for r in _rows(clinic)]
    engine = create_engine(f"sqlite:///{clinic}")
    try:
        with engine.connect() as conn:
            read = [
                (e.seq, e.hash, e.old, e.new) for e in audit_trail.iter_audit_entries(conn, chunk)
            ]
    finally:
        engine.dispose()
    assert read == plain
    assert len(plain) > 3 and [seq for seq, *_ in plain] == list(range(1, len(plain) + 1))


@pytest.mark.parametrize("copied", ["first", "second", "last"])
def test_a_row_repeating_a_seq_in_a_table_rebuilt_without_its_key_is_caught(
    clinic: Path, capsys: pytest.CaptureFixture[str], copied: str
) -> None:
    """Read one row a chunk (the autouse fixture), a row repeating the seq a chunk ended
    with must still be read and found out of order."""
    seq = {"first": 1, "second": 2, "last": len(_rows(clinic))}[copied]
    _tamper(
        clinic,
        "CREATE TABLE audit_copy AS SELECT * FROM audit",
        "DROP TABLE audit",
        "ALTER TABLE audit_copy RENAME TO audit",
        f"INSERT INTO audit SELECT * FROM audit WHERE seq = {seq}",
        recreate_triggers=False,
    )
    code, out = _check(capsys, clinic)
    assert code == 1, out
    assert "rows are missing or out of order" in out
