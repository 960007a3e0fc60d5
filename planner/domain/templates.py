"""Protocol templates: TOML files parsed with ``tomllib`` into validated domain objects.

A template is an editable example "for local review", never an endorsed protocol.
Every error names the file, the step and the field (``TemplateError``). Untrusted
files are bounded: size cap, nesting cap, and the decoder's own failure modes
(``RecursionError``, ``ValueError`` for huge integers, bad UTF-8) all become one
clear message: ``tomllib`` cannot execute code, but deep nesting raises ``RecursionError``
and integers over 4,300 digits raise ``ValueError`` (CPython issue #111264).

File format (``schema = 1``)::

    schema = 1
    id = "mel200-auto"
    version = "1"
    title = "High-dose melphalan 200 mg/m2 (Mel200)"
    category = "conditioning"
    transplant_types = ["autologous"]
    graft_sources = ["pbsc"]
    review_status = "for local review"
    source = "Te Aho o Te Kahu NZ SACT Regimen Library (HSCT regimens, 2024-2025)"

    [anchors.mobilisation]          # optional extra anchors
    default_day = -30               # default position relative to Day 0
    label = "first G-CSF dose"

    [[steps]]
    id = "melphalan"
    title = "Melphalan"
    phase = "conditioning"
    kind = "medication"
    day = -2                        # or days = [..], or from/to (inclusive), every
    drug = "melphalan"
    dose = { amount = 200, unit = "mg", per = "m2", route = "IV" }
    patient_text = "You get a drip of a strong chemotherapy medicine."
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from planner.domain.conditions import FACT_VALUES, NUMERIC_FACTS, Clause, StepCondition
from planner.domain.days import MDAY, NUMBERINGS, OFFSET
from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import DEFAULT_LOCALE, format_number
from planner.domain.phases import Phase as Phase  # named here by the templates' readers
from planner.errors import TemplateError, UnknownTemplateError

SCHEMA_VERSION = 1
MAX_TEMPLATE_BYTES = 256 * 1024
MAX_NESTING = 8
MAX_STEPS = 400
MAX_OCCURRENCES_PER_STEP = 400
DAY_LIMIT = 3650  # ten years either side of the anchor
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
REVIEW_STATUSES = ("for local review", "locally approved")
DAY0 = "day0"


class StepKind(StrEnum):
    """What kind of activity a step is."""

    MEDICATION = "medication"
    PROCEDURE = "procedure"
    LAB = "lab"
    VISIT = "visit"
    EDUCATION = "education"
    REGISTRY_FORM = "registry-form"
    CHECKLIST = "checklist"


class Category(StrEnum):
    """Which slot of the new-plan wizard a template fills."""

    MOBILISATION = "mobilisation"
    CONDITIONING = "conditioning"
    GVHD_PROPHYLAXIS = "gvhd-prophylaxis"
    SUPPORTIVE_CARE = "supportive-care"
    FOLLOW_UP = "follow-up"
    WORKUP = "work-up"
    CELL_THERAPY = "cell-therapy"
    """An immune effector cell therapy's calendar (CAR T cells): its own programme kind,
    with its own wizard slot in place of mobilisation, conditioning and GVHD prophylaxis."""


class DoseBasis(StrEnum):
    """How an order amount scales: per m2 of body surface, per kg, or flat."""

    PER_M2 = "m2"
    PER_KG = "kg"
    FLAT = "flat"


class WeightType(StrEnum):
    """Which weight a per-kg (or BSA) dose uses (per-drug choice is a centre rule, unverified)."""

    ACTUAL = "actual"
    IDEAL = "ideal"
    ADJUSTED25 = "adjusted25"
    ADJUSTED40 = "adjusted40"
    LESSER_IDEAL_ACTUAL = "lesser-ideal-actual"


# The basis lives in ``per``: a compound unit here would read "mg/m2/m2".
DOSE_UNITS = ("mg", "mcg", "g", "units", "mL", "Gy")
MAX_WEIGHT_BANDS = 20


@dataclass(frozen=True)
class WeightBand:
    """One band of a weight-banded order: the amount per kg for the weights it holds.

    A boundary is written the way the source writes it, so each says whether the weight
    on it belongs to the band: ``at_least_kg`` (inclusive) or ``above_kg`` (exclusive)
    below, ``below_kg`` (exclusive) or ``up_to_kg`` (inclusive) above. The first band has
    no lower boundary (it starts at 0 kg), the last no upper one (every heavier weight).

    Attributes:
        amount: the order amount per kg for a weight in this band.
        lower_kg: the lower boundary, or None for the first band.
        lower_inclusive: True when ``lower_kg`` itself is in the band (``at_least_kg``).
        upper_kg: the upper boundary, or None for the last (open-ended) band.
        upper_inclusive: True when ``upper_kg`` itself is in the band (``up_to_kg``).
    """

    amount: float
    lower_kg: float | None = None
    lower_inclusive: bool = True
    upper_kg: float | None = None
    upper_inclusive: bool = False

    def holds(self, weight_kg: float) -> bool:
        """True when ``weight_kg`` falls in this band (boundaries as written)."""
        if self.lower_kg is not None and (
            weight_kg < self.lower_kg or (weight_kg == self.lower_kg and not self.lower_inclusive)
        ):
            return False
        return self.upper_kg is None or not (
            weight_kg > self.upper_kg or (weight_kg == self.upper_kg and not self.upper_inclusive)
        )

    def range_text_in(self, locale: str = DEFAULT_LOCALE) -> str:
        """The weights of the band in words: "9 to under 16 kg", "over 34 kg"."""
        low = None if self.lower_kg is None else format_number(self.lower_kg, locale=locale)
        high = None if self.upper_kg is None else format_number(self.upper_kg, locale=locale)
        if low is None and high is None:
            return tr("any weight")
        if low is None:
            text = tr("up to {upper} kg") if self.upper_inclusive else tr("under {upper} kg")
        elif high is None:
            text = tr("{lower} kg or more") if self.lower_inclusive else tr("over {lower} kg")
        elif self.lower_inclusive:
            text = (
                tr("{lower} to {upper} kg")
                if self.upper_inclusive
                else tr("{lower} to under {upper} kg")
            )
        else:
            text = (
                tr("over {lower} to {upper} kg")
                if self.upper_inclusive
                else tr("over {lower} to under {upper} kg")
            )
        return text.format(lower=low, upper=high)

    def order_text_in(self, unit: str, locale: str = DEFAULT_LOCALE) -> str:
        """The band's order: "1.2 mg/kg" ("1,2 mg/kg" in Spanish)."""
        return f"{format_number(self.amount, locale=locale)} {unit}/kg"


@dataclass(frozen=True)
class DoseRule:
    """An order: amount per basis, e.g. 200 mg per m2 of body surface.

    Attributes:
        amount: the order amount per basis unit.
        unit: dose unit (mg, mcg, g, units, mL, Gy).
        per: m2, kg or flat.
        weight: which weight to use for per-kg doses and for BSA.
        route: IV, SC, PO, ...
        frequency: "once daily", "every 12 hours", ...
        bsa_cap_m2: optional BSA cap for per-m2 doses.
        max_dose: optional ceiling of one computed dose, in ``unit``.
        bands: weight bands, lightest first, for an amount per kg that depends on the
            actual body weight (paediatric busulfan); empty for one amount. A banded
            rule's ``amount`` is the largest amount of its bands (what a threshold
            compares); the dose itself uses the amount of the patient's band.
    """

    amount: float
    unit: str
    per: DoseBasis = DoseBasis.FLAT
    weight: WeightType = WeightType.ACTUAL
    route: str = ""
    frequency: str = ""
    bsa_cap_m2: float | None = None
    max_dose: float | None = None
    bands: tuple[WeightBand, ...] = ()

    @property
    def order_text(self) -> str:
        """The order as written: "200 mg/m2", "3.2 mg/kg", "2 Gy"."""
        return self.order_text_in(DEFAULT_LOCALE)

    def order_text_in(self, locale: str) -> str:
        """The order with the decimal sign of ``locale``: "3,2 mg/kg" in Spanish.

        A banded order gives its range: "0.8 to 1.2 mg/kg by weight band".
        """
        if self.bands:
            amounts = [b.amount for b in self.bands]
            return tr("{low} to {high} {unit}/kg by weight band").format(
                low=format_number(min(amounts), locale=locale),
                high=format_number(max(amounts), locale=locale),
                unit=self.unit,
            )
        suffix = {DoseBasis.PER_M2: "/m2", DoseBasis.PER_KG: "/kg", DoseBasis.FLAT: ""}[self.per]
        return f"{format_number(self.amount, locale=locale)} {self.unit}{suffix}"

    def band_for(self, weight_kg: float) -> WeightBand | None:
        """The band that holds ``weight_kg`` (None: no bands, or none holds it)."""
        return next((b for b in self.bands if b.holds(weight_kg)), None)


@dataclass(frozen=True)
class AnchorDef:
    """A named reference date other than Day 0.

    Attributes:
        name: identifier used by steps (``anchor = "mobilisation"``).
        default_day: where the anchor sits relative to Day 0 until set to a real date.
        label: what the anchor date is ("first G-CSF dose").
        numbering: ``MDAY`` for mobilisation days (M-Day 1 = anchor date), else ``OFFSET``.
    """

    name: str
    default_day: int
    label: str = ""
    numbering: str = OFFSET

    @property
    def is_mobilisation(self) -> bool:
        """True for the anchor of the mobilisation (its days are M-Days)."""
        return self.numbering == MDAY


@dataclass(frozen=True)
class StepTemplate:
    """One planned activity of a template.

    Attributes:
        id: unique within the template.
        title: short clinical title (generic drug names, no abbreviations).
        phase: timeline lane.
        kind: medication, procedure, lab, ...
        anchor: "day0" or a declared anchor.
        days: every day of the step, in the anchor's numbering (M-Days for "mday").
        window_before, window_after: tolerance in days (Day +28 +/-3).
        dose: the order, for medications.
        drug: generic drug name, for tall-man display and interaction checks.
        regimen_tied: moving it off its relative day needs confirmation.
        patient_text: plain-language wording for handouts.
        until: free text for open-ended steps ("until neutrophil recovery").
        notes: clinical notes shown to the team.
    """

    id: str
    title: str
    phase: Phase
    kind: StepKind
    anchor: str
    days: tuple[int, ...]
    window_before: int = 0
    window_after: int = 0
    dose: DoseRule | None = None
    drug: str = ""
    regimen_tied: bool = False
    patient_text: str = ""
    until: str = ""
    notes: str = ""
    when: StepCondition | None = None


@dataclass(frozen=True)
class Protocol:
    """A validated template.

    Attributes:
        id, version, title: identity; a plan stores id, version and checksum.
        category: which wizard slot it fills.
        transplant_types, graft_sources: where it applies.
        review_status: "for local review" for every bundled template.
        source: the guideline or regimen library it paraphrases.
        intensity: MAC, RIC, NMA or "" (conditioning only).
        description: one paragraph for the template picker.
        anchors: extra anchors by name.
        steps: the steps in file order.
        checksum: SHA-256 of the file bytes.
        origin: "bundled" or "local".
        path: where it was read from (for messages).
    """

    id: str
    version: str
    title: str
    category: Category
    transplant_types: tuple[str, ...]
    graft_sources: tuple[str, ...]
    review_status: str
    source: str
    steps: tuple[StepTemplate, ...]
    intensity: str = ""
    description: str = ""
    anchors: Mapping[str, AnchorDef] = field(default_factory=dict)
    checksum: str = ""
    origin: str = "bundled"
    path: str = ""

    def step(self, step_id: str) -> StepTemplate:
        """The step with ``step_id``; KeyError names the template when absent."""
        for st in self.steps:
            if st.id == step_id:
                return st
        raise KeyError(f"Template {self.id} has no step '{step_id}'.")


# --- parsing -----------------------------------------------------------------------------

_TOP_KEYS = {
    "schema",
    "id",
    "version",
    "title",
    "category",
    "transplant_types",
    "graft_sources",
    "review_status",
    "source",
    "intensity",
    "description",
    "anchors",
    "steps",
}
_STEP_KEYS = {
    "id",
    "title",
    "phase",
    "kind",
    "anchor",
    "day",
    "days",
    "from",
    "to",
    "every",
    "window",
    "window_before",
    "window_after",
    "dose",
    "drug",
    "regimen_tied",
    "patient_text",
    "until",
    "notes",
    "when",
}
_WHEN_KEYS = {"rule", "any"}
_CLAUSE_KEYS = {"fact", "is", "at_least", "below"}
_DOSE_KEYS = {
    "amount",
    "unit",
    "per",
    "weight",
    "route",
    "frequency",
    "bsa_cap_m2",
    "max_dose",
    "bands",
}
_BAND_KEYS = {"amount", "at_least_kg", "above_kg", "below_kg", "up_to_kg"}
_ANCHOR_KEYS = {"default_day", "label", "numbering"}


class ParseContext:
    """Where we are in a file, so every error names file, step and field."""

    def __init__(self, file: str, step: str | None = None) -> None:
        self.file = file
        self.step = step

    def error(self, message: str, field_name: str | None = None) -> TemplateError:
        return TemplateError(self.file, message, step=self.step, field=field_name)

    def get(
        self,
        table: Mapping[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        *,
        required: bool = True,
        default: Any = None,
    ) -> Any:
        if key not in table:
            if required:
                raise self.error(tr("is required but missing."), key)
            return default
        value = table[key]
        # bool is an int subclass; a template saying `day = true` is a mistake.
        if isinstance(value, bool) and bool not in _as_tuple(kind):
            raise self.error(
                tr("must be {kind}, not true/false.").format(kind=_kind_name(kind)), key
            )
        if not isinstance(value, kind):
            raise self.error(
                tr("must be {kind}, not {given}.").format(
                    kind=_kind_name(kind), given=type(value).__name__
                ),
                key,
            )
        return value

    def text(
        self, table: Mapping[str, Any], key: str, *, required: bool = True, max_len: int = 2000
    ) -> str:
        value: str = self.get(table, key, str, required=required, default="")
        if required and not value.strip():
            raise self.error(tr("must not be empty."), key)
        if len(value) > max_len:
            raise self.error(tr("is longer than {n} characters.").format(n=max_len), key)
        return value.strip()

    def choice(
        self, table: Mapping[str, Any], key: str, enum: type[StrEnum], *, default: str | None = None
    ) -> Any:
        raw = self.get(table, key, str, required=default is None, default=default)
        try:
            return enum(raw)
        except ValueError:
            allowed = ", ".join(m.value for m in enum)
            raise self.error(
                tr("'{value}' is not one of: {allowed}.").format(value=raw, allowed=allowed), key
            ) from None

    def day(self, value: Any, field_name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(
                tr("must be a whole number of days, not {value}.").format(value=repr(value)),
                field_name,
            )
        if abs(value) > DAY_LIMIT:
            raise self.error(
                tr("day {day} is more than {limit} days from its anchor.").format(
                    day=value, limit=DAY_LIMIT
                ),
                field_name,
            )
        return value

    def reject_unknown(self, table: Mapping[str, Any], allowed: set[str], what: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.error(
                tr("unknown {what} key(s) {unknown}; allowed: {allowed}.").format(
                    what=what, unknown=", ".join(unknown), allowed=", ".join(sorted(allowed))
                ),
                unknown[0],
            )


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _kind_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: tr_noop("text"),
        int: tr_noop("a whole number"),
        float: tr_noop("a number"),
        bool: tr_noop("true or false"),
        list: tr_noop("a list"),
        dict: tr_noop("a table"),
    }
    return tr(" or ").join(tr(names[k]) if k in names else k.__name__ for k in _as_tuple(kind))


def _nesting_depth(value: Any, depth: int = 0) -> int:
    if depth > MAX_NESTING:
        return depth
    if isinstance(value, dict):
        return max((_nesting_depth(v, depth + 1) for v in value.values()), default=depth + 1)
    if isinstance(value, list):
        return max((_nesting_depth(v, depth + 1) for v in value), default=depth + 1)
    return depth


def decode_toml(data: bytes, file: str) -> dict[str, Any]:
    """A template file as TOML (size, encoding and syntax checked; errors name the file)."""
    if len(data) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            file,
            tr("the file is {size} bytes; templates are limited to {limit} KB.").format(
                size=f"{len(data):,}", limit=MAX_TEMPLATE_BYTES // 1024
            ),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TemplateError(
            file, tr("the file is not UTF-8 text (byte {n}).").format(n=exc.start)
        ) from None
    import tomllib  # here, not at the top: the start-up board reads no template

    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(file, tr("not valid TOML: {error}.").format(error=exc)) from None
    except RecursionError:
        raise TemplateError(
            file, tr("nested more than {n} levels deep.").format(n=MAX_NESTING)
        ) from None
    except ValueError as exc:  # e.g. integers longer than Python's digit limit
        raise TemplateError(
            file, tr("contains a value that cannot be read ({error}).").format(error=exc)
        ) from None
    if _nesting_depth(doc) > MAX_NESTING:
        raise TemplateError(file, tr("nested more than {n} levels deep.").format(n=MAX_NESTING))
    return doc


def _parse_days(ctx: ParseContext, raw: Mapping[str, Any]) -> tuple[int, ...]:
    forms = [k for k in ("day", "days", "from") if k in raw]
    if len(forms) != 1:
        raise ctx.error(tr("give exactly one of day, days, or from/to."), "days")
    if "day" in raw:
        days: list[int] = [ctx.day(raw["day"], "day")]
    elif "days" in raw:
        values = ctx.get(raw, "days", list)
        if not values:
            raise ctx.error(tr("must list at least one day."), "days")
        days = [ctx.day(v, "days") for v in values]
    else:
        first = ctx.day(raw["from"], "from")
        last = ctx.day(ctx.get(raw, "to", int), "to")
        every = ctx.get(raw, "every", int, required=False, default=1)
        if last < first:
            raise ctx.error(
                tr("'to' ({last}) is before 'from' ({first}).").format(last=last, first=first), "to"
            )
        if not 1 <= every <= 366:
            raise ctx.error(tr("must be from 1 to 366 days."), "every")
        days = list(range(first, last + 1, every))
    if len(days) > MAX_OCCURRENCES_PER_STEP:
        raise ctx.error(tr("has more than {n} days.").format(n=MAX_OCCURRENCES_PER_STEP), "days")
    if len(set(days)) != len(days):
        raise ctx.error(tr("lists the same day twice."), "days")
    if "every" in raw and "from" not in raw:
        raise ctx.error(tr("'every' needs from/to."), "every")
    return tuple(sorted(days))


def _positive(
    ctx: ParseContext, table: Mapping[str, Any], key: str, *, required: bool
) -> float | None:
    value = ctx.get(table, key, (int, float), required=required)
    if value is None:
        return None
    if not value > 0 or value != value or value in (float("inf"),):
        raise ctx.error(tr("must be a positive number."), key)
    return float(value)


def _parse_dose(ctx: ParseContext, raw: Any) -> DoseRule:
    if not isinstance(raw, dict):
        raise ctx.error(
            tr('must be a table such as { amount = 200, unit = "mg", per = "m2" }.'), "dose"
        )
    ctx.reject_unknown(raw, _DOSE_KEYS, "dose")
    if "bands" in raw:
        return _parse_banded_dose(ctx, raw)
    amount = _positive(ctx, raw, "amount", required=True)
    assert amount is not None
    unit = ctx.text(raw, "unit")
    if unit not in DOSE_UNITS:
        raise ctx.error(
            tr("unit '{unit}' is not one of: {allowed}.").format(
                unit=unit, allowed=", ".join(DOSE_UNITS)
            ),
            "dose.unit",
        )
    return DoseRule(
        amount=amount,
        unit=unit,
        # Required: a template that forgot "per" must not silently become a flat dose.
        per=ctx.choice(raw, "per", DoseBasis),
        weight=ctx.choice(raw, "weight", WeightType, default="actual"),
        route=ctx.text(raw, "route", required=False, max_len=40),
        frequency=ctx.text(raw, "frequency", required=False, max_len=80),
        bsa_cap_m2=_positive(ctx, raw, "bsa_cap_m2", required=False),
        max_dose=_positive(ctx, raw, "max_dose", required=False),
    )


def _parse_banded_dose(ctx: ParseContext, raw: Mapping[str, Any]) -> DoseRule:
    """A dose whose amount per kg depends on the actual body weight's band.

    Written ``per = "kg"`` with ``bands``, lightest first, each band a table with its
    ``amount`` and its boundaries as the source gives them (see ``WeightBand``)::

        bands = [
          { below_kg = 9, amount = 1.0 },
          { at_least_kg = 9, below_kg = 16, amount = 1.2 },
          { at_least_kg = 16, up_to_kg = 23, amount = 1.1 },
          { above_kg = 23, up_to_kg = 34, amount = 0.95 },
          { above_kg = 34, amount = 0.8 },
        ]

    Each band starts exactly where the one before it ends, with the boundary weight in
    one band only, the first from 0 kg and the last open-ended: every weight has one band.
    """
    if "amount" in raw:
        raise ctx.error(
            tr("give either amount or bands, not both: each band has its own amount."), "amount"
        )
    if raw.get("per") != DoseBasis.PER_KG.value:
        raise ctx.error(tr('weight bands give an amount per kg: per must be "kg".'), "per")
    if raw.get("weight", WeightType.ACTUAL.value) != WeightType.ACTUAL.value:
        raise ctx.error(
            tr('weight bands are chosen by actual body weight: weight must be "actual".'),
            "weight",
        )
    bands = _parse_bands(ctx, raw["bands"])
    base = _parse_dose(ctx, {**{k: v for k, v in raw.items() if k != "bands"}, "amount": 1})
    return DoseRule(
        amount=max(b.amount for b in bands),
        unit=base.unit,
        per=base.per,
        weight=base.weight,
        route=base.route,
        frequency=base.frequency,
        bsa_cap_m2=base.bsa_cap_m2,
        max_dose=base.max_dose,
        bands=bands,
    )


def _band_number(ctx: ParseContext, raw: Mapping[str, Any], key: str, field_name: str) -> float:
    """A band's positive number; errors name the band ("dose.bands[2].amount")."""
    where = f"{field_name}.{key}"
    if key not in raw:
        raise ctx.error(tr("is required but missing."), where)
    value = raw[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ctx.error(
            tr("must be {kind}, not {given}.").format(
                kind=_kind_name((int, float)), given=type(value).__name__
            ),
            where,
        )
    if not value > 0 or value != value or value == float("inf"):
        raise ctx.error(tr("must be a positive number."), where)
    return float(value)


def _band_boundary(
    ctx: ParseContext, raw: Mapping[str, Any], field_name: str, keys: tuple[str, str]
) -> tuple[float | None, bool]:
    """One side of a band: (boundary, inclusive), or (None, ...) when not given."""
    given = [k for k in keys if k in raw]
    if len(given) == 2:
        raise ctx.error(
            tr("give {first} or {second}, not both: the boundary weight is in one band.").format(
                first=keys[0], second=keys[1]
            ),
            f"{field_name}.{given[1]}",
        )
    if not given:  # the dataclass defaults, so that a stored band compares equal
        return None, keys[0] == "at_least_kg"
    value = _band_number(ctx, raw, given[0], field_name)
    return value, given[0] in ("at_least_kg", "up_to_kg")


def _band_end(band: WeightBand) -> str:
    """How the next band must start after ``band``: "at_least_kg = 16"."""
    assert band.upper_kg is not None
    key = "above_kg" if band.upper_inclusive else "at_least_kg"
    return f"{key} = {format_number(band.upper_kg, 3)}"


def _parse_band(ctx: ParseContext, raw: Any, field_name: str) -> WeightBand:
    if not isinstance(raw, dict):
        raise ctx.error(
            tr("each weight band must be a table such as { below_kg = 9, amount = 1 }."),
            field_name,
        )
    unknown = sorted(set(raw) - _BAND_KEYS)
    if unknown:
        raise ctx.error(
            tr("unknown {what} key(s) {unknown}; allowed: {allowed}.").format(
                what=tr("weight band"),
                unknown=", ".join(unknown),
                allowed=", ".join(sorted(_BAND_KEYS)),
            ),
            f"{field_name}.{unknown[0]}",
        )
    amount = _band_number(ctx, raw, "amount", field_name)
    lower, lower_inclusive = _band_boundary(ctx, raw, field_name, ("at_least_kg", "above_kg"))
    upper, upper_inclusive = _band_boundary(ctx, raw, field_name, ("up_to_kg", "below_kg"))
    return WeightBand(amount, lower, lower_inclusive, upper, upper_inclusive)


def _parse_bands(ctx: ParseContext, raw: Any) -> tuple[WeightBand, ...]:
    field_name = "dose.bands"
    if not isinstance(raw, list) or len(raw) < 2:
        raise ctx.error(
            tr(
                "must list at least 2 weight bands, lightest first; for one amount give "
                "amount instead."
            ),
            field_name,
        )
    if len(raw) > MAX_WEIGHT_BANDS:
        raise ctx.error(tr("has more than {n} bands.").format(n=MAX_WEIGHT_BANDS), field_name)
    bands = [_parse_band(ctx, b, f"{field_name}[{i + 1}]") for i, b in enumerate(raw)]
    for number, band in enumerate(bands, start=1):
        _check_band(ctx, bands, number, band, f"{field_name}[{number}]")
    return tuple(bands)


def _check_band(
    ctx: ParseContext, bands: list[WeightBand], number: int, band: WeightBand, field_name: str
) -> None:
    """Band ``number`` (from 1) against its own boundaries and the band before it."""
    last = number == len(bands)
    if number == 1 and band.lower_kg is not None:
        raise ctx.error(
            tr("the first (lightest) band starts at 0 kg: give it no at_least_kg or above_kg."),
            field_name,
        )
    if last and band.upper_kg is not None:
        raise ctx.error(
            tr(
                "the last band must be open-ended (no below_kg or up_to_kg), so that every "
                "heavier weight has a dose."
            ),
            field_name,
        )
    if not last and band.upper_kg is None:
        raise ctx.error(
            tr("only the last band may be open-ended: band {n} needs below_kg or up_to_kg.").format(
                n=number
            ),
            field_name,
        )
    if band.lower_kg is not None and band.upper_kg is not None and band.lower_kg >= band.upper_kg:
        raise ctx.error(
            tr(
                "band {n} runs from {lower} kg to {upper} kg: its lower boundary must be below "
                "its upper one."
            ).format(
                n=number,
                lower=format_number(band.lower_kg, 3),
                upper=format_number(band.upper_kg, 3),
            ),
            field_name,
        )
    if number == 1:
        return
    before = bands[number - 2]
    assert before.upper_kg is not None  # checked when band ``number - 1`` was
    if band.upper_kg is not None and band.upper_kg <= before.upper_kg:
        raise ctx.error(
            tr(
                "list the bands lightest first: band {n} ends at {upper} kg, not above band "
                "{previous} ({previous_upper} kg)."
            ).format(
                n=number,
                upper=format_number(band.upper_kg, 3),
                previous=number - 1,
                previous_upper=format_number(before.upper_kg, 3),
            ),
            field_name,
        )
    _check_contiguous(ctx, before, band, number, field_name)


def _check_contiguous(
    ctx: ParseContext, before: WeightBand, band: WeightBand, number: int, field_name: str
) -> None:
    """Band ``number`` starts exactly where the band before it ends: no gap, no overlap."""
    assert before.upper_kg is not None
    expected = _band_end(before)
    values = {
        "n": number,
        "previous": number - 1,
        "expected": expected,
        "end": format_number(before.upper_kg, 3),
    }
    if band.lower_kg is None:
        raise ctx.error(
            tr("band {n} needs its lower boundary: {expected}, where band {previous} ends.").format(
                **values
            ),
            field_name,
        )
    values["start"] = format_number(band.lower_kg, 3)
    if band.lower_kg > before.upper_kg:
        raise ctx.error(
            tr(
                "gap: no band holds the weights between {end} and {start} kg; band {n} must "
                "start where band {previous} ends ({expected})."
            ).format(**values),
            field_name,
        )
    if band.lower_kg < before.upper_kg:
        raise ctx.error(
            tr(
                "overlap: weights from {start} to {end} kg are in band {previous} and band {n}; "
                "band {n} must start where band {previous} ends ({expected})."
            ).format(**values),
            field_name,
        )
    if not before.upper_inclusive and not band.lower_inclusive:
        raise ctx.error(
            tr(
                "gap: a weight of exactly {end} kg is in no band (band {previous} ends below it, "
                "band {n} starts above it); band {n} must start with {expected}."
            ).format(**values),
            field_name,
        )
    if before.upper_inclusive and band.lower_inclusive:
        raise ctx.error(
            tr(
                "overlap: a weight of exactly {end} kg is in band {previous} and band {n}; "
                "band {n} must start with {expected}."
            ).format(**values),
            field_name,
        )


def _parse_clause(ctx: ParseContext, raw: Any) -> Clause:
    if not isinstance(raw, dict):
        raise ctx.error(
            tr(
                'each entry of when.any must be a table such as { fact = "hbsag", is = ["positive"] }.'
            ),
            "when",
        )
    ctx.reject_unknown(raw, _CLAUSE_KEYS, "when.any")
    fact = ctx.get(raw, "fact", str)
    if fact in NUMERIC_FACTS:
        low = ctx.get(raw, "at_least", (int, float), required=False)
        high = ctx.get(raw, "below", (int, float), required=False)
        if low is None and high is None:
            raise ctx.error(tr("'{fact}' needs at_least or below.").format(fact=fact), "when")
        return Clause(fact, at_least=low, below=high)
    if fact not in FACT_VALUES:
        known = ", ".join([*FACT_VALUES, *NUMERIC_FACTS])
        raise ctx.error(
            tr("unknown fact '{fact}'; known: {known}.").format(fact=fact, known=known), "when"
        )
    values = ctx.get(raw, "is", list)
    allowed = FACT_VALUES[fact]
    if not values or any(v not in allowed for v in values):
        raise ctx.error(
            tr("'{fact}' values must be among: {allowed}.").format(
                fact=fact, allowed=", ".join(allowed)
            ),
            "when",
        )
    return Clause(fact, tuple(values))


def _parse_when(ctx: ParseContext, raw: Any) -> StepCondition:
    if not isinstance(raw, dict):
        raise ctx.error(tr('must be a table such as { rule = "...", any = [...] }.'), "when")
    ctx.reject_unknown(raw, _WHEN_KEYS, "when")
    rule = ctx.get(raw, "rule", str)
    if not ID_PATTERN.match(rule):
        raise ctx.error(tr("rule must be lower-case letters, digits and hyphens."), "when.rule")
    alternatives = ctx.get(raw, "any", list)
    if not alternatives:
        raise ctx.error(tr("needs at least one entry."), "when.any")
    return StepCondition(rule, tuple(_parse_clause(ctx, c) for c in alternatives))


def _parse_window(ctx: ParseContext, raw: Mapping[str, Any]) -> tuple[int, int]:
    if "window" in raw and ("window_before" in raw or "window_after" in raw):
        raise ctx.error(tr("give either window or window_before/window_after."), "window")
    if "window" in raw:
        both = ctx.get(raw, "window", int)
        before = after = both
    else:
        before = ctx.get(raw, "window_before", int, required=False, default=0)
        after = ctx.get(raw, "window_after", int, required=False, default=0)
    for name, value in (("window", before), ("window", after)):
        if not 0 <= value <= 60:
            raise ctx.error(tr("must be from 0 to 60 days."), name)
    return before, after


def _parse_step(file: str, index: int, raw: Any, anchors: Mapping[str, AnchorDef]) -> StepTemplate:
    ctx = ParseContext(file, f"#{index + 1}")
    if not isinstance(raw, dict):
        raise ctx.error(tr("each [[steps]] entry must be a table."))
    step_id = ctx.get(raw, "id", str)
    if not ID_PATTERN.match(step_id):
        raise ctx.error(tr("must be lower-case letters, digits and hyphens."), "id")
    ctx.step = step_id
    ctx.reject_unknown(raw, _STEP_KEYS, "step")
    anchor = ctx.get(raw, "anchor", str, required=False, default=DAY0)
    if anchor != DAY0 and anchor not in anchors:
        known = ", ".join([DAY0, *anchors])
        raise ctx.error(
            tr("anchor '{anchor}' is not declared; known anchors: {known}.").format(
                anchor=anchor, known=known
            ),
            "anchor",
        )
    days = _parse_days(ctx, raw)
    if anchor != DAY0 and anchors[anchor].is_mobilisation and 0 in days:
        raise ctx.error(tr("there is no M-Day 0; M-Day 1 is the anchor date."), "days")
    before, after = _parse_window(ctx, raw)
    kind = ctx.choice(raw, "kind", StepKind)
    dose = _parse_dose(ctx, raw["dose"]) if "dose" in raw else None
    return StepTemplate(
        id=step_id,
        title=ctx.text(raw, "title", max_len=120),
        phase=ctx.choice(raw, "phase", Phase),
        kind=kind,
        anchor=anchor,
        days=days,
        window_before=before,
        window_after=after,
        dose=dose,
        drug=ctx.text(raw, "drug", required=False, max_len=80),
        regimen_tied=ctx.get(raw, "regimen_tied", bool, required=False, default=False),
        patient_text=ctx.text(raw, "patient_text", required=False),
        until=ctx.text(raw, "until", required=False, max_len=120),
        notes=ctx.text(raw, "notes", required=False),
        when=_parse_when(ctx, raw["when"]) if "when" in raw else None,
    )


def _parse_anchors(ctx: ParseContext, raw: Any) -> dict[str, AnchorDef]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ctx.error(tr("must be a table of anchors."), "anchors")
    anchors: dict[str, AnchorDef] = {}
    for name, table in raw.items():
        if name == DAY0 or not ID_PATTERN.match(name):
            raise ctx.error(
                tr("anchor name '{name}' is reserved or not a plain identifier.").format(name=name),
                "anchors",
            )
        if not isinstance(table, dict):
            raise ctx.error(tr("anchor '{name}' must be a table.").format(name=name), "anchors")
        sub = ParseContext(ctx.file, None)
        sub.reject_unknown(table, _ANCHOR_KEYS, f"anchor '{name}'")
        numbering = sub.get(table, "numbering", str, required=False, default=OFFSET)
        if numbering not in NUMBERINGS:
            raise ctx.error(tr("numbering must be offset or mday."), f"anchors.{name}.numbering")
        anchors[name] = AnchorDef(
            name=name,
            default_day=sub.day(sub.get(table, "default_day", int), f"anchors.{name}.default_day"),
            label=sub.text(table, "label", required=False, max_len=80),
            numbering=numbering,
        )
    return anchors


def _string_list(
    ctx: ParseContext, doc: Mapping[str, Any], key: str, allowed: Iterable[str]
) -> tuple[str, ...]:
    values = ctx.get(doc, key, list)
    allowed_set = set(allowed)
    if not values or not all(isinstance(v, str) and v in allowed_set for v in values):
        raise ctx.error(
            tr("must list one or more of: {allowed}.").format(
                allowed=", ".join(sorted(allowed_set))
            ),
            key,
        )
    return tuple(values)


def parse_protocol(data: bytes, file: str, *, origin: str = "bundled") -> Protocol:
    """Parse and validate one template file's bytes; raise ``TemplateError`` naming what is wrong."""
    doc = decode_toml(data, file)
    ctx = ParseContext(file)
    ctx.reject_unknown(doc, _TOP_KEYS, "top-level")
    schema = ctx.get(doc, "schema", int)
    if schema != SCHEMA_VERSION:
        raise ctx.error(
            tr("schema {schema} is not supported (this version reads {version}).").format(
                schema=schema, version=SCHEMA_VERSION
            ),
            "schema",
        )
    template_id = ctx.get(doc, "id", str)
    if not ID_PATTERN.match(template_id):
        raise ctx.error(tr("must be lower-case letters, digits and hyphens."), "id")
    review_status = ctx.text(doc, "review_status")
    if review_status not in REVIEW_STATUSES:
        raise ctx.error(
            tr("must be one of: {allowed}.").format(allowed=", ".join(REVIEW_STATUSES)),
            "review_status",
        )
    intensity = ctx.text(doc, "intensity", required=False)
    if intensity not in ("", "MAC", "RIC", "NMA"):
        raise ctx.error(tr("must be MAC, RIC or NMA."), "intensity")
    anchors = _parse_anchors(ctx, doc.get("anchors"))
    raw_steps = ctx.get(doc, "steps", list)
    if not raw_steps:
        raise ctx.error(tr("a template needs at least one [[steps]] entry."), "steps")
    if len(raw_steps) > MAX_STEPS:
        raise ctx.error(tr("has more than {n} steps.").format(n=MAX_STEPS), "steps")
    steps = tuple(_parse_step(file, i, raw, anchors) for i, raw in enumerate(raw_steps))
    seen: set[str] = set()
    for st in steps:
        if st.id in seen:
            raise TemplateError(file, tr("the step id is used twice."), step=st.id, field="id")
        seen.add(st.id)
    return Protocol(
        id=template_id,
        version=ctx.text(doc, "version", max_len=40),
        title=ctx.text(doc, "title", max_len=160),
        category=ctx.choice(doc, "category", Category),
        transplant_types=_string_list(
            ctx, doc, "transplant_types", ("autologous", "allogeneic", "car-t")
        ),
        graft_sources=_string_list(
            ctx, doc, "graft_sources", ("pbsc", "marrow", "cord", "cell-product")
        ),
        review_status=review_status,
        source=ctx.text(doc, "source"),
        intensity=intensity,
        description=ctx.text(doc, "description", required=False),
        anchors=anchors,
        steps=steps,
        checksum=_sha256(data),
        origin=origin,
        path=file,
    )


def _sha256(data: bytes) -> str:
    import hashlib  # here, not at the top: the start-up board reads no template

    return hashlib.sha256(data).hexdigest()


def mobilisation_anchor_of(protocols: Iterable[Protocol]) -> str | None:
    """The name of the first M-Day anchor (the first G-CSF dose) the templates declare."""
    return next((n for p in protocols for n, a in p.anchors.items() if a.is_mobilisation), None)


def load_protocols() -> dict[str, Protocol]:
    """The bundled templates by id (public API: ``planner.protocols.load_protocols``)."""
    from planner.domain.assets import list_resources

    protocols: dict[str, Protocol] = {}
    for res in list_resources("protocols", ".toml"):
        proto = parse_protocol(res.read_bytes(), f"protocols/{res.name}")
        if proto.id in protocols:
            raise TemplateError(
                res.name,
                tr("template id '{id}' is used by two files.").format(id=proto.id),
                field="id",
            )
        protocols[proto.id] = proto
    return protocols


_NOT_REGULAR = tr_noop(
    "is not a regular file (a folder, pipe, device or link to one); it is skipped."
)


def _read_local_template(path: Path) -> bytes:
    """The bytes of one local template file, or a ``TemplateError`` in one sentence.

    Only a regular file (or a link to one) is read, and at most ``MAX_TEMPLATE_BYTES``
    of it: a pipe would block the app on opening, and a device such as ``/dev/zero``
    would be read until memory runs out.
    """
    too_big = tr("the file is larger than {limit} KB; it is skipped.").format(
        limit=MAX_TEMPLATE_BYTES // 1024
    )
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise TemplateError(path.name, tr(_NOT_REGULAR))
        # O_NONBLOCK: if the entry became a pipe since the check, opening it must not wait
        # for a writer; the second check on the open file then refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as file:
            info = os.fstat(file.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise TemplateError(path.name, tr(_NOT_REGULAR))
            if info.st_size > MAX_TEMPLATE_BYTES:
                raise TemplateError(path.name, too_big)
            data = file.read(MAX_TEMPLATE_BYTES + 1)
    except FileNotFoundError:
        raise TemplateError(path.name, tr("is a link to nothing; it is skipped.")) from None
    except OSError as exc:
        raise TemplateError(
            path.name,
            tr("cannot be read ({reason}); it is skipped.").format(
                reason=exc.strerror or type(exc).__name__
            ),
        ) from None
    if len(data) > MAX_TEMPLATE_BYTES:  # it grew after the size check
        raise TemplateError(path.name, too_big)
    return data


def load_local_protocols(folder: Path) -> tuple[dict[str, Protocol], list[TemplateError]]:
    """Templates a centre added in its data folder, plus the errors of files that failed.

    A bad local file never hides the others: its error is returned for display. Entries
    that are not regular files (a folder named ``x.toml``, a pipe, a device) are refused
    with a sentence each, never read.
    """
    found: dict[str, Protocol] = {}
    errors: list[TemplateError] = []
    if not folder.is_dir():
        return found, errors
    for path in sorted(folder.glob("*.toml")):
        try:
            proto = parse_protocol(_read_local_template(path), path.name, origin="local")
        except TemplateError as exc:
            errors.append(exc)
            continue
        if proto.id in found:
            errors.append(
                TemplateError(
                    path.name,
                    tr("template id '{id}' is used twice.").format(id=proto.id),
                    field="id",
                )
            )
            continue
        found[proto.id] = proto
    return found, errors


def all_protocols(local_folder: Path | None) -> tuple[dict[str, Protocol], list[TemplateError]]:
    """Bundled plus local templates; a local id that repeats a bundled one is an error."""
    protocols = load_protocols()
    if local_folder is None:
        return protocols, []
    local, errors = load_local_protocols(local_folder)
    for pid, proto in local.items():
        if pid in protocols:
            errors.append(
                TemplateError(
                    proto.path,
                    tr(
                        "template id '{id}' repeats a bundled template; give the local copy "
                        "its own id."
                    ).format(id=pid),
                    field="id",
                )
            )
        else:
            protocols[pid] = proto
    return protocols, errors


def get_protocol(protocols: Mapping[str, Protocol], template_id: str) -> Protocol:
    """Look a template up by id; the error lists the known ids."""
    try:
        return protocols[template_id]
    except KeyError:
        known = ", ".join(sorted(protocols))
        raise UnknownTemplateError(
            tr("There is no template '{id}'. Known templates: {known}.").format(
                id=template_id, known=known
            )
        ) from None
