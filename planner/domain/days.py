"""Transplant day arithmetic on calendar dates (the standard convention: Day 0 = infusion day).

Day numbers are whole calendar days between two ``date`` objects, never timestamps,
so the answer cannot depend on the workstation's time zone or on daylight saving.
There is no "Day -0". Mobilisation days are a separate counter starting at M-Day 1
(the first G-CSF dose) and, like transplant days, they have no day zero.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from planner.domain.i18n import tr, tr_noop
from planner.errors import ValidationError


def _require_date(value: object, name: str) -> dt.date:
    # datetime is a subclass of date; a timestamp here would smuggle in a time zone.
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(
            name,
            tr("{name} must be a calendar date, not {kind}.").format(
                name=name, kind=type(value).__name__
            ),
        )
    return value


# The names of the dates people type or see refused (``name`` with spaces), translated
# where a refusal names them; any other name is shown as it is.
_DATE_NAMES: Final = (
    tr_noop("date"),
    tr_noop("date of birth"),
    tr_noop("weight date"),
    tr_noop("creatinine date"),
    tr_noop("actual date"),
    tr_noop("onset"),
    tr_noop("resolution"),
    tr_noop("fixed date"),
    tr_noop("printed on"),
)


def _date_name(label: str) -> str:
    return tr(label) if label in _DATE_NAMES else label


def calendar_date(value: object, name: str) -> dt.date:
    """A calendar date given as a date or as ISO text ("2026-03-10"): the one way dates
    are read back from stored documents and checked when given.

    Raises:
        ValidationError: a date and time (a day number must not depend on the hour), text
            that is not an ISO date, or anything else; the message names ``name``.
    """
    label = name.replace("_", " ")
    if isinstance(value, dt.datetime):
        raise ValidationError(
            name,
            tr("The {label} must be a calendar date, not a date and time.").format(
                label=_date_name(label)
            ),
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(
        name,
        tr("The {label} '{value}' is not a calendar date (YYYY-MM-DD).").format(
            label=_date_name(label), value=value
        ),
    )


def optional_calendar_date(value: object, name: str) -> dt.date | None:
    """``calendar_date``, or None for a value not given (None or empty text)."""
    return None if value is None or value == "" else calendar_date(value, name)


def transplant_day(date: dt.date, day0: dt.date) -> int:
    """Return the transplant day number of ``date`` (Day 0 = infusion date)."""
    return (_require_date(date, "date") - _require_date(day0, "Day 0")).days


def date_for_day(day: int, day0: dt.date) -> dt.date:
    """Return the calendar date of transplant day ``day``."""
    return _require_date(day0, "Day 0") + dt.timedelta(days=day)


MDAY: Final = "mday"
"""An anchor numbered in mobilisation days: M-Day 1 is the anchor date (the first G-CSF
dose), and there is no M-Day 0."""
OFFSET: Final = "offset"
"""An anchor numbered in plain days: day 0 is the anchor date (Day 0 is the infusion)."""
NUMBERINGS: Final = (OFFSET, MDAY)


def days_after_anchor(day: int, numbering: str) -> int:
    """How many days after its anchor's date a step's ``day`` falls: M-Day n is n - 1 days
    after the first G-CSF dose (there is no M-Day 0), an offset day n is n days after."""
    return day - 1 if numbering == MDAY and day > 0 else day


def mobilisation_day(date: dt.date, first_dose: dt.date) -> int:
    """Return the mobilisation day number: M-Day 1 is the first G-CSF dose.

    Dates before the first dose count backwards from M-Day -1 (there is no M-Day 0).
    """
    delta = (_require_date(date, "date") - _require_date(first_dose, "first G-CSF dose")).days
    return delta + 1 if delta >= 0 else delta


def date_for_mobilisation_day(mday: int, first_dose: dt.date) -> dt.date:
    """Return the calendar date of mobilisation day ``mday`` (M-Day 1 = ``first_dose``)."""
    if mday == 0:
        raise ValidationError("mday", tr("There is no M-Day 0: M-Day 1 is the first G-CSF dose."))
    start = _require_date(first_dose, "first G-CSF dose")
    return start + dt.timedelta(days=days_after_anchor(mday, MDAY))


def day_label(day: int) -> str:
    """Long label: "Day -3", "Day 0", "Day +12" (in the interface's language)."""
    return tr("Day {n}").format(n=f"{day:+d}") if day else tr("Day 0")


def short_day_label(day: int) -> str:
    """Board label: "D-3", "D0", "D+12"."""
    return f"D{day:+d}" if day else "D0"


def mobilisation_label(mday: int) -> str:
    """Label of a mobilisation day: "M-Day 4" (in the interface's language)."""
    return tr("M-Day {n}").format(n=mday)


@dataclass(frozen=True)
class DayWindow:
    """A target day with a tolerance, e.g. Day +28 +/-3.

    Attributes:
        day: the target transplant day.
        before: days allowed early.
        after: days allowed late.
    """

    day: int
    before: int = 0
    after: int = 0

    def __post_init__(self) -> None:
        if self.before < 0 or self.after < 0:
            raise ValidationError("window", tr("A window's tolerance cannot be negative."))

    @property
    def first(self) -> int:
        """The earliest acceptable day."""
        return self.day - self.before

    @property
    def last(self) -> int:
        """The latest acceptable day."""
        return self.day + self.after

    def contains(self, day: int) -> bool:
        """True when ``day`` lies inside the window (ends included)."""
        return self.first <= day <= self.last

    def dates(self, day0: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last calendar dates of the window."""
        return date_for_day(self.first, day0), date_for_day(self.last, day0)

    def label(self) -> str:
        """ "Day +28 +/-3", or "Day +28 -2/+5" for an uneven window."""
        base = day_label(self.day)
        if self.before == self.after == 0:
            return base
        if self.before == self.after:
            return f"{base} +/-{self.before}"
        return f"{base} -{self.before}/+{self.after}"


# Abbreviations as ``%a`` and ``%b`` give them in English, whatever the workstation's locale.
_WEEKDAYS: Final = (
    tr_noop("Mon"),
    tr_noop("Tue"),
    tr_noop("Wed"),
    tr_noop("Thu"),
    tr_noop("Fri"),
    tr_noop("Sat"),
    tr_noop("Sun"),
)
_MONTHS: Final = (
    tr_noop("Jan"),
    tr_noop("Feb"),
    tr_noop("Mar"),
    tr_noop("Apr"),
    tr_noop("May"),
    tr_noop("Jun"),
    tr_noop("Jul"),
    tr_noop("Aug"),
    tr_noop("Sep"),
    tr_noop("Oct"),
    tr_noop("Nov"),
    tr_noop("Dec"),
)


def short_date(date: dt.date, *, year: bool = False) -> str:
    """ "Mon 09 Mar" (with ``year``, "Mon 09 Mar 2026") in the interface's language."""
    text = tr("{weekday} {day} {month}").format(
        weekday=tr(_WEEKDAYS[date.weekday()]),
        day=f"{date.day:02d}",
        month=tr(_MONTHS[date.month - 1]),
    )
    return f"{text} {date.year}" if year else text
