"""The harvest log of one transplant: daily blood CD34+ counts, apheresis collections, targets.

Pure: records in, values and alerts out (rules and sources: docs/clinical-sources.md,
"Harvest"). Stored as the body of the transplant's ``ClinicalRecord`` of kind "harvest"
(:meth:`HarvestLog.to_body` and :meth:`HarvestLog.from_body`). Every computed number is a
:class:`Computed` that carries the formula with the values put in, so a coordinator can check
it by hand.

Doses are per kg of the **recipient** (the patient for autologous collections). Each
collection keeps the weight it was computed with, so a later weight change never rewrites
what was collected.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final

from planner.clinical.harvest import (
    MAX_CD34_PER_UL,
    MAX_PRODUCT_ML,
    MAX_YIELD_PER_KG,
    TARGET_REL_TOLERANCE,
    cd34_dose,
    cumulative_yield,
)
from planner.domain.days import calendar_date, mobilisation_day, mobilisation_label
from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import format_number
from planner.domain.patients import MAX_WEIGHT_KG, MIN_WEIGHT_KG, Transplant, TransplantType
from planner.errors import ValidationError

SCHEMA: Final = 1
# Duong et al., ASBMT mobilisation guidelines (Biol Blood Marrow Transplant 2014): minimum
# 2 x10^6 CD34+/kg per transplant; allogeneic optimal 4, maximum 8 x10^6 CD34+/kg recipient
# weight. Autologous optimal 4-5 (5 used) is common practice (unverified exact value).
# Doubled for a tandem transplant (practice: cells stored for two transplants).
AUTO_TARGETS: Final = (2.0, 5.0)
ALLO_TARGETS: Final = (2.0, 4.0)
ALLO_MAXIMUM: Final = 8.0
# Start-apheresis / pre-emptive plerixafor trigger: centre-specific (10/uL is common
# practice, unverified as a guideline value).
DEFAULT_PLERIXAFOR_THRESHOLD: Final = 10.0  # PB CD34+ cells/uL
# Published pre-emptive plerixafor algorithm (Bone Marrow Transplant 2012): < 1.3 x10^6/kg
# on the first apheresis day.
DEFAULT_FIRST_DAY_YIELD_TRIGGER: Final = 1.3
MAX_PB_CD34: Final = 10_000.0  # cells/uL in blood; higher is a unit slip
MAX_BLOOD_VOLUME_L: Final = 60.0
FORECAST_RECENT: Final = 2  # mean of the last two yields predicts the next ones
MAX_BAGS: Final = 20
UNIT: Final = "x10^6 CD34+/kg"

TARGET_RULE: Final = tr_noop(
    "minimum 2 x10^6 CD34+/kg per transplant, optimal 4-5 (allogeneic: optimal 4, maximum 8), "
    "per kg recipient weight (Duong et al., ASBMT guidelines, Biol Blood Marrow Transplant "
    "2014; autologous optimal 4-5 is common practice, unverified); doubled for tandem"
)
STOP_RULE: Final = tr_noop(
    "centre practice: stop collecting when the cumulative yield reaches the target "
    "(or when the minimum is reached and the centre decides)"
)
PLERIXAFOR_RULE: Final = tr_noop(
    "pre-emptive plerixafor when the blood CD34+ count after G-CSF is below the centre "
    "threshold (published triggers <7 to <20/uL; default 10/uL) or the first apheresis yields "
    "< 1.3 x10^6/kg (pre-emptive plerixafor algorithm, Bone Marrow Transplant 2012; centre "
    "thresholds unverified); plerixafor is not for leukaemia mobilisation (Mozobil label)"
)


@dataclass(frozen=True)
class Computed:
    """A computed value with the formula that produced it.

    Attributes:
        value: the number (unrounded).
        unit: its unit.
        formula: the formula with the values put in, e.g.
            "1500 cells/uL x 250 mL x 1000 / 75 kg / 10^6 = 5 x10^6 CD34+/kg".
    """

    value: float
    unit: str
    formula: str

    @property
    def text(self) -> str:
        """The value for display, 2 decimals at most."""
        return f"{_num(self.value)} {self.unit}"


def _num(value: float, decimals: int = 2) -> str:
    """Display rounding, half-up (ISMP): 3.125 -> "3.13"."""
    return format_number(value, decimals)


def _number(value: object, name: str, label: str, low: float, high: float, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            name,
            tr("{label} must be a number from {low} to {high} {unit}.").format(
                label=label, low=f"{low:g}", high=f"{high:g}", unit=unit
            ),
        )
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(
            name,
            tr("{label} of {value} {unit} is not plausible; enter {low} to {high} {unit}.").format(
                label=label, value=f"{number:g}", unit=unit, low=f"{low:g}", high=f"{high:g}"
            ),
        )
    return number


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class PbCd34:
    """A peripheral-blood CD34+ count before apheresis.

    Attributes:
        date: the sample date.
        value: CD34+ cells per uL of blood (0 to 10,000).
        note: free text.
    """

    date: dt.date
    value: float
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", calendar_date(self.date, "date"))
        object.__setattr__(
            self,
            "value",
            _number(self.value, "pb_cd34", tr("Blood CD34+ count"), 0.0, MAX_PB_CD34, "cells/uL"),
        )


@dataclass(frozen=True)
class Collection:
    """One apheresis collection (one day's product, possibly in several bags).

    Give the product CD34+ either as a concentration (cells/uL) or as a total (x10^6 cells).

    Attributes:
        id: stable id within the log (used to edit).
        date: collection date.
        blood_volume_l: blood volume processed in litres (None if not recorded).
        product_volume_ml: product volume in mL.
        cd34_per_ul: product CD34+ concentration in cells/uL, or None.
        cd34_total_e6: product CD34+ total in 10^6 cells, or None.
        weight_kg: the recipient weight the dose is computed with.
        bags: bag identifiers.
        plerixafor_given: plerixafor was given before this collection.
        note: free text.
    """

    id: str
    date: dt.date
    product_volume_ml: float
    weight_kg: float
    cd34_per_ul: float | None = None
    cd34_total_e6: float | None = None
    blood_volume_l: float | None = None
    bags: tuple[str, ...] = ()
    plerixafor_given: bool = False
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", calendar_date(self.date, "date"))
        if not str(self.id).strip():
            raise ValidationError("id", tr("A collection needs an id."))
        _number(
            self.product_volume_ml,
            "product_volume_ml",
            tr("Product volume"),
            0.1,
            MAX_PRODUCT_ML,
            "mL",
        )
        _number(
            self.weight_kg, "weight_kg", tr("Recipient weight"), MIN_WEIGHT_KG, MAX_WEIGHT_KG, "kg"
        )
        if (self.cd34_per_ul is None) == (self.cd34_total_e6 is None):
            raise ValidationError(
                "cd34_per_ul",
                tr(
                    "Enter the product CD34+ either as a concentration (cells/uL) or as a total "
                    "(x10^6 cells), not both and not neither."
                ),
            )
        if self.cd34_per_ul is not None:
            _number(
                self.cd34_per_ul,
                "cd34_per_ul",
                tr("CD34+ concentration"),
                0.0,
                MAX_CD34_PER_UL,
                "cells/uL",
            )
        if self.cd34_total_e6 is not None:
            _number(self.cd34_total_e6, "cd34_total_e6", tr("CD34+ total"), 0.0, 1e6, "x10^6 cells")
        if self.blood_volume_l is not None:
            _number(
                self.blood_volume_l,
                "blood_volume_l",
                tr("Blood volume processed"),
                0.1,
                MAX_BLOOD_VOLUME_L,
                "L",
            )
        bags = tuple(str(b).strip() for b in self.bags if str(b).strip())
        if len(bags) > MAX_BAGS:
            raise ValidationError("bags", tr("At most {n} bags per collection.").format(n=MAX_BAGS))
        if len(set(bags)) != len(bags):
            raise ValidationError("bags", tr("A bag id is listed twice."))
        object.__setattr__(self, "bags", bags)

    def dose(self) -> Computed:
        """Product dose in 10^6 CD34+/kg recipient weight, with the formula written out."""
        w = self.weight_kg
        if self.cd34_per_ul is not None:
            value = cd34_dose(self.cd34_per_ul, self.product_volume_ml, w)
            formula = tr(
                "{cd34} cells/uL x {volume} mL x 1000 / {weight} kg / 10^6 = {dose} {unit}"
            ).format(
                cd34=_num(self.cd34_per_ul),
                volume=_num(self.product_volume_ml),
                weight=_num(w),
                dose=_num(value),
                unit=UNIT,
            )
        else:
            assert self.cd34_total_e6 is not None
            value = self.cd34_total_e6 / w
            formula = (
                f"{_num(self.cd34_total_e6)} x10^6 CD34+ / {_num(w)} kg = {_num(value)} {UNIT}"
            )
        if value > MAX_YIELD_PER_KG:
            raise ValidationError(
                "cd34_per_ul",
                tr("A dose of {dose} {unit} is not plausible; check the units.").format(
                    dose=f"{value:g}", unit=UNIT
                ),
            )
        return Computed(
            value, UNIT, tr("{formula} (per kg recipient weight)").format(formula=formula)
        )


@dataclass(frozen=True)
class Targets:
    """Collection targets per transplant before tandem doubling (10^6 CD34+/kg).

    Attributes:
        minimum: per-transplant minimum (default 2).
        optimal: per-transplant optimal target (default 5 autologous, 4 allogeneic).
        maximum: allogeneic infusion maximum (8), None for autologous.
    """

    minimum: float
    optimal: float
    maximum: float | None = None

    def __post_init__(self) -> None:
        _number(self.minimum, "minimum", tr("Minimum target"), 0.1, MAX_YIELD_PER_KG, UNIT)
        _number(self.optimal, "optimal", tr("Optimal target"), 0.1, MAX_YIELD_PER_KG, UNIT)
        if self.optimal < self.minimum:
            raise ValidationError("optimal", tr("The optimal target cannot be below the minimum."))
        if self.maximum is not None:
            _number(self.maximum, "maximum", tr("Maximum"), 0.1, MAX_YIELD_PER_KG, UNIT)
            if self.maximum < self.optimal:
                raise ValidationError(
                    "maximum", tr("The maximum cannot be below the optimal target.")
                )


def default_targets(transplant: Transplant) -> Targets:
    """Default targets for the transplant type (Duong et al., ASBMT 2014; see TARGET_RULE)."""
    if transplant.transplant_type is TransplantType.AUTOLOGOUS:
        return Targets(*AUTO_TARGETS)
    return Targets(*ALLO_TARGETS, maximum=ALLO_MAXIMUM)


@dataclass(frozen=True)
class HarvestLog:
    """Everything recorded about one transplant's stem-cell collection.

    Attributes:
        targets: per-transplant targets (doubled for tandem by :meth:`effective_targets`).
        plerixafor_threshold: PB CD34+ cells/uL below which plerixafor is prompted.
        first_day_yield_trigger: first-collection yield (10^6/kg) below which it is prompted.
        pb_cd34: blood CD34+ counts, one per date, sorted.
        collections: apheresis collections sorted by date.
    """

    targets: Targets
    plerixafor_threshold: float = DEFAULT_PLERIXAFOR_THRESHOLD
    first_day_yield_trigger: float = DEFAULT_FIRST_DAY_YIELD_TRIGGER
    pb_cd34: tuple[PbCd34, ...] = ()
    collections: tuple[Collection, ...] = field(default=())

    def __post_init__(self) -> None:
        _number(
            self.plerixafor_threshold,
            "plerixafor_threshold",
            tr("Plerixafor threshold"),
            0.0,
            1000.0,
            "cells/uL",
        )
        _number(
            self.first_day_yield_trigger,
            "first_day_yield_trigger",
            tr("First-day yield trigger"),
            0.0,
            MAX_YIELD_PER_KG,
            UNIT,
        )
        object.__setattr__(self, "pb_cd34", tuple(sorted(self.pb_cd34, key=lambda p: p.date)))
        object.__setattr__(
            self, "collections", tuple(sorted(self.collections, key=lambda c: (c.date, c.id)))
        )
        days = [p.date for p in self.pb_cd34]
        if len(set(days)) != len(days):
            raise ValidationError("pb_cd34", tr("Only one blood CD34+ count per date."))
        ids = [c.id for c in self.collections]
        if len(set(ids)) != len(ids):
            raise ValidationError("collections", tr("Two collections have the same id."))

    # --- edits (pure, return a new log) --------------------------------------------------

    def with_pb_cd34(self, count: PbCd34) -> HarvestLog:
        """The log with ``count`` added (replacing the count of the same date)."""
        kept = tuple(p for p in self.pb_cd34 if p.date != count.date)
        return replace(self, pb_cd34=(*kept, count))

    def without_pb_cd34(self, date: dt.date) -> HarvestLog:
        """The log without the count of ``date``."""
        return replace(self, pb_cd34=tuple(p for p in self.pb_cd34 if p.date != date))

    def with_collection(self, collection: Collection) -> HarvestLog:
        """The log with ``collection`` added, or replacing the one with its id."""
        collection.dose()  # refuse an implausible dose before it is stored
        kept = tuple(c for c in self.collections if c.id != collection.id)
        return replace(self, collections=(*kept, collection))

    def with_new_collection(self, collection: Collection) -> HarvestLog:
        """The log with ``collection`` added; an id already in the log is refused.

        Raises:
            ValidationError: the id is already used (an add never replaces a collection).
        """
        if any(c.id == collection.id for c in self.collections):
            raise ValidationError(
                "id",
                tr(
                    "A collection with id {id} is already in the log; it was not added again "
                    "(edit it instead)."
                ).format(id=collection.id),
            )
        return self.with_collection(collection)

    def without_collection(self, collection_id: str) -> HarvestLog:
        """The log without the collection ``collection_id``."""
        return replace(
            self, collections=tuple(c for c in self.collections if c.id != collection_id)
        )

    def next_collection_id(self) -> str:
        """A new, globally unique id (see :func:`new_collection_id`)."""
        return new_collection_id()

    # --- serialisation -------------------------------------------------------------------

    def to_body(self) -> dict[str, Any]:
        """The JSON-ready body of the "harvest" ClinicalRecord."""
        t = self.targets
        return {
            "schema": SCHEMA,
            "targets": {"minimum": t.minimum, "optimal": t.optimal, "maximum": t.maximum},
            "settings": {
                "plerixafor_threshold": self.plerixafor_threshold,
                "first_day_yield_trigger": self.first_day_yield_trigger,
            },
            "pb_cd34": [
                {"date": p.date.isoformat(), "value": p.value, "note": p.note} for p in self.pb_cd34
            ],
            "collections": [
                {
                    "id": c.id,
                    "date": c.date.isoformat(),
                    "blood_volume_l": c.blood_volume_l,
                    "product_volume_ml": c.product_volume_ml,
                    "cd34_per_ul": c.cd34_per_ul,
                    "cd34_total_e6": c.cd34_total_e6,
                    "weight_kg": c.weight_kg,
                    "bags": list(c.bags),
                    "plerixafor_given": c.plerixafor_given,
                    "note": c.note,
                }
                for c in self.collections
            ],
        }

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None, transplant: Transplant) -> HarvestLog:
        """Read a stored body (None or empty: a new log with the default targets).

        Raises:
            ValidationError: the body is not a harvest log this version understands.
        """
        if not body:
            return cls(default_targets(transplant))
        if body.get("schema") != SCHEMA:
            raise ValidationError("schema", tr("This harvest log was saved by a newer version."))
        try:
            t = body.get("targets") or {}
            default = default_targets(transplant)
            targets = Targets(
                float(t.get("minimum", default.minimum)),
                float(t.get("optimal", default.optimal)),
                None if t.get("maximum") is None else float(t["maximum"]),
            )
            s = body.get("settings") or {}
            return cls(
                targets=targets,
                plerixafor_threshold=float(
                    s.get("plerixafor_threshold", DEFAULT_PLERIXAFOR_THRESHOLD)
                ),
                first_day_yield_trigger=float(
                    s.get("first_day_yield_trigger", DEFAULT_FIRST_DAY_YIELD_TRIGGER)
                ),
                pb_cd34=tuple(
                    PbCd34(
                        calendar_date(p["date"], "date"), float(p["value"]), str(p.get("note", ""))
                    )
                    for p in body.get("pb_cd34", ())
                ),
                collections=tuple(_collection(c) for c in body.get("collections", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                "harvest", tr("The stored harvest log is damaged ({error}).").format(error=exc)
            ) from None

    # --- computed values ------------------------------------------------------------------

    def effective_targets(self, tandem: bool) -> tuple[Computed, Computed, Computed | None]:
        """(minimum, optimal, maximum) for this transplant, doubled for tandem."""
        factor = 2 if tandem else 1
        t = self.targets

        def make(value: float, name: str) -> Computed:
            formula = (
                tr("{target} {value} x 2 (tandem: two transplants) = {total} {unit} ({rule})")
                if tandem
                else tr("{target} {value} = {total} {unit} ({rule})")
            )
            return Computed(
                value * factor,
                UNIT,
                formula.format(
                    target=name,
                    value=_num(value),
                    total=_num(value * factor),
                    unit=UNIT,
                    rule=tr(TARGET_RULE),
                ),
            )

        maximum = make(t.maximum, tr("maximum")) if t.maximum is not None else None
        return make(t.minimum, tr("minimum")), make(t.optimal, tr("optimal")), maximum

    def doses(self) -> list[Computed]:
        """Product dose per collection, in collection order."""
        return [c.dose() for c in self.collections]

    def cumulative(self) -> list[Computed]:
        """Cumulative yield after each collection, with the running sum written out."""
        doses = self.doses()
        totals = cumulative_yield([d.value for d in doses])
        out = []
        for i, total in enumerate(totals):
            parts = " + ".join(_num(d.value) for d in doses[: i + 1])
            formula = tr("{parts} = {total} {unit} (running sum)").format(
                parts=parts, total=_num(total), unit=UNIT
            )
            out.append(Computed(total, UNIT, formula))
        return out

    def total(self) -> Computed:
        """Cumulative yield so far (0 before the first collection)."""
        cumulative = self.cumulative()
        if cumulative:
            return cumulative[-1]
        return Computed(0.0, UNIT, tr("no collection yet = 0 {unit}").format(unit=UNIT))


def new_collection_id() -> str:
    """A new collection id, unique across workstations ("c-" and a random UUID).

    Not derived from the log: two workstations adding from the same (possibly stale) log
    must never produce the same id, or one collection would replace the other.
    """
    return f"c-{uuid.uuid4().hex}"


def _collection(c: Mapping[str, Any]) -> Collection:
    def opt(key: str) -> float | None:
        value = c.get(key)
        return None if value is None else float(value)

    return Collection(
        id=str(c["id"]),
        date=calendar_date(c["date"], "date"),
        product_volume_ml=float(c["product_volume_ml"]),
        weight_kg=float(c["weight_kg"]),
        cd34_per_ul=opt("cd34_per_ul"),
        cd34_total_e6=opt("cd34_total_e6"),
        blood_volume_l=opt("blood_volume_l"),
        bags=tuple(str(b) for b in c.get("bags", ())),
        plerixafor_given=bool(c.get("plerixafor_given", False)),
        note=str(c.get("note", "")),
    )


def _reached(total: float, goal: float) -> bool:
    return total >= goal or math.isclose(total, goal, rel_tol=TARGET_REL_TOLERANCE)


# --------------------------------------------------------------------------- day table


@dataclass(frozen=True)
class HarvestDay:
    """One row of the M-Day table: the day's blood count and collections.

    Attributes:
        date: the calendar date.
        mday: M-Day number (None without a mobilisation anchor); label: "M-Day 5" or the date.
        pb_cd34: the day's blood CD34+ count, if measured.
        collections: the day's collections with their dose and the cumulative after each.
    """

    date: dt.date
    mday: int | None
    label: str
    pb_cd34: PbCd34 | None
    collections: tuple[tuple[Collection, Computed, Computed], ...]


def day_table(log: HarvestLog, first_dose: dt.date | None) -> list[HarvestDay]:
    """Rows by date (every date with a count or a collection), M-Day numbered."""
    cumulative = log.cumulative()
    doses = log.doses()
    by_day: dict[dt.date, list[tuple[Collection, Computed, Computed]]] = {}
    for c, d, total in zip(log.collections, doses, cumulative, strict=True):
        by_day.setdefault(c.date, []).append((c, d, total))
    counts = {p.date: p for p in log.pb_cd34}
    rows = []
    for day in sorted(set(by_day) | set(counts)):
        mday = mobilisation_day(day, first_dose) if first_dose is not None else None
        label = mobilisation_label(mday) if mday is not None else day.isoformat()
        rows.append(HarvestDay(day, mday, label, counts.get(day), tuple(by_day.get(day, ()))))
    return rows


# --------------------------------------------------------------------------- alerts


@dataclass(frozen=True)
class HarvestAlert:
    """Something the coordinator must act on.

    Attributes:
        kind: "stop" (optimal target reached), "minimum" (minimum reached), "maximum"
            (allogeneic maximum exceeded), "plerixafor" (low CD34+ or low first yield).
        message: the sentence to show, with the numbers.
        rule: the rule and its source.
    """

    kind: str
    message: str
    rule: str


def stop_alert(log: HarvestLog, tandem: bool) -> HarvestAlert | None:
    """ "Target reached: stop collection" once the cumulative yield reaches the optimal target.

    Before that, a "minimum" alert once the minimum is reached (the centre decides).
    """
    if not log.collections:
        return None
    total = log.total()
    minimum, optimal, maximum = log.effective_targets(tandem)
    if maximum is not None and total.value > maximum.value:
        return HarvestAlert(
            "maximum",
            tr(
                "Target reached: stop collection. Cumulative {total} is above the maximum "
                "{maximum}."
            ).format(total=total.text, maximum=maximum.text),
            tr("{rule}; allogeneic maximum 8 x10^6/kg (ASBMT 2014)").format(rule=tr(STOP_RULE)),
        )
    if _reached(total.value, optimal.value):
        return HarvestAlert(
            "stop",
            tr(
                "Target reached: stop collection. Cumulative {total} >= optimal target "
                "{optimal} ({formula})."
            ).format(total=total.text, optimal=optimal.text, formula=total.formula),
            tr(STOP_RULE),
        )
    if _reached(total.value, minimum.value):
        return HarvestAlert(
            "minimum",
            tr(
                "Minimum reached: cumulative {total} >= minimum {minimum}; optimal {optimal} "
                "not yet reached. Continue or stop is the centre's decision."
            ).format(total=total.text, minimum=minimum.text, optimal=optimal.text),
            tr(STOP_RULE),
        )
    return None


def plerixafor_prompt(log: HarvestLog, day: dt.date, tandem: bool = False) -> HarvestAlert | None:
    """Prompt pre-emptive plerixafor when the count of ``day`` is low (see PLERIXAFOR_RULE).

    Triggers: the blood CD34+ count of ``day`` is below ``plerixafor_threshold``, or the first
    collection yielded less than ``first_day_yield_trigger``. No prompt once the optimal target
    is reached or when plerixafor was already given before the latest collection.
    """
    _, optimal, _ = log.effective_targets(tandem)
    if log.collections and _reached(log.total().value, optimal.value):
        return None
    if log.collections and log.collections[-1].plerixafor_given:
        return None
    count = next((p for p in log.pb_cd34 if p.date == day), None)
    if count is not None and count.value < log.plerixafor_threshold:
        return HarvestAlert(
            "plerixafor",
            tr(
                "Blood CD34+ {count}/uL on {date} is below the threshold {threshold}/uL: "
                "consider pre-emptive plerixafor (0.24 mg/kg actual weight, max 40 mg; "
                "CrCl <= 50 mL/min: 0.16 mg/kg, max 27 mg)."
            ).format(
                count=_num(count.value),
                date=day.isoformat(),
                threshold=_num(log.plerixafor_threshold),
            ),
            tr(PLERIXAFOR_RULE),
        )
    if len(log.collections) == 1 and log.collections[0].date == day:
        first = log.collections[0].dose()
        if first.value < log.first_day_yield_trigger:
            return HarvestAlert(
                "plerixafor",
                tr(
                    "First collection yielded {dose} (< {trigger} {unit}): consider "
                    "pre-emptive plerixafor before the next apheresis."
                ).format(dose=first.text, trigger=_num(log.first_day_yield_trigger), unit=UNIT),
                tr(PLERIXAFOR_RULE),
            )
    return None


@dataclass(frozen=True)
class Forecast:
    """Collections still needed to reach a target, from the recent yields.

    Attributes:
        target: the target aimed at ("optimal"); remaining: what is still missing.
        per_collection: the expected yield per collection (mean of the last two).
        collections_needed: whole collections still needed (0 when reached; None if no yield
            to forecast from, or the recent yields are 0).
        formula: the arithmetic, with the heuristic's caveat.
    """

    target: Computed
    remaining: float
    per_collection: float | None
    collections_needed: int | None
    formula: str


def forecast(log: HarvestLog, tandem: bool) -> Forecast:
    """How many more collections the optimal target needs, from the mean of the recent yields.

    A practice heuristic with no published validation, not a prediction; it assumes future
    collections yield like the last ones.
    """
    _, optimal, _ = log.effective_targets(tandem)
    total = log.total().value
    remaining = max(0.0, optimal.value - total)
    if _reached(total, optimal.value):
        return Forecast(
            optimal,
            0.0,
            None,
            0,
            tr("cumulative {total} >= target {target}: no further collection needed").format(
                total=_num(total), target=_num(optimal.value)
            ),
        )
    recent = [d.value for d in log.doses()[-FORECAST_RECENT:]]
    if not recent:
        return Forecast(optimal, remaining, None, None, tr("no collection yet to forecast from"))
    mean = math.fsum(recent) / len(recent)
    shown = " + ".join(_num(v) for v in recent)
    if mean <= 0:
        return Forecast(
            optimal,
            remaining,
            0.0,
            None,
            tr("recent yields ({yields}) are 0: the target cannot be forecast").format(
                yields=shown
            ),
        )
    needed = math.ceil(remaining / mean - TARGET_REL_TOLERANCE)
    formula = tr(
        "ceil((target {target} - cumulative {total}) / mean of last {n} ({yields}) / {n} = "
        "{mean}) = {needed} collection(s) (practice heuristic: assumes the next collections "
        "yield like the last ones)"
    ).format(
        target=_num(optimal.value),
        total=_num(total),
        n=len(recent),
        yields=shown,
        mean=_num(mean),
        needed=needed,
    )
    return Forecast(optimal, remaining, mean, needed, formula)


def expected_yield(
    pb_cd34: float, litres: float, weight_kg: float, efficiency: float = 0.5
) -> Computed:
    """Expected yield from the blood count (practice heuristic, unverified: not validated).

    ``PB CD34+ (/uL) x litres processed x collection efficiency / weight``; e.g.
    30/uL x 15 L x 0.5 / 75 kg = 3.0 x10^6/kg.
    """
    pb = _number(pb_cd34, "pb_cd34", tr("Blood CD34+ count"), 0.0, MAX_PB_CD34, "cells/uL")
    vol = _number(
        litres, "blood_volume_l", tr("Blood volume processed"), 0.1, MAX_BLOOD_VOLUME_L, "L"
    )
    w = _number(weight_kg, "weight_kg", tr("Recipient weight"), MIN_WEIGHT_KG, MAX_WEIGHT_KG, "kg")
    eff = _number(efficiency, "efficiency", tr("Collection efficiency"), 0.01, 1.0, "")
    value = pb * vol * eff / w
    return Computed(
        value,
        UNIT,
        tr(
            "{pb}/uL x {volume} L x {efficiency} / {weight} kg = {value} {unit} "
            "(practice heuristic, unverified: no published validation)"
        ).format(
            pb=_num(pb),
            volume=_num(vol),
            efficiency=_num(eff),
            weight=_num(w),
            value=_num(value),
            unit=UNIT,
        ),
    )


def is_collecting(log: HarvestLog, tandem: bool) -> bool:
    """True while collections have started and the optimal target is not reached."""
    if not log.collections:
        return False
    _, optimal, _ = log.effective_targets(tandem)
    return not _reached(log.total().value, optimal.value)


def board_alert(log: HarvestLog, tandem: bool, today: dt.date) -> list[str]:
    """Short board texts: "CD34 target reached: stop collection", plerixafor prompt for today."""
    out: list[str] = []
    alert = stop_alert(log, tandem)
    if alert is not None and alert.kind in ("stop", "maximum"):
        last = log.collections[-1].date
        if (today - last).days <= 3:  # a fresh decision, not a months-old harvest
            out.append(tr("CD34 target reached: stop collection"))
    prompt = plerixafor_prompt(log, today, tandem)
    if prompt is not None:
        out.append(tr("Low CD34: consider plerixafor"))
    return out
