"""The transplant record's own rules: which status changes are possible, with what date
and reason; the donor's details; the registry identifiers on the patient."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.domain.patients import (
    ALLOWED_STATUS_CHANGES,
    CLOSED_STATUSES,
    Donor,
    StatusChange,
    TransplantStatus,
    validate_donor,
    validate_transplant,
    with_status,
)
from planner.errors import ValidationError
from tests.factories import make_donor, make_patient, make_transplant

TODAY = dt.date(2026, 3, 1)
S = TransplantStatus
# (from, to, allowed): every pair of statuses.
PAIRS = [(a, b) for a in S for b in S if a is not b]


def _at(status: TransplantStatus, day0: dt.date = dt.date(2026, 2, 1)):
    return make_transplant(status=status.value, day0=day0)


@pytest.mark.parametrize(("current", "new"), PAIRS, ids=lambda s: s.value)
def test_each_status_change_is_allowed_or_refused_by_the_table(
    current: TransplantStatus, new: TransplantStatus
) -> None:
    expected = {
        S.PLANNED: {S.ACTIVE, S.ON_HOLD, S.CANCELLED, S.DECEASED},
        S.ACTIVE: {S.ON_HOLD, S.COMPLETED, S.CANCELLED, S.DECEASED},
        S.ON_HOLD: {S.PLANNED, S.ACTIVE, S.CANCELLED, S.DECEASED},
        S.COMPLETED: {S.ACTIVE, S.DECEASED},
        S.CANCELLED: {S.PLANNED},
        S.DECEASED: {S.PLANNED, S.ACTIVE, S.ON_HOLD, S.COMPLETED},
    }[current]
    assert ALLOWED_STATUS_CHANGES[current] == expected
    transplant = _at(current)
    if new in expected:
        changed = with_status(transplant, new, TODAY, "a reason", today=TODAY)
        assert changed.status is new
        assert changed.status_history == (StatusChange(new, TODAY, "a reason"),)
        assert changed.is_active is (new not in CLOSED_STATUSES)
    else:
        with pytest.raises(
            ValidationError, match=f"can become .*, not {new.value.replace('_', ' ')}"
        ):
            with_status(transplant, new, TODAY, "a reason", today=TODAY)


@pytest.mark.parametrize("new", [S.ON_HOLD, S.CANCELLED, S.DECEASED])
def test_on_hold_cancelled_and_deceased_need_a_reason(new: TransplantStatus) -> None:
    with pytest.raises(ValidationError, match="Give the reason for the change to") as err:
        with_status(_at(S.PLANNED), new, TODAY, "  ", today=TODAY)
    assert err.value.field == "status_reason"


def test_reopening_a_closed_transplant_needs_a_reason_and_starting_it_does_not() -> None:
    with pytest.raises(ValidationError, match="Give the reason for the change to"):
        with_status(_at(S.CANCELLED), S.PLANNED, TODAY, "", today=TODAY)
    assert with_status(_at(S.PLANNED), S.ACTIVE, TODAY, "", today=TODAY).status is S.ACTIVE


def test_the_status_date_is_not_in_the_future_nor_before_the_previous_change() -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="in the future") as err:
        with_status(_at(S.PLANNED), S.ACTIVE, tomorrow, "", today=TODAY)
    assert err.value.field == "status_date"
    held = with_status(_at(S.PLANNED), S.ON_HOLD, TODAY, "infection", today=TODAY)
    assert with_status(held, S.ACTIVE, TODAY, "", today=TODAY).status is S.ACTIVE  # same day
    with pytest.raises(ValidationError, match="before the previous change"):
        with_status(held, S.ACTIVE, TODAY - dt.timedelta(days=1), "", today=TODAY)


def test_a_transplant_is_not_completed_before_its_day_0() -> None:
    active = _at(S.ACTIVE, day0=TODAY + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="before its Day 0"):
        with_status(active, S.COMPLETED, TODAY, "", today=TODAY)
    on_day0 = _at(S.ACTIVE, day0=TODAY)
    assert with_status(on_day0, S.COMPLETED, TODAY, "", today=TODAY).status is S.COMPLETED


def test_the_history_grows_and_its_last_entry_is_the_status() -> None:
    t = with_status(_at(S.PLANNED), S.ON_HOLD, TODAY, "infection", today=TODAY)
    later = TODAY + dt.timedelta(days=5)
    t = with_status(t, S.PLANNED, later, "resolved", today=later)
    assert [c.status for c in t.status_history] == [S.ON_HOLD, S.PLANNED]
    assert t.last_status_change == StatusChange(S.PLANNED, later, "resolved")
    with pytest.raises(ValidationError, match="differs from the last entry"):
        make_transplant(status="active", status_history=t.status_history)


def test_status_and_reason_are_refused_in_the_same_words_as_they_read() -> None:
    with pytest.raises(ValidationError, match="already on hold"):
        with_status(_at(S.ON_HOLD), S.ON_HOLD, TODAY, "x", today=TODAY)


@pytest.mark.parametrize(
    ("donor_type", "relation", "ok"),
    [
        ("MRD", "sibling", True),
        ("MRD", "unrelated", False),
        ("HAPLO", "parent", True),
        ("HAPLO", "child", True),
        ("HAPLO", "unrelated", False),
        ("MUD", "unrelated", True),
        ("MUD", "sibling", False),
        ("MMUD", "parent", False),
        ("CORD", "unrelated", True),
        ("SYN", "identical twin", True),
        ("SYN", "sibling", False),
        ("MUD", "", True),
    ],
)
def test_the_donor_relation_fits_the_donor_type(donor_type: str, relation: str, ok: bool) -> None:
    donor = make_donor(donor_type=donor_type, relation=relation, hla_match="")
    if ok:
        validate_donor(donor)
    else:
        with pytest.raises(ValidationError, match="cannot be the recipient's") as err:
            validate_donor(donor)
        assert err.value.field == "relation"


@pytest.mark.parametrize(
    ("hla", "ok"),
    [
        ("8/8", True),
        ("7/8", True),
        ("9/10", True),
        ("4/6", True),
        ("12/12", True),
        ("8/9", False),
        ("8 of 8", False),
        ("full", False),
        ("/8", False),
    ],
)
def test_the_hla_match_reads_matched_over_typed_loci(hla: str, ok: bool) -> None:
    donor = make_donor(hla_match=hla)
    if ok:
        validate_donor(donor)
    else:
        with pytest.raises(ValidationError, match="matched/typed"):
            validate_donor(donor)


def test_donor_sex_and_age_are_checked_when_the_donor_is_made() -> None:
    assert Donor("MUD", sex="female", age_years=34).age_years == 34
    with pytest.raises(ValidationError, match="Donor sex"):
        Donor("MUD", sex="f")
    for age in (-1, 81, 30.5, True):
        with pytest.raises(ValidationError, match="Donor age"):
            Donor("MUD", age_years=age)  # type: ignore[arg-type]


def test_a_cord_graft_and_a_cord_donor_go_together() -> None:
    patient = make_patient()
    cord = make_transplant(
        transplant_type="allogeneic", graft_source="cord", donor=make_donor(donor_type="CORD")
    )
    validate_transplant(cord, patient)
    with pytest.raises(ValidationError, match="cord blood graft needs a cord blood donor"):
        validate_transplant(
            make_transplant(
                transplant_type="allogeneic",
                graft_source="pbsc",
                donor=make_donor(donor_type="CORD"),
            ),
            patient,
        )


def test_the_transplant_number_is_one_to_nine() -> None:
    assert make_transplant(number=2).number == 2
    for bad in (0, 10, 1.5):
        with pytest.raises(ValidationError, match="transplant number"):
            make_transplant(number=bad)


def test_registry_identifiers_on_the_patient() -> None:
    p = make_patient(cibmtr_crid=" 123456789 ", ebmt_id="EB-2026/17")
    assert (p.cibmtr_crid, p.ebmt_id) == ("123456789", "EB-2026/17")
    with pytest.raises(ValidationError, match="CRID"):
        make_patient(cibmtr_crid="12a45")
    with pytest.raises(ValidationError, match="EBMT registry ID"):
        make_patient(ebmt_id="=HYPERLINK(1)")


def test_more_loci_matched_than_typed_says_so() -> None:
    with pytest.raises(ValidationError, match=r"more loci matched \(11\) than typed \(10\)"):
        validate_donor(make_donor(hla_match="11/10"))
