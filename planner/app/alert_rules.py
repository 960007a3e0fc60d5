"""Why each clinic-board alert is there: the rule behind it, shown in the board's tooltip.

Board alerts are short texts made by several modules (calendar, overdue steps, counts
and harvest, complications, checklists, printed documents); the texts carry the values
("IDM tests expire 25 days before the planned collection"). This module names the rule
that made each one, so a coordinator never has to guess why a patient is flagged
(Standards: every computed alert shows its rule and the values it used), and how severe
it is (``SEVERITY``: the one table that decides which alerts the board shows first).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from planner.domain.i18n import tr, tr_noop

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

CALENDAR: Final = tr_noop(
    "A clinic step (visit, test, procedure, infusion) planned in the next 14 days on a "
    "weekend or on a closure day of the centre settings (centre.toml)."
)
OVERDUE: Final = tr_noop(
    "Planned occurrences whose date plus the step's allowed delay (its window) has passed; "
    "the Overdue column names them."
)
CHECKLISTS: Final = tr_noop(
    "A checklist item with a validity period (infectious-disease markers, for example) "
    "that is missing or will have expired by the date it must cover; the patient's "
    "Checklists tab shows each item's rule and dates."
)
CHECKLIST_OVERDUE: Final = tr_noop(
    "An item of a checklist whose deadlines hold after the event (the registry forms, "
    "CIBMTR and EBMT) past its due date and not ticked; the patient's Checklists tab lists "
    "them with their dates."
)
GRAFT_SECURED: Final = tr_noop(
    "From 7 days before the first conditioning step to Day 0: the graft must be secured "
    "before conditioning (FACT-JACIE Standards). Autologous: stored CD34+ at or above the "
    'minimum target; allogeneic: donor cleared and a collection on the plan, or "Graft '
    'availability confirmed" ticked. A conditioning dose is refused as given until then, '
    "unless an override is recorded with a reason."
)
DOSE_CHECK_VOID: Final = tr_noop(
    "A signature of the double check of the doses no longer stands: a dose or the "
    "weight, height or creatinine it used changed after it was signed. The next "
    "conditioning dose is refused as given until two people verify the doses again "
    "(Patient > Verify doses)."
)
DOSE_CHECK_PENDING: Final = tr_noop(
    "From 7 days before the first conditioning dose until the last is given, on a database "
    "with accounts: two different people (physician or pharmacist) must verify the doses "
    "with their password before the first is marked given (ASCO/ONS Chemotherapy "
    "Administration Safety Standards: independent double check)."
)
ON_HOLD: Final = tr_noop(
    "The transplant is on hold (its status, set in the transplant record with a date and "
    "a reason): its plan is kept and still dated; confirm the dates before it resumes."
)
COMPLICATIONS: Final = tr_noop(
    "An active complication episode and its maximum grade; the grading system, criteria "
    "and values are in the patient's Complications tab."
)
DOCUMENTS: Final = tr_noop(
    "A handout or summary printed before the plan last changed: print it again "
    "(Print / export) so the patient does not keep the old dates."
)
UNREADABLE: Final = tr_noop("A stored record could not be read; the patient's tab says which.")
VISIT_WINDOW: Final = tr_noop(
    "A planned clinic visit whose window (its date minus and plus the days of tolerance of "
    "its step, as in Day +100 +/-7) includes today: it can take place on any day up to the "
    "window's last day, after which it is overdue."
)

# The rules of the counts and harvest alerts (planner.records.recovery, harvest_log,
# chimerism_log), named so the severity table below can list them.
ENGRAFTMENT_NEWS: Final = tr_noop(
    "CIBMTR/ASTCT: the first of three consecutive days with ANC >= 0.5 x10^9/L after the "
    "nadir, or a clinician's override; on the board for a week (Counts tab)."
)
_NEVER_BELOW: Final = tr_noop(
    "ANC has stayed >= 0.5 x10^9/L since Day 0, so there is no engraftment date; said "
    "from Day +{watch_day} (Counts tab)."
)
NEVER_BELOW: Final = _NEVER_BELOW.format(watch_day=WATCH_DAY)
NO_ANC: Final = tr_noop(
    "No ANC value after Day 0: engraftment cannot be assessed. Enter or import counts."
)
_PRIMARY_GRAFT_FAILURE: Final = tr_noop(
    "ASTCT 2021: no ANC >= 0.5 x10^9/L by Day +{pbsc_day} (PBSC, marrow) or Day +{cord_day} "
    "(cord blood); a clinician confirms (pancytopenia is part of the definition)."
)
PRIMARY_GRAFT_FAILURE: Final = _PRIMARY_GRAFT_FAILURE.format(
    pbsc_day=PRIMARY_GF_PBSC_DAY, cord_day=PRIMARY_GF_CORD_DAY
)
_GRAFT_FAILURE_WATCH: Final = tr_noop(
    "Graft-failure watch: no neutrophil engraftment by Day +{watch_day}; primary graft "
    "failure is defined at Day +{pbsc_day} (Day +{cord_day} for cord blood)."
)
GRAFT_FAILURE_WATCH: Final = _GRAFT_FAILURE_WATCH.format(
    watch_day=WATCH_DAY, pbsc_day=PRIMARY_GF_PBSC_DAY, cord_day=PRIMARY_GF_CORD_DAY
)
SECONDARY_GRAFT_FAILURE: Final = tr_noop(
    "After neutrophil engraftment (the initial date stands), ANC < 0.5 x10^9/L on 3 "
    "consecutive results on different days (Rondón et al., Biol Blood Marrow Transplant "
    "2008;14:859-866); shown until the ANC is >= 0.5 on 3 consecutive results. ASTCT 2021 "
    "(Kharfan-Dabaja et al., Transplant Cell Ther 2021;27:642-649): secondary graft "
    "failure is a decline needing blood products or growth factors after neutrophil and "
    "platelet recovery; a clinician confirms it and excludes relapse, infection and drugs "
    "(marrow, donor chimerism). Not the primary graft-failure work-up (Counts tab)."
)
_POOR_GRAFT_FUNCTION: Final = tr_noop(
    "After neutrophil engraftment, from Day +{from_day}, two or three of ANC <= "
    "{anc}, platelets <= {plt} x10^9/L, haemoglobin <= {hb} g/L on "
    "every result for {min_days} days or more (centre setting: ASTCT 2021 gives no "
    "numbers). ASTCT 2021 (Kharfan-Dabaja et al.): frequent transfusion or growth-factor "
    "dependence without another explanation; a clinician confirms (hypocellular marrow, "
    "full donor chimerism, no relapse, drugs or infection). Counts tab."
)
_PGF_VALUES: Final = {
    "from_day": PGF_FROM_DAY,
    "anc": f"{PGF_ANC:g}",
    "plt": f"{PGF_PLT:g}",
    "hb": f"{PGF_HB_G_L:g}",
    "min_days": PGF_MIN_DAYS,
}
POOR_GRAFT_FUNCTION: Final = _POOR_GRAFT_FUNCTION.format(**_PGF_VALUES)
CHIMERISM: Final = tr_noop(
    "ASTCT 2021 (Kharfan-Dabaja et al.): full donor chimerism is > 95% donor cells; 5-95% "
    "mixed; < 5% loss of donor cells (Rondon et al. 2008); a falling donor share can "
    "precede rejection or relapse. The latest result of each lineage that is not full, or "
    "falls (Counts tab)."
)
CD34_TARGET: Final = tr_noop(
    "The collections' cumulative CD34+ dose per kg reached the target (or the maximum): "
    "stop collecting. The Harvest tab shows each dose and the target."
)
LOW_CD34: Final = tr_noop(
    "Peripheral-blood CD34+ below the centre's threshold on a collection day: consider "
    "plerixafor (Harvest tab, with the calculator)."
)

# (start of the alert text, its rule): the texts planner.records.recovery and harvestlog make.
_RECOVERY: Final = (
    ("Neutrophil engraftment", ENGRAFTMENT_NEWS),
    ("ANC never below 0.5", NEVER_BELOW),
    ("No ANC results since Day 0", NO_ANC),
    ("Meets primary graft failure definition", PRIMARY_GRAFT_FAILURE),
    ("No engraftment by D+28", GRAFT_FAILURE_WATCH),
    ("Secondary graft failure pattern", SECONDARY_GRAFT_FAILURE),
    ("Poor graft function pattern", POOR_GRAFT_FUNCTION),
    ("Chimerism", CHIMERISM),
    ("CD34 target reached", CD34_TARGET),
    ("Low CD34", LOW_CD34),
)
RECOVERY: Final = tr_noop("From the counts and harvest records (Counts and Harvest tabs).")

# --- severity ------------------------------------------------------------------------------
#
# Every alert is "high", "medium" or "low"; the board, ``board --json`` and the patient
# header show the most severe first (the order of the sources breaks ties). The three
# levels are the plan rules' own (planner/clinical/plan_rules/findings.py), so a plan
# check keeps the severity its rule gives it (resources/rules/plan-rules.toml) and sorts
# among the others on the same scale.
HIGH: Final = "high"
MEDIUM: Final = "medium"
LOW: Final = "low"
SEVERITIES: Final = (HIGH, MEDIUM, LOW)  # most severe first

# The severity of every other source, by its rule: the one table that orders the board.
SEVERITY: Final[Mapping[str, str]] = MappingProxyType(
    {
        # high: clinical safety, a decision about the patient today. An active complication
        # episode is high whether or not a grade is recorded yet (no grade is not a mild
        # grade). Primary graft failure, the secondary graft failure and poor graft
        # function patterns and a chimerism result that is not full donor need a
        # clinician's confirmation and work-up (ASTCT 2021, Kharfan-Dabaja et al., Transplant
        # Cell Ther 2021;27:642-649); the Day +28 watch is this program's early warning of
        # the first, so it is high too. "Stop collection" is high because it is a same-day
        # decision: one more apheresis after the target puts the patient or donor through
        # a procedure (and its line) for no benefit. A record that cannot be read may hide
        # any of these.
        COMPLICATIONS: HIGH,
        # Conditioning without a graft leaves the patient without marrow: a decision to
        # take before the first dose.
        GRAFT_SECURED: HIGH,
        # A dose given on a voided check may be a dose for another weight.
        DOSE_CHECK_VOID: HIGH,
        PRIMARY_GRAFT_FAILURE: HIGH,
        GRAFT_FAILURE_WATCH: HIGH,
        SECONDARY_GRAFT_FAILURE: HIGH,
        POOR_GRAFT_FUNCTION: HIGH,
        CHIMERISM: HIGH,
        CD34_TARGET: HIGH,
        UNREADABLE: HIGH,
        # medium: work the coordinator must do or news to pass on, not a safety signal by
        # itself: overdue steps, checklist items expiring before the date they must cover,
        # the plerixafor prompt (a drug to order before the next collection), engraftment
        # news, counts missing to assess engraftment (the work is to enter them; once
        # entered, the graft-failure watch above decides), documents printed before the
        # plan changed.
        OVERDUE: MEDIUM,
        CHECKLISTS: MEDIUM,
        CHECKLIST_OVERDUE: MEDIUM,
        ON_HOLD: MEDIUM,
        LOW_CD34: MEDIUM,
        ENGRAFTMENT_NEWS: MEDIUM,
        NEVER_BELOW: MEDIUM,
        NO_ANC: MEDIUM,
        DOCUMENTS: MEDIUM,
        RECOVERY: MEDIUM,
        # low: schedule notes; a weekend or closure clash is settled by moving a booking.
        CALENDAR: LOW,
        # An open visit window is a booking to make, not yet late (overdue is medium).
        VISIT_WINDOW: LOW,
    }
)


def severity_of(rule: str) -> str:
    """The severity of an alert raised by ``rule``.

    A rule not in the table (an alert made without one) is medium: above the schedule
    notes, never above a known safety alert.
    """
    return SEVERITY.get(rule, MEDIUM)


def severity_rank(severity: str) -> int:
    """0 for high, 1 for medium, 2 for low (sort key: most severe first)."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def recovery_rule(text: str) -> str:
    """The rule of a counts or harvest alert, by the English text the recovery modules
    make (``planner.app.clinic`` makes the alerts in English too when the interface is
    not: the prefixes below are English)."""
    for start, rule in _RECOVERY:
        if text.startswith(start):
            return rule
    return RECOVERY


def record_rule(text: str, rule: str) -> str:
    """``rule``, unless the alert (its English text) says its record could not be read."""
    return UNREADABLE if text.endswith("cannot be read.") else rule


# The rules made from a template and values, by their English text (``shown``).
_FILLED: Final[Mapping[str, tuple[str, Mapping[str, object]]]] = MappingProxyType(
    {
        NEVER_BELOW: (_NEVER_BELOW, {"watch_day": WATCH_DAY}),
        PRIMARY_GRAFT_FAILURE: (
            _PRIMARY_GRAFT_FAILURE,
            {"pbsc_day": PRIMARY_GF_PBSC_DAY, "cord_day": PRIMARY_GF_CORD_DAY},
        ),
        GRAFT_FAILURE_WATCH: (
            _GRAFT_FAILURE_WATCH,
            {
                "watch_day": WATCH_DAY,
                "pbsc_day": PRIMARY_GF_PBSC_DAY,
                "cord_day": PRIMARY_GF_CORD_DAY,
            },
        ),
        POOR_GRAFT_FUNCTION: (_POOR_GRAFT_FUNCTION, _PGF_VALUES),
    }
)


def shown(rule: str) -> str:
    """``rule`` as the board shows it, in the interface's language.

    The English rule stays the key of ``SEVERITY``; only what is shown is translated.
    """
    filled = _FILLED.get(rule)
    if filled is not None:
        template, values = filled
        return tr(template).format(**values)
    return tr(rule)


_SEVERITY_WORDS: Final = {HIGH: tr_noop("high"), MEDIUM: tr_noop("medium"), LOW: tr_noop("low")}


def shown_severity(severity: str) -> str:
    """ "high", "medium" or "low" in the interface's language (anything else as it is)."""
    word = _SEVERITY_WORDS.get(severity)
    return tr(word) if word is not None else severity
