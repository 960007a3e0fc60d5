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


class Phase(StrEnum):
    """Timeline lanes, in the order they are drawn."""

    WORKUP = "work-up"
    MOBILISATION = "mobilisation"
    COLLECTION = "collection"
    CONDITIONING = "conditioning"
    INFUSION = "infusion"
    GVHD_PROPHYLAXIS = "gvhd-prophylaxis"
    SUPPORTIVE_CARE = "supportive-care"
    RECOVERY = "recovery"
    FOLLOW_UP = "follow-up"


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
    """

    amount: float
    unit: str
    per: DoseBasis = DoseBasis.FLAT
    weight: WeightType = WeightType.ACTUAL
    route: str = ""
    frequency: str = ""
    bsa_cap_m2: float | None = None
    max_dose: float | None = None

    @property
    def order_text(self) -> str:
        """The order as written: "200 mg/m2", "3.2 mg/kg", "2 Gy"."""
        return self.order_text_in(DEFAULT_LOCALE)

    def order_text_in(self, locale: str) -> str:
        """The order with the decimal sign of ``locale``: "3,2 mg/kg" in Spanish."""
        suffix = {DoseBasis.PER_M2: "/m2", DoseBasis.PER_KG: "/kg", DoseBasis.FLAT: ""}[self.per]
        return f"{format_number(self.amount, locale=locale)} {self.unit}{suffix}"


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
}
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
        transplant_types=_string_list(ctx, doc, "transplant_types", ("autologous", "allogeneic")),
        graft_sources=_string_list(ctx, doc, "graft_sources", ("pbsc", "marrow", "cord")),
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
