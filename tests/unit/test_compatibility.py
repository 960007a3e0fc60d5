"""ABO compatibility (standard donor-to-recipient definitions, e.g. Daniel-Johnson and
Schwartz, Transfusion 2011) and CMV pairing with the letermovir window (Prevymis label;
Marty et al., N Engl J Med 2017)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from planner.clinical.compatibility import (
    abo_assessment,
    abo_compatibility,
    cmv_assessment,
    cmv_pairing,
    letermovir_window,
)
from planner.errors import ValidationError


@pytest.mark.parametrize(
    ("donor", "recipient", "expected"),
    [
        ("A", "O", "major"),
        ("O", "A", "minor"),
        ("A", "B", "bidirectional"),
        ("AB", "A", "major"),
        ("A", "AB", "minor"),
        ("O", "O", "compatible"),
    ],
    ids=["A->O", "O->A", "A->B", "AB->A", "A->AB", "O->O"],
)
def test_f20_examples(donor: str, recipient: str, expected: str) -> None:
    assert abo_compatibility(donor, recipient) == expected


# The full 16-cell table, donor -> recipient: compatible, major, minor or bidirectional.
ABO_TABLE = {
    ("O", "O"): "compatible",
    ("A", "A"): "compatible",
    ("B", "B"): "compatible",
    ("AB", "AB"): "compatible",
    ("A", "O"): "major",
    ("B", "O"): "major",
    ("AB", "O"): "major",
    ("AB", "A"): "major",
    ("AB", "B"): "major",
    ("O", "A"): "minor",
    ("O", "B"): "minor",
    ("O", "AB"): "minor",
    ("A", "AB"): "minor",
    ("B", "AB"): "minor",
    ("A", "B"): "bidirectional",
    ("B", "A"): "bidirectional",
}


def test_full_abo_table() -> None:
    groups = ("O", "A", "B", "AB")
    assert set(itertools.product(groups, groups)) == set(ABO_TABLE)
    for (donor, recipient), expected in ABO_TABLE.items():
        assert abo_compatibility(donor, recipient) == expected, (donor, recipient)


def test_abo_case_and_space_tolerant() -> None:
    assert abo_compatibility(" ab", "o ") == "major"


@pytest.mark.parametrize("bad", ["C", "A+", "", None, 1])
def test_abo_refuses_unknown_groups(bad: object) -> None:
    with pytest.raises(ValidationError) as err:
        abo_compatibility(bad, "O")  # type: ignore[arg-type]
    assert err.value.field == "donor_abo"
    assert "O, A, B, AB" in str(err.value)


def test_abo_assessment_names_rule_and_risk() -> None:
    r = abo_assessment("A", "O")
    assert r.value == "major"
    assert "anti-A" in r.deciding_rule
    assert any("haemolysis" in n.lower() for n in r.notes)
    assert dict(r.inputs) == {"donor_abo": "A", "recipient_abo": "O"}
    bi = abo_assessment("B", "A")
    assert "anti-A" in bi.deciding_rule and "anti-B" in bi.deciding_rule


# --- CMV pairing and letermovir candidacy (allogeneic, recipient positive) -------------


@pytest.mark.parametrize(
    ("donor", "recipient", "pairing", "candidate"),
    [
        ("negative", "positive", "D-/R+", True),
        ("positive", "negative", "D+/R-", False),
        ("positive", "positive", "D+/R+", True),
        ("negative", "negative", "D-/R-", False),
    ],
    ids=["D-/R+ candidate", "D+/R- not candidate", "D+/R+", "D-/R-"],
)
def test_f21_pairing_and_candidacy(
    donor: str, recipient: str, pairing: str, candidate: bool
) -> None:
    assert cmv_pairing(donor, recipient) == pairing
    r = cmv_assessment(donor, recipient)
    assert r.value == pairing
    assert r.components["letermovir_candidate"] is candidate


def test_d_plus_r_minus_still_monitored() -> None:
    r = cmv_assessment("positive", "negative")
    assert "monitoring" in r.deciding_rule
    assert any("9-21%" in n for n in r.notes)


def test_autologous_is_not_candidate_and_has_no_donor() -> None:
    assert cmv_pairing(None, "positive") == "R+"
    r = cmv_assessment(None, "positive", allogeneic=False)
    assert r.value == "R+"
    assert r.components["letermovir_candidate"] is False
    with pytest.raises(ValidationError):
        cmv_assessment("positive", "positive", allogeneic=False)


def test_unknown_status_needs_confirmation() -> None:
    r = cmv_assessment("positive", "unknown")
    assert r.value == "D+/R?"
    assert r.needs_confirmation
    assert r.components["letermovir_candidate"] is False


def test_cmv_refuses_garbage() -> None:
    with pytest.raises(ValidationError, match="positive, negative or unknown"):
        cmv_pairing("maybe", "positive")


def test_f21_letermovir_window() -> None:
    assert letermovir_window(dt.date(2025, 3, 10)) == (dt.date(2025, 4, 7), dt.date(2025, 6, 18))
    start, stop = letermovir_window(dt.date(2025, 3, 10), extended=True)
    assert (start, stop) == (dt.date(2025, 4, 7), dt.date(2025, 9, 26))


def test_letermovir_window_refuses_datetime() -> None:
    with pytest.raises(ValidationError, match="calendar date"):
        letermovir_window(dt.datetime(2025, 3, 10, 8, 0))
