"""Lab and harvest use cases on every repository: one commit per action, hostile imports."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from planner.app.context import Context
from planner.app.counts import (
    clear_engraftment_override,
    load_recovery,
    override_engraftment,
    record_counts,
    record_transfusion,
)
from planner.app.harvest import (
    add_collection,
    edit_collection,
    load_harvest,
    record_pb_cd34,
    remove_collection,
)
from planner.app.lab_import import import_labs
from planner.errors import ConflictError, ValidationError
from planner.labimport.reader import ColumnMapping, LabImportError, Limits
from planner.records.harvest_log import Collection, new_collection_id, stop_alert
from planner.records.ports import Action, Committed, Repository
from planner.records.recovery import assess
from tests.integration.factories import ACTOR, AT, action, patient, transplant

DATA = Path(__file__).resolve().parents[1] / "data" / "labs"
MESSY = ColumnMapping(mrn="MRN", date="Collected", analyte="Test", value="Result", unit="Units")
CTX = Context(ACTOR, AT)
TODAY = AT.date()
DAY0 = dt.date(2026, 2, 20)


class Counting:
    """The repository with its commits counted."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.commits = 0

    def commit(self, act: Action) -> Committed:
        self.commits += 1
        return self.repo.commit(act)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.repo, name)


@pytest.fixture
def clinic(repo: Repository) -> Counting:
    repo.commit(
        action("Setup", patients=(patient(),), transplants=(replace(transplant(), day0=DAY0),))
    )
    return Counting(repo)


def _r(c: Counting) -> Repository:
    return c  # type: ignore[return-value]


def test_harvest_flow_one_commit_each(clinic: Counting) -> None:
    repo = _r(clinic)
    record_pb_cd34(repo, CTX, "t1", TODAY, 25)
    change = add_collection(repo, CTX, "t1", Collection("c1", TODAY, 250, 60.5, cd34_per_ul=1500))
    assert change.parts == {"harvest"} and change.subject == "c1"
    log, _ = load_harvest(repo, "t1")
    assert clinic.commits == 2
    assert log.total().value == pytest.approx(1500 * 250 * 1000 / 60.5 / 1e6)
    alert = stop_alert(log, False)
    assert alert is not None and alert.kind == "stop"
    stored, version = load_harvest(repo, "t1")
    assert stored == log and version == 2
    edit_collection(repo, CTX, "t1", Collection("c1", TODAY, 100, 60.5, cd34_per_ul=600), version)
    edited, _ = load_harvest(repo, "t1")
    assert len(edited.collections) == 1 and edited.total().value < 2
    audit = repo.audit_log()
    assert [e.action for e in audit[-3:]][-1] == "Edit apheresis collection"


def test_concurrent_adds_from_stale_views_keep_both_collections(clinic: Counting) -> None:
    repo = _r(clinic)
    add_collection(
        repo, CTX, "t1", Collection(new_collection_id(), TODAY, 250, 60, cd34_per_ul=500)
    )
    # Two workstations read the same log, then each adds a collection.
    view_a, _ = load_harvest(repo, "t1")
    view_b, _ = load_harvest(repo, "t1")
    a = Collection(view_a.next_collection_id(), TODAY, 200, 60, cd34_per_ul=400)
    b = Collection(view_b.next_collection_id(), TODAY, 180, 60, cd34_per_ul=300)
    assert a.id != b.id
    add_collection(repo, CTX, "t1", a)
    add_collection(repo, CTX, "t1", b)
    stored, _ = load_harvest(repo, "t1")
    assert len(stored.collections) == 3
    assert {a.id, b.id} <= {c.id for c in stored.collections}


def test_add_with_an_existing_id_is_refused(clinic: Counting) -> None:
    repo = _r(clinic)
    add_collection(repo, CTX, "t1", Collection("c1", TODAY, 250, 60, cd34_per_ul=500))
    with pytest.raises(ValidationError, match="already in the log"):
        add_collection(repo, CTX, "t1", Collection("c1", TODAY, 100, 60, cd34_per_ul=900))
    stored, _ = load_harvest(repo, "t1")
    assert [c.product_volume_ml for c in stored.collections] == [250]
    assert clinic.commits == 1


def test_stale_edit_raises_conflict_and_writes_nothing(clinic: Counting) -> None:
    repo = _r(clinic)
    add_collection(repo, CTX, "t1", Collection("c1", TODAY, 250, 60, cd34_per_ul=500))
    _, read = load_harvest(repo, "t1")  # this workstation reads version 1
    add_collection(repo, CTX, "t1", Collection("c2", TODAY, 200, 60, cd34_per_ul=400))  # another
    with pytest.raises(ConflictError):
        edit_collection(repo, CTX, "t1", Collection("c1", TODAY, 100, 60, cd34_per_ul=900), read)
    stored, version = load_harvest(repo, "t1")
    assert version == 2 and [c.product_volume_ml for c in stored.collections] == [250, 200]
    with pytest.raises(ValidationError, match="not in the log"):
        edit_collection(repo, CTX, "t1", Collection("c9", TODAY, 100, 60, cd34_per_ul=9), version)


def test_edit_version_is_checked_by_the_commit(clinic: Counting, monkeypatch) -> None:
    """Another save between the re-read and the commit is caught by the store."""
    import planner.app.harvest as labservice

    repo = _r(clinic)
    add_collection(repo, CTX, "t1", Collection("c1", TODAY, 250, 60, cd34_per_ul=500))
    real = labservice._read

    def racing(r: Repository, tid: str):  # the other save lands right after our read
        read = real(r, tid)
        monkeypatch.setattr(labservice, "_read", real)
        add_collection(repo, CTX, "t1", Collection("c2", TODAY, 200, 60, cd34_per_ul=400))
        return read

    monkeypatch.setattr(labservice, "_read", racing)
    with pytest.raises(ConflictError):
        edit_collection(repo, CTX, "t1", Collection("c1", TODAY, 100, 60, cd34_per_ul=900), 1)
    stored, _ = load_harvest(repo, "t1")
    assert [c.product_volume_ml for c in stored.collections] == [250, 200]


def test_harvest_future_and_bad_values_write_nothing(clinic: Counting) -> None:
    repo = _r(clinic)
    with pytest.raises(ValidationError, match="future"):
        record_pb_cd34(repo, CTX, "t1", TODAY + dt.timedelta(days=1), 25)
    with pytest.raises(ValidationError):
        record_pb_cd34(repo, CTX, "t1", TODAY, -3)
    with pytest.raises(ValidationError, match="reason"):
        remove_collection(repo, CTX, "t1", "c1", "")
    assert clinic.commits == 0
    assert repo.get_record("t1", "harvest") is None


def test_import_messy_dry_run_then_import_then_duplicates(clinic: Counting) -> None:
    repo = _r(clinic)
    data = (DATA / "messy_export.csv").read_bytes()
    dry = import_labs(repo, CTX, data, "messy_export.csv", MESSY, dry_run=True)
    assert clinic.commits == 0 and repo.list_lab_samples() == []
    assert dry.dry_run and dry.accepted and dry.rejected
    reasons = " ".join(r.reason for r in dry.rejected)
    for expected in (
        "Unknown MRN",
        "ISO date",
        "Unknown unit",
        "physical range",
        "pending",
        "Duplicate",
        "Conflicting",
        "not a number",
    ):
        assert expected in reasons
    assert all(r.line > 1 for r in dry.rejected)
    assert "dry run, nothing saved" in dry.summary()

    done = import_labs(repo, CTX, data, "messy_export.csv", MESSY)
    assert clinic.commits == 1
    stored = repo.list_lab_samples("p1")
    assert len(stored) == len(done.accepted) == len(dry.accepted)
    assert all(s.mrn == "000123" for s in stored)
    assert {s.source.split(" line ")[0] for s in stored} == {"messy_export.csv"}

    again = import_labs(repo, CTX, data, "messy_export.csv", MESSY)
    assert clinic.commits == 1  # nothing new: no commit
    assert again.accepted == ()
    assert sum("already stored" in r.reason for r in again.rejected) == len(done.accepted)


def test_import_conflict_with_stored_value(clinic: Counting) -> None:
    repo = _r(clinic)
    csv = b"MRN,Collected,Test,Result,Units\n000123,2026-03-01,ANC,0.4,10^9/L\n"
    import_labs(repo, CTX, csv, "a.csv", MESSY)
    other = (
        b"MRN,Collected,Test,Result,Units\n000123,2026-03-01,ANC,400,/uL\n"
        b"000123,2026-03-01,ANC,0.9,10^9/L\n"
    )
    report = import_labs(repo, CTX, other, "b.csv", MESSY)
    # 400/uL = 0.4: a duplicate of the stored value; 0.9 conflicts (in-file and stored)
    assert report.accepted == ()
    assert len(report.rejected) == 2


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "labs.csv", "not a text file"),
        ("MRN,Collected\n000123,Zoë\n".encode("utf-32"), "labs.csv", "UTF-32"),
        (b"\x7fELF\x02\x01", "labs.csv", "binary"),
        (b"MRN;X\n1;2\n", "labs.csv", "not found"),
        (b"x", "labs.pdf", "cannot be imported"),
    ],
)
def test_hostile_files_refused_with_nothing_written(
    clinic: Counting, data: bytes, name: str, message: str
) -> None:
    with pytest.raises(LabImportError, match=message):
        import_labs(_r(clinic), CTX, data, name, MESSY)
    assert clinic.commits == 0


def test_oversize_refused(clinic: Counting) -> None:
    with pytest.raises(LabImportError, match="MB"):
        import_labs(
            _r(clinic),
            CTX,
            b"MRN\n" + b"1\n" * 2000,
            "big.csv",
            MESSY,
            limits=Limits(max_bytes=1000),
        )
    assert clinic.commits == 0


def test_text_stays_literal(clinic: Counting) -> None:
    csv = (
        b"MRN,Collected,Test,Result,Units\n000123,2026-03-01,ANC,NA,10^9/L\n"
        b"123,2026-03-01,ANC,0.5,10^9/L\n"
    )
    report = import_labs(_r(clinic), CTX, csv, "a.csv", MESSY, dry_run=True)
    assert [r.reason.split(":")[0] for r in report.rejected] == [
        "The value 'NA' is not a number.",
        "Unknown MRN '123'",
    ]


def test_record_counts_and_correction(clinic: Counting) -> None:
    repo = _r(clinic)
    day = dt.date(2026, 3, 1)
    new = record_counts(repo, CTX, "t1", day, {"anc": 5.0, "plt": 30}).samples
    assert len(new) == 2 and clinic.commits == 1
    same = record_counts(repo, CTX, "t1", day, {"anc": 5.0})  # same value: nothing
    assert same.samples == () and not same.parts
    assert clinic.commits == 1
    with pytest.raises(ValidationError, match="needs a reason"):
        record_counts(repo, CTX, "t1", day, {"anc": 0.5})
    record_counts(repo, CTX, "t1", day, {"anc": 0.5}, reason="typo: 5.0 for 0.5")
    assert clinic.commits == 2
    rec, _ = load_recovery(repo, "t1")
    assert len(rec.superseded) == 1 and rec.superseded[0].value == 5.0
    status = assess(repo.get_transplant("t1"), repo.list_lab_samples("p1"), rec, TODAY)
    assert status.neutrophil.nadir_value == 0.5
    with pytest.raises(ValidationError):
        record_counts(repo, CTX, "t1", day, {"anc": 500.0})
    with pytest.raises(ValidationError, match="future"):
        record_counts(repo, CTX, "t1", TODAY + dt.timedelta(days=1), {"anc": 1.0})


def test_override_transfusion(clinic: Counting) -> None:
    repo = _r(clinic)
    with pytest.raises(ValidationError, match="reason"):
        override_engraftment(repo, CTX, "t1", "neutrophil", dt.date(2026, 3, 3), " ")
    with pytest.raises(ValidationError, match="before Day 0"):
        override_engraftment(repo, CTX, "t1", "neutrophil", dt.date(2026, 2, 1), "x")
    assert clinic.commits == 0
    override_engraftment(repo, CTX, "t1", "neutrophil", dt.date(2026, 3, 3), "manual differential")
    rec, _ = load_recovery(repo, "t1")
    assert rec.overrides["neutrophil"].by == ACTOR.user
    assert repo.audit_log()[-1].reason == "manual differential"
    record_transfusion(repo, CTX, "t1", dt.date(2026, 3, 2), "platelets")
    rec, _ = load_recovery(repo, "t1")
    assert rec.overrides and rec.transfusions
    change = clear_engraftment_override(repo, CTX, "t1", "neutrophil", "wrong patient")
    assert change.parts == {"engraftment"}
    rec, _ = load_recovery(repo, "t1")
    assert not rec.overrides and clinic.commits == 3
