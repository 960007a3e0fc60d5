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

# --- the calculators -------------------------------------------------------------------

BILIRUBIN_UNITS = (("mg/dL", "mg/dL"), ("umol/L", "µmol/L"))


def bilirubin_fields(label: str = "&Bilirubin", hint: str = "") -> tuple[Field, Field]:
    """A total bilirubin and its unit (mg/dL or µmol/L): the calculator grades the value
    against the cut-off published for the unit chosen, and checks the range (0-50 mg/dL,
    0-855 µmol/L) itself."""
    return (
        Field("bilirubin", label, "number", hint or "0-50 mg/dL or 0-855 µmol/L"),
        Field(
            "bilirubin_unit",
            "Bilirubin &unit",
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
        "&Rash extent",
        "number",
        "0-100 % BSA",
        default="0",
        unit="% BSA",
        allowed=(0, 100),
    ),
    Field("bullae_desquamation", "Bullae and desquamation > 5% BSA", "bool"),
    *bilirubin_fields(),
    Field("upper_gi_persistent", "Persistent nausea, vomiting or anorexia (upper GI)", "bool"),
    Field(
        "stool_ml_per_day",
        "Stool &volume",
        "optional-number",
        "0-10,000 mL/day, 3-day mean",
        unit="mL/day",
        allowed=(0, 10_000),
    ),
    Field(
        "stool_episodes_per_day",
        "Stool &episodes",
        "optional-int",
        "0-50 per day",
        unit="per day",
        allowed=(0, 50),
    ),
    Field(
        "weight_kg",
        "&Weight",
        "optional-number",
        "0.5-400 kg (50 kg or less: child)",
        unit="kg",
        allowed=(0.5, 400),
    ),
    Field("severe_pain_or_ileus", "Severe abdominal pain or ileus", "bool"),
    Field("grossly_bloody_stool", "Grossly bloody stool", "bool"),
)

_SCORES = tuple((str(i), str(i)) for i in range(4))
NIH_FIELDS = (
    *(
        Field(organ, label, "choice", "score 0-3", _SCORES, "0")
        for organ, label in (
            ("skin", "S&kin"),
            ("mouth", "&Mouth"),
            ("eyes", "&Eyes"),
            ("gi", "&GI tract"),
            ("liver", "&Liver"),
            ("lungs", "Lungs (s&ymptoms)"),
            ("joints", "&Joints and fascia"),
            ("genital", "Ge&nital tract"),
        )
    ),
    Field(
        "fev1_percent",
        "&FEV1",
        "optional-number",
        "0-200 % predicted (replaces symptoms)",
        unit="% predicted",
        allowed=(0, 200),
    ),
)

CRS_FIELDS = (
    Field("temperature_c", "&Temperature", "number", unit="°C", allowed=(30, 45)),
    Field(
        "hypotension",
        "&Hypotension",
        "choice",
        "",
        (
            ("none", "none"),
            ("no_vasopressor", "not needing vasopressors"),
            ("one_vasopressor", "one vasopressor"),
            ("multiple_vasopressors", "several vasopressors (not vasopressin)"),
        ),
        "none",
    ),
    Field(
        "oxygen",
        "&Oxygen",
        "choice",
        "",
        (
            ("none", "none"),
            ("low_flow", "low flow (nasal cannula 6 L/min or less)"),
            ("high_flow", "high flow, facemask, non-rebreather, Venturi"),
            ("positive_pressure", "CPAP, BiPAP or ventilation"),
        ),
        "none",
    ),
    Field(
        "fever_masked_by_therapy", "Fever masked by antipyretic or anti-cytokine therapy", "bool"
    ),
)

ICANS_FIELDS = (
    Field("ice", "&ICE score", "optional-int", "0-10 (empty if unarousable)", allowed=(0, 10)),
    Field(
        "consciousness",
        "&Consciousness",
        "choice",
        "",
        (
            ("alert", "alert"),
            ("awakens_spontaneously", "awakens spontaneously"),
            ("awakens_to_voice", "awakens to voice"),
            ("awakens_to_touch", "awakens to touch"),
            ("unarousable", "unarousable"),
        ),
        "alert",
    ),
    Field(
        "seizure",
        "&Seizure",
        "choice",
        "",
        (
            ("none", "none"),
            ("rapidly_resolving", "resolving rapidly or with intervention"),
            ("prolonged_or_repetitive", "prolonged (> 5 min) or repetitive"),
        ),
        "none",
    ),
    Field("motor_weakness", "Deep focal motor weakness", "bool"),
    Field(
        "cerebral_oedema",
        "Cerebral &oedema",
        "choice",
        "",
        (
            ("none", "none"),
            ("focal", "focal on imaging"),
            ("diffuse", "diffuse, posturing, papilloedema"),
        ),
        "none",
    ),
)

VOD_FIELDS = (
    Field(
        "time_since_onset_days", "&Days since first symptoms", "int", unit="days", allowed=(0, 365)
    ),
    *bilirubin_fields(),
    Field("bilirubin_doubled_48h", "Bilirubin doubled within 48 hours", "bool"),
    Field("transaminase_x_uln", "&Transaminases", "number", unit="x ULN", allowed=(0, 200)),
    Field(
        "weight_gain_pct", "&Weight gain", "number", "-50 to 100 %", unit="%", allowed=(-50, 100)
    ),
    Field("creatinine_x_baseline", "&Creatinine", "number", unit="x baseline", allowed=(0.1, 20)),
    Field("mod_mof", "Multi-organ dysfunction or failure", "bool"),
    Field("n_risk_factors", "&Risk factors", "int", default="0", allowed=(0, 20)),
)

_WEIGHT_GAIN = Field(
    "weight_gain_pct",
    "&Weight gain",
    "number",
    "-50 to 100 % above baseline",
    unit="%",
    allowed=(-50, 100),
)

VOD_DX_2016_FIELDS = (
    Field(
        "onset_day",
        "&Onset on Day",
        "int",
        "-30 to 3,650 (transplant day of the first signs)",
        error_names=("day",),
        allowed=(-30, 3650),
    ),
    *bilirubin_fields(),
    Field("painful_hepatomegaly", "Painful hepatomegaly (right upper quadrant pain)", "bool"),
    _WEIGHT_GAIN,
    Field("ascites", "Ascites", "bool"),
    Field(
        "imaging_evidence",
        "Haemodynamic or ultrasound evidence of SOS/VOD (late onset)",
        "bool",
    ),
    Field("histology", "Histologically proven SOS/VOD (late onset)", "bool"),
)

VOD_DX_2023_FIELDS = (
    *bilirubin_fields(),
    Field("painful_hepatomegaly", "Painful hepatomegaly (right upper quadrant pain)", "bool"),
    _WEIGHT_GAIN,
    Field("ascites", "Ascites", "bool"),
    Field(
        "ultrasound_or_elastography",
        "Ultrasound (e.g. HokUS-10) or elastography suggestive of SOS/VOD",
        "bool",
    ),
    Field("histology", "Histologically proven SOS/VOD", "bool"),
    Field(
        "hvpg_mmhg",
        "&HVPG",
        "optional-number",
        "0-60 mmHg, if measured (10 or more: proven)",
        unit="mmHg",
        allowed=(0, 60),
    ),
    Field(
        "onset_day",
        "&Onset on Day",
        "optional-int",
        "optional: Day +21 or earlier classical, later late onset",
        allowed=(-30, 3650),
    ),
)

VOD_DX_PAEDIATRIC_FIELDS = (
    Field(
        "refractory_thrombocytopenia",
        "Unexplained consumptive, transfusion-refractory thrombocytopenia",
        "bool",
        "1 or more weight-adjusted platelet transfusions a day",
    ),
    Field(
        "weight_gain_3_days_despite_diuretics",
        "Unexplained weight gain on 3 consecutive days despite diuretics",
        "bool",
    ),
    _WEIGHT_GAIN,
    Field(
        "hepatomegaly_above_baseline",
        "Hepatomegaly above baseline (best confirmed by imaging)",
        "bool",
    ),
    Field("ascites_above_baseline", "Ascites above baseline (best confirmed by imaging)", "bool"),
    Field(
        "bilirubin_rising_3_days",
        "Bilirubin rising from baseline on 3 consecutive days",
        "bool",
    ),
    *bilirubin_fields(
        "&Bilirubin (highest, last 72 h)", "0-50 mg/dL or 0-855 µmol/L; 2 mg/dL or 34 µmol/L counts"
    ),
)


# --- the further calculators (toxicity, eligibility, compatibility) ----------------------

FN_FIELDS = (
    Field(
        "temperatures",
        "&Temperatures",
        "rows",
        "30-45 °C; time HH:MM\n(assessment date)\nor yyyy-mm-dd HH:MM",
        error_names=("temperature",),
        columns=("Time", "°C"),
    ),
    Field("anc", "&ANC", "number", unit="x10^9/L", allowed=(0, 100)),
    Field("predicted_below_0_5_in_48h", "ANC predicted to fall below 0.5 within 48 h", "bool"),
)

ES_FIELDS = (
    Field(
        "hours_after_engraftment",
        "Onset after &engraftment",
        "optional-number",
        "-720 to 2160 h (negative: before)",
        unit="h",
        allowed=(-720, 2160),
    ),
    Field(
        "hours_after_first_neutrophils",
        "Onset after first &neutrophils",
        "optional-number",
        "-720 to 2160 h (optional)",
        unit="h",
        allowed=(-720, 2160),
    ),
    Field("max_temp_c", "Highest &temperature", "optional-number", unit="°C", allowed=(30, 45)),
    Field("infection_identified", "An infection explains the fever", "bool"),
    # Measured values have no default: "not entered" until typed (never assumed normal).
    Field("rash_bsa_percent", "&Rash extent", "number", unit="% BSA", allowed=(0, 100)),
    Field("rash_drug_attributable", "Rash attributable to a medication", "bool"),
    Field("pulmonary_oedema_hypoxia", "Noncardiogenic pulmonary oedema with hypoxia", "bool"),
    Field("pulmonary_infiltrates", "Pulmonary infiltrates", "bool"),
    Field(
        "liquid_stools_per_day",
        "&Liquid stools",
        "int",
        "0-50 per day, no infection",
        default="0",
        unit="per day",
        allowed=(0, 50),
    ),
    *bilirubin_fields(),
    Field("transaminase_x_uln", "Transamin&ases", "number", unit="x ULN", allowed=(0, 200)),
    Field("creatinine_x_baseline", "&Creatinine", "number", unit="x baseline", allowed=(0.1, 20)),
    Field(
        "weight_gain_pct", "&Weight gain", "number", "-50 to 100 %", unit="%", allowed=(-50, 100)
    ),
    Field("encephalopathy", "Transient unexplained encephalopathy", "bool"),
)

_TMA_FLAGS = (
    ("anaemia", "anaemia"),
    ("thrombocytopenia", "thrombocytopenia"),
    ("schistocytes", "schistocytes"),
    ("hypertension", "hypertension"),
    ("sc5b9_at_or_above_uln", "sC5b-9 at or above ULN"),
)


def _tma_fields(n: int, date_kind: str) -> tuple[Field, ...]:
    first = "first" if n == 1 else "second"
    # LDH and UPCR are measured: no default ("not entered" until typed). The second
    # assessment's are needed only when its date is given (checked in ``_tma``).
    kind, need = ("number", "") if n == 1 else ("optional-number", " (with a date)")
    return (
        Field(
            f"a{n}_date",
            f"Assessment {n} date",
            date_kind,
            "yyyy-mm-dd" + ("" if n == 1 else " (empty: one assessment)"),
        ),
        *(
            Field(f"a{n}_{name}", f"{text[0].upper()}{text[1:]} ({first})", "bool")
            for name, text in _TMA_FLAGS
        ),
        Field(
            f"a{n}_ldh_x_uln",
            f"LDH ({first})",
            kind,
            f"0-100 x ULN{need}",
            unit="x ULN",
            allowed=(0, 100),
        ),
        Field(
            f"a{n}_upcr_mg_mg",
            f"Urine protein:creatinine ({first})",
            kind,
            f"0-100 mg/mg{need}",
            unit="mg/mg",
            allowed=(0, 100),
        ),
    )


TMA_FIELDS = (
    *_tma_fields(1, "date"),
    *_tma_fields(2, "optional-date"),
    Field("biopsy_proven", "Biopsy-proven TMA", "bool"),
    Field("concurrent_agvhd_grade_2_4", "Concurrent grade 2-4 acute GVHD", "bool"),
    Field("concurrent_infection", "Concurrent infection", "bool"),
    Field("organ_dysfunction", "Organ dysfunction", "bool"),
)

MUCOSITIS_FIELDS = (
    Field("soreness", "Soreness", "bool"),
    Field("erythema", "Erythema", "bool"),
    Field("ulcers", "Ulcers", "bool"),
    Field(
        "diet",
        "&Diet",
        "choice",
        "what the patient can eat",
        (
            ("solids", "solids"),
            ("liquids_only", "liquids only"),
            ("none", "alimentation not possible"),
        ),
        "solids",
    ),
    Field(
        "ctcae_grade",
        "&CTCAE v5 grade",
        "choice",
        "0-5",
        tuple((str(i), f"{i}: {text}") for i, text in enumerate(CTCAE_MUCOSITIS)),
        "0",
    ),
)

HC_FIELDS = (
    Field("microscopic_haematuria", "Microscopic haematuria", "bool"),
    Field("macroscopic_haematuria", "Macroscopic haematuria", "bool"),
    Field("clots", "Clots", "bool"),
    Field(
        "obstruction_requiring_intervention",
        "Obstruction or retention requiring intervention",
        "bool",
    ),
    Field(
        "hours_since_conditioning",
        "&Hours since conditioning",
        "optional-number",
        "0-87,600 h (72 h or less: early onset)",
        unit="h",
        allowed=(0, 87_600),
    ),
)

HCT_CI_LABELS: dict[str, str] = {
    "arrhythmia": "Arrhythmia",
    "cardiac": "Cardiac",
    "inflammatory_bowel_disease": "Inflammatory bowel disease",
    "diabetes": "Diabetes",
    "cerebrovascular": "Cerebrovascular disease",
    "psychiatric": "Psychiatric disturbance",
    "hepatic_mild": "Hepatic, mild",
    "obesity": "Obesity",
    "infection": "Infection",
    "rheumatologic": "Rheumatologic",
    "peptic_ulcer": "Peptic ulcer",
    "renal": "Renal, moderate/severe",
    "pulmonary_moderate": "Pulmonary, moderate",
    "prior_solid_tumour": "Prior solid tumour",
    "heart_valve": "Heart valve disease",
    "pulmonary_severe": "Pulmonary, severe",
    "hepatic_moderate_severe": "Hepatic, moderate/severe",
}

HCT_CI_FIELDS = (
    *(
        Field(key, HCT_CI_LABELS[key], "bool", f"weight {weight}")
        for key, weight in HCT_CI_WEIGHTS.items()
    ),
    Field(
        "age_years",
        "&Age",
        "number",
        "0-120 years (40 or more: +1 for HCT-CI/age)",
        unit="years",
        allowed=(0, 120),
    ),
    # Measured values derive the items the index defines by a threshold; empty: not used.
    Field(
        "fev1_percent",
        "&FEV1",
        "optional-number",
        "% predicted: 66-80 moderate, 65 or less severe",
        unit="% predicted",
        allowed=(0, 200),
    ),
    Field(
        "dlco_percent",
        "&DLCO",
        "optional-number",
        "% predicted: 66-80 moderate, 65 or less severe",
        unit="% predicted",
        allowed=(0, 200),
    ),
    Field(
        "creatinine_mg_dl",
        "Serum &creatinine",
        "optional-number",
        "mg/dL: over 2 renal",
        unit="mg/dL",
        allowed=(0.1, 20),
    ),
    Field(
        "bilirubin_x_uln",
        "&Bilirubin",
        "optional-number",
        "x ULN: over 1 mild, over 1.5 moderate/severe",
        unit="x ULN",
        allowed=(0, 50),
    ),
    Field(
        "ast_alt_x_uln",
        "AST/A&LT (higher)",
        "optional-number",
        "x ULN: over 1 mild, over 2.5 moderate/severe",
        unit="x ULN",
        allowed=(0, 200),
    ),
    Field(
        "height_cm",
        "&Height",
        "optional-number",
        "40-250 cm (for BMI; over 35 obesity)",
        unit="cm",
        allowed=(40, 250),
    ),
    Field(
        "weight_kg",
        "&Weight",
        "optional-number",
        "1-350 kg (for BMI)",
        unit="kg",
        allowed=(1, 350),
    ),
)

KPS_FIELDS = (
    Field(
        "score",
        "&Score",
        "int",
        "0-100 in steps of 10",
        error_names=("performance_score",),
        allowed=(0, 100),
    ),
    Field(
        "age_years",
        "&Age",
        "number",
        "0-120 years (under 16: Lansky)",
        unit="years",
        allowed=(0, 120),
    ),
)

_ABO = (("", "choose..."), ("O", "O"), ("A", "A"), ("B", "B"), ("AB", "AB"))
ABO_FIELDS = (
    Field("donor_abo", "&Donor ABO group", "choice", "O, A, B or AB", _ABO, ""),
    Field("recipient_abo", "&Recipient ABO group", "choice", "O, A, B or AB", _ABO, ""),
)

_CMV = (("positive", "positive"), ("negative", "negative"), ("unknown", "unknown"))
CMV_FIELDS = (
    Field("donor_cmv_igg", "&Donor CMV IgG", "choice", "", _CMV, "unknown"),
    Field("recipient_cmv_igg", "&Recipient CMV IgG", "choice", "", _CMV, "unknown"),
    Field("allogeneic", "Allogeneic transplant", "bool", default=True),
    Field("day0", "Day &0", "date", "yyyy-mm-dd (letermovir window)"),
    Field("extended", "At risk of late CMV (letermovir to Day +200)", "bool"),
)

INTENSITY_FIELDS = (
    Field(
        "components",
        "Regimen &components",
        "rows",
        "total course dose;\nTBI cGy or Gy + fractions;\nbusulfan mg/kg, iv or oral;\n"
        "melphalan mg/m2; thiotepa mg/kg;\ntreosulfan g/m2",
        error_names=("agent", "total_dose", "unit", "route", "fractions", "tbi_dose"),
        columns=("Agent", "Total dose", "Unit", "Route", "Fractions"),
    ),
    Field(
        "centre_intent",
        "Centre's declared &intent",
        "choice",
        "",
        (("none", "not declared"), ("MAC", "MAC"), ("RIC", "RIC"), ("NMA", "NMA")),
        "none",
    ),
)

VACCINE_FIELDS = (
    Field("day0", "Day &0", "date", "yyyy-mm-dd"),
    Field("on_immunosuppression", "Still on immunosuppression", "bool"),
    Field("ist_stop_date", "Immunosuppression &stopped", "optional-date", "yyyy-mm-dd"),
    Field("last_ivig_date", "Last &IVIG", "optional-date", "yyyy-mm-dd"),
    Field("active_gvhd", "Active GVHD", "bool"),
)

PLERIXAFOR_FIELDS = (
    Field("age_years", "&Age", "number", unit="years", allowed=(0, 120)),
    Field("sex", "Se&x", "choice", "", (("", "choose..."), ("female", "female"), ("male", "male"))),
    Field("weight_kg", "&Weight (actual)", "number", unit="kg", allowed=(1, 350)),
    Field("height_cm", "&Height", "number", unit="cm", allowed=(40, 250)),
    Field(
        "creatinine_mg_dl",
        "Serum &creatinine",
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
        "&Lineage",
        "choice",
        "",
        (
            ("", "choose..."),
            ("t_cell", "T cells (CD3+)"),
            ("myeloid", "Myeloid cells (CD33+)"),
            ("whole_blood", "Whole blood (unfractionated)"),
        ),
        "",
    ),
    Field("donor_percent", "Donor &percentage", "number", unit="% donor", allowed=(0, 100)),
    Field(
        "previous_percent",
        "P&revious donor percentage",
        "optional-number",
        "same lineage; 0-100 % donor",
        unit="% donor",
        allowed=(0, 100),
    ),
    Field("previous_date", "Previous result da&te", "optional-date", "yyyy-mm-dd"),
)
