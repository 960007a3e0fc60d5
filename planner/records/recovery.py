"""Recovery after transplant: engraftment decisions, graft-failure watch, count-chart data.

Pure functions of records and ``today`` (CIBMTR/ASTCT 2021 definitions). The computed engraftment
comes from :mod:`planner.clinical.engraftment`; this module adds what is stored per transplant in the
``ClinicalRecord`` of kind "engraftment" (:class:`RecoveryRecord`): transfusion events,
clinician overrides with their reason, and hand-entered counts that were corrected.

:func:`chart_data` prepares the ANC / platelet / WBC chart once for both the Qt chart and
the PDF summary; :func:`board_alerts` gives the board's short texts.

``planner.clinical.engraftment`` imports pandas; import this module lazily from start-up paths.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

from planner.clinical.engraftment import (
    WATCH_DAY,
    EngraftmentResult,
    GraftFailureFlag,
    PoorGraftFunctionPattern,
    SecondaryGraftFailurePattern,
    graft_failure_flag,
    neutrophil_engraftment,
    override,
    platelet_engraftment,
    poor_graft_function_pattern,
    sample_counts,
    secondary_graft_failure_pattern,
)
from planner.domain.days import calendar_date, short_day_label
from planner.domain.i18n import tr, tr_noop
from planner.domain.labs import ANALYTE_LABEL, CANONICAL_UNIT, LabSample
from planner.domain.patients import Patient, Transplant, TransplantType
from planner.domain.plans import Plan
from planner.errors import ValidationError
from planner.records.chimerism_log import (
    ChimerismResult,
    chimerism_alerts,
    refuse_duplicate,
    sorted_results,
)
from planner.records.harvest_log import HarvestLog, board_alert
from planner.records.ports import ClinicalRecord

SCHEMA: Final = 1
PRODUCTS: Final[dict[str, str]] = {
    "platelets": tr_noop("Platelets"),
    "red_cells": tr_noop("Red cells"),
}
# Override keys: the three engraftment results (neutrophil; platelets >= 20 and >= 50).
RESULT_KEYS: Final[dict[str, str]] = {
    "neutrophil": tr_noop("Neutrophils (ANC >= 0.5)"),
    "platelet20": tr_noop("Platelets >= 20"),
    "platelet50": tr_noop("Platelets >= 50"),
}
GCSF_DRUGS: Final = frozenset(("filgrastim", "lenograstim", "pegfilgrastim"))
BOARD_LAST_DAY: Final = 100  # after Day +100 the board no longer shows engraftment texts
CHART_THRESHOLDS: Final[tuple[tuple[str, float, str], ...]] = (
    ("anc", 0.5, "ANC 0.5"),
    ("plt", 20.0, "PLT 20"),
    ("plt", 50.0, "PLT 50"),
)


# --------------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Transfusion:
    """A transfusion event (platelets or red cells).

    Attributes:
        date: the day it was given.
        product: "platelets" or "red_cells".
        note: free text (units, product id).
    """

    date: dt.date
    product: str
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", calendar_date(self.date, "date"))
        if self.product not in PRODUCTS:
            raise ValidationError(
                "product",
                tr("Transfusion product '{product}' is not one of: platelets, red_cells.").format(
                    product=self.product
                ),
            )


@dataclass(frozen=True)
class Override:
    """A clinician's engraftment decision that replaces the computed one.

    Attributes:
        key: "neutrophil", "platelet20" or "platelet50".
        date: the engraftment date decided (None: not engrafted).
        reason: why (required).
        by: who; at: when (UTC ISO text).
    """

    key: str
    date: dt.date | None
    reason: str
    by: str
    at: str

    def __post_init__(self) -> None:
        if self.key not in RESULT_KEYS:
            raise ValidationError(
                "key",
                tr("'{key}' is not one of: {keys}.").format(
                    key=self.key, keys=", ".join(RESULT_KEYS)
                ),
            )
        if self.date is not None:
            object.__setattr__(self, "date", calendar_date(self.date, "date"))
        if not self.reason.strip():
            raise ValidationError("reason", tr("An override needs a reason."))
        if not self.by.strip():
            raise ValidationError("by", tr("An override needs the clinician's name."))


@dataclass(frozen=True)
class Superseded:
    """A stored lab sample that a corrected hand entry replaces (samples are never deleted).

    Attributes:
        date, analyte, value, source: identify the stored sample.
        reason, by, at: the correction.
    """

    date: dt.date
    analyte: str
    value: float
    source: str
    reason: str
    by: str = ""
    at: str = ""

    def matches(self, sample: LabSample) -> bool:
        """True for the stored sample this entry supersedes."""
        return (
            sample.date == self.date
            and sample.analyte == self.analyte
            and sample.value == self.value
            and sample.source == self.source
        )


@dataclass(frozen=True)
class RecoveryRecord:
    """The stored part of a transplant's recovery: transfusions, overrides, corrections.

    Attributes:
        transfusions: transfusion events sorted by date.
        overrides: by key ("neutrophil", "platelet20", "platelet50").
        superseded: stored samples replaced by a correction.
        chimerism: donor chimerism results (``planner.records.chimerism_log``).
    """

    transfusions: tuple[Transfusion, ...] = ()
    overrides: Mapping[str, Override] = field(default_factory=dict)
    superseded: tuple[Superseded, ...] = ()
    chimerism: tuple[ChimerismResult, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "transfusions",
            tuple(sorted(self.transfusions, key=lambda t: (t.date, t.product))),
        )
        object.__setattr__(self, "chimerism", sorted_results(self.chimerism))

    def with_chimerism(self, result: ChimerismResult) -> RecoveryRecord:
        """The record with a chimerism result added (one per lineage and date)."""
        refuse_duplicate(self.chimerism, result)
        return replace(self, chimerism=(*self.chimerism, result))

    def without_chimerism(self, date: dt.date, lineage: str) -> RecoveryRecord:
        """The record without that result."""
        return replace(
            self,
            chimerism=tuple(
                r for r in self.chimerism if not (r.date == date and r.lineage == lineage)
            ),
        )

    def with_transfusion(self, transfusion: Transfusion) -> RecoveryRecord:
        """The record with the event added (an identical event is not added twice)."""
        if any(
            t.date == transfusion.date and t.product == transfusion.product
            for t in self.transfusions
        ):
            raise ValidationError(
                "transfusion",
                tr("A {product} transfusion on {date} is already recorded.").format(
                    product=tr(PRODUCTS[transfusion.product]).lower(),
                    date=transfusion.date.isoformat(),
                ),
            )
        return replace(self, transfusions=(*self.transfusions, transfusion))

    def without_transfusion(self, date: dt.date, product: str) -> RecoveryRecord:
        """The record without that event."""
        return replace(
            self,
            transfusions=tuple(
                t for t in self.transfusions if not (t.date == date and t.product == product)
            ),
        )

    def with_override(self, entry: Override) -> RecoveryRecord:
        """The record with ``entry`` replacing any earlier override of its key."""
        return replace(self, overrides={**self.overrides, entry.key: entry})

    def without_override(self, key: str) -> RecoveryRecord:
        """Back to the computed result for ``key``."""
        return replace(self, overrides={k: v for k, v in self.overrides.items() if k != key})

    def with_superseded(self, entries: Iterable[Superseded]) -> RecoveryRecord:
        """The record with more superseded samples."""
        return replace(self, superseded=(*self.superseded, *entries))

    def platelet_transfusion_dates(self) -> list[dt.date]:
        """Dates of platelet transfusions."""
        return [t.date for t in self.transfusions if t.product == "platelets"]

    def to_body(self) -> dict[str, Any]:
        """The JSON-ready body of the "engraftment" ClinicalRecord."""
        return {
            "schema": SCHEMA,
            "transfusions": [
                {"date": t.date.isoformat(), "product": t.product, "note": t.note}
                for t in self.transfusions
            ],
            "overrides": {
                k: {
                    "date": o.date.isoformat() if o.date else None,
                    "reason": o.reason,
                    "by": o.by,
                    "at": o.at,
                }
                for k, o in sorted(self.overrides.items())
            },
            "superseded": [
                {
                    "date": s.date.isoformat(),
                    "analyte": s.analyte,
                    "value": s.value,
                    "source": s.source,
                    "reason": s.reason,
                    "by": s.by,
                    "at": s.at,
                }
                for s in self.superseded
            ],
            **({"chimerism": [r.to_dict() for r in self.chimerism]} if self.chimerism else {}),
        }

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> RecoveryRecord:
        """Read a stored body (None or empty: nothing recorded)."""
        if not body:
            return cls()
        if body.get("schema") != SCHEMA:
            raise ValidationError(
                "schema", tr("This engraftment record was saved by a newer version.")
            )
        try:
            return cls(
                transfusions=tuple(
                    Transfusion(
                        calendar_date(t["date"], "date"), str(t["product"]), str(t.get("note", ""))
                    )
                    for t in body.get("transfusions", ())
                ),
                overrides={
                    k: Override(
                        k,
                        None if o.get("date") is None else calendar_date(o["date"], "date"),
                        str(o["reason"]),
                        str(o["by"]),
                        str(o.get("at", "")),
                    )
                    for k, o in (body.get("overrides") or {}).items()
                },
                superseded=tuple(
                    Superseded(
                        calendar_date(s["date"], "date"),
                        str(s["analyte"]),
                        float(s["value"]),
                        str(s["source"]),
                        str(s["reason"]),
                        str(s.get("by", "")),
                        str(s.get("at", "")),
                    )
                    for s in body.get("superseded", ())
                ),
                chimerism=tuple(ChimerismResult.from_dict(r) for r in body.get("chimerism", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                "engraftment",
                tr("The stored engraftment record is damaged ({error}).").format(error=exc),
            ) from None


def effective_samples(samples: Iterable[LabSample], record: RecoveryRecord) -> list[LabSample]:
    """The samples without those a correction superseded."""
    if not record.superseded:
        return list(samples)
    return [s for s in samples if not any(x.matches(s) for x in record.superseded)]


# --------------------------------------------------------------------------- assessment


@dataclass(frozen=True)
class RecoveryStatus:
    """Engraftment of one transplant as shown: computed, or overridden with a reason.

    Attributes:
        day: today's transplant day (None without Day 0).
        neutrophil, platelet20, platelet50: the results (``.overridden`` when a clinician
            replaced the computed one; ``.explanation()`` gives status, deciding values, rule).
        graft_failure: the primary graft-failure flag, if any (never once engrafted).
        secondary: the secondary graft-failure pattern after engraftment, if any.
        poor_function: the poor-graft-function pattern after engraftment, if any.
    """

    day: int | None
    neutrophil: EngraftmentResult
    platelet20: EngraftmentResult
    platelet50: EngraftmentResult
    graft_failure: GraftFailureFlag | None
    secondary: SecondaryGraftFailurePattern | None = None
    poor_function: PoorGraftFunctionPattern | None = None

    def result(self, key: str) -> EngraftmentResult:
        """The result for "neutrophil", "platelet20" or "platelet50"."""
        return {
            "neutrophil": self.neutrophil,
            "platelet20": self.platelet20,
            "platelet50": self.platelet50,
        }[key]

    @property
    def neutrophil_date(self) -> dt.date | None:
        """The neutrophil engraftment date, if engrafted."""
        return self.neutrophil.date if self.neutrophil.status == "engrafted" else None


def _apply(result: EngraftmentResult, entry: Override | None) -> EngraftmentResult:
    if entry is None:
        return result
    return override(result, entry.date, entry.reason, entry.by)


def assess(
    transplant: Transplant,
    samples: Iterable[LabSample],
    record: RecoveryRecord | None,
    today: dt.date,
) -> RecoveryStatus:
    """Engraftment and graft-failure watch for one transplant (CIBMTR/ASTCT 2021).

    Before neutrophil engraftment: the primary graft-failure watch. After it (the initial
    date, computed or overridden, stands): the secondary graft-failure and poor-graft-function
    patterns (``planner.clinical.engraftment``), each for a clinician to confirm.

    Args:
        transplant: the transplant (Day 0 and graft source).
        samples: lab samples; only the transplant's patient's are used.
        record: the stored recovery record (None: nothing recorded).
        today: today's date.
    """
    record = record or RecoveryRecord()
    own = effective_samples((s for s in samples if s.patient_id == transplant.patient_id), record)
    day0 = transplant.day0
    anc = sample_counts(own, "anc")
    plt = sample_counts(own, "plt")
    tx = record.platelet_transfusion_dates()
    neutrophil = _apply(neutrophil_engraftment(anc, day0=day0), record.overrides.get("neutrophil"))
    p20 = _apply(platelet_engraftment(plt, tx, 20, day0=day0), record.overrides.get("platelet20"))
    p50 = _apply(platelet_engraftment(plt, tx, 50, day0=day0), record.overrides.get("platelet50"))
    day = (today - day0).days if day0 is not None else None
    if transplant.transplant_type is TransplantType.CAR_T:
        # No graft to fail: CAR T cells are not given to restore blood counts, so the graft-
        # failure and poor-graft-function definitions (for HCT) do not apply; count
        # recovery is still shown.
        return RecoveryStatus(day, neutrophil, p20, p50, None, None, None)
    flag = (
        graft_failure_flag(neutrophil, transplant.graft_source, day)
        if day is not None and day >= 0
        else None
    )
    secondary = secondary_graft_failure_pattern(anc, neutrophil, day0=day0, platelet=p20)
    poor = None
    if day0 is not None and neutrophil.status != "not_engrafted":
        all_tx = [t.date for t in record.transfusions]
        hb = sample_counts(own, "hb")
        poor = poor_graft_function_pattern(anc, plt, hb, day0=day0, transfusions=all_tx)
    return RecoveryStatus(day, neutrophil, p20, p50, flag, secondary, poor)


# --------------------------------------------------------------------------- chart data


@dataclass(frozen=True)
class ChartPoint:
    """One plotted value: transplant day, value (canonical unit), date and qualifier."""

    day: int
    value: float
    date: dt.date
    qualifier: str = ""


@dataclass(frozen=True)
class ChartSeries:
    """One analyte's values against transplant day (one point per day: the lowest)."""

    analyte: str
    label: str
    unit: str
    points: tuple[ChartPoint, ...]


@dataclass(frozen=True)
class ChartMarker:
    """A vertical marker: engraftment, transfusion or G-CSF day.

    Attributes:
        day: transplant day.
        kind: "engraftment", "transfusion_platelets", "transfusion_red_cells" or "gcsf".
        label: short text, e.g. "ANC engraftment D+12".
    """

    day: int
    kind: str
    label: str


@dataclass(frozen=True)
class RecoveryChart:
    """Everything the count chart draws; the same data feeds the Qt chart and the PDF.

    Attributes:
        series: ANC, platelets and WBC (those with values), in that order.
        thresholds: (analyte, value, label): ANC 0.5, PLT 20, PLT 50 (x10^9/L).
        markers: engraftment days, transfusions and G-CSF days, sorted by day.
        first_day, last_day: the x range (Day 0 and today's day included).
    """

    series: tuple[ChartSeries, ...]
    thresholds: tuple[tuple[str, float, str], ...]
    markers: tuple[ChartMarker, ...]
    first_day: int
    last_day: int

    def markers_of(self, kind: str) -> list[ChartMarker]:
        """The markers of one kind."""
        return [m for m in self.markers if m.kind == kind]


def _series(own: Sequence[LabSample], analyte: str, day0: dt.date) -> ChartSeries | None:
    lowest: dict[dt.date, LabSample] = {}
    for s in own:
        if s.analyte == analyte and (s.date not in lowest or s.value < lowest[s.date].value):
            lowest[s.date] = s
    if not lowest:
        return None
    points = tuple(
        ChartPoint((d - day0).days, s.value, d, s.qualifier) for d, s in sorted(lowest.items())
    )
    return ChartSeries(analyte, ANALYTE_LABEL[analyte], CANONICAL_UNIT[analyte], points)


def chart_data(
    transplant: Transplant,
    plan: Plan | None,
    samples: Iterable[LabSample],
    record: RecoveryRecord | None,
    today: dt.date,
    *,
    status: RecoveryStatus | None = None,
    analytes: Sequence[str] = ("anc", "plt", "wbc"),
) -> RecoveryChart:
    """Series, thresholds and markers for the ANC / platelet / WBC chart by transplant day.

    G-CSF days are the plan's occurrences of filgrastim (or another G-CSF) inside the plotted
    range; engraftment markers come from ``status`` (computed when not given).
    """
    if transplant.day0 is None:
        raise ValidationError("day0", tr("The chart needs Day 0."))
    day0 = transplant.day0
    record = record or RecoveryRecord()
    own = effective_samples([s for s in samples if s.patient_id == transplant.patient_id], record)
    status = status or assess(transplant, own, record, today)
    series = tuple(s for a in analytes if (s := _series(own, a, day0)) is not None)
    markers: list[ChartMarker] = []
    for key, short in (("neutrophil", "ANC"), ("platelet20", "PLT 20"), ("platelet50", "PLT 50")):
        result = status.result(key)
        if result.status == "engrafted" and result.date is not None:
            d = (result.date - day0).days
            label = tr("{result} engraftment {day}").format(result=short, day=short_day_label(d))
            markers.append(ChartMarker(d, "engraftment", label))
    for t in record.transfusions:
        d = (t.date - day0).days
        markers.append(
            ChartMarker(
                d,
                f"transfusion_{t.product}",
                tr("{product} transfusion {day}").format(
                    product=tr(PRODUCTS[t.product]), day=short_day_label(d)
                ),
            )
        )
    days = [p.day for s in series for p in s.points] + [m.day for m in markers]
    first = min([0, *days])
    last = max([0, (today - day0).days if today >= day0 else 0, *days])
    if plan is not None:
        gcsf = sorted(
            {
                o.day
                for o in plan.occurrences()
                if o.drug.lower() in GCSF_DRUGS and first <= o.day <= last
            }
        )
        markers.extend(
            ChartMarker(d, "gcsf", tr("G-CSF {day}").format(day=short_day_label(d))) for d in gcsf
        )
    markers.sort(key=lambda m: (m.day, m.kind))
    wanted = set(analytes)
    thresholds = tuple(t for t in CHART_THRESHOLDS if t[0] in wanted)
    return RecoveryChart(series, thresholds, tuple(markers), first, last)


# --------------------------------------------------------------------------- board


def board_alerts(
    transplant: Transplant,
    plan: Plan | None,
    samples: Iterable[LabSample],
    engraftment_record: RecoveryRecord | None,
    today: dt.date,
    *,
    harvest_alerts: Sequence[str] = (),
    status: RecoveryStatus | None = None,
) -> list[str]:
    """Short board texts for one transplant.

    "Neutrophil engraftment D+12", "ANC never below 0.5", "No engraftment by D+28: watch",
    "Meets primary graft failure definition: confirm" (or "No ANC results since Day 0:
    engraftment unknown" when no ANC value exists after Day 0); after engraftment, while
    ongoing, "Secondary graft failure pattern: ANC < 0.5 on 3 consecutive results since D+18
    after engraftment on D+9: confirm", else "Poor graft function pattern: ...: confirm"
    (the primary graft-failure texts never follow an engraftment); ``harvest_alerts`` (from
    ``planner.records.harvest_log.board_alert``, e.g. "CD34 target reached: stop collection") come first.
    Engraftment texts are shown from Day 0 to Day +100.
    """
    out = list(harvest_alerts)
    day0 = transplant.day0
    if day0 is None or not 0 <= (today - day0).days <= BOARD_LAST_DAY:
        return out
    if transplant.transplant_type is TransplantType.CAR_T:
        return out  # no engraftment to declare after CAR T cells (see ``assess``)
    status = status or assess(transplant, samples, engraftment_record, today)
    n = status.neutrophil
    if (
        n.status == "engrafted"
        and n.date is not None
        and ((today - n.date).days <= ENGRAFTMENT_NEWS_DAYS)
    ):
        # News for a week; after that the board's phase ("engrafted") carries it.
        day = short_day_label((n.date - day0).days)
        out.append(
            tr("Neutrophil engraftment {day} (override)").format(day=day)
            if n.overridden
            else tr("Neutrophil engraftment {day}").format(day=day)
        )
    elif n.status == "never_below" and (today - day0).days >= WATCH_DAY:
        out.append(tr("ANC never below 0.5"))  # earlier it is provisional: it may still fall
    flag = status.graft_failure
    if flag is not None and n.nadir_date is None and not n.overridden:
        # No ANC value since Day 0: the data are missing, not the engraftment.
        out.append(tr("No ANC results since Day 0: engraftment unknown"))
    elif flag is not None:
        out.append(
            tr("Meets primary graft failure definition: confirm")
            if flag.level == "meets_primary_gf_definition"
            else tr("No engraftment by D+28: watch")
        )
    if status.secondary is not None and status.secondary.ongoing:
        out.append(status.secondary.headline(day0))
    elif status.poor_function is not None:
        out.append(status.poor_function.headline(day0))
    return out


# --------------------------------------------------------------------------- demo data


# How long a new engraftment date stays among the board's alerts.
ENGRAFTMENT_NEWS_DAYS: Final = 7

# The demo patient left without counts, so a demo user can try the lab import on it.
DEMO_IMPORT_MRN: Final = "DEMO-0009"


def demo_counts(
    clinic: Iterable[tuple[Patient, Transplant, Plan]],
    today: dt.date,
    skip_mrns: Iterable[str] = (DEMO_IMPORT_MRN,),
) -> list[LabSample]:
    """Synthetic daily counts for the demo clinic's post-transplant patients.

    Every patient from Day -3 up to today (at most Day +60): ANC, platelets, WBC and Hb
    falling to a nadir and recovering on a day chosen by graft source. Use it in
    ``planner.app.demo.load_demo_clinic`` as ``lab_samples=tuple(demo_counts(fresh, ctx.today))``.
    Patients in ``skip_mrns`` get no counts (by default the one kept for trying the import).
    """
    out: list[LabSample] = []
    skipped = set(skip_mrns)
    for patient, transplant, _plan in clinic:
        if transplant.day0 is None or transplant.day0 > today or patient.mrn in skipped:
            continue
        engraft = (
            11
            if transplant.transplant_type.value == "autologous"
            else (19 if transplant.graft_source.value == "marrow" else 14)
        )
        last = min((today - transplant.day0).days, 60)
        for day in range(-3, last + 1, 1 if last <= 30 else 2):
            date = transplant.day0 + dt.timedelta(days=day)
            anc, plt, wbc, hb = _demo_values(day, engraft)
            src = "demo (synthetic)"
            for analyte, value in (("anc", anc), ("plt", plt), ("wbc", wbc), ("hb", hb)):
                out.append(
                    LabSample(
                        patient.id,
                        patient.mrn,
                        date,
                        analyte,  # type: ignore[arg-type]
                        value,
                        CANONICAL_UNIT[analyte],
                        source=src,
                    )
                )
    return out


def _demo_values(day: int, engraft: int) -> tuple[float, float, float, float]:
    if day < 0:
        return 2.5 - 0.5 * (day + 3), 140.0 - 25 * (day + 3), 4.0 - 0.8 * (day + 3), 105.0
    if day < engraft:
        anc = max(0.02, round(1.2 * 0.45**day, 2))
        plt = max(8.0, 70.0 - 9.0 * day)
        return anc, plt, round(max(0.1, anc * 1.6), 2), 88.0
    k = day - engraft
    anc = round(min(4.5, 0.6 + 0.35 * k), 2)
    plt = float(min(180, 22 + 9 * k))
    return anc, plt, round(anc * 1.5 + 0.4, 2), min(125.0, 90.0 + k)


def demo_records(
    clinic: Iterable[tuple[Patient, Transplant, Plan]], today: dt.date
) -> dict[str, RecoveryRecord]:
    """Platelet and red-cell transfusions matching :func:`demo_counts`, by transplant id.

    Store each as ``ClinicalRecord(tid, "engraftment", record.to_body())``.
    """
    out: dict[str, RecoveryRecord] = {}
    for patient, transplant, _plan in clinic:
        if transplant.day0 is None or transplant.day0 > today or patient.mrn == DEMO_IMPORT_MRN:
            continue
        last = (today - transplant.day0).days
        events = [
            Transfusion(transplant.day0 + dt.timedelta(days=d), product, "demo")
            for d, product in ((6, "platelets"), (8, "red_cells"), (9, "platelets"))
            if d <= last
        ]
        if events:
            out[transplant.id] = RecoveryRecord(transfusions=tuple(events))
    return out


def clinic_alerts(
    transplants: Iterable[Transplant],
    plans: Mapping[str, Plan],
    samples: Iterable[LabSample],
    engraftment_records: Iterable[ClinicalRecord],
    harvest_records: Iterable[ClinicalRecord],
    today: dt.date,
) -> tuple[dict[str, dt.date], dict[str, list[str]]]:
    """Neutrophil engraftment dates and board alerts of every active transplant, by id.

    For the clinic board: read the records and the ANC / platelet samples once, then call
    this; transplants outside Day 0 to Day +100 skip the engraftment computation.
    """
    by_patient: dict[str, list[LabSample]] = {}
    for s in samples:
        by_patient.setdefault(s.patient_id, []).append(s)
    recovery = {r.transplant_id: r for r in engraftment_records}
    harvest = {r.transplant_id: r for r in harvest_records}
    dates: dict[str, dt.date] = {}
    alerts: dict[str, list[str]] = {}
    for t in transplants:
        if not t.is_active:
            continue
        texts: list[str] = []
        if t.id in harvest:
            texts = board_alert(HarvestLog.from_body(harvest[t.id].body, t), t.tandem, today)
        record = RecoveryRecord.from_body(recovery[t.id].body) if t.id in recovery else None
        status = None
        if t.day0 is not None and 0 <= (today - t.day0).days <= BOARD_LAST_DAY:
            status = assess(t, by_patient.get(t.patient_id, ()), record, today)
            if status.neutrophil_date is not None:
                dates[t.id] = status.neutrophil_date
        texts = board_alerts(
            t,
            plans.get(t.id),
            by_patient.get(t.patient_id, ()),
            record,
            today,
            harvest_alerts=texts,
            status=status,
        )
        if record is not None and record.chimerism:
            # Chimerism is checked at Day +30, +100, 6 months...: on the board at any day.
            texts += chimerism_alerts(record.chimerism, t.day0)
        if texts:
            alerts[t.id] = texts
    return dates, alerts
