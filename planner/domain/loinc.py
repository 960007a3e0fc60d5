"""LOINC codes of the laboratory results the planner reads and writes.

One table for every exchange format: an HL7 v2 result (OBX-3) and a FHIR Observation
(``code.coding``) name a result by the same code. The codes are LOINC's (Regenstrief
Institute, loinc.org; "Leukocytes [#/volume] in Blood by Automated count" and so on);
the units are UCUM (unitsofmeasure.org) as laboratories send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

LOINC_SYSTEM: Final = "http://loinc.org"
UCUM_SYSTEM: Final = "http://unitsofmeasure.org"


@dataclass(frozen=True)
class LoincCode:
    """A LOINC code, its long common name, and the UCUM unit of the planner's stored value.

    Attributes:
        code: the LOINC code ("751-8").
        display: LOINC's long common name.
        ucum: the stored value's unit in UCUM ("10*9/L").
    """

    code: str
    display: str
    ucum: str


# The planner's analyte -> the LOINC code it is exchanged as. Counts are stored in 10^9/L,
# haemoglobin in g/L.
ANALYTE_LOINC: Final[dict[str, LoincCode]] = {
    "wbc": LoincCode("6690-2", "Leukocytes [#/volume] in Blood by Automated count", "10*9/L"),
    "anc": LoincCode("751-8", "Neutrophils [#/volume] in Blood by Automated count", "10*9/L"),
    "plt": LoincCode("777-3", "Platelets [#/volume] in Blood by Automated count", "10*9/L"),
    "hb": LoincCode("718-7", "Hemoglobin [Mass/volume] in Blood", "g/L"),
}

# Results read from lab feeds that are not counts: serum creatinine (Cockcroft-Gault) and
# total bilirubin (MAGIC liver stage, SOS/VOD criteria), in mass concentration.
CHEMISTRY_LOINC: Final[dict[str, LoincCode]] = {
    "creatinine": LoincCode("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL"),
    "bilirubin": LoincCode("1975-2", "Bilirubin.total [Mass/volume] in Serum or Plasma", "mg/dL"),
}


# Calcineurin-inhibitor levels in whole blood (the specimen these drugs are monitored in),
# in mass concentration: ng/mL, which is ug/L.
DRUG_LEVEL_LOINC: Final[dict[str, LoincCode]] = {
    "tacrolimus": LoincCode("11253-2", "Tacrolimus [Mass/volume] in Blood", "ng/mL"),
    "ciclosporin": LoincCode("3520-4", "cycloSPORINE [Mass/volume] in Blood", "ng/mL"),
}

# The same results in substance concentration, as laboratories that report in umol/L
# code them: creatinine "Creatinine [Moles/volume] in Serum or Plasma", bilirubin
# "Bilirubin.total [Moles/volume] in Serum or Plasma". The unit the result carries says
# how to convert it.
MOLAR_LOINC: Final[dict[str, str]] = {"14682-9": "creatinine", "14631-6": "bilirubin"}

ALL_LOINC: Final[dict[str, LoincCode]] = {**ANALYTE_LOINC, **CHEMISTRY_LOINC, **DRUG_LEVEL_LOINC}
"""Every analyte the planner stores -> its LOINC code."""


def analyte_of_loinc(code: str) -> str | None:
    """The planner's name of the result a LOINC code names, or None when not known."""
    wanted = code.strip()
    for name, loinc in ALL_LOINC.items():
        if loinc.code == wanted:
            return name
    return MOLAR_LOINC.get(wanted)
