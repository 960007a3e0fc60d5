"""Patients, donors and transplants with validation.

All records are frozen dataclasses; an edit makes a new record with
``dataclasses.replace``. Construction checks what a record can check alone
(ranges, choices); ``validate_patient`` and ``validate_transplant`` add the
checks that need today's date or another record. Every failure is a
``ValidationError`` naming the field and saying what would be acceptable.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from planner.domain.i18n import tr, tr_noop
from planner.errors import ValidationError

MIN_WEIGHT_KG = 1.0
# Serum creatinine as typed in mg/dL (the Cockcroft-Gault calculator's range).
MIN_CREATININE_MG_DL = 0.1
MAX_CREATININE_MG_DL = 20.0
MAX_WEIGHT_KG = 350.0
MIN_HEIGHT_CM = 40.0
MAX_HEIGHT_CM = 250.0
MAX_AGE_YEARS = 120
EARLIEST_BIRTH_YEAR = 1900
MRN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,29}$")

# ValidationError.field is always the attribute name (forms map errors to widgets by
# it); messages use these human labels, in the interface's language (``label``).
LABELS = {
    "mrn": tr_noop("MRN"),
    "family_name": tr_noop("Family name"),
    "given_name": tr_noop("Given name"),
    "date_of_birth": tr_noop("Date of birth"),
    "sex": tr_noop("Sex"),
    "weight_kg": tr_noop("Weight"),
    "height_cm": tr_noop("Height"),
    "diagnosis": tr_noop("Diagnosis"),
    "disease_status": tr_noop("Disease status"),
    "coordinator": tr_noop("Coordinator"),
    "contacts": tr_noop("Contacts"),
    "donor_type": tr_noop("Donor type"),
    "transplant_type": tr_noop("Transplant type"),
    "graft_source": tr_noop("Graft source"),
    "status": tr_noop("Status"),
    "hla_match": tr_noop("HLA match"),
    "workup_status": tr_noop("Work-up status"),
    "creatinine_mg_dl": tr_noop("Serum creatinine"),
    "creatinine_date": tr_noop("Creatinine date"),
    "cmv_igg": tr_noop("CMV IgG"),
    "hbsag": tr_noop("HBsAg"),
    "anti_hbc": tr_noop("Anti-HBc"),
    "cibmtr_crid": tr_noop("CIBMTR research ID (CRID)"),
    "ebmt_id": tr_noop("EBMT registry ID"),
    "relation": tr_noop("Donor relation"),
    "donor_sex": tr_noop("Donor sex"),
    "age_years": tr_noop("Donor age"),
    "registry_id": tr_noop("Donor registry ID"),
    "manipulation": tr_noop("Graft manipulation"),
    "number": tr_noop("Transplant number"),
    "status_date": tr_noop("Status date"),
    "status_reason": tr_noop("Status reason"),
}


def label(field_name: str) -> str:
    """The human label of a field ("weight_kg" -> "Weight"), in the interface's language."""
    known = LABELS.get(field_name)
    return tr(known) if known is not None else field_name.replace("_", " ").capitalize()


def new_id() -> str:
    """A fresh opaque identifier (never derived from patient data)."""
    import uuid  # here, not at the top: uuid loads platform, which start-up does not need

    return uuid.uuid4().hex


def clean_text(value: str, field_name: str, *, required: bool = False, max_len: int = 200) -> str:
    """NFC-normalise and trim free text; refuse control characters and oversize values."""
    name = label(field_name)
    if not isinstance(value, str):
        raise ValidationError(field_name, tr("{name} must be text.").format(name=name))
    text = unicodedata.normalize("NFC", value).strip()
    if required and not text:
        raise ValidationError(field_name, tr("{name} is required.").format(name=name))
    if len(text) > max_len:
        raise ValidationError(
            field_name,
            tr("{name} is longer than {n} characters.").format(name=name, n=max_len),
        )
    if any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in text):
        raise ValidationError(
            field_name, tr("{name} contains control characters.").format(name=name)
        )
    return text


class Sex(StrEnum):
    """Sex used by the dosing formulas (ideal body weight, creatinine clearance)."""

    FEMALE = "female"
    MALE = "male"


class TransplantType(StrEnum):
    """Autologous (own cells), allogeneic (donor cells), or CAR T-cell therapy.

    CAR T-cell therapy is its own programme kind, not a transplant: the patient's own T
    cells, collected by leukapheresis and engineered, are infused on Day 0 after
    lymphodepletion (FACT Standards for Immune Effector Cells). It has no stem-cell
    harvest, no donor and no engraftment to declare.
    """

    AUTOLOGOUS = "autologous"
    ALLOGENEIC = "allogeneic"
    CAR_T = "car-t"


class GraftSource(StrEnum):
    """Where the stem cells come from (the graft-source categories registries record)."""

    PBSC = "pbsc"
    MARROW = "marrow"
    CORD = "cord"
    CELL_PRODUCT = "cell-product"
    """An engineered cell product (CAR T cells): the graft of a CAR T-cell therapy."""


class DonorType(StrEnum):
    """Donor categories (CIBMTR related/unrelated definitions; MUD = 8/8 at HLA-A, -B, -C,
    -DRB1, Dehn et al., Blood 2019)."""

    MRD = "MRD"
    MMRD = "MMRD"
    MUD = "MUD"
    MMUD = "MMUD"
    HAPLO = "HAPLO"
    CORD = "CORD"
    SYN = "SYN"


class TransplantStatus(StrEnum):
    """Where a transplant stands administratively.

    Planned, active and on hold are on the clinic board; completed, cancelled and
    deceased have left it (``CLOSED_STATUSES``; the board shows them on request).
    """

    PLANNED = "planned"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    DECEASED = "deceased"


CLOSED_STATUSES = frozenset(
    {TransplantStatus.COMPLETED, TransplantStatus.CANCELLED, TransplantStatus.DECEASED}
)
"""Statuses that take a transplant off the clinic board."""


class DonorRelation(StrEnum):
    """How the donor is related to the recipient ("" when not recorded)."""

    NOT_RECORDED = ""
    SIBLING = "sibling"
    IDENTICAL_TWIN = "identical twin"
    PARENT = "parent"
    CHILD = "child"
    OTHER_RELATIVE = "other relative"
    UNRELATED = "unrelated"


class GraftManipulation(StrEnum):
    """What the laboratory did to the graft before infusion (the categories registries
    record: none, CD34+ selection, T-cell depletion, volume or red-cell reduction)."""

    NONE = "none"
    CD34_SELECTED = "CD34+ selected"
    T_CELL_DEPLETED = "T-cell depleted"
    ALPHA_BETA_DEPLETED = "alpha-beta T-cell depleted"
    PLASMA_OR_RBC_REDUCED = "plasma or red cells reduced"
    OTHER = "other"


ABO_GROUPS = ("O", "A", "B", "AB")
CMV_STATUSES = ("positive", "negative", "unknown")
DONOR_SEXES = ("", "female", "male")
MAX_DONOR_AGE_YEARS = 80
MAX_TRANSPLANT_NUMBER = 9
REGISTRY_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,29}$")
CRID_PATTERN = re.compile(r"^[0-9]{1,12}$")
"""The CIBMTR research ID (CRID) is a number FormsNet3 assigns once per person."""
HLA_MATCH_PATTERN = re.compile(r"^(\d{1,2})/(\d{1,2})$")
HLA_DENOMINATORS = (6, 8, 10, 12)
"""Loci counted: 6 (cord units, HLA-A, -B antigen and -DRB1 allele), 8 (A, B, C, DRB1),
10 (+ DQB1), 12 (+ DPB1)."""


E = TypeVar("E", bound=StrEnum)


def _choice(enum: type[E], value: object, field_name: str) -> E:
    try:
        return enum(str(value)) if isinstance(value, str) else enum(value)  # type: ignore[arg-type]
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise ValidationError(
            field_name,
            tr("{name} '{value}' is not one of: {allowed}.").format(
                name=label(field_name), value=value, allowed=allowed
            ),
        ) from None


def _check_range(value: float | None, low: float, high: float, field_name: str, unit: str) -> None:
    if value is None:
        return
    name = label(field_name)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise ValidationError(field_name, tr("{name} must be a number.").format(name=name))
    if not low <= value <= high:
        raise ValidationError(
            field_name,
            tr(
                "{name} of {value} {unit} is not plausible; enter a value from {low} to {high} {unit}."
            ).format(name=name, value=f"{value:g}", unit=unit, low=f"{low:g}", high=f"{high:g}"),
        )


@dataclass(frozen=True)
class Donor:
    """An allogeneic donor.

    Attributes:
        donor_type: MRD, MUD, HAPLO, CORD, ...
        hla_match: free text such as "8/8" or "5/10".
        abo: O, A, B or AB.
        cmv_igg: positive, negative or unknown.
        workup_status: free text ("cleared", "pending medical", ...).
        relation: sibling, parent, ... unrelated ("" when not recorded).
        sex: female, male or "" (not recorded).
        age_years: age at donation in whole years (None: not recorded; a cord unit 0).
        registry_id: the donor's or cord unit's registry identifier (free of the
            recipient's data).
    """

    donor_type: DonorType
    hla_match: str = ""
    abo: str = ""
    cmv_igg: str = "unknown"
    workup_status: str = ""
    relation: DonorRelation = DonorRelation.NOT_RECORDED
    sex: str = ""
    age_years: int | None = None
    registry_id: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "donor_type", _choice(DonorType, self.donor_type, "donor_type"))
        object.__setattr__(self, "relation", _choice(DonorRelation, self.relation, "relation"))
        if self.sex not in DONOR_SEXES:
            raise ValidationError("sex", tr("Donor sex must be female, male or not recorded."))
        if self.age_years is not None and (
            isinstance(self.age_years, bool)
            or not isinstance(self.age_years, int)
            or not 0 <= self.age_years <= MAX_DONOR_AGE_YEARS
        ):
            raise ValidationError(
                "age_years",
                tr("Donor age must be a whole number of years from 0 to {high}.").format(
                    high=MAX_DONOR_AGE_YEARS
                ),
            )
        for name in ("hla_match", "workup_status", "registry_id"):
            object.__setattr__(self, name, clean_text(getattr(self, name), name, max_len=60))
        if self.abo and self.abo not in ABO_GROUPS:
            raise ValidationError(
                "abo", tr("ABO group '{abo}' is not one of O, A, B, AB.").format(abo=self.abo)
            )
        if self.cmv_igg not in CMV_STATUSES:
            raise ValidationError(
                "cmv_igg",
                tr("{name} must be positive, negative or unknown.").format(name="CMV IgG"),
            )


RELATION_LABELS: dict[DonorRelation, str] = {
    DonorRelation.NOT_RECORDED: tr_noop("not recorded"),
    DonorRelation.SIBLING: tr_noop("sibling"),
    DonorRelation.IDENTICAL_TWIN: tr_noop("identical twin"),
    DonorRelation.PARENT: tr_noop("parent"),
    DonorRelation.CHILD: tr_noop("child"),
    DonorRelation.OTHER_RELATIVE: tr_noop("other relative"),
    DonorRelation.UNRELATED: tr_noop("unrelated"),
}
MANIPULATION_LABELS: dict[GraftManipulation, str] = {
    GraftManipulation.NONE: tr_noop("unmanipulated"),
    GraftManipulation.CD34_SELECTED: tr_noop("CD34+ selected"),
    GraftManipulation.T_CELL_DEPLETED: tr_noop("T-cell depleted"),
    GraftManipulation.ALPHA_BETA_DEPLETED: tr_noop("alpha-beta T-cell depleted"),
    GraftManipulation.PLASMA_OR_RBC_REDUCED: tr_noop("plasma or red cells reduced"),
    GraftManipulation.OTHER: tr_noop("other"),
}


# Which relations each donor type allows (CIBMTR definitions: a related donor is a
# relative; MUD, MMUD and cord blood are unrelated; a syngeneic donor is an identical twin).
_RELATIONS_OF: dict[DonorType, frozenset[DonorRelation]] = {
    DonorType.MRD: frozenset({DonorRelation.SIBLING, DonorRelation.OTHER_RELATIVE}),
    DonorType.MMRD: frozenset(
        {
            DonorRelation.SIBLING,
            DonorRelation.PARENT,
            DonorRelation.CHILD,
            DonorRelation.OTHER_RELATIVE,
        }
    ),
    DonorType.HAPLO: frozenset(
        {
            DonorRelation.SIBLING,
            DonorRelation.PARENT,
            DonorRelation.CHILD,
            DonorRelation.OTHER_RELATIVE,
        }
    ),
    DonorType.MUD: frozenset({DonorRelation.UNRELATED}),
    DonorType.MMUD: frozenset({DonorRelation.UNRELATED}),
    DonorType.CORD: frozenset({DonorRelation.UNRELATED, DonorRelation.SIBLING}),
    DonorType.SYN: frozenset({DonorRelation.IDENTICAL_TWIN}),
}


def validate_donor(donor: Donor) -> None:
    """Checks made when a donor is entered or edited: the relation fits the donor type,
    the HLA match reads "matched/typed" over 6, 8, 10 or 12 loci, the registry ID has
    only letters, digits and separators.

    Not in ``Donor``'s own checks, so records stored before them still load.
    """
    allowed = _RELATIONS_OF[donor.donor_type]
    if donor.relation is not DonorRelation.NOT_RECORDED and donor.relation not in allowed:
        raise ValidationError(
            "relation",
            tr("A {type} donor cannot be the recipient's {relation}.").format(
                type=donor.donor_type.value, relation=tr(RELATION_LABELS[donor.relation])
            ),
        )
    if donor.hla_match:
        match = HLA_MATCH_PATTERN.match(donor.hla_match)
        if match is not None and int(match[1]) > int(match[2]):
            raise ValidationError(
                "hla_match",
                tr(
                    "HLA match '{value}': more loci matched ({matched}) than typed ({typed})."
                ).format(value=donor.hla_match, matched=match[1], typed=match[2]),
            )
        if match is None or int(match[2]) not in HLA_DENOMINATORS:
            raise ValidationError(
                "hla_match",
                tr("HLA match '{value}' must read matched/typed, such as 8/8, 9/10 or 4/6.").format(
                    value=donor.hla_match
                ),
            )
    if donor.registry_id and not REGISTRY_ID_PATTERN.match(donor.registry_id):
        raise ValidationError(
            "registry_id",
            tr("Donor registry ID may contain only letters, digits, spaces, '.', '/' and '-'."),
        )
    for name in ("hla_match", "workup_status", "registry_id"):
        refuse_bidi_controls(getattr(donor, name), name)


@dataclass(frozen=True)
class Patient:
    """A transplant recipient.

    Attributes:
        id: opaque identifier.
        mrn: medical record number (kept as text: leading zeros matter).
        family_name, given_name: names as the patient writes them (NFC).
        date_of_birth: calendar date.
        sex: for dosing formulas.
        height_cm, weight_kg, weight_date: latest measurements and when weighed.
        diagnosis, disease_status, coordinator, contacts: free text.
        language: handout language code ("en", "es", ...).
        abo, cmv_igg: recipient blood group and CMV serostatus.
        creatinine_mg_dl, creatinine_date: latest serum creatinine (mg/dL) and its date,
            for the renal dose rules (Cockcroft-Gault).
        hbsag, anti_hbc: hepatitis B surface antigen and core antibody (positive,
            negative or unknown), for the hepatitis B prophylaxis rule.
        cibmtr_crid: the CIBMTR research ID (a number assigned once per person) or "".
        ebmt_id: the EBMT registry's patient identifier or "".
        version: optimistic-concurrency counter kept by storage.
    """

    id: str
    mrn: str
    family_name: str
    given_name: str
    date_of_birth: dt.date
    sex: Sex
    height_cm: float | None = None
    weight_kg: float | None = None
    weight_date: dt.date | None = None
    diagnosis: str = ""
    disease_status: str = ""
    coordinator: str = ""
    contacts: str = ""
    language: str = "en"
    abo: str = ""
    cmv_igg: str = "unknown"
    creatinine_mg_dl: float | None = None
    creatinine_date: dt.date | None = None
    hbsag: str = "unknown"
    anti_hbc: str = "unknown"
    cibmtr_crid: str = ""
    ebmt_id: str = ""
    version: int = 0

    def __post_init__(self) -> None:
        mrn = clean_text(self.mrn, "mrn", required=True, max_len=30)
        if not MRN_PATTERN.match(mrn):
            raise ValidationError(
                "mrn", tr("MRN may contain only letters, digits and hyphens (up to 30).")
            )
        object.__setattr__(self, "mrn", mrn)
        object.__setattr__(
            self, "family_name", clean_text(self.family_name, "family_name", required=True)
        )
        object.__setattr__(self, "given_name", clean_text(self.given_name, "given_name"))
        object.__setattr__(self, "sex", _choice(Sex, self.sex, "sex"))
        if isinstance(self.date_of_birth, dt.datetime) or not isinstance(
            self.date_of_birth, dt.date
        ):
            raise ValidationError("date_of_birth", tr("Date of birth must be a calendar date."))
        if self.date_of_birth.year < EARLIEST_BIRTH_YEAR:
            raise ValidationError(
                "date_of_birth",
                tr("Date of birth {date} is before {year}; check the year.").format(
                    date=self.date_of_birth.isoformat(), year=EARLIEST_BIRTH_YEAR
                ),
            )
        _check_range(self.weight_kg, MIN_WEIGHT_KG, MAX_WEIGHT_KG, "weight_kg", "kg")
        _check_range(self.height_cm, MIN_HEIGHT_CM, MAX_HEIGHT_CM, "height_cm", "cm")
        if self.abo and self.abo not in ABO_GROUPS:
            raise ValidationError(
                "abo", tr("ABO group '{abo}' is not one of O, A, B, AB.").format(abo=self.abo)
            )
        if self.cmv_igg not in CMV_STATUSES:
            raise ValidationError(
                "cmv_igg",
                tr("{name} must be positive, negative or unknown.").format(name="CMV IgG"),
            )
        _check_range(
            self.creatinine_mg_dl,
            MIN_CREATININE_MG_DL,
            MAX_CREATININE_MG_DL,
            "creatinine_mg_dl",
            "mg/dL",
        )
        for name, label in (("hbsag", "HBsAg"), ("anti_hbc", "Anti-HBc")):
            if getattr(self, name) not in CMV_STATUSES:
                raise ValidationError(
                    name, tr("{name} must be positive, negative or unknown.").format(name=label)
                )
        if not re.fullmatch(r"[a-z]{2}", self.language):
            raise ValidationError("language", tr("Language must be a two-letter code such as en."))
        for name in ("diagnosis", "disease_status", "coordinator"):
            object.__setattr__(self, name, clean_text(getattr(self, name), name))
        object.__setattr__(self, "contacts", clean_text(self.contacts, "contacts", max_len=2000))
        crid = clean_text(self.cibmtr_crid, "cibmtr_crid", max_len=12)
        if crid and not CRID_PATTERN.match(crid):
            raise ValidationError(
                "cibmtr_crid", tr("The CIBMTR research ID (CRID) is a number of up to 12 digits.")
            )
        object.__setattr__(self, "cibmtr_crid", crid)
        ebmt = clean_text(self.ebmt_id, "ebmt_id", max_len=30)
        if ebmt and not REGISTRY_ID_PATTERN.match(ebmt):
            raise ValidationError(
                "ebmt_id",
                tr("EBMT registry ID may contain only letters, digits, spaces, '.', '/' and '-'."),
            )
        object.__setattr__(self, "ebmt_id", ebmt)

    @property
    def display_name(self) -> str:
        """ "FAMILY, Given" as coordinators read rosters."""
        return (
            f"{self.family_name.upper()}, {self.given_name}"
            if self.given_name
            else (self.family_name.upper())
        )

    def age_on(self, date: dt.date) -> int:
        """Age in whole years on ``date`` (a 29 February birthday counts on 1 March)."""
        years = date.year - self.date_of_birth.year
        if (date.month, date.day) < (self.date_of_birth.month, self.date_of_birth.day):
            years -= 1
        return years


# The Bidi_Control characters of Unicode UAX #9 (Table 1): they reorder the text around
# them on screen and on paper ("Trojan Source", CVE-2021-42574), so a name holding one
# can print differently from what was typed. Names in right-to-left scripts need none.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_ENTERED_TEXT = (
    "mrn",
    "family_name",
    "given_name",
    "diagnosis",
    "disease_status",
    "coordinator",
    "contacts",
)


def refuse_bidi_controls(text: str, field_name: str) -> None:
    """Refuse text holding a bidirectional control character, naming it."""
    found = next((ch for ch in text if ch in BIDI_CONTROLS), None)
    if found is not None:
        raise ValidationError(
            field_name,
            tr(
                "{name} contains an invisible text-direction character ({code}); "
                "type it again without it."
            ).format(name=label(field_name), code=f"U+{ord(found):04X}"),
        )


def validate_patient(patient: Patient, today: dt.date) -> None:
    """Checks made when a patient is entered or edited: no text-direction controls in its
    text; birth not in the future, age plausible, weighed in the past.

    Records stored before the direction check still load (it is not in ``Patient``'s own
    checks); the next edit asks for the text without the character.
    """
    for name in _ENTERED_TEXT:
        refuse_bidi_controls(getattr(patient, name), name)
    if patient.date_of_birth > today:
        raise ValidationError(
            "date_of_birth",
            tr("Date of birth {date} is in the future.").format(
                date=patient.date_of_birth.isoformat()
            ),
        )
    if patient.age_on(today) > MAX_AGE_YEARS:
        raise ValidationError(
            "date_of_birth",
            tr("Date of birth {date} gives an age over {years} years; check the year.").format(
                date=patient.date_of_birth.isoformat(), years=MAX_AGE_YEARS
            ),
        )
    if patient.weight_date is not None:
        if patient.weight_date > today:
            raise ValidationError("weight_date", tr("The weight cannot be dated in the future."))
        if patient.weight_date < patient.date_of_birth:
            raise ValidationError(
                "weight_date", tr("The weight is dated before the date of birth.")
            )
    if patient.creatinine_date is not None:
        if patient.creatinine_date > today:
            raise ValidationError(
                "creatinine_date", tr("The creatinine cannot be dated in the future.")
            )
        if patient.creatinine_date < patient.date_of_birth:
            raise ValidationError(
                "creatinine_date", tr("The creatinine is dated before the date of birth.")
            )


@dataclass(frozen=True)
class StatusChange:
    """One entry of a transplant's status history.

    Attributes:
        status: the status entered.
        on: the date it took effect (not the date it was typed).
        reason: why (required for on hold, cancelled, deceased and any reopening).
    """

    status: TransplantStatus
    on: dt.date
    reason: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", _choice(TransplantStatus, self.status, "status"))
        if isinstance(self.on, dt.datetime) or not isinstance(self.on, dt.date):
            raise ValidationError("status_date", tr("The status date must be a calendar date."))
        object.__setattr__(self, "reason", clean_text(self.reason, "status_reason", max_len=500))


@dataclass(frozen=True)
class Transplant:
    """One transplant of a patient (a patient may have several, e.g. tandem).

    Attributes:
        id: opaque identifier.
        patient_id: the recipient.
        transplant_type: autologous or allogeneic.
        graft_source: PBSC, marrow or cord.
        day0: planned or actual infusion date; None while not yet scheduled.
        intensity: centre-declared MAC/RIC/NMA or "".
        status: planned, active, on hold, completed, cancelled, deceased.
        donor: the donor of an allogeneic transplant.
        tandem: True when a second transplant is planned (doubles CD34 targets).
        number: the patient's first, second, ... transplant (registries count every
            transplant; a tandem's second is number 2).
        manipulation: what was done to the graft before infusion.
        status_history: every status change, oldest first (empty for a transplant
            whose status was never changed after it was created).
        version: optimistic-concurrency counter kept by storage.
    """

    id: str
    patient_id: str
    transplant_type: TransplantType
    graft_source: GraftSource
    day0: dt.date | None = None
    intensity: str = ""
    status: TransplantStatus = TransplantStatus.PLANNED
    donor: Donor | None = None
    tandem: bool = False
    number: int = 1
    manipulation: GraftManipulation = GraftManipulation.NONE
    status_history: tuple[StatusChange, ...] = ()
    version: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "transplant_type",
            _choice(TransplantType, self.transplant_type, "transplant_type"),
        )
        object.__setattr__(
            self, "graft_source", _choice(GraftSource, self.graft_source, "graft_source")
        )
        object.__setattr__(self, "status", _choice(TransplantStatus, self.status, "status"))
        object.__setattr__(
            self,
            "manipulation",
            _choice(GraftManipulation, self.manipulation, "manipulation"),
        )
        object.__setattr__(self, "status_history", tuple(self.status_history))
        if self.intensity not in ("", "MAC", "RIC", "NMA"):
            raise ValidationError("intensity", tr("Intensity must be MAC, RIC, NMA or empty."))
        if self.transplant_type is TransplantType.AUTOLOGOUS and self.donor is not None:
            raise ValidationError("donor", tr("An autologous transplant has no donor."))
        if self.transplant_type is TransplantType.AUTOLOGOUS and (
            self.graft_source is GraftSource.CORD
        ):
            raise ValidationError("graft_source", tr("An autologous graft cannot be cord blood."))
        car_t = self.transplant_type is TransplantType.CAR_T
        if car_t != (self.graft_source is GraftSource.CELL_PRODUCT):
            raise ValidationError(
                "graft_source",
                tr("A CAR T-cell therapy infuses a cell product, and only it does."),
            )
        if car_t and self.donor is not None:
            raise ValidationError(
                "donor", tr("A CAR T-cell therapy here uses the patient's own cells: no donor.")
            )
        if (
            isinstance(self.number, bool)
            or not isinstance(self.number, int)
            or not 1 <= self.number <= MAX_TRANSPLANT_NUMBER
        ):
            raise ValidationError(
                "number",
                tr("The transplant number must be from 1 to {high}.").format(
                    high=MAX_TRANSPLANT_NUMBER
                ),
            )
        if self.status_history and self.status_history[-1].status is not self.status:
            raise ValidationError(
                "status", tr("The status differs from the last entry of its history.")
            )

    @property
    def is_active(self) -> bool:
        """Shown on the clinic board (planned, active or on hold)."""
        return self.status not in CLOSED_STATUSES

    @property
    def last_status_change(self) -> StatusChange | None:
        """The latest status change (None: the status it was created with)."""
        return self.status_history[-1] if self.status_history else None


# The status changes a coordinator may record (anything else is refused, saying which
# changes are possible). Leaving "deceased" exists only to correct a wrong entry.
ALLOWED_STATUS_CHANGES: dict[TransplantStatus, frozenset[TransplantStatus]] = {
    TransplantStatus.PLANNED: frozenset(
        {
            TransplantStatus.ACTIVE,
            TransplantStatus.ON_HOLD,
            TransplantStatus.CANCELLED,
            TransplantStatus.DECEASED,
        }
    ),
    TransplantStatus.ACTIVE: frozenset(
        {
            TransplantStatus.ON_HOLD,
            TransplantStatus.COMPLETED,
            TransplantStatus.CANCELLED,
            TransplantStatus.DECEASED,
        }
    ),
    TransplantStatus.ON_HOLD: frozenset(
        {
            TransplantStatus.PLANNED,
            TransplantStatus.ACTIVE,
            TransplantStatus.CANCELLED,
            TransplantStatus.DECEASED,
        }
    ),
    TransplantStatus.COMPLETED: frozenset({TransplantStatus.ACTIVE, TransplantStatus.DECEASED}),
    TransplantStatus.CANCELLED: frozenset({TransplantStatus.PLANNED}),
    TransplantStatus.DECEASED: frozenset(
        {
            TransplantStatus.PLANNED,
            TransplantStatus.ACTIVE,
            TransplantStatus.ON_HOLD,
            TransplantStatus.COMPLETED,
        }
    ),
}

_REASON_NEEDED = frozenset(
    {TransplantStatus.ON_HOLD, TransplantStatus.CANCELLED, TransplantStatus.DECEASED}
)


def status_label(status: TransplantStatus | str) -> str:
    """A status as users read it ("on hold"), in the interface's language."""
    return tr(STATUS_LABELS[TransplantStatus(status)])


STATUS_LABELS: dict[TransplantStatus, str] = {
    TransplantStatus.PLANNED: tr_noop("planned"),
    TransplantStatus.ACTIVE: tr_noop("active"),
    TransplantStatus.ON_HOLD: tr_noop("on hold"),
    TransplantStatus.COMPLETED: tr_noop("completed"),
    TransplantStatus.CANCELLED: tr_noop("cancelled"),
    TransplantStatus.DECEASED: tr_noop("deceased"),
}


def with_status(
    transplant: Transplant,
    status: TransplantStatus,
    on: dt.date,
    reason: str,
    *,
    today: dt.date,
) -> Transplant:
    """The transplant with a new status recorded in its history (pure).

    Refuses a change the table above does not allow, a date in the future or before the
    previous change, a missing reason where one is needed (on hold, cancelled, deceased,
    and any way back from a closed status), and "completed" before Day 0.
    """
    status = _choice(TransplantStatus, status, "status")
    current = transplant.status
    if status is current:
        raise ValidationError(
            "status", tr("The transplant is already {status}.").format(status=status_label(status))
        )
    allowed = ALLOWED_STATUS_CHANGES[current]
    if status not in allowed:
        choices = tr(" or ").join(status_label(s) for s in TransplantStatus if s in allowed)
        raise ValidationError(
            "status",
            tr("A {current} transplant can become {choices}, not {status}.").format(
                current=status_label(current), choices=choices, status=status_label(status)
            ),
        )
    change = StatusChange(status, on, reason)
    if on > today:
        raise ValidationError(
            "status_date",
            tr("The status date {date} is in the future.").format(date=on.isoformat()),
        )
    previous = transplant.last_status_change
    if previous is not None and on < previous.on:
        raise ValidationError(
            "status_date",
            tr("The status date {date} is before the previous change ({before}).").format(
                date=on.isoformat(), before=previous.on.isoformat()
            ),
        )
    if not change.reason and (status in _REASON_NEEDED or current in CLOSED_STATUSES):
        raise ValidationError(
            "status_reason",
            tr("Give the reason for the change to {status}.").format(status=status_label(status)),
        )
    if status is TransplantStatus.COMPLETED and (transplant.day0 is None or transplant.day0 > on):
        raise ValidationError(
            "status",
            tr("A transplant cannot be completed before its Day 0."),
        )
    return replace(
        transplant,
        status=status,
        status_history=(*transplant.status_history, change),
    )


def validate_transplant(transplant: Transplant, patient: Patient) -> None:
    """Checks across records: Day 0 after birth, the right patient."""
    if transplant.patient_id != patient.id:
        raise ValidationError("patient_id", tr("The transplant belongs to another patient."))
    if transplant.day0 is not None and transplant.day0 <= patient.date_of_birth:
        raise ValidationError(
            "day0",
            tr("Day 0 ({day0}) is not after the date of birth ({birth}).").format(
                day0=transplant.day0.isoformat(), birth=patient.date_of_birth.isoformat()
            ),
        )
    donor = transplant.donor
    if donor is None:
        return
    validate_donor(donor)
    if (donor.donor_type is DonorType.CORD) != (transplant.graft_source is GraftSource.CORD):
        raise ValidationError(
            "donor_type",
            tr("A cord blood graft needs a cord blood donor, and a cord blood donor a cord graft."),
        )


@dataclass(frozen=True)
class ClinicSettings:
    """Centre settings the core needs (closure days, thresholds).

    Attributes:
        closures: dates the clinic is closed (public holidays, ...).
        centre_name, phone_24h: printed on handouts.
        fever_threshold_c: "call us" temperature.
        backup_keep: how many of the app's own backups of a database to keep.
        handout_texts: the folder of the centre's own handout texts (an added language,
            reworded keys), beside its settings file; "" for the bundled texts only.
    """

    closures: frozenset[dt.date] = field(default_factory=frozenset)
    centre_name: str = "Transplant Centre"
    phone_24h: str = ""
    fever_threshold_c: float = 38.0
    backup_keep: int = 20
    handout_texts: str = ""

    @property
    def handout_folder(self) -> Path | None:
        """``handout_texts`` as a path, or None."""
        return Path(self.handout_texts) if self.handout_texts else None
