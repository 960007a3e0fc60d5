"""ISBT 128 donation identification numbers (DIN) and their ISO/IEC 7064 MOD 37-2 check.

A DIN (ICCBBA, ISBT 128 Standard Technical Specification ST-001, data structure 001) is 13
characters: the facility identification number (5: a letter A-N, P-Z or a digit 1-9, then
four digits), the year (2 digits) and a sequence number (6 digits). On a label it is
followed by two flag characters and, in a box, the check character computed over the 13
characters with ISO/IEC 7064 MOD 37-2: each character's value (0-9, A-Z = 10-35, * = 36)
weighted by 2 to the power of its position from the right, summed, and the check value is
(38 - sum mod 37) mod 37, written with the same 37 characters. The UK Red Book (JPAC,
Annex 2) works the example G123 498 654 321 through to the check character H. When the
flags are 60-96 they carry the same check value plus 60 (barcode check).

Pure: text in, a ``Din`` or a ``ValidationError`` out, so a transcription slip in a bag
number is refused where it is typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from planner.domain.i18n import tr
from planner.errors import ValidationError

CHECK_CHARACTERS: Final = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*"
MODULUS: Final = 37
DIN_LENGTH: Final = 13
# The flag pair that carries the check value (ST-001: flag type "check character").
FLAG_CHECK_OFFSET: Final = 60
_FACILITY: Final = re.compile(r"[A-NP-Z1-9][0-9]{4}")
_DIGITS: Final = re.compile(r"[0-9]+")
# What a coordinator may type between the parts (spaces as printed, hyphens, the boxed
# check character's frame read as brackets); the barcode's leading "=" is its data identifier.
_SEPARATORS: Final = re.compile(r"[\s\-\[\]()|]")


def check_value(data: str) -> int:
    """The ISO/IEC 7064 MOD 37-2 check value (0-36) of ``data``.

    Raises:
        ValidationError: a character outside 0-9, A-Z and *.
    """
    total = 0
    for char in data.upper():
        value = CHECK_CHARACTERS.find(char)
        if value < 0:
            raise ValidationError(
                "din",
                tr("The character {char} cannot be part of an ISBT 128 number.").format(
                    char=repr(char)
                ),
            )
        # Horner's rule for sum(value * 2**position from the right), the power applied once more.
        total = (total + value) * 2 % MODULUS
    return (MODULUS + 1 - total) % MODULUS


def check_character(data: str) -> str:
    """The ISO/IEC 7064 MOD 37-2 check character of ``data`` ("G123498654321" -> "H")."""
    return CHECK_CHARACTERS[check_value(data)]


@dataclass(frozen=True)
class Din:
    """A donation identification number whose check character was verified.

    Attributes:
        facility: the facility identification number (5 characters).
        year: the two-digit year of the number's assignment.
        sequence: the six-digit sequence number.
        flags: the two flag characters as given ("" when not given).
        check: the check character.
    """

    facility: str
    year: str
    sequence: str
    flags: str
    check: str

    @property
    def number(self) -> str:
        """The 13 characters without spaces ("A999909123456")."""
        return f"{self.facility}{self.year}{self.sequence}"

    @property
    def text(self) -> str:
        """As printed for eye reading, check character in brackets ("A9999 09 123456 [9]")."""
        flags = f" {self.flags}" if self.flags else ""
        return f"{self.facility} {self.year} {self.sequence}{flags} [{self.check}]"

    @property
    def stored(self) -> str:
        """The number, the flags and the check character, no spaces (parsed back by
        ``parse_din``)."""
        return f"{self.number}{self.flags}{self.check}"


def parse_din(text: str) -> Din:
    """Read a typed or scanned DIN and verify its check character.

    Accepted: the 13 characters and the check character (14), with the two flag characters
    between them (16), or as scanned, "=" and the 13 characters and flags 60-96 that carry
    the check (15). Spaces and hyphens are ignored, letters may be lower case.

    Raises:
        ValidationError: one sentence naming what is wrong (length, facility, year,
            sequence, character, missing or wrong check character).
    """
    raw = _SEPARATORS.sub("", str(text)).upper().removeprefix("=")
    if not raw:
        raise ValidationError("din", tr("Enter the donation identification number (DIN)."))
    bad = next((c for c in raw if c not in CHECK_CHARACTERS), None)
    if bad is not None:
        raise ValidationError(
            "din",
            tr("The DIN holds {char}; only letters, digits and * are used.").format(char=repr(bad)),
        )
    if len(raw) not in (DIN_LENGTH, DIN_LENGTH + 1, DIN_LENGTH + 2, DIN_LENGTH + 3):
        raise ValidationError(
            "din",
            tr(
                "A DIN has 13 characters and its check character (14 with the check, 16 with "
                "the two flags); {n} were entered."
            ).format(n=len(raw)),
        )
    number, rest = raw[:DIN_LENGTH], raw[DIN_LENGTH:]
    facility, year, sequence = number[:5], number[5:7], number[7:]
    if not _FACILITY.fullmatch(facility):
        raise ValidationError(
            "din",
            tr(
                "The facility code {code} is not valid: a letter (not O) or a digit 1-9, then "
                "four digits."
            ).format(code=facility),
        )
    if not _DIGITS.fullmatch(year):
        raise ValidationError(
            "din", tr("The year {year} of the DIN must be two digits.").format(year=year)
        )
    if not _DIGITS.fullmatch(sequence):
        raise ValidationError(
            "din",
            tr("The sequence number {sequence} of the DIN must be six digits.").format(
                sequence=sequence
            ),
        )
    expected = check_character(number)
    flags, given = _flags_and_check(rest)
    if given != expected:
        raise ValidationError(
            "din",
            tr(
                "The check character {given} does not match the DIN {number} (it should be "
                "{expected}); check the number for a typing slip."
            ).format(given=given, number=f"{facility} {year} {sequence}", expected=expected),
        )
    return Din(facility, year, sequence, flags, given)


def _flags_and_check(rest: str) -> tuple[str, str]:
    """(flags, the check character given) from what follows the 13 characters."""
    if not rest:
        raise ValidationError(
            "din",
            tr(
                "Enter the check character of the DIN as well (the boxed character after the "
                "number)."
            ),
        )
    if len(rest) == 1:
        return "", rest
    flags = rest[:2]
    if len(rest) == 3:
        return flags, rest[2]
    # Two flags and no eye-readable character: only flags 60-96 carry the check value.
    if flags.isdigit() and FLAG_CHECK_OFFSET <= int(flags) < FLAG_CHECK_OFFSET + MODULUS:
        return flags, CHECK_CHARACTERS[int(flags) - FLAG_CHECK_OFFSET]
    raise ValidationError(
        "din",
        tr(
            "The flags {flags} of the DIN carry no check character; enter the boxed check "
            "character after them."
        ).format(flags=flags),
    )
