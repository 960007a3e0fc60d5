"""Shared-server mode: the append-only audit and the schema check on PostgreSQL.

Runs only with PLANNER_TEST_DATABASE_URL (a disposable database: its tables are dropped).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

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


def test_workstations_share_the_board_entries_a_server_stores(pg: SqlRepository) -> None:
    """Each workstation stores board entries for everyone's next start (one row per
    transplant, inserted or replaced in one statement: two stores at once cannot collide),
    and any of them reads them with the marks; another workstation's commit raises the
    mark its entry was stored at."""
    from planner.records.ports import BoardEntry
    from tests.integration.factories import lab, plan, transplant

    pg.commit(action(patients=(patient(),), transplants=(transplant(),), plans=(plan(),)))
    other = open_repository(PG_URL, user="other", workstation="ws-2")
    try:
        (indexed,) = pg.board_index()
        pg.store_board_entries([BoardEntry("t1", indexed.mark, "en", "mine")])
        assert other.board_index()[0].entry == BoardEntry("t1", indexed.mark, "en", "mine")
        other.store_board_entries([BoardEntry("t1", indexed.mark, "en", "theirs")])  # replaced
        assert pg.board_index() == [
            replace(indexed, entry=BoardEntry("t1", indexed.mark, "en", "theirs"))
        ]
        other.commit(action(lab_samples=(lab(),)))
        (after,) = pg.board_index()
        assert after.mark > indexed.mark and after.entry is not None
        assert after.entry.mark == indexed.mark  # kept, and known stale
    finally:
        other.close()


def test_two_workstations_storing_entries_at_once_never_fail(pg: SqlRepository) -> None:
    """The upsert is one statement per row: stores of the same rows from two connections
    at the same moment both go through (the last one stays)."""
    import threading

    from planner.records.ports import BoardEntry
    from tests.integration.factories import transplant

    pg.commit(
        action(
            patients=(patient(),),
            transplants=tuple(transplant(f"t{i}") for i in range(20)),
        )
    )
    other = open_repository(PG_URL, user="other", workstation="ws-2")
    failures: list[BaseException] = []

    def whole(text_: str) -> str:  # a head and two day lines (schema 0012 keeps them apart)
        return f"{text_}\n2026-03-10{text_}1\n2026-03-11{text_}2"

    def store(repo: SqlRepository, text_: str) -> None:
        try:
            for _ in range(10):
                repo.store_board_entries(
                    [BoardEntry(f"t{i}", 1, "", whole(text_)) for i in range(20)]
                )
        except BaseException as exc:  # reported below
            failures.append(exc)

    try:
        threads = [
            threading.Thread(target=store, args=(pg, "a")),
            threading.Thread(target=store, args=(other, "b")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert failures == []
        stored = {i.entry.payload for i in pg.board_index() if i.entry is not None}
        # Each entry whole, one workstation's: never one's head with the other's lines.
        assert len(pg.board_index()) == 20 and stored <= {whole("a"), whole("b")}
    finally:
        other.close()
