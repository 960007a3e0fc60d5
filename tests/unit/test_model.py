"""Validation of patients, donors and transplants (planner.domain.patients)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from planner.domain.patients import Donor, Patient, validate_patient, validate_transplant
from planner.errors import ValidationError
from tests.factories import make_donor, make_patient, make_transplant

D = dt.date
TODAY = D(2026, 3, 10)


@pytest.mark.parametrize(
    ("weight", "shown"),
    [(0, "0"), (0.5, "0.5"), (700, "700"), (350.1, "350.1"), (-70, "-70")],
    ids=["zero", "half-kg", "700kg", "just-over", "negative"],
)
def test_implausible_weight_refused_with_the_range(weight: float, shown: str) -> None:
    with pytest.raises(ValidationError) as err:
        make_patient(weight_kg=weight)
    assert err.value.field == "weight_kg"
    assert f"{shown} kg" in str(err.value)
    assert "from 1 to 350 kg" in str(err.value)


@pytest.mark.parametrize("weight", [1, 1.0, 68.5, 350], ids=["min-int", "min", "typical", "max"])
def test_plausible_weight_kept(weight: float) -> None:
    assert make_patient(weight_kg=weight).weight_kg == weight


@pytest.mark.parametrize("weight", [float("nan"), True, "70"], ids=["nan", "bool", "text"])
def test_weight_must_be_a_number(weight: object) -> None:
    with pytest.raises(ValidationError, match="must be a number"):
        make_patient(weight_kg=weight)


@pytest.mark.parametrize(
    ("height", "ok"),
    [(39.9, False), (40, True), (250, True), (251, False)],
    ids=["low", "min", "max", "high"],
)
def test_height_range(height: float, ok: bool) -> None:
    if ok:
        assert make_patient(height_cm=height).height_cm == height
    else:
        with pytest.raises(ValidationError, match="from 40 to 250 cm"):
            make_patient(height_cm=height)


@pytest.mark.parametrize(
    ("dob", "match"),
    [
        (D(2026, 3, 11), "in the future"),
        (D(2030, 1, 1), "in the future"),
        (D(1905, 3, 10), "over 120 years"),
        (D(1905, 1, 1), "over 120 years"),
    ],
    ids=["tomorrow", "years-ahead", "121-today", "far-past"],
)
def test_date_of_birth_checked_against_today(dob: dt.date, match: str) -> None:
    patient = make_patient(date_of_birth=dob, weight_date=None)
    with pytest.raises(ValidationError, match=match) as err:
        validate_patient(patient, TODAY)
    assert err.value.field == "date_of_birth"


@pytest.mark.parametrize(
    "dob",
    [D(2026, 3, 10), D(1906, 3, 10), D(1905, 3, 11), D(1960, 5, 17)],
    ids=["born-today", "exactly-120", "120-and-364-days", "typical"],
)
def test_plausible_date_of_birth_accepted(dob: dt.date) -> None:
    validate_patient(make_patient(date_of_birth=dob, weight_date=None), TODAY)


def test_date_of_birth_before_1900_refused_at_construction() -> None:
    with pytest.raises(ValidationError, match="before 1900") as err:
        make_patient(date_of_birth=D(1899, 12, 31))
    assert err.value.field == "date_of_birth"
    assert make_patient(date_of_birth=D(1900, 1, 1)).date_of_birth == D(1900, 1, 1)


@pytest.mark.parametrize(
    "dob", [dt.datetime(1960, 5, 17, 0, 0), "1960-05-17", None], ids=["datetime", "text", "none"]
)
def test_date_of_birth_must_be_a_date(dob: object) -> None:
    with pytest.raises(ValidationError, match="calendar date"):
        make_patient(date_of_birth=dob)


@pytest.mark.parametrize(
    ("weight_date", "match"),
    [(D(2026, 3, 11), "future"), (D(1960, 5, 16), "before the date of birth")],
    ids=["future", "before-birth"],
)
def test_weight_date_checked(weight_date: dt.date, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        validate_patient(make_patient(weight_date=weight_date), TODAY)


@pytest.mark.parametrize(
    ("on", "age"),
    [(D(2025, 2, 28), 0), (D(2025, 3, 1), 1), (D(2028, 2, 29), 4)],
    ids=["feb28", "mar1", "next-leap"],
)
def test_age_of_a_leap_day_birthday(on: dt.date, age: int) -> None:
    assert make_patient(date_of_birth=D(2024, 2, 29), weight_date=None).age_on(on) == age


@pytest.mark.parametrize(
    "mrn",
    ["000123", "0", "A-0001", "00-00-01"],
    ids=["leading-zeros", "single-zero", "letters", "hyphens"],
)
def test_mrn_kept_as_text(mrn: str) -> None:
    patient = make_patient(mrn=f"  {mrn} ")
    assert patient.mrn == mrn
    assert isinstance(patient.mrn, str)


@pytest.mark.parametrize(
    "mrn",
    [123, "", "-123", "12 34", "A" * 31, "12/34"],
    ids=["int", "empty", "leading-hyphen", "space", "too-long", "slash"],
)
def test_bad_mrn_refused(mrn: object) -> None:
    with pytest.raises(ValidationError):
        make_patient(mrn=mrn)


@pytest.mark.parametrize(
    "abo", ["C", "0", "a", "AB+", "O-"], ids=["C", "zero", "lower", "rh", "neg"]
)
def test_bad_abo_refused(abo: str) -> None:
    with pytest.raises(ValidationError, match="not one of O, A, B, AB") as err:
        make_patient(abo=abo)
    assert err.value.field == "abo"
    with pytest.raises(ValidationError, match="not one of O, A, B, AB"):
        make_donor(abo=abo)


@pytest.mark.parametrize("abo", ["O", "A", "B", "AB", ""], ids=["O", "A", "B", "AB", "unknown"])
def test_good_abo_kept(abo: str) -> None:
    assert make_patient(abo=abo).abo == abo
    assert make_donor(abo=abo).abo == abo


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sex": "other"}, "sex"),
        ({"cmv_igg": "pos"}, "cmv_igg"),
        ({"language": "eng"}, "language"),
        ({"family_name": "  "}, "family_name"),
        ({"diagnosis": "bad\x00text"}, "diagnosis"),
    ],
    ids=["sex", "cmv", "language", "blank-name", "control-char"],
)
def test_other_patient_fields_checked(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        make_patient(**overrides)
    assert err.value.field == field


def test_names_are_nfc_and_trimmed() -> None:
    patient = make_patient(family_name="  Mu\u0308ller ", given_name="Zoe\u0308")
    assert patient.family_name == "M\u00fcller"
    assert patient.given_name == "Zo\u00eb"
    assert patient.display_name == "M\u00dcLLER, Zo\u00eb"


# --- transplants ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day0", "ok"),
    [(D(1960, 5, 16), False), (D(1960, 5, 17), False), (D(1960, 5, 18), True), (None, True)],
    ids=["before-birth", "on-birthday", "day-after", "unscheduled"],
)
def test_day0_must_be_after_birth(day0: dt.date | None, ok: bool) -> None:
    patient = make_patient()
    transplant = make_transplant(day0=day0)
    if ok:
        validate_transplant(transplant, patient)
    else:
        with pytest.raises(ValidationError, match="not after the date of birth") as err:
            validate_transplant(transplant, patient)
        assert err.value.field == "day0"


def test_transplant_of_another_patient_refused() -> None:
    with pytest.raises(ValidationError, match="another patient"):
        validate_transplant(make_transplant(patient_id="someone-else"), make_patient())


def test_autologous_with_donor_refused() -> None:
    with pytest.raises(ValidationError, match="autologous transplant has no donor") as err:
        make_transplant(transplant_type="autologous", donor=make_donor())
    assert err.value.field == "donor"
    allo = make_transplant(transplant_type="allogeneic", donor=make_donor())
    assert allo.donor == make_donor()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"graft_source": "cord"}, "graft_source"),
        ({"transplant_type": "syngeneic"}, "transplant_type"),
        ({"graft_source": "blood"}, "graft_source"),
        ({"intensity": "mac"}, "intensity"),
        ({"status": "done"}, "status"),
    ],
    ids=["auto-cord", "type", "source", "intensity-case", "status"],
)
def test_transplant_choices_checked(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as err:
        make_transplant(**overrides)
    assert err.value.field == field


@pytest.mark.parametrize(
    ("overrides", "match"),
    [({"donor_type": "SIBLING"}, "Donor type"), ({"cmv_igg": "yes"}, "CMV")],
    ids=["type", "cmv"],
)
def test_donor_checked(overrides: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        make_donor(**overrides)


def test_records_are_frozen() -> None:
    patient = make_patient()
    with pytest.raises(AttributeError):
        patient.mrn = "999"  # type: ignore[misc]
    assert isinstance(patient, Patient)
    assert isinstance(make_donor(), Donor)


@pytest.mark.parametrize(
    ("field", "text", "code"),
    [
        ("family_name", "\u202eAnnaR", "U+202E"),  # right-to-left override
        ("given_name", "Ana\u2067", "U+2067"),  # right-to-left isolate
        ("diagnosis", "AML\u200f", "U+200F"),  # right-to-left mark
        ("contacts", "Call \u202aBob", "U+202A"),
    ],
    ids=["rlo-family", "rli-given", "rlm-diagnosis", "lre-contacts"],
)
def test_text_direction_controls_are_refused_at_entry(field: str, text: str, code: str) -> None:
    patient = make_patient(**{field: text})  # stored records holding one still load
    with pytest.raises(
        ValidationError, match=re.escape(f"invisible text-direction character ({code})")
    ) as err:
        validate_patient(patient, TODAY)
    assert err.value.field == field


def test_names_in_right_to_left_scripts_need_no_control_and_are_accepted() -> None:
    arabic = make_patient(
        family_name="\u0627\u0644\u062d\u0633\u0646", given_name="\u0639\u0644\u064a"
    )
    hebrew = make_patient(family_name="\u05db\u05d4\u05df", given_name="\u05e9\u05e8\u05d4")
    for patient in (arabic, hebrew):
        validate_patient(patient, TODAY)
