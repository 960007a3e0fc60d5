"""ISBT 128 donation identification numbers: the ISO/IEC 7064 MOD 37-2 check character
against published examples, and the parts of a DIN refused one by one."""

from __future__ import annotations

import pytest

from planner.domain.isbt128 import CHECK_CHARACTERS, check_character, check_value, parse_din
from planner.errors import ValidationError


@pytest.mark.parametrize(
    ("number", "check"),
    [
        # UK Red Book (JPAC), Annex 2: G123 498 654 321, weighted sum 148354, mod 37 = 21,
        # 38 - 21 = 17 -> "H" (barcode check 77).
        ("G123498654321", "H"),
        # ICCBBA's example DIN A9999 09 123456: its check character worked by hand with
        # the JPAC steps (weighted sum mod 37 = 29, 38 - 29 = 9); no copy of the printed
        # check was found to compare with.
        ("A999909123456", "9"),
        # A published ISBT 128 check-character sample (ABCDE27000069 -> C).
        ("ABCDE27000069", "C"),
    ],
)
def test_check_characters_match_the_published_examples(number: str, check: str) -> None:
    assert check_character(number) == check


def test_the_worked_example_step_by_step() -> None:
    values = [CHECK_CHARACTERS.index(c) for c in "G123498654321"]
    weighted = sum(v * 2 ** (13 - i) for i, v in enumerate(values))
    assert weighted == 148354 and weighted % 37 == 21
    assert check_value("G123498654321") == (38 - 21) % 37 == 17


def test_every_single_character_slip_changes_the_check() -> None:
    """MOD 37-2 catches every single substitution: no other character in any position
    gives the same check character."""
    number = "A999909123456"
    good = check_character(number)
    for position in range(len(number)):
        for char in CHECK_CHARACTERS:
            if char != number[position]:
                slipped = number[:position] + char + number[position + 1 :]
                assert check_character(slipped) != good


def test_a_transposition_of_neighbours_changes_the_check() -> None:
    assert check_character("A999909123546") != check_character("A999909123456")


@pytest.mark.parametrize(
    "typed",
    [
        "A9999 09 123456 9",
        "a9999-09-123456-9",
        "A9999 09 123456 00 9",  # flags then the boxed check character
        "=A99990912345669",  # as scanned: flags 60 + 9 carry the check
        "A9999 09 123456 [9]",
    ],
)
def test_a_din_is_read_in_the_forms_it_is_typed_or_scanned(typed: str) -> None:
    din = parse_din(typed)
    assert (din.facility, din.year, din.sequence, din.check) == ("A9999", "09", "123456", "9")
    assert din.number == "A999909123456"
    assert parse_din(din.stored) == din


def test_the_din_prints_as_on_the_label() -> None:
    assert parse_din("G123498654321H").text == "G1234 98 654321 [H]"
    assert parse_din("A9999 09 123456 00 9").text == "A9999 09 123456 00 [9]"


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("A9999 09 123456 8", "should be 9"),
        ("=A99990912345670", "should be 9"),  # barcode check flags for "A", not "9"
        ("A9999 09 123456", "check character of the DIN as well"),
        ("A9999 09 123456 00", "flags 00"),
        ("A9999 09 1234 9", "13 characters"),
        ("O9999 09 123456 9", "facility code O9999"),
        ("09999 09 123456 9", "facility code 09999"),
        ("AB999 09 123456 9", "facility code AB999"),
        ("A9999 0X 123456 9", "year 0X"),
        ("A9999 09 12345Z 9", "sequence number 12345Z"),
        ("A9999 09 123456 9!", "'!'"),
        ("", "Enter the donation identification number"),
    ],
)
def test_each_fault_is_named_in_one_sentence(typed: str, named: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_din(typed)
    message = str(raised.value)
    assert named in message
    assert message.count(". ") == 0 and message.endswith(".")
