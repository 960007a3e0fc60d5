"""GVHD grading: MAGIC acute GVHD (Harris et al., Biol Blood Marrow Transplant 2016;22:4-10)
and NIH 2014 chronic GVHD (Jagasia et al., Biol Blood Marrow Transplant 2015;21:389-401).

Also home of :class:`GradeResult`, the common answer of every calculator in
``planner.clinical.grading``, ``planner.clinical.vod``, ``planner.clinical.toxicity``, ``planner.clinical.eligibility``
and ``planner.clinical.compatibility``. Clinical safety asks that each result shows the
criteria set and its version, the inputs, and the rule that decided it, so a
clinician can check it and override it with a reason.

The public names (``magic_skin_stage``, ``magic_liver_stage`` (mg/dL),
``magic_liver_stage_umol`` (µmol/L), ``magic_lower_gi_stage``, ``magic_grade``,
``nih_cgvhd_severity``), importable from ``planner.clinical.grading``, return plain ints
and strings; ``magic_assessment``, ``magic_grade_assessment`` and ``nih_cgvhd_assessment``
return the full :class:`GradeResult`.

A bilirubin is a :class:`Bilirubin` (value and unit); every rule compares it with the
cut-off published for its unit (:class:`BilirubinCutoff`), never with a converted value.

Values outside the physical range raise :class:`planner.errors.ValidationError`
whose message names the accepted range.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeVar

from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import format_number
from planner.errors import ValidationError

# --- the common result ---------------------------------------------------------

_EMPTY: Final[Mapping[str, object]] = MappingProxyType({})


def _freeze(value: object) -> object:
    if isinstance(value, Mapping):
        return MappingProxyType({str(k): _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return tuple(_freeze(v) for v in items)
    return value


def _plain(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):  # also datetime
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


@dataclass(frozen=True)
class GradeResult:
    """One calculator answer, complete enough to be saved as a dated assessment.

    Attributes:
        value: the grade, stage, category or yes/no answer (int, str or bool).
        label: how to show ``value`` ("III", "moderate", "major", "yes").
        criteria: the criteria set ("MAGIC acute GVHD", "ASTCT CRS", ...).
        version: its version and source ("2016 (Harris et al., BBMT 2016)").
        inputs: the values the calculator was given, as entered (a bilirubin as text
            with its unit, "34 µmol/L").
        deciding_rule: one sentence naming the rule that produced ``value``.
        notes: warnings and explanations (disagreeing inputs, excluded organs).
        components: intermediate results (organ stages, sub-scores, both scales).
        needs_confirmation: the criteria leave a choice to the clinician, who
            must confirm or override the suggested value.
        rank: an ordinal for comparing results of one calculator (filled from an
            int ``value``); complication episodes use it for the maximum grade.
        english: the same result worded in English, when this one is worded in the
            interface's language (``planner.domain.i18n``): what is stored is English
            whatever the reader's language (``recorded``, ``as_dict``).
    """

    value: int | str | bool
    label: str
    criteria: str
    version: str
    inputs: Mapping[str, object]
    deciding_rule: str
    notes: tuple[str, ...] = ()
    components: Mapping[str, object] = field(default_factory=lambda: _EMPTY)
    needs_confirmation: bool = False
    rank: int | None = None
    english: GradeResult | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "inputs", _freeze(self.inputs))
        object.__setattr__(self, "components", _freeze(self.components))
        object.__setattr__(self, "notes", tuple(self.notes))
        if self.rank is None and isinstance(self.value, int) and not isinstance(self.value, bool):
            object.__setattr__(self, "rank", self.value)

    def explain(self) -> str:
        """Multi-line text for a dialog or PDF: criteria, inputs, rule, notes."""
        lines = [f"{self.criteria}, {self.version}: {self.label}"]
        if self.inputs:
            shown = ", ".join(f"{k} = {_plain(v)}" for k, v in self.inputs.items())
            lines.append(f"Inputs: {shown}")
        lines.append(f"Rule: {self.deciding_rule}")
        lines.extend(f"Note: {n}" for n in self.notes)
        if self.needs_confirmation:
            lines.append("Clinician confirmation required.")
        return "\n".join(lines)

    def recorded(self) -> GradeResult:
        """The result as it is stored and audited: worded in English."""
        return self.english if self.english is not None else self

    def as_dict(self) -> dict[str, object]:
        """JSON-ready copy (dates as ISO strings) for storage and export, in English."""
        if self.english is not None:
            return self.english.as_dict()
        return {
            "value": self.value,
            "label": self.label,
            "criteria": self.criteria,
            "version": self.version,
            "inputs": _plain(self.inputs),
            "deciding_rule": self.deciding_rule,
            "notes": list(self.notes),
            "components": _plain(self.components),
            "needs_confirmation": self.needs_confirmation,
            "rank": self.rank,
        }


# --- input validation shared by the calculators ----------------------------------


FMT_DECIMALS: Final = 6  # 0.00001 stays "0.00001", never "1e-05"


def _fmt(x: float) -> str:
    """A number for a message, ISMP style (``planner.clinical.dosing.format_number``): "0.00001",
    "10,000"; an infinite value is spelled out."""
    if isinstance(x, int | float) and not isinstance(x, bool) and math.isinf(x):
        return tr("infinity") if x > 0 else tr("minus infinity")
    return format_number(x, FMT_DECIMALS)


def require_number(
    name: str, value: object, low: float, high: float, unit: str = "", *, what: str | None = None
) -> float:
    """Return ``value`` as float, or raise ValidationError naming the range low-high
    (``what``: the name shown, translated with ``tr``)."""
    label = tr(what) if what else name.replace("_", " ")
    unit_text = f" {tr(unit)}" if unit else ""
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ValidationError(
            name,
            tr("{what} must be a number from {low} to {high}{unit}.").format(
                what=label, low=_fmt(low), high=_fmt(high), unit=unit_text
            ),
        )
    if not low <= value <= high:
        raise ValidationError(
            name,
            tr(
                "{what} of {value}{unit} is out of range; enter a value from {low} to {high}{unit}."
            ).format(what=label, value=_fmt(value), low=_fmt(low), high=_fmt(high), unit=unit_text),
        )
    return float(value)


def require_int(name: str, value: object, low: int, high: int, *, what: str | None = None) -> int:
    """Return ``value`` if it is a whole number in low-high, else raise ValidationError."""
    label = tr(what) if what else name.replace("_", " ")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            name,
            tr("{what} must be a whole number from {low} to {high}.").format(
                what=label, low=low, high=high
            ),
        )
    if not low <= value <= high:
        raise ValidationError(
            name,
            tr(
                "{what} of {value} is out of range; enter a whole number from {low} to {high}."
            ).format(what=label, value=value, low=low, high=high),
        )
    return value


def require_bool(name: str, value: object) -> bool:
    """Return ``value`` if it is a bool (not a truthy string), else raise ValidationError."""
    if not isinstance(value, bool):
        raise ValidationError(
            name,
            tr("{what} must be yes or no (true/false).").format(what=name.replace("_", " ")),
        )
    return value


def require_date(name: str, value: object) -> dt.date:
    """Return ``value`` if it is a calendar date (a datetime is refused)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValidationError(
            name,
            tr("{what} must be a calendar date, not {kind}.").format(
                what=name.replace("_", " "), kind=type(value).__name__
            ),
        )
    return value


E = TypeVar("E", bound=StrEnum)


def require_choice(name: str, enum: type[E], value: object) -> E:
    """Return the member of ``enum`` named by ``value`` (member or its string value)."""
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        for member in enum:
            if member.value == value.strip().lower():
                return member
    allowed = ", ".join(m.value for m in enum)
    raise ValidationError(
        name,
        tr("{what} '{value}' is not one of: {allowed}.").format(
            what=name.replace("_", " "), value=value, allowed=allowed
        ),
    )


ROMAN: Final = ("0", "I", "II", "III", "IV", "V")


# --- bilirubin units -------------------------------------------------------------
#
# A bilirubin is graded in the unit it was entered in, against the cut-off the source
# publishes for that unit. Converting µmol/L to mg/dL first (÷ 17.1) puts the published SI
# cut-offs on the wrong side: 34 µmol/L is 1.99 mg/dL, below the 2 mg/dL of the EBMT
# SOS/VOD criteria, which print the SI value as 34 µmol/L (Mohty et al., Bone Marrow
# Transplant 2016;51:906-912). ``Bilirubin`` carries the unit with the value and
# ``BilirubinCutoff`` holds each threshold in both units.

BILIRUBIN_UMOL_PER_MG_DL: Final = 17.1
MAX_BILIRUBIN_MG_DL: Final = 50.0
MAX_BILIRUBIN_UMOL_L: Final = MAX_BILIRUBIN_MG_DL * BILIRUBIN_UMOL_PER_MG_DL  # 855


class BilirubinUnit(StrEnum):
    """Units a bilirubin may be typed in."""

    MG_DL = "mg/dl"
    UMOL_L = "umol/l"

    @property
    def label(self) -> str:
        """The unit as people write it ("mg/dL", "µmol/L")."""
        return "mg/dL" if self is BilirubinUnit.MG_DL else "µmol/L"

    @property
    def highest(self) -> float:
        """The highest plausible total bilirubin in this unit (50 mg/dL, 855 µmol/L)."""
        return MAX_BILIRUBIN_MG_DL if self is BilirubinUnit.MG_DL else MAX_BILIRUBIN_UMOL_L


def bilirubin_unit(unit: str | BilirubinUnit) -> BilirubinUnit:
    """The unit named by ``unit`` ("mg/dL", "µmol/L", "umol/L"; any case), or ValidationError."""
    text = unit.replace("µ", "u").replace("μ", "u") if isinstance(unit, str) else unit
    return require_choice("bilirubin_unit", BilirubinUnit, text)


@dataclass(frozen=True)
class BilirubinCutoff:
    """One published bilirubin threshold, as the source prints it in each unit.

    Attributes:
        mg_dl: the threshold in mg/dL.
        umol_l: the threshold in µmol/L (the source's own SI figure, not mg/dL x 17.1,
            unless the source gives none; then the rule says which was used).
    """

    mg_dl: float
    umol_l: float

    def value_in(self, unit: BilirubinUnit) -> float:
        """The threshold in ``unit``."""
        return self.mg_dl if unit is BilirubinUnit.MG_DL else self.umol_l

    def text(self, unit: BilirubinUnit) -> str:
        """ "2 mg/dL" or "34 µmol/L"."""
        return f"{_fmt(self.value_in(unit))} {unit.label}"


@dataclass(frozen=True)
class Bilirubin:
    """A total bilirubin as entered: its number and its unit, never converted to grade it.

    Build one with ``Bilirubin.entered(value, unit)``, which refuses impossible values
    with the range in the unit typed (0-50 mg/dL, 0-855 µmol/L).
    """

    value: float
    unit: BilirubinUnit

    def __post_init__(self) -> None:
        unit = bilirubin_unit(self.unit)
        value = require_number(
            "bilirubin", self.value, 0.0, unit.highest, unit.label, what=tr_noop("Bilirubin")
        )
        object.__setattr__(self, "unit", unit)
        object.__setattr__(self, "value", value)

    @classmethod
    def entered(cls, value: object, unit: str | BilirubinUnit = BilirubinUnit.MG_DL) -> Bilirubin:
        """The bilirubin typed as ``value`` in ``unit`` (ValidationError when impossible)."""
        chosen = bilirubin_unit(unit)
        number = require_number(
            "bilirubin", value, 0.0, chosen.highest, chosen.label, what=tr_noop("Bilirubin")
        )
        return cls(number, chosen)

    @property
    def text(self) -> str:
        """The value as entered with its unit ("34 µmol/L", "2.5 mg/dL")."""
        return f"{_fmt(self.value)} {self.unit.label}"

    @property
    def input_key(self) -> str:
        """The key a result stores the value under, naming its unit ("bilirubin_mg_dl",
        "bilirubin_umol_l")."""
        return "bilirubin_mg_dl" if self.unit is BilirubinUnit.MG_DL else "bilirubin_umol_l"

    def at_least(self, cutoff: BilirubinCutoff) -> bool:
        """True when the value is at or above the cut-off published for its unit."""
        return self.value >= cutoff.value_in(self.unit)

    def above(self, cutoff: BilirubinCutoff) -> bool:
        """True when the value is above the cut-off published for its unit."""
        return self.value > cutoff.value_in(self.unit)

    def compared(self, cutoff: BilirubinCutoff, *, strict: bool = False) -> str:
        """ "bilirubin 34 µmol/L >= 34 µmol/L" or "... < 34 µmol/L": value, sign and cut-off."""
        met = self.above(cutoff) if strict else self.at_least(cutoff)
        sign = (">" if strict else ">=") if met else ("<=" if strict else "<")
        return tr("bilirubin {value} {sign} {cutoff}").format(
            value=self.text, sign=sign, cutoff=cutoff.text(self.unit)
        )


def given_bilirubin(
    bilirubin: float | Bilirubin | None,
    unit: str | BilirubinUnit,
    bilirubin_mg_dl: float | None,
) -> Bilirubin:
    """The bilirubin a calculator was given: ``bilirubin`` in ``unit`` (or a ``Bilirubin``),
    or the older keyword ``bilirubin_mg_dl``; exactly one of the two."""
    if bilirubin is not None and bilirubin_mg_dl is not None:
        raise ValidationError(
            "bilirubin",
            tr("Give the bilirubin once: as bilirubin with its unit, or as bilirubin_mg_dl."),
        )
    if bilirubin is None and bilirubin_mg_dl is None:
        raise ValidationError(
            "bilirubin", tr("Enter the bilirubin (mg/dL or µmol/L): it is never assumed normal.")
        )
    if isinstance(bilirubin, Bilirubin):
        return bilirubin
    if bilirubin_mg_dl is not None:
        return Bilirubin.entered(bilirubin_mg_dl, BilirubinUnit.MG_DL)
    return Bilirubin.entered(bilirubin, unit)


def bilirubin_mg_dl(value: float, unit: str | BilirubinUnit = BilirubinUnit.MG_DL) -> float:
    """Convert a total bilirubin to mg/dL (µmol/L ÷ 17.1), refusing impossible values.

    For display and export only: a rule grades the value in the unit it was entered in
    (``Bilirubin``), because the published SI cut-offs are not mg/dL x 17.1. The
    conversion is rounded to 6 decimals (51.3 µmol/L is exactly 3.0 mg/dL).
    """
    bili = Bilirubin.entered(value, unit)
    if bili.unit is BilirubinUnit.UMOL_L:
        return round(bili.value / BILIRUBIN_UMOL_PER_MG_DL, 6)
    return bili.value


# --- MAGIC acute GVHD (Harris et al. 2016; staging footnotes: NCI PDQ HCT tables) ---

MAGIC_CRITERIA: Final = tr_noop("MAGIC acute GVHD")
MAGIC_VERSION: Final = "2016 (Harris et al., BBMT 2016;22:4-10)"

MAX_STOOL_ML_DAY: Final = 10_000.0
MAX_STOOL_ML_KG_DAY: Final = 300.0
MAX_STOOL_EPISODES_DAY: Final = 50
ADULT_MIN_WEIGHT_KG: Final = 50.0  # MAGIC: adult lower-GI values for patients > 50 kg
MAX_WEIGHT_KG: Final = 400.0


def magic_skin_stage(bsa_percent: float, *, bullae_desquamation: bool = False) -> int:
    """Skin stage 0-4 from the % body surface with active erythematous GVHD rash.

    <25 % -> 1, 25-50 % -> 2, >50 % -> 3; stage 4 needs generalised erythroderma
    (>50 %) plus bullae and desquamation >5 % BSA (``bullae_desquamation``).
    """
    bsa = require_number(
        "skin_bsa_percent", bsa_percent, 0.0, 100.0, "% BSA", what=tr_noop("Rash extent")
    )
    require_bool("bullae_desquamation", bullae_desquamation)
    if bsa == 0:
        return 0
    if bsa < 25:
        return 1
    if bsa <= 50:
        return 2
    return 4 if bullae_desquamation else 3


def magic_liver_stage(bilirubin_mg_dl: float) -> int:
    """Liver stage 0-4 from total bilirubin in mg/dL (design decision for the table gaps).

    <2.0 -> 0, 2.0-3.0 -> 1, >3.0-6.0 -> 2, >6.0-15.0 -> 3, >15.0 -> 4. A value in
    µmol/L goes to ``magic_liver_stage_umol`` (never divide it by 17.1 and call this).
    """
    bili = require_number(
        "bilirubin", bilirubin_mg_dl, 0.0, MAX_BILIRUBIN_MG_DL, "mg/dL", what=tr_noop("Bilirubin")
    )
    if bili < 2.0:
        return 0
    if bili <= 3.0:
        return 1
    if bili <= 6.0:
        return 2
    if bili <= 15.0:
        return 3
    return 4


def magic_liver_stage_umol(bilirubin_umol_l: float) -> int:
    """Liver stage 0-4 from total bilirubin in µmol/L, by the published SI bands.

    <34 -> 0, 34-50 -> 1, 51-102 -> 2, 103-255 -> 3, >255 -> 4 (the µmol/L bands of the
    consensus liver staging that MAGIC kept; Harris et al., Biol Blood Marrow Transplant
    2016;22:4-10 print mg/dL). A value between two printed bands (50.5) takes the higher
    stage, as ``magic_liver_stage`` does for 3.05 mg/dL: each band is closed at its upper
    limit (design decision, the same in both units).
    """
    bili = require_number(
        "bilirubin",
        bilirubin_umol_l,
        0.0,
        MAX_BILIRUBIN_UMOL_L,
        "µmol/L",
        what=tr_noop("Bilirubin"),
    )
    if bili < 34:
        return 0
    if bili <= 50:
        return 1
    if bili <= 102:
        return 2
    if bili <= 255:
        return 3
    return 4


MAGIC_LIVER_BANDS: Final[Mapping[BilirubinUnit, tuple[str, ...]]] = MappingProxyType(
    {
        BilirubinUnit.MG_DL: ("<2", "2-3", "3.1-6", "6.1-15", ">15"),
        BilirubinUnit.UMOL_L: ("<34", "34-50", "51-102", "103-255", ">255"),
    }
)
"""The band of each liver stage 0-4 as the staging table prints it, by unit."""


def magic_liver_stage_of(bilirubin: Bilirubin) -> tuple[int, str]:
    """Liver stage of a bilirubin in its own unit, and the sentence naming the band used
    ("bilirubin 34 µmol/L is in the 34-50 µmol/L band: liver stage 1")."""
    if bilirubin.unit is BilirubinUnit.MG_DL:
        stage = magic_liver_stage(bilirubin.value)
    else:
        stage = magic_liver_stage_umol(bilirubin.value)
    band = MAGIC_LIVER_BANDS[bilirubin.unit][stage]
    return stage, tr(
        "Liver: bilirubin {value} is in the {band} {unit} band ({unit} table): liver stage {stage}."
    ).format(value=bilirubin.text, band=band, unit=bilirubin.unit.label, stage=stage)


def magic_upper_gi_stage(persistent_nausea_vomiting_anorexia: bool) -> int:
    """Upper GI stage: 1 for persistent nausea, vomiting or anorexia, else 0."""
    return 1 if require_bool("upper_gi_persistent", persistent_nausea_vomiting_anorexia) else 0


def magic_lower_gi_stage(
    stool_ml_per_day: float,
    *,
    severe_pain_or_ileus: bool = False,
    grossly_bloody_stool: bool = False,
) -> int:
    """Adult (>50 kg) lower GI stage 0-4 from stool volume in mL/day (3-day average).

    <500 -> 0, 500-999 -> 1, 1,000-1,500 -> 2, >1,500 -> 3; severe abdominal pain
    with or without ileus, or grossly bloody stool -> 4 regardless of volume.
    """
    volume = require_number(
        "stool_ml_per_day",
        stool_ml_per_day,
        0.0,
        MAX_STOOL_ML_DAY,
        "mL/day",
        what=tr_noop("Stool volume"),
    )
    if require_bool("severe_pain_or_ileus", severe_pain_or_ileus) or require_bool(
        "grossly_bloody_stool", grossly_bloody_stool
    ):
        return 4
    if volume < 500:
        return 0
    if volume < 1000:
        return 1
    if volume <= 1500:
        return 2
    return 3


def magic_lower_gi_stage_paediatric(stool_ml_per_kg_day: float) -> int:
    """Paediatric lower GI stage 0-3 from stool volume in mL/kg/day.

    <10 -> 0, 10-19.9 -> 1, 20-30 -> 2, >30 -> 3 (stage 4 by pain/ileus/blood as for adults).
    """
    volume = require_number(
        "stool_ml_per_kg_day",
        stool_ml_per_kg_day,
        0.0,
        MAX_STOOL_ML_KG_DAY,
        "mL/kg/day",
        what=tr_noop("Stool volume"),
    )
    if volume < 10:
        return 0
    if volume < 20:
        return 1
    if volume <= 30:
        return 2
    return 3


def magic_lower_gi_stage_episodes(episodes_per_day: int, *, paediatric: bool = False) -> int:
    """Lower GI stage 0-3 from diarrhoea episodes per day.

    Adults: <3 -> 0, 3-4 -> 1, 5-7 -> 2, >7 -> 3. Children: <4 -> 0, 4-6 -> 1, 7-10 -> 2, >10 -> 3.
    """
    n = require_int(
        "stool_episodes_per_day",
        episodes_per_day,
        0,
        MAX_STOOL_EPISODES_DAY,
        what=tr_noop("Stool episodes"),
    )
    bands = (4, 7, 11) if paediatric else (3, 5, 8)
    return sum(n >= b for b in bands)


def _check_stages(skin: int, liver: int, upper_gi: int, lower_gi: int) -> None:
    require_int("skin_stage", skin, 0, 4, what=tr_noop("Skin stage"))
    require_int("liver_stage", liver, 0, 4, what=tr_noop("Liver stage"))
    require_int("upper_gi_stage", upper_gi, 0, 1, what=tr_noop("Upper GI stage"))
    require_int("lower_gi_stage", lower_gi, 0, 4, what=tr_noop("Lower GI stage"))


_ORGANS: Final = {
    "skin": tr_noop("skin"),
    "liver": tr_noop("liver"),
    "upper GI": tr_noop("upper GI"),
    "lower GI": tr_noop("lower GI"),
}


def _and(items: list[str]) -> str:
    return tr(" and ").join(items)


def _organ_stage(organ: str, stage: int) -> str:
    return tr("{organ} stage {stage}").format(organ=tr(_ORGANS[organ]), stage=stage)


def _magic_pattern(skin: int, liver: int, upper_gi: int, lower_gi: int) -> tuple[int, str]:
    stages = {"skin": skin, "liver": liver, "lower GI": lower_gi}
    four = [tr(_ORGANS[k]) for k, v in stages.items() if v == 4]
    if four:
        return 4, tr("Grade IV: stage 4 {organs}.").format(organs=_and(four))
    three = [
        _organ_stage(k, v) for k, v in (("liver", liver), ("lower GI", lower_gi)) if v in (2, 3)
    ]
    if three:
        return 3, tr("Grade III: {stages} (liver or lower GI stage 2-3).").format(
            stages=_and(three)
        )
    two = []
    if skin == 3:
        two.append(_organ_stage("skin", 3))
    two += [
        _organ_stage(k, 1)
        for k, v in (("liver", liver), ("upper GI", upper_gi), ("lower GI", lower_gi))
        if v == 1
    ]
    if two:
        return 2, tr(
            "Grade II: {stages} (skin stage 3 or stage 1 liver, upper GI or lower GI)."
        ).format(stages=_and(two))
    if skin in (1, 2):
        return 1, tr("Grade I: skin stage {stage} only, no liver or GI involvement.").format(
            stage=skin
        )
    return 0, tr("Grade 0: no organ at stage 1-4.")


def magic_grade(skin: int, liver: int, upper_gi: int, lower_gi: int) -> int:
    """Overall MAGIC grade 0-4 by the MAGIC pattern table (never the maximum stage)."""
    _check_stages(skin, liver, upper_gi, lower_gi)
    return _magic_pattern(skin, liver, upper_gi, lower_gi)[0]


def magic_grade_assessment(
    skin: int,
    liver: int,
    upper_gi: int,
    lower_gi: int,
    *,
    inputs: Mapping[str, object] | None = None,
    notes: tuple[str, ...] = (),
    needs_confirmation: bool = False,
) -> GradeResult:
    """MAGIC grade from organ stages (e.g. stages entered or overridden by the clinician)."""
    _check_stages(skin, liver, upper_gi, lower_gi)
    grade, rule = _magic_pattern(skin, liver, upper_gi, lower_gi)
    stages = {"skin": skin, "liver": liver, "upper_gi": upper_gi, "lower_gi": lower_gi}
    return GradeResult(
        value=grade,
        label=ROMAN[grade],
        criteria=MAGIC_CRITERIA,
        version=MAGIC_VERSION,
        inputs=stages if inputs is None else inputs,
        deciding_rule=rule,
        notes=notes,
        components=stages,
        needs_confirmation=needs_confirmation,
    )


def _lower_gi_suggestion(
    stool_ml_per_day: float | None,
    stool_episodes_per_day: int | None,
    weight_kg: float | None,
    pain_or_blood: bool,
    notes: list[str],
) -> tuple[int, bool]:
    """Return (lower GI stage, needs confirmation)."""
    paediatric = weight_kg is not None and weight_kg <= ADULT_MIN_WEIGHT_KG
    if stool_ml_per_day is None and stool_episodes_per_day is None and not pain_or_blood:
        notes.append(tr("No stool volume or episodes given: lower GI stage 0 assumed."))
    elif weight_kg is None and stool_ml_per_day is not None:
        notes.append(tr("Weight not given: adult lower-GI thresholds (mL/day) used."))
    elif weight_kg is None:
        notes.append(tr("Weight not given: adult lower-GI thresholds (episodes per day) used."))
    by_volume: int | None = None
    if stool_ml_per_day is not None:
        ml = require_number(
            "stool_ml_per_day",
            stool_ml_per_day,
            0.0,
            MAX_STOOL_ML_DAY,
            "mL/day",
            what=tr_noop("Stool volume"),
        )
        if paediatric:
            assert weight_kg is not None
            by_volume = magic_lower_gi_stage_paediatric(ml / weight_kg)
            notes.append(
                tr(
                    "Paediatric thresholds (weight {weight} kg <= 50 kg): {volume} mL/kg/day."
                ).format(weight=_fmt(weight_kg), volume=_fmt(round(ml / weight_kg, 1)))
            )
        else:
            by_volume = magic_lower_gi_stage(ml)
    by_episodes: int | None = None
    if stool_episodes_per_day is not None:
        by_episodes = magic_lower_gi_stage_episodes(stool_episodes_per_day, paediatric=paediatric)
    if pain_or_blood:
        return 4, False
    if by_volume is not None and by_episodes is not None and by_volume != by_episodes:
        notes.append(
            tr(
                "Stool volume suggests lower GI stage {volume}, episodes suggest stage "
                "{episodes}: the higher is shown; the clinician confirms the stage."
            ).format(volume=by_volume, episodes=by_episodes)
        )
        return max(by_volume, by_episodes), True
    if by_volume is not None:
        return by_volume, False
    return (by_episodes or 0), False


def magic_assessment(
    *,
    skin_bsa_percent: float,
    bilirubin: float,
    bilirubin_unit: str = "mg/dL",
    upper_gi_persistent: bool = False,
    stool_ml_per_day: float | None = None,
    stool_episodes_per_day: int | None = None,
    weight_kg: float | None = None,
    bullae_desquamation: bool = False,
    severe_pain_or_ileus: bool = False,
    grossly_bloody_stool: bool = False,
) -> GradeResult:
    """MAGIC organ stages and overall grade from raw bedside values.

    ``bilirubin`` is graded in ``bilirubin_unit`` ("mg/dL" or "µmol/L") against that
    unit's bands; the value is stored as entered under ``inputs["bilirubin_mg_dl"]`` or
    ``inputs["bilirubin_umol_l"]`` and a note names the band used. Lower GI uses adult thresholds when ``weight_kg`` is over
    50 kg or not given,
    otherwise paediatric mL/kg/day and episode thresholds. When stool volume and
    episode count suggest different stages, the higher is used and the result
    asks for clinician confirmation (the source gives no tie-break).
    """
    notes: list[str] = []
    if weight_kg is not None:
        require_number("weight_kg", weight_kg, 0.5, MAX_WEIGHT_KG, "kg", what=tr_noop("Weight"))
    bili = Bilirubin.entered(bilirubin, bilirubin_unit)
    skin = magic_skin_stage(skin_bsa_percent, bullae_desquamation=bullae_desquamation)
    if bullae_desquamation and skin < 3:
        notes.append(
            tr("Bullae/desquamation noted but rash <=50% BSA: stage 4 needs erythroderma.")
        )
    liver, liver_rule = magic_liver_stage_of(bili)
    notes.append(liver_rule)
    upper = magic_upper_gi_stage(upper_gi_persistent)
    pain_or_blood = require_bool("severe_pain_or_ileus", severe_pain_or_ileus) | require_bool(
        "grossly_bloody_stool", grossly_bloody_stool
    )
    lower, confirm = _lower_gi_suggestion(
        stool_ml_per_day, stool_episodes_per_day, weight_kg, pain_or_blood, notes
    )
    if pain_or_blood:
        notes.append(tr("Lower GI stage 4: severe pain/ileus or grossly bloody stool, any volume."))
    inputs: dict[str, object] = {
        "skin_bsa_percent": skin_bsa_percent,
        "bullae_desquamation": bullae_desquamation,
        bili.input_key: bili.value,
        "upper_gi_persistent": upper_gi_persistent,
        "stool_ml_per_day": stool_ml_per_day,
        "stool_episodes_per_day": stool_episodes_per_day,
        "weight_kg": weight_kg,
        "severe_pain_or_ileus": severe_pain_or_ileus,
        "grossly_bloody_stool": grossly_bloody_stool,
    }
    return magic_grade_assessment(
        skin, liver, upper, lower, inputs=inputs, notes=tuple(notes), needs_confirmation=confirm
    )


# --- NIH 2014 chronic GVHD (Jagasia et al. 2015) -----------------------------------

NIH_CRITERIA: Final = tr_noop("NIH chronic GVHD global severity")
NIH_VERSION: Final = "2014 (Jagasia et al., BBMT 2015;21:389-401)"
NIH_ORGANS: Final = ("skin", "mouth", "eyes", "gi", "liver", "lungs", "joints", "genital")
NIH_SEVERITIES: Final = ("none", "mild", "moderate", "severe")
_NIH_LABELS: Final = {
    "none": tr_noop("none"),
    "mild": tr_noop("mild"),
    "moderate": tr_noop("moderate"),
    "severe": tr_noop("severe"),
}
_NIH_ORGAN_NAMES: Final = {
    "skin": tr_noop("skin"),
    "mouth": tr_noop("mouth"),
    "eyes": tr_noop("eyes"),
    "gi": tr_noop("gi"),
    "liver": tr_noop("liver"),
    "lungs": tr_noop("lungs"),
    "joints": tr_noop("joints"),
    "genital": tr_noop("genital"),
}


def _organs(names: list[str]) -> str:
    """ "eyes, skin": NIH organ names as the rules list them, in the interface's language."""
    return ", ".join(tr(_NIH_ORGAN_NAMES.get(n, n)) for n in names)


def nih_lung_fev1_score(fev1_percent_predicted: float) -> int:
    """NIH lung score from FEV1 % predicted: >=80 -> 0, 60-79 -> 1, 40-59 -> 2, <=39 -> 3."""
    fev1 = require_number(
        "fev1_percent", fev1_percent_predicted, 0.0, 200.0, "% predicted", what=tr_noop("FEV1")
    )
    if fev1 >= 80:
        return 0
    if fev1 >= 60:
        return 1
    if fev1 >= 40:
        return 2
    return 3


class Sclerosis(StrEnum):
    """Skin sclerosis for the NIH skin score."""

    NONE = "none"
    SUPERFICIAL = "superficial"  # can pinch -> score 2
    DEEP = "deep"  # unable to pinch, impaired mobility or ulceration -> score 3


def nih_skin_score(bsa_percent: float, sclerosis: str | Sclerosis = Sclerosis.NONE) -> int:
    """NIH skin score: the higher of the BSA score (1-18 -> 1, 19-50 -> 2, >50 -> 3) and sclerosis."""
    bsa = require_number(
        "skin_bsa_percent", bsa_percent, 0.0, 100.0, "% BSA", what=tr_noop("Skin extent")
    )
    scl = require_choice("sclerosis", Sclerosis, sclerosis)
    by_bsa = 0 if bsa == 0 else 1 if bsa <= 18 else 2 if bsa <= 50 else 3
    by_sclerosis = {Sclerosis.NONE: 0, Sclerosis.SUPERFICIAL: 2, Sclerosis.DEEP: 3}[scl]
    return max(by_bsa, by_sclerosis)


def _check_nih_scores(scores: Mapping[str, int]) -> dict[str, int]:
    if not isinstance(scores, Mapping):
        raise ValidationError("scores", tr("Organ scores must map organ names to scores 0-3."))
    checked: dict[str, int] = {}
    for organ, score in scores.items():
        if organ not in NIH_ORGANS:
            raise ValidationError(
                "scores",
                tr("Unknown organ '{organ}'; use one of: {known}.").format(
                    organ=organ, known=", ".join(NIH_ORGANS)
                ),
            )
        checked[organ] = require_int(
            organ,
            score,
            0,
            3,
            what=tr("NIH {organ} score").format(organ=tr(_NIH_ORGAN_NAMES[organ])),
        )
    return checked


def _nih_rule(scores: Mapping[str, int]) -> tuple[str, str]:
    lung = scores.get("lungs", 0)
    others = {k: v for k, v in scores.items() if k != "lungs"}
    involved = sorted(k for k, v in scores.items() if v >= 1)
    threes = sorted(k for k, v in scores.items() if v == 3)
    if threes:
        return "severe", tr("Severe: score 3 in {organs}.").format(organs=_organs(threes))
    if lung >= 2:
        return "severe", tr("Severe: lung score {score}.").format(score=lung)
    if lung == 1:
        return "moderate", tr("Moderate: lung score 1.")
    twos = sorted(k for k, v in others.items() if v == 2)
    if twos:
        return "moderate", tr("Moderate: non-lung score 2 in {organs}.").format(
            organs=_organs(twos)
        )
    if len(involved) >= 3:
        return "moderate", tr("Moderate: {n} organs involved ({organs}).").format(
            n=len(involved), organs=_organs(involved)
        )
    if involved:
        return "mild", tr("Mild: {n} organ(s) involved ({organs}), each score <=1, lung 0.").format(
            n=len(involved), organs=_organs(involved)
        )
    return "none", tr("None: no organ involved.")


def nih_cgvhd_severity(scores: Mapping[str, int]) -> str:
    """NIH 2014 global severity "none" | "mild" | "moderate" | "severe" from organ scores 0-3.

    Keys: skin, mouth, eyes, gi, liver, lungs, joints, genital (missing = 0). ``lungs``
    should be the FEV1-based score when PFTs are available.
    """
    return _nih_rule(_check_nih_scores(scores))[0]


def nih_cgvhd_assessment(
    scores: Mapping[str, int],
    *,
    lung_fev1_score: int | None = None,
    excluded: Collection[str] = (),
) -> GradeResult:
    """NIH 2014 global severity (Jagasia et al. 2015).

    ``lung_fev1_score`` (0-3) replaces the symptom-based ``lungs`` score when given.
    Organs in ``excluded`` have abnormalities unequivocally explained by a
    documented non-GVHD cause and are not counted.
    """
    checked = _check_nih_scores(scores)
    notes: list[str] = []
    used = dict(checked)
    if lung_fev1_score is not None:
        fev1 = require_int(
            "lung_fev1_score", lung_fev1_score, 0, 3, what=tr_noop("FEV1 lung score")
        )
        symptom = checked.get("lungs")
        if symptom is not None and symptom != fev1:
            notes.append(
                tr("Lung symptom score {symptom} replaced by FEV1 score {fev1}.").format(
                    symptom=symptom, fev1=fev1
                )
            )
        used["lungs"] = fev1
    for organ in excluded:
        if organ not in NIH_ORGANS:
            raise ValidationError(
                "excluded",
                tr("Unknown organ '{organ}'; use one of: {known}.").format(
                    organ=organ, known=", ".join(NIH_ORGANS)
                ),
            )
        if used.pop(organ, 0):
            notes.append(
                tr("{organ} excluded: abnormality attributed to a non-GVHD cause.").format(
                    organ=tr(_NIH_ORGAN_NAMES[organ])
                )
            )
    severity, rule = _nih_rule(used)
    return GradeResult(
        value=severity,
        label=tr(_NIH_LABELS[severity]),
        criteria=NIH_CRITERIA,
        version=NIH_VERSION,
        inputs={
            "scores": checked,
            "lung_fev1_score": lung_fev1_score,
            "excluded": tuple(sorted(excluded)),
        },
        deciding_rule=rule,
        notes=tuple(notes),
        components={"scores_used": used},
        rank=NIH_SEVERITIES.index(severity),
    )
