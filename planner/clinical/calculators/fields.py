"""The inputs of a calculator: what each one is, its unit and allowed range, and how
typed text becomes a value.

A ``Field`` describes one keyword argument of a calculator: the label a form shows,
its kind (a number, a whole number, a yes/no, a choice, a date, or a small table of
rows), the unit and the physically plausible range. ``read_text`` turns what was typed
into the value, or refuses it with a sentence that names the field and the allowed
range; nothing is ever guessed from text that is not a number.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from typing import Final

from planner.domain.i18n import tr
from planner.domain.numbers import format_number
from planner.errors import ValidationError

NOT_ENTERED: Final = "not entered"
"""What an empty required number reads as: the result and Save wait for it."""
ASSESSMENT_DATE: Final = "assessment_date"
"""Key under which a ``with_date`` calculator receives the assessment date."""

KINDS: Final = (
    "number",
    "int",
    "optional-number",
    "optional-int",
    "bool",
    "choice",
    "date",
    "optional-date",
    "rows",
)


class MissingInputError(Exception):
    """Required inputs are empty; the message lists them ("Bilirubin, Stool volume")."""


@dataclass(frozen=True)
class Field:
    """One input of a calculator, worded in English (``translated``: as a form shows it).

    Attributes:
        name: the calculator's keyword argument.
        label: the label a form shows, with "&" before its access key ("&Rash extent").
        kind: one of ``KINDS``; "optional-..." may stay empty (None).
        hint: what a form shows beside the field; by default the allowed range and unit.
        choices: (value, text) pairs for "choice".
        default: the initial value (text for numbers, a value for choices, a bool for
            yes/no).
        error_names: ``ValidationError.field`` names of the calculator that concern
            this input (its messages are shown beside it).
        columns: the column headers of a "rows" field.
        unit: the unit of a number ("mg/dL", "% BSA"); "" for counts and scores.
        allowed: the physically plausible (lowest, highest) value of a number, checked
            before the calculator runs; None where the calculator checks it itself (a
            range that depends on another input's unit).
    """

    name: str
    label: str
    kind: str
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    default: object = None
    error_names: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    unit: str = ""
    allowed: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Field {self.name}: unknown kind {self.kind!r}.")
        if not self.hint and self.allowed is not None:
            object.__setattr__(self, "hint", self.range_text)

    def translated(self) -> Field:
        """The field as a form shows it, in the interface's language (``planner.domain.i18n``):
        label, hint, unit, choice texts and column headers; names and values unchanged."""
        hint = self.hint
        if hint and hint == self.range_text:  # the default hint: the range, its unit translated
            hint = ""
        return replace(
            self,
            label=tr(self.label),
            hint=tr(hint) if hint else "",
            choices=tuple((value, _choice_text(text)) for value, text in self.choices),
            columns=tuple(tr(c) for c in self.columns),
            unit=tr(self.unit) if self.unit else "",
        )

    @property
    def plain_label(self) -> str:
        """The label without its access-key mark ("Rash extent")."""
        return self.label.replace("&", "")

    @property
    def optional(self) -> bool:
        """True when the field may stay empty."""
        return self.kind.startswith("optional")

    @property
    def is_number(self) -> bool:
        """True for numbers and whole numbers (optional or not)."""
        return self.kind.endswith(("number", "int"))

    @property
    def range_text(self) -> str:
        """ "0-100 % BSA" (the allowed range with its unit), or "" without a range."""
        if self.allowed is None:
            return ""
        low, high = self.allowed
        return f"{format_number(low)}-{format_number(high)} {self.unit}".strip()


def _choice_text(text: str) -> str:
    """A choice's text translated; a numbered one ("2: moderate pain...") keeps its number."""
    number, sep, rest = text.partition(": ")
    if sep and number.isdigit():
        return f"{number}: {tr(rest)}"
    return tr(text)


def read_text(field: Field, text: str) -> object:
    """The value of ``field`` typed as ``text``.

    Returns None for an empty optional field; a date for date kinds; an int or a float
    for numbers.

    Raises:
        MissingInputError: a required field is empty.
        ValidationError: the text is not a date, not a number, not a whole number, or
            outside the allowed range (the message names the field and the range).
    """
    text = text.strip()
    if not text:
        if field.optional:
            return None
        raise MissingInputError(field.plain_label)
    if field.kind.endswith("date"):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                field.name,
                tr("{field}: '{text}' is not a date; enter yyyy-mm-dd.").format(
                    field=field.plain_label, text=text
                ),
            ) from None
    allowed = tr("allowed {range}").format(range=field.hint) if field.hint else tr("enter a number")
    try:
        number = float(text)
    except ValueError:
        raise ValidationError(
            field.name,
            tr("{field}: '{text}' is not a number; {allowed}.").format(
                field=field.plain_label, text=text, allowed=allowed
            ),
        ) from None
    if not math.isfinite(number):
        raise ValidationError(
            field.name, tr("{field}: enter a finite number.").format(field=field.plain_label)
        )
    if field.kind.endswith("int") and number != int(number):
        raise ValidationError(
            field.name,
            tr("{field}: enter a whole number ({allowed}).").format(
                field=field.plain_label, allowed=allowed
            ),
        )
    if field.allowed is not None and not field.allowed[0] <= number <= field.allowed[1]:
        low, high = field.allowed
        raise ValidationError(
            field.name,
            tr("{field} of {value} is not plausible; enter a number from {low} to {high} {unit}")
            .format(
                field=field.plain_label,
                value=format_number(number),
                low=format_number(low),
                high=format_number(high),
                unit=field.unit,
            )
            .rstrip()
            + ".",
        )
    return int(number) if field.kind.endswith("int") else number
