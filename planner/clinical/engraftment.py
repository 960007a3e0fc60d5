"""Neutrophil and platelet engraftment, and the primary graft-failure watch.

Rules: CIBMTR Forms Instruction Manual (Post-TED 2450, Form 2100), endorsed by the ASTCT
consensus (Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649). Every result
carries the rule text and the measurements that decided it, so the screen can show *why*; a
clinician may override a result with a reason (:func:`override`), and the computed result is
kept.

Input series are pandas Series indexed by sample date (``date``, ``datetime``, ``Timestamp``
or ISO text) with values in 10^9/L, or the same values as ``Counts`` (what the app passes:
pandas is imported only when a Series is built). Choices where the published rules are silent:

* Unsorted input is sorted by date; the order given never changes the result.
* Several values on the same calendar day are collapsed to the **lowest** one (a note names
  them). The rules count values "on different days", so one day can contribute one value,
  and the lowest is the conservative choice: it can deepen the nadir and it can only delay,
  never advance, a recovery date.
* NaN values (and NaT dates) are dropped with a note; negative or infinite values are refused.
* Gaps between draws are allowed: "consecutive" means consecutive *measurements*.
* The nadir is the nadir *before* engraftment: the neutrophil date is the first qualifying
  run after the ANC first fell below 0.5, and a later fall (however deep) never moves or
  erases it. A loss of neutrophils after engraftment is secondary graft failure or poor graft
  function, a different work-up (ASTCT 2021): :func:`secondary_graft_failure_pattern` and
  :func:`poor_graft_function_pattern` flag the patterns for a clinician to confirm.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from planner.domain.days import short_day_label
from planner.domain.i18n import tr, tr_noop
from planner.domain.labs import COUNT_ANALYTES, LabSample
from planner.domain.patients import GraftSource
from planner.errors import ValidationError

if TYPE_CHECKING:
    import pandas as pd

Status = Literal["engrafted", "not_engrafted", "never_below"]
Lineage = Literal["neutrophil", "platelet"]
FlagLevel = Literal["watch", "meets_primary_gf_definition"]

RULE_SOURCE: Final = "CIBMTR/ASTCT 2021"
ANC_THRESHOLD: Final = 0.5
CONSECUTIVE: Final = 3
TRANSFUSION_FREE_DAYS: Final = 7
DEFAULT_NADIR_WINDOW_DAYS: Final = 42
WATCH_DAY: Final = 28
PRIMARY_GF_DAY: Final[dict[GraftSource, int]] = {
    GraftSource.PBSC: 30,
    GraftSource.MARROW: 30,
    GraftSource.CORD: 42,
}

Point = tuple[dt.date, float]


@dataclass(frozen=True)
class EngraftmentResult:
    """The outcome of an engraftment rule, with what decided it.

    Attributes:
        lineage: "neutrophil" or "platelet".
        threshold: the threshold in 10^9/L (0.5, 20 or 50).
        status: "engrafted", "not_engrafted" or "never_below".
        date: the engraftment date (first of the qualifying run), else None.
        rule: the criteria set, its version and the rule in words.
        nadir_date, nadir_value: the post-transplant nadir used (None when there are no values).
        deciding_values: the (date, value) pairs that decided the status: the three
            qualifying values when engrafted, the lowest value for "never_below", the values
            after the nadir (at most the last three) when not engrafted.
        notes: plain sentences the clinician must see (dropped values, same-day duplicates,
            a dip after recovery, a transfusion after the date, provisional results).
        computed: for an overridden result, the result the rule computed; else None.
        override_reason, overridden_by: the clinician's reason and name for an override.
    """

    lineage: Lineage
    threshold: float
    status: Status
    date: dt.date | None
    rule: str
    nadir_date: dt.date | None = None
    nadir_value: float | None = None
    deciding_values: tuple[Point, ...] = ()
    notes: tuple[str, ...] = ()
    computed: EngraftmentResult | None = None
    override_reason: str = ""
    overridden_by: str = ""

    @property
    def overridden(self) -> bool:
        """True when a clinician replaced the computed result."""
        return self.computed is not None

    def explanation(self) -> str:
        """One paragraph for the screen or the PDF: status, deciding values, rule, notes."""
        what = (
            tr("Neutrophil engraftment (>= {threshold} x10^9/L)")
            if self.lineage == "neutrophil"
            else tr("Platelet engraftment (>= {threshold} x10^9/L)")
        ).format(threshold=f"{self.threshold:g}")
        if self.status == "engrafted":
            head = tr("{what}: {date}.").format(
                what=what, date=self.date.isoformat() if self.date else "?"
            )
        elif self.status == "never_below":
            head = tr("{what}: not applicable, counts never fell below {threshold}.").format(
                what=what, threshold=f"{self.threshold:g}"
            )
        else:
            head = tr("{what}: not yet reached.").format(what=what)
        parts = [head]
        if self.deciding_values:
            values = ", ".join(f"{d.isoformat()} {v:g}" for d, v in self.deciding_values)
            parts.append(tr("Deciding values: {values}.").format(values=values))
        if self.nadir_date is not None and self.nadir_value is not None:
            parts.append(
                tr("Nadir {value} on {date}.").format(
                    value=f"{self.nadir_value:g}", date=self.nadir_date.isoformat()
                )
            )
        parts.append(tr("Rule: {rule}.").format(rule=self.rule))
        parts.extend(self.notes)
        return " ".join(parts)


@dataclass(frozen=True)
class GraftFailureFlag:
    """A primary graft-failure alert for the board (ASTCT 2021, Kharfan-Dabaja et al.).

    Attributes:
        level: "watch" (Day +28 without neutrophil engraftment) or
            "meets_primary_gf_definition" (Day +30 PBSC/marrow, Day +42 cord).
        day: the transplant day assessed.
        graft_source: the graft source the limit came from.
        limit_day: the day on which the definition is met for this graft source.
        rule: criteria set and rule in words.
        message: the sentence to show; it says the clinician must confirm pancytopenia.
    """

    level: FlagLevel
    day: int
    graft_source: GraftSource
    limit_day: int
    rule: str
    message: str


# --------------------------------------------------------------------------- input cleaning


def _as_date(value: object) -> dt.date | None:
    """A calendar date from an index label; None for NaT/None."""
    if value is None:
        return None
    pandas = sys.modules.get("pandas")  # loaded when the caller passed a Series
    if pandas is not None and value is pandas.NaT:  # NaT is a datetime too
        return None
    if isinstance(value, dt.datetime):  # pandas.Timestamp included
        return value.date()
    if isinstance(value, dt.date):
        return value
    if pandas is not None:
        import numpy as np

        if isinstance(value, np.datetime64):
            if np.isnat(value):
                return None
            stamp: dt.datetime = pandas.Timestamp(value)
            return stamp.date()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise ValidationError(
        "date",
        tr("Sample date {value} is not a calendar date (use YYYY-MM-DD).").format(
            value=repr(value)
        ),
    )


@dataclass(frozen=True)
class Counts:
    """One analyte's values by sample date, without pandas.

    What the app passes the engraftment functions (each takes it as it takes a pandas
    Series indexed by date): the clinic board assesses every patient's counts, and a
    Series per patient and analyte, with the import of pandas, cost the board's load
    more than the assessment itself.
    """

    dates: tuple[dt.date, ...]
    values: tuple[float, ...]
    name: str = ""

    def __len__(self) -> int:
        return len(self.dates)


@dataclass(frozen=True)
class _Clean:
    points: tuple[Point, ...]  # sorted by date, one per day
    notes: tuple[str, ...]


# The names of the count series as sentences show them (the English names are the
# fields of the refusals).
_SERIES_NAMES: Final = {
    "ANC": tr_noop("ANC"),
    "platelet": tr_noop("platelet"),
    "platelets": tr_noop("platelets"),
    "Hb": tr_noop("Hb"),
}


def _labelled_values(series: object, what: str, name: str) -> Iterable[tuple[object, float]]:
    """(date label, value) pairs of a ``Counts`` or a pandas Series."""
    if isinstance(series, Counts):
        return zip(series.dates, series.values, strict=True)
    pandas = sys.modules.get("pandas")
    if pandas is None or not isinstance(series, pandas.Series):
        raise ValidationError(
            what, tr("{series} must be a pandas Series indexed by date.").format(series=name)
        )
    try:
        values = series.to_numpy(dtype=float, na_value=math.nan)
    except (TypeError, ValueError):
        raise ValidationError(
            what, tr("{series} values must be numbers in 10^9/L.").format(series=name)
        ) from None
    return zip(series.index.tolist(), values.tolist(), strict=True)


def _clean(series: pd.Series | Counts, what: str) -> _Clean:
    """Sort by date, drop NaN, collapse same-day values to the lowest, refuse impossible values."""
    name = tr(_SERIES_NAMES.get(what, what))
    pairs = _labelled_values(series, what, name)
    notes: list[str] = []
    dropped: list[str] = []
    by_day: dict[dt.date, list[float]] = {}
    for label, value in pairs:
        day = _as_date(label)
        if day is None or math.isnan(value):
            dropped.append(day.isoformat() if day is not None else tr("no date"))
            continue
        if math.isinf(value) or value < 0:
            raise ValidationError(
                what,
                tr("{series} value {value} on {date} is not a possible count.").format(
                    series=name, value=f"{value:g}", date=day.isoformat()
                ),
            )
        by_day.setdefault(day, []).append(value)
    if dropped:
        notes.append(
            tr("{n} {series} value(s) without a number or date were ignored ({dates}).").format(
                n=len(dropped), series=name, dates=", ".join(sorted(dropped))
            )
        )
    points: list[Point] = []
    for day in sorted(by_day):
        day_values = by_day[day]
        lowest = min(day_values)
        if len(day_values) > 1:
            listed = ", ".join(f"{v:g}" for v in sorted(day_values))
            notes.append(
                tr(
                    "{date} has {n} {series} values ({values}); the lowest ({lowest}) is used."
                ).format(
                    date=day.isoformat(),
                    n=len(day_values),
                    series=name,
                    values=listed,
                    lowest=f"{lowest:g}",
                )
            )
        points.append((day, lowest))
    return _Clean(tuple(points), tuple(notes))


def _first_run(points: Sequence[Point], qualifies: Sequence[bool], start: int) -> int | None:
    """Index of the first of CONSECUTIVE consecutive qualifying points at or after ``start``."""
    run = 0
    for i in range(start, len(points)):
        if qualifies[i]:
            run += 1
            if run == CONSECUTIVE:
                return i - CONSECUTIVE + 1
        else:
            run = 0
    return None


def _engraftment_run(
    points: Sequence[Point], qualifies: Sequence[bool], first_low: int, window: Sequence[int]
) -> int | None:
    """Where the engraftment run starts: the first run of 3 values >= 0.5 after the aplasia.

    The aplasia is the first stretch of 3 consecutive results below 0.5 starting inside the
    nadir window; a single dip before it (counts still falling after conditioning: 0.45,
    then 0.6, 0.7, 0.55, then 0.2, 0.05, ...) is not the nadir. Without such a stretch
    (sparse sampling) the first run after the first fall below 0.5 counts. Either way a
    later fall, however deep, never moves the date (design decisions; the CIBMTR rule counts
    "after the nadir" without defining a nadir of sparse or fluctuating counts).
    """
    in_window = set(window)
    low_run = 0
    for i in range(first_low, len(points)):
        if qualifies[i]:
            low_run = 0
            continue
        low_run += 1
        if low_run == CONSECUTIVE and (i - CONSECUTIVE + 1) in in_window:
            after = _first_run(points, qualifies, i + 1)
            if after is not None:
                return after
            break
    return _first_run(points, qualifies, first_low + 1)


def _fmt(points: Iterable[Point]) -> str:
    on = tr("{value} on {date}")
    return ", ".join(on.format(value=f"{v:g}", date=d.isoformat()) for d, v in points)


# --------------------------------------------------------------------------- neutrophils

_NEUTROPHIL_RULE: Final = tr_noop(
    "{source}: first of 3 consecutive values >= 0.5 x10^9/L on different days "
    "after the post-transplant nadir (the nadir before engraftment: a later fall does not "
    "move the date)"
)
NEUTROPHIL_RULE: Final = _NEUTROPHIL_RULE.format(source=RULE_SOURCE)  # English, for reference


def _first_min(points: Sequence[Point], indices: Iterable[int]) -> int:
    """Index of the first occurrence of the lowest value among ``indices``."""
    return min(indices, key=lambda i: (points[i][1], i))


def neutrophil_engraftment(
    anc: pd.Series | Counts,
    *,
    day0: dt.date | None = None,
    nadir_window_days: int = DEFAULT_NADIR_WINDOW_DAYS,
) -> EngraftmentResult:
    """Neutrophil engraftment date by the CIBMTR/ASTCT 2021 rule.

    The date is the first of three consecutive measurements (on different days, gaps allowed)
    all >= 0.5 x10^9/L after the ANC first fell below 0.5 x10^9/L; a run before that fall
    (the pre-nadir counts of the first days) is ignored. The nadir reported is the first
    occurrence of the lowest ANC before that date: the nadir *before* engraftment. Once
    engraftment has occurred the initial date stands: a later fall, however deep, does not
    re-define the nadir (a note names it; :func:`secondary_graft_failure_pattern` assesses
    it). If the ANC never fell below 0.5 between Day 0 and Day +``nadir_window_days`` (when
    ``day0`` is given; else over the whole series) the status is "never_below".

    Args:
        anc: ANC in 10^9/L indexed by sample date (any order; NaN dropped with a note).
        day0: the transplant's Day 0; strongly recommended (pre-transplant values are then
            ignored and the window for the first fall below 0.5 is anchored).
        nadir_window_days: the last transplant day on which the first fall below 0.5 is
            looked for; a first fall after it is not a post-transplant nadir.

    Returns:
        An :class:`EngraftmentResult` with the rule, nadir and deciding values.
    """
    if day0 is not None:
        day0 = _as_date(day0)
    if nadir_window_days < 0:
        raise ValidationError("nadir_window_days", tr("The nadir window must be 0 days or more."))
    clean = _clean(anc, "ANC")
    notes = list(clean.notes)
    points = list(clean.points)
    rule = tr(_NEUTROPHIL_RULE).format(source=RULE_SOURCE)
    if day0 is not None:
        before = sum(1 for d, _ in points if d < day0)
        points = [(d, v) for d, v in points if d >= day0]
        if before:
            notes.append(_before_day0(before, day0))
        rule += tr("; the fall below 0.5 is looked for from Day 0 to Day +{days}").format(
            days=nadir_window_days
        )
    result = EngraftmentResult(
        lineage="neutrophil", threshold=ANC_THRESHOLD, status="not_engrafted", date=None, rule=rule
    )
    if not points:
        return dataclasses.replace(result, notes=(*notes, tr("There are no ANC values to assess.")))
    if day0 is not None:
        window_end = day0 + dt.timedelta(days=nadir_window_days)
        window = [i for i, (d, _) in enumerate(points) if d <= window_end]
        if not window:
            notes.append(
                tr("There are no ANC values between Day 0 and Day +{days}.").format(
                    days=nadir_window_days
                )
            )
            return dataclasses.replace(result, notes=tuple(notes))
    else:
        window = list(range(len(points)))

    qualifies = [v >= ANC_THRESHOLD for _, v in points]
    first_low = next((i for i in window if not qualifies[i]), None)
    if first_low is None:
        nadir_i = _first_min(points, window)
        nadir_date, nadir_value = points[nadir_i]
        notes.append(
            tr("ANC never fell below 0.5 x10^9/L (lowest {lowest}).").format(
                lowest=f"{nadir_value:g}"
            )
        )
        last = points[-1][0]
        if day0 is not None and (last - day0).days < nadir_window_days:
            notes.append(
                tr("Provisional: values reach only Day +{day}; the ANC may still fall.").format(
                    day=(last - day0).days
                )
            )
        return dataclasses.replace(
            result,
            status="never_below",
            nadir_date=nadir_date,
            nadir_value=nadir_value,
            deciding_values=((nadir_date, nadir_value),),
            notes=tuple(notes),
        )

    start = _engraftment_run(points, qualifies, first_low, window)
    if start is None:
        nadir_i = _first_min(points, range(len(points)))
        after = points[nadir_i + 1 :]
        if after and all(qualifies[nadir_i + 1 :]):
            notes.append(
                tr("Recovery in progress: {n} of 3 values >= 0.5 after the nadir.").format(
                    n=len(after)
                )
            )
        return dataclasses.replace(
            result,
            nadir_date=points[nadir_i][0],
            nadir_value=points[nadir_i][1],
            deciding_values=tuple(after[-3:]),
            notes=tuple(notes),
        )

    nadir_date, nadir_value = points[_first_min(points, range(start))]
    run = points[start : start + CONSECUTIVE]
    if any(v == ANC_THRESHOLD for _, v in run):
        notes.append(
            tr(
                "A deciding value is exactly 0.5; CIBMTR asks for the manual differential "
                "when available."
            )
        )
    later_low = [(d, v) for d, v in points[start + CONSECUTIVE :] if v < ANC_THRESHOLD]
    if later_low:
        notes.append(
            tr(
                "ANC fell below 0.5 again after the engraftment date ({values}); the initial "
                "date stands (a later loss is secondary graft failure or poor graft function, "
                "not a new engraftment), clinician confirms."
            ).format(values=_fmt(later_low[:3]))
        )
    return dataclasses.replace(
        result,
        status="engrafted",
        date=run[0][0],
        nadir_date=nadir_date,
        nadir_value=nadir_value,
        deciding_values=tuple(run),
        notes=tuple(notes),
    )


# --------------------------------------------------------------------------- platelets


def _before_day0(count: int, day0: dt.date) -> str:
    return tr("{n} value(s) before Day 0 ({date}) were not used.").format(
        n=count, date=day0.isoformat()
    )


def _platelet_rule(threshold: float) -> str:
    return tr(
        "{source}: first of 3 consecutive values >= {threshold} x10^9/L on different days, "
        "each at least {days} days after the last platelet transfusion"
    ).format(source=RULE_SOURCE, threshold=f"{threshold:g}", days=TRANSFUSION_FREE_DAYS)


def _check_threshold(threshold: object) -> float:
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, int | float)
        or not 0 < threshold <= 2000
    ):
        raise ValidationError("threshold", tr("The platelet threshold must be a count above 0."))
    return float(threshold)


def _transfusion_dates(transfusions: Iterable[object]) -> list[dt.date]:
    tx_dates: list[dt.date] = []
    for t in transfusions:
        day = _as_date(t)
        if day is None:
            raise ValidationError("transfusions", tr("A platelet transfusion has no date."))
        tx_dates.append(day)
    return sorted(tx_dates)


def platelet_engraftment(
    plt: pd.Series | Counts,
    transfusions: Iterable[dt.date] = (),
    threshold: float = 20,
    *,
    day0: dt.date | None = None,
) -> EngraftmentResult:
    """Platelet engraftment date by the CIBMTR/ASTCT 2021 rule.

    A measurement qualifies when it is >= ``threshold`` and the last platelet transfusion on
    or before its date was at least 7 days earlier (a transfusion exactly 7 days before
    qualifies; one on the same day does not). The date is the first of three consecutive
    qualifying measurements. Counting starts at the first value below the threshold or the
    first transfusion, whichever is earlier, so the pre-nadir counts of the first days after
    transplant cannot count as recovery. "never_below" (CIBMTR "not applicable"): counts never
    fell below the threshold and no platelet transfusion was given.

    Args:
        plt: platelets in 10^9/L indexed by sample date.
        transfusions: dates of platelet transfusions (all of them, including before Day 0:
            a transfusion on Day -3 still disqualifies values up to Day +3).
        threshold: 20 or 50 (x10^9/L); other positive values are accepted.
        day0: the transplant's Day 0; values (and, for "never_below", transfusions) before it
            are ignored.
    """
    threshold = _check_threshold(threshold)
    if day0 is not None:
        day0 = _as_date(day0)
    tx_dates = _transfusion_dates(transfusions)
    clean = _clean(plt, "platelet")
    notes = list(clean.notes)
    points = list(clean.points)
    rule = _platelet_rule(threshold)
    if day0 is not None:
        before = sum(1 for d, _ in points if d < day0)
        points = [(d, v) for d, v in points if d >= day0]
        if before:
            notes.append(_before_day0(before, day0))
    result = EngraftmentResult(
        lineage="platelet", threshold=threshold, status="not_engrafted", date=None, rule=rule
    )
    if not points:
        return dataclasses.replace(
            result, notes=(*notes, tr("There are no platelet values to assess."))
        )
    nadir_i = min(range(len(points)), key=lambda i: (points[i][1], i))
    nadir_date, nadir_value = points[nadir_i]
    result = dataclasses.replace(result, nadir_date=nadir_date, nadir_value=nadir_value)
    relevant_tx = [t for t in tx_dates if day0 is None or t >= day0]

    if nadir_value >= threshold and not relevant_tx:
        notes.append(
            tr(
                "Platelets never fell below {threshold} x10^9/L (lowest {lowest}) and no "
                "platelet transfusion was given (CIBMTR: not applicable)."
            ).format(threshold=f"{threshold:g}", lowest=f"{nadir_value:g}")
        )
        return dataclasses.replace(
            result,
            status="never_below",
            deciding_values=((nadir_date, nadir_value),),
            notes=tuple(notes),
        )

    # Counting starts at the first fall below the threshold or the first transfusion.
    first_low = next((d for d, v in points if v < threshold), None)
    starts = [d for d in (first_low, relevant_tx[0] if relevant_tx else None) if d is not None]
    count_from = min(starts)
    start_i = next((i for i, (d, _) in enumerate(points) if d >= count_from), len(points))

    def last_tx_on_or_before(day: dt.date) -> dt.date | None:
        earlier = [t for t in tx_dates if t <= day]
        return earlier[-1] if earlier else None

    qualifies: list[bool] = []
    for d, v in points:
        last = last_tx_on_or_before(d)
        free = last is None or (d - last).days >= TRANSFUSION_FREE_DAYS
        qualifies.append(v >= threshold and free)
    start = _first_run(points, qualifies, start_i)
    if start is None:
        after = points[start_i:]
        return dataclasses.replace(result, deciding_values=tuple(after[-3:]), notes=tuple(notes))
    run = points[start : start + CONSECUTIVE]
    last = last_tx_on_or_before(run[0][0])
    if last is not None:
        notes.append(
            tr("Last platelet transfusion before the date: {date} ({days} days earlier).").format(
                date=last.isoformat(), days=(run[0][0] - last).days
            )
        )
    later_low = [(d, v) for d, v in points[start + CONSECUTIVE :] if v < threshold]
    if later_low:
        notes.append(
            tr(
                "Platelets fell below {threshold} again after the engraftment date ({values}); "
                "the first date stands, clinician confirms."
            ).format(threshold=f"{threshold:g}", values=_fmt(later_low[:3]))
        )
    later_tx = [t for t in tx_dates if t > run[-1][0]]
    if later_tx:
        notes.append(
            tr(
                "Platelet transfusion(s) after the engraftment date ({dates}); clinician confirms."
            ).format(dates=", ".join(t.isoformat() for t in later_tx[:3]))
        )
    return dataclasses.replace(
        result, status="engrafted", date=run[0][0], deciding_values=tuple(run), notes=tuple(notes)
    )


# --------------------------------------------------------------------------- override

# The statuses as the override's summary names them (the statuses are the keys).
_STATUS_WORDS: Final = {
    "engrafted": tr_noop("engrafted"),
    "not_engrafted": tr_noop("not engrafted"),
    "never_below": tr_noop("never below"),
}


def override(
    result: EngraftmentResult, date: dt.date | None, reason: str, by: str
) -> EngraftmentResult:
    """A clinician's override: ``date`` (None = not engrafted) with a recorded reason.

    The computed result is kept in ``.computed`` (the first computed one when an override is
    overridden again). Recording the override in the audit trail is the caller's job.
    """
    if date is not None:
        date = _as_date(date)
    reason = (reason or "").strip()
    by = (by or "").strip()
    if not reason:
        raise ValidationError("reason", tr("An override needs a reason."))
    if not by:
        raise ValidationError("by", tr("An override needs the name of the clinician."))
    computed = result.computed or result
    status: Status = "engrafted" if date is not None else "not_engrafted"
    shown = tr(_STATUS_WORDS.get(computed.status, computed.status.replace("_", " ")))
    summary = (
        tr("Computed: {status} on {date} ({rule}).").format(
            status=shown, date=computed.date.isoformat(), rule=computed.rule
        )
        if computed.date
        else tr("Computed: {status} ({rule}).").format(status=shown, rule=computed.rule)
    )
    return dataclasses.replace(
        computed,
        status=status,
        date=date,
        rule=tr("Clinician override by {by}: {reason}").format(by=by, reason=reason),
        deciding_values=(),
        notes=(summary, *computed.notes),
        computed=computed,
        override_reason=reason,
        overridden_by=by,
    )


# --------------------------------------------------------------------------- graft failure

# The graft sources as the graft-failure sentences name them.
_GRAFT_WORDS: Final = {
    "pbsc": tr_noop("PBSC"),
    "marrow": tr_noop("bone marrow"),
    "cord": tr_noop("cord blood"),
}


def graft_failure_flag(
    engrafted_on: dt.date | EngraftmentResult | None,
    graft_source: GraftSource | str,
    day: int,
) -> GraftFailureFlag | None:
    """Primary graft-failure alert (ASTCT 2021); None when there is nothing to flag.

    "watch" from Day +28 without neutrophil engraftment; "meets_primary_gf_definition" from
    Day +30 (PBSC, marrow) or Day +42 (cord). The definition also needs pancytopenia, which
    the clinician confirms; the message says so.

    Args:
        engrafted_on: the neutrophil engraftment date, or the neutrophil
            :class:`EngraftmentResult` ("engrafted" and "never_below" both mean no flag).
        graft_source: "pbsc", "marrow" or "cord".
        day: today's transplant day number.
    """
    if isinstance(engrafted_on, EngraftmentResult):
        if engrafted_on.status != "not_engrafted":
            return None
    elif engrafted_on is not None:
        return None
    try:
        source = GraftSource(str(graft_source).lower())
    except ValueError:
        raise ValidationError(
            "graft_source",
            tr("Graft source '{source}' is not one of: pbsc, marrow, cord.").format(
                source=graft_source
            ),
        ) from None
    if isinstance(day, bool) or not isinstance(day, int):
        raise ValidationError("day", tr("The transplant day must be a whole number."))
    limit = PRIMARY_GF_DAY[source]
    label = tr(_GRAFT_WORDS[source.value])
    rule = tr(
        "ASTCT 2021 (Kharfan-Dabaja): primary graft failure = no ANC >= 0.5 x10^9/L by Day "
        "+{limit} for {graft}, with pancytopenia; watch from Day +{watch}"
    ).format(limit=limit, graft=label, watch=WATCH_DAY)
    if day >= limit:
        return GraftFailureFlag(
            level="meets_primary_gf_definition",
            day=day,
            graft_source=source,
            limit_day=limit,
            rule=rule,
            message=tr(
                "Day +{day} without neutrophil engraftment: meets the primary graft failure "
                "definition for {graft} (Day +{limit}) if there is pancytopenia; "
                "the clinician must confirm pancytopenia."
            ).format(day=day, graft=label, limit=limit),
        )
    if day >= WATCH_DAY:
        return GraftFailureFlag(
            level="watch",
            day=day,
            graft_source=source,
            limit_day=limit,
            rule=rule,
            message=tr(
                "Day +{day} without neutrophil engraftment: watch for primary graft failure "
                "(definition met at Day +{limit} for {graft} with pancytopenia; "
                "the clinician must confirm pancytopenia)."
            ).format(day=day, graft=label, limit=limit),
        )
    return None


# --------------------------------------------------------------------------- after engraftment

ASTCT_2021: Final = "Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649"
RONDON_2008: Final = "Rondón et al., Biol Blood Marrow Transplant 2008;14:859-866"
_SECONDARY_GF_RULE: Final = tr_noop(
    "Secondary graft failure pattern: after neutrophil engraftment, ANC < 0.5 x10^9/L on 3 "
    "consecutive results on different days ({rondon}). ASTCT 2021 ({astct}): "
    "secondary graft failure is a decline in haematopoietic function (neutrophils, platelets "
    "and/or haemoglobin) needing blood products or growth factors after neutrophil and "
    "platelet recovery; a clinician confirms it, excludes relapse, infection and drugs, and "
    "tells it from poor graft function (marrow cellularity, donor chimerism)"
)
_PGF_RULE_SOURCE: Final = tr_noop(
    "ASTCT 2021 ({astct}): poor graft function is frequent dependence on red-cell "
    "and/or platelet transfusions and/or growth factor support without another explanation "
    "(relapse, drugs, infection). The count thresholds, Day +28 and 14 days of this screen are "
    "a centre setting: the consensus gives no numbers (unverified)"
)
# The English texts, for reference; results carry them in the interface's language.
SECONDARY_GF_RULE: Final = _SECONDARY_GF_RULE.format(rondon=RONDON_2008, astct=ASTCT_2021)
PGF_RULE_SOURCE: Final = _PGF_RULE_SOURCE.format(astct=ASTCT_2021)


def _day_text(date: dt.date, day0: dt.date | None) -> str:
    """ "D+18" when Day 0 is known, else the ISO date."""
    return short_day_label((date - day0).days) if day0 is not None else date.isoformat()


@dataclass(frozen=True)
class SecondaryGraftFailurePattern:
    """A loss of neutrophils after engraftment, for the clinician to confirm.

    Attributes:
        engrafted_on: the initial neutrophil engraftment date (it stands).
        since: the first of the three consecutive results < 0.5 x10^9/L (the latest such fall).
        deciding_values: those three (date, value) pairs.
        recovered_on: the first of three consecutive results >= 0.5 after the fall; None
            while the fall is ongoing.
        rule: the rule in words with its sources.
        notes: what else the clinician must see (an earlier fall, platelets not recovered).
    """

    engrafted_on: dt.date
    since: dt.date
    deciding_values: tuple[Point, ...]
    recovered_on: dt.date | None
    rule: str
    notes: tuple[str, ...] = ()

    @property
    def ongoing(self) -> bool:
        """True until the ANC is >= 0.5 again on three consecutive results."""
        return self.recovered_on is None

    def headline(self, day0: dt.date | None = None) -> str:
        """The board text: "Secondary graft failure pattern: ANC < 0.5 on 3 consecutive
        results since D+18 after engraftment on D+9: confirm"."""
        return tr(
            "Secondary graft failure pattern: ANC < 0.5 on 3 consecutive results since "
            "{since} after engraftment on {engrafted}: confirm"
        ).format(since=_day_text(self.since, day0), engrafted=_day_text(self.engrafted_on, day0))

    def message(self, day0: dt.date | None = None) -> str:
        """The Counts tab's text: the headline, the deciding values, what to confirm."""
        parts = [
            f"{self.headline(day0)}.",
            tr("Deciding values: {values}.").format(values=_fmt(self.deciding_values)),
        ]
        if self.recovered_on is not None:
            parts.append(
                tr("ANC >= 0.5 again on 3 consecutive results from {day}.").format(
                    day=_day_text(self.recovered_on, day0)
                )
            )
        parts.append(
            tr(
                "The initial engraftment date stands. Confirm: not explained by relapse, "
                "infection or drugs; marrow and donor chimerism to tell secondary graft failure "
                "from poor graft function (ASTCT 2021)."
            )
        )
        parts.extend(self.notes)
        return " ".join(parts)


def _low_episodes(qualifies: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, last) indices of each stretch of CONSECUTIVE or more values below threshold."""
    episodes: list[tuple[int, int]] = []
    start: int | None = None
    for i, ok in enumerate([*qualifies, True]):
        if not ok and start is None:
            start = i
        elif ok and start is not None:
            if i - start >= CONSECUTIVE:
                episodes.append((start, i - 1))
            start = None
    return episodes


def secondary_graft_failure_pattern(
    anc: pd.Series | Counts,
    engrafted_on: dt.date | EngraftmentResult | None,
    *,
    day0: dt.date | None = None,
    platelet: EngraftmentResult | None = None,
) -> SecondaryGraftFailurePattern | None:
    """The secondary graft-failure pattern after neutrophil engraftment; None when absent.

    After the engraftment date, three consecutive ANC results (on different days, gaps
    allowed) below 0.5 x10^9/L (Rondón et al. 2008). The latest such fall is reported, with
    the date the ANC was >= 0.5 again on three consecutive results, if it was. A transient
    low value (one or two results) is no pattern. Secondary graft failure itself is a clinical
    diagnosis (ASTCT 2021): the result says what to confirm.

    Args:
        anc: ANC in 10^9/L indexed by sample date.
        engrafted_on: the neutrophil engraftment date, or the neutrophil
            :class:`EngraftmentResult` (only "engrafted" with a date is assessed).
        day0: the transplant's Day 0 (for day labels; values before it are ignored).
        platelet: the platelet (>= 20) result; a note says when platelets have not recovered.
    """
    if isinstance(engrafted_on, EngraftmentResult):
        engrafted_on = engrafted_on.date if engrafted_on.status == "engrafted" else None
    if engrafted_on is None:
        return None
    engrafted_on = _as_date(engrafted_on)
    if engrafted_on is None:
        return None
    points = [(d, v) for d, v in _clean(anc, "ANC").points if d > engrafted_on]
    qualifies = [v >= ANC_THRESHOLD for _, v in points]
    episodes = _low_episodes(qualifies)
    if not episodes:
        return None
    first, last = episodes[-1]
    recovered = _first_run(points, qualifies, last + 1)
    notes: list[str] = []
    if len(episodes) > 1:
        earlier = ", ".join(_day_text(points[s][0], day0) for s, _ in episodes[:-1])
        notes.append(
            tr("Earlier fall(s) below 0.5 on 3 consecutive results from: {days}.").format(
                days=earlier
            )
        )
    if platelet is not None and platelet.status != "engrafted":
        notes.append(
            tr(
                "Platelet recovery (>= 20 x10^9/L) has not been reached: ASTCT 2021 speaks of "
                "secondary graft failure after neutrophil and platelet recovery; confirm."
            )
        )
    return SecondaryGraftFailurePattern(
        engrafted_on=engrafted_on,
        since=points[first][0],
        deciding_values=tuple(points[first : first + CONSECUTIVE]),
        recovered_on=points[recovered][0] if recovered is not None else None,
        rule=tr(_SECONDARY_GF_RULE).format(rondon=RONDON_2008, astct=ASTCT_2021),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class PoorGraftFunctionThresholds:
    """The poor-graft-function screen's thresholds: a centre setting (ASTCT 2021 gives none).

    A result counts as a cytopenia when it is *at or below* the threshold.

    Attributes:
        anc: ANC in 10^9/L. plt: platelets in 10^9/L. hb: haemoglobin in g/L.
        from_day: only results from this transplant day on are read.
        min_days: how long (first to latest low result, in days) a cytopenia must last.
        min_lineages: how many lineages must be cytopenic (2 or 3 of ANC, platelets, Hb).
    """

    anc: float = 1.0
    plt: float = 20.0
    hb: float = 80.0
    from_day: int = 28
    min_days: int = 14
    min_lineages: int = 2

    def rule(self) -> str:
        """The screen in words, with its source."""
        return tr(
            "Poor graft function pattern: from Day +{from_day}, at least {lineages} of ANC <= "
            "{anc} x10^9/L, platelets <= {plt} x10^9/L and haemoglobin <= {hb} g/L on every "
            "result for {days} days or more, up to the latest result. {source}"
        ).format(
            from_day=self.from_day,
            lineages=self.min_lineages,
            anc=f"{self.anc:g}",
            plt=f"{self.plt:g}",
            hb=f"{self.hb:g}",
            days=self.min_days,
            source=tr(_PGF_RULE_SOURCE).format(astct=ASTCT_2021),
        )


DEFAULT_PGF_THRESHOLDS: Final = PoorGraftFunctionThresholds()
_PGF_NAMES: Final = {"anc": tr_noop("ANC"), "plt": tr_noop("platelets"), "hb": tr_noop("Hb")}


@dataclass(frozen=True)
class Cytopenia:
    """One lineage at or below its threshold on every result from ``since`` to ``last``.

    Attributes:
        analyte: "anc", "plt" or "hb". threshold: in its unit (10^9/L; Hb g/L).
        values: the (date, value) results of the stretch, in date order.
    """

    analyte: str
    threshold: float
    values: tuple[Point, ...]

    @property
    def since(self) -> dt.date:
        """The first low result of the stretch."""
        return self.values[0][0]

    @property
    def last(self) -> dt.date:
        """The latest result (still low)."""
        return self.values[-1][0]

    @property
    def days(self) -> int:
        """Days from the first to the latest low result."""
        return (self.last - self.since).days

    def text(self) -> str:
        """ "ANC <= 1" or "Hb <= 80 g/L"."""
        unit = " g/L" if self.analyte == "hb" else ""
        return f"{tr(_PGF_NAMES[self.analyte])} <= {self.threshold:g}{unit}"


@dataclass(frozen=True)
class PoorGraftFunctionPattern:
    """Two or three lasting cytopenias after engraftment, for the clinician to confirm.

    Attributes:
        cytopenias: the lineages at or below threshold long enough.
        transfusions: transfusion dates (any product) since the first of those cytopenias.
        thresholds: the screen's thresholds.
        rule: the screen in words, with its source.
    """

    cytopenias: tuple[Cytopenia, ...]
    transfusions: tuple[dt.date, ...]
    thresholds: PoorGraftFunctionThresholds
    rule: str

    def headline(self, day0: dt.date | None = None) -> str:
        """The board text: "Poor graft function pattern: ANC <= 1, platelets <= 20 for 14
        days or more from D+28: confirm"."""
        what = ", ".join(c.text() for c in self.cytopenias)
        start = (
            short_day_label(self.thresholds.from_day)
            if day0 is not None
            else tr("Day +{day}").format(day=self.thresholds.from_day)
        )
        return tr(
            "Poor graft function pattern: {what} for {days} days or more from {start}: confirm"
        ).format(what=what, days=self.thresholds.min_days, start=start)

    def message(self, day0: dt.date | None = None) -> str:
        """The Counts tab's text: the headline, each cytopenia, transfusions, what to confirm."""
        parts = [f"{self.headline(day0)}."]
        for c in self.cytopenias:
            parts.append(
                tr("{what} on all {n} results from {since} to {last} ({days} days).").format(
                    what=c.text(),
                    n=len(c.values),
                    since=_day_text(c.since, day0),
                    last=_day_text(c.last, day0),
                    days=c.days,
                )
            )
        if self.transfusions:
            parts.append(
                tr("{n} transfusion(s) recorded since {day}.").format(
                    n=len(self.transfusions),
                    day=_day_text(min(c.since for c in self.cytopenias), day0),
                )
            )
        else:
            parts.append(
                tr(
                    "No transfusion recorded in that time: confirm transfusion or "
                    "growth-factor dependence."
                )
            )
        parts.append(
            tr(
                "Confirm: transfusion or growth-factor dependence, hypocellular marrow, full "
                "donor chimerism, no relapse, drugs or infection to explain it (ASTCT 2021)."
            )
        )
        return " ".join(parts)


def _cytopenia(
    series: pd.Series | Counts, analyte: str, threshold: float, start: dt.date, min_days: int
) -> Cytopenia | None:
    """The latest stretch of results at or below ``threshold`` from ``start``, if long enough."""
    points = [(d, v) for d, v in _clean(series, _PGF_NAMES[analyte]).points if d >= start]
    stretch: list[Point] = []
    for d, v in reversed(points):
        if v > threshold:
            break
        stretch.append((d, v))
    if not stretch or (stretch[0][0] - stretch[-1][0]).days < min_days:
        return None
    return Cytopenia(analyte, threshold, tuple(reversed(stretch)))


def poor_graft_function_pattern(
    anc: pd.Series | Counts,
    plt: pd.Series | Counts,
    hb: pd.Series | Counts,
    *,
    day0: dt.date,
    transfusions: Iterable[object] = (),
    thresholds: PoorGraftFunctionThresholds = DEFAULT_PGF_THRESHOLDS,
) -> PoorGraftFunctionPattern | None:
    """The poor-graft-function screen; None when fewer lineages are cytopenic long enough.

    From Day +``from_day``, a lineage is cytopenic when every result from some date up to its
    latest result is at or below its threshold, over ``min_days`` days or more (gaps between
    draws allowed). The pattern needs ``min_lineages`` such lineages. Call it after neutrophil
    engraftment (before it, the primary graft-failure watch applies). ASTCT 2021 defines poor
    graft function by transfusion or growth-factor dependence without another explanation;
    the result lists the transfusions recorded and what the clinician must confirm.

    Args:
        anc, plt: ANC and platelets in 10^9/L; hb: haemoglobin in g/L (Series by date).
        day0: the transplant's Day 0.
        transfusions: transfusion dates (platelets and red cells).
        thresholds: the screen's thresholds (centre setting).
    """
    day0_date = _as_date(day0)
    if day0_date is None:
        raise ValidationError("day0", tr("The poor graft function screen needs Day 0."))
    start = day0_date + dt.timedelta(days=thresholds.from_day)
    found = [
        c
        for analyte, series, threshold in (
            ("anc", anc, thresholds.anc),
            ("plt", plt, thresholds.plt),
            ("hb", hb, thresholds.hb),
        )
        if (c := _cytopenia(series, analyte, threshold, start, thresholds.min_days)) is not None
    ]
    if len(found) < thresholds.min_lineages:
        return None
    first = min(c.since for c in found)
    given = [t for t in _transfusion_dates(transfusions) if t >= first]
    return PoorGraftFunctionPattern(tuple(found), tuple(given), thresholds, thresholds.rule())


# --------------------------------------------------------------------------- samples


def count_series(
    samples: Iterable[LabSample], analyte: str, *, patient_id: str | None = None
) -> pd.Series:
    """The samples of one analyte (and optionally one patient) as a Series indexed by date.

    Same-day values are kept (the engraftment functions collapse them to the lowest). A value
    reported as "<X" becomes the largest float below X, so "<0.5" never counts as reaching
    0.5; ">X" stays X (a lower bound). The Series is sorted by date; its name is the analyte.
    """
    import pandas as pd

    counts = sample_counts(samples, analyte, patient_id=patient_id)
    return pd.Series(
        list(counts.values),
        index=pd.Index(list(counts.dates), dtype=object),
        dtype=float,
        name=analyte,
    )


def sample_counts(
    samples: Iterable[LabSample], analyte: str, *, patient_id: str | None = None
) -> Counts:
    """``count_series`` as ``Counts``: the same values in the same order, without pandas."""
    if analyte not in COUNT_ANALYTES:
        raise ValidationError(
            "analyte",
            tr("Analyte '{analyte}' is not one of: {allowed}.").format(
                analyte=analyte, allowed=", ".join(COUNT_ANALYTES)
            ),
        )
    dates: list[dt.date] = []
    values: list[float] = []
    for s in samples:
        if s.analyte != analyte or (patient_id is not None and s.patient_id != patient_id):
            continue
        value = math.nextafter(s.value, -math.inf) if s.qualifier == "<" else s.value
        dates.append(s.date)
        values.append(max(value, 0.0))
    # sorted() is stable, as the Series' iloc reordering was: same-day values keep order.
    order = sorted(range(len(dates)), key=lambda i: dates[i])
    return Counts(tuple(dates[i] for i in order), tuple(values[i] for i in order), analyte)
