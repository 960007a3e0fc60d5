"""One behavioural suite for every Repository (in-memory fake, SQLite, PostgreSQL).

The fake and the SQL stores pass the same tests, so the fake can stand in for them: text
(quotes, SQL fragments, leading zeros) round-trips exactly; a stale save is a conflict that
changes nothing; a failing audit write rolls back the whole action; every changed field
gets one complete audit row, hash-chained to the one before.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from planner import __version__
from planner.domain.plans import reanchor, set_step_note
from planner.errors import ConflictError, NotFoundError, StorageError, ValidationError
from planner.records.audit import GENESIS_HASH, AuditKey, verify_chain
from planner.records.ports import Repository
from planner.records.serialize import plan_to_dict
from planner.storage import verify_audit
from tests.integration.factories import (
    ACTOR,
    AT,
    OTHER,
    action,
    allo_transplant,
    patient,
    plan,
    transplant,
)

INJECTION = "Robert'); DROP TABLE patients;--"


def seed(repo: Repository) -> None:
    """One patient with one transplant and its plan."""
    repo.commit(action("Add patient", patient_id="p1", patients=(patient(),)))
    repo.commit(
        action("Add transplant", patient_id="p1", transplants=(transplant(),), plans=(plan(),))
    )


def test_patient_round_trip_keeps_text_exactly(repo: Repository) -> None:
    p = patient(family=INJECTION, given="Zoë", contacts="line 1\nline 2 «ß»")
    committed = repo.commit(action("Add patient", patient_id="p1", patients=(p,)))
    assert committed.patients[0].version == 1
    stored = repo.get_patient("p1")
    assert stored == replace(p, version=1)
    assert stored.mrn == "000123"
    assert stored.family_name == INJECTION
    assert repo.find_patient_by_mrn("000123") == stored
    assert repo.find_patient_by_mrn("123") is None
    assert repo.list_patients() == [stored]  # the patients table is still there


def test_list_patients_ordered_by_family_then_given_name(repo: Repository) -> None:
    repo.commit(
        action(
            patients=(
                patient("p1", "A1", family="zeta", given="Bo"),
                patient("p2", "A2", family="Alpha", given="Zed"),
                patient("p3", "A3", family="alpha", given="Amy"),
            )
        )
    )
    assert [p.id for p in repo.list_patients()] == ["p3", "p2", "p1"]


def test_missing_records(repo: Repository) -> None:
    with pytest.raises(NotFoundError):
        repo.get_patient("nobody")
    with pytest.raises(NotFoundError):
        repo.get_transplant("nothing")
    assert repo.get_plan("nothing") is None
    assert repo.list_plans() == []
    assert repo.list_transplants() == []


def test_duplicate_mrn_refused_and_nothing_written(repo: Repository) -> None:
    repo.commit(action(patients=(patient("p1", "000123"),)))
    with pytest.raises(ValidationError) as err:
        repo.commit(action(patients=(patient("p2", "000123", family="Other"),)))
    assert "000123" not in str(err.value)  # no patient data in messages
    assert [p.id for p in repo.list_patients()] == ["p1"]


def test_transplants_and_plans_round_trip(repo: Repository) -> None:
    repo.commit(action(patients=(patient(), patient("p2", "M2", family="Second"))))
    t1, t2 = transplant(), allo_transplant()
    p1 = plan()
    committed = repo.commit(action("Add transplants", transplants=(t1, t2), plans=(p1,)))
    assert [t.version for t in committed.transplants] == [1, 1]
    assert repo.get_transplant("t2") == replace(t2, version=1)
    assert repo.get_transplant("t2").donor == t2.donor
    assert [t.id for t in repo.list_transplants("p1")] == ["t1", "t2"]
    assert repo.list_transplants("p2") == []
    stored = repo.get_plan("t1")
    assert stored is not None
    assert plan_to_dict(stored) == plan_to_dict(replace(p1, version=1))
    assert stored == committed.plans[0]
    assert repo.list_plans() == [stored]


def test_transplant_needs_its_patient(repo: Repository) -> None:
    with pytest.raises(NotFoundError):
        repo.commit(action(transplants=(transplant(pid="ghost"),)))
    with pytest.raises(NotFoundError):
        repo.commit(action(plans=(plan(tid="ghost"),)))
    assert repo.audit_log() == []


def test_second_plan_for_a_transplant_is_a_conflict(repo: Repository) -> None:
    seed(repo)
    with pytest.raises(ConflictError):
        repo.commit(action(plans=(plan(plan_id="plan2"),)))
    stored = repo.get_plan("t1")
    assert stored is not None and stored.id == "plan1"


def test_versions_increment_on_each_save(repo: Repository) -> None:
    seed(repo)
    p = repo.get_patient("p1")
    for n in range(3):
        p = repo.commit(action(patients=(replace(p, weight_kg=61.0 + n),))).patients[0]
    assert p.version == 4
    assert repo.get_patient("p1").version == 4
    pl = repo.get_plan("t1")
    assert pl is not None
    moved, _ = reanchor(pl, dt.date(2026, 4, 3), "bed not ready")
    assert repo.commit(action(plans=(moved,))).plans[0].version == 2
    # Saving an unchanged record keeps its version and writes no audit row.
    before = len(repo.audit_log())
    again = repo.commit(action(patients=(p,))).patients[0]
    assert again.version == 4 and len(repo.audit_log()) == before


def test_stale_save_is_a_conflict_and_changes_nothing(repo: Repository) -> None:
    seed(repo)
    read_by_a = repo.get_patient("p1")
    read_by_b = repo.get_patient("p1")
    plan_b = repo.get_plan("t1")
    assert plan_b is not None
    repo.commit(action("Edit weight", patients=(replace(read_by_a, weight_kg=70.0),)))
    audit_before = repo.audit_log()
    with pytest.raises(ConflictError) as err:
        repo.commit(
            action(
                "Edit weight",
                actor=OTHER,
                plans=(set_step_note(plan_b, plan_b.steps[0].id, "B's note"),),
                patients=(replace(read_by_b, weight_kg=55.0),),
            )
        )
    assert (err.value.entity, err.value.entity_id) == ("patient", "p1")
    assert (err.value.expected_version, err.value.actual_version) == (1, 2)
    assert repo.get_patient("p1").weight_kg == 70.0  # A's value, not overwritten
    stored_plan = repo.get_plan("t1")
    assert stored_plan is not None and stored_plan.steps[0].note == ""  # no half action
    assert stored_plan.version == 1
    assert repo.audit_log() == audit_before


def test_new_record_with_existing_id_is_a_conflict(repo: Repository) -> None:
    seed(repo)
    with pytest.raises(ConflictError):
        repo.commit(action(patients=(patient(family="Impostor"),)))  # version 0 again
    assert repo.get_patient("p1").family_name == "Testperson"


def test_one_audit_row_per_changed_field(repo: Repository) -> None:
    seed(repo)
    start = len(repo.audit_log())
    p = repo.get_patient("p1")
    committed = repo.commit(
        action(
            "Edit patient",
            reason="re-weighed",
            patient_id="p1",
            patients=(replace(p, weight_kg=58.25, family_name="Newname"),),
        )
    )
    rows = repo.audit_log()[start:]
    assert rows == list(committed.audit)
    assert [(r.entity, r.entity_id, r.field, r.old, r.new) for r in rows] == [
        ("patient", "p1", "family_name", '"Testperson"', '"Newname"'),
        ("patient", "p1", "weight_kg", "60.5", "58.25"),
    ]
    for r in rows:
        assert (r.user, r.workstation) == (ACTOR.user, ACTOR.workstation)
        assert r.at_utc == "2026-03-10T08:30:00.000000+00:00"
        assert r.utc_offset_min == 60
        assert r.patient_id == "p1"
        assert r.action == "Edit patient" and r.reason == "re-weighed"
        assert r.app_version == __version__
    assert [r.seq for r in rows] == list(range(start + 1, start + 3))


def test_plan_changes_audited_step_by_step(repo: Repository) -> None:
    seed(repo)
    start = len(repo.audit_log())
    pl = repo.get_plan("t1")
    assert pl is not None
    moved, _ = reanchor(pl, dt.date(2026, 4, 3), "bed not ready")
    noted = set_step_note(moved, moved.steps[1].id, "check creatinine")
    repo.commit(action("Move Day 0", reason="bed not ready", plans=(noted,)))
    rows = repo.audit_log()[start:]
    fields = {r.field: (r.old, r.new) for r in rows}
    assert fields["day0"] == ('"2026-04-01"', '"2026-04-03"')
    assert fields[f"steps[{moved.steps[1].id}].note"] == ('""', '"check creatinine"')
    assert "day0_history" in fields
    assert {r.patient_id for r in rows} == {"p1"}  # a plan's rows name its patient
    assert {r.entity for r in rows} == {"plan"}


def test_audit_log_for_one_patient(repo: Repository) -> None:
    repo.commit(action(patients=(patient("p1", "M1"), patient("p2", "M2", family="B"))))
    rows = repo.audit_log("p2")
    assert rows and {r.patient_id for r in rows} == {"p2"}
    assert len(repo.audit_log()) == len(rows) + len(repo.audit_log("p1"))


def test_event_action_writes_one_event_row(repo: Repository) -> None:
    seed(repo)
    start = len(repo.audit_log())
    committed = repo.commit(
        action("Print handout", patient_id="p1", event="printed the patient calendar")
    )
    assert committed.patients == () and len(committed.audit) == 1
    rows = repo.audit_log()[start:]
    assert len(rows) == 1
    row = rows[0]
    assert (row.entity, row.entity_id, row.patient_id) == ("event", "p1", "p1")
    assert json.loads(row.new or "") == "printed the patient calendar"
    assert row.action == "Print handout"
    clinic = repo.commit(action("Open clinic board", event="viewed the board"))
    assert clinic.audit[0].patient_id is None


def test_failing_audit_write_rolls_back_the_whole_action(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(repo)
    p = repo.get_patient("p1")
    pl = repo.get_plan("t1")
    assert pl is not None
    before = repo.audit_log()

    def broken(*_args: object) -> None:
        raise StorageError("audit insert failed (test)")

    monkeypatch.setattr(repo, "_write_audit", broken)
    with pytest.raises(StorageError):
        repo.commit(
            action(
                patients=(replace(p, weight_kg=99.0),),
                plans=(set_step_note(pl, pl.steps[0].id, "lost"),),
            )
        )
    monkeypatch.undo()
    assert repo.get_patient("p1") == p
    assert repo.get_plan("t1") == pl
    assert repo.audit_log() == before


def test_chain_verifies_and_links_every_row(repo: Repository) -> None:
    seed(repo)
    p = repo.get_patient("p1")
    repo.commit(action(patients=(replace(p, abo="A"),)))
    repo.commit(action("View patient", patient_id="p1", event="viewed"))
    rows = repo.audit_log()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert verify_audit(repo) is None
    assert verify_chain(rows, repo.audit_key) is None
    assert rows[0].hash != GENESIS_HASH
    assert len({r.hash for r in rows}) == len(rows)
    tampered = [*rows[:2], replace(rows[2], new='"B"'), *rows[3:]]
    assert verify_chain(tampered, repo.audit_key) == 3
    # Without the key the keyed rows cannot be verified, and another key fails them.
    assert verify_chain(rows) == 1
    assert verify_chain(rows, AuditKey.generate()) == 1


def test_naive_time_is_refused(repo: Repository) -> None:
    with pytest.raises(ValueError):
        repo.commit(action(at=dt.datetime(2026, 3, 10, 9, 30), patients=(patient(),)))
    assert repo.list_patients() == []


def test_closed_repository_refuses(repo: Repository) -> None:
    repo.close()
    with pytest.raises(StorageError):
        repo.list_patients()
    repo.close()  # idempotent


def test_all_repositories_write_identical_audit_rows(tmp_path: object) -> None:
    """The fake and the SQL store produce the same rows, hashes included."""
    from pathlib import Path

    from planner.storage import open_repository
    from planner.storage.memory import InMemoryRepository

    assert isinstance(tmp_path, Path)
    sql = open_repository(tmp_path / "same.db", user="u", workstation="w")
    mem = InMemoryRepository(audit_key=sql.audit_key)
    try:
        for r in (sql, mem):
            seed(r)
            pl = r.get_plan("t1")
            assert pl is not None
            r.commit(
                action("Move Day 0", reason="x", plans=(reanchor(pl, dt.date(2026, 4, 5), "x")[0],))
            )
            r.commit(action("Export", patient_id="p1", event="exported CSV"))
        assert sql.audit_log() == mem.audit_log()
        assert AT.utcoffset() == dt.timedelta(hours=1)
    finally:
        sql.close()
