"""The input fields of every calculator, one tuple of ``Field`` per calculator.

Each field names the calculator's keyword argument, its label, its unit and its allowed
range. The functions that turn the values into a result are in
``planner.clinical.calculators.compute``; the registry that pairs them is
``planner.clinical.calculators.registry``.
"""

from __future__ import annotations

from planner.clinical.calculators.fields import Field
from planner.clinical.eligibility import HCT_CI_WEIGHTS
from planner.clinical.toxicity import CTCAE_MUCOSITIS
from planner.domain.i18n import tr_noop

# --- the calculators -------------------------------------------------------------------

BILIRUBIN_UNITS = (("mg/dL", "mg/dL"), ("umol/L", "µmol/L"))


def bilirubin_fields(
    label: str = tr_noop("&Bilirubin"), hint: str = tr_noop("0-50 mg/dL or 0-855 µmol/L")
) -> tuple[Field, Field]:
    """A total bilirubin and its unit (mg/dL or µmol/L): the calculator grades the value
    against the cut-off published for the unit chosen, and checks the range (0-50 mg/dL,
    0-855 µmol/L) itself."""
    return (
        Field("bilirubin", label, "number", hint),
        Field(
            "bilirubin_unit",
            tr_noop("Bilirubin &unit"),
            "choice",
            "",
            BILIRUBIN_UNITS,
            "mg/dL",
            ("bilirubin_unit",),
        ),
    )


MAGIC_FIELDS = (
    Field(
        "skin_bsa_percent",
        tr_noop("&Rash extent"),
        "number",
        tr_noop("0-100 % BSA"),
        default="0",
        unit=tr_noop("% BSA"),
        allowed=(0, 100),
    ),
    Field("bullae_desquamation", tr_noop("Bullae and desquamation > 5% BSA"), "bool"),
    *bilirubin_fields(),
    Field(
        "upper_gi_persistent", tr_noop("Persistent nausea, vomiting or anorexia (upper GI)"), "bool"
    ),
    Field(
        "stool_ml_per_day",
        tr_noop("Stool &volume"),
        "optional-number",
        tr_noop("0-10,000 mL/day, 3-day mean"),
        unit=tr_noop("mL/day"),
        allowed=(0, 10_000),
    ),
    Field(
        "stool_episodes_per_day",
        tr_noop("Stool &episodes"),
        "optional-int",
        tr_noop("0-50 per day"),
        unit=tr_noop("per day"),
        allowed=(0, 50),
    ),
    Field(
        "weight_kg",
        tr_noop("&Weight"),
        "optional-number",
        tr_noop("0.5-400 kg (50 kg or less: child)"),
        unit=tr_noop("kg"),
        allowed=(0.5, 400),
    ),
    Field("severe_pain_or_ileus", tr_noop("Severe abdominal pain or ileus"), "bool"),
    Field("grossly_bloody_stool", tr_noop("Grossly bloody stool"), "bool"),
)

_SCORES = tuple((str(i), str(i)) for i in range(4))
NIH_FIELDS = (
    *(
        Field(organ, label, "choice", tr_noop("score 0-3"), _SCORES, "0")
        for organ, label in (
            ("skin", tr_noop("S&kin")),
            ("mouth", tr_noop("&Mouth")),
            ("eyes", tr_noop("&Eyes")),
            ("gi", tr_noop("&GI tract")),
            ("liver", tr_noop("&Liver")),
            ("lungs", tr_noop("Lungs (s&ymptoms)")),
            ("joints", tr_noop("&Joints and fascia")),
            ("genital", tr_noop("Ge&nital tract")),
        )
    ),
    Field(
        "fev1_percent",
        tr_noop("&FEV1"),
        "optional-number",
        tr_noop("0-200 % predicted (replaces symptoms)"),
        unit=tr_noop("% predicted"),
        allowed=(0, 200),
    ),
)

CRS_FIELDS = (
    Field("temperature_c", tr_noop("&Temperature"), "number", unit="°C", allowed=(30, 45)),
    Field(
        "hypotension",
        tr_noop("&Hypotension"),
        "choice",
        "",
        (
            ("none", tr_noop("none")),
            ("no_vasopressor", tr_noop("not needing vasopressors")),
            ("one_vasopressor", tr_noop("one vasopressor")),
            ("multiple_vasopressors", tr_noop("several vasopressors (not vasopressin)")),
        ),
        "none",
    ),
    Field(
        "oxygen",
        tr_noop("&Oxygen"),
        "choice",
        "",
        (
            ("none", tr_noop("none")),
            ("low_flow", tr_noop("low flow (nasal cannula 6 L/min or less)")),
            ("high_flow", tr_noop("high flow, facemask, non-rebreather, Venturi")),
            ("positive_pressure", tr_noop("CPAP, BiPAP or ventilation")),
        ),
        "none",
    ),
    Field(
        "fever_masked_by_therapy",
        tr_noop("Fever masked by antipyretic or anti-cytokine therapy"),
        "bool",
    ),
)

ICANS_FIELDS = (
    Field(
        "ice",
        tr_noop("&ICE score"),
        "optional-int",
        tr_noop("0-10 (empty if unarousable)"),
        allowed=(0, 10),
    ),
    Field(
        "consciousness",
        tr_noop("&Consciousness"),
        "choice",
        "",
        (
            ("alert", tr_noop("alert")),
            ("awakens_spontaneously", tr_noop("awakens spontaneously")),
            ("awakens_to_voice", tr_noop("awakens to voice")),
            ("awakens_to_touch", tr_noop("awakens to touch")),
            ("unarousable", tr_noop("unarousable")),
        ),
        "alert",
    ),
    Field(
        "seizure",
        tr_noop("&Seizure"),
        "choice",
        "",
        (
            ("none", tr_noop("none")),
            ("rapidly_resolving", tr_noop("resolving rapidly or with intervention")),
            ("prolonged_or_repetitive", tr_noop("prolonged (> 5 min) or repetitive")),
        ),
        "none",
    ),
    Field("motor_weakness", tr_noop("Deep focal motor weakness"), "bool"),
    Field(
        "cerebral_oedema",
        tr_noop("Cerebral &oedema"),
        "choice",
        "",
        (
            ("none", tr_noop("none")),
            ("focal", tr_noop("focal on imaging")),
            ("diffuse", tr_noop("diffuse, posturing, papilloedema")),
        ),
        "none",
    ),
)

VOD_FIELDS = (
    Field(
        "time_since_onset_days",
        tr_noop("&Days since first symptoms"),
        "int",
        unit=tr_noop("days"),
        allowed=(0, 365),
    ),
    *bilirubin_fields(),
    Field("bilirubin_doubled_48h", tr_noop("Bilirubin doubled within 48 hours"), "bool"),
    Field(
        "transaminase_x_uln",
        tr_noop("&Transaminases"),
        "number",
        unit=tr_noop("x ULN"),
        allowed=(0, 200),
    ),
    Field(
        "weight_gain_pct",
        tr_noop("&Weight gain"),
        "number",
        tr_noop("-50 to 100 %"),
        unit=tr_noop("%"),
        allowed=(-50, 100),
    ),
    Field(
        "creatinine_x_baseline",
        tr_noop("&Creatinine"),
        "number",
        unit=tr_noop("x baseline"),
        allowed=(0.1, 20),
    ),
    Field("mod_mof", tr_noop("Multi-organ dysfunction or failure"), "bool"),
    Field("n_risk_factors", tr_noop("&Risk factors"), "int", default="0", allowed=(0, 20)),
)

_WEIGHT_GAIN = Field(
    "weight_gain_pct",
    tr_noop("&Weight gain"),
    "number",
    tr_noop("-50 to 100 % above baseline"),
    unit=tr_noop("%"),
    allowed=(-50, 100),
)

VOD_DX_2016_FIELDS = (
    Field(
        "onset_day",
        tr_noop("&Onset on Day"),
        "int",
        tr_noop("-30 to 3,650 (transplant day of the first signs)"),
        error_names=("day",),
        allowed=(-30, 3650),
    ),
    *bilirubin_fields(),
    Field(
        "painful_hepatomegaly", tr_noop("Painful hepatomegaly (right upper quadrant pain)"), "bool"
    ),
    _WEIGHT_GAIN,
    Field("ascites", tr_noop("Ascites"), "bool"),
    Field(
        "imaging_evidence",
        tr_noop("Haemodynamic or ultrasound evidence of SOS/VOD (late onset)"),
        "bool",
    ),
    Field("histology", tr_noop("Histologically proven SOS/VOD (late onset)"), "bool"),
)

VOD_DX_2023_FIELDS = (
    *bilirubin_fields(),
    Field(
        "painful_hepatomegaly", tr_noop("Painful hepatomegaly (right upper quadrant pain)"), "bool"
    ),
    _WEIGHT_GAIN,
    Field("ascites", tr_noop("Ascites"), "bool"),
    Field(
        "ultrasound_or_elastography",
        tr_noop("Ultrasound (e.g. HokUS-10) or elastography suggestive of SOS/VOD"),
        "bool",
    ),
    Field("histology", tr_noop("Histologically proven SOS/VOD"), "bool"),
    Field(
        "hvpg_mmhg",
        tr_noop("&HVPG"),
        "optional-number",
        tr_noop("0-60 mmHg, if measured (10 or more: proven)"),
        unit=tr_noop("mmHg"),
        allowed=(0, 60),
    ),
    Field(
        "onset_day",
        tr_noop("&Onset on Day"),
        "optional-int",
        tr_noop("optional: Day +21 or earlier classical, later late onset"),
        allowed=(-30, 3650),
    ),
)

VOD_DX_PAEDIATRIC_FIELDS = (
    Field(
        "refractory_thrombocytopenia",
        tr_noop("Unexplained consumptive, transfusion-refractory thrombocytopenia"),
        "bool",
        tr_noop("1 or more weight-adjusted platelet transfusions a day"),
    ),
    Field(
        "weight_gain_3_days_despite_diuretics",
        tr_noop("Unexplained weight gain on 3 consecutive days despite diuretics"),
        "bool",
    ),
    _WEIGHT_GAIN,
    Field(
        "hepatomegaly_above_baseline",
        tr_noop("Hepatomegaly above baseline (best confirmed by imaging)"),
        "bool",
    ),
    Field(
        "ascites_above_baseline",
        tr_noop("Ascites above baseline (best confirmed by imaging)"),
        "bool",
    ),
    Field(
        "bilirubin_rising_3_days",
        tr_noop("Bilirubin rising from baseline on 3 consecutive days"),
        "bool",
    ),
    *bilirubin_fields(
        tr_noop("&Bilirubin (highest, last 72 h)"),
        tr_noop("0-50 mg/dL or 0-855 µmol/L; 2 mg/dL or 34 µmol/L counts"),
    ),
)


# --- the further calculators (toxicity, eligibility, compatibility) ----------------------

FN_FIELDS = (
    Field(
        "temperatures",
        tr_noop("&Temperatures"),
        "rows",
        tr_noop("30-45 °C; time HH:MM\n(assessment date)\nor yyyy-mm-dd HH:MM"),
        error_names=("temperature",),
        columns=(tr_noop("Time"), "°C"),
    ),
    Field("anc", tr_noop("&ANC"), "number", unit=tr_noop("x10^9/L"), allowed=(0, 100)),
    Field(
        "predicted_below_0_5_in_48h", tr_noop("ANC predicted to fall below 0.5 within 48 h"), "bool"
    ),
)

ES_FIELDS = (
    Field(
        "hours_after_engraftment",
        tr_noop("Onset after &engraftment"),
        "optional-number",
        tr_noop("-720 to 2160 h (negative: before)"),
        unit=tr_noop("h"),
        allowed=(-720, 2160),
    ),
    Field(
        "hours_after_first_neutrophils",
        tr_noop("Onset after first &neutrophils"),
        "optional-number",
        tr_noop("-720 to 2160 h (optional)"),
        unit=tr_noop("h"),
        allowed=(-720, 2160),
    ),
    Field(
        "max_temp_c",
        tr_noop("Highest &temperature"),
        "optional-number",
        unit="°C",
        allowed=(30, 45),
    ),
    Field("infection_identified", tr_noop("An infection explains the fever"), "bool"),
    # Measured values have no default: "not entered" until typed (never assumed normal).
    Field(
        "rash_bsa_percent",
        tr_noop("&Rash extent"),
        "number",
        unit=tr_noop("% BSA"),
        allowed=(0, 100),
    ),
    Field("rash_drug_attributable", tr_noop("Rash attributable to a medication"), "bool"),
    Field(
        "pulmonary_oedema_hypoxia", tr_noop("Noncardiogenic pulmonary oedema with hypoxia"), "bool"
    ),
    Field("pulmonary_infiltrates", tr_noop("Pulmonary infiltrates"), "bool"),
    Field(
        "liquid_stools_per_day",
        tr_noop("&Liquid stools"),
        "int",
        tr_noop("0-50 per day, no infection"),
        default="0",
        unit=tr_noop("per day"),
        allowed=(0, 50),
    ),
    *bilirubin_fields(),
    Field(
        "transaminase_x_uln",
        tr_noop("Transamin&ases"),
        "number",
        unit=tr_noop("x ULN"),
        allowed=(0, 200),
    ),
    Field(
        "creatinine_x_baseline",
        tr_noop("&Creatinine"),
        "number",
        unit=tr_noop("x baseline"),
        allowed=(0.1, 20),
    ),
    Field(
        "weight_gain_pct",
        tr_noop("&Weight gain"),
        "number",
        tr_noop("-50 to 100 %"),
        unit=tr_noop("%"),
        allowed=(-50, 100),
    ),
    Field("encephalopathy", tr_noop("Transient unexplained encephalopathy"), "bool"),
)

# (field, label in the first assessment, label in the second): whole texts, so that each
# is translated as a whole.
_TMA_FLAGS = (
    ("anaemia", tr_noop("Anaemia (first)"), tr_noop("Anaemia (second)")),
    (
        "thrombocytopenia",
        tr_noop("Thrombocytopenia (first)"),
        tr_noop("Thrombocytopenia (second)"),
    ),
    ("schistocytes", tr_noop("Schistocytes (first)"), tr_noop("Schistocytes (second)")),
    ("hypertension", tr_noop("Hypertension (first)"), tr_noop("Hypertension (second)")),
    (
        "sc5b9_at_or_above_uln",
        tr_noop("SC5b-9 at or above ULN (first)"),
        tr_noop("SC5b-9 at or above ULN (second)"),
    ),
)


def _tma_fields(n: int, date_kind: str) -> tuple[Field, ...]:
    first = n == 1
    # LDH and UPCR are measured: no default ("not entered" until typed). The second
    # assessment's are needed only when its date is given (checked in ``_tma``).
    kind = "number" if first else "optional-number"
    return (
        Field(
            f"a{n}_date",
            tr_noop("Assessment 1 date") if first else tr_noop("Assessment 2 date"),
            date_kind,
            tr_noop("yyyy-mm-dd") if first else tr_noop("yyyy-mm-dd (empty: one assessment)"),
        ),
        *(
            Field(f"a{n}_{name}", text_first if first else text_second, "bool")
            for name, text_first, text_second in _TMA_FLAGS
        ),
        Field(
            f"a{n}_ldh_x_uln",
            tr_noop("LDH (first)") if first else tr_noop("LDH (second)"),
            kind,
            tr_noop("0-100 x ULN") if first else tr_noop("0-100 x ULN (with a date)"),
            unit=tr_noop("x ULN"),
            allowed=(0, 100),
        ),
        Field(
            f"a{n}_upcr_mg_mg",
            tr_noop("Urine protein:creatinine (first)")
            if first
            else tr_noop("Urine protein:creatinine (second)"),
            kind,
            tr_noop("0-100 mg/mg") if first else tr_noop("0-100 mg/mg (with a date)"),
            unit=tr_noop("mg/mg"),
            allowed=(0, 100),
        ),
    )


TMA_FIELDS = (
    *_tma_fields(1, "date"),
    *_tma_fields(2, "optional-date"),
    Field("biopsy_proven", tr_noop("Biopsy-proven TMA"), "bool"),
    Field("concurrent_agvhd_grade_2_4", tr_noop("Concurrent grade 2-4 acute GVHD"), "bool"),
    Field("concurrent_infection", tr_noop("Concurrent infection"), "bool"),
    Field("organ_dysfunction", tr_noop("Organ dysfunction"), "bool"),
)

MUCOSITIS_FIELDS = (
    Field("soreness", tr_noop("Soreness"), "bool"),
    Field("erythema", tr_noop("Erythema"), "bool"),
    Field("ulcers", tr_noop("Ulcers"), "bool"),
    Field(
        "diet",
        tr_noop("&Diet"),
        "choice",
        tr_noop("what the patient can eat"),
        (
            ("solids", tr_noop("solids")),
            ("liquids_only", tr_noop("liquids only")),
            ("none", tr_noop("alimentation not possible")),
        ),
        "solids",
    ),
    Field(
        "ctcae_grade",
        tr_noop("&CTCAE v5 grade"),
        "choice",
        "0-5",
        tuple((str(i), f"{i}: {text}") for i, text in enumerate(CTCAE_MUCOSITIS)),
        "0",
    ),
)

HC_FIELDS = (
    Field("microscopic_haematuria", tr_noop("Microscopic haematuria"), "bool"),
    Field("macroscopic_haematuria", tr_noop("Macroscopic haematuria"), "bool"),
    Field("clots", tr_noop("Clots"), "bool"),
    Field(
        "obstruction_requiring_intervention",
        tr_noop("Obstruction or retention requiring intervention"),
        "bool",
    ),
    Field(
        "hours_since_conditioning",
        tr_noop("&Hours since conditioning"),
        "optional-number",
        tr_noop("0-87,600 h (72 h or less: early onset)"),
        unit=tr_noop("h"),
        allowed=(0, 87_600),
    ),
)

HCT_CI_LABELS: dict[str, str] = {
    "arrhythmia": tr_noop("Arrhythmia"),
    "cardiac": tr_noop("Cardiac"),
    "inflammatory_bowel_disease": tr_noop("Inflammatory bowel disease"),
    "diabetes": tr_noop("Diabetes"),
    "cerebrovascular": tr_noop("Cerebrovascular disease"),
    "psychiatric": tr_noop("Psychiatric disturbance"),
    "hepatic_mild": tr_noop("Hepatic, mild"),
    "obesity": tr_noop("Obesity"),
    "infection": tr_noop("Infection"),
    "rheumatologic": tr_noop("Rheumatologic"),
    "peptic_ulcer": tr_noop("Peptic ulcer"),
    "renal": tr_noop("Renal, moderate/severe"),
    "pulmonary_moderate": tr_noop("Pulmonary, moderate"),
    "prior_solid_tumour": tr_noop("Prior solid tumour"),
    "heart_valve": tr_noop("Heart valve disease"),
    "pulmonary_severe": tr_noop("Pulmonary, severe"),
    "hepatic_moderate_severe": tr_noop("Hepatic, moderate/severe"),
}

_HCT_CI_WEIGHT_HINTS = {1: tr_noop("weight 1"), 2: tr_noop("weight 2"), 3: tr_noop("weight 3")}

HCT_CI_FIELDS = (
    *(
        Field(key, HCT_CI_LABELS[key], "bool", _HCT_CI_WEIGHT_HINTS[weight])
        for key, weight in HCT_CI_WEIGHTS.items()
    ),
    Field(
        "age_years",
        tr_noop("&Age"),
        "number",
        tr_noop("0-120 years (40 or more: +1 for HCT-CI/age)"),
        unit=tr_noop("years"),
        allowed=(0, 120),
    ),
    # Measured values derive the items the index defines by a threshold; empty: not used.
    Field(
        "fev1_percent",
        tr_noop("&FEV1"),
        "optional-number",
        tr_noop("% predicted: 66-80 moderate, 65 or less severe"),
        unit=tr_noop("% predicted"),
        allowed=(0, 200),
    ),
    Field(
        "dlco_percent",
        tr_noop("&DLCO"),
        "optional-number",
        tr_noop("% predicted: 66-80 moderate, 65 or less severe"),
        unit=tr_noop("% predicted"),
        allowed=(0, 200),
    ),
    Field(
        "creatinine_mg_dl",
        tr_noop("Serum &creatinine"),
        "optional-number",
        tr_noop("mg/dL: over 2 renal"),
        unit="mg/dL",
        allowed=(0.1, 20),
    ),
    Field(
        "bilirubin_x_uln",
        tr_noop("&Bilirubin"),
        "optional-number",
        tr_noop("x ULN: over 1 mild, over 1.5 moderate/severe"),
        unit=tr_noop("x ULN"),
        allowed=(0, 50),
    ),
    Field(
        "ast_alt_x_uln",
        tr_noop("AST/A&LT (higher)"),
        "optional-number",
        tr_noop("x ULN: over 1 mild, over 2.5 moderate/severe"),
        unit=tr_noop("x ULN"),
        allowed=(0, 200),
    ),
    Field(
        "height_cm",
        tr_noop("&Height"),
        "optional-number",
        tr_noop("40-250 cm (for BMI; over 35 obesity)"),
        unit=tr_noop("cm"),
        allowed=(40, 250),
    ),
    Field(
        "weight_kg",
        tr_noop("&Weight"),
        "optional-number",
        tr_noop("1-350 kg (for BMI)"),
        unit=tr_noop("kg"),
        allowed=(1, 350),
    ),
)

KPS_FIELDS = (
    Field(
        "score",
        tr_noop("&Score"),
        "int",
        tr_noop("0-100 in steps of 10"),
        error_names=("performance_score",),
        allowed=(0, 100),
    ),
    Field(
        "age_years",
        tr_noop("&Age"),
        "number",
        tr_noop("0-120 years (under 16: Lansky)"),
        unit=tr_noop("years"),
        allowed=(0, 120),
    ),
)

_ABO = (("", tr_noop("choose...")), ("O", "O"), ("A", "A"), ("B", "B"), ("AB", "AB"))
ABO_FIELDS = (
    Field("donor_abo", tr_noop("&Donor ABO group"), "choice", tr_noop("O, A, B or AB"), _ABO, ""),
    Field(
        "recipient_abo",
        tr_noop("&Recipient ABO group"),
        "choice",
        tr_noop("O, A, B or AB"),
        _ABO,
        "",
    ),
)

_CMV = (
    ("positive", tr_noop("positive")),
    ("negative", tr_noop("negative")),
    ("unknown", tr_noop("unknown")),
)
CMV_FIELDS = (
    Field("donor_cmv_igg", tr_noop("&Donor CMV IgG"), "choice", "", _CMV, "unknown"),
    Field("recipient_cmv_igg", tr_noop("&Recipient CMV IgG"), "choice", "", _CMV, "unknown"),
    Field("allogeneic", tr_noop("Allogeneic transplant"), "bool", default=True),
    Field("day0", tr_noop("Day &0"), "date", tr_noop("yyyy-mm-dd (letermovir window)")),
    Field("extended", tr_noop("At risk of late CMV (letermovir to Day +200)"), "bool"),
)

INTENSITY_FIELDS = (
    Field(
        "components",
        tr_noop("Regimen &components"),
        "rows",
        tr_noop(
            "total course dose;\nTBI cGy or Gy + fractions;\nbusulfan mg/kg, iv or oral;\n"
            "melphalan mg/m2; thiotepa mg/kg;\ntreosulfan g/m2"
        ),
        error_names=("agent", "total_dose", "unit", "route", "fractions", "tbi_dose"),
        columns=(
            tr_noop("Agent"),
            tr_noop("Total dose"),
            tr_noop("Unit"),
            tr_noop("Route"),
            tr_noop("Fractions"),
        ),
    ),
    Field(
        "centre_intent",
        tr_noop("Centre's declared &intent"),
        "choice",
        "",
        (("none", tr_noop("not declared")), ("MAC", "MAC"), ("RIC", "RIC"), ("NMA", "NMA")),
        "none",
    ),
)

VACCINE_FIELDS = (
    Field("day0", tr_noop("Day &0"), "date", tr_noop("yyyy-mm-dd")),
    Field("on_immunosuppression", tr_noop("Still on immunosuppression"), "bool"),
    Field(
        "ist_stop_date",
        tr_noop("Immunosuppression &stopped"),
        "optional-date",
        tr_noop("yyyy-mm-dd"),
    ),
    Field("last_ivig_date", tr_noop("Last &IVIG"), "optional-date", tr_noop("yyyy-mm-dd")),
    Field("active_gvhd", tr_noop("Active GVHD"), "bool"),
)

PLERIXAFOR_FIELDS = (
    Field("age_years", tr_noop("&Age"), "number", unit=tr_noop("years"), allowed=(0, 120)),
    Field(
        "sex",
        tr_noop("Se&x"),
        "choice",
        "",
        (("", tr_noop("choose...")), ("female", tr_noop("female")), ("male", tr_noop("male"))),
    ),
    Field("weight_kg", tr_noop("&Weight (actual)"), "number", unit=tr_noop("kg"), allowed=(1, 350)),
    Field("height_cm", tr_noop("&Height"), "number", unit=tr_noop("cm"), allowed=(40, 250)),
    Field(
        "creatinine_mg_dl",
        tr_noop("Serum &creatinine"),
        "number",
        unit="mg/dL",
        allowed=(0.1, 20),
        error_names=("scr_mg_dl",),
    ),
)

# The dialog's assessment date is the sample date of the result.
CHIMERISM_FIELDS = (
    Field(
        "lineage",
        tr_noop("&Lineage"),
        "choice",
        "",
        (
            ("", tr_noop("choose...")),
            ("t_cell", tr_noop("T cells (CD3+)")),
            ("myeloid", tr_noop("Myeloid cells (CD33+)")),
            ("whole_blood", tr_noop("Whole blood (unfractionated)")),
        ),
        "",
    ),
    Field(
        "donor_percent",
        tr_noop("Donor &percentage"),
        "number",
        unit=tr_noop("% donor"),
        allowed=(0, 100),
    ),
    Field(
        "previous_percent",
        tr_noop("P&revious donor percentage"),
        "optional-number",
        tr_noop("same lineage; 0-100 % donor"),
        unit=tr_noop("% donor"),
        allowed=(0, 100),
    ),
    Field(
        "previous_date", tr_noop("Previous result da&te"), "optional-date", tr_noop("yyyy-mm-dd")
    ),
)
