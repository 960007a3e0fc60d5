"""An HL7 v2 lab feed through the import use case on every repository: the same stored
samples as a CSV of the same results, creatinine in umol/L stored in mg/dL, a dry run
writes nothing, a second import finds duplicates (issue 18)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from planner.app.context import Context
from planner.app.lab_import import import_labs
from planner.domain.labs import LabSample
from planner.labimport.reader import ColumnMapping
from planner.records.ports import Repository
from tests.integration.factories import ACTOR, AT, action, patient, transplant

CTX = Context(ACTOR, AT)
LONG = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")

HL7 = (
    b"\x0b"
    b"MSH|^~\\&|LIS|CENTRAL LAB|PLANNER|BMT|20260302083000+0100||ORU^R01^ORU_R01|1|P|2.5.1\r"
    b"PID|1||X1^^^NAT^NI~000123^^^CENTRAL^MR||Testperson^Ada\r"
    b"OBR|1|||CBC|||20260301233000-0500\r"
    b"OBX|1|NM|6690-2^WBC^LN||4.1|10\\S\\9/L|||||F\r"
    b"OBX|2|SN|751-8^ANC^LN||<^0.1|10*9/L|||||F\r"
    b"OBX|3|NM|777-3^Platelets^LN||18000|/uL|||||C\r"
    b"OBX|4|NM|718-7^Hemoglobin^LN||8.4|g/dL|||||F\r"
    b"OBX|5|NM|2160-0^Creatinine^LN||97|umol/L|||||F\r"
    b"OBX|6|NM|1975-2^Bilirubin^LN||34.2|umol/L|||||F\r"
    b"OBX|7|NM|777-3^Platelets^LN||21|10*9/L|||||P\r"
    b"\x1c\r"
    b"\x0b"
    b"MSH|^~\\&|LIS|CENTRAL LAB|PLANNER|BMT|20260303083000+0100||ORU^R01^ORU_R01|2|P|2.5.1\r"
    b"PID|1||000456^^^CENTRAL^MR||Otherperson^Bea\r"
    b"OBR|1|||CHEM|||20260302\r"
    b"OBX|1|NM|2160-0^Creatinine^LN||1.3|mg/dL|||||F\r"
    b"\x1c\r"
)

CSV = (
    "MRN,Date,Test,Result,Unit\n"
    "000123,2026-03-01,WBC,4.1,10^9/L\n"
    "000123,2026-03-01,ANC,<0.1,10*9/L\n"
    "000123,2026-03-01,PLT,18000,/uL\n"
    "000123,2026-03-01,HB,8.4,g/dL\n"
    "000123,2026-03-01,Creatinine,97,umol/L\n"
    "000123,2026-03-01,Bilirubin,34.2,µmol/L\n"
    "000456,2026-03-02,2160-0,1.3,mg/dL\n"
).encode()


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    repo.commit(
        action(
            "Setup",
            patients=(patient(), patient("p2", "000456", "Otherperson", "Bea")),
            transplants=(
                replace(transplant(), day0=dt.date(2026, 2, 20)),
                replace(transplant("t2", "p2"), day0=dt.date(2026, 2, 22)),
            ),
        )
    )
    return repo


def _values(samples: tuple[LabSample, ...] | list[LabSample]) -> list[tuple[object, ...]]:
    """Everything a sample stores except where it came from."""
    return sorted(
        (s.patient_id, s.mrn, s.date, s.analyte, s.value, s.unit, s.qualifier) for s in samples
    )


def test_hl7_and_csv_of_the_same_results_store_the_same_samples(clinic: Repository) -> None:
    from_csv = import_labs(clinic, CTX, CSV, "labs.csv", LONG, dry_run=True)
    assert from_csv.rejected == ()
    report = import_labs(clinic, CTX, HL7, "feed.hl7", LONG)
    assert [r.reason for r in report.rejected] == [
        "message 1, OBX 7: Result status P (preliminary) is not final; only final (F) and "
        "corrected (C) results are imported."
    ]
    stored = clinic.list_lab_samples()
    assert _values(stored) == _values(from_csv.accepted)
    assert {s.source for s in stored if s.analyte == "creatinine" and s.patient_id == "p2"} == {
        "feed.hl7 message 2, OBX 1"
    }
    # The CSV again: every row a duplicate of what the feed stored, value for value.
    again = import_labs(clinic, CTX, CSV, "labs.csv", LONG)
    assert again.accepted == () and len(again.rejected) == 7
    assert all(r.reason.startswith("Duplicate:") for r in again.rejected)


def test_creatinine_and_bilirubin_in_umol_l_land_in_mg_dl(clinic: Repository) -> None:
    import_labs(clinic, CTX, HL7, "feed.hl7", LONG)
    chemistry = {
        (s.patient_id, s.analyte): (s.value, s.unit)
        for s in clinic.list_lab_samples(analytes=["creatinine", "bilirubin"])
    }
    assert chemistry == {
        ("p1", "creatinine"): (round(97 / 88.4, 6), "mg/dL"),
        ("p1", "bilirubin"): (2.0, "mg/dL"),
        ("p2", "creatinine"): (1.3, "mg/dL"),
    }


def test_dry_run_writes_nothing(clinic: Repository) -> None:
    audit = len(clinic.audit_log())
    report = import_labs(clinic, CTX, HL7, "feed.hl7", LONG, dry_run=True)
    assert len(report.accepted) == 7 and report.dry_run and report.change is None
    assert clinic.list_lab_samples() == []
    assert len(clinic.audit_log()) == audit


def test_reimport_finds_duplicates_naming_message_and_obx(clinic: Repository) -> None:
    first = import_labs(clinic, CTX, HL7, "feed.hl7", LONG, mapping_name="Central lab")
    assert len(first.accepted) == 7
    assert "mapping 'Central lab'" in clinic.audit_log()[-1].reason
    again = import_labs(clinic, CTX, HL7, "feed.hl7", LONG)
    assert again.accepted == () and again.change is not None and not again.change.parts
    duplicates = [r.reason for r in again.rejected if "Duplicate" in r.reason]
    assert len(duplicates) == 7
    assert duplicates[0] == (
        "message 1, OBX 1: Duplicate: WBC 4.1 on 2026-03-01 is already stored "
        "(feed.hl7 message 1, OBX 1)."
    )
    assert len(clinic.list_lab_samples()) == 7


def test_a_corrected_result_that_differs_is_a_conflict_not_an_overwrite(
    clinic: Repository,
) -> None:
    import_labs(clinic, CTX, HL7, "feed.hl7", LONG)
    corrected = HL7.replace(
        b"OBX|5|NM|2160-0^Creatinine^LN||97|umol/L|||||F",
        b"OBX|5|NM|2160-0^Creatinine^LN||106|umol/L|||||C",
    )
    report = import_labs(clinic, CTX, corrected, "feed2.hl7", LONG)
    (conflict,) = [r.reason for r in report.rejected if "Conflicts" in r.reason]
    assert conflict.startswith("message 1, OBX 5: Conflicts with the stored Creatinine of")
    assert [s.value for s in clinic.list_lab_samples("p1", ["creatinine"])] == [round(97 / 88.4, 6)]
