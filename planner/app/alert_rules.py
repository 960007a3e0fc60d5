"""Why each clinic-board alert is there: the rule behind it, shown in the board's tooltip.

Board alerts are short texts made by several modules (calendar, overdue steps, counts
and harvest, complications, checklists, printed documents); the texts carry the values
("IDM tests expire 25 days before the planned collection"). This module names the rule
that made each one, so a coordinator never has to guess why a patient is flagged
(Standards: every computed alert shows its rule and the values it used).
"""

from __future__ import annotations

from typing import Final

# The same days as planner.clinical.engraftment (a test checks they agree); not imported from there
# because it loads pandas, which a clinic without counts never needs.
WATCH_DAY: Final = 28
PRIMARY_GF_PBSC_DAY: Final = 30
PRIMARY_GF_CORD_DAY: Final = 42
# The poor-graft-function screen's defaults (planner.clinical.engraftment.
# PoorGraftFunctionThresholds; a test checks they agree): a centre setting.
PGF_FROM_DAY: Final = 28
PGF_MIN_DAYS: Final = 14
PGF_ANC: Final = 1.0
PGF_PLT: Final = 20.0
PGF_HB_G_L: Final = 80.0

CALENDAR: Final = (
    "A clinic step (visit, test, procedure, infusion) planned in the next 14 days on a "
    "weekend or on a closure day of the centre settings (centre.toml)."
)
OVERDUE: Final = (
    "Planned occurrences whose date plus the step's allowed delay (its window) has passed; "
    "the Overdue column names them."
)
CHECKLISTS: Final = (
    "A checklist item with a validity period (infectious-disease markers, for example) "
    "that is missing or will have expired by the date it must cover; the patient's "
    "Checklists tab shows each item's rule and dates."
)
COMPLICATIONS: Final = (
    "An active complication episode and its maximum grade; the grading system, criteria "
    "and values are in the patient's Complications tab."
)
DOCUMENTS: Final = (
    "A handout or summary printed before the plan last changed: print it again "
    "(Print / export) so the patient does not keep the old dates."
)
UNREADABLE: Final = "A stored record could not be read; the patient's tab says which."

# (start of the alert text, its rule): the texts planner.records.recovery and harvestlog make.
_RECOVERY: Final = (
    (
        "Neutrophil engraftment",
        "CIBMTR/ASTCT: the first of three consecutive days with ANC >= 0.5 x10^9/L after the "
        "nadir, or a clinician's override; on the board for a week (Counts tab).",
    ),
    (
        "ANC never below 0.5",
        f"ANC has stayed >= 0.5 x10^9/L since Day 0, so there is no engraftment date; said "
        f"from Day +{WATCH_DAY} (Counts tab).",
    ),
    (
        "No ANC results since Day 0",
        "No ANC value after Day 0: engraftment cannot be assessed. Enter or import counts.",
    ),
    (
        "Meets primary graft failure definition",
        f"ASTCT 2021: no ANC >= 0.5 x10^9/L by Day +{PRIMARY_GF_PBSC_DAY} (PBSC, marrow) or Day +{PRIMARY_GF_CORD_DAY} "
        "(cord blood); a clinician confirms (pancytopenia is part of the definition).",
    ),
    (
        "No engraftment by D+28",
        f"Graft-failure watch: no neutrophil engraftment by Day +{WATCH_DAY}; primary graft "
        f"failure is defined at Day +{PRIMARY_GF_PBSC_DAY} (Day +{PRIMARY_GF_CORD_DAY} for cord blood).",
    ),
    (
        "Secondary graft failure pattern",
        "After neutrophil engraftment (the initial date stands), ANC < 0.5 x10^9/L on 3 "
        "consecutive results on different days (Rondón et al., Biol Blood Marrow Transplant "
        "2008;14:859-866); shown until the ANC is >= 0.5 on 3 consecutive results. ASTCT 2021 "
        "(Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649): secondary graft "
        "failure is a decline needing blood products or growth factors after neutrophil and "
        "platelet recovery; a clinician confirms it and excludes relapse, infection and drugs "
        "(marrow, donor chimerism). Not the primary graft-failure work-up (Counts tab).",
    ),
    (
        "Poor graft function pattern",
        f"After neutrophil engraftment, from Day +{PGF_FROM_DAY}, two or three of ANC <= "
        f"{PGF_ANC:g}, platelets <= {PGF_PLT:g} x10^9/L, haemoglobin <= {PGF_HB_G_L:g} g/L on "
        f"every result for {PGF_MIN_DAYS} days or more (centre setting: ASTCT 2021 gives no "
        "numbers). ASTCT 2021 (Kharfan-Dabaja et al.): frequent transfusion or growth-factor "
        "dependence without another explanation; a clinician confirms (hypocellular marrow, "
        "full donor chimerism, no relapse, drugs or infection). Counts tab.",
    ),
    (
        "Chimerism",
        "ASTCT 2021 (Kharfan-Dabaja et al.): full donor chimerism is > 95% donor cells; 5-95% "
        "mixed; < 5% loss of donor cells (Rondon et al. 2008); a falling donor share can "
        "precede rejection or relapse. The latest result of each lineage that is not full, or "
        "falls (Counts tab).",
    ),
    (
        "CD34 target reached",
        "The collections' cumulative CD34+ dose per kg reached the target (or the maximum): "
        "stop collecting. The Harvest tab shows each dose and the target.",
    ),
    (
        "Low CD34",
        "Peripheral-blood CD34+ below the centre's threshold on a collection day: consider "
        "plerixafor (Harvest tab, with the calculator).",
    ),
)
RECOVERY: Final = "From the counts and harvest records (Counts and Harvest tabs)."


def recovery_rule(text: str) -> str:
    """The rule of a counts or harvest alert, by the text the recovery modules make."""
    for start, rule in _RECOVERY:
        if text.startswith(start):
            return rule
    return RECOVERY


def record_rule(text: str, rule: str) -> str:
    """``rule``, unless the alert says its record could not be read."""
    return UNREADABLE if text.endswith("cannot be read.") else rule
