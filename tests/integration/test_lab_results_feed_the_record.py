"""Lab results that feed the rest of the record (issue 18): a newer serum creatinine
becomes the patient's (what dose rules, calculators and the double check read) in the
import's commit, and an undo takes it back; a bilirubin reported in umol/L keeps that
unit through storage, so a calculator is given 34 umol/L and not 1.99 mg/dL; tacrolimus
and ciclosporin levels are read from HL7 and CSV and stored on every repository."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from planner.app.changes import undo
from planner.app.context import Context
from planner.app.lab_import import import_labs
from planner.clinical.calculators.registry import input_sources, known_inputs
from planner.errors import ChangedSinceError
from planner.labimport.reader import ColumnMapping
from planner.records.levels_chart import levels_chart
from planner.records.ports import Repository
from tests.integration.factories import ACTOR, AT, action, patient, plan, transplant

CTX = Context(ACTOR, AT)
LONG = ColumnMapping(mrn="MRN", date="Date", analyte="Test", value="Result", unit="Unit")


def _hl7(*obx: str, when: str = "20260305") -> bytes:
    segments = [
        "MSH|^~\\&|LIS|LAB|PLANNER|BMT|20260305083000||ORU^R01^ORU_R01|9|P|2.5.1",
        "PID|1||000123^^^CENTRAL^MR||Testperson^Ada",
        f"OBR|1|||CHEM|||{when}",
        *obx,
    ]
    return ("\r".join(segments) + "\r").encode()


@pytest.fixture
def clinic(repo: Repository) -> Repository:
    recorded = dataclasses.replace(
        patient(), creatinine_mg_dl=0.8, creatinine_date=dt.date(2026, 2, 20)
    )
    repo.commit(
        action(
            "Setup",
            patients=(recorded,),
            transplants=(dataclasses.replace(transplant(), day0=dt.date(2026, 2, 20)),),
            plans=(plan(day0=dt.date(2026, 2, 20)),),
        )
    )
    return repo


def test_a_newer_creatinine_becomes_the_patients_and_an_undo_takes_it_back(
    clinic: Repository,
) -> None:
    report = import_labs(clinic, CTX, _hl7("OBX|1|NM|2160-0^Creatinine^LN||141|umol/L|||||F"),
                         "feed.hl7", LONG)  # fmt: skip
    assert report.rejected == ()
    stored = clinic.get_patient("p1")
    assert stored.creatinine_date == dt.date(2026, 3, 5)
    assert stored.creatinine_mg_dl == pytest.approx(141 / 88.4, abs=1e-6)
    assert any("is now 141 umol/L of 2026-03-05" in w for w in report.warnings)
    # The calculators read it, with its date.
    sources = input_sources(stored, (), dt.date(2026, 3, 6))
    assert sources["creatinine_mg_dl"] == "from the patient's record of 2026-03-05, 1 day ago"
    assert report.change is not None
    undo(clinic, CTX, report.change, report.change.after)
    back = clinic.get_patient("p1")
    assert (back.creatinine_mg_dl, back.creatinine_date) == (0.8, dt.date(2026, 2, 20))


def test_an_older_creatinine_or_a_limit_leaves_the_record(clinic: Repository) -> None:
    import_labs(clinic, CTX, _hl7("OBX|1|NM|2160-0^Creatinine^LN||1.9|mg/dL|||||F",
                                  when="20260210"), "old.hl7", LONG)  # fmt: skip
    import_labs(clinic, CTX, _hl7("OBX|1|SN|2160-0^Creatinine^LN||<^0.3|mg/dL|||||F"),
                "limit.hl7", LONG)  # fmt: skip
    stored = clinic.get_patient("p1")
    assert (stored.creatinine_mg_dl, stored.creatinine_date) == (0.8, dt.date(2026, 2, 20))


def test_an_undo_after_the_record_changed_again_is_refused(clinic: Repository) -> None:
    report = import_labs(clinic, CTX, _hl7("OBX|1|NM|2160-0^Creatinine^LN||1.4|mg/dL|||||F"),
                         "feed.hl7", LONG)  # fmt: skip
    assert report.change is not None
    typed = dataclasses.replace(
        clinic.get_patient("p1"), creatinine_mg_dl=1.5, creatinine_date=dt.date(2026, 3, 6)
    )
    clinic.commit(action("Edit patient", patients=(typed,)))
    with pytest.raises(ChangedSinceError):
        undo(clinic, CTX, report.change, report.change.after)
    assert clinic.get_patient("p1").creatinine_mg_dl == 1.5


def test_a_bilirubin_in_umol_l_keeps_its_unit_through_storage(clinic: Repository) -> None:
    import_labs(clinic, CTX, _hl7("OBX|1|NM|1975-2^Bilirubin^LN||34|umol/L|||||F"),
                "feed.hl7", LONG)  # fmt: skip
    (sample,) = clinic.list_lab_samples("p1", analytes=("bilirubin",))
    assert (sample.unit, sample.reported_unit, sample.reported_value) == ("mg/dL", "umol/L", 34.0)
    found = known_inputs(clinic.get_patient("p1"), clinic.get_transplant("t1"),
                         clinic.get_plan("t1"), dt.date(2026, 3, 6), (sample,))  # type: ignore[arg-type]  # fmt: skip
    # SOS/VOD's SI cut-off is 34 umol/L: graded as reported, not as 1.99 mg/dL.
    assert (found["bilirubin"], found["bilirubin_unit"]) == (34.0, "umol/L")
    import_labs(clinic, CTX, _hl7("OBX|1|NM|1975-2^Bilirubin^LN||2.1|mg/dL|||||F",
                                  when="20260306"), "mass.hl7", LONG)  # fmt: skip
    latest = clinic.list_lab_samples("p1", analytes=("bilirubin",))[-1]
    assert (latest.reported_unit, latest.reported) == ("", "2.1 mg/dL")


def test_drug_levels_from_hl7_and_csv(clinic: Repository) -> None:
    feed = _hl7(
        "OBX|1|NM|11253-2^Tacrolimus^LN||9.4|ng/mL|||||F",
        "OBX|2|NM|3520-4^Ciclosporin^LN||180|ug/L|||||F",
    )
    assert import_labs(clinic, CTX, feed, "levels.hl7", LONG).rejected == ()
    csv = b"MRN,Date,Test,Result,Unit\n000123,2026-03-07,Tacrolimus,12.1,ng/mL\n"
    assert import_labs(clinic, CTX, csv, "levels.csv", LONG).rejected == ()
    samples = clinic.list_lab_samples("p1", analytes=("tacrolimus", "ciclosporin"))
    assert sorted((s.analyte, s.date.day, s.value) for s in samples) == [
        ("ciclosporin", 5, 180.0),
        ("tacrolimus", 5, 9.4),
        ("tacrolimus", 7, 12.1),
    ]
    chart = levels_chart(samples, (), dt.date(2026, 2, 20))
    assert [(s.key, [p[0] for p in s.points]) for s in chart.levels] == [
        ("tacrolimus", [13, 15]),
        ("ciclosporin", [13]),
    ]
    wrong = b"MRN,Date,Test,Result,Unit\n000123,2026-03-08,Tacrolimus,9.4,mg/dL\n"
    refused = import_labs(clinic, CTX, wrong, "wrong.csv", LONG, dry_run=True)
    assert len(refused.rejected) == 1 and "ng/mL" in refused.rejected[0].reason


def test_an_undone_import_is_not_sent_on_as_results(clinic: Repository) -> None:
    """An import to the wrong patient, undone, must not reach the hospital in FHIR."""
    import json

    from planner.app.fhir_export import fhir_bundle

    report = import_labs(clinic, CTX, _hl7("OBX|1|NM|1975-2^Bilirubin^LN||34|umol/L|||||F",
                                           "OBX|2|NM|11253-2^Tacrolimus^LN||9.1|ng/mL|||||F"),
                         "wrong.hl7", LONG)  # fmt: skip
    assert report.change is not None

    def observations() -> list[str]:
        bundle = json.loads(fhir_bundle(clinic, "t1", with_phi=False))
        return [
            e["resource"]["code"]["coding"][0]["code"]
            for e in bundle.get("entry", [])
            if e["resource"]["resourceType"] == "Observation"
        ]

    assert sorted(observations()) == ["11253-2", "1975-2"]
    undo(clinic, CTX, report.change, report.change.after)
    assert observations() == []


def test_the_preview_says_what_the_import_will_do_to_the_record(clinic: Repository) -> None:
    feed = _hl7("OBX|1|NM|2160-0^Creatinine^LN||1.4|mg/dL|||||F")
    preview = import_labs(clinic, CTX, feed, "feed.hl7", LONG, dry_run=True)
    assert any("would become 1.4 mg/dL of 2026-03-05" in w for w in preview.warnings)
    assert clinic.get_patient("p1").creatinine_mg_dl == 0.8  # a preview changes nothing


def test_a_same_day_creatinine_that_differs_is_pointed_out(clinic: Repository) -> None:
    typed = dataclasses.replace(
        clinic.get_patient("p1"), creatinine_mg_dl=0.9, creatinine_date=dt.date(2026, 3, 5)
    )
    clinic.commit(action("Edit patient", patients=(typed,)))
    report = import_labs(clinic, CTX, _hl7("OBX|1|NM|2160-0^Creatinine^LN||2.8|mg/dL|||||F"),
                         "feed.hl7", LONG)  # fmt: skip
    assert any(
        "is 2.8 mg/dL at the lab and 0.9 mg/dL in the patient's record" in w
        for w in report.warnings
    )
    assert clinic.get_patient("p1").creatinine_mg_dl == 0.9
