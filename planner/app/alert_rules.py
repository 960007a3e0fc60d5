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
