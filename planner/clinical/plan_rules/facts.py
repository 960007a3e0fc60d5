"""What the plan rules know about the patient: the recorded facts, nothing assumed.

Built from the record in the app, or from command-line options in
``transplant-planner schedule``; a value not recorded is None and every rule that
needs it says so instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

from planner.clinical.dosing import creatinine_clearance_cg
from planner.domain.conditions import Facts
from planner.domain.i18n import tr, tr_noop
from planner.domain.numbers import format_number
from planner.domain.patients import Patient, Transplant
from planner.errors import ValidationError

# Diagnoses that are haematological malignancies (Tomblyn 2009 names lymphoma, myeloma
# and leukaemia for autologous Pneumocystis prophylaxis). Anything else is "unknown",
# never "no": the step is kept and flagged to confirm.
_HAEM_MALIGNANCY: Final = re.compile(
    r"myeloma|lymphoma|hodgkin|leuka?emia|\b(?:all|aml|cll|cml|mds|mpn)\b|myelodysplas|"
    r"myeloproliferative|myelofibrosis|amyloidosis",
    re.IGNORECASE,
)


# The sexes as a sentence names them (the record's values are the keys).
_SEX_WORDS: Final = {"male": tr_noop("male"), "female": tr_noop("female")}


@dataclass(frozen=True)
class PatientFacts:
    """The recorded values the plan rules read (None: not recorded).

    Attributes:
        weight_kg, weight_date, height_cm, sex, age_years: measurements for doses.
        creatinine_mg_dl, creatinine_date: latest serum creatinine, for Cockcroft-Gault.
        recipient_cmv, donor_cmv, hbsag, anti_hbc: "positive" or "negative".
        graft_source: pbsc, marrow or cord.
        haematological_malignancy: "yes" when the diagnosis names one.
    """

    weight_kg: float | None = None
    weight_date: dt.date | None = None
    height_cm: float | None = None
    sex: str | None = None
    age_years: float | None = None
    creatinine_mg_dl: float | None = None
    creatinine_date: dt.date | None = None
    recipient_cmv: str | None = None
    donor_cmv: str | None = None
    hbsag: str | None = None
    anti_hbc: str | None = None
    graft_source: str | None = None
    haematological_malignancy: str | None = None

    def condition_facts(self) -> Facts:
        """The facts a template step's ``when`` reads."""
        return {
            "recipient_cmv": self.recipient_cmv,
            "donor_cmv": self.donor_cmv,
            "hbsag": self.hbsag,
            "anti_hbc": self.anti_hbc,
            "sex": self.sex,
            "graft_source": self.graft_source,
            "haematological_malignancy": self.haematological_malignancy,
            "age": self.age_years,
        }

    def missing_for_crcl(self) -> list[str]:
        """What Cockcroft-Gault needs that is not recorded (translate with ``tr`` to show)."""
        needed = (
            (tr_noop("serum creatinine"), self.creatinine_mg_dl),
            (tr_noop("age"), self.age_years),
            (tr_noop("weight"), self.weight_kg),
            (tr_noop("sex"), self.sex),
        )
        return [name for name, value in needed if value is None]

    def crcl(self) -> CrCl:
        """Creatinine clearance by Cockcroft-Gault on actual weight, with its inputs.

        Raises:
            ValidationError: a value is missing (the message lists them) or out of range
                (for example an age under 18: the formula is for adults).
        """
        missing = self.missing_for_crcl()
        if missing:
            raise ValidationError(
                "creatinine_mg_dl",
                tr("Needs {values}.").format(values=", ".join(tr(m) for m in missing)),
            )
        assert self.age_years is not None and self.weight_kg is not None
        assert self.creatinine_mg_dl is not None and self.sex is not None
        # Compared as shown (1 decimal): a clearance printed "30 mL/min" is 30 for the
        # cut-offs too, never 29.999 on the other side of one.
        value = round(
            creatinine_clearance_cg(
                self.age_years, self.weight_kg, self.creatinine_mg_dl, self.sex
            ),
            1,
        )
        dated = (
            tr(" on {date}").format(date=self.creatinine_date.isoformat())
            if self.creatinine_date
            else ""
        )
        sex = _SEX_WORDS.get(self.sex)
        used = tr(
            "CrCl {crcl} mL/min (Cockcroft-Gault: age {age}, actual weight {weight} kg, {sex}, "
            "serum creatinine {creatinine} mg/dL{dated})"
        ).format(
            crcl=format_number(value, 1),
            age=format_number(self.age_years),
            weight=format_number(self.weight_kg),
            sex=tr(sex) if sex else self.sex,
            creatinine=format_number(self.creatinine_mg_dl),
            dated=dated,
        )
        return CrCl(value, used)


@dataclass(frozen=True)
class CrCl:
    """A creatinine clearance and the sentence of values it came from."""

    ml_min: float
    used: str


def _known(value: str) -> str | None:
    return None if value in ("", "unknown") else value


def haematological_malignancy(diagnosis: str) -> str | None:
    """ "yes" when the diagnosis names a haematological malignancy, else None (unknown)."""
    return "yes" if _HAEM_MALIGNANCY.search(diagnosis or "") else None


def facts_of(patient: Patient, transplant: Transplant | None, on: dt.date) -> PatientFacts:
    """The facts the record holds for ``patient`` (age on ``on``)."""
    donor = transplant.donor if transplant is not None else None
    return PatientFacts(
        weight_kg=patient.weight_kg,
        weight_date=patient.weight_date,
        height_cm=patient.height_cm,
        sex=patient.sex.value,
        age_years=patient.age_on(on),
        creatinine_mg_dl=patient.creatinine_mg_dl,
        creatinine_date=patient.creatinine_date,
        recipient_cmv=_known(patient.cmv_igg),
        donor_cmv=_known(donor.cmv_igg) if donor is not None else None,
        hbsag=_known(patient.hbsag),
        anti_hbc=_known(patient.anti_hbc),
        graft_source=transplant.graft_source.value if transplant is not None else None,
        haematological_malignancy=haematological_malignancy(patient.diagnosis),
    )
