"""The infusion record of one transplant: the products infused and the reactions seen.

Pure: records in, doses and lines out. Stored as the body of the transplant's
``ClinicalRecord`` of kind "infusion" (:meth:`InfusionLog.to_body`,
:meth:`InfusionLog.from_body`).

Each product carries its ISBT 128 donation identification number (check character
verified, ``planner.domain.isbt128``), its product code, fresh or cryopreserved, the
volume and time infused, the cells it holds as the processing laboratory reports them
(totals, not per kg) and the recipient weight the doses are computed with, so a later
weight change never rewrites what was given. Doses per kg are the product totals divided
by that weight: TNC and CD34+ of a cord unit with ``cord_tnc_dose`` and ``cord_cd34_dose``
(shown x10^7/kg and x10^5/kg, the units of cord unit selection), of other products x10^8
TNC/kg, x10^6 CD34+/kg and x10^7 CD3+/kg. Reactions are graded 1-5 as CTCAE v5.0
"Infusion related reaction" grades them (NCI, 2017).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Final

from planner.clinical.harvest import (
    MAX_CORD_CELLS,
    MAX_PRODUCT_ML,
    cord_cd34_dose,
    cord_tnc_dose,
)
from planner.domain.days import calendar_date
from planner.domain.i18n import tr, tr_noop
from planner.domain.isbt128 import parse_din
from planner.domain.numbers import format_number
from planner.domain.patients import MAX_WEIGHT_KG, MIN_WEIGHT_KG
from planner.errors import ValidationError
from planner.records.harvest_log import Computed

SCHEMA: Final = 1
MAX_REACTION_GRADE: Final = 5  # CTCAE v5.0: grade 5 is death
MAX_PRODUCTS: Final = 20
_PRODUCT_CODE: Final = re.compile(r"[A-Z][0-9]{4}([A-Z0-9]{3})?")
_HLA_MATCH: Final = re.compile(r"(\d{1,2})/(\d{1,2})")
HLA_DENOMINATORS: Final = (6, 8, 10, 12)  # antigens or alleles at 3, 4, 5 or 6 loci
_TIME: Final = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


class ProductSource(Enum):
    """Where the cells come from (stored value, English)."""

    APHERESIS = "apheresis"
    MARROW = "marrow"
    CORD = "cord"


SOURCE_LABELS: Final = {
    ProductSource.APHERESIS: tr_noop("Peripheral blood (apheresis)"),
    ProductSource.MARROW: tr_noop("Bone marrow"),
    ProductSource.CORD: tr_noop("Cord blood unit"),
}


@dataclass(frozen=True)
class DoseUnit:
    """A cell dose unit: the power of ten shown and its label."""

    power: int
    label: str


# The units doses are reported in (TNC, CD34+, CD3+): cord units as in unit selection
# (Dehn et al., Blood 2019: TNC x10^7/kg, CD34+ x10^5/kg), other grafts as collection
# targets and graft reports give them.
CORD_UNITS: Final = (DoseUnit(7, "x10^7 TNC/kg"), DoseUnit(5, "x10^5 CD34+/kg"), None)
GRAFT_UNITS: Final = (
    DoseUnit(8, "x10^8 TNC/kg"),
    DoseUnit(6, "x10^6 CD34+/kg"),
    DoseUnit(7, "x10^7 CD3+/kg"),
)

PerKg = Callable[[float, float], float]


def _number(value: object, name: str, label: str, low: float, high: float, unit: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            name,
            tr("{label} must be a number from {low} to {high} {unit}.").format(
                label=tr(label), low=f"{low:g}", high=f"{high:g}", unit=unit
            ),
        )
    number = float(value)
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(
            name,
            tr("{label} of {value} {unit} is not plausible; enter {low} to {high} {unit}.").format(
                label=tr(label), value=f"{number:g}", unit=unit, low=f"{low:g}", high=f"{high:g}"
            ),
        )
    return number


def _cells(value: float | None, name: str, label: str) -> float | None:
    if value is None:
        return None
    return _number(value, name, label, 0.0, MAX_CORD_CELLS, tr("cells"))


def hla_match(text: str) -> str:
    """A cord unit's HLA match as "matched/typed" ("4/6", "7/8"), checked.

    Raises:
        ValidationError: not of that form, or more matched than typed.
    """
    found = _HLA_MATCH.fullmatch(text.replace(" ", ""))
    if found is None or int(found[2]) not in HLA_DENOMINATORS or int(found[1]) > int(found[2]):
        raise ValidationError(
            "hla_match",
            tr(
                "Enter the HLA match of the cord unit as matched/typed: 4/6, 5/6 or 6/6, or of "
                "8, 10 or 12 alleles."
            ),
        )
    return f"{int(found[1])}/{int(found[2])}"


@dataclass(frozen=True)
class InfusedProduct:
    """One product (bag or cord unit) infused.

    Attributes:
        id: stable id within the record.
        din: the donation identification number as ``Din.stored`` (check verified).
        product_code: the ISBT 128 product code (a letter and four digits, optionally
            the three characters of donation type and division).
        source: apheresis, marrow or a cord blood unit.
        cryopreserved: True for a thawed product, False for fresh.
        volume_ml: volume infused in mL.
        date, time: when the infusion started ("HH:MM", 24-hour).
        weight_kg: the recipient weight the doses are computed with.
        tnc, cd34, cd3: cells in the product (totals; None when not reported).
        hla_match: a cord unit's HLA match ("4/6"); "" for other products.
        note: free text.
    """

    id: str
    din: str
    product_code: str
    source: ProductSource
    cryopreserved: bool
    volume_ml: float
    date: dt.date
    time: str
    weight_kg: float
    tnc: float | None = None
    cd34: float | None = None
    cd3: float | None = None
    hla_match: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if not str(self.id).strip():
            raise ValidationError("id", tr("An infused product needs an id."))
        object.__setattr__(self, "din", parse_din(self.din).stored)
        code = str(self.product_code).replace(" ", "").upper()
        if not code:
            raise ValidationError(
                "product_code",
                tr("Enter the ISBT 128 product code from the bag label (e.g. S1398)."),
            )
        if not _PRODUCT_CODE.fullmatch(code):
            raise ValidationError(
                "product_code",
                tr(
                    "The product code {code} is not an ISBT 128 product code: a letter and four "
                    "digits (S1234), optionally followed by three characters (S1234V00)."
                ).format(code=code),
            )
        object.__setattr__(self, "product_code", code)
        object.__setattr__(self, "source", ProductSource(self.source))
        object.__setattr__(self, "date", calendar_date(self.date, "date"))
        if not _TIME.fullmatch(str(self.time)):
            raise ValidationError(
                "time", tr("Enter the infusion time as HH:MM on the 24-hour clock.")
            )
        _number(self.volume_ml, "volume_ml", tr_noop("Volume infused"), 0.1, MAX_PRODUCT_ML, "mL")
        _number(
            self.weight_kg,
            "weight_kg",
            tr_noop("Recipient weight"),
            MIN_WEIGHT_KG,
            MAX_WEIGHT_KG,
            "kg",
        )
        _cells(self.tnc, "tnc", tr_noop("Total nucleated cells"))
        _cells(self.cd34, "cd34", tr_noop("CD34+ cells"))
        _cells(self.cd3, "cd3", tr_noop("CD3+ cells"))
        if self.source is ProductSource.CORD:
            object.__setattr__(self, "hla_match", hla_match(self.hla_match))
        elif self.hla_match.strip():
            raise ValidationError(
                "hla_match", tr("An HLA match per product is recorded for cord units only.")
            )

    @property
    def is_cord(self) -> bool:
        """True for a cord blood unit."""
        return self.source is ProductSource.CORD

    def doses(self) -> tuple[Computed | None, Computed | None, Computed | None]:
        """(TNC, CD34+, CD3+) per kg recipient weight, each None when not reported (a cord
        unit's CD3+ is not dosed)."""
        units = CORD_UNITS if self.is_cord else GRAFT_UNITS
        cells = (self.tnc, self.cd34, self.cd3)
        # A cord unit's doses come from the cord dose functions (their plausibility checks).
        tnc_per_kg: PerKg | None = cord_tnc_dose if self.is_cord else None
        cd34_per_kg: PerKg | None = cord_cd34_dose if self.is_cord else None
        return (
            _dose(cells[0], self.weight_kg, units[0], tnc_per_kg),
            _dose(cells[1], self.weight_kg, units[1], cd34_per_kg),
            _dose(cells[2], self.weight_kg, units[2], None),
        )


def _dose(
    cells: float | None, weight: float, unit: DoseUnit | None, per_kg: PerKg | None
) -> Computed | None:
    """``cells`` / ``weight`` in ``unit`` with the formula written out."""
    if cells is None or unit is None:
        return None
    value = (per_kg(cells, weight) if per_kg is not None else cells / weight) / 10**unit.power
    formula = tr("{cells} cells / {weight} kg = {dose} {unit}").format(
        cells=f"{cells:.3g}", weight=_num(weight), dose=_num(value), unit=unit.label
    )
    return Computed(value, unit.label, formula)


def _num(value: float) -> str:
    return format_number(value, 2)


def total_dose(products: tuple[InfusedProduct, ...], which: int) -> Computed | None:
    """The sum of one dose (0 TNC, 1 CD34+, 2 CD3+) over ``products`` of one kind (all cord
    or all not), None when no product reports it."""
    doses = [d for p in products if (d := p.doses()[which]) is not None]
    if not doses:
        return None
    value = math.fsum(d.value for d in doses)
    unit = doses[0].unit
    formula = " + ".join(_num(d.value) for d in doses) + f" = {_num(value)} {unit}"
    return Computed(value, unit, formula)


@dataclass(frozen=True)
class Reaction:
    """An infusion reaction.

    Attributes:
        id: stable id within the record.
        date, time: when it began ("HH:MM").
        description: what was seen (fever, rigors, hypotension...).
        grade: CTCAE v5.0 grade, 1 to 5.
        product_id: the product being infused ("" when not known).
        note: what was done, free text.
    """

    id: str
    date: dt.date
    time: str
    description: str
    grade: int
    product_id: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "date", calendar_date(self.date, "date"))
        if not _TIME.fullmatch(str(self.time)):
            raise ValidationError(
                "time", tr("Enter the reaction time as HH:MM on the 24-hour clock.")
            )
        if not self.description.strip():
            raise ValidationError("description", tr("Describe the reaction (fever, rigors...)."))
        if isinstance(self.grade, bool) or self.grade not in range(1, MAX_REACTION_GRADE + 1):
            raise ValidationError("grade", tr("The reaction grade must be 1 to 5 (CTCAE v5.0)."))


@dataclass(frozen=True)
class InfusionLog:
    """Everything recorded about one transplant's infusion."""

    products: tuple[InfusedProduct, ...] = ()
    reactions: tuple[Reaction, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "products", tuple(sorted(self.products, key=lambda p: (p.date, p.time, p.id)))
        )
        object.__setattr__(
            self, "reactions", tuple(sorted(self.reactions, key=lambda r: (r.date, r.time, r.id)))
        )
        if len(self.products) > MAX_PRODUCTS:
            raise ValidationError(
                "products", tr("At most {n} products per infusion.").format(n=MAX_PRODUCTS)
            )
        ids = [p.id for p in self.products] + [r.id for r in self.reactions]
        if len(set(ids)) != len(ids):
            raise ValidationError("products", tr("Two entries of the infusion have the same id."))
        # The same donation with or without its flags is one product.
        dins = [parse_din(p.din).number for p in self.products]
        if len(set(dins)) != len(dins):
            raise ValidationError(
                "din", tr("That DIN is already recorded as infused for this transplant.")
            )

    # --- edits (pure) ----------------------------------------------------------------------

    def with_product(self, product: InfusedProduct) -> InfusionLog:
        """The record with ``product`` added.

        Raises:
            ValidationError: its id or DIN is already recorded.
        """
        if any(p.id == product.id for p in self.products):
            raise ValidationError("id", tr("That product is already in the infusion record."))
        return replace(self, products=(*self.products, product))

    def without_product(self, product_id: str) -> InfusionLog:
        """The record without the product (its reactions keep their text, unlinked)."""
        if all(p.id != product_id for p in self.products):
            raise ValidationError("product", tr("That product is not in the infusion record."))
        return replace(
            self,
            products=tuple(p for p in self.products if p.id != product_id),
            reactions=tuple(
                replace(r, product_id="") if r.product_id == product_id else r
                for r in self.reactions
            ),
        )

    def with_reaction(self, reaction: Reaction) -> InfusionLog:
        """The record with ``reaction`` added (its product, if named, must be recorded)."""
        if reaction.product_id and all(p.id != reaction.product_id for p in self.products):
            raise ValidationError("product", tr("That product is not in the infusion record."))
        if any(r.id == reaction.id for r in self.reactions):
            raise ValidationError("id", tr("That reaction is already in the infusion record."))
        return replace(self, reactions=(*self.reactions, reaction))

    def without_reaction(self, reaction_id: str) -> InfusionLog:
        """The record without the reaction."""
        if all(r.id != reaction_id for r in self.reactions):
            raise ValidationError("reaction", tr("That reaction is not in the infusion record."))
        return replace(self, reactions=tuple(r for r in self.reactions if r.id != reaction_id))

    def product(self, product_id: str) -> InfusedProduct | None:
        """The product of that id, if recorded."""
        return next((p for p in self.products if p.id == product_id), None)

    # --- doses ---------------------------------------------------------------------------

    def totals(self) -> dict[str, tuple[Computed | None, Computed | None, Computed | None]]:
        """(TNC, CD34+, CD3+) per kg summed over the cord units ("cord") and over the other
        products ("graft"); a kind without products is left out."""
        out: dict[str, tuple[Computed | None, Computed | None, Computed | None]] = {}
        for key, group in (
            ("graft", tuple(p for p in self.products if not p.is_cord)),
            ("cord", tuple(p for p in self.products if p.is_cord)),
        ):
            if group:
                out[key] = (total_dose(group, 0), total_dose(group, 1), total_dose(group, 2))
        return out

    # --- serialisation ---------------------------------------------------------------------

    def to_body(self) -> dict[str, Any]:
        """The JSON-ready body of the "infusion" ClinicalRecord."""
        return {
            "schema": SCHEMA,
            "products": [
                {
                    "id": p.id,
                    "din": p.din,
                    "product_code": p.product_code,
                    "source": p.source.value,
                    "cryopreserved": p.cryopreserved,
                    "volume_ml": p.volume_ml,
                    "date": p.date.isoformat(),
                    "time": p.time,
                    "weight_kg": p.weight_kg,
                    "tnc": p.tnc,
                    "cd34": p.cd34,
                    "cd3": p.cd3,
                    "hla_match": p.hla_match,
                    "note": p.note,
                }
                for p in self.products
            ],
            "reactions": [
                {
                    "id": r.id,
                    "date": r.date.isoformat(),
                    "time": r.time,
                    "description": r.description,
                    "grade": r.grade,
                    "product_id": r.product_id,
                    "note": r.note,
                }
                for r in self.reactions
            ],
        }

    @classmethod
    def from_body(cls, body: Mapping[str, Any] | None) -> InfusionLog:
        """Read a stored body (None or empty: nothing recorded).

        Raises:
            ValidationError: the body is not an infusion record this version understands.
        """
        if not body:
            return cls()
        if body.get("schema") != SCHEMA:
            raise ValidationError(
                "schema", tr("This infusion record was saved by a newer version.")
            )
        try:
            return cls(
                tuple(_product(p) for p in body.get("products", ())),
                tuple(_reaction(r) for r in body.get("reactions", ())),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationError(
                "infusion", tr("The stored infusion record is damaged ({error}).").format(error=exc)
            ) from None


def _opt(value: Any) -> float | None:
    return None if value is None else float(value)


def _product(p: Mapping[str, Any]) -> InfusedProduct:
    return InfusedProduct(
        id=str(p["id"]),
        din=str(p["din"]),
        product_code=str(p["product_code"]),
        source=ProductSource(p["source"]),
        cryopreserved=bool(p["cryopreserved"]),
        volume_ml=float(p["volume_ml"]),
        date=calendar_date(p["date"], "date"),
        time=str(p["time"]),
        weight_kg=float(p["weight_kg"]),
        tnc=_opt(p.get("tnc")),
        cd34=_opt(p.get("cd34")),
        cd3=_opt(p.get("cd3")),
        hla_match=str(p.get("hla_match", "")),
        note=str(p.get("note", "")),
    )


def _reaction(r: Mapping[str, Any]) -> Reaction:
    return Reaction(
        id=str(r["id"]),
        date=calendar_date(r["date"], "date"),
        time=str(r["time"]),
        description=str(r["description"]),
        grade=int(r["grade"]),
        product_id=str(r.get("product_id", "")),
        note=str(r.get("note", "")),
    )


def new_entry_id(prefix: str) -> str:
    """A new id unique across workstations ("p-" or "r-" and a random UUID)."""
    return f"{prefix}-{uuid.uuid4().hex}"


# --------------------------------------------------------------------------- lines


def product_line(product: InfusedProduct) -> str:
    """One line for a document: DIN, code, source, state, volume, time and doses."""
    doses = [d.text for d in product.doses() if d is not None]
    state = tr("cryopreserved") if product.cryopreserved else tr("fresh")
    parts = [
        tr("DIN {din}").format(din=parse_din(product.din).text),
        product.product_code,
        tr(SOURCE_LABELS[product.source]),
        state,
        f"{_num(product.volume_ml)} mL",
        f"{product.date.isoformat()} {product.time}",
    ]
    if product.is_cord:
        parts.append(tr("HLA {match}").format(match=product.hla_match))
    line = ", ".join(parts)
    if doses:
        line += ": " + ", ".join(doses)
    return line + tr(" (weight {weight} kg)").format(weight=_num(product.weight_kg))


def reaction_line(reaction: Reaction, log: InfusionLog) -> str:
    """One line for a document: when, what, grade, the product and what was done."""
    product = log.product(reaction.product_id) if reaction.product_id else None
    line = tr("{date} {time}: {what}, grade {grade}").format(
        date=reaction.date.isoformat(),
        time=reaction.time,
        what=reaction.description,
        grade=reaction.grade,
    )
    if product is not None:
        line += tr(" (DIN {din})").format(din=parse_din(product.din).text)
    if reaction.note.strip():
        line += f"; {reaction.note.strip()}"
    return line


def total_lines(log: InfusionLog) -> list[str]:
    """The infused dose per kg: one line for the cord units, one for the other products."""
    names = {"graft": tr("Total infused"), "cord": tr("Total of the cord units")}
    lines = []
    for key, doses in log.totals().items():
        shown = [d.text for d in doses if d is not None]
        if shown:
            lines.append(f"{names[key]}: {', '.join(shown)}")
    return lines
