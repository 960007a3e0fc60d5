"""Shared-server mode: the append-only audit and the schema check on PostgreSQL.

Runs only with PLANNER_TEST_DATABASE_URL (a disposable database: its tables are dropped).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from planner.errors import StorageError
from planner.storage import SqlRepository, open_repository, verify_audit
from tests.integration.conftest import PG_URL, _reset_postgres
from tests.integration.factories import ACTOR, action, patient

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="PLANNER_TEST_DATABASE_URL is not set"),
]


@pytest.fixture
def pg() -> Iterator[SqlRepository]:
    _reset_postgres(PG_URL)
    repo = open_repository(PG_URL, user=ACTOR.user, workstation=ACTOR.workstation)
    try:
        yield repo
    finally:
        repo.close()


def test_audit_append_only_on_postgres(pg: SqlRepository) -> None:
    pg.commit(action(patients=(patient(),)))
    before = pg.audit_log()
    for statement in (
        "UPDATE audit SET new = 'x' WHERE seq = 1",
        "DELETE FROM audit",
        "TRUNCATE audit",
    ):
        with (
            pytest.raises(DBAPIError, match="audit rows cannot be changed"),
            pg.engine.begin() as conn,
        ):
            conn.execute(text(statement))
    assert pg.audit_log() == before
    assert verify_audit(pg) is None


def test_newer_schema_refused_on_postgres(pg: SqlRepository) -> None:
    with pg.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0999'"))
    with pytest.raises(StorageError, match=r"newer version of Transplant Planner \(schema 0999\)"):
        open_repository(PG_URL, user="u", workstation="w")


def _check_server(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    import main

    code = main.main(["--db", PG_URL, "check"])
    out, err = capsys.readouterr()
    assert err == ""
    return code, out


def test_check_runs_on_postgres_and_names_a_document_edited_behind_the_app(
    pg: SqlRepository, capsys: pytest.CaptureFixture[str]
) -> None:
    pg.commit(action(patients=(patient(),)))
    last = pg.audit_log()[-1].seq  # the patient's last keyed row (one row per field)
    code, out = _check_server(capsys)
    assert code == 0 and "checked by the PostgreSQL server" in out and "verified" in out, out

    with pg.engine.begin() as conn:
        conn.execute(text("UPDATE patients SET weight_kg = 95 WHERE id = 'p1'"))
    code, out = _check_server(capsys)

    assert code == 1
    assert (
        f"table patients, id p1: the document differs from the one audit row {last} recorded" in out
    )


def test_check_on_postgres_catches_rows_cut_from_the_end(
    pg: SqlRepository, capsys: pytest.CaptureFixture[str]
) -> None:
    pg.commit(action(patients=(patient(),)))
    pg.commit(action("View patient", patient_id="p1", event="viewed"))
    n = len(pg.audit_log())
    with pg.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit DISABLE TRIGGER audit_no_change"))
        conn.execute(text(f"DELETE FROM audit WHERE seq = {n}"))
        conn.execute(text("ALTER TABLE audit ENABLE TRIGGER audit_no_change"))

    code, out = _check_server(capsys)

    assert code == 1
    assert f"this workstation's anchor: the audit trail ends at row {n - 1} but row {n}" in out


def test_workstations_share_the_board_a_server_stores(pg: SqlRepository) -> None:
    """Each workstation stores the board for everyone's next start (one row, replaced:
    two stores at once cannot collide), and any of them reads it once connected."""
    import datetime as dt

    from planner.app.snapshot import save_board_snapshot, stored_start_board
    from tests.integration.factories import lab, plan, transplant

    today = dt.date(2026, 3, 10)
    pg.commit(action(patients=(patient(),), transplants=(transplant(),), plans=(plan(day0=today),)))
    other = open_repository(PG_URL, user="other", workstation="ws-2")
    try:
        save_board_snapshot(pg, today)
        board = stored_start_board(other, today)
        assert board is not None and [r.day for r in board.rows] == [0]
        save_board_snapshot(other, today)  # the same row, replaced
        assert stored_start_board(pg, today) == board
        other.commit(action(lab_samples=(lab(),)))
        assert stored_start_board(pg, today) is None
    finally:
        other.close()
