"""The calculators are filled in with the creatinine and the bilirubin the record holds,
each with where and when it was measured."""

from __future__ import annotations

import dataclasses
import datetime as dt

from planner.clinical.calculators.registry import input_sources, known_inputs, measured_inputs
from planner.domain.labs import LabSample
from tests.integration.factories import patient, plan, transplant

TODAY = dt.date(2026, 4, 10)


def _bili(day: int, value: float, qualifier: str = "") -> LabSample:
    return LabSample(
        "p1",
        "000123",
        dt.date(2026, 4, day),
        "bilirubin",
        value,
        "mg/dL",
        qualifier,  # type: ignore[arg-type]
    )


def test_creatinine_comes_from_the_record_with_its_date() -> None:
    who = dataclasses.replace(patient(), creatinine_mg_dl=1.4, creatinine_date=dt.date(2026, 4, 3))
    found = known_inputs(who, transplant(), plan(), TODAY)
    assert found["creatinine_mg_dl"] == 1.4
    assert input_sources(who, (), TODAY) == {
        "creatinine_mg_dl": "from the patient's record of 2026-04-03, 7 days ago"
    }


def test_the_latest_bilirubin_is_used_in_mg_dl_with_its_date() -> None:
    samples = (_bili(2, 1.1), _bili(9, 3.4), _bili(5, 2.0))
    found = known_inputs(patient(), transplant(), plan(), TODAY, samples)
    assert (found["bilirubin"], found["bilirubin_unit"]) == (3.4, "mg/dL")
    assert input_sources(patient(), samples, TODAY)["bilirubin"] == (
        "from a lab result of 2026-04-09, 1 day ago"
    )


def test_nothing_is_assumed() -> None:
    found = known_inputs(patient(), transplant(), plan(), TODAY)
    assert "creatinine_mg_dl" not in found and "bilirubin" not in found
    # A result below the lab's limit is not a number to grade with.
    assert measured_inputs(patient(), (_bili(9, 0.1, "<"),)) == {}
    assert input_sources(patient(), (_bili(10, 0.5),), TODAY)["bilirubin"].endswith("today")


def test_a_bilirubin_reported_in_umol_l_is_given_as_reported() -> None:
    # 34 umol/L is stored as 1.988304 mg/dL; SOS/VOD's SI cut-off is 34 umol/L, and
    # 1.99 mg/dL would fall under its 2 mg/dL.
    sample = LabSample(
        "p1", "000123", dt.date(2026, 4, 9), "bilirubin", round(34 / 17.1, 6), "mg/dL",
        "", "feed.hl7 message 1, OBX 3", "umol/L",
    )  # fmt: skip
    found = known_inputs(patient(), transplant(), plan(), TODAY, (sample,))
    assert (found["bilirubin"], found["bilirubin_unit"]) == (34.0, "umol/L")
    assert sample.reported == "34 umol/L"
