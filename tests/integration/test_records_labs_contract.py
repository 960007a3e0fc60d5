"""Clinical records and lab samples: the same contract on every Repository.

Records (harvest, complications, checklists, engraftment, documents) follow the plans'
optimistic concurrency and field-level audit; lab samples are inserted in the action's
transaction and audited as ONE import event per action, so an import is saved whole or
not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from planner.errors import ConflictError, NotFoundError, StorageError, ValidationError
from planner.records.ports import RECORD_KINDS, ClinicalRecord, Repository
from planner.storage import open_repository, verify_audit
from planner.storage.memory import InMemoryRepository
from tests.integration.factories import (
    OTHER,
    action,
    lab,
    patient,
    plan,
    record,
    record_with,
    transplant,
)
from tests.integration.test_repository_contract import seed

BODY = {
    "collections": [{"day": 1, "cd34_per_kg": 2.5e6, "volume_ml": 210}],
    "note": "Zoë «ß» line 1\nline 2",
    "target_cd34": 5.0,
    "complete": False,
    "nothing": None,
}


# --- clinical records -------------------------------------------------------------


def test_record_kinds() -> None:
    assert RECORD_KINDS == (
        "harvest",
        "complications",
        "checklists",
        "engraftment",
        "documents",
        "infusion",
    )


def test_record_round_trip(repo: Repository) -> None:
    seed(repo)
    committed = repo.commit(
        action("Log harvest", patient_id="p1", records=(ClinicalRecord("t1", "harvest", BODY),))
    )
    assert [r.version for r in committed.records] == [1]
    stored = repo.get_record("t1", "harvest")
    assert stored == ClinicalRecord("t1", "harvest", BODY, 1)
    assert stored == committed.records[0]
    assert isinstance(stored.body["collections"][0]["volume_ml"], int)
    assert repo.list_records("harvest") == [stored]
    assert repo.list_records("engraftment") == []
    assert repo.get_record("t1", "engraftment") is None
    assert repo.get_record("nothing", "harvest") is None


def test_records_listed_by_transplant(repo: Repository) -> None:
    repo.commit(
        action(
            patients=(patient(),),
            transplants=(transplant("t9"), transplant("t1"), transplant("t5")),
        )
    )
    repo.commit(
        action(records=tuple(record("checklists", tid, n=tid) for tid in ("t5", "t9", "t1")))
    )
    repo.commit(action(records=(record("documents", "t5"),)))
    assert [r.transplant_id for r in repo.list_records("checklists")] == ["t1", "t5", "t9"]
    assert [r.transplant_id for r in repo.list_records("documents")] == ["t5"]


def test_record_with_its_new_transplant_in_one_action(repo: Repository) -> None:
    repo.commit(action(patients=(patient(),)))
    committed = repo.commit(
        action(transplants=(transplant(),), records=(record("engraftment", neutrophil_day=None),))
    )
    assert committed.records[0].version == 1
    assert repo.get_record("t1", "engraftment") is not None


def test_returned_body_is_a_copy(repo: Repository) -> None:
    seed(repo)
    repo.commit(action(records=(record(items=[1, 2]),)))
    got = repo.get_record("t1", "harvest")
    assert got is not None
    got.body["items"].append(3)
    again = repo.get_record("t1", "harvest")
    assert again is not None and again.body == {"items": [1, 2]}


def test_record_versions_increment(repo: Repository) -> None:
    seed(repo)
    rec = repo.commit(action(records=(record(count=0),))).records[0]
    for n in range(1, 4):
        rec = repo.commit(action(records=(record_with(rec, {"count": n}),))).records[0]
    assert rec.version == 4
    stored = repo.get_record("t1", "harvest")
    assert stored is not None and stored.version == 4 and stored.body == {"count": 3}
    before = len(repo.audit_log())
    again = repo.commit(action(records=(rec,))).records[0]  # unchanged: same version
    assert again.version == 4 and len(repo.audit_log()) == before


def test_stale_record_save_is_a_conflict_and_changes_nothing(repo: Repository) -> None:
    seed(repo)
    rec = repo.commit(action(records=(record(note="first"),))).records[0]
    read_by_a = rec
    read_by_b = rec
    repo.commit(action(records=(record_with(read_by_a, {"note": "A"}),)))
    p = repo.get_patient("p1")
    audit_before = repo.audit_log()
    with pytest.raises(ConflictError) as err:
        repo.commit(
            action(
                actor=OTHER,
                patients=(replace(p, weight_kg=80.0),),
                records=(record_with(read_by_b, {"note": "B"}),),
                lab_samples=(lab(),),
            )
        )
    assert (err.value.entity, err.value.entity_id) == ("record", "t1/harvest")
    assert (err.value.expected_version, err.value.actual_version) == (1, 2)
    stored = repo.get_record("t1", "harvest")
    assert stored is not None and stored.body == {"note": "A"} and stored.version == 2
    assert repo.get_patient("p1") == p
    assert repo.list_lab_samples() == []
    assert repo.audit_log() == audit_before


def test_new_record_over_an_existing_one_is_a_conflict(repo: Repository) -> None:
    seed(repo)
    repo.commit(action(records=(record(note="first"),)))
    with pytest.raises(ConflictError):
        repo.commit(action(records=(record(note="again"),)))  # version 0 again
    stored = repo.get_record("t1", "harvest")
    assert stored is not None and stored.body == {"note": "first"}


def test_record_audit_one_row_per_changed_key(repo: Repository) -> None:
    seed(repo)
    start = len(repo.audit_log())
    first = repo.commit(
        action(
            "Start checklist",
            patient_id="p1",
            records=(
                ClinicalRecord(
                    "t1", "checklists", {"consent": False, "items": ["echo"], "version": 1}
                ),
            ),
        )
    )
    rows = repo.audit_log()[start:]
    assert rows == list(first.audit)
    # Every top-level key, "version" included (it is body data, not the record's version).
    assert [(r.entity, r.entity_id, r.field, r.old, r.new) for r in rows] == [
        ("record:checklists", "t1", "consent", None, "false"),
        ("record:checklists", "t1", "items", None, '["echo"]'),
        ("record:checklists", "t1", "version", None, "1"),
    ]
    assert {r.patient_id for r in rows} == {"p1"}
    rec = first.records[0]
    second = repo.commit(
        action(
            "Tick item",
            reason="done",
            records=(
                record_with(
                    rec, {"consent": True, "items": ["echo", "ecg"], "version": 1, "by": "jdoe"}
                ),
            ),
        )
    )
    assert [(r.field, r.old, r.new) for r in second.audit] == [
        ("by", None, '"jdoe"'),
        ("consent", "false", "true"),
        ("items", '["echo"]', '["echo","ecg"]'),
    ]
    third = repo.commit(action(records=(record_with(second.records[0], {"consent": True}),)))
    assert [(r.field, r.old, r.new) for r in third.audit] == [
        ("by", '"jdoe"', None),
        ("items", '["echo","ecg"]', None),
        ("version", "1", None),
    ]
    assert {r.entity for r in third.audit} == {"record:checklists"}
    assert verify_audit(repo) is None


def test_unknown_kind_refused(repo: Repository) -> None:
    seed(repo)
    with pytest.raises(ValidationError) as err:
        ClinicalRecord("t1", "labs", {})
    assert err.value.field == "kind"
    with pytest.raises(ValidationError):
        repo.get_record("t1", "bogus")
    with pytest.raises(ValidationError):
        repo.list_records("bogus")
    sneaky = record()
    object.__setattr__(sneaky, "kind", "bogus")  # past the constructor's check
    before = repo.audit_log()
    with pytest.raises(ValidationError):
        repo.commit(action(records=(sneaky,)))
    assert repo.audit_log() == before


def test_body_json_cannot_hold_refused(repo: Repository) -> None:
    seed(repo)
    for body in ({"when": dt.date(2026, 4, 1)}, {"x": float("nan")}, {"s": {1, 2}}):
        with pytest.raises(ValidationError) as err:
            repo.commit(action(records=(ClinicalRecord("t1", "harvest", body),)))
        assert err.value.field == "body"
    with pytest.raises(ValidationError):
        ClinicalRecord("t1", "harvest", ["not", "a", "mapping"])  # type: ignore[arg-type]
    assert repo.get_record("t1", "harvest") is None


def test_record_for_a_missing_transplant_refused(repo: Repository) -> None:
    seed(repo)
    before = repo.audit_log()
    with pytest.raises(NotFoundError) as err:
        repo.commit(
            action(records=(record("complications", "ghost", grade=2),), lab_samples=(lab(),))
        )
    assert "ghost" not in str(err.value)
    assert repo.list_records("complications") == []
    assert repo.list_lab_samples() == []
    assert repo.audit_log() == before


def test_same_record_twice_in_one_action_is_a_programming_error(repo: Repository) -> None:
    seed(repo)
    with pytest.raises(ValueError):
        repo.commit(action(records=(record(a=1), record(a=2))))


# --- lab samples --------------------------------------------------------------------


def two_patients(repo: Repository) -> None:
    repo.commit(
        action(patients=(patient("p1", "000123"), patient("p2", "000456", family="Second")))
    )


def test_lab_samples_round_trip_exactly(repo: Repository) -> None:
    two_patients(repo)
    d1, d2 = dt.date(2026, 4, 8), dt.date(2026, 4, 9)
    samples = (
        lab("p2", d1, "plt", 12.0, mrn="000456"),
        lab("p1", d2, "anc", 0.1, "<", source="labs.csv line 7"),
        lab("p1", d1, "wbc", 0.3),
        lab("p1", d1, "anc", 0.1, "<"),
        lab("p1", d1, "anc", 0.2),  # two values on one day are kept
        lab("p1", d1, "hb", 85.0),
        lab("p1", d2, "plt", 2000.0, ">", source="entered by hand"),
    )
    committed = repo.commit(action("Import labs", lab_samples=samples))
    got = repo.list_lab_samples()
    assert got == [samples[i] for i in (3, 4, 5, 2, 1, 6, 0)]  # patient, date, analyte
    first = got[0]
    assert (first.value, first.qualifier, first.mrn, first.unit) == (0.1, "<", "000123", "10^9/L")
    assert first.display_value == "<0.1"
    assert type(first.date) is dt.date and type(first.value) is float
    assert got[4].source == "labs.csv line 7"
    assert repo.list_lab_samples("p2") == [samples[0]]
    assert repo.list_lab_samples("p1", ["anc"]) == [samples[3], samples[4], samples[1]]
    assert repo.list_lab_samples(analytes=("plt",)) == [samples[6], samples[0]]
    assert repo.list_lab_samples("p1", []) == []
    assert repo.list_lab_samples("nobody") == []
    assert len(committed.audit) == 1
    # Dated between two days, both included (what an import compares with).
    assert repo.list_lab_samples("p1", ["anc"], between=(d2, d2)) == [samples[1]]
    assert repo.list_lab_samples("p1", between=(d1, d2)) == [samples[i] for i in (3, 4, 5, 2, 1, 6)]
    assert (
        repo.list_lab_samples(between=(d2 + dt.timedelta(days=1), d2 + dt.timedelta(days=9))) == []
    )


def test_lab_import_is_one_audit_row(repo: Repository) -> None:
    two_patients(repo)
    start = len(repo.audit_log())
    samples = tuple(
        lab(
            "p1",
            dt.date(2026, 4, 1) + dt.timedelta(days=n % 10),
            ("plt", "anc")[n % 2],
            1.0 + n % 7,
        )
        for n in range(40)
    )
    committed = repo.commit(action("Import labs", reason="daily import", lab_samples=samples))
    rows = repo.audit_log()[start:]
    assert rows == list(committed.audit) and len(rows) == 1
    row = rows[0]
    assert (row.entity, row.entity_id, row.field, row.old) == ("labs", "p1", "import", None)
    assert row.patient_id == "p1" and row.action == "Import labs"
    assert json.loads(row.new or "") == {
        "samples": 40,
        "analytes": ["anc", "plt"],
        "first_date": "2026-04-01",
        "last_date": "2026-04-10",
    }
    assert "000123" not in (row.new or "")  # no MRN in the audit summary
    several = repo.commit(
        action(
            "Import labs",
            lab_samples=(lab("p1", analyte="hb", value=90.0), lab("p2", mrn="000456")),
        )
    )
    assert len(several.audit) == 1
    row = several.audit[0]
    assert (row.entity_id, row.patient_id) == ("", None)
    assert json.loads(row.new or "")["samples"] == 2
    assert json.loads(row.new or "")["analytes"] == ["anc", "hb"]
    assert verify_audit(repo) is None


def test_lab_samples_with_their_new_patient(repo: Repository) -> None:
    repo.commit(action(patients=(patient(),), lab_samples=(lab(),)))
    assert repo.list_lab_samples("p1") == [lab()]


def test_lab_samples_for_a_missing_patient_refused(repo: Repository) -> None:
    two_patients(repo)
    before = repo.audit_log()
    with pytest.raises(NotFoundError) as err:
        repo.commit(action(lab_samples=(lab("p1"), lab("ghost", mrn="999999"))))
    assert "999999" not in str(err.value) and "ghost" not in str(err.value)
    assert repo.list_lab_samples() == []
    assert repo.audit_log() == before


def test_failing_audit_insert_rolls_back_samples_and_records(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(repo)
    repo.commit(action(records=(record(note="kept"),), lab_samples=(lab(value=0.4),)))
    rec = repo.get_record("t1", "harvest")
    assert rec is not None
    before = repo.audit_log()

    def broken(*_args: object) -> None:
        raise StorageError("audit insert failed (test)")

    monkeypatch.setattr(repo, "_write_audit", broken)
    with pytest.raises(StorageError):
        repo.commit(
            action(
                records=(record_with(rec, {"note": "lost"}), record("engraftment", day=14)),
                lab_samples=tuple(lab(value=float(n)) for n in range(5)),
            )
        )
    monkeypatch.undo()
    assert repo.get_record("t1", "harvest") == rec
    assert repo.get_record("t1", "engraftment") is None
    assert repo.list_lab_samples() == [lab(value=0.4)]
    assert repo.audit_log() == before


def test_repositories_write_identical_rows_for_records_and_labs(tmp_path: Path) -> None:
    sql = open_repository(tmp_path / "same.db", user="u", workstation="w")
    mem = InMemoryRepository(audit_key=sql.audit_key)
    try:
        for r in (sql, mem):
            r.commit(
                action(
                    patients=(patient(), patient("p2", "000456", family="B")),
                    transplants=(transplant(),),
                    plans=(plan(),),
                )
            )
            rec = r.commit(
                action(
                    "Log harvest",
                    records=(ClinicalRecord("t1", "harvest", BODY),),
                    lab_samples=(lab(), lab("p2", mrn="000456")),
                )
            ).records[0]
            r.commit(action("Edit harvest", records=(record_with(rec, {"note": "x"}),)))
        assert sql.audit_log() == mem.audit_log()
        assert sql.list_records("harvest") == mem.list_records("harvest")
        assert sql.list_lab_samples() == mem.list_lab_samples()
    finally:
        sql.close()


def test_core_insert_path_for_other_databases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The portable executemany (used on PostgreSQL) stores the same as the SQLite one."""
    sql = open_repository(tmp_path / "core.db", user="u", workstation="w")
    try:
        sql.commit(action(patients=(patient(),)))
        samples = (lab(value=0.1, qualifier="<"), lab(analyte="hb", value=85.5))
        monkeypatch.setattr(sql.engine.dialect, "name", "not-sqlite")
        sql.commit(action(lab_samples=samples))
        monkeypatch.undo()
        assert sql.list_lab_samples() == list(samples)
    finally:
        sql.close()
